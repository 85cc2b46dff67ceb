"""Pure-strategy scan: textbook games and agreement with a brute-force definition."""

import itertools

import numpy as np
from hypothesis import given, settings

from sim.solvers.pure import pure_nash
from tests.games import bimatrix_games


def test_prisoners_dilemma_unique_defect_defect():
    # T=5, R=3, P=1, S=0 (Axelrod 1984); strategies (cooperate, defect)
    A = np.array([[3, 0], [5, 1]])
    assert pure_nash(np.stack([A, A.T])) == [(1, 1)]


def test_battle_of_the_sexes_two_pure():
    A = np.array([[2, 0], [0, 1]])
    B = np.array([[1, 0], [0, 2]])
    assert pure_nash(np.stack([A, B])) == [(0, 0), (1, 1)]


def test_matching_pennies_has_none():
    A = np.array([[1, -1], [-1, 1]])
    assert pure_nash(np.stack([A, -A])) == []


def test_ties_are_kept():
    A = np.zeros((2, 3))
    assert len(pure_nash(np.stack([A, A]))) == 6


def test_three_player_coordination():
    # every player gets 1 if all choose the same action, else 0: two pure equilibria
    u = np.zeros((2, 2, 2))
    u[0, 0, 0] = u[1, 1, 1] = 1
    assert pure_nash(np.stack([u, u, u])) == [(0, 0, 0), (1, 1, 1)]


def _brute_force(payoffs):
    n = payoffs.shape[0]
    out = []
    for s in itertools.product(*(range(k) for k in payoffs.shape[1:])):
        ok = True
        for i in range(n):
            for t in range(payoffs.shape[1 + i]):
                dev = list(s)
                dev[i] = t
                if payoffs[i][tuple(dev)] > payoffs[i][s]:
                    ok = False
        if ok:
            out.append(s)
    return out


@settings(max_examples=200, deadline=None)
@given(bimatrix_games(max_size=4, values=(-3, 3)))
def test_scan_matches_definition(A):
    assert pure_nash(A) == _brute_force(A)
