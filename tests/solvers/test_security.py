"""Security levels against closed forms."""

import numpy as np
import pytest

from sim.solvers.security import security_levels


def test_matching_pennies_value_zero_with_half_half():
    A = np.array([[1, -1], [-1, 1]], dtype=float)
    row, col = security_levels(np.stack([A, -A]))
    assert row.pure_level == -1
    assert row.mixed_level == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(row.mixed_strategy, [0.5, 0.5], atol=1e-9)
    assert col.mixed_level == pytest.approx(0.0, abs=1e-9)


def test_two_by_two_zero_sum_closed_form():
    # value of [[a, b], [c, d]] without saddle point: (ad - bc) / (a + d - b - c)
    a, b, c, d = 3.0, -1.0, -2.0, 1.0
    A = np.array([[a, b], [c, d]])
    (row, _) = security_levels(np.stack([A, -A]))
    assert row.mixed_level == pytest.approx((a * d - b * c) / (a + d - b - c))
    p = (d - c) / (a + d - b - c)
    np.testing.assert_allclose(row.mixed_strategy, [p, 1 - p], atol=1e-9)


def test_prisoners_dilemma_pure_security_is_punishment_payoff():
    A = np.array([[3, 0], [5, 1]], dtype=float)
    row, col = security_levels(np.stack([A, A.T]))
    assert (row.pure_level, row.pure_strategy) == (1.0, 1)
    assert (col.pure_level, col.pure_strategy) == (1.0, 1)
