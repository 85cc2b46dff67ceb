"""Tests of sim/solvers/punishment.py: harm, deterrence, credibility, the mildest punishment."""

from __future__ import annotations

import pytest

from sim.solvers import punishment as pu


def test_harm_is_the_discounted_loss_of_the_punishment_periods():
    # 2 periods at delta 0.5, loss 3 a period: 3 (0.5 + 0.25) = 2.25; for ever: 3 * 1 = 3.
    assert pu.harm(3.0, 0.0, 0.5, 2) == pytest.approx(2.25)
    assert pu.harm(3.0, 0.0, 0.5, None) == pytest.approx(3.0)
    assert pu.expected_loss(2.25, 0.9, 0.1) == pytest.approx(1.8)


def test_grim_nash_reversion_matches_the_critical_discount_factor():
    # PD T=5, R=3, P=1: grim deters iff 5 - 3 <= delta/(1-delta) (3 - 1) iff delta >= 1/2.
    for delta in (0.49, 0.51):
        h = pu.harm(3.0, 1.0, delta, None)
        assert (pu.expected_loss(h, 1.0, 0.0) >= 2.0) == (delta >= 0.5)


def test_credibility_of_a_costly_punishment_needs_a_counter_threat():
    # Punishing costs the punisher 1 a period (truce 3, punishing 2); skipping it gains 1
    # (best reply to the target's truce levels is its truce payoff 3 plus nothing): with no
    # counter-punishment (punished = truce) skipping pays; with one it does not.
    kw = {"punisher_truce": 3.0, "punisher_best": 3.0, "punishing": 2.0, "length": 2, "delta": 0.9}
    assert not pu.credible(punished=3.0, counter_length=1, **kw)
    assert pu.credible(punished=0.0, counter_length=3, **kw)
    # a punishment that costs the punisher nothing is always credible
    assert pu.credible(**{**kw, "punishing": 3.0}, punished=3.0, counter_length=1)


def test_the_mildest_deterring_credible_punishment_is_chosen():
    family = [
        pu.Choice(0, 1, 0.5, 0.0, False, True),
        pu.Choice(1, 2, 1.0, 0.2, True, False),
        pu.Choice(2, 2, 1.5, 0.1, True, True),
        pu.Choice(3, 1, 1.5, 0.0, True, True),
        pu.Choice(4, None, 9.0, 0.0, True, True),
    ]
    assert pu.mildest(family) == family[3]  # same harm as #2 but shorter
    assert pu.harshest(family) == family[4]
    assert pu.mildest(family[:2]) is None
