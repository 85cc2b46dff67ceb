"""``tradesim sweep FILE --vary NAME=LO:HI:N``: which conclusions survive as inputs move.

:func:`plan` checks every option before any work (unknown names, empty or inverted
ranges, N < 2, the point limit, the workers and scheduler); :func:`run_sweep` evaluates the
grid (on :mod:`sim.parallel`) and locates the tipping points by bisection; :func:`rows`
gives the tidy table; :func:`write_outputs` writes ``sweep.csv``, ``sweep.parquet`` (when
pyarrow is installed), ``sweep.json`` and the figures into one folder, atomically.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sim import parallel
from sim.analyses import points as pt
from sim.analyses import sensitivity as sv
from sim.analyses import sweep as sg
from sim.errors import InputError, LimitError
from sim.formats.json import dumps, jsonable
from sim.io import atomic_write_bytes, atomic_write_text, staged_directory
from sim.limits import Limits
from sim.scenario import Scenario, load_scenario
from sim.solvers.sampling import seed_record, spawn
from sim.solvers.strategies import parse_pair

DEFAULT_RUNS = 1000
"""Monte Carlo runs per point for the truce survival probability."""
REL_TOL = 1e-4
"""Default tipping-point tolerance, as a share of the swept range."""


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    axes: tuple[sg.Axis, ...]
    settings: pt.Settings
    seed: int
    workers: int
    scheduler: str | None
    tol: tuple[float, ...]  # per axis

    @property
    def points(self) -> int:
        return math.prod(a.n for a in self.axes)


# --------------------------------------------------------------------------- options


def parse_vary(spec: str) -> tuple[str, float | None, float | None, int | None]:
    """``NAME``, ``NAME=LO:HI``, ``NAME=LO:HI:N`` or ``NAME=::N`` (empty ends: the
    assumption's own range) into ``(name, lo, hi, n)``."""
    name, sep, rest = spec.partition("=")
    name = name.strip()
    if not name:
        msg = f"--vary: got '{spec}'; expected NAME=LO:HI:N"
        raise InputError(msg)
    if not sep:
        return name, None, None, None
    parts = rest.split(":")
    if len(parts) not in (2, 3):
        msg = f"--vary: got '{spec}'; expected NAME=LO:HI:N (e.g. elasticity=0.7:2.5:21)"
        raise InputError(msg)

    def number(text: str, what: str) -> float | None:
        if not text.strip():
            return None
        try:
            return float(text)
        except ValueError:
            msg = f"--vary {name}: {what} '{text}' is not a number; expected NAME=LO:HI:N"
            raise InputError(msg) from None

    lo, hi = number(parts[0], "LO"), number(parts[1], "HI")
    if (lo is None) != (hi is None):
        msg = f"--vary {name}: give both LO and HI, or neither (the assumption's range)"
        raise InputError(msg)
    n = None
    if len(parts) == 3 and parts[2].strip():
        try:
            n = int(parts[2])
        except ValueError:
            msg = f"--vary {name}: N '{parts[2]}' is not a whole number; expected N >= 2"
            raise InputError(msg) from None
    return name, lo, hi, n


def make_axis(scenario: Scenario, name: str, lo: float | None = None, hi: float | None = None,
              n: int | None = None) -> sg.Axis:
    """Check a swept variable against the scenario; missing ends default to its range.

    Raises :class:`InputError` (one line) for an unknown name, a fact without an explicit
    range, an empty (``lo == hi``) or inverted (``lo > hi``) range, non-finite ends, or
    fewer than 2 points.
    """
    known = {**scenario.facts, **scenario.assumptions}
    if name not in known:
        names = ", ".join(sorted(scenario.assumptions)) or "none"
        msg = (f"--vary: '{name}' is neither a fact nor an assumption of {scenario.name}; "
               f"assumptions: {names}")
        raise InputError(msg)
    q = known[name]
    if lo is None or hi is None:
        if q.range is None:
            msg = (f"--vary: '{name}' is a fact and has no range; give one as "
                   f"{name}=LO:HI:N")
            raise InputError(msg)
        lo = q.range[0] if lo is None else lo
        hi = q.range[1] if hi is None else hi
    n = sg.DEFAULT_POINTS if n is None else n
    if not (math.isfinite(lo) and math.isfinite(hi)):
        msg = f"--vary {name}: expected finite ends, got {lo:g}:{hi:g}"
        raise InputError(msg)
    if lo == hi:
        msg = f"--vary {name}: the range {lo:g}:{hi:g} is empty; expected LO < HI"
        raise InputError(msg)
    if lo > hi:
        msg = f"--vary {name}: the range {lo:g}:{hi:g} is inverted; expected LO < HI"
        raise InputError(msg)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        msg = f"--vary {name}: got {n} points; expected a whole number N >= 2"
        raise InputError(msg)
    return sg.Axis(name=name, lo=float(lo), hi=float(hi), n=n)

def check_size(axes: Sequence[sg.Axis], max_points: int = sg.MAX_POINTS) -> int:
    """Number of grid points; :class:`LimitError` before any work if over ``max_points``."""
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        msg = f"--vary: a variable is named twice ({', '.join(names)}); expected distinct names"
        raise InputError(msg)
    if not 1 <= len(axes) <= 2:
        msg = f"--vary: got {len(axes)} variables; expected one or two"
        raise InputError(msg)
    total = math.prod(a.n for a in axes)
    if total > max_points:
        msg = (f"the sweep has {' x '.join(str(a.n) for a in axes)} = {total:,} points, over "
               f"the limit of {max_points:,}; lower N or raise the limit with --max-points")
        raise LimitError(msg)
    return total


def plan(scenario: Scenario, specs: Sequence[str], *, seed: int = 0,
         workers: int | None = None, scheduler: str | None = None, runs: int = DEFAULT_RUNS,
         strategies: str = "grim", tol: float | None = None,
         max_points: int = sg.MAX_POINTS, limits: Limits | None = None) -> Plan:
    """Every check of the command line, before any work."""
    if not specs:
        msg = "--vary: give at least one, e.g. --vary elasticity=0.7:2.5:21"
        raise InputError(msg)
    axes = tuple(make_axis(scenario, *parse_vary(s)) for s in specs)
    check_size(axes, max_points=max_points)
    if isinstance(runs, bool) or runs < 0:
        msg = f"--runs: got {runs}; expected a whole number >= 0"
        raise InputError(msg)
    parse_pair(strategies)
    if tol is not None and not (tol > 0 and math.isfinite(tol)):
        msg = f"--tol: got {tol}; expected a positive number"
        raise InputError(msg)
    parallel.task_seeds(seed, 0)
    n_workers = parallel.check_workers(workers)
    if scheduler is not None and not parallel.dask_available():
        msg = ("--scheduler needs the dask extra; install it with "
               "pip install 'tradesim[dask]' (dask[distributed])")
        raise InputError(msg)
    tols = tuple(tol if tol is not None else REL_TOL * (a.hi - a.lo) for a in axes)
    limit = limits or Limits()  # `tradesim --max-cells N --max-run-periods N`
    settings = pt.Settings(strategies=strategies, runs=runs, max_cells=limit.max_cells,
                           max_run_periods=limit.max_run_periods)
    return Plan(scenario=scenario, axes=axes, settings=settings, seed=seed,
                workers=n_workers, scheduler=scheduler, tol=tols)


# --------------------------------------------------------------------------- running


Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``."""


def run_sweep(p: Plan, *, progress: Progress | None = None) -> dict[str, Any]:
    """Evaluate the grid, then bisect every tipping point; a JSON-ready report."""
    ctx = pt.context_for(p.scenario, p.settings)
    seeds = parallel.task_seeds(p.seed, p.points)
    tasks = sg.grid_tasks(p.axes, seeds, survival=p.settings.runs > 0)

    def tick(stage: str, total: int) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(stage, done, total))

    points = parallel.run_tasks(pt.run_task, ctx, tasks, workers=p.workers,
                                scheduler=p.scheduler, progress=tick("points", len(tasks)))
    players = p.scenario.player_names
    found: list[sv.Bracket] = []
    for k, axis in enumerate(p.axes):
        found += [b for b in sg.brackets(p.axes, points, players, tol=p.tol[k])
                  if b.variable == axis.name]
    tipping = parallel.run_tasks(sv.bisect_bracket, ctx, found, workers=p.workers,
                                 scheduler=p.scheduler,
                                 progress=tick("tipping points", len(found)))
    tipping = sorted(tipping, key=lambda t: (t.variable, t.at, t.value, t.conclusion))
    table = rows(points, players, p.axes)
    return {
        "scenario": p.scenario.name,
        "title": p.scenario.title,
        "players": list(players),
        "seed": p.seed,
        "variables": [_axis_json(p.scenario, a) for a in p.axes],
        "settings": {"runs": p.settings.runs, "strategies": p.settings.strategies,
                     "tolerance": dict(zip([a.name for a in p.axes], p.tol, strict=True))},
        "points": table,
        "equilibrium_sets": _set_counts(table),
        "tipping_points": [_tipping_json(t) for t in tipping],
    }


def _axis_json(scenario: Scenario, a: sg.Axis) -> dict[str, Any]:
    q = scenario.quantity(a.name)
    return {"name": a.name, "kind": q.kind, "unit": q.unit, "value": q.value,
            "range": list(q.range) if q.range else None, "lo": a.lo, "hi": a.hi, "n": a.n}


def _set_counts(table: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for r in table:
        counts[r["equilibria"]] = counts.get(r["equilibria"], 0) + 1
    return [{"equilibria": k, "points": v} for k, v in
            sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _tipping_json(t: sv.TippingPoint) -> dict[str, Any]:
    return {"conclusion": t.conclusion, "variable": t.variable, "value": t.value,
            "tolerance": t.tol, "before": t.before, "after": t.after, "text": t.text,
            "at": dict(t.at)}


def rows(points: Sequence[pt.Point], players: Sequence[str],
         axes: Sequence[sg.Axis]) -> list[dict[str, Any]]:
    """The tidy table: one row per point, one column per variable and conclusion."""
    out = []
    for k, point in enumerate(points):
        r: dict[str, Any] = {"index": k}
        r.update({name: value for name, value in point.overrides})
        r["equilibria"] = point.equilibria_label
        r["n_equilibria"] = len(point.equilibria)
        r["complete"] = point.complete
        r["pure_equilibria"] = " ; ".join(point.pure)
        for i, pl in enumerate(players):
            r[f"payoff_{pl}"] = point.payoffs[i] if i < len(point.payoffs) else None
        for name, is_eq in point.named:
            r[f"equilibrium_{name}"] = is_eq
        t = point.truce
        r["delta"] = t.delta if t else None
        r["delta_star"] = t.delta_star if t and math.isfinite(t.delta_star) else None
        r["binding"] = players[t.binding] if t else None
        r["sustainable"] = t.sustainable if t else None
        r["survival"] = t.survival if t else None
        r["survival_se"] = t.survival_se if t else None
        d = point.deal
        for i, pl in enumerate(players):
            r[f"deal_{pl}"] = d.payoffs[i] if d and d.payoffs else None
        r["nash_deal"] = (d.label or "no deal") if d else None
        r["note"] = point.note
        out.append(r)
    return out


# --------------------------------------------------------------------------- writing


def csv_text(table: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if table:
        w = csv.DictWriter(buf, fieldnames=list(table[0]), lineterminator="\n")
        w.writeheader()
        for r in jsonable(list(table)):
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def parquet_bytes(table: Sequence[dict[str, Any]]) -> bytes | None:
    """The table as Parquet, or ``None`` when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(jsonable(list(table))), buf)
    return buf.getvalue()


