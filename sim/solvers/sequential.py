r"""Move order: sequential play of a two-player game solved by backward induction.

A **move order** lists the levers in the order they are set; every mover sees all earlier
choices. ``("US", "China")`` means the US sets all its levers, then China (a Stackelberg
game); ``("chips", "rare_earths", ...)`` is lever by lever. The game tree has one level per
lever, so its leaves are exactly the pure profiles: backward induction is a sequence of
reductions over the lever tensor, last mover first (Zermelo; Selten 1965), and the result
is the **subgame perfect equilibrium** (SPE) outcome.

**Ties.** Where a mover is indifferent (within ``tol``) the rule ``tie_rule`` decides:

* ``"favour-other"`` (default): the choice best for the other player, as in the strong
  Stackelberg equilibrium (a follower indifferent between replies accommodates the leader);
* ``"harm-other"``: the choice worst for the other player (pessimistic, weak Stackelberg);
* ``"first"``: the level listed first in the scenario file.

Any tie left after the rule's own criterion goes to the level listed first. The number of
decision nodes with a tie, in the whole tree and on the equilibrium path, is reported.

The **value of moving first** for player *i* is its SPE payoff when it leads minus its
payoff when the other leads; compared with a simultaneous-move equilibrium it is the value
of **commitment** (von Stackelberg 1934; Schelling 1960).

References
----------
Selten, R. (1965). Spieltheoretische Behandlung eines Oligopolmodells mit
Nachfrageträgheit. *Zeitschrift für die gesamte Staatswissenschaft* 121.
von Stackelberg, H. (1934). *Marktform und Gleichgewicht*. Springer.
Schelling, T. C. (1960). *The Strategy of Conflict*, ch. 2. Harvard UP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, SolverError
from sim.game import Game

FloatArray = np.ndarray

TIE_RULES = ("favour-other", "harm-other", "first")


@dataclass(frozen=True)
class SequentialResult:
    """The SPE outcome of one move order.

    ``order`` is ``((player, lever), ...)`` as played; ``path`` adds the chosen level;
    ``profile`` is the outcome as strategy indices, ``payoffs`` its payoffs.
    """

    order: tuple[tuple[str, str], ...]
    path: tuple[tuple[str, str, str], ...]
    profile: tuple[int, int]
    payoffs: FloatArray
    tie_rule: str
    ties: int  # decision nodes with a tie, whole tree
    ties_on_path: int


def _moves(game: Game) -> list[tuple[int, str, int]]:
    """``(player, lever, tensor axis)`` for every lever, in file order."""
    out, axis = [], 0
    for p, levers in enumerate(game.levers):
        for lever in levers:
            out.append((p, lever, axis))
            axis += 1
    return out


def resolve_order(game: Game, order: Sequence[str]) -> list[tuple[int, str, int]]:
    """The moves named by ``order``: player names (all their remaining levers, file order),
    lever names, or ``Player.lever``; levers not named follow in file order.

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    order : sequence of str
        Player names, lever names or ``Player.lever``, first mover first.

    Returns
    -------
    list of (int, str, int)
        Each move as ``(player, lever name, lever axis)`` in play order; every lever once.

    Raises
    ------
    InputError
        When a name is neither a player nor a lever, is a lever both players have, or a lever
        is named twice.
    SolverError
        When the game has not two players.
    """
    if len(game.players) != 2:
        msg = f"move order needs a two-player game; {game.name} has {len(game.players)}"
        raise SolverError(msg)
    moves = _moves(game)
    placed: list[tuple[int, str, int]] = []
    for item in order:
        if item in game.players:
            p = game.players.index(item)
            chosen = [m for m in moves if m[0] == p and m not in placed]
        else:
            chosen = [m for m in moves if item in (m[1], f"{game.players[m[0]]}.{m[1]}")]
            if not chosen:
                known = ", ".join([*game.players, *dict.fromkeys(m[1] for m in moves)])
                msg = f"move order names '{item}', which is neither a player nor a lever; " \
                      f"known: {known}"
                raise InputError(msg)
            if len(chosen) > 1:
                msg = (f"move order names lever '{item}', which both players have; write "
                       f"{' or '.join(f'{game.players[m[0]]}.{m[1]}' for m in chosen)}")
                raise InputError(msg)
            if chosen[0] in placed:
                msg = f"move order names lever '{item}' twice"
                raise InputError(msg)
        placed.extend(chosen)
    placed.extend(m for m in moves if m not in placed)
    return placed


def solve_sequential(game: Game, order: Sequence[str], *, tie_rule: str = "favour-other",
                     tol: float = 1e-9) -> SequentialResult:
    """SPE outcome of ``game`` played in ``order`` by backward induction on the lever tensor.

    Steps: (1) permute the tensor's lever axes into move order; (2) for the last axis, the
    mover's payoff-maximising levels at every node, the tie broken by ``tie_rule``; (3) keep
    both players' payoffs at that choice, dropping the axis; repeat to the root; (4) follow
    the stored choices from the root to read the path.

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    order : sequence of str
        The move order (:func:`resolve_order`).
    tie_rule : str
        How a mover breaks a tie between its best levels: ``favour-other`` (the choice best
        for the other player), ``harm-other`` or ``first`` (file order); see the module's
        docstring.
    tol : float
        Payoffs within ``tol`` of the best are ties.

    Returns
    -------
    SequentialResult
        The subgame perfect equilibrium path and outcome by backward induction (Kuhn 1953;
        Selten 1965), and how many decision nodes had ties.
    """
    if tie_rule not in TIE_RULES:
        msg = f"unknown tie rule '{tie_rule}'; expected one of: {', '.join(TIE_RULES)}"
        raise InputError(msg)
    moves = resolve_order(game, order)
    sizes = [len(levels) for player in game.levels for levels in player]
    tensor = np.asarray(game.payoffs, dtype=float).reshape(2, *sizes)
    eps = tol * max(1.0, float(np.abs(tensor).max(initial=0.0)))
    values = np.transpose(tensor, (0, *[1 + m[2] for m in moves]))
    choices: list[FloatArray] = []
    ties: list[FloatArray] = []
    for p, _, _ in reversed(moves):
        choice, tie = _decide(values[p], values[1 - p], tie_rule, eps)
        choices.append(choice)
        ties.append(tie)
        values = np.take_along_axis(values, choice[None, ..., None], axis=-1)[..., 0]
    choices.reverse()
    ties.reverse()
    path: list[int] = []
    on_path = 0
    for choice, tie in zip(choices, ties, strict=True):
        on_path += int(tie[tuple(path)])
        path.append(int(choice[tuple(path)]))
    return SequentialResult(
        order=tuple((game.players[p], lever) for p, lever, _ in moves),
        path=tuple((game.players[p], lever, game.levels[p][_lever_pos(game, p, lever)][k])
                   for (p, lever, _), k in zip(moves, path, strict=True)),
        profile=_profile(game, moves, path), payoffs=values.copy(), tie_rule=tie_rule,
        ties=int(sum(t.sum() for t in ties)), ties_on_path=on_path)


def _decide(own: FloatArray, other: FloatArray, rule: str, eps: float
            ) -> tuple[FloatArray, FloatArray]:
    """Chosen level (last axis) at every node, and whether the mover was indifferent."""
    best = own.max(axis=-1, keepdims=True)
    candidates = np.greater_equal(own, best - eps)
    tie = candidates.sum(axis=-1) > 1
    key = {"first": np.zeros_like(own), "favour-other": other, "harm-other": -other}[rule]
    score = np.where(candidates, key, -np.inf)
    top = score.max(axis=-1, keepdims=True)
    choice = np.argmax(candidates & np.greater_equal(score, top - eps), axis=-1)
    return choice, tie


def _lever_pos(game: Game, player: int, lever: str) -> int:
    return game.levers[player].index(lever)


def _profile(game: Game, moves: list[tuple[int, str, int]], path: list[int]) -> tuple[int, int]:
    digits: list[dict[str, int]] = [{}, {}]
    for (p, lever, _), k in zip(moves, path, strict=True):
        digits[p][lever] = k
    out = []
    for p in (0, 1):
        sizes = [len(levels) for levels in game.levels[p]]
        out.append(int(np.ravel_multi_index([digits[p][lv] for lv in game.levers[p]], sizes)))
    return out[0], out[1]


def standard_orders(game: Game, issues: dict[str, Sequence[str]] | None = None
                    ) -> dict[str, tuple[str, ...]]:
    """Orders worth comparing: each player first, and lever by lever.

    Lever by lever follows the issues (issue by issue, file order within) when there are
    any, otherwise it alternates the players' levers in file order. It is left out when
    each player has a single lever (it would repeat a player-first order).

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    issues : dict of str to sequence of str, optional
        Issue name to its levers (``[bargaining.issues]``).

    Returns
    -------
    dict of str to tuple of str
        ``"<player> first"`` for each player and, when it differs, ``"lever by lever"``.
    """
    a, b = game.players
    orders: dict[str, tuple[str, ...]] = {f"{a} first": (a, b), f"{b} first": (b, a)}
    if all(len(levers) == 1 for levers in game.levers):
        return orders
    if issues:
        seq = [lever for levers in issues.values() for lever in levers]
        named = []
        for lever in seq:
            owners = [p for p in (0, 1) if lever in game.levers[p]]
            named.extend(lever if len(owners) == 1 else f"{game.players[p]}.{lever}"
                         for p in owners)
    else:
        la, lb = (list(levers) for levers in game.levers)
        named = []
        for k in range(max(len(la), len(lb))):
            named.extend(f"{game.players[p]}.{lv[k]}" for p, lv in ((0, la), (1, lb))
                         if k < len(lv))
    orders["lever by lever"] = tuple(named)
    return orders


def first_mover_value(leads: Sequence[SequentialResult]) -> FloatArray:
    """``[u_1(1 leads) - u_1(2 leads), u_2(2 leads) - u_2(1 leads)]`` from the two
    player-first results (positive: moving first pays).

    Parameters
    ----------
    leads : pair of SequentialResult
        The outcomes when player 1 moves first and when player 2 does.

    Returns
    -------
    numpy.ndarray
        Each player's gain from leading rather than following.
    """
    one, two = leads
    return np.array([one.payoffs[0] - two.payoffs[0], two.payoffs[1] - one.payoffs[1]])
