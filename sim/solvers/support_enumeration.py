r"""Batched support enumeration: equilibria with supports of equal size, all solved at once.

For supports :math:`S` (rows) and :math:`T` (columns) with :math:`|S| = |T| = k`, the
column player's strategy makes every row of :math:`S` equally good and the row player's
makes every column of :math:`T` equally good:

.. math::

    A_{ST}\, y_T = v \mathbf 1,\ \mathbf 1^\top y_T = 1, \qquad
    B_{ST}^\top x_S = u \mathbf 1,\ \mathbf 1^\top x_S = 1.

A pair of non-negative solutions under which no row earns more than *v* and no column more
than *u* is an equilibrium. In a nondegenerate game every equilibrium has supports of equal
size, so this finds them all (Algorithm 3.4 of Nisan et al. 2007, ch. 3); in a degenerate
game it can miss some, and it does not check degeneracy. Every :math:`(S, T)` pair of one
size is solved in one batch (:func:`~sim.solvers.vertex_enumeration.batched_solve`).

References
----------
von Stengel, B. (2007). Equilibrium computation for two-player games in strategic and
extensive form. In Nisan et al. (eds.), *Algorithmic Game Theory*, ch. 3.
"""

from __future__ import annotations

import itertools

import numpy as np

from sim.solvers.vertex_enumeration import batched_solve, normalise

_CHUNK = 400_000
"""Most support pairs solved in one batch."""


def _bordered(M: np.ndarray) -> np.ndarray:
    """Stack of ``[[M, -1], [1, 0]]`` systems for ``M`` of shape ``(N, k, k)``."""
    count, k, _ = M.shape
    out = np.zeros((count, k + 1, k + 1))
    out[:, :k, :k] = M
    out[:, :k, k] = -1.0
    out[:, k, :k] = 1.0
    return out


def support_enumeration(A: np.ndarray, B: np.ndarray, *, tol: float = 1e-9
                        ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Equilibria ``(x, y)`` with supports of equal size (unverified candidates).

    Parameters
    ----------
    A, B : numpy.ndarray
        The row and column players' payoff matrices, shape ``(m, n)``.
    tol : float
        Tolerance for non-negativity and for "no better reply outside the support".

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        Mixed strategy pairs solving the indifference equations of the module's docstring for
        some supports :math:`|S| = |T|`; the caller verifies them
        (:func:`~sim.solvers.verify.is_nash`).
    """
    A = normalise(np.asarray(A, dtype=float))
    B = normalise(np.asarray(B, dtype=float))
    m, n = A.shape
    found = []
    for k in range(1, min(m, n) + 1):
        S = np.array(list(itertools.combinations(range(m), k)), dtype=np.intp)
        T = np.array(list(itertools.combinations(range(n), k)), dtype=np.intp)
        pairs = np.array(list(itertools.product(range(len(S)), range(len(T)))), dtype=np.intp)
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start:start + _CHUNK]
            rows, cols = S[chunk[:, 0]], T[chunk[:, 1]]
            found += _solve_pairs(A, B, rows, cols, tol)
    return found


def _solve_pairs(A: np.ndarray, B: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                 tol: float) -> list[tuple[np.ndarray, np.ndarray]]:
    count, k = rows.shape
    m, n = A.shape
    rhs = np.zeros((count, k + 1))
    rhs[:, k] = 1.0
    sub_a = A[rows[:, :, None], cols[:, None, :]]
    sub_b = B[rows[:, :, None], cols[:, None, :]]
    ys, ok_y = batched_solve(_bordered(sub_a), rhs)
    xs, ok_x = batched_solve(_bordered(np.swapaxes(sub_b, 1, 2)), rhs)
    ok = ok_x & ok_y & (xs[:, :k] >= -tol).all(axis=1) & (ys[:, :k] >= -tol).all(axis=1)
    which = np.flatnonzero(ok)
    x = np.zeros((which.size, m))
    y = np.zeros((which.size, n))
    np.put_along_axis(x, rows[which], np.clip(xs[which, :k], 0.0, None), axis=1)
    np.put_along_axis(y, cols[which], np.clip(ys[which, :k], 0.0, None), axis=1)
    best_rows = (y @ A.T <= ys[which, k:k + 1] + tol * 10).all(axis=1)
    best_cols = (x @ B <= xs[which, k:k + 1] + tol * 10).all(axis=1)
    keep = best_rows & best_cols
    return [(x[i] / x[i].sum(), y[i] / y[i].sum()) for i in np.flatnonzero(keep)]
