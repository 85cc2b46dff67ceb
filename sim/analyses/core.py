"""The core analysis of a game: equilibria, dominance, Pareto optimality, security levels.

Pure: takes a :class:`~sim.game.Game`, returns an :class:`Analysis` of arrays and dataclasses
(what the text and the figures read). :func:`game_report` and :func:`equilibria_report` turn
it into the labelled, typed results that :func:`sim.formats.json.to_json` writes as the
``game`` section of ``results.json`` and as ``solve --format json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sim.game import Game
from sim.solvers.dominance import (
    Domination,
    Elimination,
    dominated_strategies,
    iterated_elimination,
)
from sim.solvers.equilibria import EquilibriumSet
from sim.solvers.pareto import pareto_profiles
from sim.solvers.pure import pure_nash
from sim.solvers.reduction import solve_reduced
from sim.solvers.security import Security, security_levels


@dataclass(frozen=True)
class Analysis:
    game: Game
    equilibria: EquilibriumSet
    pure: tuple[tuple[int, ...], ...]
    dominated: tuple[Domination, ...]
    elimination: Elimination
    pareto: tuple[tuple[int, ...], ...]
    security: tuple[Security, ...]


def analyse(game: Game, *, method: str = "auto", exact: bool = False,
            tol: float = 1e-9, exact_payoffs: list | None = None) -> Analysis:
    """Run every core solver on ``game`` (``exact_payoffs``: see
    :func:`sim.solvers.equilibria.solve`).

    Parameters
    ----------
    game : Game
    method : str
        The equilibrium method (:func:`sim.solvers.equilibria.solve`).
    exact : bool
        Verify and report equilibria in rational arithmetic.
    tol : float
        Tolerance of every solver.
    exact_payoffs : nested list of Fraction, optional
        The payoffs in rational arithmetic, for ``exact``.

    Returns
    -------
    Analysis
        The equilibria after IESDS and merging duplicates
        (:func:`sim.solvers.reduction.solve_reduced`), the pure equilibria, the dominated
        strategies, IESDS, the Pareto-optimal pure profiles and each player's security level.
    """
    return Analysis(
        game=game,
        equilibria=solve_reduced(game.payoffs, method=method, exact=exact, tol=tol,
                                 exact_payoffs=exact_payoffs),
        pure=tuple(pure_nash(game.payoffs, tol=tol)),
        dominated=tuple(dominated_strategies(game.payoffs, tol=tol)),
        elimination=iterated_elimination(game.payoffs, tol=tol),
        pareto=tuple(pareto_profiles(game.payoffs, tol=tol)),
        security=tuple(security_levels(game.payoffs)),
    )


# --------------------------------------------------------------------------- typed report

OMIT_NONE = {"json_omit": "none"}
OMIT_EMPTY = {"json_omit": "empty"}


@dataclass(frozen=True)
class EquilibriumEntry:
    """One equilibrium by player name: mixed strategies, payoffs, and exact values."""

    strategies: dict[str, list[float]]
    payoffs: dict[str, float]
    exact_strategies: dict[str, list[str]] | None = field(default=None, metadata=OMIT_NONE)
    exact_payoffs: dict[str, str] | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True)
class EquilibriaReport:
    """``tradesim solve --format json``: the equilibria a method found and its guarantees."""

    game: str
    players: list[str]
    strategies: dict[str, list[str]]
    method: str
    complete: bool
    degenerate: bool | None
    equilibria: tuple[EquilibriumEntry, ...]
    components: list[list[int]] = field(default_factory=list, metadata=OMIT_EMPTY)
    exact: bool = field(default=False, metadata=OMIT_EMPTY)
    message: str | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True)
class ProfileEntry:
    """A pure profile by player name: each player's strategy and payoff."""

    profile: dict[str, str]
    payoffs: dict[str, float]


@dataclass(frozen=True)
class DominatedEntry:
    player: str
    strategy: str
    by: str
    strict: bool


@dataclass(frozen=True)
class RemovedEntry:
    player: str
    strategy: str
    by: str


@dataclass(frozen=True)
class EliminationReport:
    surviving: dict[str, list[str]]
    removed: tuple[RemovedEntry, ...]


@dataclass(frozen=True)
class SecurityEntry:
    """A player's pure and mixed security level (maximin) and the strategies attaining them."""

    player: str
    pure_level: float
    pure_strategy: str
    mixed_level: float | None
    mixed_strategy: list[float] | None


