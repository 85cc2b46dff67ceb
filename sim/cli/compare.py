"""``tradesim compare A.toml B.toml ...``: several scenarios' outcomes side by side.

For each scenario (at its central values): the equilibria, the payoffs of the equilibrium
with the highest joint payoff, the truce's δ and δ* (binding side), whether it is
sustainable, its simulated survival to expiry (and the survival curve), and the Nash
bargaining deal; all computed by :mod:`sim.analyses.compare`. Writes ``compare.json``,
``compare.csv`` (:mod:`sim.formats.tables`) and figures into ``OUT/compare-<names>/``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from sim import parallel
from sim.analyses.compare import (
    DEFAULT_RUNS,
    at_horizon,
    common_horizon,
    common_period,
    comparability_warnings,
    per_common_period,
    task,
)
from sim.errors import InputError
from sim.formats.json import dumps, to_json
from sim.formats.tables import compare_csv
from sim.io import atomic_write_text
from sim.render.compare import render_table
from sim.scenario.build import build_game
from sim.solvers.strategies import parse_pair
from sim.solvers.truce import check_survival_runs
from sim.staging import check_replaceable, staged_directory

MAX_SCENARIOS = 12










def figure_jobs(rows: list[dict[str, Any]]) -> dict[str, Callable[[Path], Path]]:
    from sim.plots import sweep as ps

    names = [r["title"] for r in rows]
    jobs: dict[str, Callable[[Path], Path]] = {}

    def player_series(key: str) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {"player 1": [], "player 2": []}
        for r in rows:
            values = list((r[key] or {}).get("payoffs", {}).values()) if key == "deal" \
                else list(r["payoffs"].values())
            values = [*values, math.nan, math.nan]
            out["player 1"].append(values[0])
            out["player 2"].append(values[1])
        return out

    jobs["compare_payoffs.png"] = lambda path: ps.compare_bars(
        [f"{n}\n({' / '.join(r['players'])})" for n, r in zip(names, rows, strict=True)],
        player_series("payoffs"), "Best equilibrium payoffs (player 1 / player 2)",
        "payoff", path)
    truces = [r for r in rows if r["truce"]]
    if truces:
        jobs["compare_delta.png"] = lambda path: ps.compare_bars(
            [r["title"] for r in truces],
            {"δ* (needed)": [r["truce"]["delta_star"] for r in truces],
             "δ (the scenario's)": [r["truce"]["delta"] for r in truces]},
            "Truce: sustainable where δ ≥ δ*", "discount factor per period", path)
        curves = {r["title"]: r["truce"]["model"]["curve"] for r in truces
                  if r["truce"]["model"]}
        if curves:
            horizon = truces[0]["truce"]["horizon"]["days"]
            jobs["compare_survival.png"] = lambda path: ps.compare_model(curves, horizon, path)
    if any(r["deal"] and r["deal"]["payoffs"] for r in rows):
        jobs["compare_deals.png"] = lambda path: ps.compare_bars(
            [f"{n}\n({' / '.join(r['players'])})" for n, r in zip(names, rows, strict=True)],
            player_series("deal"), "Nash bargaining deal (player 1 / player 2)", "payoff",
            path)
    spaces = [r["_space"] for r in rows if "_space" in r]
    if spaces:
        jobs["compare_payoff_spaces.png"] = lambda path: ps.compare_payoff_spaces(
            spaces, ["player 1", "player 2"], path)
    return jobs


def _check_options(fmt: str, n_files: int, runs: int, horizon: float | None) -> None:
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    if n_files > MAX_SCENARIOS:
        msg = f"compare: got {n_files} files; expected at most {MAX_SCENARIOS}"
        raise InputError(msg)
    check_survival_runs(runs)
    if horizon is not None and not (math.isfinite(horizon) and horizon > 0):
        msg = f"--horizon: got {horizon:g}; expected a number of days > 0"
        raise InputError(msg)


def compare(
    files: Annotated[list[Path], typer.Argument(help="Two or more scenario files (TOML).",
                                                metavar="FILE")],
    runs: Annotated[int, typer.Option(
        help="Monte Carlo runs for each truce's survival.")] = DEFAULT_RUNS,
    strategies: Annotated[str, typer.Option(
        help="Strategy pair whose survival is simulated.")] = "grim",
    seed: Annotated[int, typer.Option(help="Run seed; scenario i uses child i.")] = 0,
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes (default: all cores).")] = None,
    out: Annotated[Path, typer.Option(
        help="Results folder; files go to OUT/compare-<names>/.")] = Path("results"),
    horizon: Annotated[float | None, typer.Option(
        help="Common horizon in days at which every truce is read (default: the shortest "
             "truce).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figures: Annotated[bool, typer.Option(help="Draw the figures.")] = True,
) -> None:
    """Compare scenarios side by side: equilibria, payoffs, δ*, the truce model's outcomes at a
    common horizon, bargaining deals.

    Example: tradesim compare scenarios/london-2025.toml scenarios/geneva-truce-2025.toml
    """
    _check_options(fmt, len(files), runs, horizon)
    parse_pair(strategies)
    from sim.cli.common import grid, limits, progress_bar, read_scenario

    scenarios = [read_scenario(f) for f in files]  # every file checked before any work
    if len(files) < 2:
        msg = f"compare: got {len(files)} file(s); expected two or more scenario files"
        raise InputError(msg)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        msg = f"compare: scenario names repeat ({', '.join(names)}); expected distinct files"
        raise InputError(msg)
    for s in scenarios:
        build_game(s, max_cells=limits().max_cells)
    target = out / ("compare-" + "-".join(names))[:120]
    check_replaceable(target)  # before the work
    seeds = parallel.task_seeds(seed, len(files))
    items = [(str(f), s.text, ss) for f, s, ss in zip(files, scenarios, seeds, strict=True)]
    warnings = comparability_warnings(scenarios)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    ctx = (grid(), runs, strategies, limits())
    bar, update = progress_bar()
    if bar is not None:
        with bar:
            rows = parallel.run_tasks(task, ctx, items, workers=workers,
                                      min_parallel=4,
                                      progress=lambda k: update("scenarios", k, len(items)))
    else:
        rows = parallel.run_tasks(task, ctx, items, workers=workers,
                                  min_parallel=4)
    days = horizon if horizon is not None else common_horizon(rows)
    if days is not None:
        rows = at_horizon(rows, days)
    period = common_period(rows)
    if period is not None:
        rows = per_common_period(rows, period)
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    doc = {"seed": seed, "runs": runs, "strategies": strategies, "horizon_days": days,
           "period_days": period, "warnings": warnings, "scenarios": public}
    written = ["compare.json", "compare.csv"]
    with staged_directory(target) as stage:
        atomic_write_text(stage / "compare.csv", compare_csv(public))
        if figures:
            for name, draw in figure_jobs(rows).items():
                draw(stage / "figures" / name)
                written.append(f"figures/{name}")
        doc["files"] = written
        atomic_write_text(stage / "compare.json", dumps(doc))
    if fmt == "json":
        typer.echo(json.dumps(to_json(doc), indent=2, ensure_ascii=False))
        return
    typer.echo(render_table(public))
    typer.echo(f"\nWrote {target}/: {', '.join(written)}")
