r"""A scenario's game: levers x levels -> strategies, payoff formulas -> payoff arrays.

A player's strategies are the Cartesian product of its levers' levels, in the file's order,
the first lever varying slowest (:func:`itertools.product` order), labelled
``"tariff=geneva, chips=strict"``. Payoff formulas are evaluated on arrays, one chunk of
profiles at a time (each lever's value indexed by the chunk's profiles), so memory stays
close to the size of the payoff array (:data:`EVAL_CHUNK_BYTES`). The size is
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
EVAL_CHUNK_BYTES = 32_000_000
"""Memory for evaluating payoff formulas on one chunk of profiles, besides the payoffs."""
FORMULA_INTERMEDIATES = 100
"""Arrays one formula evaluation holds at once, at most (40 levels of nesting, two each)."""


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
    """Every payoff at every profile, evaluated in chunks of profiles.

    Peak memory is the payoff array plus about :data:`EVAL_CHUNK_BYTES`: a chunk holds one
    array per lever and per term and the intermediates of one formula (at most about
    :data:`FORMULA_INTERMEDIATES`, since formulas nest at most 40 deep and ``min``, ``max``,
    comparison chains and ``and``/``or`` are folded two arguments at a time), each as long
    as the chunk.
    """
    n = len(shape)
    profiles = math.prod(shape)
    base: dict[str, FloatArray] = {
        k: np.float64(v) for k, v in scenario.quantities(overrides).items()
    }
    by_strategy: list[tuple[str, int, FloatArray]] = []  # (lever, player, value per strategy)
    for p, player in enumerate(scenario.players):
        sizes = [len(lv.levels) for lv in player.levers]
        grids = np.indices(sizes).reshape(len(sizes), -1)  # level index per strategy
        for k, lever in enumerate(player.levers):
            values = np.array([base[r] if r else v for r, v in
                               zip(lever.refs, lever.values, strict=True)], dtype=float)
            by_strategy.append((lever.name, p, values[grids[k]]))
    markets = len(getattr(scenario, "trade", None) or ())
    live = len(scenario.terms) + len(by_strategy) + 6 * markets + n + FORMULA_INTERMEDIATES
    chunk = max(1, min(profiles, EVAL_CHUNK_BYTES // (8 * live)))
    out = np.empty((n, profiles), dtype=float)
    for start in range(0, profiles, chunk):
        stop = min(start + chunk, profiles)
        index = np.unravel_index(np.arange(start, stop), shape)
        env = dict(base)
        for name, p, values in by_strategy:
            env[name] = values[index[p]]
        for p, values in enumerate(scenario.evaluate(env)):  # [trade], [terms], payoffs
            out[p, start:stop] = values
        del env, index
    out = out.reshape((n, *shape))
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