def figure_jobs(report: dict[str, Any]) -> dict[str, Callable[[Path], Path]]:
    from sim.plots import sweep as ps

    table, players = report["points"], report["players"]
    names = [v["name"] for v in report["variables"]]
    if len(names) == 1:
        return {f"sweep_{names[0]}.png": lambda path: ps.sweep_lines(
            table, names[0], players, report["tipping_points"], path)}
    import numpy as np

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
        atomic_write_text(stage / "sweep.csv", csv_text(table))
        data = parquet_bytes(table)
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


def short_sets(report: dict[str, Any]) -> dict[str, str]:
    from sim.plots.sweep import short_set_labels

    labels = {s["equilibria"] for s in report.get("equilibrium_sets", ())}
    labels |= {str(t[k]) for t in report["tipping_points"] if t["conclusion"] == "equilibria"
               for k in ("before", "after")}
    return short_set_labels(sorted(labels))


def tipping_text(t: dict[str, Any], short: dict[str, str]) -> str:
    """A tipping point in words, equilibrium sets and deals in their short form."""
    from sim.plots.sweep import short_set_labels

    where = f"{t['variable']} > {t['value']:.6g} ± {t['tolerance']:.2g}"
    if t["conclusion"] == "equilibria":
        return (f"the equilibrium set changes from [{short[t['before']]}] to "
                f"[{short[t['after']]}] when {where}")
    if t["conclusion"] == "nash_deal":
        deals = [str(t["before"]).replace(" + ", " ; "), str(t["after"]).replace(" + ", " ; ")]
        s = short_set_labels(deals)
        before, after = (s[d].replace(" ; ", " + ") for d in deals)
        return f"the Nash bargaining deal changes from [{before}] to [{after}] when {where}"
    return str(t["text"])


