"""The core analysis of a game: equilibria, dominance, Pareto optimality, security levels.

Pure: takes a :class:`~sim.game.Game`, returns an :class:`Analysis` of arrays and dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    :func:`sim.solvers.equilibria.solve`)."""
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
