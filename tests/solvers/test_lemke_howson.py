"""Lemke-Howson from every label: textbook games, degenerate games, and the solve wrapper."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from sim.solvers.equilibria import solve
from sim.solvers.lemke_howson import _start, follow, lemke_howson_all
from sim.solvers.verify import is_nash
from tests.games import bimatrix_games


def as_set(pairs):
    return {tuple(np.round(np.concatenate(p), 8) + 0.0) for p in pairs}


def test_von_stengel_3x2_all_three_equilibria_from_all_labels():
    # von Stengel (2007), Fig. 3.3: the LH graph from (0, 0) reaches all three equilibria.
    A = np.array([[3, 3], [2, 5], [0, 6]], dtype=float)
    B = np.array([[3, 2], [2, 6], [3, 1]], dtype=float)
    found = lemke_howson_all(A, B)
    assert found.exhausted
    assert as_set(found.equilibria) == as_set([
        (np.array([1, 0, 0]), np.array([1, 0])),
        (np.array([4 / 5, 1 / 5, 0]), np.array([2 / 3, 1 / 3])),
        (np.array([0, 1 / 3, 2 / 3]), np.array([1 / 3, 2 / 3])),
    ])


def test_every_single_path_from_the_artificial_equilibrium_ends_at_an_equilibrium():
    A = np.array([[3, 3], [2, 5], [0, 6]], dtype=float)
    B = np.array([[3, 2], [2, 6], [3, 1]], dtype=float)
    for label in range(5):
        P, Q, pivots = follow(*_start(A, B), label)
        x, y = P.values(3, 0), Q.values(2, 3)
        assert is_nash(np.array([A, B]), (x / x.sum(), y / y.sum()))
        assert pivots >= 2


def test_solve_with_lemke_howson_is_marked_incomplete():
    A = np.array([[2, 0], [0, 1]])
    B = np.array([[1, 0], [0, 2]])
    result = solve(np.array([A, B]), method="lemke-howson")
    assert result.method == "lemke-howson"
    assert not result.complete
    assert "may be missed" in result.message
    assert len(result.equilibria) == 3


@settings(max_examples=80, deadline=None)
@given(bimatrix_games(max_size=5))
def test_lemke_howson_finds_only_equilibria_and_at_least_one(payoffs):
    found = lemke_howson_all(payoffs[0], payoffs[1])
    assert found.equilibria
    for x, y in found.equilibria:
        assert is_nash(payoffs, (x, y), tol=1e-7)
    lh = solve(payoffs, method="lemke-howson")
    full = solve(payoffs)
    assert as_set(e.strategies for e in lh.equilibria) <= as_set(
        e.strategies for e in full.equilibria)
