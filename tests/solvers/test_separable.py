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
