"""The three-party scenario: its equilibrium against the indifference conditions by hand.

With the US's strict controls and China's slowed rare earths strictly dominant, China's
channel and the EU's alignment form a 2x2 game without a pure equilibrium whenever
0 < goodwill < snub and 0 < security < exposure. China is indifferent when the EU aligns
with probability q = goodwill / snub; the EU when China opens with p = 1 - security /
exposure (docs/exercises/08-three-parties.md derives both).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.solvers.reduction import solve_reduced

PATH = Path(__file__).resolve().parents[2] / "scenarios" / "three-party-2025.toml"


def closed_form(q: dict) -> tuple[float, float]:
    return (1 - q["eu_security_value"] / q["eu_exposure"],
            q["channel_goodwill_cn"] / q["channel_snub_cn"])


def check(scenario, overrides: dict) -> None:
    game = build_game(scenario, overrides)
    values = {**{k: a.value for k, a in scenario.assumptions.items()}, **overrides}
    p, q = closed_form(values)
    result = solve_reduced(game.payoffs)
    assert result.complete
    assert len(result.equilibria) == 1
    us, china, eu = result.equilibria[0].strategies
    np.testing.assert_allclose(us, [1, 0], atol=1e-9)
    np.testing.assert_allclose(china, [1 - p, p, 0, 0], atol=1e-7)
    np.testing.assert_allclose(eu, [1 - q, q], atol=1e-7)


def test_central_values_give_the_exercise_answer():
    scenario = load_scenario(PATH)
    check(scenario, {})
    assert closed_form({k: a.value for k, a in scenario.assumptions.items()}) == (
        pytest.approx(0.4), pytest.approx(0.5))


def test_equilibrium_follows_the_closed_form_across_the_ranges():
    scenario = load_scenario(PATH)
    rng = np.random.default_rng(18)
    names = sorted(scenario.assumptions)
    checked = 0
    while checked < 6:
        point = {k: float(rng.uniform(*scenario.assumptions[k].range)) for k in names}
        p, q = closed_form(point)
        if not (0.05 < p < 0.95 and 0.05 < q < 0.95):
            continue   # outside the mixed region the answer is pure (question 5)
        check(scenario, point)
        checked += 1


def test_a_secure_enough_eu_aligns_and_china_closes_the_channel():
    scenario = load_scenario(PATH)
    game = build_game(scenario, {"eu_security_value": 2.5})
    (eq,) = solve_reduced(game.payoffs).equilibria
    np.testing.assert_allclose(eq.strategies[1], [1, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(eq.strategies[2], [0, 1], atol=1e-9)