@dataclass(frozen=True)
class NamedProfileEntry:
    """A profile named in the scenario: its index and payoffs."""

    index: list[int]
    payoffs: dict[str, float]


@dataclass(frozen=True)
class GameReport:
    """The ``game`` section of ``results.json`` (docs/reference/results-json.md)."""

    equilibria: EquilibriaReport
    pure_equilibria: tuple[ProfileEntry, ...]
    dominated: tuple[DominatedEntry, ...]
    iterated_elimination: EliminationReport
    pareto_optimal: tuple[ProfileEntry, ...]
    security: tuple[SecurityEntry, ...]
    profiles: dict[str, NamedProfileEntry]


def equilibria_report(game: Game, eqs: EquilibriumSet) -> EquilibriaReport:
    """The equilibria of ``game`` labelled by player and strategy names.

    Parameters
    ----------
    game : Game
    eqs : EquilibriumSet
        What a method of :mod:`sim.solvers.equilibria` found on ``game``'s payoffs.

    Returns
    -------
    EquilibriaReport
        ``message`` is the method's note, or says that the method does not guarantee that
        all equilibria were found when ``complete`` is false.
    """
    players = game.players
    entries = tuple(
        EquilibriumEntry(
            strategies={p: list(map(float, x)) for p, x in zip(players, eq.strategies,
                                                               strict=True)},
            payoffs={p: float(v) for p, v in zip(players, eq.payoffs, strict=True)},
            exact_strategies=None if eq.exact_strategies is None else {
                p: [str(f) for f in x]
                for p, x in zip(players, eq.exact_strategies, strict=True)},
            exact_payoffs=None if eq.exact_payoffs is None else {
                p: str(v) for p, v in zip(players, eq.exact_payoffs, strict=True)})
        for eq in eqs.equilibria)
    message = None
    if eqs.message or not eqs.complete:
        message = eqs.message or "the method does not guarantee that all were found"
    return EquilibriaReport(
        game=game.name, players=list(players),
        strategies={p: list(s) for p, s in zip(players, game.strategies, strict=True)},
        method=eqs.method, complete=eqs.complete, degenerate=eqs.degenerate,
        equilibria=entries, components=[list(c) for c in eqs.components],
        exact=bool(eqs.exact), message=message)


def profile_entry(game: Game, index: tuple[int, ...]) -> ProfileEntry:
    """The pure profile ``index`` of ``game`` by player name.

    Parameters
    ----------
    game : Game
    index : tuple of int
        One strategy index per player.

    Returns
    -------
    ProfileEntry
    """
    return ProfileEntry(
        profile={p: game.strategies[i][s]
                 for i, (p, s) in enumerate(zip(game.players, index, strict=True))},
        payoffs={p: float(game.payoffs[(i, *index)]) for i, p in enumerate(game.players)})


def game_report(a: Analysis, named: Mapping[str, tuple[int, ...]]) -> GameReport:
    """The core analysis labelled by names, for ``results.json`` and the API.

    Parameters
    ----------
    a : Analysis
        What :func:`analyse` found.
    named : mapping of str to tuple of int
        The scenario's named profiles and their indices
        (:func:`sim.analyses.settings.named_indices`).

    Returns
    -------
    GameReport
    """
    g = a.game
    label = g.strategies
    return GameReport(
        equilibria=equilibria_report(g, a.equilibria),
        pure_equilibria=tuple(profile_entry(g, s) for s in a.pure),
        dominated=tuple(DominatedEntry(g.players[d.player], label[d.player][d.strategy],
                                       label[d.player][d.by], d.strict) for d in a.dominated),
        iterated_elimination=EliminationReport(
            surviving={p: [label[i][s] for s in a.elimination.surviving[i]]
                       for i, p in enumerate(g.players)},
            removed=tuple(RemovedEntry(g.players[d.player], label[d.player][d.strategy],
                                       label[d.player][d.by]) for d in a.elimination.removed)),
        pareto_optimal=tuple(profile_entry(g, s) for s in a.pareto),
        security=tuple(
            SecurityEntry(g.players[s.player], s.pure_level, label[s.player][s.pure_strategy],
                          s.mixed_level,
                          None if s.mixed_strategy is None else list(s.mixed_strategy))
            for s in a.security),
        profiles={name: NamedProfileEntry(
            list(idx), {p: float(g.payoffs[(k, *idx)]) for k, p in enumerate(g.players)})
            for name, idx in named.items()},
    )
