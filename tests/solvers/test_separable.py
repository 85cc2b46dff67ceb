"""A game whose payoffs add up over independent lever groups, solved part by part."""

from __future__ import annotations

import itertools

import numpy as np

from sim.solvers import separable as sp
from sim.solvers.equilibria import solve
from sim.solvers.verify import is_nash

SIZES = ((2, 3), (3, 2))     # player 1: levers a (2 levels), b (3); player 2: c (3), e (2)


def separable_game(seed: int) -> np.ndarray:
    """u = f(a, c) + g(b, e) for both players: groups {a, c} and {b, e}."""
    rng = np.random.default_rng(seed)
    f = rng.integers(0, 10, (2, 2, 3)).astype(float)      # (player, a, c)
    g = rng.integers(0, 10, (2, 3, 2)).astype(float)      # (player, b, e)
    T = f[:, :, None, :, None] + g[:, None, :, None, :]   # (player, a, b, c, e)
    return T.reshape(2, 6, 6)


def test_groups_are_found_and_coupled_payoffs_are_not_split():
    P = separable_game(1)
    assert sp.lever_groups(P, SIZES) == [(0, 2), (1, 3)]
    coupled = P.copy()
    coupled[0, 0, 0] += 1.0          # one cell couples every lever
    assert sp.lever_groups(coupled, SIZES) == [(0, 1, 2, 3)]


def test_decomposition_matches_the_undecomposed_answer():
    for seed in range(6):
        P = separable_game(seed)
        part_list, answers = sp.solve_parts(P, SIZES, solve)
        assert len(part_list) == 2
        assert all(a.complete for a in answers)
        whole = solve(P, method="enumerate")
        assert whole.complete
        # every equilibrium of the whole game has equilibrium marginals in every part ...
        for eq in whole.equilibria:
            for part in part_list:
                margins = [sp.marginal(s, part, i, SIZES) for i, s in enumerate(eq.strategies)]
                assert is_nash(part.payoffs, tuple(margins), tol=1e-7)
        # ... and every product of the parts' equilibria is an equilibrium of the whole game
        products = set()
        for combo in itertools.product(*[a.equilibria for a in answers]):
            profile = tuple(sp.joint([e.strategies[i] for e in combo], part_list, i, SIZES)
                            for i in range(2))
            assert is_nash(P, profile, tol=1e-7)
            products.add(tuple(np.round(np.concatenate(profile), 8)))
        # the pure equilibria coincide exactly, and products of extreme equilibria that are
        # extreme in the whole game are among its extreme equilibria
        whole_keys = {tuple(np.round(np.concatenate(e.strategies), 8)) for e in whole.equilibria}
        pure = {k for k in whole_keys if set(k) <= {0.0, 1.0}}
        assert pure == {k for k in products if set(k) <= {0.0, 1.0}}
        for k in products:
            mixed_parts = sum(1 for a in answers
                              if any((s > 1e-9).sum() > 1 for e in a.equilibria
                                     for s in e.strategies))
            if mixed_parts <= 1:
                assert k in whole_keys


def test_solve_reports_the_groups_by_lever_name():
    from sim.solvers.reduction import solve_reduced

    result = solve_reduced(separable_game(2), lever_sizes=SIZES, lever_names=list("abce"))
    assert "2 independent groups of levers (a, c; b, e)" in result.message
    plain = solve_reduced(separable_game(2))
    assert "independent groups" not in plain.message


def additive_game(f: np.ndarray, g: np.ndarray) -> np.ndarray:
    """u = f(a, c) + g(b, e): f of shape (2, |a|, |c|), g of shape (2, |b|, |e|)."""
    T = f[:, :, None, :, None] + g[:, None, :, None, :]
    return T.reshape(2, f.shape[1] * g.shape[1], f.shape[2] * g.shape[2])


MIXED_SIZES = ((2, 3), (2, 2))   # player 1: a (2), b (3); player 2: c (2), e (2)


def one_mixing_group_game(seed: int) -> np.ndarray:
    """Group {a, c} has a mixed equilibrium; in group {b, e} each player has a strictly
    dominant level, so no player mixes in two groups."""
    rng = np.random.default_rng(seed)
    f = np.array([[[3, 0], [0, 2]], [[0, 2], [3, 0]]], dtype=float)   # no pure equilibrium
    f = f + rng.integers(0, 2, (2, 1, 1))
    g = rng.integers(0, 10, (2, 3, 2)).astype(float)
    g[0, rng.integers(3)] += 20                   # player 1's dominant level of b
    g[1, :, rng.integers(2)] += 20                # player 2's dominant level of e
    return additive_game(f, g)


def exact_set(result) -> set:
    return {eq.exact_strategies for eq in result.equilibria}


