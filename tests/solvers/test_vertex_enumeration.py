"""Vertex enumeration of best-response polytopes: the pivoting search against brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from sim.solvers.vertex_enumeration import (
    batched_solve,
    normalise,
    polytope_vertices,
    polytope_vertices_by_bases,
)
from tests.games import payoff_matrices


def as_set(vertices):
    return {tuple(np.round(p, 8) + 0.0) for p in vertices.points}


def test_simplex_vertices_when_all_payoffs_equal():
    # M all ones: P = {x >= 0, sum x <= 1}; its vertices besides 0 are the unit vectors, each
    # with every column tight (a degenerate polytope).
    v = polytope_vertices(np.ones((3, 4)))
    assert as_set(v) == {(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)}
    assert v.tight.all()
    assert v.degenerate


def test_von_stengel_polytope_has_five_vertices():
    # Q for A = [[3,3],[2,5],[0,6]] (von Stengel 2007, Fig. 3.2), with A used as is (positive
    # enough): vertices (1/3, 0), (0, 1/6), (2/9, 1/9), (1/12, 1/6) besides 0.
    A = np.array([[3, 3], [2, 5], [0, 6]], dtype=float)
    v = polytope_vertices(A.T)
    expected = {(1 / 3, 0.0), (0.0, 1 / 6), (2 / 9, 1 / 9), (1 / 12, 1 / 6)}
    assert as_set(v) == {tuple(np.round(p, 8)) for p in expected}
    assert not v.degenerate


@settings(max_examples=80, deadline=None)
@given(payoff_matrices(max_size=5))
def test_pivoting_finds_the_same_vertices_as_brute_force(M):
    M = normalise(M)
    assert as_set(polytope_vertices(M)) == as_set(polytope_vertices_by_bases(M))


def test_batched_solve_flags_singular_systems():
    mats = np.array([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]]])
    x, ok = batched_solve(mats, np.ones((2, 2)))
    np.testing.assert_allclose(x[0], np.linalg.solve(mats[0], [1, 1]))
    assert ok.tolist() == [True, False]


def test_lapack_stack_solve_flags_the_singular_systems_gauss_jordan_flags():
    from sim.solvers.vertex_enumeration import batched_solve, solve_stack

    rng = np.random.default_rng(3)
    mats = rng.uniform(1, 2, (40, 5, 5))
    mats[3, 4] = mats[3, 0]                              # exactly singular
    mats[7, 2] = mats[7, 1] * 2 - mats[7, 0]             # singular up to rounding
    mats[9, 1] = mats[9, 0] + 1e-13                      # nearly singular
    # singular up to rounding, yet LAPACK's solution for most right-hand sides stays small
    # (from a degenerate 14 x 14 game, whose lost equilibria this once cost)
    mats[11] = [[1.5, 1.5, 1.5, 1, 1], [1, 0, 0, 0, 0], [2, 1.5, 1, 1.5, 2],
                [1.5, 2, 2, 1.5, 1], [1.5, 2, 1.5, 2, 2]]
    rhs = rng.uniform(1, 2, (40, 5))
    rhs[11] = [1, 0, 1, 1, 1]
    x, ok = solve_stack(mats, rhs)
    y, ok2 = batched_solve(mats, rhs)
    assert (ok == ok2).all()
    assert not ok[[3, 7, 9, 11]].any()
    assert np.allclose(x[ok], y[ok])
