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
    ([LONDON, PD, "--horizon", "0"], "--horizon"),
    ([LONDON, PD, "--horizon", "nan"], "--horizon"),
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


def _json(tmp_path, *args):
    code, text = invoke(*args, "--runs", "200", "--workers", "1", "--no-figures",
                        "--format", "json", "--out", str(tmp_path))
    assert code == 0, text
    return json.loads(text)


def test_every_truce_is_read_at_one_common_horizon(tmp_path):
    """London and Geneva (90 days, 30-day periods) and the classroom PD (90 days, 7-day
    periods, so 13 periods): at the default horizon, the shortest truce, every row reads
    its model curves after the whole periods covering 90 days; at 60 days, after 2 and 9
    periods. The model's numbers differ between London and Geneva, whose payoffs differ,
    while the library pair's survival depends only on noise and periods."""
    doc = _json(tmp_path, LONDON, GENEVA, PD)
    assert doc["horizon_days"] == 90
    rows = {r["scenario"]: r["truce"] for r in doc["scenarios"]}
    for t in rows.values():
        c, h = t["model"]["curve"], t["horizon"]
        k = next(i for i, d in enumerate(c["days"]) if d >= 90 - 1e-9)
        assert [h["no_slip"], h["dispute"], h["collapse"]] == \
            [c["no_slip"][k], c["dispute"][k], c["collapse"][k]]
        assert h["no_slip"] == pytest.approx(t["model"]["no_slip"])  # 90 days is the term
    london, geneva = rows["london-2025"], rows["geneva-truce-2025"]
    assert abs(london["horizon"]["no_slip"] - geneva["horizon"]["no_slip"]) > 0.1
    doc = _json(tmp_path / "b", LONDON, PD, "--horizon", "60")
    rows = {r["scenario"]: r["truce"] for r in doc["scenarios"]}
    assert rows["london-2025"]["horizon"]["collapse"] == \
        rows["london-2025"]["model"]["curve"]["collapse"][2]
    assert rows["prisoners-dilemma"]["horizon"]["collapse"] == \
        rows["prisoners-dilemma"]["model"]["curve"]["collapse"][9]  # 63 days >= 60
    assert rows["prisoners-dilemma"]["horizon"]["beyond_expiry"] is False


def test_the_order_of_the_files_changes_no_row(tmp_path):
    one = _json(tmp_path / "a", LONDON, GENEVA)
    two = _json(tmp_path / "b", GENEVA, LONDON)
    by_name = {r["scenario"]: r for r in two["scenarios"]}
    for r in one["scenarios"]:
        other = by_name[r["scenario"]]
        assert r["truce"]["model"] == other["truce"]["model"]  # exact: no seed involved
        assert r["truce"]["horizon"]["collapse"] == other["truce"]["horizon"]["collapse"]


def test_the_csv_has_the_model_columns(tmp_path):
    code, text = invoke(LONDON, GENEVA, "--runs", "200", "--workers", "1", "--no-figures",
                        "--out", str(tmp_path))
    assert code == 0, text
    assert "Truce model at a common horizon of 90 days" in text
    folder = tmp_path / "compare-london-2025-geneva-truce-2025"
    with (folder / "compare.csv").open() as fh:
        table = list(csv.DictReader(fh))
    doc = json.loads((folder / "compare.json").read_text())
    for row, r in zip(table, doc["scenarios"], strict=True):
        assert float(row["collapse_horizon"]) == pytest.approx(r["truce"]["horizon"]["collapse"])
        assert float(row["renewed"]) == pytest.approx(r["truce"]["model"]["renewed"])
        assert float(row["horizon_days"]) == 90
