"""`tradesim truce` through typer's CliRunner: numbers, JSON, figures and one-line errors."""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sim.errors import TradesimError

PD_TOML = """
[scenario]
name = "pd-truce"
title = "Prisoner's dilemma, T=5 R=3 P=1 S=0"

[game]
players = ["Row", "Col"]
strategies = { Row = ["cooperate", "defect"], Col = ["cooperate", "defect"] }
payoffs = { Row = [[3, 0], [5, 1]], Col = [[3, 5], [0, 1]] }

[assumptions]
slip = { value = 0.02, range = [0, 0.1], why = "a test value" }

[profiles]
sucker = { Row = "cooperate", Col = "defect" }

[truce]
profile = { Row = "cooperate", Col = "cooperate" }
length_days = 90
period_days = 7
discount = 0.6
noise_implementation = "slip"
noise_perception = 0.0
punishment_periods = 2
"""


def _app() -> typer.Typer:
    from sim.cli import app

    return app


def invoke(*args: str):
    result = CliRunner().invoke(_app(), ["truce", *args])
    if isinstance(result.exception, TradesimError):  # what sim/cli.py prints for it
        return result.exception.exit_code, str(result.exception), result
    return result.exit_code, result.output, result


@pytest.fixture
def pd(scenario_file) -> Path:
    return scenario_file(PD_TOML, "pd.toml")


def test_prisoners_dilemma_report_shows_delta_star_one_half(pd, tmp_path):
    code, out, _ = invoke(str(pd), "--runs", "2000", "--figures", str(tmp_path / "fig"))
    assert code == 0, out
    assert "Binding side: Row (delta* = 0.500). Sustainable at delta = 0.6000: yes." in out
    assert "With 2-period punishments: delta* = 0.618" in out
    assert "from delta = 0.000: Row: defect; Col: defect (joint payoff 2.000)" in out
    assert "from delta = 0.500: Row: cooperate; Col: cooperate (joint payoff 6.000)" in out
    for name in ("truce_delta_star.png", "truce_sustainable.png", "truce_survival.png"):
        assert (tmp_path / "fig" / name).read_bytes()[:4] == b"\x89PNG"


def test_json_carries_the_same_numbers(pd):
    code, out, _ = invoke(str(pd), "--format", "json", "--runs", "4000", "--no-figures",
                          "--strategies", "grim,tft/grim", "--noise-perception", "0.01")
    assert code == 0, out
    report = json.loads(out)
    assert report["delta_star"] == 0.5
    assert report["binding"] == "Row"
    assert report["sustainable"] is True
    row = report["thresholds"]["nash"]["players"]["Row"]
    assert row["deviation"] == {"strategy": "defect"}
    assert (row["truce_payoff"], row["deviation_payoff"], row["punishment_payoff"]) == (3, 5, 1)
    assert report["thresholds"]["nash"]["delta_star_k"] == pytest.approx(0.618034, abs=1e-6)
    assert report["time"]["periods"] == 13
    sim = report["simulation"]
    assert (sim["noise_implementation"], sim["noise_perception"]) == (0.02, 0.01)
    assert [p["label"] for p in sim["pairs"]] == ["grim / grim", "tft / grim"]
    grim = sim["pairs"][0]
    exact = 0.98 ** 26 * 0.99 ** 24  # (1-eps)^(2t) (1-pi)^(2(t-1)), t = 13
    assert abs(grim["expiry"]["probability"] - exact) <= 4 * grim["expiry"]["se"]
    assert grim["days"][-1] == 90
    assert len(grim["survival"]) == 14


def test_same_seed_same_output(pd):
    args = (str(pd), "--format", "json", "--runs", "1000", "--no-figures", "--seed", "7")
    assert invoke(*args)[1] == invoke(*args)[1]
    assert invoke(*args)[1] != invoke(*args[:-1], "8")[1]


