r"""Games with continuous actions: the game, best responses, verification.

Player *i* chooses an action :math:`a_i` in a product of **coordinates**: intervals
:math:`[lo, hi]` (a tariff rate, a share of licences) and finite sets (a discrete lever),
and gets :math:`u_i(a_1, \dots, a_n)`. The payoff function is vectorised: it takes, per
player, one array per coordinate (arrays broadcast against each other) and returns the
payoffs of every player stacked on a first axis.

**Best response.** :math:`BR_i(a_{-i}) = \arg\max_{a_i} u_i(a_i, a_{-i})`: the maximum over
a grid of the player's own actions (``grid`` points per interval), then a bounded local
refinement of the interval coordinates around the grid maximum (Brent's method for one
coordinate, L-BFGS-B for several; scipy.optimize).

**Verification** of a profile: no deviation on a grid (its best point refined locally), nor
a local optimisation from the player's own action, gains more than a tolerance scaled by
the payoffs. Equilibria are searched for in :mod:`sim.solvers.continuous_nash`, the Pareto
frontier and best-response curves in :mod:`sim.solvers.continuous_frontier`, self-enforcing
levels in :mod:`sim.solvers.self_enforcing`.

References
----------
Fudenberg, D. and Tirole, J. (1991). *Game Theory*, sec. 1.2. MIT Press.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from sim.errors import InputError

FloatArray = np.ndarray
Action = tuple[float, ...]
ActionProfile = tuple[Action, ...]
PayoffFunction = Callable[[Sequence[Sequence[FloatArray]]], FloatArray]

MAX_GRID_CELLS = 4_000_000
"""Largest product grid (profiles x players) evaluated at once."""


@dataclass(frozen=True)
class Coordinate:
    """One dimension of a player's action: an interval, or a finite set of ``values``."""

    name: str
    lo: float
    hi: float
    values: tuple[float, ...] | None = None

    @property
    def continuous(self) -> bool:
        return self.values is None

    def grid(self, n: int) -> FloatArray:
        """``n`` evenly spaced points of an interval, or the finite set's values."""
        if self.values is not None:
            return np.asarray(self.values, dtype=float)
        return np.linspace(self.lo, self.hi, max(int(n), 2))

    @property
    def span(self) -> float:
        return max(self.hi - self.lo, 1e-12)


@dataclass(frozen=True)
class ContinuousGame:
    """An n-player game with actions in products of :class:`Coordinate`.

    ``payoff(actions)`` gets ``actions[i][c]``, an array (or scalar) for coordinate *c* of
    player *i*, all broadcastable together, and returns an array of shape ``(n, *shape)``.
    """

    players: tuple[str, ...]
    coordinates: tuple[tuple[Coordinate, ...], ...]
    payoff: PayoffFunction

    def __post_init__(self) -> None:
        if len(self.players) != len(self.coordinates) or len(self.players) < 2:
            msg = "a continuous game needs at least two players, each with coordinates"
            raise InputError(msg)
        for coords in self.coordinates:
            for c in coords:
                if c.continuous and not c.lo < c.hi:
                    msg = f"coordinate {c.name}: expected lo < hi, got [{c.lo}, {c.hi}]"
                    raise InputError(msg)

    @property
    def n(self) -> int:
        return len(self.players)

    def payoffs(self, profile: ActionProfile) -> FloatArray:
        """Payoff vector at one action profile."""
        actions = [[np.float64(x) for x in a] for a in profile]
        return np.asarray(self.payoff(actions), dtype=float).reshape(self.n)


# --------------------------------------------------------------------------- best responses


@dataclass(frozen=True)
class BestResponse:
    action: Action
    value: float


def own_grid(game: ContinuousGame, i: int, grid: int) -> list[FloatArray]:
    """Player *i*'s grid actions as one flat array per coordinate (product order).

    Parameters
    ----------
    game : ContinuousGame
    i : int
    grid : int
        Points per interval coordinate (a finite coordinate keeps its values).

    Returns
    -------
    list of numpy.ndarray
    """
    axes = [c.grid(grid) for c in game.coordinates[i]]
    mesh = np.meshgrid(*axes, indexing="ij")
    return [m.ravel() for m in mesh]


