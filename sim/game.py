r"""Normal-form games as numpy arrays.

A game with players :math:`1..n` and strategy sets :math:`S_1..S_n` is stored as one array
``payoffs`` of shape :math:`(n, |S_1|, \dots, |S_n|)`: ``payoffs[i][s_1, ..., s_n]`` is player
*i*'s payoff at the pure profile :math:`(s_1, \dots, s_n)`. For two players ``A = payoffs[0]``
(row player) and ``B = payoffs[1]`` (column player), the usual bimatrix pair.

A player's strategies may be the Cartesian product of its levers' levels, the first lever
varying slowest (:func:`itertools.product` order), labelled ``"tariff=geneva, chips=strict"``;
:func:`strategy_labels` makes those labels and :meth:`Game.profile_index` finds a profile by
its levels. Building a game from a scenario file is :func:`sim.scenario.build.build_game`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError

FloatArray = np.ndarray
Profile = Mapping[str, Mapping[str, str]]
"""A pure profile by names: ``{player: {lever: level}}``."""


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


def strategy_labels(levers: tuple[str, ...], levels: tuple[tuple[str, ...], ...],
                    ) -> tuple[str, ...]:
    """One label per strategy, the product of the levers' levels: ``"tariff=geneva, chips=strict"``
    (just the level for a single lever named ``strategy``)."""
    if levers == ("strategy",):
        return levels[0]
    return tuple(", ".join(f"{lv}={lvl}" for lv, lvl in zip(levers, combo, strict=True))
                 for combo in itertools.product(*levels))


def _mixed_radix(digits: Sequence[int], sizes: Sequence[int]) -> int:
    index = 0
    for d, s in zip(digits, sizes, strict=True):
        index = index * s + d
    return index
