"""``tradesim sweep FILE --vary NAME=LO:HI:N``: which conclusions survive as inputs move.

:func:`plan` checks every option before any work (unknown names, empty or inverted
ranges, N < 2, the point limit, the workers and scheduler; the messages quote the options);
:func:`sim.analyses.sweep.run_sweep` evaluates the grid and locates the tipping points;
:func:`write_outputs` writes ``sweep.csv``, ``sweep.parquet`` (when pyarrow is installed;
:mod:`sim.formats.tables`), ``sweep.json`` and the figures into one folder, atomically;
the table is :func:`sim.render.sweep.render_table`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sim.analyses import sweep as sg
from sim.analyses.sweep import DEFAULT_RUNS, REL_TOL, plan, run_sweep
from sim.errors import InputError
from sim.formats.json import dumps, to_json
from sim.formats.tables import sweep_csv, sweep_parquet
from sim.io import atomic_write_bytes, atomic_write_text
from sim.render.sweep import render_table
from sim.staging import check_replaceable, staged_directory

# --------------------------------------------------------------------------- options









# --------------------------------------------------------------------------- writing


def figure_jobs(report: dict[str, Any]) -> dict[str, Callable[[Path], Path]]:
    from sim.plots import sweep as ps

    table, players = report["points"], report["players"]
    names = [v["name"] for v in report["variables"]]
    if len(names) == 1:
        return {f"sweep_{names[0]}.png": lambda path: ps.sweep_lines(
            table, names[0], players, report["tipping_points"], path)}

    xs, ys = (np.linspace(v["lo"], v["hi"], v["n"]) for v in report["variables"])
    return {
        "region_map.png": lambda path: ps.region_map(table, names[0], names[1], xs, ys, path),
        "survival_map.png": lambda path: ps.survival_map(table, names[0], names[1], xs, ys,
                                                         path),
    }


def write_outputs(report: dict[str, Any], target: Path, *, figures: bool = True) -> list[str]:
    """Write every file into ``target`` as a whole (nothing is left half-written)."""
    table = report["points"]
    written = ["sweep.csv", "sweep.json"]
    with staged_directory(target) as stage:
        atomic_write_text(stage / "sweep.csv", sweep_csv(table))
        data = sweep_parquet(table)
        if data is not None:
            atomic_write_bytes(stage / "sweep.parquet", data)
            written.append("sweep.parquet")
        if figures:
            for name, draw in figure_jobs(report).items():
                draw(stage / "figures" / name)
                written.append(f"figures/{name}")
        report["files"] = written
        atomic_write_text(stage / "sweep.json", dumps(report))
    return written








# --------------------------------------------------------------------------- command


def sweep(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    vary: Annotated[list[str] | None, typer.Option(
        "--vary", metavar="NAME=LO:HI:N", help="NAME=LO:HI:N, NAME=LO:HI or NAME (the assumption's own range, "
        f"{sg.DEFAULT_POINTS} points); once for a line, twice for a map.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes (default: all cores; 1: serial).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (tcp://host:8786); needs the dask extra.")] = None,
    seed: Annotated[int, typer.Option(help="Run seed; task i uses child i of it.")] = 0,
    runs: Annotated[int, typer.Option(
        help="Monte Carlo runs per point for truce survival (0: skip).")] = DEFAULT_RUNS,
    strategies: Annotated[str, typer.Option(
        help="Strategy pair whose survival is simulated, e.g. grim or grim/tft.")] = "grim",
    tol: Annotated[float | None, typer.Option(
        help=f"Tipping-point tolerance (default {REL_TOL:g} x the swept range).")] = None,
    max_points: Annotated[int, typer.Option(
        min=1, help="Refuse sweeps with more grid points than this.")] = sg.MAX_POINTS,
    out: Annotated[Path, typer.Option(
        help="Results folder; files go to OUT/<name>-sweep-<variables>/.")] = Path("results"),
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figures: Annotated[bool, typer.Option(help="Draw the figures.")] = True,
) -> None:
    """Sweep facts or assumptions over a grid; report tipping points, write table and plots.

    Example: tradesim sweep scenarios/london-2025.toml --vary chip_security_us=1:8:29
    """
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    from sim.cli.common import command_line, limits, progress_bar, read_scenario

    scenario = read_scenario(file)

    p = plan(scenario, vary or [], seed=seed, workers=workers, scheduler=scheduler, runs=runs,
             strategies=strategies, tol=tol, max_points=max_points, limits=limits())
    target = out / f"{scenario.name}-sweep-{'-'.join(a.name for a in p.axes)}"
    check_replaceable(target)  # before the work
    bar, update = progress_bar() if p.points > 10 else (None, None)
    if bar is not None:
        with bar:
            report = run_sweep(p, progress=update)
    else:
        report = run_sweep(p)
    report["command"] = command_line()
    written = write_outputs(report, target, figures=figures)
    if fmt == "json":
        typer.echo(json.dumps(to_json(report), indent=2, ensure_ascii=False))
        return
    typer.echo(render_table(report))
    typer.echo(f"\nWrote {target}/: {', '.join(written)}")
