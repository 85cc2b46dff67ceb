"""The classroom game of ``tradesim play``: the engine, without input or output.

:class:`Match` plays rounds of the stage game between two sides, each either a person (moves
given from outside) or a strategy of the truce library (:mod:`sim.solvers.strategies`); the
*truce* strategy (the scenario's ``[truce]`` profile) counts as complying and anything else
as a breach, which is all a library strategy sees of the other side. A library strategy's own
breach is the side's best one-shot deviation from the truce, or its levels in the ``[truce]``
escalation profile when the file names one (as in ``tradesim truce``).

Noise, as in :mod:`sim.solvers.truce`: with *implementation noise* ε a side that means to
comply breaches instead; with *perception noise* π a compliant move is seen by the other side
as a breach. Each round draws four uniforms from one stream (so the same seed gives the same
noise whatever the moves), and a stochastic library strategy gets its own stream.

**Moves by lever.** In a game with levers a move changes some levers from the truce levels.
A change *breaches* the truce only if it harms the other side (:func:`breached_levers`: its
payoff falls when that lever alone moves away from the truce); a concession, or a partial one,
is not a breach. A library strategy that breaches answers *in kind* (:func:`answer`): on a
lever of the same ``[bargaining]`` issue where it can hurt, else with its mildest harmful
one-lever change that hurts at least as much as it was hurt, so a slowed licence is not
answered with the file's whole escalation.

**Ending.** A fixed number of rounds, or an indefinite game: after each round another follows
with continuation probability *p* (the scenario's per-period δ by default), so the expected
sum of payoffs equals the discounted value of the stream (Dal Bó 2005, *American Economic
Review* 95(5)); the draws come from their own stream (:func:`goes_on`).
:func:`setup` finds the truce, the breaches and the number of rounds; the terminal game is
:mod:`sim.cli.play`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analyses import settings as resolve
from sim.errors import InputError
from sim.game import Game
from sim.scenario import Scenario
from sim.solvers import repeated as rp

COMPLY, BREACH = "comply", "breach"
"""The two moves every side has besides the stage game's strategy names."""

DEFAULT_ROUNDS = 10
"""Rounds when the file's ``[truce]`` gives no length (else the truce's number of periods)."""

MAX_ROUNDS = 1000

@dataclass(frozen=True)
class Move:
    """What one side did in one round (strategy indices into the stage game)."""

    meant: int
    played: int
    complied: bool  # played the truce strategy
    seen_as_comply: bool  # what the other side perceived
    slipped: bool  # meant to comply, implementation noise made it a breach
    breached: tuple[str, ...] = ()  # levers whose change harmed the other side

@dataclass(frozen=True)
class Round:
    number: int
    moves: tuple[Move, Move]
    payoffs: tuple[float, float]

