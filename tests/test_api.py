"""The Python API (sim/__init__.py, sim/api.py): lazy import, results that print and render."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app

ROOT = Path(__file__).resolve().parents[1]
PD = ROOT / "scenarios/classroom/prisoners-dilemma.toml"
BOS = ROOT / "scenarios/classroom/battle-of-the-sexes.toml"
CHIPS = ROOT / "scenarios/classroom/chips-for-rare-earths.toml"


def test_import_sim_is_lazy():
    code = "import sys, sim; print('numpy' in sys.modules, 'sim.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = sim.nope
    assert {"load_scenario", "solve", "truce", "bargain"} <= set(dir(sim))


def test_solve_battle_of_the_sexes_has_two_pure_and_one_mixed_equilibrium():
    r = sim.solve(sim.load_scenario(BOS))
    assert len(r) == 3
    assert r.complete
    mixed = [e for e in r if 0 < e.strategies["Row"][0] < 1]
    assert len(mixed) == 1
    assert mixed[0].strategies["Row"] == pytest.approx([2 / 3, 1 / 3])
    assert mixed[0].strategies["Column"] == pytest.approx([1 / 3, 2 / 3])


def test_solve_matches_the_cli_json():
    cli = CliRunner().invoke(app, ["solve", str(BOS), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert sim.solve(BOS).to_dict() == json.loads(cli.stdout)


def test_results_print_readably_and_render_as_html_tables():
    r = sim.solve(PD)
    text = str(r)
    assert text == repr(r)
    assert "1 equilibrium (" in text
    assert "US: breach | China: breach -> US 1, China 1" in text
    html = r._repr_html_()
    assert html.startswith("<table>")
    assert "<td>breach</td>" in html


def test_analyse_reports_pareto_profiles_and_named_profiles():
    a = sim.analyse(CHIPS)
    assert a.pure == ["US: strict | China: slowed"]
    assert "US: eased | China: released" in a.pareto
    assert "swap: US 1, China 4 (Pareto-optimal)" in str(a)
    assert a.to_dict()["equilibria"]["complete"] is True
    assert "Pareto-optimal pure profiles" in a._repr_html_()


def test_truce_report_is_a_mapping_with_the_cli_numbers():
    t = sim.truce(PD, runs=200, strategies=["tft"])
    assert t["delta_star"] == pytest.approx(0.5)  # (T - R) / (T - P) = (5 - 3) / (5 - 1)
    assert t["binding"] in {"US", "China"}
    assert "Binding side:" in str(t)
    assert "<table>" in t._repr_html_()
    assert t.to_dict()["simulation"]["runs"] == 200


def test_bargain_report_lists_the_solutions():
    b = sim.bargain(CHIPS)
    assert set(b["solutions"]) >= {"nash", "kalai_smorodinsky"}
    assert "<td>nash</td>" in b._repr_html_()


def test_bargain_result_is_typed_and_its_json_is_the_commands():
    """Rule 6 of #13: the analysis returns frozen dataclasses read by attribute; its JSON
    is produced by formats.json.to_json and is exactly `tradesim bargain --format json`."""
    import dataclasses

    b = sim.bargain(CHIPS)
    assert dataclasses.is_dataclass(b.result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.result.scenario = "other"  # type: ignore[misc]
    assert b.result.solutions["nash"].payoffs == pytest.approx(b["solutions"]["nash"]["payoffs"])
    cli = CliRunner().invoke(app, ["bargain", str(CHIPS), "--format", "json", "--no-figures"])
    assert cli.exit_code == 0, cli.output
    assert b.to_dict() == json.loads(cli.stdout)


def test_truce_needs_a_scenario_not_a_game():
    game = sim.load_game(PD)
    with pytest.raises(sim.TradesimError, match="needs a scenario"):
        sim.truce(game)


def test_from_arrays_games_can_be_solved():
    g = sim.from_arrays([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]], name="pennies")
    (eq,) = sim.solve(g)
    assert eq.strategies["Player 1"] == pytest.approx([0.5, 0.5])


def test_sweep_finds_the_chicken_deal_tipping_point():
    r = sim.sweep(ROOT / "scenarios/classroom/tariff-chicken.toml", ["war_cost_us=4:15:6"],
                  runs=0)
    assert "Tipping points" in str(r)
    assert r.to_dict()["tipping_points"]


def test_compare_matches_the_cli_json(tmp_path):
    files = [str(PD), str(ROOT / "scenarios/classroom/tariff-chicken.toml")]
    cli = CliRunner().invoke(app, ["compare", *files, "--runs", "200", "--format", "json",
                                   "--no-figures", "--out", str(tmp_path), "--workers", "1"])
    assert cli.exit_code == 0, cli.output
    r = sim.compare(files, runs=200)
    ours, theirs = r.to_dict()["scenarios"], json.loads(cli.stdout)["scenarios"]
    for a, b in zip(ours, theirs, strict=True):
        assert a["n_equilibria"] == b["n_equilibria"]
        assert a["truce"]["delta_star"] == pytest.approx(b["truce"]["delta_star"])
        assert a["truce"]["survival"] == pytest.approx(b["truce"]["survival"])  # same seeds
    assert ours[0]["truce"]["delta_star"] == pytest.approx(0.5)
    assert "<table>" in r._repr_html_()


# --------------------------------------------------------------------------- notebook use


def test_reports_have_attributes_that_autocomplete():
    t = sim.truce(PD, runs=50, seed=1)
    assert t.delta_star == t["delta_star"] == 0.5
    assert t.thresholds.nash.players.US.delta_star == 0.5
    assert "delta_star" in dir(t)
    assert "to_dataframe" in dir(t)
    with pytest.raises(AttributeError, match="did you mean 'delta_star'"):
        _ = t.delta_str
    with pytest.raises(KeyError, match="did you mean 'binding'"):
        _ = t["bindng"]
    with pytest.raises(AttributeError, match="read-only"):
        t.delta_star = 0.1
    assert json.dumps(t.to_dict())  # still the plain JSON


def test_to_dataframe_gives_every_table_with_the_reports_numbers():
    pd = pytest.importorskip("pandas")
    t = sim.truce(PD, runs=500, seed=2, strategies=["tft", "wsls"])
    frame = t.to_dataframe("simulation")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["strategies"]) == [p.label for p in t.simulation.pairs]
    assert list(frame["recovery"].fillna(-1)) == [
        -1 if p.recovery is None else p.recovery for p in t.simulation.pairs]
    assert set(t.tables) >= {"thresholds_nash", "simulation", "best_sustainable"}
    b = sim.bargain(CHIPS)
    pareto = b.to_dataframe("pareto")
    assert len(pareto) == len(b.payoff_space.pareto)
    assert b.to_dataframe().columns[0] == "side"  # the first table: the disagreement point
    eq = sim.solve(BOS).to_dataframe()
    assert len(eq) == 3
    assert eq["Row: opera"].tolist() == pytest.approx([1, 2 / 3, 0])
    with pytest.raises(sim.TradesimError, match="did you mean 'pareto'"):
        b.to_dataframe("paretto")


def test_errors_name_keywords_and_suggest_close_names():
    with pytest.raises(sim.TradesimError) as err:
        sim.truce(PD, delta=1.5, runs=10)
    assert "--" not in str(err.value)
    assert str(err.value).startswith("delta ")
    with pytest.raises(sim.TradesimError, match="noise_implementation"):
        sim.truce(PD, noise_implementation=2.0, runs=10)
    with pytest.raises(sim.TradesimError, match="did you mean 'tft'"):
        sim.truce(PD, strategies=["tfft"], runs=10)
    with pytest.raises(sim.TradesimError, match=r"tie_rule: .*did you mean .favour-other."):
        sim.bargain(PD, tie_rule="favor-other")
    with pytest.raises(sim.TradesimError, match="did you mean 'london-2025'"):
        sim.load("londn-2025")


def test_the_traceback_ends_at_the_users_call():
    import traceback

    try:
        sim.truce(PD, delta=1.5, runs=10)
    except sim.TradesimError as exc:
        frames = traceback.extract_tb(exc.__traceback__)
    # this test's frame and the one wrapper that re-raised: none of the analysis code
    assert [f.filename for f in frames][-1].endswith("sim/api/errors.py")
    assert len(frames) == 2


def test_bundled_scenarios_load_by_name_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = sim.load("london-2025")
    assert s.name == "london-2025"
    assert sim.load("scenarios/classroom/prisoners-dilemma.toml").name == "prisoners-dilemma"
    assert {"london-2025", "prisoners-dilemma", "tariff-chicken"} <= set(sim.bundled_scenarios())
    r = CliRunner().invoke(app, ["show", "scenarios/london-2025.toml"])
    assert r.exit_code == 0, r.output


def test_a_scenario_and_an_equilibrium_show_briefly_and_by_name():
    s = sim.load("london-2025")
    assert len(repr(s)) < 600
    assert "rare_earths (held/slowed/released)" in repr(s)
    html = s._repr_html_()
    assert "Facts and assumptions" in html
    assert "ap-0611" in html
    one = sim.solve(s)[0]
    assert repr(one).startswith("US: us_tariff=baseline")
    assert one.support("China") == {
        "cn_tariff=geneva, rare_earths=held, critical_minerals=banned, farm_access=restricted": 1.0}
    assert "<th>strategy</th>" in one._repr_html_()


def test_sweep_and_compare_reports_render_tables_and_frames():
    pytest.importorskip("pandas")
    chicken = ROOT / "scenarios/classroom/tariff-chicken.toml"
    s = sim.sweep(chicken, ["war_cost_us=4:15:3"], runs=10)
    assert s.tables == ["points", "tipping_points"]
    points = s.to_dataframe()
    assert points["war_cost_us"].tolist() == [4.0, 9.5, 15.0]
    assert list(points["n_equilibria"]) == [p.n_equilibria for p in s.points]
    html = s._repr_html_()
    assert html.count("<table>") == 2
    assert "Tipping points" in html
    c = sim.compare([PD, chicken], runs=20)
    assert len(c.to_dataframe("scenarios")) == 2
    assert "Scenarios side by side" in c._repr_html_()


def test_a_misspelt_keyword_suggests_the_right_one():
    with pytest.raises(TypeError, match="did you mean 'noise_implementation'"):
        sim.truce(PD, noise_implementaton=0.1)