def render_table(report: dict[str, Any]) -> str:
    """A short readable summary: the grid, the equilibrium sets, every tipping point."""
    vs = report["variables"]
    grid = " x ".join(f"{v['name']} {v['lo']:g}..{v['hi']:g} ({v['n']} points)" for v in vs)
    lines = [f"{report['title']}: sweep of {grid}", ""]
    sets = report["equilibrium_sets"]
    short = short_sets(report)
    lines.append(f"{len(sets)} distinct equilibrium set(s) on the grid "
                 "(lever settings shared by every equilibrium are omitted):")
    for s in sets[:8]:
        lines.append(f"  {s['points']:>6} points: {short[s['equilibria']]}")
    if len(sets) > 8:
        lines.append(f"  ... and {len(sets) - 8} more (see sweep.json)")
    lines.append("")
    tps = report["tipping_points"]
    if not tps:
        lines.append("No conclusion changes over the swept range.")
    else:
        lines.append(f"Tipping points ({len(tps)}):")
        for t in tps[:40]:
            at = ", ".join(f"{k} = {v:g}" for k, v in t["at"].items())
            text = tipping_text(t, short)
            lines.append(f"  - {text}" + (f" (at {at})" if at else ""))
        if len(tps) > 40:
            lines.append(f"  ... and {len(tps) - 40} more (see sweep.json)")
    return "\n".join(lines)