@dataclass
class Match:
    """A repeated truce game between two sides, each human or a library strategy.

    Parameters
    ----------
    payoffs : stage-game payoffs, shape ``(2, m, n)``.
    truce : the truce profile ``(i, j)``.
    breach : each side's breach strategy (what a library strategy plays when it breaches).
    strategies : per side, a library strategy or ``None`` for a human.
    rng : the random source; spawns the noise stream and one stream per library strategy.
    levers : for a game with levers, ``(game, issues)``: moves are judged and answered by
        lever (:func:`breached_levers`, :func:`answer`); ``None``: a move complies only if it
        is the truce strategy, and a library side's breach is ``breach``.
    """

    payoffs: Any
    truce: tuple[int, int]
    breach: tuple[int, int]
    strategies: tuple[Any, Any]
    rng: Any
    noise_implementation: float = 0.0
    noise_perception: float = 0.0
    levers: Any = None
    rounds: list[Round] = field(default_factory=list)

    def __post_init__(self) -> None:

        from sim.solvers.truce import TruceGame

        arr = np.asarray(self.payoffs, dtype=float)
        rows, cols = [self.truce[0], self.breach[0]], [self.truce[1], self.breach[1]]
        small = TruceGame(payoffs=arr[:, rows][:, :, cols], truce=self.truce, breach=self.breach)
        self._noise, *streams = self.rng.spawn(3)
        self._sides = [None if s is None else s.for_game(small.own(i))
                       for i, s in enumerate(self.strategies)]
        self._streams = [r if s is not None and s.classifier["stochastic"] else None
                         for s, r in zip(self._sides, streams, strict=True)]
        self._states = [None if s is None else s.start(1) for s in self._sides]

    def intended(self, side: int) -> int:
        """The strategy a library side means to play this round."""
        s = self._sides[side]
        if s is None:
            msg = f"side {side} is played by a person"
            raise InputError(msg)
        comply = bool(s.intend(self._states[side], self._streams[side])[0])
        if comply:
            return self.truce[side]
        if self.levers is None:
            return self.breach[side]
        game, issues = self.levers
        last = self.rounds[-1].moves[1 - side] if self.rounds else None
        seen = last.breached if last is not None and not last.seen_as_comply else ()
        hurt = 0.0 if last is None else float(
            self.payoffs[side][self.truce] - self.payoffs[side][
                (last.played, self.truce[1]) if side == 1 else (self.truce[0], last.played)])
        return answer(game, side, self.truce, self.breach[side], seen, hurt, issues)

    def play(self, meant: tuple[int, int]) -> Round:
        """Play one round in which the sides mean to play ``meant``; return what happened."""

        u = self._noise.random(4)
        played = [self.breach[i] if meant[i] == self.truce[i]
                  and u[i] < self.noise_implementation else meant[i] for i in (0, 1)]
        breached = [self._breached(i, played[i]) for i in (0, 1)]
        complied = [not b for b in breached]
        seen = [complied[i] and not u[2 + i] < self.noise_perception for i in (0, 1)]
        for i, s in enumerate(self._sides):
            if s is not None and s.classifier["memory_depth"] != 0:
                s.update(self._states[i], np.array([complied[i]]), np.array([seen[1 - i]]))
        moves = tuple(Move(meant=meant[i], played=played[i], complied=complied[i],
                           seen_as_comply=seen[i], slipped=played[i] != meant[i],
                           breached=breached[i])
                      for i in (0, 1))
        pay = tuple(float(self.payoffs[i][played[0], played[1]]) for i in (0, 1))
        r = Round(number=len(self.rounds) + 1, moves=moves, payoffs=pay)  # type: ignore[arg-type]
        self.rounds.append(r)
        return r

    def _breached(self, side: int, played: int) -> tuple[str, ...]:
        if played == self.truce[side]:
            return ()
        if self.levers is None:
            return ("strategy",)
        return breached_levers(self.levers[0], side, self.truce, played)

    def totals(self, delta: float = 1.0) -> tuple[float, float]:
        """Each side's sum of payoffs, round ``t`` weighted by ``delta ** (t - 1)``."""
        w = [delta ** k for k in range(len(self.rounds))]
        return (math.fsum(x * r.payoffs[0] for x, r in zip(w, self.rounds, strict=True)),
                math.fsum(x * r.payoffs[1] for x, r in zip(w, self.rounds, strict=True)))


def goes_on(rng: Any, continuation: float) -> bool:
    """Whether another round follows: a draw with probability ``continuation``."""
    return bool(rng.random() < continuation)


def _profile(side: int, own: int, other: int) -> tuple[int, int]:
    return (own, other) if side == 0 else (other, own)


def _one_lever_changes(game: Game, side: int, start: int) -> list[tuple[str, int]]:
    """Each ``(lever, strategy)`` that differs from ``start`` on exactly one lever."""
    choice = game.lever_choice(side, start)
    player, other = game.players[side], game.players[1 - side]
    out = []
    for k, lever in enumerate(game.levers[side]):
        for level in game.levels[side][k]:
            if level == choice[lever]:
                continue
            index = game.profile_index({player: {**choice, lever: level},
                                        other: game.lever_choice(1 - side, 0)})
            out.append((lever, index[side]))
    return out


def breached_levers(game: Game, side: int, truce: tuple[int, int], played: int
                    ) -> tuple[str, ...]:
    """The levers of ``played`` whose change from the truce, alone, lowers the other side's
    payoff (the other side at its truce strategy): a breach; other changes are concessions."""
    now = game.lever_choice(side, played)
    base = game.lever_choice(side, truce[side])
    other = 1 - side
    worst = float(game.payoffs[other][truce]) - 1e-12
    player, rival = game.players[side], game.players[1 - side]
    rival_truce = game.lever_choice(other, truce[other])
    harmed = []
    for lever in game.levers[side]:
        if now[lever] == base[lever]:
            continue
        alone = game.profile_index({player: {**base, lever: now[lever]}, rival: rival_truce})
        if float(game.payoffs[other][alone]) < worst:
            harmed.append(lever)
    return tuple(harmed)


