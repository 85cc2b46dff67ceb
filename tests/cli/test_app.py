"""The command line: outputs, the JSON schema of `solve`, and one-line errors."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_solve_json_schema_battle_of_the_sexes():
    result = invoke("solve", DATA / "bos.toml", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["game"] == "battle-of-the-sexes"
    assert doc["players"] == ["Row", "Column"]
    assert doc["strategies"] == {"Row": ["opera", "football"], "Column": ["opera", "football"]}
    assert doc["complete"] is True
    assert isinstance(doc["method"], str)
    eqs = sorted((tuple(e["strategies"]["Row"]), tuple(e["strategies"]["Column"]),
                  e["payoffs"]["Row"], e["payoffs"]["Column"]) for e in doc["equilibria"])
    assert len(eqs) == 3
    pure = [e for e in eqs if 1.0 in e[0]]
    assert sorted((e[2], e[3]) for e in pure) == [(1.0, 2.0), (2.0, 1.0)]
    (mixed,) = [e for e in eqs if 1.0 not in e[0]]
    assert mixed[0] == pytest.approx((2 / 3, 1 / 3))
    assert mixed[1] == pytest.approx((1 / 3, 2 / 3))
    assert mixed[2:] == pytest.approx((2 / 3, 2 / 3))


def test_solve_table(tmp_path):
    result = invoke("solve", DATA / "bos.toml")
    assert result.exit_code == 0
    assert "3 equilibria" in result.stdout
    assert "0.6667×[opera] + 0.3333×[football]" in result.stdout


def test_run_writes_results(tmp_path):
    result = invoke("run", DATA / "small.toml", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "t"
    doc = json.loads((out / "results.json").read_text())
    assert doc["scenario"]["name"] == "t"
    assert doc["schema"] == 1  # docs/reference/results-json.md
    assert doc["seed"] == 0
    (eq,) = doc["game"]["equilibria"]["equilibria"]
    assert eq["strategies"]["US"] == [0, 0, 1, 0]  # tariff=low, chips=strict
    summary = (out / "summary.md").read_text()
    assert "facts peak (a)" in summary
    assert "assumptions w" in summary
    assert "| swap |" in summary
    for fig in ("payoff_heatmap.png", "payoff_space.png"):
        assert (out / "figures" / fig).read_bytes().startswith(b"\x89PNG")


def test_run_twice_same_bytes(tmp_path):
    for d in ("a", "b"):
        assert invoke("run", DATA / "small.toml", "--out", tmp_path / d, "--seed", 3).exit_code == 0
    for name in ("results.json", "summary.md", "figures/payoff_space.png"):
        assert (tmp_path / "a/t" / name).read_bytes() == (tmp_path / "b/t" / name).read_bytes()


BROKEN = """\
[scenario]
name = "broken"
titel = "typo"

[sources.a]
outlet = "Outlet"
title = "Title"

[facts]
peak = { value = 145, unit = "%" }

[players.US.levers.tariff]
levels = { war = "peak", low = 10 }

[players.China.levers.rare]
levels = { held = 1, open = 0 }

