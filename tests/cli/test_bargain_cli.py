"""``tradesim bargain``: the report on bundled scenarios, its JSON, figures and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.bargain import analyse, settings
from sim.errors import InputError, ScenarioErrors
from sim.formats.json import to_json
from sim.render.bargain import render_table
from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.solvers import bargaining as bg

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios" / "london-2025.toml"
PD = ROOT / "scenarios" / "classroom" / "prisoners-dilemma.toml"


def typed_for(path: Path, **options):
    """The analysis: a frozen, typed result (what render and plots read)."""
    scenario = load_scenario(path)
    game = build_game(scenario)
    return scenario, game, analyse(scenario, game, settings(scenario, game, **options))


def report_for(path: Path, **options):
    """The analysis as its JSON (what the command and results.json write)."""
    scenario, game, result = typed_for(path, **options)
    return scenario, game, to_json(result)


@pytest.fixture(scope="module")
def london():
    return typed_for(LONDON)


def test_prisoners_dilemma_report_by_hand():
    """d = (defect, defect) = (1, 1); every solution is mutual compliance (3, 3);
    Rubinstein with delta = 0.9: the first proposer's unit share is 1/1.9; one round before
    the deadline the proposer takes the most China accepts, u2 = 7.5 - 1.5 u1 = 1 -> 13/3;
    grim trigger needs (5 - 3)/(5 - 1) = 1/2; whoever leads, both defect."""
    _, _, r = report_for(PD)
    assert r["disagreement"]["base"] == {"US": 1.0, "China": 1.0}
    for sol in r["solutions"].values():
        assert sol["payoffs"] == {"US": 3.0, "China": 3.0}
        assert sol["lottery"][0]["named"] == ["mutual_compliance"]
    assert r["named_profiles"]["mutual_compliance"]["in_solutions"] == [
        "nash", "kalai_smorodinsky", "egalitarian", "utilitarian"]
    rub = r["rubinstein"]
    assert rub["deltas"] == {"US": 0.9, "China": 0.9}
    assert rub["unit_surplus"]["shares"]["US"] == pytest.approx(1 / 1.9)
    assert rub["deadline"]["payoffs"][0] == pytest.approx([13 / 3, 1.0])
    deal = next(d for d in r["linkage"]["deals"] if d["name"] == "mutual_compliance")
    assert deal["linked_delta_star"] == pytest.approx(0.5)
    assert deal["lever_by_lever_delta_star"] == pytest.approx(0.5)
    for order in r["move_order"]["orders"]:
        assert order["outcome"]["label"] == "US: breach | China: breach"
    assert r["move_order"]["first_mover_value"] == {"US": 0.0, "China": 0.0}
    assert all(o["changes"] == [] for o in r["move_order"]["orders"])  # d is the SPE


def test_move_order_changes_from_a_named_status_quo():
    """From mutual compliance, whoever moves first breaches first, then the other."""
    _, _, r = report_for(PD, disagreement="mutual_compliance")
    orders = {o["name"]: o for o in r["move_order"]["orders"]}
    assert orders["China first"]["changes"] == [
        {"step": 1, "player": "China", "lever": "strategy", "from": "comply", "to": "breach"},
        {"step": 2, "player": "US", "lever": "strategy", "from": "comply", "to": "breach"}]
    assert r["move_order"]["status_quo"] == "US: comply | China: comply"


def test_london_report_agrees_with_the_solvers(london):
    scenario, game, r = london
    assert r.disagreement.spec == "april_escalation"  # typed: attributes
    r = to_json(r)
    assert r["disagreement"]["spec"] == "april_escalation"
    esc = game.profile_index(scenario.profiles["april_escalation"])
    options = [scenario.value(scenario.bargaining.outside_options[p]) for p in game.players]
    d = np.maximum([game.A[esc], game.B[esc]], options)
    assert [r["disagreement"]["point"][p] for p in game.players] == pytest.approx(d)
    direct = bg.solve_bargaining(bg.payoff_space(game.A, game.B), d)
    for name, sol in direct.solutions.items():
        got = r["solutions"][name]["payoffs"]
        assert [got[p] for p in game.players] == pytest.approx(sol.payoffs)
    swap = r["named_profiles"]["swap"]
    assert set(swap) >= {"pareto_optimal", "in_solutions", "in_nash_deal", "nash_deal"}
    assert r["rubinstein"]["rounds"] == 3  # 90-day truce, 30-day periods
    row = next(d for d in r["linkage"]["deals"] if d["name"] == "swap")
    # separately the tariff issue cannot be enforced (its one-shot outcome, both at 10%,
    # suits the US better than Geneva's 30%); linked, the package can
    assert row["separate_delta_star"] is None
    assert row["linked_delta_star"] < 1
    # chips alone cannot be enforced: only the US moves that lever (see test_linkage.py)
    assert row["separate"]["chips_for_rare_earths"]["delta_star"] is not None
    assert set(r["linkage"]["issues"]) == {"chips_for_rare_earths", "tariffs",
                                           "access_for_farms"}
    names = [o["name"] for o in r["move_order"]["orders"]]
    assert names[:3] == ["US first", "China first", "lever by lever"]
    assert set(r["outside_options"]) == {"US", "China"}


def test_london_json_is_strict_and_table_answers_the_questions(london):
    _, _, r = london
    text = json.dumps(to_json(r), allow_nan=False)
    assert json.loads(text)["scenario"] == "london-2025"
    table = render_table(r)
    for needle in ("Pareto-optimal profiles", "Nash", "Kalai-Smorodinsky", "swap",
                   "Rubinstein", "90-day deadline", "Outside options", "China:",
                   "Issue linkage", "chips_for_rare_earths", "Move order", "US first"):
        assert needle in table


def test_figures_are_png(london):
    from sim.plots.bargain import figures

    _, _, r = london
    out = figures(r)
    assert set(out) == {"bargain-payoff-space.png", "bargain-rubinstein-deadline.png",
                        "bargain-outside-options.png", "bargain-linkage.png"}
    assert all(png.startswith(b"\x89PNG") for png in out.values())


def test_options_override_the_file():
    _, _, r = report_for(PD, disagreement="minmax", delta=["US=0.5"], first="China")
    assert r["disagreement"]["kind"] == "minmax"
    assert r["rubinstein"]["deltas"] == {"US": 0.5, "China": 0.9}
    assert r["rubinstein"]["first"] == "China"
    # China proposes first: (1 - 0.5) / (1 - 0.45) = 10/11
    assert r["rubinstein"]["unit_surplus"]["shares"]["China"] == pytest.approx(10 / 11)


@pytest.mark.parametrize(("options", "message"), [
    ({"disagreement": "war"}, "--disagreement: got 'war'; expected one of: nash, minmax"),
    ({"delta": ["1.5"]}, "strictly between 0 and 1"),
    ({"delta": ["0"]}, "strictly between 0 and 1"),
    ({"delta": ["US=abc"]}, "--delta: got 'US=abc'"),
    ({"delta": ["Mars=0.5"]}, "unknown player 'Mars'"),
    ({"first": "Mars"}, "--first: got 'Mars'"),
    ({"tie_rule": "coin"}, "--tie-rule: got 'coin'"),
])
def test_bad_options_are_input_errors(options, message):
    scenario = load_scenario(PD)
    with pytest.raises(InputError, match=message):
        settings(scenario, build_game(scenario), **options)


def pd_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "pd.toml"
    path.write_text(PD.read_text() + "\n" + extra)
    return path


@pytest.mark.parametrize(("extra", "message"), [
    ('[bargaining]\nissues = { a = ["nope"] }', "names unknown lever 'nope'"),
    ('[bargaining]\nissues = { a = ["strategy"], b = ["strategy"] }',
     "lever 'strategy' is already in issue 'a'"),
    ('[bargaining]\ndisagreement = "war"', "expected 'nash', 'minmax' or a profile name"),
])
def test_bad_bargaining_sections_are_scenario_errors(tmp_path, extra, message):
    with pytest.raises(ScenarioErrors, match=message):
        load_scenario(pd_with(tmp_path, extra))


# --------------------------------------------------------------------------- command line


def invoke(*args):
    from typer.testing import CliRunner

    from sim.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_json(tmp_path):
    result = invoke("bargain", PD, "--format", "json", "--figures", tmp_path)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["solutions"]["nash"]["payoffs"] == {"US": 3.0, "China": 3.0}
    assert sorted(Path(f).name for f in doc["figures"]) == [
        "bargain-linkage.png", "bargain-payoff-space.png", "bargain-rubinstein-deadline.png"]
    assert all(Path(f).read_bytes().startswith(b"\x89PNG") for f in doc["figures"])


def test_cli_table_on_london():
    result = invoke("bargain", LONDON, "--no-figures", "--tie-rule", "harm-other")
    assert result.exit_code == 0, result.output
    assert "Kalai-Smorodinsky" in result.stdout
    assert "ties: harm-other" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--delta", "1.5"], "--delta US must lie strictly between 0 and 1, got 1.5"),
    (["--delta", "China=-0.1"], "--delta China must lie strictly between 0 and 1"),
    (["--disagreement", "war"], "--disagreement: got 'war'"),
    (["--format", "xml"], "--format: got 'xml'"),
])
def test_cli_bad_options_one_line(tmp_path, args, message):
    result = invoke("bargain", PD, "--figures", tmp_path / "figs", *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "figs").exists()


@pytest.mark.parametrize(("extra", "message"), [
    ('[bargaining]\nissues = { a = ["nope"] }', "names unknown lever 'nope'"),
    ('[bargaining]\nissues = { a = ["strategy"], b = ["strategy"] }',
     "lever 'strategy' is already in issue 'a'"),
    ('[bargaining]\ndisagreement = "war"', "[bargaining.disagreement] got 'war'"),
])
def test_cli_bad_bargaining_section_one_line(tmp_path, extra, message):
    result = invoke("bargain", pd_with(tmp_path, extra), "--no-figures")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_cli_game_without_pure_equilibrium_needs_another_disagreement():
    pennies = ROOT / "scenarios" / "classroom" / "matching-pennies.toml"
    result = invoke("bargain", pennies, "--no-figures")
    assert result.exit_code == 2
    assert "use --disagreement minmax" in result.stderr
    assert invoke("bargain", pennies, "--no-figures", "--disagreement", "minmax").exit_code == 0


def test_run_includes_the_bargaining_section(tmp_path):
    result = invoke("run", PD, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "prisoners-dilemma"
    doc = json.loads((out / "results.json").read_text())
    assert doc["bargaining"]["solutions"]["nash"]["payoffs"] == {"US": 3.0, "China": 3.0}
    assert "## Bargaining, linkage and move order" in (out / "summary.md").read_text()
    assert (out / "figures" / "bargain-payoff-space.png").read_bytes().startswith(b"\x89PNG")


def test_reference_example_runs(tmp_path, monkeypatch):
    """The example in docs/reference/cli.md works as written (figures sent to tmp_path)."""
    text = (ROOT / "docs" / "reference" / "cli.md").read_text()
    (line,) = [x for x in text.splitlines() if x.startswith("tradesim bargain scenarios/")]
    monkeypatch.chdir(ROOT)
    result = invoke(*line.split()[1:], "--figures", tmp_path)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["disagreement"]["spec"] == "nash"
    assert doc["rubinstein"]["deltas"]["China"] == 0.8


CHICKEN = """
[scenario]
name = "chicken-{tag}"
title = "Chicken"

