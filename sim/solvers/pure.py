r"""Pure-strategy Nash equilibria by a vectorised best-response scan.

A pure profile :math:`s` is a Nash equilibrium iff for every player *i*,
:math:`u_i(s) \ge \max_{t_i} u_i(t_i, s_{-i})`. For each player the maximum over its own
axis is one ``numpy.max`` reduction, so the scan costs a few passes over the payoff arrays
and works for any number of players.

References
----------
Nash, J. (1951). Non-cooperative games. *Annals of Mathematics* 54(2), 286-295.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pure_best_response_mask(payoffs: np.ndarray, *, tol: float = 1e-9) -> np.ndarray:
    r"""Boolean array of shape ``payoffs.shape[1:]``: true where every player best-responds.

    ``payoffs`` has shape ``(n, s_1, ..., s_n)``. A payoff within ``tol`` of the best is a
    best response, so ties are kept; ``tol`` is scaled by the largest absolute best-response
    payoff of the player (at least 1), which costs no extra pass over the payoff array (the
    scan reads each payoff twice: one maximum, one comparison).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``: ``payoffs[i]`` is player *i*'s payoff at each profile.
    tol : float
        Relative tolerance for a tie with the best response.

    Returns
    -------
    numpy.ndarray of bool
        Shape ``(s_1, ..., s_n)``; true at :math:`s` iff
        :math:`u_i(s) \ge \max_{t_i} u_i(t_i, s_{-i}) - \varepsilon_i` for every *i*.
    """
    n = payoffs.shape[0]
    mask = None
    for i in range(n):
        best = payoffs[i].max(axis=i, keepdims=True)
        eps = tol * max(1.0, float(np.abs(best).max(initial=0.0)))
        ok = payoffs[i] >= best - eps
        if mask is None:
            mask = ok
        else:
            mask &= ok
    return mask


def pure_nash(payoffs: np.ndarray, *, tol: float = 1e-9) -> list[tuple[int, ...]]:
    """All pure Nash equilibria as index tuples, in lexicographic order.

    Parameters
    ----------
    payoffs : array_like
        Shape ``(n, s_1, ..., s_n)``.
    tol : float
        Relative tolerance for ties (see :func:`pure_best_response_mask`).

    Returns
    -------
    list of tuple of int
        The profiles at which every player best-responds (Nash 1951).
    """
    mask = pure_best_response_mask(np.asarray(payoffs, dtype=float), tol=tol)
    return [tuple(int(x) for x in idx) for idx in np.argwhere(mask)]


def unit_profile(shape: Sequence[int], profile: Sequence[int]) -> tuple[np.ndarray, ...]:
    """One unit vector per player. Each owns its k floats: ``np.eye(k)[s]`` would be a view
    keeping a k x k identity alive per equilibrium (2 GB for a 400 x 400 coordination game)."""
    out = []
    for k, s in zip(shape, profile, strict=True):
        v = np.zeros(k)
        v[s] = 1.0
        out.append(v)
    return tuple(out)
