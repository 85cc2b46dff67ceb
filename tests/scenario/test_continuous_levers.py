"""Continuous levers in scenario files, the [trade] block, --grid and `tradesim continuous`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ScenarioErrors
from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.solvers.trade_policy import Market, market_outcome

ROOT = Path(__file__).resolve().parents[2]
WAR = ROOT / "scenarios/classroom/tariff-war.toml"


def test_a_range_lever_is_discretised_with_its_named_levels():
    sc = load_scenario(WAR)
    home = sc.lever("home_tariff")
    assert home.continuous
    assert home.range == (0, 150)
    assert home.unit == "%"
    assert home.levels == ("free", "37.5", "75", "112.5", "150")  # 0 is the named level
    assert load_scenario(WAR, grid=7).lever("foreign_tariff").values == pytest.approx(
        np.linspace(0, 150, 7)
    )


def test_trade_block_names_are_the_models_numbers():
    sc = load_scenario(WAR, grid=3)
    game = build_game(sc)
    m = Market(10.0, 2.0, 1.6)
    t = np.array([0.0, 0.75, 1.5])
    home, foreign = market_outcome(m, t[:, None]), market_outcome(m, t[None, :])
    expected = home.consumer_surplus + home.revenue + foreign.producer_surplus
    assert pytest.approx(expected) == game.A
    assert pytest.approx(expected.T) == game.B


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = WAR.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'range = [0, 150]\nunit = "%"\nlevels = { free = 0 }',
            'range = [5, 5]\nunit = "%"',
            "expected low < high for a continuous lever",
        ),
        ("levels = { free = 0 }", "levels = { free = 200 }", "lies outside the lever's range"),
        ('importer = "Home"', 'importer = "Mars"', "names unknown player 'Mars'"),
        ('tariff = "home_tariff / 100"\n', "", "[trade.home_imports.tariff] is missing"),
        ('value = "trade_value"', 'value = "trade_volume"', "unknown name 'trade_volume'"),
        (
            '[payoffs]\nHome = "home_imports_cs',
            '[payoffs]\nHome = "home_imports_xs',
            "unknown name 'home_imports_xs'",
        ),
    ],
)
def test_bad_continuous_files_give_one_line_errors(tmp_path, old, new, message):
    assert old in BASE
    path = _write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    assert any(message in e.one_line() for e in info.value.errors), str(info.value)
    r = CliRunner().invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert all(line.startswith("error: ") for line in r.stderr.strip().splitlines())


def test_a_market_that_breaks_at_some_profile_is_one_line(tmp_path):
    old = "[players.Foreign.levers.foreign_tariff]\nrange = [0, 150]"
    assert old in BASE
    path = _write(tmp_path, BASE.replace(old, old.replace("[0, 150]", "[-100, 150]")))
    r = CliRunner().invoke(app, ["solve", str(path)])
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"error: {path}:31: [trade.foreign_imports.tariff] reaches "
                                "-100% or below at some profile; expected a tariff above -1")


def test_global_grid_option_discretises_for_every_command():
    r = CliRunner().invoke(app, ["--grid", "4", "solve", str(WAR), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["strategies"]["Home"]) == 4
    r = CliRunner().invoke(app, ["--grid", "1", "solve", str(WAR)])
    assert r.exit_code == 2
    assert "--grid" in r.stderr


def test_grid_is_an_argument_not_a_setting_left_behind():
    """``--grid`` is passed down to the loader; the next invocation without it gets the
    default, and the scenario keeps its grid so a worker re-reading it builds the same game."""
    from sim.analyses import points as pt
    from sim.scenario.levers import DEFAULT_GRID

    r = CliRunner().invoke(app, ["--grid", "4", "solve", str(WAR), "--format", "json"])
    assert len(json.loads(r.stdout)["strategies"]["Home"]) == 4
    r = CliRunner().invoke(app, ["solve", str(WAR), "--format", "json"])
    assert len(json.loads(r.stdout)["strategies"]["Home"]) == DEFAULT_GRID
    sc = load_scenario(WAR, grid=4)
    assert sc.grid == 4
    ctx = pt.context_for(sc, pt.Settings())
    pt._SCENARIOS.clear()  # as in a fresh worker process
    again = pt.scenario_of(ctx)
    assert again.lever("home_tariff").levels == sc.lever("home_tariff").levels


def test_continuous_command_finds_the_johnson_tariffs(tmp_path):
    plot = tmp_path / "br.png"
    r = CliRunner().invoke(
        app,
        [
            "continuous",
            str(WAR),
            "--format",
            "json",
            "--delta",
            "0",
            "--delta",
            "0.5",
            "--delta",
            "0.9",
            "--plot",
            str(plot),
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["complete"] is True
    (eq,) = out["equilibria"]
    assert eq["profile"]["Home"]["home_tariff"] == pytest.approx(100 / 1.6, abs=1e-4)
    tariffs = [x["profile"]["Home"]["home_tariff"] for x in out["most_cooperative"]]
    assert tariffs[0] == pytest.approx(62.5, abs=1e-3)
    assert tariffs[0] > tariffs[1] > tariffs[2] == pytest.approx(0, abs=1e-3)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_continuous_command_refuses_a_file_without_ranges():
    r = CliRunner().invoke(app, ["continuous", str(ROOT / "scenarios/classroom/chicken.toml")])
    assert r.exit_code == 2
    assert "no lever has a range" in r.stderr or "no levers" in r.stderr


def test_continuous_london_has_interior_terms_of_trade_tariffs():
    """Issue #16: with tariffs continuous and no backdown cost, the London model's unique
    equilibrium tariffs are interior, at the inverse export-supply elasticity."""
    from sim.analyses.continuous import continuous_game
    from sim.solvers.continuous_nash import solve_continuous

    sc = load_scenario(ROOT / "scenarios/london-2025-continuous.toml")
    res = solve_continuous(continuous_game(sc), grid=11, starts=2,
                           rng=np.random.default_rng(0))
    assert res.complete
    (eq,) = res.equilibria
    q = sc.quantities()
    s, e = q["incidence_foreign"], q["elasticity"]
    expected = 100 * s / (e * (1 - s))
    assert eq.profile[0][0] == pytest.approx(expected, abs=1e-4)  # US tariff, %
    assert eq.profile[1][0] == pytest.approx(expected, abs=1e-4)  # China's
    assert 0 < expected < q["baseline_tariff"]
