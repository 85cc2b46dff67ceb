"""n-player analyses: group truce thresholds, n-side noisy truces, coalitions, security."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.errors import InputError, SolverError
from sim.solvers import repeated
from sim.solvers.bargaining import disagreement_point, payoff_space, solve_bargaining
from sim.solvers.coalitions import coalition_values, least_core, shapley_value
from sim.solvers.group_truce import group_thresholds, simulate_group_truce
from sim.solvers.npl_bargaining import disagreement, nash_bargaining
from sim.solvers.security import security_levels


def public_goods(n: int, r: float) -> np.ndarray:
    # n-player public goods game (e.g. Ledyard 1995): strategy 0 contributes 1, strategy 1
    # keeps it; the pot is multiplied by r < n and shared equally.
    payoffs = np.zeros((n, *[2] * n))
    for profile in itertools.product(range(2), repeat=n):
        pot = r * sum(1 for s in profile if s == 0) / n
        for i, s in enumerate(profile):
            payoffs[(i, *profile)] = pot + (1 if s == 1 else 0)
    return payoffs


def test_public_goods_truce_threshold_by_hand():
    # Truce: everyone contributes, C = r. Deviating keeps 1 and loses one share:
    # D = r - r/n + 1. Nash reversion (nobody contributes): P = 1. So
    # delta* = (D - C) / (D - P) = (1 - r/n) / (r - r/n) for every player: all are binding.
    n, r = 3, 2.4
    t = group_thresholds(public_goods(n, r), (0,) * n)
    expected = (1 - r / n) / (r - r / n)
    assert [p.delta_star for p in t.players] == pytest.approx([expected] * n)
    assert t.binding == (0, 1, 2)
    assert t.delta_star == pytest.approx(expected)


def test_binding_player_is_the_most_tempted():
    payoffs = public_goods(3, 2.4)
    payoffs[2] = payoffs[2] + 0.5 * (np.arange(2)[None, None, :] == 1)   # 3 keeps more
    t = group_thresholds(payoffs, (0, 0, 0))
    assert t.binding == (2,)
    assert t.players[2].delta_star > t.players[0].delta_star


def test_two_players_agree_with_the_two_player_thresholds():
    A = np.array([[3.0, 0.0], [5.0, 1.0]])   # prisoner's dilemma, cooperate first
    payoffs = np.array([A, A.T])
    ours = group_thresholds(payoffs, (0, 0))
    theirs = repeated.thresholds(payoffs, (0, 0), "nash")
    assert [p.delta_star for p in ours.players] == pytest.approx(
        [p.delta_star for p in theirs.players])
    assert ours.delta_star == pytest.approx(0.5)
    victims = group_thresholds(payoffs, (0, 0), punishers="victims")
    assert victims.delta_star == pytest.approx(0.5)


def test_victims_only_punishment_is_weaker_than_everyone_reverting():
    # With a named punishment profile that is not an equilibrium, the deviator does better
    # best-responding to the victims' punishment than joining it, so delta* rises.
    payoffs = public_goods(3, 2.4)
    everyone = group_thresholds(payoffs, (0, 0, 0), punishment=(0, 1, 1))
    victims = group_thresholds(payoffs, (0, 0, 0), punishment=(0, 1, 1), punishers="victims")
    assert victims.players[0].punishment_payoff > everyone.players[0].punishment_payoff
    assert victims.players[0].delta_star > everyone.players[0].delta_star


def test_thresholds_permute_with_the_players_and_ignore_affine_changes():
    payoffs = public_goods(3, 2.4)
    payoffs[2] = payoffs[2] + 0.5 * (np.arange(2)[None, None, :] == 1)
    base = [p.delta_star for p in group_thresholds(payoffs, (0, 0, 0)).players]
    order = [2, 0, 1]
    relabelled = np.transpose(payoffs[order], [0, *[1 + k for k in order]])
    moved = [p.delta_star for p in group_thresholds(relabelled, (0, 0, 0)).players]
    assert moved == pytest.approx([base[k] for k in order])
    scaled = payoffs * np.array([2.0, 3.0, 0.5])[:, None, None, None] + 7
    assert [p.delta_star for p in group_thresholds(scaled, (0, 0, 0)).players] == (
        pytest.approx(base))
    flipped = group_thresholds(payoffs[:, ::-1, :, :], (1, 0, 0))  # permute strategies
    assert [p.delta_star for p in flipped.players] == pytest.approx(base)


def test_bad_group_arguments():
    with pytest.raises(InputError, match="punishers"):
        group_thresholds(public_goods(3, 2.0), (0, 0, 0), punishers="some")
    with pytest.raises(InputError, match="pure profile"):
        group_thresholds(public_goods(3, 2.0), (0, 0))
    mp = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    with pytest.raises(SolverError, match="no pure Nash"):
        group_thresholds(mp, (0, 0))


@pytest.mark.parametrize("sides", [2, 3, 5])
def test_noisy_group_truce_matches_the_closed_form(sides):
    found = simulate_group_truce(sides, 30, 20_000, noise=0.01,
                                 rng=np.random.default_rng(sides))
    np.testing.assert_allclose(found.survival, found.closed_form, atol=0.012)
    assert found.closed_form[-1] == pytest.approx(0.99 ** (sides * 30))


def test_more_sides_more_fragile_and_seeded():
    a = simulate_group_truce(3, 20, 5000, noise=0.02, rng=np.random.default_rng(1))
    b = simulate_group_truce(3, 20, 5000, noise=0.02, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.survival, b.survival)
    c = simulate_group_truce(6, 20, 5000, noise=0.02, rng=np.random.default_rng(1))
    assert c.survival[-1] < a.survival[-1]


def majority(n: int = 3) -> dict:
    return {frozenset(S): float(len(S) >= 2) for k in range(n + 1)
            for S in itertools.combinations(range(n), k)}


def test_majority_game_shapley_thirds_and_empty_core():
    # Three-player majority game: any two players win 1. Shapley value 1/3 each; the core is
    # empty (every pair would need 1, so the total would need 3/2 > 1): least core eps = 1/3.
    assert shapley_value(majority(), 3) == pytest.approx([1 / 3] * 3)
    core = least_core(majority(), 3)
    assert not core.nonempty
    assert core.epsilon == pytest.approx(1 / 3)


def test_glove_game_shapley_and_core():
    # Player 0 holds a left glove, players 1 and 2 right gloves; a pair is worth 1.
    # Shapley value (2/3, 1/6, 1/6); the core is the single point (1, 0, 0).
    v = {frozenset(S): float(0 in S and len(S) >= 2) for k in range(4)
         for S in itertools.combinations(range(3), k)}
    assert shapley_value(v, 3) == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    core = least_core(v, 3)
    assert core.nonempty
    assert core.point == pytest.approx([1, 0, 0], abs=1e-9)


def test_coalitional_game_from_a_normal_form_game():
    # Public goods game with r = 2.4: outsiders do worst to a coalition by keeping their
    # units; if m of its k members contribute, the coalition gets (r m / n) k + (k - m), so
    # v(S) is the best m (all or none, as the total is linear in m).
    n, r = 3, 2.4
    v = coalition_values(public_goods(n, r))
    for S, worth in v.items():
        k = len(S)
        expected = max((r * m / n) * k + (k - m) for m in range(k + 1)) if k else 0.0
        assert worth == pytest.approx(expected)
    phi = shapley_value(v, n)
    assert phi.sum() == pytest.approx(v[frozenset(range(n))])   # efficiency
    assert phi == pytest.approx([r] * n)                         # symmetry
    assert least_core(v, n).nonempty                             # convex game here


def test_coalition_values_permute_with_the_players():
    rng = np.random.default_rng(3)
    payoffs = rng.normal(size=(3, 2, 3, 2)).round(2)
    v = coalition_values(payoffs)
    order = [1, 2, 0]
    relabelled = np.transpose(payoffs[order], [0, *[1 + k for k in order]])
    w = coalition_values(relabelled)
    for S, worth in w.items():
        assert worth == pytest.approx(v[frozenset(order[i] for i in S)])
    phi = shapley_value(v, 3)
    assert shapley_value(w, 3) == pytest.approx(phi[order])
    for i in range(3):   # individual rationality of the singletons: v({i}) = security level
        assert v[frozenset({i})] == pytest.approx(security_levels(payoffs)[i].mixed_level)


def test_three_player_mixed_security_level_by_hand():
    # Player 0 in Jordan's game matches player 1 (+1/-1); player 2 does not affect it.
    # Mixing half-half guarantees 0 against any pure profile of the others.
    payoffs = np.zeros((3, 2, 2, 2))
    for a, b, c in np.ndindex(2, 2, 2):
        payoffs[:, a, b, c] = (1 if a == b else -1, 1 if b == c else -1, 1 if c != a else -1)
    levels = security_levels(payoffs)
    assert [s.mixed_level for s in levels] == pytest.approx([0, 0, 0], abs=1e-9)
    assert [s.pure_level for s in levels] == [-1, -1, -1]
    assert math.isclose(levels[0].mixed_strategy[0], 0.5)


# --------------------------------------------------------------------------- bargaining



def test_divide_the_dollar_among_three_gives_thirds():
    # Each pure profile hands the whole dollar to one player; disagreement 0. The hull is the
    # simplex and the Nash product is largest at (1/3, 1/3, 1/3).
    payoffs = np.zeros((3, 3, 1, 1))
    for i in range(3):
        payoffs[i, i, 0, 0] = 1.0
    deal = nash_bargaining(payoffs, d=np.zeros(3))
    assert deal.gains
    np.testing.assert_allclose(deal.payoffs, [1 / 3] * 3, atol=1e-6)
    assert sum(deal.lottery.values()) == pytest.approx(1)


@pytest.mark.parametrize("seed", [0, 1])
def test_two_players_agree_with_the_two_player_nash_deal(seed):
    rng = np.random.default_rng(seed)
    A, B = rng.integers(0, 10, size=(2, 3, 3)).astype(float)
    d = disagreement_point(A, B, "minmax").point
    theirs = solve_bargaining(payoff_space(A, B), d).solutions["nash"].payoffs
    ours = nash_bargaining(np.array([A, B]), d=d).payoffs
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_nash_deal_covariant_and_relabelled():
    payoffs = public_goods(3, 2.4)
    base = nash_bargaining(payoffs)     # Nash reversion: nobody contributes, d = (1, 1, 1)
    np.testing.assert_allclose(base.disagreement, [1, 1, 1])
    np.testing.assert_allclose(base.payoffs, [2.4] * 3, atol=1e-6)   # all contribute
    a = np.array([2.0, 0.5, 3.0])[:, None, None, None]
    b = np.array([1.0, -2.0, 5.0])[:, None, None, None]
    moved = nash_bargaining(payoffs * a + b)
    np.testing.assert_allclose(moved.payoffs, base.payoffs * a.ravel() + b.ravel(), atol=1e-5)
    lopsided = payoffs.copy()
    lopsided[0] += 0.3 * (np.arange(2)[:, None, None] == 0)
    first = nash_bargaining(lopsided)
    order = [2, 0, 1]
    relabelled = np.transpose(lopsided[order], [0, *[1 + k for k in order]])
    np.testing.assert_allclose(nash_bargaining(relabelled).payoffs, first.payoffs[order],
                               atol=1e-5)


def test_disagreement_rules_are_label_free():
    payoffs = public_goods(3, 2.4)
    np.testing.assert_allclose(disagreement(payoffs, "nash"),
                               disagreement(payoffs[:, ::-1, ::-1, ::-1], "nash"))
    np.testing.assert_allclose(disagreement(payoffs, "security"), [1, 1, 1])
    with pytest.raises(InputError, match="disagreement rule"):
        disagreement(payoffs, "coin")


def test_no_gains_returns_the_disagreement_point():
    payoffs = public_goods(3, 2.4)
    deal = nash_bargaining(payoffs, d=np.array([5.0, 5.0, 5.0]))
    assert not deal.gains
    np.testing.assert_allclose(deal.payoffs, [5, 5, 5])
