"""Rubinstein (1982) alternating offers against hand-computed closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.solvers.bargaining import minmax_point, nash_point, payoff_space
from sim.solvers.rubinstein import (
    finite_shares,
    frontier_finite,
    frontier_rubinstein,
    proposer_share,
    rounds_before_deadline,
    rubinstein_shares,
)

UNIT = np.array([[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("delta", [0.1, 0.5, 0.9, 0.99])
def test_equal_discount_factors(delta):
    """x = (1 - delta) / (1 - delta^2) = 1 / (1 + delta)."""
    np.testing.assert_allclose(rubinstein_shares(delta, delta), [1 / (1 + delta),
                                                                 delta / (1 + delta)])


def test_asymmetric_discount_factors_and_second_proposer():
    """delta1 = 0.9, delta2 = 0.8: x = 0.2 / 0.28 = 5/7; if 2 proposes, y = 0.1 / 0.28."""
    np.testing.assert_allclose(rubinstein_shares(0.9, 0.8), [5 / 7, 2 / 7])
    np.testing.assert_allclose(rubinstein_shares(0.9, 0.8, first=1), [1 - 5 / 14, 5 / 14])
    assert proposer_share(0.8, 0.9) == pytest.approx(5 / 14)


def test_finite_deadline_by_hand():
    """v(1) = 1, v(2) = 1 - d2, v(3) = 1 - d2 (1 - d1)."""
    v = finite_shares(0.9, 0.8, 3)
    np.testing.assert_allclose(v, [1.0, 0.2, 1 - 0.8 * 0.1])


def test_finite_converges_to_closed_form_alternating_around_it():
    v = finite_shares(0.9, 0.8, 200)
    x = 5 / 7
    assert v[-1] == pytest.approx(x, abs=1e-12)
    err = v[:20] - x
    assert np.all(err[::2] > 0)  # odd rounds left: the proposer also has the last word
    assert np.all(err[1::2] < 0)
    assert np.all(np.abs(err[2:]) < np.abs(err[:-2]))


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_delta_outside_unit_interval_is_an_input_error(bad):
    with pytest.raises(InputError, match="strictly between 0 and 1"):
        rubinstein_shares(bad, 0.5)


def test_rounds_before_deadline():
    assert rounds_before_deadline(90, 7) == 13  # offers on days 0, 7, ..., 84
    assert rounds_before_deadline(90, 30) == 3
    assert rounds_before_deadline(90, 100) == 1
    with pytest.raises(InputError):
        rounds_before_deadline(90, 0)
    with pytest.raises(InputError):
        finite_shares(0.9, 0.9, 0)


def test_frontier_version_matches_closed_form_on_unit_pie():
    deal = frontier_rubinstein(UNIT, [0, 0], [0.9, 0.8])
    np.testing.assert_allclose(deal.offer, [5 / 7, 2 / 7])
    np.testing.assert_allclose(deal.counter, [0.9 * 5 / 7, 1 - 0.9 * 5 / 7])
    assert deal.binding == (False, False)


def test_frontier_version_with_disagreement_point_shifts_the_pie():
    """Surplus x + y = 3 over d = (1, 1): the proposer gets 1 + 1 * 1/(1 + delta)."""
    front = np.array([[1.0, 2.0], [2.0, 1.0]])
    deal = frontier_rubinstein(front, [1, 1], [0.5, 0.5], first=1)
    np.testing.assert_allclose(deal.offer, [1 + 0.5 / 1.5, 1 + 1 / 1.5])


def test_frontier_finite_converges_to_stationary():
    front = np.array([[0, 1], [1, 0.8], [2, 0]], dtype=float)
    stationary = frontier_rubinstein(front, [0, 0], [0.9, 0.85]).offer
    path = frontier_finite(front, [0, 0], [0.9, 0.85], 400)
    np.testing.assert_allclose(path[-1], stationary, atol=1e-9)
    np.testing.assert_allclose(path[0], [2, 0])  # last round: take everything


def test_patient_players_approach_nash_solution():
    """Binmore, Rubinstein and Wolinsky (1986): delta -> 1 gives the Nash solution."""
    front = np.array([[0, 1], [1, 0.8], [2, 0]], dtype=float)
    deal = frontier_rubinstein(front, [0, 0], [0.9999, 0.9999])
    np.testing.assert_allclose(deal.offer, nash_point(front, np.zeros(2)), atol=1e-3)


def test_outside_option_binds_only_above_its_threshold():
    """delta = 0.9 each: without options 1 gets 1/1.9; responder 2 gets 0.9/1.9 ~ 0.4737.

    o2 = 0.3 does not bind; o2 = 0.6 binds: 1 offers exactly 0.6 and keeps 0.4.
    """
    free = frontier_rubinstein(UNIT, [0, 0], [0.9, 0.9], options=(None, 0.3))
    np.testing.assert_allclose(free.offer, [1 / 1.9, 0.9 / 1.9])
    assert free.binding == (False, False)
    bound = frontier_rubinstein(UNIT, [0, 0], [0.9, 0.9], options=(None, 0.6))
    np.testing.assert_allclose(bound.offer, [0.4, 0.6])
    assert bound.binding == (False, True)
    finite = frontier_finite(UNIT, [0, 0], [0.9, 0.9], 300, options=(None, 0.6))
    np.testing.assert_allclose(finite[-1], [0.4, 0.6], atol=1e-9)


def test_outside_options_above_the_frontier_mean_no_deal():
    assert frontier_rubinstein(UNIT, [0, 0], [0.9, 0.9], options=(0.5, 0.6)) is None


def test_single_point_frontier():
    front = np.array([[2.0, 3.0]])
    deal = frontier_rubinstein(front, [0, 0], [0.5, 0.5])
    np.testing.assert_allclose(deal.offer, [2, 3])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.3, 0.9), st.floats(0.3, 0.9))
def test_finite_converges_to_stationary_on_random_frontiers(seed, d1, d2):
    """Backward induction from a far deadline reaches the stationary agreement (Ståhl 1972)."""
    rng = np.random.default_rng(seed)
    A, B = rng.integers(-5, 6, size=(2, 3, 3)).astype(float)
    space = payoff_space(A, B)
    d = minmax_point(A, B)
    deal = frontier_rubinstein(space.frontier, d, [d1, d2])
    path = frontier_finite(space.frontier, d, [d1, d2], 200)
    np.testing.assert_allclose(path[-1], deal.offer, atol=1e-6)
    assert np.all(deal.offer >= d - 1e-9)
