"""`tradesim compare` through typer's CliRunner: the table, the files, clean errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
LONDON = str(ROOT / "scenarios/london-2025.toml")
GENEVA = str(ROOT / "scenarios/geneva-truce-2025.toml")
PD = str(ROOT / "scenarios/classroom/prisoners-dilemma.toml")


def invoke(*args: str):
    result = CliRunner().invoke(app, ["compare", *args])
    return result.exit_code, result.output


def test_compare_bundled_scenarios_draws_side_by_side_plots(tmp_path):
    code, text = invoke(LONDON, GENEVA, PD, "--runs", "500", "--workers", "1",
                        "--out", str(tmp_path))
    assert code == 0, text
    folder = tmp_path / "compare-london-2025-geneva-truce-2025-prisoners-dilemma"
    figures = {p.name for p in (folder / "figures").iterdir()}
    assert figures == {"compare_payoffs.png", "compare_delta.png", "compare_survival.png",
                       "compare_deals.png", "compare_payoff_spaces.png"}
    assert all((folder / "figures" / f).stat().st_size > 10_000 for f in figures)
    doc = json.loads((folder / "compare.json").read_text())
    rows = {r["scenario"]: r for r in doc["scenarios"]}
    # the classroom prisoner's dilemma (T=5, R=3, P=1, S=0): unique equilibrium (1, 1),
    # grim trigger needs delta* = (5 - 3) / (5 - 1) = 0.5, the Nash deal over (1, 1) is (3, 3)
    pd = rows["prisoners-dilemma"]
    assert pd["n_equilibria"] == 1
    assert list(pd["payoffs"].values()) == [1.0, 1.0]
    assert pd["truce"]["delta_star"] == pytest.approx(0.5)
    assert list(pd["deal"]["payoffs"].values()) == pytest.approx([3.0, 3.0])
    assert rows["london-2025"]["n_equilibria"] == 1  # one, by dominance (london-scenario.md)
    with (folder / "compare.csv").open() as fh:
        table = list(csv.DictReader(fh))
    assert [r["scenario"] for r in table] == ["london-2025", "geneva-truce-2025",
                                              "prisoners-dilemma"]
    for name in ("london-2025", "geneva-truce-2025", "prisoners-dilemma"):
        assert name in text


def test_same_seed_same_numbers_whatever_the_workers(tmp_path):
    args = [LONDON, PD, "--runs", "300", "--no-figures", "--format", "json"]
    one = json.loads(invoke(*args, "--workers", "1", "--out", str(tmp_path / "a"))[1])
    two = json.loads(invoke(*args, "--workers", "2", "--out", str(tmp_path / "b"))[1])
    assert one["scenarios"] == two["scenarios"]


@pytest.mark.parametrize(("args", "message"), [
    ([LONDON], "expected two or more scenario files"),
    ([LONDON, LONDON], "scenario names repeat"),
    ([LONDON, "nope.toml"], "nope.toml"),
    ([LONDON, PD, "--strategies", "bogus"], "bogus"),
    ([LONDON, PD, "--format", "xml"], "--format"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    code, text = invoke(*args, "--out", str(tmp_path / "res"))
    assert code == 2
    assert message in text
    assert "Traceback" not in text
    assert not (tmp_path / "res").exists()


def test_help_has_an_example():
    result = CliRunner().invoke(app, ["compare", "--help"])
    assert result.exit_code == 0
    assert "Example: tradesim compare scenarios/london-2025.toml" in result.output
