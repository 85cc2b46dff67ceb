"""The size limits of one invocation, passed down as arguments (never set as globals).

The command line builds a :class:`Limits` from ``tradesim --max-cells N --max-run-periods N``
and hands it to the commands, ``tradesim run`` and the analyses; each limit ends as a keyword
argument of the function that checks it (:func:`sim.scenario.build.build_game`,
:func:`sim.solvers.truce.simulate_truce`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.build import DEFAULT_MAX_CELLS
from sim.solvers.truce import DEFAULT_MAX_RUN_PERIODS


@dataclass(frozen=True)
class Limits:
    """Size limits checked before work.

    Attributes
    ----------
    max_cells : most payoff cells (players x profiles) of a game.
    max_run_periods : most ``(runs + 1000) x periods`` of one truce simulation.
    """

    max_cells: int = DEFAULT_MAX_CELLS
    max_run_periods: int = DEFAULT_MAX_RUN_PERIODS
