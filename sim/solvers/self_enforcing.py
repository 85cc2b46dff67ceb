r"""Most cooperative self-enforcing profiles of a repeated continuous game (Bagwell-Staiger)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from sim.errors import InputError
from sim.solvers.continuous import (
    Action,
    ActionProfile,
    ContinuousGame,
    FloatArray,
    best_response,
    grid_profile,
    interval_slots,
    product_payoffs,
    with_intervals,
)

# --------------------------------------------------------------------------- self-enforcing


@dataclass(frozen=True)
class CooperativeLevels:
    r"""The most cooperative self-enforcing profile at one discount factor.

    It maximises the joint payoff :math:`\sum_i u_i(a)` subject to, for every player,
    :math:`u_i(a) \ge (1-\delta)\,D_i(a_{-i}) + \delta P_i` with
    :math:`D_i(a_{-i}) = \max_x u_i(x, a_{-i})` (one-shot deviation, then punishment
    :math:`P_i` forever: grim trigger).
    """

    delta: float
    profile: ActionProfile
    payoffs: FloatArray
    deviation_gain: FloatArray  # D_i - u_i at the profile
    slack: FloatArray  # u_i - (1-delta) D_i - delta P_i  (>= 0 up to tolerance)


def cooperation_path(
    game: ContinuousGame,
    deltas: Sequence[float],
    punishment: Sequence[float],
    *,
    grid: int = 41,
    br_grid: int = 201,
    tol: float = 1e-7,
) -> tuple[CooperativeLevels, ...]:
    r"""Most cooperative self-enforcing profiles for each discount factor in ``deltas``.

    The repeated game of Bagwell and Staiger (1990): the profiles sustainable by the threat
    of reverting to a punishment with payoffs ``punishment`` (for instance a Nash
    equilibrium's) are those where each player's one-period gain from deviating,
    :math:`D_i - u_i`, is at most :math:`\frac{\delta}{1-\delta}(u_i - P_i)`; among them the
    joint-payoff maximiser. Found on the product grid (the deviation payoffs
    :math:`D_i(a_{-i})` computed once per grid point of the others and reused for every δ),
    then refined with SLSQP on the interval coordinates with the incentive constraints.
    As δ rises the constraints relax, so the levels move toward the joint optimum.

    References
    ----------
    Bagwell, K. and Staiger, R. W. (1990). A theory of managed trade. *American Economic
    Review* 80(4), 779-795.
    Bagwell, K. and Staiger, R. W. (2002). *The Economics of the World Trading System*,
    ch. 6. MIT Press.
    """
    if game.n != 2:
        msg = "most cooperative self-enforcing levels are computed for two players"
        raise InputError(msg)
    for d in deltas:
        if not 0 <= d < 1:
            msg = f"a discount factor must be in [0, 1), got {d}"
            raise InputError(msg)
    u, grids = product_payoffs(game, grid)
    punish = np.asarray(punishment, dtype=float)
    dev = np.empty_like(u)
    for i in range(2):
        j = 1 - i
        best = np.empty(u.shape[1 + j])
        for k in range(u.shape[1 + j]):
            prof = [_first(grids, 0), _first(grids, 1)]
            prof[j] = tuple(float(x[k]) for x in grids[j])
            best[k] = best_response(game, i, tuple(prof), grid=br_grid).value
        shape = [1, 1]
        shape[j] = -1
        dev[i] = np.maximum(best.reshape(shape), u[i])
    return tuple(_cooperative_at(game, d, u, dev, grids, punish, br_grid, tol) for d in deltas)


def _first(grids: list[list[FloatArray]], i: int) -> Action:
    """Player *i*'s first grid action (a placeholder its best response ignores)."""
    return tuple(float(x[0]) for x in grids[i])


def _cooperative_at(
    game: ContinuousGame,
    delta: float,
    u: FloatArray,
    dev: FloatArray,
    grids: list[list[FloatArray]],
    punish: FloatArray,
    br_grid: int,
    tol: float,
) -> CooperativeLevels:
    eps = tol * max(1.0, float(np.abs(u).max()))
    slack = u - (1 - delta) * dev - delta * punish.reshape(2, 1, 1)
    feasible = (slack >= -eps).all(axis=0)
    # the best feasible grid profile; if none (e.g. delta = 0 with the equilibrium between
    # grid points), the least infeasible one, for SLSQP to repair
    score = np.where(feasible, u.sum(axis=0), -np.inf) if feasible.any() else slack.min(axis=0)
    k = np.unravel_index(int(np.argmax(score)), score.shape)
    start = grid_profile(grids, k)
    best = _refine_cooperative(game, delta, start, punish, br_grid, eps)
    return _levels(game, delta, best, punish, br_grid)


def _constraint_slack(
    game: ContinuousGame, delta: float, profile: ActionProfile, punish: FloatArray, br_grid: int
) -> tuple[FloatArray, FloatArray]:
    u = game.payoffs(profile)
    dev = np.array(
        [max(best_response(game, i, profile, grid=br_grid).value, u[i]) for i in range(2)]
    )
    return u - (1 - delta) * dev - delta * punish, dev - u


def _refine_cooperative(
    game: ContinuousGame,
    delta: float,
    start: ActionProfile,
    punish: FloatArray,
    br_grid: int,
    eps: float,
) -> ActionProfile:
    slots = interval_slots(game)
    if not slots:
        return start
    bounds = [(game.coordinates[i][c].lo, game.coordinates[i][c].hi) for i, c in slots]
    z0 = np.array([start[i][c] for i, c in slots])

    def objective(z: FloatArray) -> float:
        return -float(game.payoffs(with_intervals(start, slots, z, game)).sum())

    def constraints(z: FloatArray) -> FloatArray:
        return _constraint_slack(
            game, delta, with_intervals(start, slots, z, game), punish, br_grid
        )[0]

    res = minimize(
        objective,
        z0,
        method="SLSQP",
        bounds=bounds,
        constraints=[{"type": "ineq", "fun": constraints}],
        options={"ftol": 1e-12, "maxiter": 200},
    )
    cand = with_intervals(start, slots, res.x, game)
    if not (constraints(res.x) >= -eps).all():
        return start
    if (constraints(z0) >= -eps).all() and objective(res.x) > objective(z0):
        return start
    return cand


def _levels(
    game: ContinuousGame, delta: float, profile: ActionProfile, punish: FloatArray, br_grid: int
) -> CooperativeLevels:
    slack, gain = _constraint_slack(game, delta, profile, punish, br_grid)
    return CooperativeLevels(delta, profile, game.payoffs(profile), gain, slack)
