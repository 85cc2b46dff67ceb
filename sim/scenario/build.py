r"""A scenario's game: levers x levels -> strategies, payoff formulas -> payoff arrays.

A player's strategies are the Cartesian product of its levers' levels, in the file's order,
the first lever varying slowest (:func:`itertools.product` order), labelled
``"tariff=geneva, chips=strict"``. Payoff formulas are evaluated *once* on whole arrays:
each lever's value is an array shaped to broadcast along its player's axis. The size is
checked against a limit passed in by the caller before anything is allocated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from sim.errors import LimitError, ScenarioError, ScenarioErrors
from sim.game import FloatArray, Game, strategy_labels
from sim.scenario.lines import find_line
from sim.scenario.model import Scenario

DEFAULT_MAX_CELLS = 20_000_000
"""Default limit on payoff cells (players x profiles) a game may have."""


def build_game(
    scenario: Scenario,
    overrides: Mapping[str, float] | None = None,
    *,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Game:
    """Evaluate a scenario's payoff formulas over every pure strategy profile.

    Parameters
    ----------
    scenario : a validated scenario.
    overrides : values replacing facts or assumptions (sensitivity sweeps), by name.
    max_cells : the most payoff cells (players x profiles) the game may have; checked before
        anything is allocated.

    Returns
    -------
    Game
        Strategies labelled by their levers' levels; payoffs read-only.

    Raises
    ------
    LimitError
        The game would have more than ``max_cells`` payoff cells (``limit="max_cells"``).
    ScenarioErrors
        A payoff formula is not finite at some profile.
    """
    shape = [math.prod(len(lv.levels) for lv in p.levers) for p in scenario.players]
    cells = len(shape) * math.prod(shape)
    if cells > max_cells:
        msg = (f"{scenario.name}: the game has {' x '.join(map(str, shape))} strategy profiles "
               f"({cells:,} payoff cells), over the limit of {max_cells:,}")
        raise LimitError(msg, limit="max_cells")
    levers = tuple(tuple(lv.name for lv in p.levers) for p in scenario.players)
    levels = tuple(tuple(lv.levels for lv in p.levers) for p in scenario.players)
    strategies = tuple(strategy_labels(p_levers, p_levels) for p_levers, p_levels in zip(levers, levels,
                                                                                  strict=True))
    if scenario.matrix is not None:
        arrays = [np.asarray(scenario.matrix["payoffs"][p], dtype=float)
                  for p in scenario.player_names]
        payoffs = np.stack(arrays)
    else:
        payoffs = _evaluate(scenario, shape, overrides)
    payoffs.setflags(write=False)
    return Game(name=scenario.name, players=scenario.player_names, strategies=strategies,
                payoffs=payoffs, levers=levers, levels=levels)


def _evaluate(scenario: Scenario, shape: list[int],
              overrides: Mapping[str, float] | None) -> FloatArray:
    n = len(shape)
    env: dict[str, FloatArray] = {
        k: np.float64(v) for k, v in scenario.quantities(overrides).items()
    }
    for p, player in enumerate(scenario.players):
        sizes = [len(lv.levels) for lv in player.levers]
        grids = np.indices(sizes).reshape(len(sizes), -1)  # level index per strategy
        for k, lever in enumerate(player.levers):
            values = np.array([env[r] if r else v for r, v in
                               zip(lever.refs, lever.values, strict=True)], dtype=float)
            axis_shape = [1] * n
            axis_shape[p] = shape[p]
            env[lever.name] = values[grids[k]].reshape(axis_shape)
    out = np.empty((n, *shape), dtype=float)
    for p, values in enumerate(scenario.evaluate(env)):
        out[p] = np.broadcast_to(values, shape)
    _check_finite(scenario, out, shape)
    return out


def _check_finite(scenario: Scenario, payoffs: FloatArray, shape: list[int]) -> None:
    bad = ~np.isfinite(payoffs)
    if not bad.any():
        return
    errors = []
    for p, player in enumerate(scenario.players):
        if not bad[p].any():
            continue
        index = np.unravel_index(int(np.argmax(bad[p])), shape)
        value = payoffs[p][index]
        label = " | ".join(
            f"{q.name}: {strategy_labels(tuple(lv.name for lv in q.levers), tuple(lv.levels for lv in q.levers))[i]}"
            for q, i in zip(scenario.players, index, strict=True)
        )
        count = int(bad[p].sum())
        errors.append(ScenarioError(
            scenario.path, f"payoffs.{player.name}",
            find_line(scenario.text, f"payoffs.{player.name}"),
            f"evaluates to {value} at profile [{label}] ({count} profile(s) in all); "
            "expected a finite number (check divisions and log of non-positive values)",
        ))
    raise ScenarioErrors(errors)