[game]
players = [{players}]
strategies = {{ {strategies} }}
payoffs.{p1} = {a}
payoffs.{p2} = {b}
"""


def _chicken(tmp_path: Path, tag: str, *, flip_order: bool, swap: bool) -> Path:
    """Chicken (Osborne 2004) written with the strategies in either order, either player
    first; payoffs (row, column) swerve/swerve 0,0; swerve/straight -1,1; straight/straight
    -10,-10."""
    names = ["swerve", "straight"][::-1] if flip_order else ["swerve", "straight"]
    val = {("swerve", "swerve"): (0, 0), ("swerve", "straight"): (-1, 1),
           ("straight", "swerve"): (1, -1), ("straight", "straight"): (-10, -10)}
    row, col = ("Column", "Row") if swap else ("Row", "Column")
    # val is (Row's move, Column's move) -> (Row's payoff, Column's payoff)
    def pay(who: str, r: str, c: str) -> int:
        moves = {row: r, col: c}
        return val[(moves["Row"], moves["Column"])][0 if who == "Row" else 1]

    mats = {p: [[pay(p, r, c) for c in names] for r in names] for p in (row, col)}
    text = CHICKEN.format(tag=tag, players=f'"{row}", "{col}"',
                          strategies=f'{row} = {names}, {col} = {names}'.replace("'", '"'),
                          p1=row, p2=col, a=mats[row], b=mats[col])
    path = tmp_path / f"chicken-{tag}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("flip_order", "swap"), [(True, False), (False, True), (True, True)])
def test_default_deal_does_not_depend_on_labels(tmp_path, flip_order, swap):
    """The default disagreement point, the deals, the commitment value and the sweep's Nash
    deal are the same however chicken's strategies and players are listed (they used to be
    (-1, 1) or (1, -1) depending on which strategy came first)."""
    from sim.analyses import points as pt

    plain = _chicken(tmp_path, "plain", flip_order=False, swap=False)
    other = _chicken(tmp_path, "other", flip_order=flip_order, swap=swap)
    reports = [report_for(p)[2] for p in (plain, other)]
    for r in reports:
        assert r["disagreement"]["base"] == {"Row": -1.0, "Column": -1.0}
        assert r["solutions"]["nash"]["payoffs"] == {"Row": 0.0, "Column": 0.0}
        assert r["move_order"]["status_quo"] is None
        assert r["move_order"]["commitment_value"]["Row"] == 2.0
        assert r["move_order"]["commitment_value"]["Column"] == 2.0
    assert {k: reports[0]["solutions"][k]["payoffs"] for k in bg.SOLUTIONS} == {
        k: reports[1]["solutions"][k]["payoffs"] for k in bg.SOLUTIONS}
    deals = [pt.evaluate(load_scenario(p), {}, pt.Settings(runs=10),
                         np.random.default_rng(0)).deal for p in (plain, other)]
    assert deals[0].payoffs == deals[1].payoffs == (0.0, 0.0)


CHIPS = ROOT / "scenarios" / "classroom" / "chips-for-rare-earths.toml"


def test_a_lottery_is_never_called_a_profile():
    """chips-for-rare-earths: the Nash deal is 76.7% swap + 23.3% (strict, released); the
    report used to say the swap 'is the Nash deal' with nash_deal_differs = {}."""
    _, _, typed = typed_for(CHIPS)
    r = to_json(typed)
    nash = r["solutions"]["nash"]
    assert [round(x["probability"], 3) for x in nash["lottery"]] == [0.767, 0.233]
    swap = r["named_profiles"]["swap"]
    assert swap["in_nash_deal"] == pytest.approx(23 / 30)
    assert [x["differs"] for x in swap["nash_deal"]] == [
        {}, {"US": {"strategy": ["strict", "eased"]}}]
    table = render_table(typed)
    assert "the Nash deal is this profile" not in table
    assert "the Nash deal is a lottery:" in table
    assert "(a lottery over 2 outcomes)" in table
    from sim.render.bargain import console_lines

    console = "\n".join(console_lines(typed))
    assert "Nash deal: US 1.700, China 2.833 (a lottery: 76.7% swap + 23.3% US: strict | " \
           "China: released)" in console
    assert "an unnamed profile" not in console


def test_the_sweep_names_a_lottery_with_its_probabilities():
    from sim.analyses import points as pt

    deal = pt.evaluate(load_scenario(CHIPS), {}, pt.Settings(runs=10),
                       np.random.default_rng(0)).deal
    assert deal.label == ("76.7% [US: eased | China: released] + "
                          "23.3% [US: strict | China: released]")
    assert deal.support.startswith("a lottery of ")
