r"""Outside options in axiomatic bargaining: sweeps and the levels where they matter.

An outside option :math:`o_i` raises the disagreement payoff to :math:`\max(d_i, o_i)`
(:func:`sim.solvers.bargaining.with_outside_options`); these functions follow the
solutions of :mod:`sim.solvers.bargaining` as the option rises.

References
----------
Binmore, K., Shaked, A., Sutton, J. (1989). An outside option experiment. *QJE* 104(4).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.solvers.bargaining import SOLUTIONS, PayoffSpace, clip_frontier, solve_bargaining

FloatArray = np.ndarray


def outside_option_sweep(space: PayoffSpace, d: FloatArray, player: int,
                         values: Sequence[float]) -> dict[str, FloatArray]:
    r"""Each solution's payoffs as ``player``'s outside option runs over ``values``.

    Returns arrays of shape ``(len(values), 2)`` per solution name (NaN where no deal
    improves on the raised disagreement point).

    Parameters
    ----------
    space : PayoffSpace
        The pure payoff pairs and their frontier (:func:`~sim.solvers.bargaining.payoff_space`).
    d : numpy.ndarray
        The disagreement point before the option.
    player : int
        Whose outside option :math:`o_i` varies; it raises :math:`d_i` to :math:`\max(d_i, o_i)`.
    values : sequence of float
        The option levels.

    Returns
    -------
    dict of str to numpy.ndarray
        Per axiomatic solution (Nash 1950, Kalai and Smorodinsky 1975, egalitarian,
        utilitarian), its payoffs over the raised point :math:`(\max(d_i, o_i), d_j)`.
    """
    out = {name: np.full((len(values), 2), np.nan) for name in SOLUTIONS}
    for k, o in enumerate(values):
        dk = np.asarray(d, dtype=float).copy()
        dk[player] = max(dk[player], float(o))
        result = solve_bargaining(space, dk)
        for name, sol in result.solutions.items():
            out[name][k] = sol.payoffs
    return out


def option_thresholds(space: PayoffSpace, d: FloatArray, player: int) -> tuple[float, float]:
    r"""Outside-option levels where the option starts to bind and where no deal remains.

    The option binds on the axiomatic solutions as soon as it exceeds :math:`d_i`; no deal
    remains once it exceeds the most player ``i`` can get on the frontier while the other
    keeps at least its disagreement payoff.

    Parameters
    ----------
    space : PayoffSpace
        The pure payoff pairs and their frontier (:func:`~sim.solvers.bargaining.payoff_space`).
    d : numpy.ndarray
        The disagreement point before the option.
    player : int
        Whose outside option :math:`o_i` varies; it raises :math:`d_i` to :math:`\max(d_i, o_i)`.

    Returns
    -------
    binds : float
        :math:`d_i`.
    no_deal : float
        :math:`\max \{u_i : u \in F, u_j \ge d_j\}` over the frontier :math:`F` (``nan`` when
        no frontier point gives the other its disagreement payoff).
    """
    other = 1 - player
    floor = np.full(2, -np.inf)
    floor[other] = d[other]
    front = clip_frontier(space.frontier, floor, eps=space.tol)
    best = float(front[:, player].max()) if front is not None else float("nan")
    return float(d[player]), best


def option_moves_solution(space: PayoffSpace, d: FloatArray, player: int, name: str = "nash",
                          *, iterations: int = 60) -> float:
    r"""Lowest outside-option level of ``player`` at which solution ``name`` starts to move.

    Raising :math:`d_i` moves a solution towards player *i* (weakly, monotonically), so the
    level is found by bisection between :math:`d_i` and the no-deal level. A solution that
    sits on a frontier vertex stays put for a while: the option *binds* (raises
    :math:`d_i`) from :math:`d_i` on but *moves the deal* only from the returned level.
    ``nan`` when it never moves before no deal remains.

    Parameters
    ----------
    space : PayoffSpace
        The pure payoff pairs and their frontier (:func:`~sim.solvers.bargaining.payoff_space`).
    d : numpy.ndarray
        The disagreement point before the option.
    player : int
        Whose outside option :math:`o_i` varies; it raises :math:`d_i` to :math:`\max(d_i, o_i)`.
    name : str
        The solution (a key of :func:`~sim.solvers.bargaining.solve_bargaining`'s solutions).
    iterations : int
        Bisection steps (each halves the interval).

    Returns
    -------
    float
        The level above which the solution's payoffs change, or ``nan``.
    """
    d = np.asarray(d, dtype=float)
    lo, hi = option_thresholds(space, d, player)
    start = solve_bargaining(space, d)
    if not start.feasible:
        return float("nan")
    base = start.solutions[name].payoffs

    def moved(o: float) -> bool:
        dk = d.copy()
        dk[player] = o
        result = solve_bargaining(space, dk)
        return (not result.feasible or
                bool(np.any(np.abs(result.solutions[name].payoffs - base) > space.tol)))

    if not np.isfinite(hi) or not moved(hi):
        return float("nan")
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if moved(mid):
            hi = mid
        else:
            lo = mid
    return float(hi)