def answer(game: Game, side: int, truce: tuple[int, int], fallback: int,
           seen: tuple[str, ...], hurt: float, issues: dict[str, tuple[str, ...]]) -> int:
    """A library side's breach, in kind: the strategy it plays when it means to breach.

    Among its one-lever changes from the truce that harm the other side: (1) one on a lever
    of an issue the other side was seen to breach, the most harmful; else (2) the mildest
    whose harm is at least ``hurt`` (what the other side's move cost it); else (3) the most
    harmful. Without any harmful change, ``fallback`` (the file's breach).
    """
    other = 1 - side
    base = float(game.payoffs[other][truce])
    harm = {(lever, s): base - float(game.payoffs[other][_profile(side, s, truce[other])])
            for lever, s in _one_lever_changes(game, side, truce[side])}
    harm = {k: v for k, v in harm.items() if v > 1e-12}
    if not harm:
        return fallback
    related = {lv for levers in issues.values() if set(levers) & set(seen) for lv in levers}
    kind = [k for k in harm if k[0] in related]
    if kind:
        return max(kind, key=lambda k: harm[k])[1]
    enough = [k for k in harm if harm[k] >= hurt - 1e-12]
    if enough:
        return min(enough, key=lambda k: harm[k])[1]
    return max(harm, key=lambda k: harm[k])[1]

def parse_move(text: str, game: Any, side: int, truce: tuple[int, int],
               breach: tuple[int, int]) -> int | None:
    """The strategy index a typed move names, or ``None`` when it names none."""
    t = " ".join(text.strip().lower().split())
    strategies = [s.lower() for s in game.strategies[side]]
    if t in strategies:
        return strategies.index(t)
    if t == COMPLY:
        return truce[side]
    if t == BREACH:
        return breach[side]
    if game.levers[side] == ("strategy",):
        return None
    choice = game.lever_choice(side, truce[side])
    levers = {lv.lower(): lv for lv in game.levers[side]}
    for part in t.split(","):
        lever, _, level = (x.strip() for x in part.partition("="))
        if not level:  # a bare level name, if exactly one of the side's levers has it
            owners = [lv for k, lv in enumerate(game.levers[side])
                      if lever in {x.lower() for x in game.levels[side][k]}]
            if len(owners) != 1:
                return None
            lever, level = owners[0].lower(), lever
        if lever not in levers:
            return None
        k = game.levers[side].index(levers[lever])
        levels = {lv.lower(): lv for lv in game.levels[side][k]}
        if level not in levels:
            return None
        choice[levers[lever]] = levels[level]
    player = game.players[side]
    other = game.players[1 - side]
    index = game.profile_index({player: choice,
                                other: game.lever_choice(1 - side, truce[1 - side])})
    return index[side]

def move_help(game: Any, side: int, truce: tuple[int, int], breach: tuple[int, int]) -> str:
    """The valid moves, in words, for prompts and error messages."""
    if game.levers[side] == ("strategy",):
        names = list(game.strategies[side])
        aliases = [f"{n} = {game.strategies[side][s]}"
                   for n, s in ((COMPLY, truce[side]), (BREACH, breach[side])) if n not in names]
        return ", ".join(names) + (f" (or {', '.join(aliases)})" if aliases else "")
    choice = game.lever_choice(side, truce[side])
    lever = game.levers[side][0]
    level = next(lv for lv in game.levels[side][0] if lv != choice[lever])
    return (f"comply, breach, or lever=level changes to the truce, e.g. '{lever}={level}' "
            f"or just '{level}' (levers: {', '.join(game.levers[side])})")

