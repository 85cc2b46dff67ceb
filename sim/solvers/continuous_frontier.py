r"""Best-response curves and the Pareto frontier of continuous games (:mod:`sim.solvers.continuous`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from sim.solvers.continuous import (
    ActionProfile,
    ContinuousGame,
    FloatArray,
    best_response,
    grid_profile,
    interval_slots,
    product_payoffs,
    profile_distance,
    with_intervals,
)
from sim.solvers.pareto import pareto_mask

# --------------------------------------------------------------------------- curves, frontier


@dataclass(frozen=True)
class BestResponseCurve:
    """Player ``player``'s best response as the other's coordinate ``against`` varies."""

    player: int
    against: tuple[int, int]  # (other player, its coordinate)
    xs: FloatArray  # the other player's coordinate
    response: FloatArray  # shape (len(xs), own coordinates)


def best_response_curve(
    game: ContinuousGame,
    player: int,
    profile: ActionProfile,
    *,
    against: tuple[int, int],
    points: int = 101,
    br_grid: int = 201,
) -> BestResponseCurve:
    """Best responses of ``player`` along the other's coordinate, the rest held at ``profile``."""
    j, c = against
    xs = game.coordinates[j][c].grid(points)
    out = np.empty((len(xs), len(game.coordinates[player])))
    for k, x in enumerate(xs):
        prof = [list(a) for a in profile]
        prof[j][c] = float(x)
        out[k] = best_response(game, player, tuple(tuple(a) for a in prof), grid=br_grid).action
    return BestResponseCurve(player, against, xs, out)


@dataclass(frozen=True)
class Frontier:
    """Pareto-optimal profiles found, sorted by the first player's payoff."""

    profiles: tuple[ActionProfile, ...]
    payoffs: FloatArray  # shape (len(profiles), n)
    grid: int


def pareto_frontier(
    game: ContinuousGame, *, grid: int = 41, weights: int = 21, tol: float = 1e-9
) -> Frontier:
    r"""Pareto frontier: the undominated profiles of the product grid, plus the maximisers of
    :math:`\sum_i w_i u_i` for ``weights`` weight vectors (two players: :math:`(w, 1-w)`),
    each refined locally (L-BFGS-B on the interval coordinates) from the best grid profile.
    Points found by refinement that dominate grid points remove them.
    """

    u, grids = product_payoffs(game, grid)
    shape = u.shape[1:]
    points = u.reshape(game.n, -1).T
    profiles = [grid_profile(grids, np.unravel_index(k, shape)) for k in range(points.shape[0])]
    extra_p, extra_u = [], []
    for w in _weights(game.n, weights):
        k = int(np.argmax(points @ w))
        p = _maximise_weighted(game, profiles[k], w)
        extra_p.append(p)
        extra_u.append(game.payoffs(p))
    allu = np.vstack([points, np.array(extra_u)]) if extra_u else points
    allp = profiles + extra_p
    keep = np.flatnonzero(pareto_mask(allu, tol=tol))
    order = keep[np.lexsort(allu[keep].T[::-1])]
    chosen = _dedupe_indices(game, [allp[k] for k in order])
    idx = [order[k] for k in chosen]
    return Frontier(tuple(allp[k] for k in idx), allu[idx], grid)


def _weights(n: int, count: int) -> list[FloatArray]:
    if n == 2:
        return [np.array([w, 1 - w]) for w in np.linspace(0, 1, count)]
    return [np.ones(n) / n]


def _dedupe_indices(game: ContinuousGame, profiles: list[ActionProfile]) -> list[int]:
    out: list[int] = []
    for k, p in enumerate(profiles):
        if all(profile_distance(game, p, profiles[j]) > 1e-9 for j in out):
            out.append(k)
    return out


def _maximise_weighted(game: ContinuousGame, start: ActionProfile, w: FloatArray) -> ActionProfile:
    slots = interval_slots(game)
    if not slots:
        return start
    bounds = [(game.coordinates[i][c].lo, game.coordinates[i][c].hi) for i, c in slots]
    z0 = np.array([start[i][c] for i, c in slots])
    res = minimize(
        lambda z: -float(game.payoffs(with_intervals(start, slots, z, game)) @ w),
        z0,
        method="L-BFGS-B",
        bounds=bounds,
    )
    better = with_intervals(start, slots, res.x, game)
    return better if game.payoffs(better) @ w >= game.payoffs(start) @ w else start