def test_all_pairs_and_minmax_punishment(pd):
    code, out, _ = invoke(str(pd), "--format", "json", "--runs", "200", "--no-figures",
                          "--strategies", "comply,breach", "--all-pairs", "--punishment",
                          "minmax", "--noise-impl", "0")
    assert code == 0, out
    report = json.loads(out)
    assert report["punishment"] == "minmax"
    assert [p["label"] for p in report["simulation"]["pairs"]] == [
        "comply / comply", "comply / breach", "breach / comply", "breach / breach"]
    assert report["simulation"]["pairs"][1]["payoffs"]["Col"]["mean"] == 5.0


def test_a_profile_punishment_that_never_deters(pd):
    # Punishing with (cooperate, defect) costs the column player nothing: never sustainable.
    code, out, _ = invoke(str(pd), "--format", "json", "--runs", "100", "--no-figures",
                          "--punishment", "sucker")
    assert code == 0, out
    report = json.loads(out)
    col = report["thresholds"]["sucker"]["players"]["Col"]
    assert col["delta_star"] is None
    assert col["sustainable_for_some_delta"] is False
    assert report["sustainable"] is False
    assert math.isclose(report["thresholds"]["sucker"]["players"]["Row"]["delta_star"], 0.4)


@pytest.mark.parametrize(("args", "message"), [
    (("--noise-impl", "1.5"), "--noise-impl must lie in [0, 1], got 1.5"),
    (("--noise-perception", "-0.2"), "--noise-perception must lie in [0, 1], got -0.2"),
    (("--delta", "1.0"), "--delta must lie strictly between 0 and 1, got 1.0"),
    (("--delta", "0"), "--delta must lie strictly between 0 and 1, got 0.0"),
    (("--strategies", "tft,nice"), "unknown strategy 'nice'; expected one of: comply"),
    (("--format", "yaml"), "--format: got 'yaml'; expected table or json"),
    (("--punishment", "revenge"), "--punishment: got 'revenge'; expected nash, minmax"),
    (("--breach", "escalation"), "--breach: got 'escalation'; expected deviation"),
    (("--seed", "-1"), "--seed: expected a whole number >= 0, got -1"),
    (("--runs", "1"), "--runs: expected a whole number >= 2, got 1"),
    (("--strategies", "gtft:2"), "gtft forgiveness must lie in [0, 1], got 2"),
])
def test_bad_settings_are_one_line_errors(pd, tmp_path, args, message):
    code, out, _ = invoke(str(pd), "--figures", str(tmp_path / "fig"), *args)
    assert code == 2
    assert message in out
    assert "\n" not in out.strip()
    assert "Traceback" not in out
    assert not (tmp_path / "fig").exists()  # nothing written


def test_a_truce_level_that_is_not_a_level_is_a_scenario_error(pd, tmp_path):
    pd.write_text(PD_TOML.replace('profile = { Row = "cooperate"', 'profile = { Row = "trust"'))
    code, out, _ = invoke(str(pd), "--no-figures")
    assert code == 2
    assert "[truce.profile.Row.strategy] got 'trust'; expected one of the levels" in out
    assert "\n" not in out.strip()


def test_noise_out_of_range_in_the_file_is_a_scenario_error(pd):
    pd.write_text(PD_TOML.replace("noise_perception = 0.0", "noise_perception = 1.2"))
    code, out, _ = invoke(str(pd), "--no-figures")
    assert code == 2
    assert "[truce.noise_perception] 1.2 is outside [0, 1]" in out


def test_missing_truce_section(pd):
    pd.write_text(PD_TOML.split("[truce]")[0])
    code, out, _ = invoke(str(pd), "--no-figures")
    assert code == 2
    assert "[truce] is missing; expected a [truce] section" in out


def test_help_lists_the_whole_library_and_has_an_example():
    from sim.cli.truce import STRATEGY_NAMES
    from sim.solvers.strategies import LIBRARY

    assert tuple(LIBRARY) == STRATEGY_NAMES
    result = CliRunner().invoke(_app(), ["truce", "--help"])
    assert result.exit_code == 0
    assert "Example: tradesim truce scenarios/london-2025.toml" in result.output


