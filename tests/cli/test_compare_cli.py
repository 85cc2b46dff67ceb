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


def invoke_json(*args: str):
    """The JSON on standard output (warnings go to standard error)."""
    result = CliRunner().invoke(app, ["compare", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


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
    one = invoke_json(*args, "--workers", "1", "--out", str(tmp_path / "a"))
    two = invoke_json(*args, "--workers", "2", "--out", str(tmp_path / "b"))
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
    return invoke_json(*args, "--runs", "200", "--workers", "1", "--no-figures",
                       "--format", "json", "--out", str(tmp_path))


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


def test_delta_is_read_per_common_period_and_differences_are_warned(tmp_path):
    """London's truce runs in 30-day periods, the PD in 7-day ones: London's delta and delta*
    are compounded to a 7-day period (x ** (7 / 30)), the PD's stay; 'holds' is unchanged.
    Their lever sets and units differ, so the payoff levels are not comparable: warned."""
    result = CliRunner().invoke(app, ["compare", LONDON, PD, "--runs", "100", "--workers",
                                      "1", "--no-figures", "--format", "json",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["period_days"] == 7
    rows = {r["scenario"]: r["truce"] for r in doc["scenarios"]}
    lon, pd = rows["london-2025"], rows["prisoners-dilemma"]
    assert lon["per_common_period"]["delta"] == pytest.approx(lon["delta"] ** (7 / 30))
    assert lon["per_common_period"]["delta_star"] == pytest.approx(
        lon["delta_star"] ** (7 / 30))
    assert pd["per_common_period"]["delta"] == pytest.approx(pd["delta"])
    assert any(w.startswith("lever sets (payoff levels are not comparable) differ")
               for w in doc["warnings"])
    assert "warning: payoff units differ: london-2025: $bn/month; prisoners-dilemma: not " \
        "stated" in result.stderr
    assert "truce periods (δ and δ* are converted to a common period) differ" in result.stderr


def test_compare_workers_see_set_values(tmp_path):
    """--set reaches the worker processes: discount 0.4 makes the PD's truce unsustainable
    (delta* = 0.5), in both copies of it."""
    other = tmp_path / "pd2.toml"
    other.write_text(Path(PD).read_text().replace('name = "prisoners-dilemma"',
                                                  'name = "pd-copy"'))
    result = CliRunner().invoke(app, ["compare", PD, str(other), "--set", "discount=0.4",
                                      "--runs", "100", "--workers", "2", "--no-figures",
                                      "--format", "json", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [r["truce"]["delta"] for r in doc["scenarios"]] == pytest.approx([0.4, 0.4])
    assert [r["truce"]["sustainable"] for r in doc["scenarios"]] == [False, False]
