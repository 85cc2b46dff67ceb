"""Classroom scenarios added for the exercises, against hand-computed answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.solvers.equilibria import solve

ROOT = Path(__file__).resolve().parents[2]


def test_tariff_chicken_is_chicken_with_the_closed_form_mixed_equilibrium():
    game = build_game(load_scenario(ROOT / "scenarios/classroom/tariff-chicken.toml"))
    # rows/columns: hold, escalate; payoffs from win 2, backdown 3, war cost 8 (US) / 6 (China)
    assert game.A.tolist() == [[0, -3], [2, -8]]
    assert game.B.tolist() == [[0, 2], [-3, -6]]
    eqs = solve(game.payoffs)
    assert eqs.complete
    assert len(eqs.equilibria) == 3
    (mixed,) = [e for e in eqs.equilibria if 0 < e.strategies[0][1] < 1]
    # each side mixes to make the other indifferent: p = 2 / (2 + 6 - 3), q = 2 / (2 + 8 - 3)
    assert mixed.strategies[0][1] == pytest.approx(2 / 5)
    assert mixed.strategies[1][1] == pytest.approx(2 / 7)
    assert mixed.payoffs == pytest.approx([-3 * 2 / 7, -3 * 2 / 5])
