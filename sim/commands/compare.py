"""``tradesim compare A.toml B.toml ...``: several scenarios' outcomes side by side.

For each scenario (at its central values): the equilibria, the payoffs of the equilibrium
with the highest joint payoff, the truce's δ and δ* (binding side), whether it is
sustainable, its simulated survival to expiry (and the survival curve), and the Nash
bargaining deal; all computed by :func:`sim.analyses.points.evaluate`. Writes
``compare.json``, ``compare.csv`` and figures into ``OUT/compare-<names>/``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sim import parallel
from sim.analyses import points as pt
from sim.errors import InputError
from sim.formats.json import dumps, jsonable
from sim.io import atomic_write_text, staged_directory
from sim.limits import Limits
from sim.scenario import Scenario, load_scenario
from sim.scenario.build import build_game
from sim.solvers.strategies import parse_pair

DEFAULT_RUNS = 5000
MAX_SCENARIOS = 12


def compare_one(scenario: Scenario, *, runs: int, strategies: str,
                seed: np.random.SeedSequence, limits: Limits | None = None) -> dict[str, Any]:
    """One scenario's row (JSON-ready) plus what the figures need."""
    limits = limits or Limits()
    game = build_game(scenario, max_cells=limits.max_cells)
    settings = pt.Settings(runs=runs, strategies=strategies, max_cells=limits.max_cells,
                           max_run_periods=limits.max_run_periods)
    point = pt.evaluate(scenario, {}, settings, np.random.default_rng(seed))
    players = list(game.players)
    t, d = point.truce, point.deal
    row: dict[str, Any] = {
        "scenario": scenario.name, "title": scenario.title, "players": players,
        "strategies": list(game.shape),
        "equilibria": list(point.equilibria),
        "n_equilibria": len(point.equilibria),
        "n_pure": len(point.pure),
        "complete": point.complete,
        "payoffs": dict(zip(players, point.payoffs, strict=False)),
        "truce": None, "deal": None, "note": point.note,
    }
    if t is not None:
        days = [k * t.period_days for k in range(len(t.curve))]
        row["truce"] = {
            "delta": t.delta,
            "delta_star": t.delta_star if math.isfinite(t.delta_star) else None,
            "binding": players[t.binding], "sustainable": t.sustainable,
            "survival": t.survival, "survival_se": t.survival_se,
            "periods": t.periods, "period_days": t.period_days,
            "curve": {"days": days, "survival": list(t.curve)},
        }
    if d is not None:
        row["deal"] = {"feasible": d.feasible,
                       "payoffs": dict(zip(players, d.payoffs, strict=True)) if d.payoffs
                       else None,
                       "profiles": d.label, "disagreement": dict(zip(players, d.disagreement,
                                                                     strict=True))}
    if len(players) == 2:
        from sim.solvers.reduction import solve_reduced

        eqs = solve_reduced(game.payoffs)
        row["_space"] = {
            "name": scenario.title, "players": players,
            "points": np.column_stack([game.A.ravel(), game.B.ravel()]).tolist(),
            "equilibria": [list(map(float, e.payoffs)) for e in eqs.equilibria],
            "disagreement": list(d.disagreement) if d is not None else None,
            "deal": list(d.payoffs) if d is not None and d.payoffs else None,
        }
    return row


def _task(ctx: tuple[str, int, str, Limits],
          item: tuple[str, np.random.SeedSequence]) -> dict[str, Any]:
    _, runs, strategies, limits = ctx
    path, seed = item
    return compare_one(load_scenario(path), runs=runs, strategies=strategies, seed=seed,
                       limits=limits)


