"""`--set NAME=VALUE`: a fact or assumption changed for one run, checked like the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

PD = Path(__file__).resolve().parents[1] / "data" / "pd-temptation.toml"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_set_changes_the_temptation_and_delta_star_follows():
    """delta* = (t - 3) / (t - 1): 1/2 at the file's t = 5, 2/3 with --set t=7."""
    plain = json.loads(invoke("truce", PD, "--format", "json", "--runs", "10").stdout)
    assert plain["delta_star"] == pytest.approx(0.5)
    result = invoke("truce", PD, "--set", "t=7", "--format", "json", "--runs", "10")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["delta_star"] == pytest.approx(2 / 3)
    assert "warning" not in result.stderr


def test_a_value_outside_the_range_warns_and_widens_the_range():
    result = invoke("truce", PD, "--set", "t=9", "--format", "json", "--runs", "10")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["delta_star"] == pytest.approx(6 / 8)
    assert ("warning: --set t=9 lies outside the assumption's range [3.5, 8]; the range is "
            "widened to include it for this run") in result.stderr


@pytest.mark.parametrize(("spec", "message"), [
    ("tt=1", "has no fact or assumption 'tt'; expected one of: slip, t"),
    ("t=abc", "expected a number after '=', got 'abc'"),
    ("t", "expected NAME=VALUE"),
    ("t=nan", "expected a finite number"),
])
def test_bad_sets_are_one_line_errors(spec, message, tmp_path):
    result = invoke("run", PD, "--set", spec, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_set_value_is_validated_like_the_file(tmp_path):
    """slip is a probability used as noise; a value the file could not hold is refused too:
    here a negative discount written as an assumption."""
    text = PD.read_text().replace('discount = 0.6', 'discount = "d"').replace(
        '[players.Row', 'd = { value = 0.6, range = [0.1, 0.9], why = "patience" }\n[players.Row')
    path = tmp_path / "pd.toml"
    path.write_text(text.replace("[assumptions]\n", "[assumptions]\n", 1))
    assert invoke("validate", path).exit_code == 0
    bad = invoke("validate", path, "--set", "d=1.5")
    assert bad.exit_code == 2, bad.output
    assert "discount" in bad.stderr


def test_sweep_workers_see_the_set_value(tmp_path):
    """The value travels in the scenario's text to every worker process: with t = 7 the truce
    (delta 0.6 < 2/3) is unsustainable at every point of a sweep over the noise."""
    result = invoke("sweep", PD, "--vary", "slip=0:0.2:4", "--set", "t=7", "--workers", "2",
                    "--runs", "0", "--no-figures", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads(next(tmp_path.glob("*/sweep.json")).read_text())
    assert [p["sustainable"] for p in report["points"]] == [False] * 4
    assert [p["delta_star"] for p in report["points"]] == pytest.approx([2 / 3] * 4)
