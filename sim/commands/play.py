"""``tradesim play FILE``: play the truce round by round in the terminal.

A student takes one side (``--as US``) against a strategy from the truce library
(:mod:`sim.solvers.strategies`: ``--against tit-for-tat``), or two students share a terminal
(``--two-player``, moves hidden while typed). Each round every side picks a strategy of the
stage game; the *truce* strategy (the scenario's ``[truce]`` profile) counts as complying and
anything else as a breach, which is all a library strategy sees of the other side. A library
strategy's own breach is the side's best one-shot deviation from the truce, or its levels in
the ``[truce]`` escalation profile when the file names one (as in ``tradesim truce``).

Noise, as in :mod:`sim.solvers.truce`: with *implementation noise* ε a side that means to
comply breaches instead; with *perception noise* π a compliant move is seen by the other side
as a breach. Each round draws four uniforms from one stream (so the same seed gives the same
noise whatever the moves), and a stochastic library strategy gets its own stream.

:class:`Match` is the engine (no input or output); :func:`play` is the typer command: it reads
moves from standard input (one per line, so games can be scripted), prints each round and at
the end compares the score with playing the truce and the stage equilibria every round.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.errors import InputError

DEFAULT_ROUNDS = 10
"""Rounds when the file's ``[truce]`` gives no length (else the truce's number of periods)."""
MAX_ROUNDS = 1000

COMPLY, BREACH = "comply", "breach"


class EndOfInput(Exception):
    """Standard input ended before the game did."""


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class Move:
    """What one side did in one round (strategy indices into the stage game)."""

    meant: int
    played: int
    complied: bool  # played the truce strategy
    seen_as_comply: bool  # what the other side perceived
    slipped: bool  # meant to comply, implementation noise made it a breach


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
    """

    payoffs: Any
    truce: tuple[int, int]
    breach: tuple[int, int]
    strategies: tuple[Any, Any]
    rng: Any
    noise_implementation: float = 0.0
    noise_perception: float = 0.0
    rounds: list[Round] = field(default_factory=list)

    def __post_init__(self) -> None:
        import numpy as np

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
        return self.truce[side] if comply else self.breach[side]

    def play(self, meant: tuple[int, int]) -> Round:
        """Play one round in which the sides mean to play ``meant``; return what happened."""
        import numpy as np

        u = self._noise.random(4)
        played = [self.breach[i] if meant[i] == self.truce[i]
                  and u[i] < self.noise_implementation else meant[i] for i in (0, 1)]
        complied = [played[i] == self.truce[i] for i in (0, 1)]
        seen = [complied[i] and not u[2 + i] < self.noise_perception for i in (0, 1)]
        for i, s in enumerate(self._sides):
            if s is not None and s.classifier["memory_depth"] != 0:
                s.update(self._states[i], np.array([complied[i]]), np.array([seen[1 - i]]))
        moves = tuple(Move(meant=meant[i], played=played[i], complied=complied[i],
                           seen_as_comply=seen[i], slipped=played[i] != meant[i])
                      for i in (0, 1))
        pay = tuple(float(self.payoffs[i][played[0], played[1]]) for i in (0, 1))
        r = Round(number=len(self.rounds) + 1, moves=moves, payoffs=pay)  # type: ignore[arg-type]
        self.rounds.append(r)
        return r

    def totals(self) -> tuple[float, float]:
        return (math.fsum(r.payoffs[0] for r in self.rounds),
                math.fsum(r.payoffs[1] for r in self.rounds))


# --------------------------------------------------------------------------- moves


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
    """``comply`` / ``breach``, or the strategy name, with the levels by lever."""
    if game.levers[side] == ("strategy",):
        return game.strategies[side][strategy]
    kind = COMPLY if strategy == truce[side] else BREACH
    return f"{kind}: {game.strategies[side][strategy]}"


# --------------------------------------------------------------------------- input


class Moves:
    """Reads moves: prompts at a terminal, one line each from a pipe or file."""

    def __init__(self, echo: Callable[..., None]) -> None:
        self.echo = echo
        self.interactive = sys.stdin is not None and sys.stdin.isatty()

    def ask(self, prompt: str, *, hidden: bool = False) -> str:
        """One move; raises :class:`EndOfInput` when the input ends."""
        if self.interactive:
            if hidden:
                import getpass

                try:
                    return getpass.getpass(prompt)
                except EOFError:
                    raise EndOfInput from None
            try:
                return input(prompt)
            except EOFError:
                raise EndOfInput from None
        self.echo(prompt, nl=False)
        for line in self._lines():
            self.echo("(hidden)" if hidden else line.strip())
            return line
        self.echo("")
        raise EndOfInput

    def _lines(self) -> Iterator[str]:
        while True:
            line = sys.stdin.readline() if sys.stdin is not None else ""
            if not line:
                return
            if line.strip() and not line.lstrip().startswith("#"):
                yield line


# --------------------------------------------------------------------------- the game


@dataclass(frozen=True)
class Setup:
    scenario: Any
    game: Any
    truce: tuple[int, int]
    breach: tuple[int, int]
    rounds: int


