"""Tests of sim/solvers/repeated.py against closed forms (prisoner's dilemma, matching pennies)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import InputError, SolverError
from sim.solvers import repeated as rp

# Prisoner's dilemma with T=5, R=3, P=1, S=0 (Axelrod, 1984); index 0 = cooperate, 1 = defect.
PD = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
# Matching pennies: no pure equilibrium, minmax value 0 in mixed strategies.
MP = np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]], dtype=float)


def test_prisoners_dilemma_grim_trigger_threshold_is_one_half():
    t = rp.thresholds(PD, (0, 0), "nash")
    assert [p.delta_star for p in t.players] == [0.5, 0.5]
    assert t.delta_star == 0.5
    assert t.binding == 0
    row = t.players[0]
    assert (row.truce_payoff, row.deviation, row.deviation_payoff) == (3.0, 1, 5.0)
    assert (row.punishment_payoff, row.punishment_profile, row.gain) == (1.0, (1, 1), 2.0)
    assert t.players[1].deviation == 1
    assert t.sustainable(0.5)
    assert not t.sustainable(0.49)


def test_prisoners_dilemma_minmax_equals_nash_reversion():
    t = rp.thresholds(PD, (0, 0), "minmax")
    assert t.players[0].punishment_payoff == pytest.approx(1.0)
    assert t.players[0].punishment_profile is None
    assert t.delta_star == pytest.approx(0.5)


def test_k_period_punishment_closed_forms():
    # k = 1: gain 2 equals k (C - P) = 2, so no delta < 1 suffices.
    assert math.isinf(rp.critical_discount_k(3, 5, 1, 1))
    # k = 2: 2 <= 2 (d + d^2)  <=>  d >= (sqrt 5 - 1) / 2, the golden ratio's inverse.
    assert rp.critical_discount_k(3, 5, 1, 2) == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-10)
    t = rp.thresholds(PD, (0, 0), "nash", k=2)
    assert t.delta_star_k == pytest.approx(0.6180339887, abs=1e-9)
    assert t.binding_k == 0


def test_thresholds_edge_conventions():
    assert rp.critical_discount(3, 3, 1) == 0.0  # nothing to gain
    assert math.isinf(rp.critical_discount(3, 5, 3))  # punishment no worse than the truce
    assert rp.critical_discount_k(3, 2, 1, 4) == 0.0
    with pytest.raises(InputError, match="whole number"):
        rp.critical_discount_k(3, 5, 1, 0)


def test_escalation_profile_punishment():
    # Punishing with (C, D) for the row player: it gets S = 0, so d* = 2 / 5.
    t = rp.thresholds(PD, (0, 0), (0, 1))
    assert t.players[0].punishment_payoff == 0.0
    assert t.players[0].delta_star == pytest.approx(0.4)
    assert t.punishment == "profile"


def test_matching_pennies_minmax_is_mixed_and_nash_reversion_is_refused():
    value, y = rp.minmax(MP, 0)
    assert value == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(y, [0.5, 0.5], atol=1e-9)
    assert rp.minmax(MP, 1)[0] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(SolverError, match="no pure Nash"):
        rp.thresholds(MP, (0, 0), "nash")


def test_unknown_punishment_and_non_two_player_game():
    with pytest.raises(InputError, match="unknown punishment"):
        rp.thresholds(PD, (0, 0), "revenge")
    with pytest.raises(SolverError, match="two-player"):
        rp.thresholds(np.zeros((3, 2, 2, 2)), (0, 0))


def test_time_conversion():
    # Weekly periods, 10% a year, sure renewal: (1.1)^(-7/365).
    d = rp.period_discount(0.10, 1.0, 7)
    assert d == pytest.approx(1.1 ** (-7 / 365))
    assert rp.annual_discount(d, 7) == pytest.approx(1 / 1.1)
    assert rp.period_discount(0.0, 0.9, 30) == pytest.approx(0.9)
    # Renewed at each 90-day expiry with probability 0.729 = 0.9^3: 0.9 per 30-day period.
    assert rp.period_discount(0.0, 0.729, 30, renewal_days=90) == pytest.approx(0.9)
    assert rp.periods_in(90, 7) == 13
    assert rp.periods_in(90, 30) == 3
    assert rp.periods_in(90, 1) == 90
    with pytest.raises(InputError, match="renewal"):
        rp.period_discount(0.1, 1.5, 7)
    for bad in (0.0, 1.0, -0.2, 1.3):
        with pytest.raises(InputError, match="strictly between 0 and 1"):
            rp.check_delta(bad)


def test_sustainability_path_of_the_prisoners_dilemma():
    steps = rp.sustainability_path(PD)
    assert [(s.delta, s.profile, s.joint_payoff) for s in steps] == [
        (0.0, (1, 1), 2.0), (0.5, (0, 0), 6.0)]
    low, high = rp.best_sustainable(PD, 0.3), rp.best_sustainable(PD, 0.7)
    assert (low.joint, low.count, low.nash_product) == ((1, 1), 1, (1, 1))
    assert (high.joint, high.count, high.nash_product) == ((0, 0), 2, (0, 0))


games = st.integers(2, 4).flatmap(lambda m: st.integers(2, 4).flatmap(
    lambda n: st.lists(st.integers(-5, 5), min_size=2 * m * n, max_size=2 * m * n).map(
        lambda xs: np.array(xs, dtype=float).reshape(2, m, n))))


@settings(max_examples=60, deadline=None)
@given(game=games, data=st.data())
def test_vectorised_profile_thresholds_match_the_one_profile_computation(game, data):
    pun = (float(game[0].min()), float(game[1].min()))
    crit = rp.profile_thresholds(game, pun)
    i = data.draw(st.integers(0, game.shape[1] - 1))
    j = data.draw(st.integers(0, game.shape[2] - 1))
    one = max(rp.critical_discount(game[p][i, j], rp.best_deviation(game, (i, j), p)[1], pun[p])
              for p in (0, 1))
    assert crit[i, j] == one


@settings(max_examples=80, deadline=None)
@given(c=st.floats(0, 10), gain=st.floats(0.01, 10), loss=st.floats(0.01, 10),
       k=st.integers(1, 12))
def test_k_period_threshold_solves_its_equation_and_falls_to_grim(c, gain, loss, k):
    d = rp.critical_discount_k(c, c + gain, c - loss, k)
    grim = rp.critical_discount(c, c + gain, c - loss)
    assert d >= grim - 1e-9  # a shorter punishment never needs less patience
    if math.isfinite(d):
        assert loss * sum(d**t for t in range(1, k + 1)) == pytest.approx(gain, rel=1e-6)
    else:
        assert gain >= k * loss * (1 - 1e-9)
