"""All equilibria of n-player games: polynomial support enumeration (sim.solvers.npl_support).

Every game here is hand-entered with its source; the expected equilibria are computed by hand
in the comments (or are invariances of the answer), never copied from our own output.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from sim.solvers.equilibria import solve
from sim.solvers.npl_support import (
    is_nash_rational,
    support_count,
    support_enumeration,
    support_profiles,
)
from sim.solvers.verify import is_nash


def three_player(cells: dict[tuple[int, int, int], tuple[float, float, float]]) -> np.ndarray:
    payoffs = np.zeros((3, 2, 2, 2))
    for profile, values in cells.items():
        payoffs[(slice(None), *profile)] = values
    return payoffs


# McKelvey and McLennan (1997), the 2x2x2 example with the maximal number (two) of regular
# totally mixed equilibria; Gambit ships it as contrib/games/2x2x2.nfg, "9 Nash equilibria,
# 2 totally mixed". Payoffs not listed are 0 for everyone.
MCKELVEY_MCLENNAN = three_player({
    (0, 0, 0): (9, 8, 12), (1, 1, 0): (9, 8, 2), (1, 0, 1): (3, 4, 6), (0, 1, 1): (3, 4, 6)})


def as_fractions(result):
    return {eq.exact_strategies for eq in result.equilibria}


def test_mckelvey_mclennan_nine_equilibria_two_totally_mixed():
    # With x, y, z the probabilities of the second strategies, the totally mixed equilibria
    # solve 2 equations per pair; eliminating x and y leaves 12 z^2 - 17 z + 6 = 0, so
    # z = 3/4 (x = 1/2, y = 3/5) or z = 2/3 (x = 3/5, y = 1/2).
    result = solve(MCKELVEY_MCLENNAN, exact=True)
    assert result.method == "polynomial-support-enumeration"
    assert result.complete
    assert not result.degenerate
    assert len(result.equilibria) == 9
    totally_mixed = {s for s in as_fractions(result) if all(0 < p < 1 for x in s for p in x)}
    assert totally_mixed == {
        ((F(1, 2), F(1, 2)), (F(2, 5), F(3, 5)), (F(1, 4), F(3, 4))),
        ((F(2, 5), F(3, 5)), (F(1, 2), F(1, 2)), (F(1, 3), F(2, 3)))}
    pure = [s for s in as_fractions(result) if all(max(x) == 1 for x in s)]
    assert sorted(pure) == sorted([
        ((1, 0), (1, 0), (1, 0)), ((1, 0), (0, 1), (0, 1)),
        ((0, 1), (1, 0), (0, 1)), ((0, 1), (0, 1), (1, 0))])
    for eq in result.equilibria:
        assert is_nash_rational(np.array(MCKELVEY_MCLENNAN.astype(int), dtype=object),
                                eq.exact_strategies)


def test_two_paths_for_the_totally_mixed_support_of_a_2x2x2_game():
    # The start system has the multihomogeneous structure, so the full support of a 2x2x2
    # game costs McKelvey and McLennan's bound of 2 paths, not the total degree 8.
    found = support_enumeration(MCKELVEY_MCLENNAN)
    assert found.complete
    assert found.paths <= 2 * found.supports


def test_van_der_laan_talman_van_der_heyden_unique_totally_mixed_equilibrium():
    # van der Laan, Talman and van der Heyden (1987), Math. of OR 12, the 2x2x2 example with
    # no pure and one totally mixed equilibrium (Gambit: contrib/games/g1.nfg). Its
    # equilibrium makes every player exactly indifferent, checked here by hand in fractions.
    cells = {(0, 0, 0): (-1, -4, -4), (1, 0, 0): (-8, -2, -4), (0, 1, 0): (-8, -2, -1),
             (1, 1, 0): (-2, -1, -2), (0, 0, 1): (-2, -2, -8), (1, 0, 1): (-8, -1, -2),
             (0, 1, 1): (-5, -6, -8), (1, 1, 1): (-2, -3, -1)}
    payoffs = three_player(cells)
    result = solve(payoffs, exact=True)
    assert result.complete
    sigma = ((F(1, 5), F(4, 5)), (F(3, 7), F(4, 7)), (F(2, 3), F(1, 3)))
    assert as_fractions(result) == {sigma}
    for i in range(3):
        values = [sum(F(int(payoffs[(i, *p)])) * sigma[(i + 1) % 3][p[(i + 1) % 3]]
                      * sigma[(i + 2) % 3][p[(i + 2) % 3]]
                      for p in np.ndindex(2, 2, 2) if p[i] == own) for own in range(2)]
        assert values[0] == values[1]


def test_local_max_cut_game_two_pure_and_the_uniform_mixture():
    # Gambit's tests/test_games 2x2x2 local max-cut game, rebuilt from its rule: players are
    # nodes, edge weights w12 = 2, w13 = -1, w23 = 2; a player's payoff is the weight of its
    # edges across the cut. Pure equilibria are the local max cuts (a b a and b a b); the
    # uniform mixture is an equilibrium because every cut edge has probability 1/2.
    w = {(0, 1): 2, (0, 2): -1, (1, 2): 2}
    payoffs = np.zeros((3, 2, 2, 2))
    for profile in np.ndindex(2, 2, 2):
        for (i, j), weight in w.items():
            if profile[i] != profile[j]:
                payoffs[(i, *profile)] += weight
                payoffs[(j, *profile)] += weight
    result = solve(payoffs, exact=True)
    assert result.complete
    assert as_fractions(result) == {
        ((1, 0), (0, 1), (1, 0)), ((0, 1), (1, 0), (0, 1)),
        ((F(1, 2), F(1, 2)),) * 3}


def test_jordan_three_player_matching_pennies_unique_uniform_equilibrium():
    # Jordan (1993), Games Econ. Behav. 5: player 1 wants to match player 2, player 2 to
    # match player 3, player 3 to mismatch player 1 (+1 / -1). The unique equilibrium is
    # uniform: if any player's mixture were not, the cycle of best responses would unravel.
    payoffs = np.zeros((3, 2, 2, 2))
    for a, b, c in np.ndindex(2, 2, 2):
        payoffs[:, a, b, c] = (1 if a == b else -1, 1 if b == c else -1,
                               1 if c != a else -1)
    result = solve(payoffs, exact=True)
    assert result.complete
    assert as_fractions(result) == {((F(1, 2), F(1, 2)),) * 3}


def test_every_support_profile_once_fewest_strategies_first():
    shape = (2, 3, 2)
    supports = list(support_profiles(shape))
    assert len(supports) == len(set(supports)) == support_count(shape) == 3 * 7 * 3
    sizes = [sum(map(len, s)) for s in supports]
    assert sizes == sorted(sizes)


def random_game(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(len(shape), *shape)).round(3)


def key_set(equilibria) -> set:
    return {tuple(np.round(np.concatenate(list(eq)), 6).tolist()) for eq in equilibria}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_player_games_give_the_vertex_enumeration_answer(seed):
    payoffs = random_game(seed, (3, 3))
    ours = solve(payoffs, method="polynomial")
    assert ours.complete
    reference = solve(payoffs, method="enumerate")
    assert key_set(e.strategies for e in ours.equilibria) == key_set(
        e.strategies for e in reference.equilibria)


@pytest.mark.parametrize(("seed", "shape"), [(4, (2, 3, 2)), (5, (2, 2, 2, 2))])
def test_every_equilibrium_verified_and_invariant(seed, shape):
    payoffs = random_game(seed, shape)
    base = solve(payoffs)
    assert base.complete
    assert base.equilibria
    for eq in base.equilibria:
        assert is_nash(payoffs, eq.strategies, tol=1e-9)
    expected = key_set(e.strategies for e in base.equilibria)

    # affine payoff changes (a positive scale and a shift per player) change nothing
    scale = np.array([2.0, 0.5, 3.0, 1.5][: len(shape)]).reshape(-1, *[1] * len(shape))
    shift = np.array([1.0, -4.0, 0.25, 7.0][: len(shape)]).reshape(-1, *[1] * len(shape))
    assert key_set(e.strategies for e in solve(payoffs * scale + shift).equilibria) == expected

    # permuting one player's strategies permutes its probabilities
    perm = np.arange(shape[1])[::-1]
    permuted = solve(np.take(payoffs, perm, axis=2))
    assert key_set(e.strategies for e in permuted.equilibria) == key_set(
        (s if i != 1 else s[perm] for i, s in enumerate(e.strategies))
        for e in base.equilibria)

    # relabelling players: move the last player first
    order = [len(shape) - 1, *range(len(shape) - 1)]
    relabelled = np.transpose(payoffs[order], [0, *[1 + k for k in order]])
    got = solve(relabelled)
    assert key_set(e.strategies for e in got.equilibria) == key_set(
        [e.strategies[k] for k in order] for e in base.equilibria)


def test_same_seed_same_answer_and_no_global_state():
    payoffs = random_game(6, (2, 2, 3))
    a = support_enumeration(payoffs, seed=11)
    np.random.seed(0)  # noqa: NPY002 - the global state must not matter
    b = support_enumeration(payoffs, seed=11)
    assert key_set(a.profiles) == key_set(b.profiles)
    assert key_set(a.profiles) == key_set(support_enumeration(payoffs, seed=12).profiles)


def test_too_many_supports_is_a_limit():
    from sim.errors import LimitError

    with pytest.raises(LimitError, match="support profiles"):
        support_enumeration(np.zeros((3, 5, 5, 5)), max_supports=1000)


def test_auto_falls_back_to_the_pure_scan_for_large_games():
    payoffs = np.zeros((3, 4, 4, 4))
    payoffs[:, 0, 0, 0] = 1
    result = solve(payoffs)
    assert result.method == "pure"
    assert not result.complete
    assert "--method polynomial" in result.message


def test_a_constant_game_is_every_pure_profile_and_incomplete():
    # Every profile of a constant game is an equilibrium: a continuum the enumeration can only
    # flag (its supports' equations vanish identically, found before any path is tracked).
    result = solve(np.zeros((3, 2, 2, 3)))
    assert not result.complete
    assert result.degenerate
    pure = [eq for eq in result.equilibria if all(s.max() == 1 for s in eq.strategies)]
    assert len(pure) == 2 * 2 * 3
    assert "continuum" in result.message


@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 2, 2), (2, 2, 2, 2)])
def test_two_mixer_supports_solved_linearly_give_the_same_equilibria(shape):
    """Where exactly two players mix, the system is linear; solving it directly must find
    the equilibria homotopy continuation finds, with fewer paths."""
    rng = np.random.default_rng(sum(shape))
    for _ in range(3):
        payoffs = rng.integers(0, 20, size=(len(shape), *shape)).astype(float)
        fast = support_enumeration(payoffs)
        slow = support_enumeration(payoffs, linear=False)
        assert fast.complete == slow.complete
        assert len(fast.profiles) == len(slow.profiles)
        for p in fast.profiles:
            assert any(all(np.allclose(a, b, atol=1e-7) for a, b in zip(p, q, strict=True))
                       for q in slow.profiles)
        assert fast.paths <= slow.paths
