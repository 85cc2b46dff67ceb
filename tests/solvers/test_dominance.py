"""Dominance and IESDS on textbook games."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.solvers.dominance import dominated_strategies, iterated_elimination
from sim.solvers.pure import pure_nash


def test_prisoners_dilemma_cooperate_strictly_dominated():
    A = np.array([[3, 0], [5, 1]], dtype=float)
    found = dominated_strategies(np.stack([A, A.T]))
    assert {(d.player, d.strategy, d.by, d.strict) for d in found} == {(0, 0, 1, True),
                                                                         (1, 0, 1, True)}


def test_weak_dominance_reported_as_weak():
    A = np.array([[1, 1], [1, 0]], dtype=float)  # row 1 weakly dominated by row 0
    found = dominated_strategies(np.stack([A, np.zeros((2, 2))]))
    assert [(d.player, d.strategy, d.by, d.strict) for d in found] == [(0, 1, 0, False)]


def test_iesds_textbook_3x3():
    # Gibbons (1992), A Primer in Game Theory, p. 5: IESDS leaves (Up, Middle)
    A = np.array([[1, 1, 0], [0, 0, 2]], dtype=float)
    B = np.array([[0, 2, 1], [3, 1, 0]], dtype=float)
    result = iterated_elimination(np.stack([A, B]))
    assert result.surviving == ((0,), (1,))
    assert [(d.player, d.strategy) for d in result.removed] == [(1, 2), (0, 1), (1, 0)]


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_iesds_never_removes_equilibrium_strategies(m, n, data):
    P = data.draw(arrays(np.int64, (2, m, n), elements=st.integers(0, 9))).astype(float)
    survivors = iterated_elimination(P).surviving
    for s in pure_nash(P):
        assert s[0] in survivors[0]
        assert s[1] in survivors[1]
