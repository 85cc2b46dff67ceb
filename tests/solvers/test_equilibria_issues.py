"""Degenerate games reported in nashpy's issue tracker, with their exact extreme equilibria.

Each game is transcribed from the issue; the answers were derived by hand (#222) or are the
ones listed in the issue, re-checked here in exact arithmetic.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

import sim.solvers.equilibria as eqm
from sim.solvers.equilibria import solve
from sim.solvers.verify import is_nash_exact


def strategies(result):
    return [eq.exact_strategies for eq in result.equilibria]


# drvinceknight/Nashpy#82 (2020): players minimise costs A and B; the reporter lists eight
# equilibria (cost J1, J2), of which nashpy's support enumeration found five.
ISSUE_82_A = np.array([[0, 0, 6, 0, 0], [0, 0, 3, 2, 1], [4, 3, 0, 0, 1]])
ISSUE_82_B = np.array([[3, 0, 2, 1, 0], [0, 2, 0, 0, 4], [4, 0, 2, 4, 4]])
ISSUE_82_EQUILIBRIA = [
    ((1, 0, 0), (0, 1, 0, 0, 0), (0, 0)),
    ((1, 0, 0), (0, 0, 0, 0, 1), (0, 0)),
    ((F(2, 3), F(1, 3), 0), (0, 1, 0, 0, 0), (0, F(2, 3))),
    ((F(1, 3), F(1, 2), F(1, 6)), (0, F(4, 9), F(2, 9), F(1, 3), 0), (F(4, 3), 1)),
    ((0, 1, 0), (1, 0, 0, 0, 0), (0, 0)),
    ((0, 1, 0), (F(3, 7), 0, F(4, 7), 0, 0), (F(12, 7), 0)),
    ((0, 1, 0), (F(3, 8), 0, F(1, 4), F(3, 8), 0), (F(3, 2), 0)),
    ((0, F(1, 2), F(1, 2)), (0, F(1, 2), F(1, 2), 0, 0), (F(3, 2), 1)),
]


@pytest.mark.parametrize("exact_limit", [eqm.EXACT_ENUMERATION_LIMIT, 0],
                         ids=["rational-enumeration", "float-then-exact"])
def test_nashpy_82_all_eight_equilibria(monkeypatch, exact_limit):
    monkeypatch.setattr(eqm, "EXACT_ENUMERATION_LIMIT", exact_limit)
    result = solve(np.array([-ISSUE_82_A, -ISSUE_82_B]), exact=True)
    expected = [(x, y) for x, y, _ in ISSUE_82_EQUILIBRIA]
    assert strategies(result) == expected
    costs = [tuple(-v for v in eq.exact_payoffs) for eq in result.equilibria]
    assert costs == [c for _, _, c in ISSUE_82_EQUILIBRIA]
    assert result.degenerate
    assert result.complete
    # three segments/polygons and one isolated equilibrium
    assert result.components == ((0, 1, 2), (3,), (4, 5, 6), (7,))


def test_nashpy_82_float_mode_finds_the_same_eight():
    result = solve(np.array([-ISSUE_82_A, -ISSUE_82_B]))
    assert len(result.equilibria) == 8
    for eq, (x, y, _) in zip(result.equilibria, ISSUE_82_EQUILIBRIA, strict=True):
        np.testing.assert_allclose(eq.strategies[0], [float(p) for p in x], atol=1e-12)
        np.testing.assert_allclose(eq.strategies[1], [float(p) for p in y], atol=1e-12)


def test_nashpy_222_continuum_reported_by_its_two_ends():
    # drvinceknight/Nashpy#222 (2023): against the left column the row player is indifferent,
    # and left stays the column player's best reply while 2 >= 7p, p = P(top). So the
    # equilibria are {(p, 1 - p) : 0 <= p <= 2/7} x {left}; nashpy reported only p = 0.
    A = np.array([[-3, 3], [-3, 5]])
    B = np.array([[2, 7], [4, 2]])
    result = solve(np.array([A, B]), exact=True)
    assert strategies(result) == [((F(2, 7), F(5, 7)), (1, 0)), ((0, 1), (1, 0))]
    assert [eq.exact_payoffs for eq in result.equilibria] == [(-3, F(24, 7)), (-3, 4)]
    assert result.components == ((0, 1),)
    assert result.degenerate


def test_nashpy_231_symmetric_zero_sum_unique_equilibrium():
    # drvinceknight/Nashpy#231 (2024): a symmetric zero-sum 6x6 game (degenerate: four best
    # replies to the first column) whose unique equilibrium is (0, 0, 1/3, 0, 1/3, 1/3) for
    # both players, value 0; nashpy's support enumeration returned nothing.
    A = np.array([[0, -1, -1, -1, 1, -1],
                  [1, 0, 1, -1, -1, -1],
                  [1, -1, 0, -1, -1, 1],
                  [1, 1, 1, 0, -1, -1],
                  [-1, 1, 1, 1, 0, -1],
                  [1, 1, -1, 1, 1, 0]])
    third = F(1, 3)
    expected = (0, 0, third, 0, third, third)
    for exact in (True, False):
        result = solve(np.array([A, -A]), exact=exact)
        assert len(result.equilibria) == 1
        np.testing.assert_allclose(result.equilibria[0].strategies[0],
                                   [float(p) for p in expected], atol=1e-12)
        assert result.degenerate
    result = solve(np.array([A, -A]), exact=True)
    assert strategies(result) == [(expected, expected)]
    assert is_nash_exact((A.tolist(), (-A).tolist()), (expected, expected))
    assert result.equilibria[0].exact_payoffs == (0, 0)
