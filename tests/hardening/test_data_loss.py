"""A run never deletes what it did not write (issue #12, point 1).

The attack that found it: a scenario with ``name = ""`` made the results directory
``--out`` itself, and ``tradesim run`` replaced it, deleting other scenarios' results and a
user's own files beside them. Names are now non-empty bounded slugs, and a directory is
replaced only when a manifest lists every file in it, so even a name that slipped through
could not take the user's files with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ScenarioErrors
from sim.scenario import load_scenario

MAX_SCENARIO_NAME = 64  # documented in docs/reference/scenario-format.md

ROOT = Path(__file__).resolve().parents[2]
SMALL = (ROOT / "tests" / "data" / "small.toml").read_text(encoding="utf-8")


def tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def named(name: str) -> str:
    return SMALL.replace('name = "t"', f"name = {name}", 1)


@pytest.fixture
def results_with_user_files(tmp_path, monkeypatch) -> Path:
    """``results/`` with another scenario's results and the user's own file beside them."""
    monkeypatch.chdir(tmp_path)
    Path("other.toml").write_text(named('"other"'), encoding="utf-8")
    ok = CliRunner().invoke(app, ["run", "other.toml", "--no-figures"])
    assert ok.exit_code == 0, ok.stderr
    Path("results/notes.txt").write_text("my own notes, not tradesim's")
    return tmp_path / "results"


@pytest.mark.parametrize(
    "name",
    [
        '""',
        '"   "',
        '"."',
        '".."',
        '"a/../.."',
        '"/tmp"',
        '"Upper"',
        '"-dash"',
        f'"{"x" * (MAX_SCENARIO_NAME + 1)}"',
    ],
)
def test_run_with_a_bad_name_deletes_nothing(results_with_user_files, name):
    before = tree(results_with_user_files)
    Path("bad.toml").write_text(named(name), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "bad.toml", "--no-figures"])
    assert result.exit_code == 2, result.stderr
    assert "[scenario.name]" in result.stderr
    assert tree(results_with_user_files) == before


def test_run_refuses_to_replace_results_holding_a_users_file(results_with_user_files):
    mine = results_with_user_files / "other" / "my-analysis.xlsx"
    mine.write_bytes(b"precious")
    before = tree(results_with_user_files)
    result = CliRunner().invoke(app, ["run", "other.toml", "--no-figures"])
    assert result.exit_code == 2, result.stderr
    assert "my-analysis.xlsx, which tradesim did not write" in result.stderr
    assert tree(results_with_user_files) == before
    mine.unlink()  # once the user moved it away, the run replaces its own results again
    again = CliRunner().invoke(app, ["run", "other.toml", "--no-figures"])
    assert again.exit_code == 0, again.stderr
    assert (results_with_user_files / "notes.txt").exists()


def test_the_longest_name_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "n" * MAX_SCENARIO_NAME
    Path("long.toml").write_text(named(f'"{name}"'), encoding="utf-8")
    assert load_scenario("long.toml").name == name
    result = CliRunner().invoke(app, ["run", "long.toml", "--no-figures"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "results" / name / "results.json").exists()
    assert [p.name for p in (tmp_path / "results").iterdir()] == [name]


def test_identifiers_are_bounded(tmp_path):
    path = tmp_path / "long.toml"
    path.write_text(SMALL.replace("w = {", f"{'w' * 65} = {{"), encoding="utf-8")
    with pytest.raises(ScenarioErrors, match="expected 1 to 64 letters"):
        load_scenario(path)


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_sweep_and_compare_refuse_a_folder_that_is_not_theirs(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    Path("a.toml").write_text(named('"a"'), encoding="utf-8")
    Path("b.toml").write_text(named('"b"'), encoding="utf-8")
    target = Path("results/a-sweep-w" if command == "sweep" else "results/compare-a-b")
    target.mkdir(parents=True)
    (target / "thesis.tex").write_text("precious")
    args = (
        ["sweep", "a.toml", "--vary", "w=0.1:0.9:3"]
        if command == "sweep"
        else ["compare", "a.toml", "b.toml"]
    )
    result = CliRunner().invoke(app, [*args, "--runs", "0", "--workers", "1", "--no-figures"])
    assert result.exit_code == 2, result.stderr
    assert "thesis.tex, which tradesim did not write" in result.stderr
    assert (target / "thesis.tex").read_text() == "precious"
    assert sorted(p.name for p in target.iterdir()) == ["thesis.tex"]