def setup(file: Path, rounds: int | None) -> Setup:
    """Load the scenario, its truce profile and each side's breach strategy."""
    from sim.analyses import settings as resolve
    from sim.cli.common import limits
    from sim.scenario import load_scenario
    from sim.scenario.build import build_game
    from sim.solvers import repeated as rp

    scenario = load_scenario(file)
    game = build_game(scenario, max_cells=limits().max_cells)
    if len(game.players) != 2:
        msg = f"{file}: play needs a two-player game, this one has {len(game.players)} players"
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


def _side(game: Any, name: str) -> int:
    names = {p.lower(): i for i, p in enumerate(game.players)}
    if name.lower() not in names:
        msg = f"--as: got '{name}'; expected one of: {', '.join(game.players)}"
        raise InputError(msg)
    return names[name.lower()]


def _g(x: float) -> str:
    x = 0.0 if abs(x) < 5e-13 else float(x)
    return f"{x:.4g}"


def _pair(game: Any, values: tuple[float, float]) -> str:
    return ", ".join(f"{p} {_g(v)}" for p, v in zip(game.players, values, strict=True))


def play(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML) with two players.")],
    as_: Annotated[str | None, typer.Option(
        "--as", help="The side you play (a player of the file, e.g. US).")] = None,
    against: Annotated[str | None, typer.Option(
        "--against", help="The other side's strategy from the truce library: comply, breach, "
                          "grim, tft (tit-for-tat), gtft[:G], wsls, limited[:K], ctft.")] = None,
    rounds: Annotated[int | None, typer.Option(
        "--rounds", help="Rounds to play [default: the truce's periods, else 10].")] = None,
    noise_impl: Annotated[float, typer.Option(
        "--noise-impl", help="Implementation noise in [0, 1]: P(a side meaning to comply "
                             "breaches).")] = 0.0,
    noise_perception: Annotated[float, typer.Option(
        "--noise-perception", help="Perception noise in [0, 1]: P(a compliant move is seen "
                                   "as a breach).")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (noise, random "
                                                     "strategies).")] = 0,
    two_player: Annotated[bool, typer.Option(
        "--two-player", help="Two people share the terminal; moves are hidden while typed.")]
        = False,
) -> None:
    """Play the truce round by round against a strategy (moves from standard input).

    Type one move per round (at a terminal, or piped in, one per line).

    Example: printf 'comply\\ncomply\\nbreach\\n' | tradesim play
    scenarios/classroom/prisoners-dilemma.toml --as US --against tit-for-tat --rounds 3
    """
    import numpy as np

    from sim.solvers.strategies import make_strategy
    from sim.solvers.truce import check_noise

    eps = check_noise(noise_impl, "--noise-impl")
    pi = check_noise(noise_perception, "--noise-perception")
    if two_player and against is not None:
        msg = "--against and --two-player exclude each other: choose one"
        raise InputError(msg)
    if not two_player and (against is None or as_ is None):
        msg = "expected --as PLAYER and --against STRATEGY (or --two-player)"
        raise InputError(msg)
    opponent = None if two_player else make_strategy(against or "")
    st = setup(file, rounds)
    game = st.game
    human = (0, 1) if two_player else (_side(game, as_ or ""),)
    strategies = tuple(None if i in human else opponent for i in (0, 1))
    match = Match(payoffs=game.payoffs, truce=st.truce, breach=st.breach,
                  strategies=strategies, rng=np.random.default_rng(seed),
                  noise_implementation=eps, noise_perception=pi)
    moves = Moves(typer.echo)
    _intro(st, human, opponent, eps, pi, moves.interactive)
    try:
        for _ in range(st.rounds):
            _round(st, match, human, moves)
    except KeyboardInterrupt:
        typer.echo("")
        typer.echo(f"interrupted after {len(match.rounds)} of {st.rounds} rounds; "
                   "the game was not finished", err=True)
        raise typer.Exit(130) from None
    except EndOfInput:
        if match.rounds:
            _summary(st, match, human)
        msg = (f"standard input ended after {len(match.rounds)} of {st.rounds} rounds; "
               "expected one move per line")
        raise InputError(msg) from None
    _summary(st, match, human)


def _intro(st: Setup, human: tuple[int, ...], opponent: Any, eps: float, pi: float,
           interactive: bool) -> None:
    game = st.game
    echo = typer.echo
    echo(f"{st.scenario.title}: {st.rounds} rounds.")
    truce = " | ".join(f"{p}: {describe(game, i, st.truce[i], st.truce, st.breach)}"
                       for i, p in enumerate(game.players))
    echo(f"The truce: {truce}.")
    if len(human) == 1:
        me, other = human[0], 1 - human[0]
        echo(f"You play {game.players[me]}; {game.players[other]} plays "
             f"{_strategy_name(opponent)}: each round it complies "
             f"({describe(game, other, st.truce[other], st.truce, st.breach)}) or breaches "
             f"({describe(game, other, st.breach[other], st.truce, st.breach)}).")
    else:
        echo(f"Two players: {game.players[0]} and {game.players[1]} type their moves in turn"
             + (" (hidden)." if interactive else "."))
    for i in human:
        echo(f"Moves for {game.players[i]}: {move_help(game, i, st.truce, st.breach)}.")
    if eps or pi:
        echo(f"Noise: implementation {eps:g} (a meant compliance comes out as a breach), "
             f"perception {pi:g} (a compliance is seen as a breach).")


