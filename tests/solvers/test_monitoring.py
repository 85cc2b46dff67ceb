"""Tests of sim/solvers/monitoring.py: the public-monitoring prisoner's dilemma of Mailath
and Samuelson (2006, ch. 7), a Green-Porter trigger with an exact optimum, and the
value of the optimal trigger as the signal gets noisier."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.solvers import monitoring as mo

# Mailath & Samuelson (2006), §7.2: ex ante payoffs EE (2, 2), SE (3, -1), SS (0, 0); the
# good signal comes with probability p after EE and q after one shirks.
C, D, P = 2.0, 3.0, 0.0


def linear_value(p: float, delta: float, length: int | None) -> float:
    """The value of the cooperative phase by solving the chain's linear equations
    directly (an independent computation): phases EE, then the punishment's periods."""
    n = 2 if length is None else length + 1
    a, b = np.eye(n), np.zeros(n)
    # phase 0: EE; bad signal (1 - p) -> phase 1; a punishment phase k moves to k + 1, the
    # last back to 0; grim: phase 1 absorbs.
    a[0, 0] -= delta * p
    a[0, 1] -= delta * (1 - p)
    b[0] = (1 - delta) * C
    for k in range(1, n):
        b[k] = (1 - delta) * P
        a[k, (k + 1) % n if length is not None else k] -= delta
    return float(np.linalg.solve(a, b)[0])


@pytest.mark.parametrize(
    ("p", "q", "delta"), [(0.9, 0.5, 0.6), (0.9, 0.5, 0.4), (0.8, 0.7, 0.9), (0.95, 0.2, 0.5)]
)
def test_grim_trigger_in_the_public_monitoring_prisoners_dilemma(p, q, delta):
    v = mo.trigger_value(C, P, delta, 1 - p, None)
    assert v == pytest.approx(2 * (1 - delta) / (1 - delta * p))  # MS (7.2.3)
    assert v == pytest.approx(linear_value(p, delta, None))
    slack = mo.deterrence_slack(C, D, P, delta, 1 - p, 1 - q, None)
    assert (slack >= 0) == (delta * (3 * p - 2 * q) >= 1)  # MS (7.2.4): delta >= 1/(3p - 2q)


@pytest.mark.parametrize(
    ("p", "q", "delta"), [(0.9, 0.5, 0.6), (0.9, 0.3, 0.8), (0.99, 0.1, 0.95), (0.7, 0.6, 0.9)]
)
def test_one_period_punishment(p, q, delta):
    # One period of SS after a bad signal, then back to EE:
    # V = 2(1-d) / (1 - d p - d^2 (1 - p)); it deters iff 1 <= d (p - q) V.
    v = mo.trigger_value(C, P, delta, 1 - p, 1)
    assert v == pytest.approx(2 * (1 - delta) / (1 - delta * p - delta**2 * (1 - p)))
    assert v == pytest.approx(linear_value(p, delta, 1))
    slack = mo.deterrence_slack(C, D, P, delta, 1 - p, 1 - q, 1)
    assert (slack >= 0) == (delta * (p - q) * v >= 1)
    # a longer punishment deters more but is worth less
    assert mo.trigger_value(C, P, delta, 1 - p, 3) < v
    assert mo.deterrence_slack(C, D, P, delta, 1 - p, 1 - q, 3) > slack


def test_green_porter_with_uniform_noise_has_an_exact_optimum():
    # Signal x + U[-w, w]; compliance puts x at 1, a breach at 0. Below a trigger of 1 - w
    # a compliant side is never punished, and a breach is caught with probability 1/(2w):
    # the optimal trigger is 1 - w with value C (no false alarms), if that deters.
    w, delta = 0.8, 0.9
    plan = mo.optimal_trigger(
        C, D, P, delta, comply_level=1.0, breach_level=0.0, sd=w / np.sqrt(3), kind="uniform",
        rel_tol=0.0,
    )
    assert plan.deters
    assert plan.false_alarm == 0.0
    assert plan.detect == pytest.approx(1 / (2 * w))
    assert plan.trigger == pytest.approx(1 - w)
    assert plan.value == pytest.approx(C)
    assert plan.length == 1  # the shortest that deters: all have value C, first wins
    # within a value tolerance, the trigger moves up to catch more breaches: the value
    # loses at most the tolerance, the detection only rises
    robust = mo.optimal_trigger(C, D, P, delta, comply_level=1.0, breach_level=0.0,
                                sd=w / np.sqrt(3), kind="uniform", rel_tol=1e-3)
    assert robust.detect >= plan.detect
    own = mo.trigger_value(C, P, delta, robust.false_alarm, robust.length)
    assert C * (1 - 1e-3) - 1e-12 <= own <= C
    # With w = 3 the detection gain is at most 1/6 for any trigger: (1-d)(D-C) = 0.1 needs
    # d (q_B - q_C)(1 - d^L)(V - P) >= 0.1, impossible as (q_B - q_C) <= 1/6 and V <= 2.
    none = mo.optimal_trigger(
        C, D, P, 0.3, comply_level=1.0, breach_level=0.0, sd=3 / np.sqrt(3), kind="uniform"
    )
    assert not none.deters


def test_normal_signal_optimum_beats_a_brute_force_search():
    delta, sd = 0.9, 0.6
    plan = mo.optimal_trigger(C, D, P, delta, comply_level=1.0, breach_level=0.0, sd=sd)
    assert plan.deters
    best = -np.inf
    for length in (1, 2, 3, 6, None):
        for tau in np.linspace(-3, 3, 3001):
            qc = float(mo.trigger_probability(1.0, tau, sd))
            qb = float(mo.trigger_probability(0.0, tau, sd))
            if mo.deterrence_slack(C, D, P, delta, qc, qb, length) >= 0:
                best = max(best, mo.trigger_value(C, P, delta, qc, length))
    assert plan.value >= best - 1e-9
    assert plan.value <= best + 1e-3  # the grid is within a hair of the optimum
    qc = float(mo.trigger_probability(1.0, plan.trigger, sd))
    assert qc == pytest.approx(plan.false_alarm, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    sd=st.floats(0.05, 2.0),
    more=st.floats(0.0, 2.0),
    delta=st.floats(0.3, 0.97),
    gain=st.floats(0.05, 3.0),
    loss=st.floats(0.5, 4.0),
    kind=st.sampled_from(["normal", "uniform"]),
)
def test_more_monitoring_noise_never_raises_the_optimal_value(sd, more, delta, gain, loss, kind):
    def value(s: float) -> float:
        plan = mo.optimal_trigger(
            C, C + gain, C - loss, delta, comply_level=1.0, breach_level=0.0, sd=s, kind=kind
        )
        return plan.value if plan.deters else -np.inf

    assert value(sd + more) <= value(sd) + 1e-7


def test_two_channels_and_exact_signals():
    assert mo.detection(True, miss=0.1, false_alarm=0.2) == pytest.approx(0.9)
    assert mo.detection(False, miss=0.1, false_alarm=0.2) == pytest.approx(0.2)
    np.testing.assert_array_equal(mo.trigger_probability([0.0, 1.0], 0.5, 0.0), [1.0, 0.0])
    assert float(mo.power(0.0, 1.0, 0.0)) == 1.0
