"""`tradesim export` and `tradesim solve` on Gambit .nfg files, through CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).parent.parent.parent
BOS = ROOT / "tests/data/bos.toml"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def equilibria(doc):
    return [tuple(tuple(e["strategies"][p]) for p in doc["players"]) for e in doc["equilibria"]]


@pytest.mark.parametrize("form", ["outcome", "payoff"])
def test_scenario_to_nfg_to_solve_gives_the_same_equilibria(tmp_path, form):
    out = tmp_path / "bos.nfg"
    result = invoke("export", BOS, "--format", "nfg", "--form", form, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("NFG 1 R ")
    direct = json.loads(invoke("solve", BOS, "--format", "json").stdout)
    via_nfg = json.loads(invoke("solve", out, "--format", "json").stdout)
    assert equilibria(via_nfg) == equilibria(direct)
    assert via_nfg["complete"] is True
    if form == "outcome":
        assert via_nfg["players"] == direct["players"]
        assert via_nfg["strategies"] == direct["strategies"]


def test_solve_nfg_exact_keeps_fraction_payoffs(tmp_path):
    # matching pennies scaled by 1/3: exact payoffs 1/3 and -1/3 give value exactly 0
    path = tmp_path / "mp.nfg"
    path.write_text('NFG 1 R "thirds" { "A" "B" } { 2 2 }\n'
                    '1/3 -1/3 -1/3 1/3 -1/3 1/3 1/3 -1/3\n')
    doc = json.loads(invoke("solve", path, "--exact", "--format", "json").stdout)
    assert doc["exact"] is True
    (eq,) = doc["equilibria"]
    assert eq["exact_strategies"] == {"A": ["1/2", "1/2"], "B": ["1/2", "1/2"]}
    assert eq["exact_payoffs"] == {"A": "0", "B": "0"}


def test_export_json_and_csv():
    doc = json.loads(invoke("export", BOS, "--format", "json").stdout)
    assert doc["payoffs"]["Row"] == [[2.0, 0.0], [0.0, 1.0]]
    assert doc["strategies"]["Column"] == ["opera", "football"]
    lines = invoke("export", BOS, "--format", "csv").stdout.splitlines()
    assert lines[0] == "Row,Column,payoff Row,payoff Column"
    assert lines[1] == "opera,opera,2.0,1.0"
    assert len(lines) == 5


def test_malformed_nfg_one_line_error_exit_2(tmp_path):
    path = tmp_path / "bad.nfg"
    path.write_text('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3\n')
    result = invoke("solve", path)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"{path}:2:" in result.stderr
    assert "Traceback" not in result.output


def test_export_help_has_example():
    result = invoke("export", "--help")
    assert result.exit_code == 0
    assert "Example: tradesim export" in result.stdout


def test_solve_qre_writes_plot(tmp_path):
    out = tmp_path / "qre.png"
    result = invoke("solve", BOS, "--method", "qre", "--plot", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_fast_start_no_heavy_imports():
    code = ("import sys, sim.cli; from sim.cli import app; "
            "print(sorted(m for m in ('scipy', 'nashpy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    code = ("import sys; from typer.testing import CliRunner; from sim.cli import app; "
            f"r = CliRunner().invoke(app, ['solve', {str(BOS)!r}]); assert r.exit_code == 0; "
            "print(sorted(m for m in ('scipy', 'nashpy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_cli_reference_examples_for_solve_and_export_run(tmp_path, monkeypatch):
    import re
    import shlex

    text = (ROOT / "docs/reference/cli.md").read_text()
    examples = [c for c in re.findall(r"```sh\n(.*?)\n```", text, flags=re.DOTALL)
                if c.startswith(("tradesim solve", "tradesim export"))]
    assert len(examples) == 2
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    for command in examples:
        result = runner.invoke(app, shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.output)
    assert (tmp_path / "bos.nfg").read_text().startswith("NFG 1 R")