ROOT = Path(__file__).resolve().parents[2]


def test_bundled_london_truce_report(tmp_path):
    code, out, _ = invoke(str(ROOT / "scenarios/london-2025.toml"), "--format", "json",
                          "--runs", "4000", "--figures", str(tmp_path))
    assert code == 0, out
    report = json.loads(out)
    nash = report["thresholds"]["april_escalation"]
    assert report["punishment"] == "april_escalation"
    assert set(nash["players"]) == {"US", "China"}
    # China gains by holding rare earths back (0.8 a month), the US by cutting its tariff to
    # 10% (docs/explanation/london-scenario.md); punished by the April escalation, China binds.
    china, us = nash["players"]["China"], nash["players"]["US"]
    assert china["gain"] == pytest.approx(0.8)
    for side in (china, us):
        assert side["delta_star"] == pytest.approx(
            side["gain"] / (side["deviation_payoff"] - side["punishment_payoff"]))
    assert 0 < us["delta_star"] < china["delta_star"]
    assert report["binding"] == "China"
    assert report["sustainable"] is True
    assert report["time"]["delta"] == pytest.approx(0.75 ** (30 / 90) * 1.05 ** (-30 / 365))
    grim = next(p for p in report["simulation"]["pairs"] if p["label"] == "grim / grim")
    exact = 0.95 ** 6 * 0.9 ** 4  # 3 monthly periods, eps 0.05, pi 0.1
    assert abs(grim["expiry"]["probability"] - exact) <= 4 * grim["expiry"]["se"]
    assert len(report["figures"]) == 3


def test_bundled_prisoners_dilemma_shows_delta_star_one_half():
    code, out, _ = invoke(str(ROOT / "scenarios/classroom/prisoners-dilemma.toml"),
                          "--runs", "500", "--no-figures")
    assert code == 0, out
    assert "Binding side: US (delta* = 0.500)" in out


def _doc_section(path: Path, heading: str) -> str:
    text = path.read_text()
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else None]


def test_reference_examples_run_as_written(tmp_path, monkeypatch):
    section = _doc_section(ROOT / "docs/reference/cli.md", "## `tradesim truce`")
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert len(commands) == 2
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        assert argv[:2] == ["tradesim", "truce"]
        code, out, _ = invoke(*argv[2:])
        assert code == 0, out
    assert (tmp_path / "results/london-2025/figures/truce_survival.png").exists()
    assert json.loads(out)["delta_star"] == 0.5  # the second example prints JSON


def test_reference_error_example_is_what_the_tool_says(tmp_path):
    text = (ROOT / "scenarios/london-2025.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('profile = "geneva"', 'profile = { US = { us_tariff = "zero", '
                                'chip_controls = "strict", visa_curbs = "on", tech_access = '
                                '"closed" }, China = "x" }', 1))
    code, out, _ = invoke(str(bad), "--no-figures")
    assert code == 2
    assert ("[truce.profile.US.us_tariff] got 'zero'; expected one of the levels war, geneva, "
            "baseline") in out
    assert ("[truce.profile.US.us_tariff] got 'zero'; expected one of the levels war, geneva, "
            "baseline") in " ".join((ROOT / "docs/reference/cli.md").read_text().split())


def test_explanation_numbers_for_london():
    code, out, _ = invoke(str(ROOT / "scenarios/london-2025.toml"), "--format", "json",
                          "--runs", "200", "--no-figures", "--strategies", "grim")
    assert code == 0, out
    report = json.loads(out)
    named = report["named_profiles"]
    # docs/explanation/truce.md: swap sustainable at about 0.56 a month, the full deal at
    # about 0.53, Geneva never by Nash reversion but from 0.20 by reverting to April;
    # delta about 0.905 a month, grim survival to day 90 about 0.48.
    assert round(named["swap"]["delta_star"], 2) == 0.56
    assert round(named["full_deal"]["delta_star"], 2) == 0.53
    assert named["geneva"]["delta_star"] is None
    assert round(report["delta_star"], 2) == 0.20
    assert round(report["time"]["delta"], 3) == 0.905
    assert round(0.95 ** 6 * 0.9 ** 4, 2) == 0.48


