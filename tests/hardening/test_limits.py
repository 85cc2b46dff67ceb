"""Limits before work (issue #9, point 3): checked before allocating, exit code 3, one line
that names the limit and the option raising it, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import LimitError
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.toml"  # 4 x 2 strategies: 16 payoff cells
LONDON = ROOT / "scenarios" / "london-2025.toml"


def huge_scenario(tmp_path: Path, levels: int) -> Path:
    """Two players with two levers of ``levels`` levels each: ``levels**4`` profiles."""
    lines = ['[scenario]\nname = "huge"\n']
    for player, levers in (("US", ("a", "b")), ("China", ("c", "d"))):
        for lever in levers:
            body = ", ".join(f"l{i} = {i}" for i in range(levels))
            lines.append(f"[players.{player}.levers.{lever}]\nlevels = {{ {body} }}\n")
    lines.append('[payoffs]\nUS = "a * c - b"\nChina = "b * d - c"\n')
    path = tmp_path / "huge.toml"
    path.write_text("\n".join(lines))
    return path


def test_a_huge_strategy_space_is_refused_before_allocation(tmp_path):
    scenario = load_scenario(huge_scenario(tmp_path, 2_000))  # 1.6e13 profiles, 256 TB
    with pytest.raises(LimitError, match="4000000 x 4000000 strategy profiles"):
        build_game(scenario)


@pytest.mark.parametrize("command", ["solve", "show", "validate", "truce", "bargain"])
def test_global_max_cells_applies_to_every_command(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    scenario = LONDON if command in {"truce", "bargain"} else SMALL
    result = CliRunner().invoke(app, ["--max-cells", "10", command, str(scenario)])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == (2 if command == "validate" else 3), result.stderr
    assert len(lines) == 1
    assert "over the limit of 10" in lines[0]
    assert "--max-cells" in lines[0]
    assert list(tmp_path.iterdir()) == []
    ok = CliRunner().invoke(app, ["--max-cells", "16", "show", str(SMALL)])
    assert ok.exit_code == 0, ok.stderr


def test_limits_apply_to_one_invocation_only():
    low = CliRunner().invoke(app, ["--max-cells", "10", "--max-run-periods", "5", "show",
                                   str(SMALL)])
    assert low.exit_code == 3, low.stderr
    again = CliRunner().invoke(app, ["show", str(SMALL)])  # same process, default limits
    assert again.exit_code == 0, again.stderr


def test_the_core_names_the_limit_and_the_command_line_the_option(tmp_path):
    scenario = load_scenario(huge_scenario(tmp_path, 4))  # 16 x 16 profiles, 512 cells
    with pytest.raises(LimitError, match=r"over the limit of 100$") as caught:
        build_game(scenario, max_cells=100)
    assert caught.value.limit == "max_cells"
    assert "--max-cells" not in str(caught.value)  # the core knows no options


def test_run_refuses_oversized_figures_before_any_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", str(SMALL), "--max-plot-strategies", "3"])
    assert result.exit_code == 3, result.stderr
    assert "4 x 2 strategies, over the limit of 3 per player" in result.stderr
    assert "--max-plot-strategies" in result.stderr
    assert "--no-figures" in result.stderr
    assert list(tmp_path.iterdir()) == []
    ok = CliRunner().invoke(app, ["run", str(SMALL), "--max-plot-strategies", "3",
                                  "--no-figures"])
    assert ok.exit_code == 0, ok.stderr


ENDLESS_TRUCE = """
[scenario]
name = "endless"
[game]
players = ["Row", "Column"]
strategies = { Row = ["c", "d"], Column = ["c", "d"] }
payoffs = { Row = [[3, 0], [5, 1]], Column = [[3, 5], [0, 1]] }
[profiles.truce]
Row = "c"
Column = "c"
[truce]
profile = "truce"
length_days = 1e15
period_days = 1
discount = 0.9
"""


@pytest.mark.parametrize("command", ["truce", "run"])
def test_an_endless_truce_simulation_is_refused_before_it_starts(tmp_path, monkeypatch,
                                                                 command):
    monkeypatch.chdir(tmp_path)
    Path("endless.toml").write_text(ENDLESS_TRUCE)
    result = CliRunner().invoke(app, [command, "endless.toml", "--no-figures"])
    assert result.exit_code == 3, result.stderr
    assert "1,000,000,000,000,000 periods" in result.stderr
    assert "--max-run-periods" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["endless.toml"]


def test_max_run_periods_can_be_lowered(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--max-run-periods", "1000", "truce", str(LONDON),
                                      "--no-figures"])
    assert result.exit_code == 3, result.stderr
    assert "over the limit of 1,000;" in result.stderr


def test_global_max_cells_applies_to_sweep(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--max-cells", "10", "sweep", str(LONDON), "--vary",
                                      "chip_security_us=1:2:2", "--runs", "0", "--workers",
                                      "1", "--no-figures"])
    assert result.exit_code == 3, result.stderr
    assert "over the limit of 10;" in result.stderr
    assert list(tmp_path.iterdir()) == []
