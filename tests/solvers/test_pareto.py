"""Pareto optimality: textbook cases and the pairwise definition."""

import numpy as np
from hypothesis import given, settings

from sim.solvers.pareto import pareto_mask, pareto_profiles
from tests.games import payoff_matrices


def test_prisoners_dilemma_all_but_mutual_defection():
    A = np.array([[3, 0], [5, 1]], dtype=float)
    assert pareto_profiles(np.stack([A, A.T])) == [(0, 0), (0, 1), (1, 0)]


def test_duplicates_of_optimal_point_are_optimal():
    pts = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    assert pareto_mask(pts).tolist() == [True, True, False]


def _definition(points):
    ge = (points[None] >= points[:, None]).all(axis=2)
    gt = (points[None] > points[:, None]).any(axis=2)
    return ~(ge & gt).any(axis=1)


@settings(max_examples=200, deadline=None)
@given(payoff_matrices(rows=(1, 30), cols=(2, 3), values=(0, 4)))
def test_mask_matches_definition(pts):
    assert pareto_mask(pts).tolist() == _definition(pts).tolist()
