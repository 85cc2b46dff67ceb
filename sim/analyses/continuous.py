"""The continuous analysis of a scenario: levers with a range kept continuous.

Builds a :class:`~sim.solvers.continuous.ContinuousGame` from a scenario (continuous levers
as intervals, discrete levers as finite sets), then finds its verified pure equilibria,
Pareto frontier, best-response curves and the most cooperative self-enforcing levels as the
discount factor rises (Nash reversion as the punishment). Text: :mod:`sim.render.continuous`;
the figure: :mod:`sim.plots.continuous`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.scenario import Scenario
from sim.solvers.continuous import ActionProfile, ContinuousGame, Coordinate
from sim.solvers.continuous_frontier import (
    BestResponseCurve,
    Frontier,
    best_response_curve,
    pareto_frontier,
)
from sim.solvers.continuous_nash import ContinuousEquilibria, solve_continuous
from sim.solvers.self_enforcing import CooperativeLevels, cooperation_path

DEFAULT_DELTAS = (0.0, 0.25, 0.5, 0.75, 0.9)


def continuous_game(
    scenario: Scenario, overrides: Mapping[str, float] | None = None
) -> ContinuousGame:
    """The scenario as a game with interval levers (and finite sets for discrete levers).

    Parameters
    ----------
    scenario : Scenario
        With at least one lever given as ``range = [lo, hi]``.
    overrides : mapping, optional
        Values replacing facts or assumptions.

    Returns
    -------
    ContinuousGame
        Each continuous lever the interval :math:`[lo, hi]`, each discrete lever the finite set
        of its values; payoffs by the scenario's formulas.

    Raises
    ------
    InputError
        For a ``[game]`` matrix or a scenario with no lever range.
    """
    if scenario.matrix is not None:
        msg = f"{scenario.name}: a [game] matrix has no levers to make continuous"
        raise InputError(msg)
    if not any(lv.continuous for p in scenario.players for lv in p.levers):
        msg = (
            f"{scenario.name}: no lever has a range; give one `range = [lo, hi]` "
            "(docs/reference/scenario-format.md)"
        )
        raise InputError(msg)
    base = {k: np.float64(v) for k, v in scenario.quantities(overrides).items()}
    coords = tuple(tuple(_coordinate(lv, base) for lv in p.levers) for p in scenario.players)
    names = [[lv.name for lv in p.levers] for p in scenario.players]

    def payoff(actions: Sequence[Sequence[np.ndarray]]) -> np.ndarray:
        env: dict[str, Any] = dict(base)
        for p, levers in enumerate(names):
            for c, lever in enumerate(levers):
                env[lever] = actions[p][c]
        values = scenario.evaluate(env)
        return np.stack(np.broadcast_arrays(*values))

    return ContinuousGame(scenario.player_names, coords, payoff)


def _coordinate(lever: Any, base: Mapping[str, float]) -> Coordinate:
    if lever.range is not None:
        return Coordinate(lever.name, lever.range[0], lever.range[1])
    values = tuple(
        sorted({float(base[r]) if r else v for r, v in zip(lever.refs, lever.values, strict=True)})
    )
    return Coordinate(lever.name, values[0], values[-1], values)


@dataclass(frozen=True)
class ContinuousReport:
    scenario: Scenario
    game: ContinuousGame
    equilibria: ContinuousEquilibria
    frontier: Frontier
    punishment: tuple[float, ...] | None
    path: tuple[CooperativeLevels, ...]
    curves: tuple[BestResponseCurve, ...]
    seed: int  # the entropy of the random starts' SeedSequence


def analyse(
    scenario: Scenario,
    *,
    grid: int = 41,
    deltas: Sequence[float] = DEFAULT_DELTAS,
    seed: np.random.SeedSequence | None = None,
    starts: int = 16,
    overrides: Mapping[str, float] | None = None,
) -> ContinuousReport:
    """Every continuous analysis of ``scenario`` (seeded: same inputs, same report).

    Parameters
    ----------
    scenario : Scenario
        A scenario with at least one lever given as ``range = [lo, hi]``.
    grid : int
        Points per continuous lever of the search grid (:func:`solve_continuous`).
    deltas : sequence of float
        Discount factors at which the most cooperative self-enforcing levels are found.
    seed : numpy.random.SeedSequence, optional
        The stream of the random starts (``None``: ``SeedSequence(0)``).
    starts : int
        Random starting points of the local searches.
    overrides : mapping, optional
        Values replacing facts or assumptions.

    Returns
    -------
    ContinuousReport
        The verified pure equilibria, the Pareto frontier, each player's best-response curve
        and, for two players, the most cooperative levels sustained by Nash reversion
        (the worst equilibrium by joint payoff) at each ``delta``.
    """
    seed = np.random.SeedSequence(0) if seed is None else seed
    game = continuous_game(scenario, overrides)
    rng = np.random.default_rng(seed)
    eqs = solve_continuous(game, grid=grid, starts=starts, rng=rng)
    frontier = pareto_frontier(game, grid=grid)
    punishment, path = None, ()
    if eqs.equilibria and game.n == 2:
        worst = min(eqs.equilibria, key=lambda e: float(e.payoffs.sum()))
        punishment = tuple(float(x) for x in worst.payoffs)
        path = cooperation_path(game, list(deltas), punishment, grid=grid)
    return ContinuousReport(
        scenario, game, eqs, frontier, punishment, path, _curves(game, eqs), int(seed.entropy)
    )


def _curves(game: ContinuousGame, eqs: ContinuousEquilibria) -> tuple[BestResponseCurve, ...]:
    """Each player's best response along the other's first continuous lever (two players),
    the other levers held at the first equilibrium (or the lower ends)."""
    if game.n != 2:
        return ()
    firsts = [
        next((c for c, co in enumerate(cs) if co.continuous), None) for cs in game.coordinates
    ]
    if None in firsts:
        return ()
    hold = (
        eqs.equilibria[0].profile
        if eqs.equilibria
        else tuple(tuple(c.lo for c in cs) for cs in game.coordinates)
    )
    return tuple(
        best_response_curve(game, i, hold, against=(1 - i, firsts[1 - i]), points=81)
        for i in range(2)
    )


@dataclass(frozen=True)
class ContinuousEquilibriumEntry:
    profile: dict[str, dict[str, float]]  # {player: {lever: value}}
    payoffs: dict[str, float]
    largest_gain_from_deviating: float


@dataclass(frozen=True)
class ContinuousProfileEntry:
    profile: dict[str, dict[str, float]]
    payoffs: dict[str, float]


@dataclass(frozen=True)
class CooperativeEntry:
    delta: float
    profile: dict[str, dict[str, float]]
    payoffs: dict[str, float]


@dataclass(frozen=True)
class ContinuousResult:
    """``tradesim continuous --format json`` (written by :func:`sim.formats.json.to_json`)."""

    game: str
    players: list[str]
    seed: int
    method: str
    complete: bool
    search_grid: int
    verify_grid: int
    contraction_modulus: float | None
    equilibria: tuple[ContinuousEquilibriumEntry, ...]
    pareto_frontier: tuple[ContinuousProfileEntry, ...]
    punishment: dict[str, float] | None
    most_cooperative: tuple[CooperativeEntry, ...]


def continuous_result(r: ContinuousReport) -> ContinuousResult:
    """The report labelled by player and lever names.

    Parameters
    ----------
    r : ContinuousReport
        From :func:`analyse`.

    Returns
    -------
    ContinuousResult
        Each equilibrium with its largest gain from a deviation (the larger of the grid and
        local regrets), the Pareto frontier, the punishment payoffs and the most cooperative
        self-enforcing levels by discount factor.
    """
    players = r.game.players

    def profile(p: ActionProfile) -> dict[str, dict[str, float]]:
        return {
            pl: {c.name: x for c, x in zip(cs, a, strict=True)}
            for pl, cs, a in zip(players, r.game.coordinates, p, strict=True)
        }

    def payoffs(u: np.ndarray) -> dict[str, float]:
        return {p: float(x) for p, x in zip(players, u, strict=True)}

    eq = r.equilibria
    return ContinuousResult(
        game=r.scenario.name, players=list(players), seed=r.seed, method=eq.method,
        complete=eq.complete, search_grid=eq.search_grid, verify_grid=eq.verify_grid,
        contraction_modulus=eq.modulus,
        equilibria=tuple(
            ContinuousEquilibriumEntry(profile(e.profile), payoffs(e.payoffs), max(
                *e.verification.regret_grid, *e.verification.regret_local))
            for e in eq.equilibria),
        pareto_frontier=tuple(
            ContinuousProfileEntry(profile(p), payoffs(u))
            for p, u in zip(r.frontier.profiles, r.frontier.payoffs, strict=True)),
        punishment=None if r.punishment is None
        else dict(zip(players, r.punishment, strict=True)),
        most_cooperative=tuple(CooperativeEntry(lv.delta, profile(lv.profile),
                                                payoffs(lv.payoffs)) for lv in r.path),
    )
