"""The `tradesim` command line (typer). Thin: parse options, call the core, write, print.

Errors become one line and an exit code in :func:`sim.cli.common.guarded`.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from sim.cli.bargain import bargain
from sim.cli.common import (
    INTERRUPTED,
    _state,
    command_line,
    fail,
    guarded,
    limits,
    load_any,
    progress_bar,
    read_scenario,
    terminate_cleanly,
    with_option_hint,
    with_set,
)
from sim.cli.compare import compare as compare_command
from sim.cli.export import export as export_command
from sim.cli.learn import learn as learn_command
from sim.cli.play import play as play_command
from sim.cli.sweep import sweep as sweep_command
from sim.cli.timeline import timeline as timeline_command
from sim.cli.truce import truce as truce_command
from sim.errors import ScenarioErrors, TradesimError, printable


def _usage_error_class() -> type[Exception] | None:
    try:  # typer >= 0.2x vendors click privately; older typer uses click itself
        from typer._click.exceptions import UsageError
    except ImportError:
        try:
            from click.exceptions import UsageError
        except ImportError:
            return None
    return UsageError


_USAGE_ERROR = _usage_error_class()


class _Group(TyperGroup):
    """The command group: a subcommand's usage error (bad option value, unreadable path)
    is shown as one line, like the tool's own errors, with exit code 2."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:  # the global options (`tradesim --max-cells x ...`) are parsed here
            return super().make_context(*args, **kwargs)
        except Exception as exc:
            _one_line_usage(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            _one_line_usage(exc)
            raise


def _one_line_usage(exc: Exception) -> None:
    if (_USAGE_ERROR is not None and isinstance(exc, _USAGE_ERROR)
            and type(exc).__name__ != "NoArgsIsHelpError"):
        exc.show = functools.partial(_show_usage_error, exc)  # type: ignore[attr-defined]


def _show_usage_error(exc: Any, file: Any = None) -> None:
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    typer.echo(f"error: {printable(exc.format_message())}{hint}", err=True)


def _metavar_is_enough() -> None:
    """Typer prints an argument's Python type beside it (``FILE <list[Path]>``); an argument
    with a metavar already says what to type, so its type is left out."""
    from typer.core import TyperArgument

    plain = TyperArgument.display_type_rich
    if not getattr(plain, "tradesim", False):
        TyperArgument.display_type_rich = lambda self, ctx: (  # type: ignore[method-assign]
            None if self.metavar else plain(self, ctx))
        TyperArgument.display_type_rich.tradesim = True  # type: ignore[attr-defined]


_metavar_is_enough()

app = typer.Typer(
    cls=_Group,
    name="tradesim",
    help="Game-theoretic negotiation simulator: scenario files → equilibria, truce stability, "
    "bargaining.\n\nExample: tradesim run scenarios/london-2025.toml",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_SCENARIO = Path("scenarios/london-2025.toml")
class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@app.callback()
def _main(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks (for developers).")]
    = False,
    max_cells: Annotated[int | None, typer.Option(
        "--max-cells", min=0, help="Limit on payoff cells (players x profiles) of any game, for "
        "every command [default: 20,000,000].")] = None,
    max_run_periods: Annotated[int | None, typer.Option(
        "--max-run-periods", min=0, help="Limit on a truce simulation's (runs + 1000) x periods "
        "[default: 1,000,000,000].")] = None,
    grid: Annotated[int | None, typer.Option(
        "--grid", help="Discretise each continuous lever (range = [lo, hi]) into N evenly "
        "spaced values, plus its named levels, for every analysis [default: 5].")] = None,
) -> None:
    """Game-theoretic negotiation simulator."""
    if ctx.invoked_subcommand != "serve":  # the server's log is its own
        from sim.terminal import escaping_streams

        ctx.with_resource(escaping_streams())  # no control characters from files reach a terminal
    _state["debug"] = debug
    if grid is not None:
        from sim.scenario.levers import MAX_GRID

        if not 2 <= grid <= MAX_GRID:
            raise fail(f"--grid: expected a whole number of values from 2 to {MAX_GRID}, "
                       f"got {grid}")
    _state["grid"] = grid  # read by common.read_scenario(), passed down as an argument
    _state["set"] = ()  # a command's --set (common.with_set), read by common.read_scenario()
    _state["terminated"] = False
    _state["max_cells"] = max_cells  # read by common.limits(), passed down as arguments
    _state["max_run_periods"] = max_run_periods
    terminate_cleanly()


@app.command()
@guarded
@with_set
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")] = DEFAULT_SCENARIO,
    out: Annotated[Path, typer.Option(help="Results folder; results go to OUT/<name>/.")]
    = Path("results"),
    seed: Annotated[int, typer.Option(min=0, help="Seed of every random process.")] = 0,
    method: Annotated[str, typer.Option(help="Equilibrium method (see `solve --help`).")]
    = "auto",
    figures: Annotated[bool, typer.Option(help="Draw the figures.")] = True,
    max_cells: Annotated[int | None, typer.Option(
        min=0, help="Raise the limit on payoff cells of a game.")] = None,
    max_plot_strategies: Annotated[int, typer.Option(
        min=1, help="Most strategies per player drawn in a figure.")] = 200,
    global_sensitivity: Annotated[bool, typer.Option(
        help="Add Morris screening and Sobol' indices (SALib) to the sensitivity section; "
             "costs about (assumptions + 1) x TRAJECTORIES + (k + 2) x SAMPLES points.")]
    = False,
    morris_trajectories: Annotated[int, typer.Option(
        help="Morris trajectories of --global-sensitivity.", metavar="TRAJECTORIES")] = 8,
    sobol_samples: Annotated[int, typer.Option(
        help="Sobol' base samples (a power of two) of --global-sensitivity.",
        metavar="SAMPLES")] = 64,
) -> None:
    """Run every analysis of a scenario; write results.json, summary.md and figures.

    Example: tradesim run scenarios/london-2025.toml --seed 1
    """
    from sim.run import RunOptions, run_sections, write_results

    if max_cells is not None:
        _state["max_cells"] = max_cells
    sc, game = load_any(scenario)
    if sc is None:
        raise fail(f"{scenario}: `run` takes a scenario file (.toml); use `solve` for .nfg")
    if figures:
        from sim.plots.core import check_plot_size

        check_plot_size(game.shape, max_plot_strategies)
    target = out / sc.name
    from sim.staging import check_replaceable

    check_replaceable(target)  # before the work
    extra = {}
    if global_sensitivity:
        from sim.solvers.global_sensitivity import check_sizes

        check_sizes(morris_trajectories, sobol_samples)
        extra["global_sensitivity"] = {"trajectories": morris_trajectories,
                                       "samples": sobol_samples}
    options = RunOptions(seed=seed, method=method, figures=figures, command=command_line(),
                         progress_bar=progress_bar, limits=limits(), extra=extra)
    typer.echo(f"{sc.title}: {' vs '.join(game.players)}, "
               f"{' x '.join(str(k) for k in game.shape)} strategies", err=True)
    sections = run_sections(sc, game, options)
    write_results(sc, sections, options, target,
                  progress=lambda msg: typer.echo(f"  {msg}", err=True))
    for s in sections:
        typer.echo(f"\n== {s.title} ==")
        for line in s.console:
            typer.echo(line)
    typer.echo(f"\nWrote {target}/results.json, summary.md, report.html"
               + (" and figures/" if figures else ""))


@app.command()
@guarded
@with_set
def solve(
    file: Annotated[Path, typer.Argument(help="Scenario (.toml) or Gambit game (.nfg).")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
    = OutputFormat.table,
    method: Annotated[str, typer.Option(
        help="auto|enumerate|support|lemke-howson|pure|qre|polynomial|gnm|simpdiv")]
    = "auto",
    exact: Annotated[bool, typer.Option(help="Compute/verify in exact rational arithmetic.")]
    = False,
    plot: Annotated[Path | None, typer.Option(
        help="With --method qre: write the QRE branch plot (PNG) here.")] = None,
    max_supports: Annotated[int | None, typer.Option(
        min=0, help="Most support pairs C(m+n, m) --method enumerate or support may try "
        "[default: 9,075,135,300 (18 x 18) and 1,000,000].")] = None,
) -> None:
    """Find the Nash equilibria of a game.

    Example: tradesim solve scenarios/classroom/battle-of-the-sexes.toml --format json
    """
    from sim.analyses.core import equilibria_report
    from sim.cli.progress import progress_bar
    from sim.formats.json import dumps
    from sim.render.text import equilibria_status, equilibrium_lines
    from sim.scenario.formula_exact import exact_inputs, with_note
    from sim.solvers.reduction import solve_reduced

    if plot is not None:
        from sim.io import check_output_file

        check_output_file(plot)  # before the work
    sc, game = load_any(file)
    exact_payoffs, note = exact_inputs(sc) if exact else (None, "")
    if exact and file.suffix.lower() == ".nfg":
        from sim.formats.nfg import load_nfg

        exact_payoffs = load_nfg(file).exact_payoffs  # p/q payoffs stay exact
    eqs = with_note(solve_reduced(
        game.payoffs, method=method, exact=exact, exact_payoffs=exact_payoffs,
        progress=progress_bar(),
        lever_sizes=[[len(lv) for lv in p] for p in game.levels] or None,
        lever_names=[name for p in game.levers for name in p], max_supports=max_supports,
        partial_on_interrupt=True), note)
    if plot is not None:
        from sim.plots.qre import write_qre_plot

        write_qre_plot(game, plot)
    if format is OutputFormat.json:
        typer.echo(dumps(equilibria_report(game, eqs)), nl=False)
        _stop_if_interrupted(eqs)
        return
    typer.echo(equilibria_status(game.name, eqs))
    if eqs.message:
        typer.echo(f"note: {eqs.message}")
    for line in equilibrium_lines(game, eqs):
        typer.echo(line)
    _stop_if_interrupted(eqs)


def _stop_if_interrupted(eqs: Any) -> None:
    """After Ctrl-C stopped an enumeration, its partial answer is printed; then exit 130."""
    if eqs.interrupted:
        raise fail("interrupted; the equilibria found so far are printed (complete: false)",
                   INTERRUPTED)


@app.command()
@guarded
@with_set
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", metavar="FILE")],
) -> None:
    """Check scenario files; print every problem, one line each.

    Example: tradesim validate scenarios/*.toml
    """
    from sim.scenario.build import build_game

    bad = 0
    for f in files:
        try:
            if f.suffix.lower() == ".nfg":
                load_any(f)
            else:
                build_game(read_scenario(f), max_cells=limits().max_cells)
        except ScenarioErrors as exc:
            bad += 1
            for e in exc.errors:
                typer.echo(f"error: {e.one_line()}", err=True)
        except TradesimError as exc:
            bad += 1
            typer.echo(f"error: {with_option_hint(exc)}", err=True)
        else:
            typer.echo(f"ok: {f}")
    if bad:
        raise typer.Exit(2)


@app.command()
@guarded
@with_set
def show(
    file: Annotated[Path, typer.Argument(help="Scenario (.toml) or Gambit game (.nfg).")],
    rows: Annotated[int, typer.Option(min=0, help="Most payoff rows to print.")] = 60,
    where: Annotated[list[str] | None, typer.Option(
        help="Only profiles with LEVER=LEVEL (LEVER=A,B for either); repeatable.",
        metavar="LEVER=LEVEL")] = None,
    sort: Annotated[str | None, typer.Option(
        help="Sort by a player's payoff (highest first) or by a lever's level.",
        metavar="PLAYER|LEVER")] = None,
) -> None:
    """Show players, levers (each value with its source), the payoff formulas, the payoffs
    with one column per lever and, up to 12 x 12, the bimatrix with best responses marked.

    Example: tradesim show scenarios/london-2025.toml --where us_tariff=geneva --sort US
    """
    from sim.render.text import show_text

    sc, game = load_any(file)
    typer.echo(show_text(sc, game, max_rows=rows, where=where or (), sort=sort), nl=False)


@app.command()
@guarded
def serve(
    scenarios: Annotated[Path, typer.Option(
        help="Folder of scenario files the teacher can pick from (uploads work too).")]
        = Path("scenarios"),
    db: Annotated[Path, typer.Option(
        help="SQLite file keeping the class games (created if missing; a restart resumes).")]
        = Path("tradesim-classroom.sqlite"),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    lan: Annotated[bool, typer.Option(
        "--lan", help="Listen on the local network so students' devices can join "
                      "(default: this computer only).")] = False,
) -> None:
    """Start the browser classroom: students join from their devices with a code.

    Prints the join address with a QR code and the teacher's private link. Needs the
    server extra: pip install 'tradesim[serve]'.

    Example: tradesim serve --lan --port 8000
    """
    from sim.serve import INSTALL_HINT, missing

    lib = missing()
    if lib is not None:
        raise fail(f"tradesim serve needs the '{lib}' package; install it with: {INSTALL_HINT}",
                   3)
    from sim.serve.server import serve as run_server

    run_server(db=db, port=port, lan=lan, scenarios=scenarios, echo=typer.echo)


@app.command()
@guarded
@with_set
def continuous(
    file: Annotated[Path, typer.Argument(help="Scenario with at least one lever range.")],
    search_grid: Annotated[int, typer.Option(
        help="Points per continuous lever of the search grid (verification uses a grid "
        "four times finer).")] = 41,
    delta: Annotated[list[float] | None, typer.Option(
        help="Discount factor for the most cooperative self-enforcing levels (repeat).")]
    = None,
    starts: Annotated[int, typer.Option(help="Random starts of best-response iteration.")]
    = 16,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the random starts.")] = 0,
    plot: Annotated[Path | None, typer.Option(
        help="Write the best-response curves (PNG) here.")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
    = OutputFormat.table,
) -> None:
    """Continuous levers kept continuous: verified equilibria, best responses, Pareto
    frontier, most cooperative self-enforcing levels as the discount factor rises.

    Example: tradesim continuous scenarios/london-2025-continuous.toml --plot br.png
    """
    import numpy as np

    from sim.analyses.continuous import DEFAULT_DELTAS, analyse, continuous_result
    from sim.formats.json import dumps
    from sim.render.continuous import report_lines

    if not 3 <= search_grid <= 401:
        raise fail(f"--search-grid: expected 3 to 401 points, got {search_grid}")
    if not 0 <= starts <= 1000:
        raise fail(f"--starts: expected 0 to 1000, got {starts}")
    for d in delta or ():
        if not 0 <= d < 1:
            raise fail(f"--delta: expected a discount factor in [0, 1), got {d:g}")
    report = analyse(read_scenario(file), grid=search_grid, seed=np.random.SeedSequence(seed),
                     starts=starts,
                     deltas=tuple(delta) if delta else DEFAULT_DELTAS)
    if plot is not None:
        from sim.plots.continuous import best_response_plot

        if best_response_plot(report, plot) is None:
            typer.echo("note: no plot: it needs two players with a continuous lever each",
                       err=True)
    if format is OutputFormat.json:
        typer.echo(dumps(continuous_result(report)), nl=False)
        return
    for line in report_lines(report):
        typer.echo(line)


app.command("truce")(guarded(with_set(truce_command)))
app.command("bargain")(guarded(with_set(bargain)))
app.command("play")(guarded(with_set(play_command)))
app.command("sweep")(guarded(with_set(sweep_command)))
app.command("compare")(guarded(with_set(compare_command)))
app.command("export")(guarded(with_set(export_command)))
app.command("timeline")(guarded(timeline_command))
app.command("learn")(guarded(with_set(learn_command)))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