def own_values(
    game: ContinuousGame, i: int, own: Sequence[FloatArray], profile: ActionProfile
) -> FloatArray:
    actions: list[list[FloatArray]] = [[np.float64(x) for x in a] for a in profile]
    actions[i] = [np.asarray(x, dtype=float) for x in own]
    out = np.asarray(game.payoff(actions), dtype=float)[i]
    return np.broadcast_to(out, np.broadcast(*actions[i]).shape)


def best_response(
    game: ContinuousGame, i: int, profile: ActionProfile, *, grid: int = 201, refine: bool = True
) -> BestResponse:
    r"""Player *i*'s best action against ``profile`` (its own entry is ignored).

    Grid maximum, then a bounded local refinement of the interval coordinates within one
    grid step of it; the better of the two is returned.

    Parameters
    ----------
    game : ContinuousGame
    i : int
    profile : ActionProfile
    grid : int
        Points per interval coordinate of the grid search.
    refine : bool
        Refine the grid maximum locally (bounded Brent for one interval coordinate, L-BFGS-B
        for several).

    Returns
    -------
    BestResponse
        An action attaining (approximately) :math:`\max_{a_i} u_i(a_i, a_{-i})` and its value.
    """
    own = own_grid(game, i, grid)
    values = own_values(game, i, own, profile)
    k = int(np.argmax(values))
    action = tuple(float(x[k]) for x in own)
    best = BestResponse(action, float(values[k]))
    if not refine:
        return best
    refined = refine_local(game, i, profile, action, grid)
    return refined if refined.value > best.value else best


def refine_local(
    game: ContinuousGame,
    i: int,
    profile: ActionProfile,
    action: Action,
    grid: int,
    *,
    width: float = 1.0,
) -> BestResponse:
    coords = game.coordinates[i]
    free = [c for c, co in enumerate(coords) if co.continuous]
    if not free:
        return BestResponse(
            action, float(own_values(game, i, [np.float64(a) for a in action], profile))
        )

    def value(z: FloatArray) -> float:
        x = list(action)
        for c, zc in zip(free, np.atleast_1d(z), strict=True):
            x[c] = float(zc)
        return float(own_values(game, i, [np.float64(a) for a in x], profile))

    steps = [width * coords[c].span / (max(grid, 2) - 1) for c in free]
    lo = [max(coords[c].lo, action[c] - s) for c, s in zip(free, steps, strict=True)]
    hi = [min(coords[c].hi, action[c] + s) for c, s in zip(free, steps, strict=True)]
    if len(free) == 1:
        res = minimize_scalar(
            lambda z: -value(np.array([z])),
            bounds=(lo[0], hi[0]),
            method="bounded",
            options={"xatol": 1e-10 * coords[free[0]].span, "maxiter": 200},
        )
        z = np.array([res.x])
    else:
        res = minimize(
            lambda z: -value(z),
            np.array([action[c] for c in free]),
            method="L-BFGS-B",
            bounds=list(zip(lo, hi, strict=True)),
        )
        z = np.asarray(res.x)
    x = list(action)
    for c, zc in zip(free, z, strict=True):
        x[c] = float(zc)
    return BestResponse(tuple(x), value(z))


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Verification:
    """How far a profile is from an equilibrium: each player's best gain by deviating."""

    grid: int  # points per interval coordinate of the deviation grid
    regret_grid: tuple[float, ...]  # best gain over the deviation grid
    regret_local: tuple[float, ...]  # best gain of a local optimisation from the profile
    tolerance: float  # the (scaled) gain accepted as none
    ok: bool