# --------------------------------------------------------------------------- command


def sweep(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    vary: Annotated[list[str] | None, typer.Option(
        "--vary", help="NAME=LO:HI:N, NAME=LO:HI or NAME (the assumption's own range, "
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
        help="Refuse sweeps with more grid points than this.")] = sg.MAX_POINTS,
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
    scenario = load_scenario(file)
    from sim.cli.common import command_line, limits, progress_bar

    p = plan(scenario, vary or [], seed=seed, workers=workers, scheduler=scheduler, runs=runs,
             strategies=strategies, tol=tol, max_points=max_points, limits=limits())
    bar, update = progress_bar() if p.points > 10 else (None, None)
    if bar is not None:
        with bar:
            report = run_sweep(p, progress=update)
    else:
        report = run_sweep(p)
    target = out / f"{scenario.name}-sweep-{'-'.join(a.name for a in p.axes)}"
    report["command"] = command_line()
    written = write_outputs(report, target, figures=figures)
    if fmt == "json":
        typer.echo(json.dumps(jsonable(report), indent=2, ensure_ascii=False))
        return
    typer.echo(render_table(report))
    typer.echo(f"\nWrote {target}/: {', '.join(written)}")


# --------------------------------------------------------------------------- tradesim run


RUN_SAMPLES = 64
"""Latin-hypercube samples of the robustness check in ``tradesim run``."""
RUN_RUNS = 1000
"""Monte Carlo runs per point for survival in the run's sensitivity section."""


def sensitivity_report(scenario: Scenario, *, seed: np.random.SeedSequence,
                       samples: int = RUN_SAMPLES,
                       runs: int = RUN_RUNS, workers: int | None = None,
                       progress: Progress | None = None,
                       limits: Limits | None = None) -> dict[str, Any]:
    """Tornado, tipping points within each assumption's range, and robustness shares.

    Seeds: child 0 of ``seed`` is the tornado's common seed, child 1 drives the Latin
    hypercube (:func:`sv.robustness_tasks`).
    """
    players = scenario.player_names
    limits = limits or Limits()
    ctx = pt.context_for(scenario, pt.Settings(runs=runs, max_cells=limits.max_cells,
                                               max_run_periods=limits.max_run_periods))

    def tick(stage: str, total: int) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(stage, done, total))

    tornado_seed, robustness_seed = spawn(seed, 2)
    t_tasks = sv.tornado_tasks(scenario, tornado_seed)
    t_points = parallel.run_tasks(pt.run_task, ctx, t_tasks, workers=workers,
                                  progress=tick("tornado", len(t_tasks)))
    tornado = sv.tornado(t_tasks, t_points, players)
    found = sv.range_brackets(scenario, t_tasks, t_points)
    tipping = parallel.run_tasks(sv.bisect_bracket, ctx, found, workers=workers,
                                 progress=tick("tipping points", len(found)))
    names, r_tasks = sv.robustness_tasks(scenario, samples, robustness_seed)
    r_points = parallel.run_tasks(pt.run_task, ctx, r_tasks, workers=workers,
                                  progress=tick("robustness", len(r_tasks)))
    robust = sv.robustness(t_points[0], r_points, names, players)
    return _finite_or_none({
        **seed_record(seed),
        "runs_per_point": runs,
        "base": tornado.base,
        "tornado": [{"name": b.name, "low": b.low, "high": b.high, "at_low": b.at_low,
                     "at_high": b.at_high} for b in tornado.bars],
        "tipping_points": [_tipping_json(t) for t in
                           sorted(tipping, key=lambda t: (t.variable, t.value, t.conclusion))],
        "robustness": {
            "samples": robust.samples, "variables": list(robust.variables),
            "method": "Latin hypercube over every assumption's range",
            "shares": [{"statement": s.statement, "share": s.share, "se": s.se}
                       for s in robust.shares],
            "survival_mean": robust.survival_mean, "survival_se": robust.survival_se,
        },
    })


