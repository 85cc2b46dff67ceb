r"""Checking candidate equilibria with an explicit, scaled tolerance.

A mixed profile :math:`(x, y)` of the bimatrix game :math:`(A, B)` is a Nash equilibrium iff
:math:`x^\top A y \ge \max_i (A y)_i - \varepsilon` and
:math:`x^\top B y \ge \max_j (x^\top B)_j - \varepsilon`, with
:math:`\varepsilon = \text{tol} \cdot \max(1, \max|A|, \max|B|)` so that the test does not
depend on the payoffs' units (comparing floats exactly, as some libraries do, misses
equilibria that are correct up to rounding).
"""

from __future__ import annotations

import numpy as np


def scaled_tol(payoffs: np.ndarray, tol: float) -> float:
    """``tol`` scaled by the largest absolute payoff (at least 1)."""
    arr = np.asarray(payoffs, dtype=float)
    return float(tol * max(1.0, float(np.abs(arr).max(initial=0.0))))


def is_best_response(
    payoff: np.ndarray, own: np.ndarray, against: np.ndarray, *, tol: float = 1e-9
) -> bool:
    """Is the mixed strategy ``own`` a best response to ``against``?

    ``payoff`` is the player's payoff matrix with its own strategies on the rows
    (``A`` for the row player, ``B.T`` for the column player).
    """
    values = payoff @ against
    eps = scaled_tol(payoff, tol)
    return bool(own @ values >= values.max() - eps)


def is_probability_vector(x: np.ndarray, *, tol: float = 1e-9) -> bool:
    """Non-negative entries summing to one (within ``tol``)."""
    x = np.asarray(x, dtype=float)
    return bool(x.ndim == 1 and (x >= -tol).all() and abs(x.sum() - 1.0) <= tol * max(1, x.size))


def is_equilibrium(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                   *, tol: float = 1e-9) -> bool:
    """Is ``(x, y)`` a Nash equilibrium of the bimatrix game ``(A, B)``?"""
    return (is_probability_vector(x, tol=tol) and is_probability_vector(y, tol=tol)
            and is_best_response(A, x, y, tol=tol) and is_best_response(B.T, y, x, tol=tol))