def verify(
    game: ContinuousGame, profile: ActionProfile, *, grid: int = 801, tol: float = 1e-6
) -> Verification:
    r"""Check that no player gains more than ``tol`` (scaled) by deviating from ``profile``.

    Two checks per player: every action of a grid with ``grid`` points per interval
    coordinate (its best point refined locally), and a bounded local optimisation (of the interval coordinates) starting from
    the player's own action, within ten grid steps of it.

    Parameters
    ----------
    game : ContinuousGame
    profile : ActionProfile
    grid : int
    tol : float
        Accepted gain, relative to the payoffs' scale.

    Returns
    -------
    Verification
        Each player's best gain :math:`\max_{x} u_i(x, a_{-i}) - u_i(a)` found both ways; ``ok``
        when every gain is within the tolerance (an :math:`\varepsilon`-equilibrium check).
    """
    u = game.payoffs(profile)
    eps = tol * max(1.0, float(np.abs(u).max()))
    gains_grid, gains_local = [], []
    for i in range(game.n):
        best = best_response(game, i, profile, grid=grid)  # grid, refined at its maximum
        gains_grid.append(max(0.0, best.value - float(u[i])))
        local = refine_local(game, i, profile, profile[i], grid, width=10.0)
        gains_local.append(max(0.0, local.value - float(u[i])))
    ok = max(gains_grid) <= eps and max(gains_local) <= eps
    return Verification(grid, tuple(gains_grid), tuple(gains_local), eps, ok)


def regret(game: ContinuousGame, profile: ActionProfile, *, grid: int = 201) -> float:
    r"""Total regret :math:`\sum_i [\max_x u_i(x, a_{-i}) - u_i(a)]` (refined best responses).

    Parameters
    ----------
    game : ContinuousGame
    profile : ActionProfile
    grid : int

    Returns
    -------
    float
        Zero exactly at a Nash equilibrium (up to the best responses' accuracy).
    """
    u = game.payoffs(profile)
    return float(
        sum(
            max(0.0, best_response(game, i, profile, grid=grid).value - u[i]) for i in range(game.n)
        )
    )


# --------------------------------------------------------------------------- shared helpers


def product_payoffs(game: ContinuousGame, grid: int) -> tuple[FloatArray, list[list[FloatArray]]]:
    """Payoffs on the product grid: shape ``(n, m_1, ..., m_n)``, and each player's grid.

    Parameters
    ----------
    game : ContinuousGame
    grid : int
        Points per interval coordinate.

    Returns
    -------
    payoffs : numpy.ndarray
    grids : list of list of numpy.ndarray
        Per player, its grid actions (:func:`own_grid`).

    Raises
    ------
    InputError
        When the product grid has more than :data:`MAX_GRID_CELLS` cells.
    """
    grids = [own_grid(game, i, grid) for i in range(game.n)]
    sizes = [len(g[0]) for g in grids]
    cells = game.n * math.prod(sizes)
    if cells > MAX_GRID_CELLS:
        msg = (
            f"a grid of {grid} points per lever gives {cells:,} payoff cells, over the "
            f"limit of {MAX_GRID_CELLS:,}; use a coarser grid"
        )
        raise InputError(msg)
    actions = []
    for i, g in enumerate(grids):
        shape = [1] * game.n
        shape[i] = sizes[i]
        actions.append([x.reshape(shape) for x in g])
    u = np.asarray(game.payoff(actions), dtype=float)
    return np.broadcast_to(u, (game.n, *sizes)).copy(), grids


def action_distance(game: ContinuousGame, i: int, a: Action, b: Action) -> float:
    coords = game.coordinates[i]
    return max((abs(x - y) / c.span for c, x, y in zip(coords, a, b, strict=True)), default=0.0)


def profile_distance(game: ContinuousGame, p: ActionProfile, q: ActionProfile) -> float:
    return max(action_distance(game, i, a, b) for i, (a, b) in enumerate(zip(p, q, strict=True)))


def grid_profile(grids: list[list[FloatArray]], idx: Sequence[int]) -> ActionProfile:
    return tuple(tuple(float(x[j]) for x in grids[i]) for i, j in enumerate(idx))


def interval_slots(game: ContinuousGame) -> list[tuple[int, int]]:
    return [
        (i, c) for i, cs in enumerate(game.coordinates) for c, co in enumerate(cs) if co.continuous
    ]


def with_intervals(
    profile: ActionProfile, slots: list[tuple[int, int]], z: FloatArray, game: ContinuousGame
) -> ActionProfile:
    out = [list(a) for a in profile]
    for (i, c), zc in zip(slots, z, strict=True):
        co = game.coordinates[i][c]
        out[i][c] = float(np.clip(zc, co.lo, co.hi))
    return tuple(tuple(a) for a in out)