def test_run_keeps_going_when_the_truce_cannot_be_analysed(tmp_path, scenario_file):
    from sim.cli import app

    pennies = PD_TOML.replace("[[3, 0], [5, 1]]", "[[1, -1], [-1, 1]]").replace(
        "[[3, 5], [0, 1]]", "[[-1, 1], [1, -1]]")
    path = scenario_file(pennies, "mp.toml")
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out"),
                                      "--no-figures"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out/pd-truce/results.json").read_text())
    assert "no pure Nash equilibrium to revert to" in doc["truce"]["error"]
    assert "Truce analysis not possible" in (tmp_path / "out/pd-truce/summary.md").read_text()


def test_run_writes_the_truce_section(tmp_path, scenario_file):
    from sim.cli import app

    path = scenario_file(PD_TOML, "pd.toml")
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out/pd-truce"
    doc = json.loads((out / "results.json").read_text())
    assert doc["truce"]["delta_star"] == 0.5
    summary = (out / "summary.md").read_text()
    assert "## Truce stability" in summary
    assert "| implementation noise | 0.02 | `slip`, assumption (range 0..0.1) |" in summary
    for name in ("truce_delta_star.png", "truce_sustainable.png", "truce_survival.png"):
        assert (out / "figures" / name).exists()


def _pairs(out: str) -> dict[str, float]:
    return {p["label"]: p["expiry"]["probability"]
            for p in json.loads(out)["simulation"]["pairs"]}


def test_a_pairs_numbers_do_not_depend_on_the_other_pairs(pd):
    """grim/grim used to get the stream of its position in the list (0.486 in `run`, 0.472
    in `truce` on London): now its stream is keyed by the pair's names."""
    common = (str(pd), "--format", "json", "--runs", "3000", "--no-figures", "--seed", "3",
              "--noise-impl", "0.05")
    alone = _pairs(invoke(*common, "--strategies", "grim")[1])
    among = _pairs(invoke(*common, "--strategies", "tft,wsls,grim")[1])
    backwards = _pairs(invoke(*common, "--strategies", "grim,wsls,tft")[1])
    assert alone["grim / grim"] == among["grim / grim"] == backwards["grim / grim"]
    assert among == backwards
    assert among["tft / tft"] != among["wsls / wsls"]


def test_run_compare_and_truce_agree_on_a_pair(tmp_path):
    """`run` simulates its own list of pairs, `truce --strategies grim` one pair and
    `compare` one pair: grim / grim gets the same numbers from all three."""
    import numpy as np

    from sim.analyses.compare import compare_one
    from sim.scenario import load_scenario

    london = Path(__file__).resolve().parents[2] / "scenarios" / "london-2025.toml"
    result = CliRunner().invoke(_app(), ["run", str(london), "--out", str(tmp_path),
                                         "--no-figures", "--seed", "0"])
    assert result.exit_code == 0, result.output
    sim = json.loads((tmp_path / "london-2025" / "results.json").read_text())["truce"][
        "simulation"]
    ran = {p["label"]: p["expiry"]["probability"] for p in sim["pairs"]}
    assert len(ran) > 1
    code, out, _ = invoke(str(london), "--format", "json", "--runs", str(sim["runs"]),
                          "--no-figures", "--strategies", "grim", "--seed", "0")
    assert code == 0, out
    assert _pairs(out)["grim / grim"] == ran["grim / grim"]
    row = compare_one(load_scenario(london), runs=sim["runs"], strategies="grim",
                      seed=np.random.SeedSequence(0).spawn(3)[2])  # any child of seed 0
    assert row["truce"]["survival"] == ran["grim / grim"]
