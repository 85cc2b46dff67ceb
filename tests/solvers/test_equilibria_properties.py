"""Hypothesis properties of :func:`sim.solvers.equilibria.solve` on small random games.

Payoffs are drawn from a handful of integers so that ties, duplicated strategies and
continua of equilibria are common. The reference is an independent exhaustive enumeration in
rational arithmetic (:func:`sim.solvers.exact.extreme_equilibria`).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.solvers.equilibria as eqm
from sim.solvers import exact as exact_arith
from sim.solvers.equilibria import solve
from sim.solvers.pure import pure_nash
from sim.solvers.verify import is_nash, is_nash_exact
from tests.games import bimatrix_games


def bimatrix(max_size=4, values=(0, 3)):
    return bimatrix_games(max_size=max_size, values=values)


def exact_set(result):
    return {eq.exact_strategies for eq in result.equilibria}


def reference(payoffs):
    pairs, _ = exact_arith.extreme_equilibria(exact_arith.to_fractions(payoffs))
    return {(x, y) for x, y, _, _ in pairs}


@settings(max_examples=150, deadline=None)
@given(bimatrix())
def test_float_enumeration_matches_exact_reference(payoffs):
    expected = sorted(reference(payoffs))
    result = solve(payoffs)
    found = sorted(tuple(tuple(Fraction(p).limit_denominator(1000) for p in s)
                         for s in eq.strategies) for eq in result.equilibria)
    assert found == expected
    assert result.complete
    for eq in result.equilibria:
        assert is_nash(payoffs, eq.strategies, tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(bimatrix(max_size=5, values=(-2, 2)))
def test_every_reported_profile_is_an_equilibrium_in_exact_arithmetic(payoffs):
    result = solve(payoffs, exact=True)
    game = exact_arith.to_fractions(payoffs)
    assert result.exact
    for eq in result.equilibria:
        assert is_nash_exact(game, eq.exact_strategies)
        assert eq.exact_payoffs == exact_arith.expected_payoffs(game, eq.exact_strategies)


@settings(max_examples=60, deadline=None)
@given(bimatrix(), st.randoms(use_true_random=False))
def test_invariant_under_permuting_strategies(payoffs, rnd):
    m, n = payoffs.shape[1:]
    rows, cols = list(range(m)), list(range(n))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    permuted = payoffs[:, rows][:, :, cols]
    before = exact_set(solve(payoffs, exact=True))
    after = {(tuple(x[rows.index(i)] for i in range(m)), tuple(y[cols.index(j)] for j in range(n)))
             for x, y in exact_set(solve(permuted, exact=True))}
    assert after == before


@settings(max_examples=60, deadline=None)
@given(bimatrix(), st.integers(1, 7), st.integers(-5, 5), st.integers(1, 4), st.integers(-9, 9))
def test_invariant_under_positive_affine_transformations(payoffs, a, b, c, d):
    transformed = payoffs.copy()
    transformed[0] = a * payoffs[0] + b
    transformed[1] = payoffs[1] / c + d
    # the exact game is the exact transform (payoffs[1] / 3 is not a float exactly)
    exact = [[[Fraction(int(v)) * a + b for v in row] for row in payoffs[0]],
             [[Fraction(int(v), c) + d for v in row] for row in payoffs[1]]]
    got = exact_set(solve(transformed, exact=True, exact_payoffs=exact))
    assert got == exact_set(solve(payoffs, exact=True))


@settings(max_examples=100, deadline=None)
@given(bimatrix(max_size=5))
def test_pure_equilibria_are_among_the_reported(payoffs):
    result = solve(payoffs)
    reported = {tuple(int(np.argmax(s)) for s in eq.strategies)
                for eq in result.equilibria if all(s.max() == 1.0 for s in eq.strategies)}
    assert set(pure_nash(payoffs)) <= reported


@settings(max_examples=40, deadline=None)
@given(bimatrix(max_size=4, values=(0, 2)))
def test_float_then_exact_path_agrees_with_rational_enumeration(payoffs):
    full = solve(payoffs, exact=True)
    original = eqm.EXACT_ENUMERATION_LIMIT
    try:
        eqm.EXACT_ENUMERATION_LIMIT = 0
        repaired = solve(payoffs, exact=True)
    finally:
        eqm.EXACT_ENUMERATION_LIMIT = original
    assert exact_set(repaired) == exact_set(full)
    assert repaired.components == full.components
    assert repaired.degenerate == full.degenerate


@settings(max_examples=40, deadline=None)
@given(bimatrix(max_size=4))
def test_components_partition_the_equilibria(payoffs):
    result = solve(payoffs)
    flat = sorted(i for comp in result.components for i in comp)
    assert flat == list(range(len(result.equilibria)))
    for c, comp in enumerate(result.components):
        assert all(result.equilibria[i].component == c for i in comp)


def test_a_pure_equilibrium_found_by_a_linear_solve_reads_as_pure():
    # a degenerate game whose pure equilibrium (1, 0) came back as (8e-17, 1 - 1e-16, 0)
    A = np.array([[1, 1], [1, 2], [0, 1]], dtype=float)
    B = np.array([[0, 2], [1, 0], [0, 2]], dtype=float)
    rows = [eq.strategies[0].tolist() for eq in solve(np.array([A, B])).equilibria
            if eq.strategies[1].tolist() == [1.0, 0.0]]
    assert [0.0, 1.0, 0.0] in rows