def csv_text(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    fields = ["scenario", "title", "player_1", "player_2", "n_equilibria", "n_pure",
              "payoff_1", "payoff_2", "delta", "delta_star", "binding", "sustainable",
              "survival", "survival_se", "deal_1", "deal_2", "deal_profiles"]
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in jsonable(rows):
        p = r["players"] + [None, None]
        pay = [r["payoffs"].get(x) for x in p[:2]]
        t, d = r["truce"] or {}, r["deal"] or {}
        deal = [(d.get("payoffs") or {}).get(x) for x in p[:2]]
        w.writerow({k: "" if v is None else v for k, v in {
            "scenario": r["scenario"], "title": r["title"], "player_1": p[0],
            "player_2": p[1], "n_equilibria": r["n_equilibria"], "n_pure": r["n_pure"],
            "payoff_1": pay[0], "payoff_2": pay[1], "delta": t.get("delta"),
            "delta_star": t.get("delta_star"), "binding": t.get("binding"),
            "sustainable": t.get("sustainable"), "survival": t.get("survival"),
            "survival_se": t.get("survival_se"), "deal_1": deal[0], "deal_2": deal[1],
            "deal_profiles": d.get("profiles")}.items()})
    return buf.getvalue()


def render_table(rows: list[dict[str, Any]]) -> str:
    def num(x: Any, fmt: str = ".3g") -> str:
        return "-" if x is None else format(x, fmt)

    head = (f"{'scenario':<26} {'eq (pure)':>9}  {'best equilibrium payoffs':<30} "
            f"{'delta':>6} {'delta*':>7} {'holds':>5} {'survival':>15}  Nash deal")
    lines = [head, "-" * len(head)]
    for r in rows:
        pay = ", ".join(f"{p} {num(v, '.4g')}" for p, v in r["payoffs"].items())
        t, d = r["truce"] or {}, r["deal"] or {}
        surv = "-" if t.get("survival") is None else \
            f"{t['survival']:.3f} ± {t['survival_se']:.3f}"
        deal = ", ".join(f"{p} {num(v, '.4g')}" for p, v in (d.get("payoffs") or {}).items())
        holds = "-" if not t else ("yes" if t["sustainable"] else "no")
        lines.append(f"{r['scenario'][:26]:<26} {r['n_equilibria']:>4} ({r['n_pure']:>2})  "
                     f"{pay[:30]:<30} {num(t.get('delta')):>6} {num(t.get('delta_star')):>7} "
                     f"{holds:>5} {surv:>15}  {deal or '-'}")
    return "\n".join(lines)


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
        curves = {r["title"]: (r["truce"]["curve"]["days"], r["truce"]["curve"]["survival"])
                  for r in truces if r["truce"]["curve"]["days"]}
        if curves:
            jobs["compare_survival.png"] = lambda path: ps.compare_survival(curves, path)
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


def compare(
    files: Annotated[list[Path], typer.Argument(help="Two or more scenario files (TOML).")],
    runs: Annotated[int, typer.Option(
        help="Monte Carlo runs for each truce's survival.")] = DEFAULT_RUNS,
    strategies: Annotated[str, typer.Option(
        help="Strategy pair whose survival is simulated.")] = "grim",
    seed: Annotated[int, typer.Option(help="Run seed; scenario i uses child i.")] = 0,
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes (default: all cores).")] = None,
    out: Annotated[Path, typer.Option(
        help="Results folder; files go to OUT/compare-<names>/.")] = Path("results"),
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figures: Annotated[bool, typer.Option(help="Draw the figures.")] = True,
) -> None:
    """Compare scenarios side by side: equilibria, payoffs, δ*, survival, bargaining deals.

    Example: tradesim compare scenarios/london-2025.toml scenarios/geneva-truce-2025.toml
    """
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    if len(files) > MAX_SCENARIOS:
        msg = f"compare: got {len(files)} files; expected at most {MAX_SCENARIOS}"
        raise InputError(msg)
    if runs < 0:
        msg = f"--runs: got {runs}; expected a whole number >= 0"
        raise InputError(msg)
    parse_pair(strategies)
    scenarios = [load_scenario(f) for f in files]  # every file checked before any work
    if len(files) < 2:
        msg = f"compare: got {len(files)} file(s); expected two or more scenario files"
        raise InputError(msg)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        msg = f"compare: scenario names repeat ({', '.join(names)}); expected distinct files"
        raise InputError(msg)
    from sim.cli.common import limits, progress_bar

    for s in scenarios:
        build_game(s, max_cells=limits().max_cells)
    seeds = parallel.task_seeds(seed, len(files))
    items = [(str(f), ss) for f, ss in zip(files, seeds, strict=True)]
    ctx = ("", runs, strategies, limits())
    bar, update = progress_bar()
    if bar is not None:
        with bar:
            rows = parallel.run_tasks(_task, ctx, items, workers=workers,
                                      min_parallel=4,
                                      progress=lambda k: update("scenarios", k, len(items)))
    else:
        rows = parallel.run_tasks(_task, ctx, items, workers=workers,
                                  min_parallel=4)
    target = out / ("compare-" + "-".join(names))[:120]
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    doc = {"seed": seed, "runs": runs, "strategies": strategies, "scenarios": public}
    written = ["compare.json", "compare.csv"]
    with staged_directory(target) as stage:
        atomic_write_text(stage / "compare.csv", csv_text(public))
        if figures:
            for name, draw in figure_jobs(rows).items():
                draw(stage / "figures" / name)
                written.append(f"figures/{name}")
        doc["files"] = written
        atomic_write_text(stage / "compare.json", dumps(doc))
    if fmt == "json":
        typer.echo(json.dumps(jsonable(doc), indent=2, ensure_ascii=False))
        return
    typer.echo(render_table(public))
    typer.echo(f"\nWrote {target}/: {', '.join(written)}")