[payoffs]
US = "__import__('os').system('touch hacked') + tariff"
China = "rare"
"""


def test_validate_broken_file_one_line_per_problem(tmp_path, scenario_file):
    path = scenario_file(BROKEN, "broken.toml")
    before = set(tmp_path.iterdir())
    result = invoke("validate", path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert lines[0] == f"error: {path}:3: [scenario.titel] unknown key 'titel'; expected one of: " \
        "contradictions, date, description, name, notes, payoff_unit, title"
    assert lines[1].startswith(f"error: {path}:10: [facts.peak.source] is missing")
    assert lines[2].startswith(f"error: {path}:19: [payoffs.US] ")
    assert "Traceback" not in result.output
    assert set(tmp_path.iterdir()) == before  # nothing written
    assert not (ROOT / "hacked").exists()


def test_run_broken_file_writes_nothing(tmp_path, scenario_file):
    path = scenario_file(BROKEN, "broken.toml")
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("formula", ["9**9**9", "1+" * 50_000 + "1"])
def test_hostile_formulas_refused(tmp_path, formula):
    path = tmp_path / "h.toml"
    path.write_text((DATA / "small.toml").read_text().replace(
        'China = "pain - chips + rare"', f'China = "{formula}"'))
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert "[payoffs.China]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_and_bad_option():
    result = invoke("solve", "no-such-file.toml")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no-such-file.toml: no such file"


def test_show_lists_sources_and_payoffs():
    result = invoke("show", DATA / "small.toml")
    assert result.exit_code == 0
    assert "war = 145  (peak: fact: a)" in result.stdout
    # one column per lever, then the payoffs (hand-computed: pain = 10/100 * 0.5 = 0.05)
    assert re.search(r"\n  tariff +chips +rare +US payoff +China payoff\n", result.stdout)
    assert re.search(r"\n  low +eased +open +-0\.05 +0\.05\n", result.stdout)
    # the formulas themselves, with the terms they use
    assert "  US = -pain + 2*chips - 3*rare" in result.stdout
    assert "    pain = tariff / 100 * w" in result.stdout


@pytest.mark.parametrize("command", ["run", "solve", "validate", "show"])
def test_every_command_has_help_with_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example: tradesim" in result.stdout


def test_installed_console_script(tmp_path):
    exe = shutil.which("tradesim", path=str(Path(sys.executable).parent))
    assert exe, "the tradesim console script is not installed beside this Python"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run([exe, "run", str(DATA / "bos.toml"), "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Nash equilibria: 3" in proc.stdout
    assert json.loads((tmp_path / "battle-of-the-sexes/results.json").read_text())["game"]


def test_london_equilibria_complete_and_verified():
    import numpy as np

    from sim.scenario import load_scenario
    from sim.scenario.build import build_game
    from sim.solvers.verify import is_equilibrium

    result = invoke("solve", ROOT / "scenarios/london-2025.toml", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["complete"] is True
    game = build_game(load_scenario(ROOT / "scenarios/london-2025.toml"))
    assert doc["equilibria"]
    for eq in doc["equilibria"]:
        x, y = (np.array(eq["strategies"][p]) for p in doc["players"])
        assert is_equilibrium(game.A, game.B, x, y, tol=1e-7)


def test_show_and_solve_a_gambit_game():
    shown = invoke("show", DATA / "pd.nfg")
    assert shown.exit_code == 0, shown.output
    assert re.search(r"\n  cooperate +defect +0 +5\n", shown.stdout)
    assert "  cooperate     3, 3       0, 5*" in shown.stdout  # the bimatrix
    solved = invoke("solve", DATA / "pd.nfg")
    assert "1. Row plays defect; Column plays defect — payoffs: Row 1, Column 1" in solved.stdout


def test_closed_output_pipe_stops_quietly():
    exe = shutil.which("tradesim", path=str(Path(sys.executable).parent))
    proc = subprocess.Popen([exe, "show", str(ROOT / "scenarios/london-2025.toml"), "--rows",
                             "1000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away at once, as `| head` does
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 141
    assert err == ""


def test_solve_counts_in_words_and_says_what_it_did_not_check():
    pd = str(ROOT / "scenarios" / "classroom" / "prisoners-dilemma.toml")
    r = CliRunner().invoke(app, ["solve", pd])
    assert r.exit_code == 0, r.output
    assert ": 1 equilibrium (" in r.stdout
    r = CliRunner().invoke(app, ["solve", pd, "--method", "pure"])
    assert "degeneracy not checked" in r.stdout.splitlines()[0]
    r = CliRunner().invoke(app, ["solve", pd, "--method", "lemke-howson", "--format", "json"])
    doc = json.loads(r.stdout)
    assert doc["degenerate"] is None
    assert "enumeration limit" not in doc["message"]


@pytest.mark.parametrize("command", ["run", "solve", "validate", "show", "truce", "bargain",
                                     "play", "sweep", "compare", "export"])
def test_help_shows_no_python_type_names(command):
    r = CliRunner().invoke(app, [command, "--help"], terminal_width=100)
    assert r.exit_code == 0, r.output
    assert "list[" not in r.output


def test_shell_completion_is_offered():
    r = CliRunner().invoke(app, ["--help"])
    assert "--install-completion" in r.output
    assert "--show-completion" in r.output
