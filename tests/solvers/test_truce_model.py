"""Tests of the truce model (sim/solvers/truce_model.py): closed forms, an exact chain
against the Monte Carlo, and monotonicity properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.solvers import punishment as pu
from sim.solvers import shocks as sh
from sim.solvers import truce_model as tm
from sim.solvers import truce_sampler as ts


def side(
    gains,
    *,
    loss=(0.0,),
    truce=3.0,
    pi=0.0,
    miss=0.0,
    signal=(0.0, 0.0),
    eps=0.0,
    eps_b=0.0,
    length=2,
    punished=0.0,
    collapse=1.0,
) -> tm.Side:
    """A one-issue prisoner's-dilemma side (R=3, S=0, P=1) whose gain from breaching is
    ``gains`` (one per shock sample)."""
    g = np.asarray(gains, dtype=float).reshape(-1, 1)
    n = g.shape[0]
    coop = np.empty((n, 2, 2))
    coop[:, 0, 0], coop[:, 1, 0] = truce, truce + g[:, 0]
    coop[:, 0, 1], coop[:, 1, 1] = 0.0, 1.0
    return tm.Side(
        issues=("x",),
        gains=g,
        coop=coop,
        punished=np.full(n, punished),
        punishing=np.full(n, truce),
        collapse=np.full(n, collapse),
        fallback=np.full(n, collapse),
        loss=np.asarray(loss, dtype=float),
        perceive=np.array([pi, 1.0 - miss]),
        signal=np.asarray(signal, dtype=float),
        slip=1,
        noise_comply=eps,
        noise_breach=eps_b,
        length=length,
    )


def calm(**kw) -> tm.Side:
    return side([0.0, 0.0], **kw)


def uniform_gains(lo: float, hi: float, n: int, seed: int = 0) -> np.ndarray:
    shock = sh.Shock("g", "range", lo, hi)
    return sh.draw_shocks([shock], {"g": 0.0}, n, np.random.default_rng(seed))["g"]


def within_4_se(estimate, exact, se):
    assert abs(estimate - exact) <= 4 * max(se, 1e-12), (estimate, exact, se)


# --------------------------------------------------------------------------- closed forms


def test_uniform_temptation_gives_breach_probability_and_survival_in_closed_form():
    # g ~ U[0, 2] per period, expected punishment loss 0.5: p = P(g > 0.5) = 0.75 ...
    lo, hi, loss, n = 0.0, 2.0, 0.5, 40_000
    a = side(uniform_gains(lo, hi, n), loss=(loss,))
    p = (hi - loss) / (hi - lo)
    rate = tm.breach_probability(a)
    assert abs(rate - p) <= 4 * math.sqrt(p * (1 - p) / n)
    # ... and with the other side never tempted and no noise, P(no slip) = (1 - p)^N.
    periods = 6
    ex = tm.exact((a, calm()), periods=periods)
    np.testing.assert_allclose(ex.no_slip, (1 - rate) ** np.arange(periods + 1), atol=1e-12)
    mc = ts.simulate((a, calm()), periods=periods, runs=200_000, rng=np.random.default_rng(1))
    within_4_se(mc.no_slip[-1], (1 - p) ** periods, mc.no_slip_se)


def test_both_sides_tempted_and_slips_multiply():
    # p_a = 0.25, p_b = 0.5, implementation noise 0.1 on both: per period clean w.p.
    # (1 - p_a)(1 - 0.1)(1 - p_b)(1 - 0.1) (a meant breach that fails still counts as clean
    # only if it comes out as compliance: eps_b = 0 here).
    a = side(np.linspace(0, 1, 4001), loss=(0.75,), eps=0.1)
    b = side(np.linspace(0, 1, 4001), loss=(0.5,), eps=0.1)
    pa, pb = tm.breach_probability(a), tm.breach_probability(b)
    assert pa == pytest.approx(0.25, abs=1e-3)
    assert pb == pytest.approx(0.5, abs=1e-3)
    ex = tm.exact((a, b), periods=5)
    per = (1 - pa) * 0.9 * (1 - pb) * 0.9
    assert ex.no_slip[-1] == pytest.approx(per**5, rel=1e-12)
    # a meant breach that comes out as compliance keeps the period clean
    a2 = side(np.linspace(0, 1, 4001), loss=(0.75,), eps=0.1, eps_b=0.4)
    ex2 = tm.exact((a2, b), periods=5)
    per2 = ((1 - pa) * 0.9 + pa * 0.4) * (1 - pb) * 0.9
    assert ex2.no_slip[-1] == pytest.approx(per2**5, rel=1e-12)


def test_disputes_and_repair_follow_the_phases():
    # Only side A breaches, always (gain 1 > loss 0), always detected, L = 2 periods,
    # no noise: over 7 periods: breach, punished x2, breach, punished x2, breach.
    a = side([1.0, 1.0], loss=(0.0,), length=2)
    ex = tm.exact((a, calm()), periods=7)
    assert ex.disputes == pytest.approx(3.0)
    assert ex.dispute == pytest.approx(1.0)
    assert ex.collapse == pytest.approx(0.0)
    np.testing.assert_allclose(ex.punished, [4 / 7, 0.0])
    np.testing.assert_allclose(ex.deliberate[0], [3.0])
    # payoffs: A earns 4 when breaching, 0 when punished (punished=0); B 3 / 3 (punishing=3)
    np.testing.assert_allclose(ex.payoffs, [12 / 7, (0 * 3 + 3 * 4) / 7])


def test_a_false_accusation_is_contested_and_collapses_the_truce():
    # No one breaches; side A is falsely accused w.p. 0.2 per period; its accusation is
    # contested, so P(collapse by period t) = 1 - 0.8^t and no dispute is ever repaired.
    a = calm(pi=0.2)
    ex = tm.exact((a, calm()), periods=4)
    assert ex.collapse == pytest.approx(1 - 0.8**4)
    assert ex.dispute == pytest.approx(1 - 0.8**4)
    # The same false alarm through a public signal is accepted: a dispute, not a collapse.
    b = calm(signal=(0.2, 0.2))
    ex = tm.exact((b, calm()), periods=4)
    assert ex.collapse == pytest.approx(0.0)
    assert ex.dispute > 0.5


def test_simultaneous_accusations_collapse():
    a, b = calm(signal=(0.3, 0.3)), calm(signal=(0.5, 0.5))
    ex = tm.exact((a, b), periods=1)
    assert ex.collapse == pytest.approx(0.15)


def test_renewal_is_a_choice_at_the_expiry_shock():
    # Truce payoff 3, fallback uniform-ish: side renews iff (1-d)(3 - F) + d(V - mean F) >= 0.
    n = 1000
    fallback = np.linspace(0, 10, n)
    a = side(np.zeros(n), collapse=1.0)
    a = tm.Side(**{**a.__dict__, "fallback": fallback})
    ex = tm.exact((a, calm()), periods=3, renewal_delta=0.5)
    keep = 0.5 * (3 - fallback) + 0.5 * (3 - fallback.mean()) >= 0
    assert ex.renew[0] == pytest.approx(keep.mean())
    assert ex.renewed == pytest.approx(keep.mean())


# --------------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("seed", [3, 4])
def test_simulation_agrees_with_the_exact_chain(seed):
    rng = np.random.default_rng(seed)
    a = side(
        rng.uniform(0, 2, 500),
        loss=(1.7,),
        pi=0.05,
        miss=0.1,
        eps=0.03,
        eps_b=0.2,
        signal=(0.02, 0.3),
        length=2,
    )
    b = side(rng.uniform(0, 1, 500), loss=(0.85,), pi=0.02, eps=0.05, length=None)
    ex = tm.exact((a, b), periods=12, delta=0.9)
    runs = 60_000
    mc = ts.simulate((a, b), periods=12, runs=runs, rng=np.random.default_rng(seed), delta=0.9)
    for t in (1, 3, 12):
        p = ex.no_slip[t]
        within_4_se(mc.no_slip[t], p, math.sqrt(p * (1 - p) / runs))
    within_4_se(mc.dispute, ex.dispute, mc.dispute_se)
    within_4_se(mc.collapse, ex.collapse, mc.collapse_se)
    np.testing.assert_allclose(mc.payoffs, ex.payoffs, rtol=0.02)
    np.testing.assert_allclose(mc.disputes, ex.disputes, rtol=0.03)


def test_same_seed_same_numbers():
    a, b = side(np.linspace(0, 1, 10), loss=(0.3,), pi=0.1), calm(eps=0.1)
    one = ts.simulate((a, b), periods=5, runs=1000, rng=np.random.default_rng(7))
    two = ts.simulate((a, b), periods=5, runs=1000, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(one.no_slip, two.no_slip)
    assert (one.dispute, one.collapse, one.renewed) == (two.dispute, two.collapse, two.renewed)


def test_sampler_is_exact_inversion():
    p = np.array([[0.5, 0.25, 0.0, 0.25], [1e-6, 0.0, 1 - 2e-6, 1e-6]])
    smp = ts.sampler(p)
    u = np.arange(0, 2**32, 2**16 + 1, dtype=np.uint64).astype(np.uint32)
    for q in (0, 1):
        codes = ts.draw(smp, np.full(u.size, q, dtype=np.intp), u) - q * 4
        cum = np.floor(np.cumsum(p[q] / p[q].sum()) * 2.0**32)
        expect = np.searchsorted(cum, u.astype(float), side="right")
        np.testing.assert_array_equal(codes, expect)
        assert not np.isin(codes, np.flatnonzero(p[q] == 0)).any()


# --------------------------------------------------------------------------- properties


gains = st.lists(st.floats(-2, 3), min_size=2, max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    g=gains,
    extra=st.floats(0, 2),
    loss=st.floats(0, 2),
    pi=st.floats(0, 0.3),
    eps=st.floats(0, 0.2),
    periods=st.integers(1, 6),
)
def test_more_temptation_never_raises_survival(g, extra, loss, pi, eps, periods):
    base = side(g, loss=(loss,), pi=pi, eps=eps)
    more = side(np.asarray(g) + extra, loss=(loss,), pi=pi, eps=eps)
    other = calm(pi=pi, eps=eps)
    assert tm.breach_probability(more) >= tm.breach_probability(base)
    s0 = tm.exact((base, other), periods=periods).no_slip
    s1 = tm.exact((more, other), periods=periods).no_slip
    assert (s1 <= s0 + 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(
    g=gains,
    punished=st.floats(-3, 2.9),
    harsher=st.floats(0, 3),
    length=st.integers(1, 5),
    longer=st.integers(0, 5),
    delta=st.floats(0.05, 0.95),
    detect=st.floats(0.3, 1.0),
    false_alarm=st.floats(0, 0.3),
)
def test_a_harsher_punishment_never_raises_the_breach_rate(
    g, punished, harsher, length, longer, delta, detect, false_alarm
):
    def rate(p: float, n: int) -> float:
        h = pu.harm(3.0, p, delta, n)
        return tm.breach_probability(side(g, loss=(pu.expected_loss(h, detect, false_alarm),)))

    assert rate(punished - harsher, length + longer) <= rate(punished, length)


def test_intents_pick_the_most_profitable_issue():
    g = np.array([[1.0, 2.0], [3.0, 0.5], [0.1, 0.1]])
    np.testing.assert_array_equal(tm.intents(g, np.array([0.5, 1.8])), [1, 1, 0])
    np.testing.assert_array_equal(tm.intents(g, np.array([0.5, 0.5])), [2, 1, 0])


def test_shock_samples_give_breach_shares_that_hardly_move_with_the_seed():
    # The share of 1,024 samples with gain > 0.5 on U[0, 2] is 0.75 up to the sequence's
    # discrepancy; i.i.d. draws would scatter it by sqrt(0.75 * 0.25 / 1024) = 0.0135.
    shares = [float((uniform_gains(0.0, 2.0, 1024, seed) > 0.5).mean()) for seed in range(8)]
    assert max(abs(s - 0.75) for s in shares) <= 2 / 1024
