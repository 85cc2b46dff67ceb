r"""The bargaining analysis of ``tradesim bargain FILE`` for games with three or more players.

Two views of the same negotiation (:mod:`sim.solvers.npl_bargaining`,
:mod:`sim.solvers.coalitions`):

* the **Nash bargaining solution** among all *n* sides over lotteries of the game's pure
  profiles, from a disagreement point: ``nash`` (each side's worst payoff over the pure stage
  equilibria, the two-player label-free rule generalised), ``security`` or ``minmax`` (each
  side's mixed security level, what it can guarantee alone) or the payoffs of a profile the file names;
* the **coalitional game** derived from the scenario (what each group of sides can guarantee
  itself whatever the others do, with side payments): the worth of every coalition, the
  Shapley value and the least core (whether the core is empty, and a division in it).

Alternating offers, outside options, linkage and move order stay two-player
(:mod:`sim.analyses.bargain`). Text: :mod:`sim.render.npl`.
"""

from __future__ import annotations

import math
from typing import Any

from sim.errors import InputError
from sim.game import Game
from sim.scenario import BargainingSpec, Scenario
from sim.solvers import coalitions as co
from sim.solvers import npl_bargaining as nb

RULES = ("nash", "security", "minmax")
"""Disagreement rules; ``minmax`` (the scenario format's word) is each side's mixed security
level here, like ``security``."""


def disagreement_spec(scenario: Scenario, given: str | None) -> str:
    """The disagreement rule or profile name: the option, else the file, else ``nash``."""
    body = scenario.bargaining or BargainingSpec()
    spec = given or body.disagreement or "nash"
    if spec not in RULES and spec not in scenario.profiles:
        known = ", ".join([*RULES, *scenario.profiles])
        msg = (f"--disagreement: got '{spec}'; expected one of: {known} (with more than "
               "two players)")
        raise InputError(msg)
    return spec


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else round(float(x), 12)


def _names(game: Game, S: co.Coalition) -> str:
    return " + ".join(game.players[i] for i in sorted(S))


def analyse(scenario: Scenario, game: Game, spec: str) -> dict[str, Any]:
    """The n-player bargaining report as a JSON-ready dict (see ``docs/reference/cli.md``)."""
    payoffs = game.payoffs
    players = list(game.players)
    if spec in RULES:
        d = nb.disagreement(payoffs, "nash" if spec == "nash" else "security")
    else:
        index = game.profile_index(scenario.profiles[spec])
        d = payoffs[(slice(None), *index)]
    deal = nb.nash_bargaining(payoffs, d)
    values = co.coalition_values(payoffs)
    n = len(players)
    shapley = co.shapley_value(values, n)
    core = co.least_core(values, n)
    return {
        "scenario": scenario.name, "players": players, "disagreement_rule": spec,
        "disagreement": {p: _num(d[i]) for i, p in enumerate(players)},
        "nash": {
            "payoffs": {p: _num(deal.payoffs[i]) for i, p in enumerate(players)},
            "gains": deal.gains,
            "lottery": [{"label": game.profile_label(k), "probability": _num(w)}
                        for k, w in sorted(deal.lottery.items(), key=lambda kv: -kv[1])],
        },
        "coalitions": {
            "worth": [{"members": [players[i] for i in sorted(S)], "label": _names(game, S),
                       "worth": _num(v)} for S, v in values.items() if S],
            "shapley": {p: _num(shapley[i]) for i, p in enumerate(players)},
            "least_core": {"epsilon": _num(core.epsilon), "core_nonempty": core.nonempty,
                           "point": {p: _num(core.point[i]) for i, p in enumerate(players)}},
        },
    }
