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
    # max |a| as max(max a, -min a): two reductions, no temporary array of the game's size
    return float(tol * max(1.0, float(arr.max(initial=0.0)), -float(arr.min(initial=0.0))))


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


def is_nash(payoffs: np.ndarray, strategies: tuple[np.ndarray, ...], *, tol: float = 1e-9) -> bool:
    r"""Is the mixed profile ``strategies`` a Nash equilibrium of the ``n``-player game?

    ``payoffs`` has shape ``(n, s_1, ..., s_n)``. Player *i*'s pure-strategy values
    :math:`v_i = u_i(\cdot, \sigma_{-i})` are contracted from the payoff tensor; the profile is
    an equilibrium iff every :math:`\sigma_i` is a probability vector and
    :math:`\sigma_i \cdot v_i \ge \max v_i - \varepsilon` with ``tol`` scaled as in
    :func:`scaled_tol`.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    if not all(is_probability_vector(s, tol=tol) for s in strategies):
        return False
    eps = scaled_tol(payoffs, tol)
    for i, own in enumerate(strategies):
        values = pure_values(payoffs[i], strategies, i)
        if own @ values < values.max() - eps:
            return False
    return True


def pure_values(payoff: np.ndarray, strategies: tuple[np.ndarray, ...], player: int) -> np.ndarray:
    """Expected payoff of each pure strategy of ``player`` against the others' mixed strategies."""
    values = payoff
    for j in reversed(range(len(strategies))):
        if j != player:
            values = np.tensordot(values, strategies[j], axes=([j], [0]))
    return values


def is_nash_exact(payoffs, strategies) -> bool:
    """Exact (rational) version of :func:`is_nash` for a two-player game.

    ``payoffs`` is a pair of nested sequences of :class:`fractions.Fraction` (``A``, ``B``),
    ``strategies`` a pair of tuples of Fractions. No tolerance: every probability is
    non-negative, each vector sums to exactly 1, and each player's expected payoff equals the
    maximum over its pure strategies.
    """
    A, B = payoffs
    x, y = strategies
    if any(p < 0 for p in (*x, *y)) or sum(x) != 1 or sum(y) != 1:
        return False
    row_values = [sum(a * q for a, q in zip(row, y, strict=True)) for row in A]
    col_values = [sum(B[i][j] * x[i] for i in range(len(x))) for j in range(len(y))]
    own_row = sum(p * v for p, v in zip(x, row_values, strict=True))
    own_col = sum(q * v for q, v in zip(y, col_values, strict=True))
    return own_row == max(row_values) and own_col == max(col_values)
