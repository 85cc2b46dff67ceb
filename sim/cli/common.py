"""What every command shares: one-line errors and exit codes, loading, the command line.

Only the command line catches :class:`~sim.errors.TradesimError`: :func:`guarded` prints one
line to standard error and exits with the error's code (2 bad input, 3 a limit reached,
4 internal error); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import functools
import inspect
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from sim.errors import LimitError, ScenarioErrors, Terminated, TradesimError, printable

if TYPE_CHECKING:
    from sim.limits import Limits

BAD_INPUT = 2
LIMIT_REACHED = 3
INTERNAL_ERROR = 4
INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
TERMINATED = 143  # 128 + SIGTERM
BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`tradesim show ... | head`)
_state: dict[str, Any] = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = BAD_INPUT) -> typer.Exit:
    """Print ``message`` as one line on standard error and return the Exit to raise."""
    typer.echo(f"error: {printable(message)}", err=True)
    return typer.Exit(code)


def guarded(fn: F) -> F:
    """Turn :class:`TradesimError` (and stray exceptions) into one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except ScenarioErrors as exc:
            if _state["debug"]:
                raise
            for e in exc.errors:
                typer.echo(f"error: {e.one_line()}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except TradesimError as exc:
            if _state["debug"]:
                raise
            raise fail(with_option_hint(exc), exc.exit_code) from None
        except KeyboardInterrupt as exc:
            what, code = (("terminated", TERMINATED) if isinstance(exc, Terminated)
                          else ("interrupted", INTERRUPTED))
            raise fail(f"{what}; no partial results were written", code) from None
        except BrokenPipeError:
            # the reader closed the pipe: stop quietly, and keep Python's exit-time flush of
            # stdout from raising again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(BROKEN_PIPE) from None
        except Exception as exc:
            if _state["debug"]:
                raise
            signalled = _signal_behind(exc)
            if signalled is not None:  # e.g. SIGTERM during an import: "initialization failed"
                what, code = signalled
                raise fail(f"{what}; no partial results were written", code) from None
            raise fail(f"internal error ({type(exc).__name__}: {exc}); rerun with --debug "
                       "for the traceback and report it on the project's issue tracker",
                       INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


def _raise_terminated(signum: int, frame: object) -> None:
    _state["terminated"] = True
    raise Terminated


def _signal_behind(exc: BaseException) -> tuple[str, int] | None:
    """Was ``exc`` caused by Ctrl-C or SIGTERM arriving mid-operation?

    A signal's exception raised inside an import or a C extension can surface as another
    exception (``ImportError: initialization failed``); the handler's flag and the
    exception chain tell.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, Terminated):
            return "terminated", TERMINATED
        if isinstance(seen, KeyboardInterrupt):
            return "interrupted", INTERRUPTED
        seen = seen.__cause__ or seen.__context__
    if _state.get("terminated"):
        return "terminated", TERMINATED
    return None


def terminate_cleanly() -> None:
    """Turn SIGTERM into :class:`Terminated` so clean-ups run as on Ctrl-C (exit 143)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


LIMIT_OPTIONS = {
    "max_cells": "raise it with `tradesim --max-cells N ...`",
    "max_run_periods": "raise it with `tradesim --max-run-periods N ...` or use fewer --runs",
    "max_supports": "raise it with `tradesim solve --max-supports N` or use --method "
    "lemke-howson",
}
"""What a user types to raise each limit; the core's messages name the limit only."""


def with_option_hint(exc: TradesimError) -> str:
    """The error's message, plus the option that raises the limit for a :class:`LimitError`."""
    hint = LIMIT_OPTIONS.get(getattr(exc, "limit", None) or "") if isinstance(
        exc, LimitError) else None
    return f"{exc}; {hint}" if hint else str(exc)


def limits() -> Limits:
    """This invocation's limits (``tradesim --max-cells N --max-run-periods N``)."""
    from sim.limits import Limits

    given = {k: v for k in ("max_cells", "max_run_periods") if (v := _state.get(k)) is not None}
    return Limits(**given)


def grid() -> int | None:
    """This invocation's ``tradesim --grid N`` (``None``: the default), passed down."""
    return _state.get("grid")


def read_scenario(path: Path):
    """The scenario file at ``path``, continuous levers discretised as ``--grid`` asks and
    with this invocation's ``--set NAME=VALUE`` values (a warning for each outside its
    assumption's range)."""
    from sim.scenario import load_scenario

    sets = _state.get("set") or ()
    if not sets:
        return load_scenario(path, grid=grid())
    from sim.scenario.load import loads_scenario, parse_toml, read_text
    from sim.scenario.sets import check_sets, parse_set, with_sets

    pairs = [parse_set(s) for s in sets]
    text = read_text(path)
    for warning in check_sets(parse_toml(text, path), pairs, str(path)):
        typer.echo(f"warning: {warning}", err=True)
    return loads_scenario(with_sets(text, pairs), path, grid=grid())


def with_set(fn: F) -> F:
    """Give a command that reads a scenario the repeatable ``--set NAME=VALUE`` option."""
    option = typer.Option("--set", help="Change a fact or assumption for this run "
                          "(checked like the file; repeatable).", metavar="NAME=VALUE")
    extra = inspect.Parameter("set_values", inspect.Parameter.KEYWORD_ONLY, default=None,
                              annotation=Annotated[list[str] | None, option])
    sig = inspect.signature(fn, eval_str=True)

    @functools.wraps(fn)
    def wrapper(*args: Any, set_values: list[str] | None = None, **kwargs: Any) -> Any:
        _state["set"] = tuple(set_values or ())
        return fn(*args, **kwargs)

    wrapper.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[*sig.parameters.values(), extra])
    wrapper.__annotations__ = {**getattr(fn, "__annotations__", {}),
                               "set_values": extra.annotation}
    return wrapper  # type: ignore[return-value]


def load_any(path: Path):
    """A scenario (``.toml``) or a Gambit game (``.nfg``) as ``(scenario or None, game)``."""
    from sim.scenario.build import build_game

    if path.suffix.lower() == ".nfg":
        from sim.formats.nfg import load_nfg

        return None, load_nfg(path, max_cells=limits().max_cells).game
    scenario = read_scenario(path)
    return scenario, build_game(scenario, max_cells=limits().max_cells)


def command_line() -> str:
    """The command as typed, for the record in results files."""
    return "tradesim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def progress_bar() -> tuple[Any, Callable[[str, int, int], None] | None]:
    """A rich progress bar on standard error and its ``update(stage, done, total)``, or
    ``(None, None)`` when standard error is not a terminal."""
    from rich.console import Console

    from sim.terminal import raw_stream

    console = Console(file=raw_stream(sys.stderr))  # its escape sequences are ours
    if not console.is_terminal:
        return None, None
    from rich.progress import Progress as Bar

    bar = Bar(console=console, transient=True)
    ids: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in ids:
            ids[stage] = bar.add_task(stage, total=total)
        bar.update(ids[stage], completed=done)

    return bar, update
