r"""Normal-form games as numpy arrays, and their construction from a scenario.

A game with players :math:`1..n` and strategy sets :math:`S_1..S_n` is stored as one array
``payoffs`` of shape :math:`(n, |S_1|, \dots, |S_n|)`: ``payoffs[i][s_1, ..., s_n]`` is player
*i*'s payoff at the pure profile :math:`(s_1, \dots, s_n)`. For two players ``A = payoffs[0]``
(row player) and ``B = payoffs[1]`` (column player), the usual bimatrix pair.

In a scenario, a player's strategies are the Cartesian product of its levers' levels, in the
file's order, the first lever varying slowest (:func:`itertools.product` order), labelled
``"tariff=geneva, chips=strict"``. Payoff formulas are evaluated *once* on whole arrays:
each lever's value is an array shaped to broadcast along its player's axis.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, LimitError, ScenarioError, ScenarioErrors
from sim.scenario import Profile, Scenario, find_line

DEFAULT_MAX_CELLS = 20_000_000
"""Default limit on payoff cells (players x profiles) a game may have."""
MAX_CELLS = DEFAULT_MAX_CELLS
"""The limit :func:`build_game` applies when none is passed; the command line's global
``tradesim --max-cells N`` sets it for one invocation."""

FloatArray = np.ndarray


@dataclass(frozen=True)
class Game:
    """A finite normal-form game with labels.

    Attributes
    ----------
    name : str
    players : tuple of str, in the file's order.
    strategies : one tuple of strategy labels per player.
    payoffs : float array of shape ``(n_players, *n_strategies)``.
    levers : per player, the lever names behind its strategies (``("strategy",)`` for a
        hand-written matrix game).
    levels : per player, per lever, the level names.
    """

    name: str
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: FloatArray
    levers: tuple[tuple[str, ...], ...] = ()
    levels: tuple[tuple[tuple[str, ...], ...], ...] = ()

    @property
    def A(self) -> FloatArray:
        """Row player's payoff matrix (two-player games)."""
        return self.payoffs[0]

    @property
    def B(self) -> FloatArray:
        """Column player's payoff matrix (two-player games)."""
        return self.payoffs[1]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.strategies)

    def profile_index(self, profile: Profile) -> tuple[int, ...]:
        """Index of the pure profile ``{player: {lever: level}}`` in the payoff arrays."""
        index = []
        for p, player in enumerate(self.players):
            choice = profile[player]
            digits = [self.levels[p][k].index(choice[lever])
                      for k, lever in enumerate(self.levers[p])]
            index.append(_mixed_radix(digits, [len(lv) for lv in self.levels[p]]))
        return tuple(index)

    def profile_label(self, index: Sequence[int]) -> str:
        """``US: tariff=geneva, chips=strict | China: ...`` for a pure profile index."""
        return " | ".join(f"{p}: {self.strategies[i][s]}"
                          for i, (p, s) in enumerate(zip(self.players, index, strict=True)))

    def lever_choice(self, player: int, strategy: int) -> dict[str, str]:
        """``{lever: level}`` of one of a player's strategies."""
        sizes = [len(lv) for lv in self.levels[player]]
        digits = np.unravel_index(strategy, sizes)
        return {lever: self.levels[player][k][int(d)]
                for k, (lever, d) in enumerate(zip(self.levers[player], digits, strict=True))}


def from_arrays(
    payoffs: Sequence[FloatArray] | FloatArray,
    *,
    name: str = "game",
    players: Sequence[str] | None = None,
    strategies: Sequence[Sequence[str]] | None = None,
) -> Game:
    """A :class:`Game` from payoff arrays (e.g. ``from_arrays([A, B])``), with default labels."""
    arr = np.asarray(payoffs, dtype=float)
    n = arr.shape[0]
    if arr.ndim != n + 1:
        msg = f"expected {n} payoff arrays with {n} axes each, got shape {arr.shape}"
        raise InputError(msg)
    players = tuple(players) if players is not None else tuple(f"Player {i + 1}" for i in range(n))
    if strategies is None:
        strategies = [[f"s{j + 1}" for j in range(k)] for k in arr.shape[1:]]
    labels = tuple(tuple(s) for s in strategies)
    return Game(
        name=name, players=players, strategies=labels, payoffs=arr,
        levers=tuple(("strategy",) for _ in players),
        levels=tuple((s,) for s in labels),
    )


def build_game(
    scenario: Scenario,
    overrides: Mapping[str, float] | None = None,
    *,
    max_cells: int | None = None,
) -> Game:
    """Evaluate a scenario's payoff formulas over every pure strategy profile.

    ``overrides`` replaces the values of facts or assumptions (used by sensitivity sweeps).
    The size is checked against ``max_cells`` before anything is allocated.
    """
    max_cells = MAX_CELLS if max_cells is None else max_cells
    shape = [math.prod(len(lv.levels) for lv in p.levers) for p in scenario.players]
    cells = len(shape) * math.prod(shape)
    if cells > max_cells:
        msg = (f"{scenario.name}: the game has {' x '.join(map(str, shape))} strategy profiles "
               f"({cells:,} payoff cells), over the limit of {max_cells:,}; raise it with "
               "`tradesim --max-cells N ...`")
        raise LimitError(msg)
    levers = tuple(tuple(lv.name for lv in p.levers) for p in scenario.players)
    levels = tuple(tuple(lv.levels for lv in p.levers) for p in scenario.players)
    strategies = tuple(_labels(p_levers, p_levels) for p_levers, p_levels in zip(levers, levels,
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


def _labels(levers: tuple[str, ...], levels: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    if levers == ("strategy",):
        return levels[0]
    return tuple(", ".join(f"{lv}={lvl}" for lv, lvl in zip(levers, combo, strict=True))
                 for combo in itertools.product(*levels))


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
            f"{q.name}: {_labels(tuple(lv.name for lv in q.levers), tuple(lv.levels for lv in q.levers))[i]}"
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


def _mixed_radix(digits: Sequence[int], sizes: Sequence[int]) -> int:
    index = 0
    for d, s in zip(digits, sizes, strict=True):
        index = index * s + d
    return index