def test_solve_assembles_the_groups_answers_and_matches_whole_game_enumeration():
    from sim.solvers.reduction import solve_reduced

    for seed in range(4):
        P = one_mixing_group_game(seed)
        by_groups = solve_reduced(P, exact=True, lever_sizes=MIXED_SIZES)
        assert by_groups.method.endswith("by lever groups")
        assert by_groups.complete
        assert "solved group by group" in by_groups.message
        whole = solve(P, method="enumerate", exact=True)
        assert whole.complete
        assert exact_set(by_groups) == exact_set(whole)
        assert len(by_groups.components) == len(whole.components)


def test_permuting_lever_levels_and_swapping_players_permute_the_answer():
    from sim.solvers.reduction import solve_reduced

    P = one_mixing_group_game(5)
    base = solve_reduced(P, lever_sizes=MIXED_SIZES)
    # reverse the levels of lever a (player 1) and of lever e (player 2)
    rows = np.arange(6).reshape(2, 3)[::-1].reshape(-1)
    cols = np.arange(4).reshape(2, 2)[:, ::-1].reshape(-1)
    permuted = solve_reduced(P[:, rows][:, :, cols], lever_sizes=MIXED_SIZES)
    assert permuted.method == base.method
    key = lambda s: tuple(np.round(np.concatenate(s), 9))
    assert ({key((x[rows], y[cols])) for x, y in (e.strategies for e in base.equilibria)}
            == {key(e.strategies) for e in permuted.equilibria})
    swapped = solve_reduced(np.array([P[1].T, P[0].T]), lever_sizes=MIXED_SIZES[::-1])
    assert swapped.method == base.method
    assert ({key((y, x)) for x, y in (e.strategies for e in base.equilibria)}
            == {key(e.strategies) for e in swapped.equilibria})


def test_correlated_mixtures_fall_back_to_the_whole_game_or_say_what_is_missing():
    from sim.solvers.reduction import solve_reduced

    pennies = np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]]], dtype=float)
    # matching pennies in both groups (the third level of b is strictly dominated)
    P = additive_game(pennies, np.array([[[1, 0], [0, 1], [-1, -1]], [[0, 1], [1, 0], [0, 0]]],
                                        dtype=float))
    sizes = ((2, 3), (2, 2))
    assert sp.lever_groups(P, sizes) == [(0, 2), (1, 3)]
    whole = solve_reduced(P, lever_sizes=sizes)           # small: enumerated whole
    assert whole.complete
    assert not whole.method.endswith("by lever groups")
    assert "independent groups" in whole.message
    lh = solve_reduced(P, method="lemke-howson", lever_sizes=sizes)
    assert lh.method.endswith("by lever groups")
    assert not lh.complete
    assert "correlate" in lh.message
    for eq in lh.equilibria:
        assert is_nash(P, eq.strategies, tol=1e-7)


def test_pure_equilibria_by_groups_are_the_whole_games():
    from sim.solvers.reduction import solve_reduced

    for seed in range(4):
        P = separable_game(seed)
        key = lambda e: tuple(np.round(np.concatenate(e.strategies), 9))
        by_groups = solve_reduced(P, method="pure", lever_sizes=SIZES)
        assert by_groups.method.endswith("by lever groups")
        assert ({key(e) for e in by_groups.equilibria}
                == {key(e) for e in solve(P, method="pure").equilibria})


def test_a_separable_game_above_the_enumeration_limit_is_solved_completely():
    from sim.solvers.equilibria import ENUMERATION_LIMIT
    from sim.solvers.reduction import solve_reduced

    rng = np.random.default_rng(7)
    sizes = ((2, 3, 4), (2, 3, 4))                # 24 x 24, above the limit
    f = np.array([[[3, 0], [0, 2]], [[0, 2], [3, 0]]], dtype=float)
    g = rng.integers(0, 10, (2, 3, 3)).astype(float)
    h = rng.integers(0, 10, (2, 4, 4)).astype(float)
    g[0, 1] += 20
    g[1, :, 2] += 20
    h[0, 3] += 20
    h[1, :, 0] += 20
    T = (f[:, :, None, None, :, None, None] + g[:, None, :, None, None, :, None]
         + h[:, None, None, :, None, None, :])
    P = T.reshape(2, 24, 24)
    assert P[0].size > ENUMERATION_LIMIT
    result = solve_reduced(P, exact=True, lever_sizes=sizes)
    assert result.complete
    assert result.method.endswith("by lever groups")
    assert len(result.equilibria) == 1        # the mixed equilibrium of f, dominant levels
    x, y = result.equilibria[0].strategies
    assert is_nash(P, (x, y), tol=1e-9)
    assert (x > 0).sum() == 2
    assert (y > 0).sum() == 2