def _strategy_name(s: Any) -> str:
    from sim.solvers.strategies import LIBRARY

    entry = LIBRARY.get(s.name)
    about = entry.about.split(" (")[0] if entry else s.name
    return f"{about} ({s.label})" if about != s.label else about


def _round(st: Setup, match: Match, human: tuple[int, ...], moves: Moves) -> None:
    game = st.game
    n = len(match.rounds) + 1
    typer.echo(f"\nRound {n} of {st.rounds}")
    meant = [0, 0]
    for i in (0, 1):
        if i in human:
            meant[i] = _ask(st, i, moves, n, hidden=len(human) == 2)
        else:
            meant[i] = match.intended(i)
    r = match.play((meant[0], meant[1]))
    width = max(len(p) for p in game.players)
    for i, p in enumerate(game.players):
        m = r.moves[i]
        line = f"  {p:<{width}}  {describe(game, i, m.played, st.truce, st.breach)}"
        if m.slipped:
            line += " (meant to comply; implementation noise)"
        if m.complied and not m.seen_as_comply:
            viewer = "you" if human == (1 - i,) else game.players[1 - i]
            line += f" -- {viewer} saw a breach (perception noise)"
        typer.echo(line)
    typer.echo(f"  this round: {_pair(game, r.payoffs)}; so far: {_pair(game, match.totals())}")


def _ask(st: Setup, side: int, moves: Moves, n: int, *, hidden: bool) -> int:
    game = st.game
    player = game.players[side]
    while True:
        text = moves.ask(f"  {player}'s move: ", hidden=hidden)
        index = parse_move(text, game, side, st.truce, st.breach)
        if index is not None:
            return index
        expected = move_help(game, side, st.truce, st.breach)
        if not moves.interactive:
            msg = (f"round {n}: unknown move '{text.strip()}' for {player}; expected one of: "
                   f"{expected}")
            raise InputError(msg)
        typer.echo(f"  unknown move '{text.strip()}'; expected one of: {expected}")


def _summary(st: Setup, match: Match, human: tuple[int, ...]) -> None:
    import numpy as np

    from sim.solvers.reduction import solve_reduced

    game = st.game
    n = len(match.rounds)
    totals = match.totals()
    echo = typer.echo
    echo("")
    echo(f"Score after {n} round{'' if n == 1 else 's'}: {_pair(game, totals)}.")
    plays = ", ".join(
        "/".join(_short(game, i, r.moves[i].played, st) for i in (0, 1)) for r in match.rounds)
    echo(f"Moves ({game.players[0]}/{game.players[1]}): {plays}.")
    seen = [r for r in match.rounds if any(m.complied and not m.seen_as_comply
                                           for m in r.moves)]
    if seen:
        echo(f"Perception noise: {len(seen)} rounds with a compliance seen as a breach.")
    truce = tuple(float(game.payoffs[i][st.truce]) * n for i in (0, 1))
    echo(f"Compared with {n} rounds of:")
    echo(f"  the truce kept ({game.profile_label(st.truce)}): {_pair(game, truce)}")
    eqs = solve_reduced(game.payoffs)
    for eq in eqs.equilibria[:4]:
        label = " | ".join(f"{p}: {_mixed(game, i, eq.strategies[i])}"
                           for i, p in enumerate(game.players))
        value = tuple(float(eq.payoffs[i]) * n for i in (0, 1))
        kind = "stage equilibrium" if all(np.max(x) > 1 - 1e-9 for x in eq.strategies) \
            else "mixed stage equilibrium (expected)"
        echo(f"  the {kind} ({label}): {_pair(game, value)}")
    if len(eqs.equilibria) > 4:
        echo(f"  ... and {len(eqs.equilibria) - 4} more equilibria (tradesim solve lists them)")
    if len(human) == 1 and eqs.equilibria:
        me = human[0]
        best_eq = max(float(eq.payoffs[me]) * n for eq in eqs.equilibria)
        echo(f"You ({game.players[me]}) scored {_g(totals[me])}: {_diff(totals[me], truce[me])} "
             f"the truce and {_diff(totals[me], best_eq)} your best equilibrium.")


def _diff(x: float, y: float) -> str:
    d = x - y
    if abs(d) < 1e-9:
        return "the same as"
    return f"{_g(abs(d))} {'more' if d > 0 else 'less'} than"


def _short(game: Any, side: int, strategy: int, st: Setup) -> str:
    if game.levers[side] == ("strategy",):
        return game.strategies[side][strategy]
    return COMPLY if strategy == st.truce[side] else BREACH


def _mixed(game: Any, side: int, x: Any) -> str:
    from sim.render.text import mixed_label

    return mixed_label(game, side, x)

