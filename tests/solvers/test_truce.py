"""Tests of sim/solvers/truce.py against closed forms and an exact Markov chain."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import InputError
from sim.solvers import strategies as S
from sim.solvers import truce as tr

# Prisoner's dilemma T=5, R=3, P=1, S=0; index 0 = cooperate (comply), 1 = defect (breach).
PD = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
GAME = tr.truce_game(PD, (0, 0))


def run(pair: str, *, runs: int = 50_000, periods: int = 30, eps: float = 0.0,
        pi: float = 0.0, delta: float = 1.0, seed: int = 1) -> tr.TruceSurvival:
    return tr.simulate_truce(GAME, S.parse_pair(pair), periods=periods, runs=runs,
                             rng=np.random.default_rng(seed), noise_implementation=eps,
                             noise_perception=pi, delta=delta)


def within_4_se(estimate, exact, se):
    estimate, exact, se = np.broadcast_arrays(estimate, exact, se)
    assert (np.abs(estimate - exact) <= 4 * np.maximum(se, 1e-12)).all(), (estimate, exact, se)


def test_truce_game_cut_from_the_stage_game():
    np.testing.assert_array_equal(GAME.payoffs, PD)
    assert (GAME.truce, GAME.breach) == ((0, 0), (1, 1))
    np.testing.assert_array_equal(GAME.own(1), [[3, 0], [5, 1]])
    # 3x3: the row player's best deviation against column 0 is row 2; escalation overrides.
    a = np.array([[4, 0, 0], [5, 1, 0], [6, 0, 2]], dtype=float)
    g = tr.truce_game(np.stack([a, a.T]), (0, 0))
    assert g.breach == (2, 2)
    np.testing.assert_array_equal(g.payoffs[0], [[4, 0], [6, 2]])
    assert tr.truce_game(np.stack([a, a.T]), (0, 0), escalation=(1, 1)).breach == (1, 1)


@pytest.mark.parametrize("pair", ["grim", "tft", "grim/tft"])
def test_survival_under_implementation_noise_is_one_minus_eps_to_the_2t(pair):
    eps = 0.02
    res = run(pair, eps=eps)
    t = np.arange(res.periods + 1)
    assert res.survival[0] == 1.0
    within_4_se(res.survival, (1 - eps) ** (2 * t), res.survival_se)
    assert res.first_breach.sum() == round(res.runs * (1 - res.expiry))


def test_survival_with_perception_noise_too():
    eps, pi = 0.01, 0.03
    res = run("grim", eps=eps, pi=pi)
    t = np.arange(res.periods + 1)
    within_4_se(res.survival, tr.grim_survival(t, eps, pi), res.survival_se)
    # Always-comply does not react to accusations: only implementation errors break it.
    res = run("comply", eps=eps, pi=pi)
    within_4_se(res.survival, (1 - eps) ** (2 * t), res.survival_se)
    within_4_se(res.mutual_compliance, (1 - eps) ** 2, res.mutual_compliance_se)


def test_no_noise_and_always_breach():
    res = run("tft", runs=10, periods=5)
    assert res.expiry == 1.0
    assert res.mutual_compliance == 1.0
    np.testing.assert_allclose(res.payoffs, [3, 3])
    res = run("breach", runs=10, periods=5, delta=0.9)
    np.testing.assert_array_equal(res.survival, [1, 0, 0, 0, 0, 0])
    assert res.first_breach.tolist() == [10, 0, 0, 0, 0]
    np.testing.assert_allclose(res.payoffs, [1, 1])
    res = run("comply/breach", runs=10, periods=4)
    np.testing.assert_allclose(res.payoffs, [0, 5])


def memory_one_exact(rule, eps: float, periods: int, delta: float) -> tuple[float, np.ndarray]:
    """Exact expected mutual-compliance share and discounted payoffs of a symmetric
    memory-one pair under implementation noise, by propagating the distribution over the
    last played pair (an independent reimplementation, no sampling).

    ``rule(own_prev, other_prev)`` gives the probability of meaning to comply.
    """
    moves = [(a, b) for a in (1, 0) for b in (1, 0)]  # 1 = comply
    probs = {m: 0.0 for m in moves}
    share, pay, w = 0.0, np.zeros(2), 1.0
    for t in range(periods):
        # both mean to comply in period 1; later, each side applies the rule to last period
        intend = {(a, b): (1.0, 1.0) if t == 0 else (rule(a, b), rule(b, a)) for a, b in moves}
        new = {m: 0.0 for m in moves}
        sources = [((1, 1), 1.0)] if t == 0 else list(probs.items())
        for prev, p in sources:
            ia, ib = intend[prev]
            pa, pb = ia * (1 - eps), ib * (1 - eps)
            for a, b in moves:
                new[(a, b)] += p * (pa if a else 1 - pa) * (pb if b else 1 - pb)
        probs = new
        share += probs[(1, 1)] / periods
        for (a, b), p in probs.items():
            pay += w * p * PD[:, 1 - a, 1 - b]
        w *= delta
    norm = (1 - delta) / (1 - delta**periods)
    return share, pay * norm


@pytest.mark.parametrize(("pair", "rule"), [
    ("tft", lambda own, other: float(other)),
    ("wsls", lambda own, other: float(own == other)),
    ("gtft:0.3", lambda own, other: 1.0 if other else 0.3),
    ("comply", lambda own, other: 1.0),
])
def test_memory_one_pairs_agree_with_the_exact_markov_chain(pair, rule):
    eps, periods, delta = 0.05, 25, 0.95
    res = run(pair, eps=eps, periods=periods, delta=delta, runs=40_000)
    share, pay = memory_one_exact(rule, eps, periods, delta)
    within_4_se(res.mutual_compliance, share, res.mutual_compliance_se)
    within_4_se(res.payoffs, pay, res.payoffs_se)


def two_way_exact(rule, noise: tuple[float, float, float, float], periods: int,
                  delta: float) -> tuple[float, np.ndarray]:
    """Exact mutual-compliance share and discounted payoffs of a symmetric memory-one pair
    under two-way noise ``(eps, eps_b, pi, mu)``: a meant compliance slips w.p. eps, a meant
    breach comes out as compliance w.p. eps_b, compliance is seen as a breach w.p. pi and a
    breach as compliance w.p. mu. The state is what each side played and what it saw of
    the other last period (16 states); each side applies ``rule(own, seen)``."""
    eps, eps_b, pi, mu = noise

    def act(intend: float) -> float:  # P(actual compliance)
        return intend * (1 - eps) + (1 - intend) * eps_b

    def see(actual: int) -> float:  # P(seen as compliance)
        return 1 - pi if actual else mu

    states = {(1, 1, 1, 1): 1.0}  # (a, seen b by A, b, seen a by B): period 1 starts clean
    share, pay, w = 0.0, np.zeros(2), 1.0
    for t in range(periods):
        new: dict[tuple[int, int, int, int], float] = {}
        for (a0, sb, b0, sa), p in states.items():
            ia = 1.0 if t == 0 else rule(a0, sb)
            ib = 1.0 if t == 0 else rule(b0, sa)
            for a in (1, 0):
                pa = act(ia) if a else 1 - act(ia)
                for b in (1, 0):
                    pb = act(ib) if b else 1 - act(ib)
                    q = p * pa * pb
                    if q == 0:
                        continue
                    share += q * (a and b) / periods
                    pay += w * q * PD[:, 1 - a, 1 - b]
                    for x in (1, 0):  # what A saw of b
                        px = see(b) if x else 1 - see(b)
                        for y in (1, 0):  # what B saw of a
                            py = see(a) if y else 1 - see(a)
                            key = (a, x, b, y)
                            new[key] = new.get(key, 0.0) + q * px * py
        states = new
        w *= delta
    return share, pay * (1 - delta) / (1 - delta**periods)


@pytest.mark.parametrize(("pair", "rule"), [
    ("tft", lambda own, seen: float(seen)),
    ("wsls", lambda own, seen: float(own == seen)),
    ("gtft:0.3", lambda own, seen: 1.0 if seen else 0.3),
    ("comply", lambda own, seen: 1.0),
])
def test_two_way_noise_agrees_with_the_exact_markov_chain(pair, rule):
    noise, periods, delta = (0.05, 0.2, 0.1, 0.3), 20, 0.95
    res = tr.simulate_truce(GAME, S.parse_pair(pair), periods=periods, runs=40_000,
                            rng=np.random.default_rng(5), noise_implementation=noise[0],
                            noise_breach=noise[1], noise_perception=noise[2],
                            noise_miss=noise[3], delta=delta)
    share, pay = two_way_exact(rule, noise, periods, delta)
    within_4_se(res.mutual_compliance, share, res.mutual_compliance_se)
    within_4_se(res.payoffs, pay, res.payoffs_se)


def test_tft_recovers_when_noise_runs_both_ways():
    res = tr.simulate_truce(GAME, S.parse_pair("tft"), periods=40, runs=20_000,
                            rng=np.random.default_rng(2), noise_implementation=0.05,
                            noise_miss=0.2)
    assert res.recovery > 0.0  # a missed breach ends the echo


def test_contrite_tft_recovers_from_implementation_errors_and_tft_does_not():
    ctft, tft = run("ctft", eps=0.05, periods=40), run("tft", eps=0.05, periods=40)
    assert ctft.recovery > 0.5
    assert tft.recovery == 0.0  # noise only turns compliance into breach: no way back
    assert ctft.mutual_compliance > tft.mutual_compliance + 0.2


def test_same_seed_same_results_and_a_different_seed_differs():
    a = run("gtft", eps=0.05, pi=0.05, runs=5_000, seed=3)
    b = run("gtft", eps=0.05, pi=0.05, runs=5_000, seed=3)
    c = run("gtft", eps=0.05, pi=0.05, runs=5_000, seed=4)
    np.testing.assert_array_equal(a.survival, b.survival)
    np.testing.assert_array_equal(a.payoffs, b.payoffs)
    assert a.recovery == b.recovery
    assert not np.array_equal(a.payoffs, c.payoffs)


def test_memory_stays_bounded():
    res = run("limited:2", eps=0.1, runs=1_000, periods=90)
    arrays = [v for v in vars(res).values() if isinstance(v, np.ndarray)]
    assert max(a.size for a in arrays) <= res.periods + 1


def test_progress_is_reported_every_period():
    seen: list[int] = []
    tr.simulate_truce(GAME, S.parse_pair("tft"), periods=4, runs=10,
                      rng=np.random.default_rng(0), progress=seen.append)
    assert seen == [1, 2, 3, 4]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"noise_implementation": 1.5}, r"implementation noise must lie in \[0, 1\], got 1.5"),
    ({"noise_perception": -0.1}, r"perception noise must lie in \[0, 1\], got -0.1"),
    ({"runs": 1}, "runs must be a whole number between 2"),
    ({"periods": 0}, "periods must be a whole number >= 1"),
    ({"delta": 0.0}, r"delta must lie in \(0, 1\]"),
])
def test_bad_settings_are_input_errors(kwargs, message):
    args = {"periods": 5, "runs": 10, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(InputError, match=message):
        tr.simulate_truce(GAME, S.parse_pair("tft"), **args)


@pytest.mark.parametrize("p", [0.001, 0.05, 0.19, 0.2, 0.6])
def test_slips_are_bernoulli_on_compliance_only(p):
    n = 200_000
    rng = np.random.default_rng(11)
    first, second = np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    second[: n // 2] = False  # meant breaches stay breaches
    tr._slip(rng, p, first, second)
    se = np.sqrt(p * (1 - p) / n)
    assert abs((~first).mean() - p) <= 4 * se
    assert not second[: n // 2].any()
    assert abs((~second[n // 2:]).mean() - p) <= 4 * se * np.sqrt(2)
    # independent across cells: the slip rate of neighbours of slips is still p
    hits = np.flatnonzero(~first[:-1])
    assert abs((~first[hits + 1]).mean() - p) <= 4 * np.sqrt(p * (1 - p) / max(len(hits), 1)) + 1e-9


def test_uniform_path_matches_the_closed_form_too():
    eps = 0.3  # above GEOMETRIC_BELOW: one uniform per cell
    res = run("grim", eps=eps, periods=4, runs=100_000)
    within_4_se(res.survival, (1 - eps) ** (2 * np.arange(5)), res.survival_se)
