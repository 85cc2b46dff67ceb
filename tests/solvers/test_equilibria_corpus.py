"""A fixed corpus of 116 two-player games against exact answers.

Named games from textbooks and other libraries' issue trackers, games with duplicated
strategies, and seeded random games (payoffs 0..2, where ties and continua abound, and
0..99). The exact answer of each is the set of extreme equilibria found by exhaustive rational
enumeration (:func:`sim.solvers.exact.extreme_equilibria`: every support and set of best
responses solved in Fractions), an algorithm independent of the pivoting search that
``solve`` uses in floating point. Both the floating-point result and the float-then-exact
path must equal it, with the same components.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim.solvers.equilibria as eqm
from sim.solvers import exact as exact_arith
from sim.solvers.equilibria import solve

NAMED = {
    "prisoners-dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "matching-pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),
    "battle-of-the-sexes": ([[2, 0], [0, 1]], [[1, 0], [0, 2]]),
    "chicken": ([[0, -1], [1, -10]], [[0, 1], [-1, -10]]),
    "stag-hunt": ([[4, 1], [3, 3]], [[4, 3], [1, 3]]),
    "coordination-3x3": ([[1, 0, 0], [0, 2, 0], [0, 0, 3]], [[1, 0, 0], [0, 2, 0], [0, 0, 3]]),
    "rock-paper-scissors": ([[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
                            [[0, 1, -1], [-1, 0, 1], [1, -1, 0]]),
    "shapley-1964": ([[0, 1, 0], [0, 0, 1], [1, 0, 0]], [[0, 0, 1], [1, 0, 0], [0, 1, 0]]),
    "von-stengel-3x2": ([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]),
    "von-stengel-3x2-continuum": ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]),
    "quantecon-pr421": ([[0, 6], [2, 5], [3, 3]], [[3, 1], [2, 6], [3, 3]]),
    "all-zero-2x2": ([[0, 0], [0, 0]], [[0, 0], [0, 0]]),
    "all-zero-3x2": ([[0, 0], [0, 0], [0, 0]], [[0, 0], [0, 0], [0, 0]]),
    "weakly-dominated": ([[1, 1], [0, 1]], [[1, 1], [0, 0]]),
    "nashpy-82": ([[0, 0, -6, 0, 0], [0, 0, -3, -2, -1], [-4, -3, 0, 0, -1]],
                  [[-3, 0, -2, -1, 0], [0, -2, 0, 0, -4], [-4, 0, -2, -4, -4]]),
    "nashpy-222": ([[-3, 3], [-3, 5]], [[2, 7], [4, 2]]),
    "nashpy-39": ([[0, 1, 0, -1], [-1, 0, 1, 1], [0, -1, 0, 1], [1, -1, -1, 0]],
                  [[0, -1, 0, 1], [1, 0, -1, -1], [0, 1, 0, -1], [-1, 1, 1, 0]]),
    "nashpy-41": ([[0, -1, 1, 1], [1, 0, -1, -1], [-1, 1, 0, -1], [-1, 1, 1, 0]],
                  [[0, 1, -1, -1], [-1, 0, 1, 1], [1, -1, 0, 1], [1, -1, -1, 0]]),
    "nashpy-60": ([[-100, 0, 0, -100], [0, 0, 0, -100], [-100, 0, 0, 0], [0, 0, 0, -50]],
                  [[100, 0, 0, 100], [0, 0, 0, 100], [100, 0, 0, 0], [0, 0, 0, 50]]),
    "nashpy-231": ([[0, -1, -1, -1, 1, -1], [1, 0, 1, -1, -1, -1], [1, -1, 0, -1, -1, 1],
                    [1, 1, 1, 0, -1, -1], [-1, 1, 1, 1, 0, -1], [1, 1, -1, 1, 1, 0]],
                   [[0, 1, 1, 1, -1, 1], [-1, 0, -1, 1, 1, 1], [-1, 1, 0, 1, 1, -1],
                    [-1, -1, -1, 0, 1, 1], [1, -1, -1, -1, 0, 1], [-1, -1, 1, -1, -1, 0]]),
}


def _corpus() -> dict[str, np.ndarray]:
    games = {name: np.array([A, B], dtype=float) for name, (A, B) in NAMED.items()}
    rng = np.random.default_rng(20250609)
    for k in range(40):
        m, n = rng.integers(2, 6, size=2)
        games[f"ties-{k}"] = rng.integers(0, 3, size=(2, m, n)).astype(float)
    for k in range(40):
        m, n = rng.integers(2, 6, size=2)
        games[f"random-{k}"] = rng.integers(0, 100, size=(2, m, n)).astype(float)
    for k in range(16):
        m, n = rng.integers(2, 4, size=2)
        base = rng.integers(0, 10, size=(2, m, n))
        if k % 2:
            base = np.concatenate([base, base[:, :1]], axis=1)      # a duplicated row
        else:
            base = np.concatenate([base, base[:, :, :1]], axis=2)   # a duplicated column
        games[f"duplicated-{k}"] = base.astype(float)
    return games


CORPUS = _corpus()


def test_corpus_size():
    assert len(CORPUS) > 100


def reference(payoffs):
    pairs, degenerate = exact_arith.extreme_equilibria(exact_arith.to_fractions(payoffs))
    return {(x, y) for x, y, _, _ in pairs}, degenerate


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_game_against_exact_answer(name, monkeypatch):
    payoffs = CORPUS[name]
    expected, degenerate = reference(payoffs)
    floating = solve(payoffs)
    assert floating.complete
    assert floating.degenerate == degenerate
    assert len(floating.equilibria) == len(expected)
    exact_points = [np.array([float(p) for s in eq for p in s]) for eq in expected]
    for eq in floating.equilibria:
        flat = np.concatenate(eq.strategies)
        assert min(np.abs(flat - e).max() for e in exact_points) < 1e-9
    monkeypatch.setattr(eqm, "EXACT_ENUMERATION_LIMIT", 0)   # float search, then exact
    repaired = solve(payoffs, exact=True)
    assert {eq.exact_strategies for eq in repaired.equilibria} == expected
    assert repaired.components == floating.components
