"""`tradesim sweep` through typer's CliRunner: tipping points, files written, clean errors."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analyses.sweep import parse_vary
from sim.cli import app
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[2]

# Row gains w - 0.37 from "yes" whatever Col does; Col matches Row: (yes, yes) is the unique
# equilibrium for w > 0.37 and (no, no) for w < 0.37 (hand-computed).
GO_TOML = """
[scenario]
name = "go"
title = "Go or not"
[assumptions]
w = { value = 0.2, range = [0, 1], why = "weight" }
z = { value = 1, range = [0, 2], why = "unused" }
[players.Row.levers.go]
levels = { no = 0, yes = 1 }
[players.Col.levers.go2]
levels = { no = 0, yes = 1 }
[payoffs]
Row = "go * (w - 0.37)"
Col = "go2 * (go - 0.5)"
[profiles]
deal = { Row = { go = "yes" }, Col = { go2 = "yes" } }
"""


@pytest.fixture
def go(scenario_file) -> Path:
    return scenario_file(GO_TOML, "go.toml")


def invoke(*args: str):
    result = CliRunner().invoke(app, ["sweep", *args])
    return result.exit_code, result.output


def test_one_dimensional_sweep_prints_the_tipping_point_and_writes_every_file(go, tmp_path):
    out = tmp_path / "res"
    code, text = invoke(str(go), "--vary", "w=0:1:11", "--tol", "0.001", "--workers", "1",
                        "--out", str(out))
    assert code == 0, text
    assert "deal becomes a pure equilibrium when w crosses 0.37 exactly" in text
    found = re.search(r"Nash bargaining deal .* when w crosses ([0-9.]+) \(between ([0-9.]+) "
                      r"and ([0-9.]+)\)", text)
    assert found, text
    assert float(found[2]) <= float(found[1]) <= float(found[3])
    assert float(found[3]) - float(found[2]) <= 0.002
    folder = out / "go-sweep-w"
    written = {p.name for p in folder.iterdir()} - {".tradesim-manifest.json"}
    assert written == {"sweep.csv", "sweep.json", "sweep.parquet", "figures"}
    assert (folder / "figures" / "sweep_w.png").stat().st_size > 10_000
    with (folder / "sweep.csv").open() as fh:
        table = list(csv.DictReader(fh))
    assert [float(r["w"]) for r in table] == pytest.approx([k / 10 for k in range(11)])
    assert [r["equilibrium_deal"] for r in table] == ["False"] * 4 + ["True"] * 7
    report = json.loads((folder / "sweep.json").read_text())
    tp = next(t for t in report["tipping_points"] if t["conclusion"] == "equilibrium:deal")
    assert abs(tp["value"] - 0.37) <= tp["tolerance"] <= 0.001
    assert tp["exact"] == 0.37
    assert tp["bracket"][0] <= 0.37 <= tp["bracket"][1]
    assert report["variables"][0] | {"lo": 0.0, "hi": 1.0, "n": 11} == report["variables"][0]
    pa = pytest.importorskip("pyarrow.parquet")
    assert pa.read_table(folder / "sweep.parquet").num_rows == 11


def test_default_range_is_the_assumptions_own(go, tmp_path):
    code, text = invoke(str(go), "--vary", "w", "--workers", "1", "--no-figures",
                        "--format", "json", "--out", str(tmp_path))
    assert code == 0, text
    report = json.loads(text)
    assert [(v["lo"], v["hi"], v["n"]) for v in report["variables"]] == [(0.0, 1.0, 21)]


def test_two_dimensional_sweep_draws_a_region_map(go, tmp_path):
    code, text = invoke(str(go), "--vary", "w=0:1:5", "--vary", "z=0:2:3", "--workers", "1",
                        "--out", str(tmp_path))
    assert code == 0, text
    folder = tmp_path / "go-sweep-w-z"
    assert (folder / "figures" / "region_map.png").stat().st_size > 10_000
    report = json.loads((folder / "sweep.json").read_text())
    assert len(report["points"]) == 15
    assert [s["points"] for s in report["equilibrium_sets"]] == [9, 6]  # w >= 0.5 vs below
    tps = [t for t in report["tipping_points"] if t["conclusion"] == "equilibria"]
    assert len(tps) == 3  # one per value of z


def test_same_seed_same_files_whatever_the_worker_count(go, tmp_path):
    args = [str(go), "--vary", "w=0:1:12", "--runs", "50", "--no-figures", "--seed", "3"]
    assert invoke(*args, "--workers", "1", "--out", str(tmp_path / "a"))[0] == 0
    assert invoke(*args, "--workers", "2", "--out", str(tmp_path / "b"))[0] == 0
    a = json.loads((tmp_path / "a/go-sweep-w/sweep.json").read_text())
    b = json.loads((tmp_path / "b/go-sweep-w/sweep.json").read_text())
    a.pop("command"), b.pop("command")
    assert a == b


@pytest.mark.parametrize(("vary", "message"), [
    ("nope=0:1:5", "--vary: 'nope' is neither a fact nor an assumption of go"),
    ("w=0.5:0.5:5", "--vary w: the range 0.5:0.5 is empty; expected LO < HI"),
    ("w=1:0:5", "--vary w: the range 1:0 is inverted; expected LO < HI"),
    ("w=0:1:1", "--vary w: got 1 points; expected a whole number N >= 2"),
    ("w=0:1:x", "--vary w: N 'x' is not a whole number"),
    ("w=a:1:3", "--vary w: LO 'a' is not a number"),
    ("w=0:1:2:3", "expected NAME=LO:HI:N"),
])
def test_bad_vary_is_one_line_nonzero_and_writes_nothing(go, tmp_path, vary, message):
    out = tmp_path / "res"
    code, text = invoke(str(go), "--vary", vary, "--out", str(out))
    assert code == 2
    assert text.strip().count("\n") == 0
    assert text.startswith("error: ")
    assert message in text
    assert "Traceback" not in text
    assert not out.exists()


def test_size_limit_is_checked_before_any_work(go, tmp_path):
    code, text = invoke(str(go), "--vary", "w=0:1:100", "--vary", "z=0:2:100",
                        "--max-points", "5000", "--out", str(tmp_path / "res"))
    assert code == 3
    assert "10,000 points, over the limit of 5,000" in text
    assert not (tmp_path / "res").exists()


def test_other_bad_options(go, tmp_path):
    for args, message in [
        (["--workers", "0"], "--workers: got 0"),
        (["--strategies", "nonsense"], "nonsense"),
        (["--tol", "-1"], "--tol"),
        (["--format", "xml"], "--format"),
        (["--vary", "w"], "named twice"),
    ]:
        code, text = invoke(str(go), "--vary", "w", *args, "--out", str(tmp_path / "res"))
        assert code == 2, (args, text)
        assert message in text
        assert not (tmp_path / "res").exists()
    code, text = invoke(str(go), "--out", str(tmp_path / "res"))
    assert code == 2
    assert "--vary: give at least one" in text


def test_parse_vary_forms():
    assert parse_vary("w") == ("w", None, None, None)
    assert parse_vary("w=0:1") == ("w", 0.0, 1.0, None)
    assert parse_vary("w=::41") == ("w", None, None, 41)
    assert parse_vary("w=-1:2.5:3") == ("w", -1.0, 2.5, 3)
    with pytest.raises(InputError, match="both LO and HI"):
        parse_vary("w=0::3")


def test_london_sweep_finds_its_tipping_points(tmp_path):
    code, text = invoke(str(ROOT / "scenarios/london-2025.toml"), "--vary",
                        "backdown_cost_us=2:15:14", "--runs", "0", "--workers", "1",
                        "--no-figures", "--out", str(tmp_path))
    assert code == 0, text
    # docs/explanation/london-scenario.md: escalation needs backdown_cost_us above about 10.6
    assert "april_escalation becomes a pure equilibrium when backdown_cost_us crosses 10.61788" \
        in text


def test_help_has_an_example():
    result = CliRunner().invoke(app, ["sweep", "--help"])
    assert result.exit_code == 0
    assert "Example: tradesim sweep scenarios/london-2025.toml" in result.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_point_where_a_payoff_is_undefined_is_one_line_naming_it(go, tmp_path, workers):
    bad = go.with_name("log.toml")
    bad.write_text(GO_TOML.replace('Row = "go * (w - 0.37)"', 'Row = "go * log(w)"'))
    code, text = invoke(str(bad), "--vary", "w=-1:1:12", "--workers", workers,
                        "--out", str(tmp_path / "res"))
    assert code == 2
    assert text.startswith("error: at w = -1: ")
    assert "[payoffs.Row] evaluates to nan" in text
    assert text.strip().count("\n") == 0
    assert not (tmp_path / "res").exists()
