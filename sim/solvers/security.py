r"""Security (maxmin) levels in pure and mixed strategies.

Player *i*'s pure security level is :math:`\max_{s_i} \min_{s_{-i}} u_i(s_i, s_{-i})`: the
payoff it can guarantee whatever the others do. In mixed strategies it is
the value of the zero-sum game with matrix :math:`U_i` (own strategies on rows, the others' pure
profiles on columns),

.. math:: v_i = \max_{x \in \Delta} \min_j (x^\top U_i)_j,

computed by the linear programme :math:`\max v` s.t. :math:`U_i^\top x \ge v \mathbf{1}`,
:math:`\mathbf{1}^\top x = 1`, :math:`x \ge 0` (von Neumann 1928).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import SolverError


@dataclass(frozen=True)
class Security:
    """A player's guaranteed payoff and a strategy that guarantees it."""

    player: int
    pure_level: float
    pure_strategy: int
    mixed_level: float | None = None
    mixed_strategy: np.ndarray | None = None


def _own_axis_first(payoffs: np.ndarray, player: int) -> np.ndarray:
    u = np.moveaxis(payoffs[player], player, 0)
    return u.reshape(u.shape[0], -1)


def maxmin_mixed(U: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Value and optimal mixed strategy of the row player in the zero-sum game ``U``.

    Solves :math:`\max v` s.t. :math:`U^\top x \ge v \mathbf{1}`, :math:`\mathbf{1}^\top x = 1`,
    :math:`x \ge 0` with HiGHS (von Neumann 1928).

    The linear program is solved for :math:`(U - \min U) / (\max U - \min U)`, whose
    entries lie in [0, 1]: maxmin strategies do not change under a positive affine map of
    the payoffs, and payoffs as large as 1e15 would otherwise defeat the solver's
    tolerances.

    Parameters
    ----------
    U : numpy.ndarray
        Shape ``(m, k)``: the row player's payoffs, own strategies on rows.

    Returns
    -------
    value : float
        :math:`\max_x \min_j (x^\top U)_j`.
    strategy : numpy.ndarray
        An optimal mixed strategy :math:`x` (clipped to be non-negative, summing to 1).
    """
    from scipy.optimize import linprog  # lazy: scipy is slow to import

    m, k = U.shape
    lo, span = float(U.min()), float(U.max() - U.min())
    if not span > 0:  # a constant matrix: every strategy guarantees it
        first = np.zeros(m)
        first[0] = 1.0
        return lo, first
    scaled = (U - lo) / span
    # variables (x_1..x_m, v); minimise -v
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-scaled.T, np.ones((k, 1))])  # v - x^T U_j <= 0
    a_eq = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    bounds = [(0, None)] * m + [(None, None)]
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(k), A_eq=a_eq, b_eq=[1.0], bounds=bounds,
                  method="highs")
    if res.x is None:
        msg = f"the security-level linear program failed ({res.status}: no solution)"
        raise SolverError(msg)
    x = np.clip(res.x[:m], 0, None)
    x /= x.sum()
    return float((x @ U).min()), x


def security_levels(payoffs: np.ndarray, *, mixed: bool = True) -> list[Security]:
    r"""Each player's pure and mixed security level.

    The mixed level is :math:`\max_x \min_t x^\top U_i[:, t]` over the others' pure
    profiles *t*: for any number of players, the minimum over the others' independent
    mixtures of a multilinear payoff is attained at a pure profile.

    Parameters
    ----------
    payoffs : array_like
        Shape ``(n, s_1, ..., s_n)``.
    mixed : bool
        Also solve the linear programme for the mixed level (:func:`maxmin_mixed`).

    Returns
    -------
    list of Security
        One per player: the pure level :math:`\max_{s_i} \min_{s_{-i}} u_i` and a strategy
        attaining it, and (with ``mixed``) the mixed level and an optimal mixture.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    out = []
    for i in range(payoffs.shape[0]):
        u = _own_axis_first(payoffs, i)
        worst = u.min(axis=1)
        s = int(np.argmax(worst))
        level, strategy = maxmin_mixed(u) if mixed else (None, None)
        out.append(Security(i, float(worst[s]), s, level, strategy))
    return out
