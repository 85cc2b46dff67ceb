"""``tradesim play FILE``: play the truce round by round in the terminal (the typer command;
the engine is :mod:`sim.analyses.play`).

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

:class:`~sim.analyses.play.Match` is the engine; :func:`play` is the typer command: it reads
moves from standard input (one per line, so games can be scripted), prints each round and at
the end compares the score with playing the truce and the stage equilibria every round.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.analyses.play import (
    BREACH,
    COMPLY,
    Ending,
    Match,
    Setup,
    describe,
    ending,
    goes_on,
    move_help,
    parse_move,
    setup,
)
from sim.errors import InputError


class EndOfInput(Exception):
    """Standard input ended before the game did."""


# --------------------------------------------------------------------------- moves


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
        "--rounds", help="A fixed, announced number of rounds [default: an indefinite game "
                         "ending at random when the file gives a discount factor, else the "
                         "truce's periods, else 10].")] = None,
    continuation: Annotated[float | None, typer.Option(
        "--continuation", help="Probability in (0, 1) that another round follows each round "
                               "(an indefinite game) [default: the file's per-period "
                               "delta].")] = None,
    reveal: Annotated[bool, typer.Option(
        "--reveal", help="Name the other side's strategy at the start (it is always named "
                         "at the end).")] = False,
    noise_impl: Annotated[float, typer.Option(
        "--noise-impl", help="Implementation noise in [0, 1]: P(a side meaning to comply "
                             "breaches).")] = 0.0,
    noise_perception: Annotated[float, typer.Option(
        "--noise-perception", help="Perception noise in [0, 1]: P(a compliant move is seen "
                                   "as a breach).")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed (noise, random "
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
    if rounds is not None and continuation is not None:
        msg = "--rounds and --continuation exclude each other: a fixed or a random end"
        raise InputError(msg)
    opponent = None if two_player else make_strategy(against or "")
    from sim.cli.common import limits, read_scenario
    from sim.scenario.build import build_game

    scenario = read_scenario(file)
    st = setup(scenario, build_game(scenario, max_cells=limits().max_cells), rounds)
    end = ending(scenario, rounds, continuation)
    human = (0, 1) if two_player else (_side(st.game, as_ or ""),)
    match, stops = _match(st, human, opponent, seed, eps, pi)
    moves = Moves(typer.echo)
    _intro(st, human, opponent, eps, pi, moves.interactive, end, reveal)
    _loop(st, match, human, moves, end, stops)
    _summary(st, match, human, end, opponent)


def _match(st: Setup, human: tuple[int, ...], opponent: Any, seed: int, eps: float,
           pi: float) -> tuple[Match, Any]:
    """The engine, and the stream of continuation draws (spawned after the engine's, so a
    seed gives the same noise with a fixed or a random end)."""
    import numpy as np

    game = st.game
    rng = np.random.default_rng(seed)
    levers = None
    if any(lv != ("strategy",) for lv in game.levers):
        body = st.scenario.bargaining
        levers = (game, {k: tuple(v) for k, v in (body.issues if body else {}).items()})
    match = Match(payoffs=game.payoffs, truce=st.truce, breach=st.breach,
                  strategies=tuple(None if i in human else opponent for i in (0, 1)),
                  rng=rng, noise_implementation=eps, noise_perception=pi, levers=levers)
    return match, rng.spawn(1)[0]


def _loop(st: Setup, match: Match, human: tuple[int, ...], moves: Moves, end: Ending,
          stops: Any) -> None:
    try:
        for k in range(end.rounds or st.rounds):
            _round(st, match, human, moves, end)
            if end.continuation is not None:
                if not goes_on(stops, end.continuation):
                    typer.echo("  The game ends here.")
                    break
                if k + 1 < (end.rounds or st.rounds):
                    typer.echo("  Another round follows.")
    except KeyboardInterrupt:
        typer.echo("")
        typer.echo(f"interrupted after {len(match.rounds)} of {st.rounds} rounds; the game "
                   "was not finished", err=True)
        raise typer.Exit(130) from None
    except EndOfInput:
        if match.rounds:
            _summary(st, match, human, end, None)
        n = len(match.rounds)
        played = f"{n} of {st.rounds} rounds" if end.continuation is None else \
            f"{n} round{'' if n == 1 else 's'}"
        msg = f"standard input ended after {played}; expected one move per line"
        raise InputError(msg) from None


def _intro(st: Setup, human: tuple[int, ...], opponent: Any, eps: float, pi: float,
           interactive: bool, end: Ending, reveal: bool) -> None:
    game = st.game
    echo = typer.echo
    if end.continuation is None:
        echo(f"{st.scenario.title}: {st.rounds} rounds.")
    else:
        echo(f"{st.scenario.title}: after each round another follows with probability "
             f"{end.continuation:.3g}; nobody knows which round is the last "
             f"({1 / (1 - end.continuation):.3g} rounds on average).")
    truce = " | ".join(f"{p}: {describe(game, i, st.truce[i], st.truce, st.breach)}"
                       for i, p in enumerate(game.players))
    echo(f"The truce: {truce}.")
    if len(human) == 1:
        me, other = human[0], 1 - human[0]
        who = (_strategy_name(opponent) if reveal
               else "a strategy from the truce library, named at the end")
        echo(f"You play {game.players[me]}; {game.players[other]} plays {who}: each round "
             f"it complies ({describe(game, other, st.truce[other], st.truce, st.breach)}) "
             "or breaches" + ("" if game.levers[other] == ("strategy",) else
                              ", answering a breach in kind, lever by lever") + ".")
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


def _round(st: Setup, match: Match, human: tuple[int, ...], moves: Moves,
           end: Ending) -> None:
    game = st.game
    n = len(match.rounds) + 1
    typer.echo(f"\nRound {n}" + (f" of {st.rounds}" if end.continuation is None else ""))
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
        # a hidden move is never echoed, not even a misspelt one: it would give it away
        shown = " (not echoed: moves are hidden)" if hidden else f" '{text.strip()}'"
        if not moves.interactive:
            msg = f"round {n}: unknown move{shown} for {player}; expected one of: {expected}"
            raise InputError(msg)
        typer.echo(f"  unknown move{shown}; expected one of: {expected}")


def _summary(st: Setup, match: Match, human: tuple[int, ...], end: Ending,
             opponent: Any) -> None:
    game = st.game
    n = len(match.rounds)
    echo = typer.echo
    echo("")
    echo(f"Score after {n} round{'' if n == 1 else 's'}: {_pair(game, match.totals())}.")
    if opponent is not None and len(human) == 1:
        echo(f"{game.players[1 - human[0]]} played {_strategy_name(opponent)}.")
    if end.delta is not None and n > 1:
        truce = tuple(math.fsum(float(game.payoffs[i][st.truce]) * end.delta ** k
                                for k in range(n)) for i in (0, 1))
        echo(f"Discounted at delta = {end.delta:.4g} per round (round t counts delta^(t-1)): "
             f"{_pair(game, match.totals(end.delta))}; the truce kept: {_pair(game, truce)}.")
    if end.continuation is not None:
        echo("With a random end the plain sum already weighs the future: its expected value "
             "is the discounted value of the stream at delta = the continuation probability.")
    _comparison(st, match, human)


def _comparison(st: Setup, match: Match, human: tuple[int, ...]) -> None:
    import numpy as np

    from sim.solvers.reduction import solve_reduced

    game = st.game
    n = len(match.rounds)
    totals = match.totals()
    echo = typer.echo
    plays = ", ".join(
        "/".join(_short(game, i, r.moves[i].played, st) for i in (0, 1)) for r in match.rounds)
    echo(f"Moves ({game.players[0]}/{game.players[1]}): {plays}.")
    seen = [r for r in match.rounds if any(m.complied and not m.seen_as_comply
                                           for m in r.moves)]
    if seen:
        echo(f"Perception noise: {len(seen)} rounds with a compliance seen as a breach.")
    truce = tuple(float(game.payoffs[i][st.truce]) * n for i in (0, 1))
    echo(f"Compared with {n} round{'' if n == 1 else 's'} of:")
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