def describe(game: Any, side: int, strategy: int, truce: tuple[int, int],
             breach: tuple[int, int]) -> str:
    """``comply`` / ``breach (levers)`` / ``concession``, or the strategy name, with the
    levels by lever."""
    if game.levers[side] == ("strategy",):
        return game.strategies[side][strategy]
    if strategy == truce[side]:
        kind = COMPLY
    else:
        harmed = breached_levers(game, side, truce, strategy)
        kind = f"{BREACH} ({', '.join(harmed)})" if harmed else "concession"
    return f"{kind}: {game.strategies[side][strategy]}"

@dataclass(frozen=True)
class Ending:
    """How a game ends.

    ``continuation`` is ``None`` for a fixed number of rounds (``Setup.rounds``, announced),
    else the probability that another round follows each one, with at most ``rounds``
    rounds (a safety cap no class reaches: at p = 0.9, 1000 rounds have probability
    1.7e-46). ``delta`` is the file's per-period discount factor, for discounted totals.
    """

    continuation: float | None
    rounds: int | None
    delta: float | None


def ending(scenario: Scenario, rounds: int | None, continuation: float | None) -> Ending:
    """A fixed end when ``rounds`` is given; else a random end with ``continuation`` or, by
    default, the scenario's per-period δ (its discount and renewal, as ``tradesim truce``
    reads them); a fixed end when the file gives no δ."""
    delta = resolve.truce_clock(scenario).delta if scenario.truce else None
    if continuation is not None:
        if isinstance(continuation, bool) or not 0 < continuation < 1:
            msg = f"--continuation: expected a probability strictly between 0 and 1, got " \
                  f"{continuation}"
            raise InputError(msg)
        return Ending(float(continuation), MAX_ROUNDS, delta)
    if rounds is None and delta is not None and 0 < delta < 1:
        return Ending(float(delta), MAX_ROUNDS, delta)
    return Ending(None, None, delta)


@dataclass(frozen=True)
class Setup:
    scenario: Any
    game: Any
    truce: tuple[int, int]
    breach: tuple[int, int]
    rounds: int

def setup(scenario: Scenario, game: Game, rounds: int | None) -> Setup:
    """The truce profile, each side's breach strategy and the number of rounds.

    Parameters
    ----------
    scenario, game : a two-player scenario and its game.
    rounds : the rounds to play; ``None``: the truce's periods (:mod:`sim.analyses.settings`,
        as ``tradesim truce`` counts them), or :data:`DEFAULT_ROUNDS` without a ``[truce]``.

    Returns
    -------
    Setup
    """
    if len(game.players) != 2:
        msg = (f"{scenario.path or scenario.name}: play needs a two-player game, this one has "
               f"{len(game.players)} players")
        raise InputError(msg)
    body = scenario.truce
    truce = resolve.profile_index(scenario, game, body.profile if body else None)
    if truce is None:
        joint = game.payoffs[0] + game.payoffs[1]
        flat = int(joint.argmax())
        truce = (flat // joint.shape[1], flat % joint.shape[1])
    escalation = resolve.profile_index(scenario, game, body.escalation if body else None)
    if escalation is not None and escalation != truce:
        breach = (escalation[0] if escalation[0] != truce[0] else rp.best_deviation(
            game.payoffs, truce, 0)[0], escalation[1] if escalation[1] != truce[1]
            else rp.best_deviation(game.payoffs, truce, 1)[0])
    else:
        breach = (rp.best_deviation(game.payoffs, truce, 0)[0],
                  rp.best_deviation(game.payoffs, truce, 1)[0])
    for i in (0, 1):  # a side with no gainful deviation still needs a breach to play
        if breach[i] == truce[i] and game.shape[i] > 1:
            own = game.payoffs[i][:, truce[1]] if i == 0 else game.payoffs[i][truce[0], :]
            order = [int(k) for k in own.argsort()[::-1] if int(k) != truce[i]]
            breach = (order[0], breach[1]) if i == 0 else (breach[0], order[0])
    if rounds is None:  # the truce's periods, as `tradesim truce` counts them
        rounds = resolve.truce_clock(scenario).periods if body else DEFAULT_ROUNDS
    if isinstance(rounds, bool) or not 1 <= rounds <= MAX_ROUNDS:
        msg = f"--rounds: expected a whole number from 1 to {MAX_ROUNDS}, got {rounds}"
        raise InputError(msg)
    return Setup(scenario=scenario, game=game, truce=truce, breach=breach, rounds=rounds)