def _finite_or_none(obj: Any) -> Any:
    """JSON has no NaN or infinity: ``None`` stands for an undefined number."""
    if isinstance(obj, dict):
        return {k: _finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite_or_none(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _finite(x: Any) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


def tornado_outcomes(report: dict[str, Any]) -> list[str]:
    """Outcomes worth a tornado chart: those defined at the centre that move somewhere."""
    out = []
    for key, base in report["base"].items():
        if key.startswith("deal:") or not _finite(base):
            continue
        if any(_swing(b, key) > 1e-9 * max(1.0, abs(base)) for b in report["tornado"]):
            out.append(key)
    return out


def _swing(b: dict[str, Any], key: str) -> float:
    lo, hi = b["at_low"].get(key), b["at_high"].get(key)
    return abs(hi - lo) if _finite(lo) and _finite(hi) else -1.0


def sensitivity_markdown(report: dict[str, Any]) -> list[str]:
    lines = [("Each assumption is moved to the low and the high end of its range, the others "
             "held at their values (the tornado); conclusions that change inside a range are "
             "located by bisection; and a Latin-hypercube sample over all the ranges at once "
             "shows how often each headline conclusion holds."), ""]
    for key in tornado_outcomes(report):
        eps = 1e-9 * max(1.0, abs(report["base"][key]))
        bars = [b for b in sorted(report["tornado"], key=lambda b: -_swing(b, key))[:8]
                if _swing(b, key) > eps]
        lines += [f"**Tornado: {key}** (central value {report['base'][key]:.4g})", "",
                  "| assumption | low end | at low | high end | at high |",
                  "|---|---|---|---|---|"]
        lines += [f"| {b['name']} | {b['low']:g} | {b['at_low'][key]:.4g} | {b['high']:g} | "
                  f"{b['at_high'][key]:.4g} |" for b in bars]
        lines.append("")
    tps = report["tipping_points"]
    lines += [("**Tipping points inside the assumptions' ranges** "
              "(one assumption at a time, the others at their values)"), ""]
    short = short_sets(report)
    lines += [f"- {tipping_text(t, short)}" for t in tps] or [("- none: no conclusion changes inside any "
                                                 "single assumption's range")]
    rb = report["robustness"]
    lines += ["", (f"**Robustness** ({rb['samples']} Latin-hypercube samples over "
              f"{len(rb['variables'])} assumptions, seed {report['seed']})"), "",
              "| conclusion | share of samples | standard error |", "|---|---|---|"]
    lines += [f"| {s['statement']} | {s['share']:.1%} | {s['se']:.1%} |" for s in rb["shares"]]
    if _finite(rb["survival_mean"]):
        lines += ["", (f"Mean probability that the truce reaches its expiry intact over the "
                  f"samples: {rb['survival_mean']:.3f} (standard error {rb['survival_se']:.3f}).")]
    return lines


