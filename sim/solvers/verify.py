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
    r"""``tol`` scaled by the largest absolute payoff (at least 1).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Any payoff array.
    tol : float
        The relative tolerance.

    Returns
    -------
    float
        :math:`\varepsilon = tol \cdot \max(1, \max |u|)`, so a check means the same for payoffs
        in dollars and in billions.
    """
    arr = np.asarray(payoffs, dtype=float)
    # max |a| as max(max a, -min a): two reductions, no temporary array of the game's size
    return float(tol * max(1.0, float(arr.max(initial=0.0)), -float(arr.min(initial=0.0))))


def is_best_response(
    payoff: np.ndarray, own: np.ndarray, against: np.ndarray, *, tol: float = 1e-9
) -> bool:
    r"""Is the mixed strategy ``own`` a best response to ``against``?

    ``payoff`` is the player's payoff matrix with its own strategies on the rows
    (``A`` for the row player, ``B.T`` for the column player).

    Parameters
    ----------
    payoff : numpy.ndarray
        Shape ``(m, n)``: own strategies on rows.
    own : numpy.ndarray
        The player's mixed strategy, length ``m``.
    against : numpy.ndarray
        The other's mixed strategy, length ``n``.
    tol : float
        Relative tolerance (:func:`scaled_tol`).

    Returns
    -------
    bool
        :math:`x^\top U y \ge \max_i (U y)_i - \varepsilon`: no pure strategy, hence no mixed
        one, earns more.
    """
    values = payoff @ against
    eps = scaled_tol(payoff, tol)
    return bool(own @ values >= values.max() - eps)


def is_probability_vector(x: np.ndarray, *, tol: float = 1e-9) -> bool:
    r"""Non-negative entries summing to one (within ``tol``).

    Parameters
    ----------
    x : numpy.ndarray
        A candidate mixed strategy.
    tol : float
        Absolute tolerance.

    Returns
    -------
    bool
        :math:`x \ge -tol` and :math:`|\mathbf 1^\top x - 1| \le tol`.
    """
    x = np.asarray(x, dtype=float)
    return bool(x.ndim == 1 and (x >= -tol).all() and abs(x.sum() - 1.0) <= tol * max(1, x.size))


def is_equilibrium(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray,
                   *, tol: float = 1e-9) -> bool:
    """Is ``(x, y)`` a Nash equilibrium of the bimatrix game ``(A, B)``?

    Parameters
    ----------
    A, B : numpy.ndarray
        The row and column players' payoff matrices.
    x, y : numpy.ndarray
        The row and column players' mixed strategies.
    tol : float
        Relative tolerance.

    Returns
    -------
    bool
        Both are probability vectors and each is a best response to the other
        (:func:`is_best_response`; Nash 1951).
    """
    return (is_probability_vector(x, tol=tol) and is_probability_vector(y, tol=tol)
            and is_best_response(A, x, y, tol=tol) and is_best_response(B.T, y, x, tol=tol))


def is_nash(payoffs: np.ndarray, strategies: tuple[np.ndarray, ...], *, tol: float = 1e-9) -> bool:
    r"""Is the mixed profile ``strategies`` a Nash equilibrium of the ``n``-player game?

    ``payoffs`` has shape ``(n, s_1, ..., s_n)``. Player *i*'s pure-strategy values
    :math:`v_i = u_i(\cdot, \sigma_{-i})` are contracted from the payoff tensor; the profile is
    an equilibrium iff every :math:`\sigma_i` is a probability vector and
    :math:`\sigma_i \cdot v_i \ge \max v_i - \varepsilon` with ``tol`` scaled as in
    :func:`scaled_tol`.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``.
    strategies : tuple of numpy.ndarray
        One mixed strategy per player.
    tol : float
        Relative tolerance.

    Returns
    -------
    bool
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
    r"""Expected payoff of each pure strategy of ``player`` against the others' mixed strategies.

    Parameters
    ----------
    payoff : numpy.ndarray
        The player's payoffs, shape ``(s_1, ..., s_n)``.
    strategies : tuple of numpy.ndarray
        Every player's mixed strategy (the player's own is ignored).
    player : int
        Whose pure strategies are valued.

    Returns
    -------
    numpy.ndarray
        :math:`v_i(s_i) = \sum_{s_{-i}} u_i(s_i, s_{-i}) \prod_{k \ne i} \sigma_k(s_k)`, one per
        pure strategy of ``player``.
    """
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

    Parameters
    ----------
    payoffs : pair of nested sequences of Fraction
        ``(A, B)``.
    strategies : pair of sequences of Fraction
        ``(x, y)``.

    Returns
    -------
    bool
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


def tidy_distribution(s: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    r"""A probability vector with floating-point dust removed.

    Linear solves return :math:`8 \cdot 10^{-17}` where the exact answer is 0 and
    :math:`1 - 2^{-53}` where it is 1, so a pure equilibrium would not read as pure.
    Entries with :math:`|s_k| \le tol` are set to 0 and the rest rescaled to sum to 1; a
    distribution with one remaining entry is then exactly a unit vector.

    Parameters
    ----------
    s : numpy.ndarray
        A probability vector (non-negative up to rounding, summing to 1 up to rounding).
    tol : float
        Entries at most this large in absolute value are zeroed.

    Returns
    -------
    numpy.ndarray
        The tidied vector, a new array.
    """
    out = np.where(np.abs(s) <= tol, 0.0, np.asarray(s, dtype=float))
    total = out.sum()
    return out / total if total > 0 else out
