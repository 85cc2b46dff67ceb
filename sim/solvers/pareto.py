r"""Pareto-optimal pure strategy profiles.

A profile :math:`s` is **Pareto optimal** among the pure profiles iff no profile :math:`t`
has :math:`u_i(t) \ge u_i(s)` for every player with strict inequality for some player.
The check compares every pair of profiles in blocks, so memory stays bounded.
"""

from __future__ import annotations

import numpy as np

from sim.solvers.verify import scaled_tol

_BLOCK = 2048


def pareto_mask(points: np.ndarray, *, tol: float = 1e-9) -> np.ndarray:
    r"""For payoff vectors ``points`` of shape ``(m, n)``, true where no other point dominates.

    Parameters
    ----------
    points : array_like
        Shape ``(m, n)``: ``m`` payoff vectors of ``n`` players.
    tol : float
        Tolerance, scaled by the largest absolute payoff (:func:`~sim.solvers.verify.scaled_tol`).

    Returns
    -------
    numpy.ndarray of bool
        Shape ``(m,)``; false at :math:`k` iff some point :math:`j` has
        :math:`u_j \ge u_k - \varepsilon` in every coordinate and :math:`u_j > u_k + \varepsilon`
        in one.
    """
    points = np.asarray(points, dtype=float)
    eps = scaled_tol(points, tol)
    m = points.shape[0]
    if points.shape[1] == 2:
        return _pareto_2d(points, eps)
    keep = np.ones(m, dtype=bool)
    for start in range(0, m, _BLOCK):
        block = points[start:start + _BLOCK]
        ge = (points[None, :, :] >= block[:, None, :] - eps).all(axis=2)
        gt = (points[None, :, :] > block[:, None, :] + eps).any(axis=2)
        keep[start:start + _BLOCK] = ~(ge & gt).any(axis=1)
    return keep


def _pareto_2d(points: np.ndarray, eps: float) -> np.ndarray:
    """Two players: sort by (u_1 desc, u_2 desc) and sweep, :math:`O(m \\log m)`.

    Point *k* is dominated iff some point with :math:`u_1 \\ge u_{1k} - \\varepsilon` has
    :math:`u_2 \\ge u_{2k} - \\varepsilon` and is better by more than ε in one of them. With
    ε = 0 this is exact; with ε > 0 near-ties are compared with the tolerance pairwise among
    the candidates that survive the exact sweep.
    """
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    best2 = np.maximum.accumulate(points[order, 1])
    prev = np.concatenate([[-np.inf], best2[:-1]])
    candidate = np.zeros(points.shape[0], dtype=bool)
    candidate[order] = points[order, 1] > prev  # strictly better u_2 than every point before
    idx = np.flatnonzero(candidate)
    sub = points[idx]
    ge = (sub[None, :, :] >= sub[:, None, :] - eps).all(axis=2)
    gt = (sub[None, :, :] > sub[:, None, :] + eps).any(axis=2)
    keep = np.zeros(points.shape[0], dtype=bool)
    keep[idx] = ~(ge & gt).any(axis=1)
    # points equal (within eps) to a kept point are Pareto optimal too
    kept = points[keep]
    for start in range(0, points.shape[0], _BLOCK):
        block = points[start:start + _BLOCK]
        same = (np.abs(block[:, None, :] - kept[None, :, :]) <= eps).all(axis=2).any(axis=1)
        keep[start:start + _BLOCK] |= same
    return keep


def pareto_profiles(payoffs: np.ndarray, *, tol: float = 1e-9) -> list[tuple[int, ...]]:
    """Index tuples of the Pareto-optimal pure profiles of a game, in lexicographic order.

    Parameters
    ----------
    payoffs : array_like
        Shape ``(n, s_1, ..., s_n)``.
    tol : float
        Tolerance of :func:`pareto_mask`.

    Returns
    -------
    list of tuple of int
        The pure profiles whose payoff vector no other pure profile Pareto-dominates.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    shape = payoffs.shape[1:]
    points = payoffs.reshape(payoffs.shape[0], -1).T
    return [tuple(int(x) for x in np.unravel_index(k, shape))
            for k in np.flatnonzero(pareto_mask(points, tol=tol))]
