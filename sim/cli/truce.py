"""``tradesim truce FILE``: how stable is a scenario's truce, and what would make it hold?

The typer command only: it parses options, calls :mod:`sim.analyses.truce` and
:mod:`sim.render.truce` (imported when the command runs, so ``tradesim --help`` stays fast),
writes the figures and prints.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sim.errors import InputError

STRATEGY_NAMES = ("comply", "breach", "grim", "tft", "gtft", "wsls", "limited", "ctft")
"""The strategy library's names, for --help (a test keeps it equal to the library)."""
DEFAULT_RUNS = 20_000
PROGRESS_MIN_WORK = 20_000_000
"""Run-periods above which the command shows a progress bar."""


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def truce(
    file: Annotated[Path, typer.Argument(help="Scenario file with a [truce] section.")],
    delta: Annotated[float | None, typer.Option(
        "--delta", help="Per-period discount factor in (0, 1); overrides the file.")] = None,
    noise_impl: Annotated[float | None, typer.Option(
        "--noise-impl", help="Implementation noise in [0, 1]: P(a side meaning to comply "
                             "breaches).")] = None,
    noise_perception: Annotated[float | None, typer.Option(
        "--noise-perception", help="Perception noise in [0, 1]: P(a compliant move is seen as "
                                   "a breach).")] = None,
    runs: Annotated[int, typer.Option("--runs", help="Monte Carlo runs per strategy pair.")] =
        DEFAULT_RUNS,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same numbers).")] =
        0,
    strategies: Annotated[list[str] | None, typer.Option(
        "--strategies", metavar="PAIR,PAIR...", help="Comma-separated pairs: NAME (both sides) or NAME/NAME; names: "
                             + ", ".join(STRATEGY_NAMES) + "; gtft:G and limited:K take a "
                             "parameter.")] = None,
    all_pairs: Annotated[bool, typer.Option(
        "--all-pairs", help="Play every listed strategy against every other.")] = False,
    punishment: Annotated[str | None, typer.Option(
        "--punishment", help="nash, minmax or a profile name; overrides the file.")] = None,
    breach: Annotated[str | None, typer.Option(
        "--breach", help="What a breach is in the simulation: deviation (best one-shot "
                         "deviation) or escalation (the file's escalation profile).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figures: Annotated[Path | None, typer.Option(
        "--figures", help="Directory for the figures [default: results/<name>/figures].")] =
        None,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="Draw no figures.")] = False,
) -> None:
    """Truce stability: critical discount factors, best sustainable profiles, noisy survival.

    Example: tradesim truce scenarios/london-2025.toml --noise-impl 0.02 --runs 50000
    """
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    if runs < 2:
        msg = f"--runs: expected a whole number >= 2, got {runs}"
        raise InputError(msg)
    if seed < 0:
        msg = f"--seed: expected a whole number >= 0, got {seed}"
        raise InputError(msg)
    from sim.analyses.truce import analyse, settings
    from sim.cli.common import limits, read_scenario
    from sim.render.truce import render_table
    from sim.scenario.build import build_game

    limit = limits()
    scenario = read_scenario(file)
    outdir = figures if figures is not None else Path("results") / scenario.name / "figures"
    if not no_figures:
        from sim.io import check_output_dir

        check_output_dir(outdir)  # before the work
    game = build_game(scenario, max_cells=limit.max_cells)
    if len(game.players) > 2:
        _many_sides(scenario, game, fmt=fmt, runs=runs, seed=seed, delta=delta,
                    max_run_periods=limit.max_run_periods,
                    noise_implementation=noise_impl, noise_perception=noise_perception,
                    punishment=punishment, two_sided={"--strategies": strategies,
                                                      "--all-pairs": all_pairs,
                                                      "--breach": breach})
        return
    s = settings(scenario, game, delta=delta, noise_implementation=noise_impl,
                 noise_perception=noise_perception, strategies=_split(strategies),
                 punishment=punishment, breach=breach)
    pairs = len(s.strategies) ** (2 if all_pairs else 1)
    root = np.random.SeedSequence(seed)
    report = _with_progress(lambda tick: analyse(scenario, game, s, runs=runs, seed=root,
                                                 all_pairs=all_pairs, progress=tick,
                                                 max_run_periods=limit.max_run_periods),
                            total=pairs * s.periods, work=pairs * s.periods * runs)
    if not no_figures:
        from sim.plots.truce import figures as draw
        from sim.staging import write_files

        report["figures"] = [str(p) for p in write_files(outdir, draw(report))]
    if fmt == "json":
        typer.echo(json.dumps(report, indent=2))
    else:
        typer.echo(render_table(report))
        if report.get("figures"):
            typer.echo("Figures: " + ", ".join(report["figures"]))


def _many_sides(scenario: Any, game: Any, *, fmt: str, runs: int, seed: int,
                two_sided: dict[str, Any], max_run_periods: int, **options: Any) -> None:
    """``tradesim truce`` for three or more players (:mod:`sim.analyses.npl_truce`)."""
    from sim.analyses import npl_truce
    from sim.render.npl import render_truce

    for name, value in two_sided.items():
        if value:
            msg = (f"{name}: the strategy library plays two-sided truces; with "
                   f"{len(game.players)} players the simulation is noisy grim trigger")
            raise InputError(msg)
    s = npl_truce.settings(scenario, game, **options)
    report = npl_truce.analyse(scenario, game, s, runs=runs,
                               seed=np.random.SeedSequence(seed),
                               max_run_periods=max_run_periods)
    if fmt == "json":
        typer.echo(json.dumps(report, indent=2))
    else:
        typer.echo(render_truce(report))


def _with_progress(job: Callable[[Callable[[int], None] | None], dict[str, Any]], *,
                   total: int, work: int) -> dict[str, Any]:
    """Run ``job`` with a progress bar on standard error when the work is long."""
    from rich.console import Console

    from sim.terminal import raw_stream

    console = Console(file=raw_stream(sys.stderr))  # its escape sequences are ours
    if work < PROGRESS_MIN_WORK or not console.is_terminal:
        return job(None)
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("simulating truces", total=total)
        return job(lambda done: bar.update(task, completed=done))
