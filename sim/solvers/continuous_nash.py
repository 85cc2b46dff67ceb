r"""Pure Nash equilibria of continuous games (:mod:`sim.solvers.continuous`).

**Pure Nash equilibria** :math:`a` with :math:`u_i(a) \ge u_i(x, a_{-i})` for all *i*, *x*,
found from three kinds of candidate so that the answer does not hinge on one starting point:

1. the pure equilibria, and the lowest-regret profiles, of the game restricted to a product
   grid (``grid`` points per interval);
2. best-response iteration (Gauss-Seidel) from the corners, the centre and ``starts``
   random points (a seeded :class:`numpy.random.Generator`);
3. local refinement of every candidate: minimising the total regret
   :math:`\rho(a) = \sum_i [\max_x u_i(x, a_{-i}) - u_i(a)] \ge 0` (zero exactly at an
   equilibrium) with Nelder-Mead over the interval coordinates; this also reaches
   equilibria that best-response iteration is repelled from.

Every candidate is **verified**: no deviation on a grid ``verify_grid`` finer than the
search grid gains more than ``tol`` (scaled by the payoffs), and a local optimisation from
the candidate's own action gains no more either. Only verified candidates are reported.

**Completeness** can be claimed in one case only: two players, where the composed
best-response map :math:`F = BR_1 \circ BR_2` on player 1's action set is a contraction
(its Lipschitz modulus, measured over all pairs of a grid, is below 1). Then the fixed point,
hence the equilibrium, is unique (Banach), and the set found is complete. The modulus is a
numerical estimate on that grid, not a proof; it is reported. Otherwise ``complete`` is
``False``: the search can miss equilibria between grid points.

References
----------
Fudenberg, D. and Tirole, J. (1991). *Game Theory*, sec. 1.2 (Cournot) and 1.3.2
(existence and uniqueness: contraction of best responses). MIT Press.
Vives, X. (1999). *Oligopoly Pricing*, ch. 2 (best-response dynamics). MIT Press.
Nelder, J. A. and Mead, R. (1965). A simplex method for function minimization. *Computer
Journal* 7(4), 308-313.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from sim.solvers.continuous import (
    ActionProfile,
    ContinuousGame,
    Coordinate,
    FloatArray,
    Verification,
    action_distance,
    best_response,
    own_grid,
    product_payoffs,
    profile_distance,
    regret,
    verify,
)
from sim.solvers.pure import pure_best_response_mask

# --------------------------------------------------------------------------- equilibria


@dataclass(frozen=True)
class ContinuousEquilibrium:
    profile: ActionProfile
    payoffs: FloatArray
    verification: Verification


@dataclass(frozen=True)
class ContinuousEquilibria:
    """Verified pure equilibria of a continuous game, and how they were searched for."""

    equilibria: tuple[ContinuousEquilibrium, ...]
    method: str
    complete: bool  # true only when a contraction of best responses proves uniqueness
    search_grid: int
    verify_grid: int
    starts: int
    candidates: int  # distinct candidates examined (verified or not)
    modulus: float | None  # estimated Lipschitz modulus of BR_1 o BR_2 (two players)


def solve_continuous(
    game: ContinuousGame,
    *,
    grid: int = 41,
    verify_grid: int | None = None,
    starts: int = 16,
    rng: np.random.Generator,
    tol: float = 1e-6,
    br_grid: int = 201,
    max_iter: int = 200,
) -> ContinuousEquilibria:
    """Pure Nash equilibria of ``game``, each verified on a grid finer than the search's.

    Parameters
    ----------
    grid : points per interval coordinate of the search grid.
    verify_grid : points per interval coordinate of the verification grid; at least
        ``4 * (grid - 1) + 1`` so that it refines the search grid (the default).
    starts : random starting points of best-response iteration (besides corners, centre).
    rng : the random generator for those starts.
    tol : gain from deviating accepted as none, scaled by the largest payoff (at least 1).
    br_grid : points per interval coordinate when computing a best response.
    """
    fine = 4 * (grid - 1) + 1
    verify_grid = max(verify_grid or fine, fine)
    candidates = _grid_candidates(game, grid, keep=max(starts, 4))
    candidates += [_iterate(game, s, br_grid, max_iter) for s in _starts(game, starts, rng)]
    distinct = _polish_all(game, [c for c in candidates if c is not None], grid, br_grid)
    found = []
    for profile in distinct:
        check = verify(game, profile, grid=verify_grid, tol=tol)
        if check.ok:
            found.append(ContinuousEquilibrium(profile, game.payoffs(profile), check))
    found = _dedupe_equilibria(game, found)
    modulus = _contraction_modulus(game, br_grid) if game.n == 2 else None
    complete = bool(found) and modulus is not None and modulus < 1 - 1e-6
    return ContinuousEquilibria(
        equilibria=tuple(sorted(found, key=lambda e: e.profile)),
        method="grid + best-response iteration + regret minimisation",
        complete=complete,
        search_grid=grid,
        verify_grid=verify_grid,
        starts=starts,
        candidates=len(distinct),
        modulus=modulus,
    )


def _grid_candidates(game: ContinuousGame, grid: int, keep: int) -> list[ActionProfile]:
    u, grids = product_payoffs(game, grid)
    mask = pure_best_response_mask(u)
    gaps = np.zeros(u.shape[1:])
    for i in range(game.n):
        gaps = np.maximum(gaps, u[i].max(axis=i, keepdims=True) - u[i])
    order = np.argsort(gaps, axis=None, kind="stable")[:keep]
    flat = set(np.flatnonzero(mask).tolist()) | set(order.tolist())
    out = []
    for k in sorted(flat):
        idx = np.unravel_index(k, u.shape[1:])
        out.append(tuple(tuple(float(x[j]) for x in grids[i]) for i, j in enumerate(idx)))
    return out


def _starts(game: ContinuousGame, count: int, rng: np.random.Generator) -> list[ActionProfile]:
    def corner(pick: Callable[[Coordinate], float]) -> ActionProfile:
        return tuple(tuple(pick(c) for c in cs) for cs in game.coordinates)

    def draw(c: Coordinate) -> float:
        if c.values is not None:
            return float(c.values[int(rng.integers(len(c.values)))])
        return float(rng.uniform(c.lo, c.hi))

    fixed = [
        corner(lambda c: c.lo if c.values is None else c.values[0]),
        corner(lambda c: c.hi if c.values is None else c.values[-1]),
        corner(lambda c: (c.lo + c.hi) / 2 if c.values is None else c.values[len(c.values) // 2]),
    ]
    return fixed + [corner(draw) for _ in range(count)]


def _iterate(
    game: ContinuousGame, start: ActionProfile, br_grid: int, max_iter: int, xtol: float = 1e-9
) -> ActionProfile | None:
    """Gauss-Seidel best-response iteration; ``None`` when it does not settle."""
    profile = list(start)
    for _ in range(max_iter):
        change = 0.0
        for i in range(game.n):
            new = best_response(game, i, tuple(profile), grid=br_grid).action
            change = max(change, action_distance(game, i, new, profile[i]))
            profile[i] = new
        if change <= xtol:
            return tuple(profile)
    return None


def _polish(game: ContinuousGame, profile: ActionProfile, br_grid: int) -> ActionProfile:
    """Minimise total regret over the interval coordinates (discrete ones held), Nelder-Mead."""
    slots = [
        (i, c) for i, cs in enumerate(game.coordinates) for c, co in enumerate(cs) if co.continuous
    ]
    if not slots:
        return profile

    def unpack(z: FloatArray) -> ActionProfile:
        out = [list(a) for a in profile]
        for (i, c), zc in zip(slots, z, strict=True):
            co = game.coordinates[i][c]
            out[i][c] = float(np.clip(zc, co.lo, co.hi))
        return tuple(tuple(a) for a in out)

    start = np.array([profile[i][c] for i, c in slots])
    scale = np.array([game.coordinates[i][c].span for i, c in slots])
    r0 = regret(game, profile, grid=br_grid)
    if r0 <= 1e-12 * max(1.0, float(np.abs(game.payoffs(profile)).max())):
        return profile
    simplex = np.vstack([start, start + np.diag(0.02 * scale)])
    res = minimize(
        lambda z: regret(game, unpack(z), grid=br_grid),
        start,
        method="Nelder-Mead",
        options={
            "initial_simplex": simplex,
            "xatol": 1e-10 * float(scale.max()),
            "fatol": 1e-13,
            "maxiter": 400 * len(slots),
        },
    )
    best = unpack(res.x)
    return best if res.fun < r0 else profile


def _polish_all(
    game: ContinuousGame, candidates: list[ActionProfile], grid: int, br_grid: int
) -> list[ActionProfile]:
    """Settle each candidate, least regret first: best-response iteration when it stays
    within two search-grid steps, regret minimisation otherwise (an equilibrium that
    iteration is repelled from). A candidate within half a grid step of a point already
    examined is taken to lead to the same place and skipped."""
    ranked = sorted(_dedupe(game, candidates, 1e-12), key=lambda p: regret(game, p, grid=br_grid))
    step = 1.0 / max(grid - 1, 1)
    seen: list[ActionProfile] = []
    out: list[ActionProfile] = []
    for c in ranked:
        if any(profile_distance(game, c, d) <= step / 2 for d in seen):
            continue
        seen.append(c)
        settled = _iterate(game, c, br_grid, max_iter=50)
        if settled is not None:
            out.append(settled)
            seen.append(settled)
        if settled is None or profile_distance(game, c, settled) > 2 * step:
            out.append(_polish(game, c, br_grid))
    return _dedupe(game, out)


def _dedupe(
    game: ContinuousGame, profiles: list[ActionProfile], tol: float = 1e-4
) -> list[ActionProfile]:
    out: list[ActionProfile] = []
    for p in profiles:
        if all(profile_distance(game, p, q) > tol for q in out):
            out.append(p)
    return out


def _dedupe_equilibria(
    game: ContinuousGame, found: list[ContinuousEquilibrium], tol: float = 1e-4
) -> list[ContinuousEquilibrium]:
    """Keep one equilibrium per cluster: the one with the least regret."""
    ranked = sorted(
        found, key=lambda e: sum(e.verification.regret_grid) + sum(e.verification.regret_local)
    )
    out: list[ContinuousEquilibrium] = []
    for e in ranked:
        if all(profile_distance(game, e.profile, f.profile) > tol for f in out):
            out.append(e)
    return out


def _contraction_modulus(game: ContinuousGame, br_grid: int, points: int = 41) -> float:
    r"""Largest :math:`\|F(a)-F(b)\| / \|a-b\|` over pairs of player 1's grid, where
    :math:`F = BR_1 \circ BR_2` (sup norm, each coordinate scaled to its span)."""
    own = own_grid(game, 0, points)
    m = len(own[0])
    if m > 600:
        keep = np.linspace(0, m - 1, 600).round().astype(int)
        own = [x[keep] for x in own]
        m = 600
    base = tuple(tuple(c.lo for c in cs) for cs in game.coordinates)
    images = np.empty((m, len(own)))
    for k in range(m):
        a = tuple(float(x[k]) for x in own)
        b = best_response(game, 1, (a, *base[1:]), grid=br_grid).action
        images[k] = best_response(game, 0, (a, b), grid=br_grid).action
    spans = np.array([c.span for c in game.coordinates[0]])
    pts = np.stack(own, axis=1) / spans
    imgs = images / spans
    d_in = np.abs(pts[:, None, :] - pts[None, :, :]).max(axis=2)
    d_out = np.abs(imgs[:, None, :] - imgs[None, :, :]).max(axis=2)
    off = d_in > 0
    return float((d_out[off] / d_in[off]).max()) if off.any() else 0.0
