"""Sweeps: a grid over one or two variables, and the tipping points along it.

:func:`grid_tasks` makes one :class:`~sim.analyses.points.Task` per grid point;
:func:`brackets` finds neighbouring points whose conclusions differ, and
:func:`sweep_tipping_points` narrows each down (:func:`sim.analyses.sensitivity.bisect_bracket`).
:func:`run_sweep` runs a checked :class:`Plan` (on :mod:`sim.parallel`) into the JSON-ready
report of ``tradesim sweep``; :func:`rows` is its tidy table. :func:`plan` checks the ``NAME=LO:HI:N`` specs and the
other options of ``tradesim sweep`` (and of :func:`sim.api.sweep`) before any work.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import parallel
from sim.analyses import points as pt
from sim.analyses import sensitivity as sv
from sim.analyses.points import Context, Point, Task
from sim.analyses.sensitivity import (
    Bracket,
    Progress,
    TippingPoint,
    bisect_bracket,
    conclusions,
    tipping_json,
)
from sim.errors import InputError, LimitError
from sim.limits import Limits
from sim.scenario import Scenario
from sim.solvers.strategies import parse_pair
from sim.solvers.truce import check_survival_runs

FloatArray = np.ndarray

DEFAULT_POINTS = 21
"""Grid points of a swept variable when ``--vary NAME`` gives no count."""

MAX_POINTS = 100_000
"""Default limit on the points of one sweep (``--max-points`` raises it)."""

@dataclass(frozen=True)
class Axis:
    """One swept variable: ``n`` evenly spaced values from ``lo`` to ``hi``."""

    name: str
    lo: float
    hi: float
    n: int

    @property
    def values(self) -> FloatArray:
        return np.linspace(self.lo, self.hi, self.n)

def grid_tasks(axes: Sequence[Axis], seeds: Sequence[np.random.SeedSequence] | None,
               *, survival: bool = True) -> list[Task]:
    """One task per grid point, the first axis varying slowest (C order)."""
    grids = [a.values for a in axes]
    tasks = []
    for index, combo in enumerate(np.ndindex(*[a.n for a in axes])):
        overrides = tuple((a.name, float(g[i])) for a, g, i in zip(axes, grids, combo,
                                                                    strict=True))
        tasks.append(Task(index=index, overrides=overrides,
                          seed=None if seeds is None else seeds[index], survival=survival))
    return tasks

def brackets(axes: Sequence[Axis], points: Sequence[Point], players: Sequence[str], *,
             tol: float | None = None, rel_tol: float = 1e-4) -> list[Bracket]:
    """Every neighbouring pair of grid points, along each variable, whose conclusions differ.

    In a 1-D sweep, along the grid; in a 2-D sweep, along each variable for every grid value
    of the other one. ``tol`` defaults to ``rel_tol`` times the variable's range.
    """
    out: list[Bracket] = []
    shape = [a.n for a in axes]
    table = [conclusions(p, players) for p in points]
    for k, axis in enumerate(axes):
        t = tol if tol is not None else rel_tol * (axis.hi - axis.lo)
        xs = axis.values
        others = [j for j in range(len(axes)) if j != k]
        for fixed in np.ndindex(*[shape[j] for j in others]):
            full = [0] * len(axes)
            for j, f in zip(others, fixed, strict=True):
                full[j] = f
            held = tuple((axes[j].name, float(axes[j].values[f]))
                         for j, f in zip(others, fixed, strict=True))
            line = []
            for i in range(axis.n):
                full[k] = i
                line.append(table[int(np.ravel_multi_index(full, shape))])
            for i in range(axis.n - 1):
                for name, before in line[i].items():
                    if name in line[i + 1] and line[i + 1][name] != before:
                        out.append(Bracket(conclusion=name, variable=axis.name,
                                           lo=float(xs[i]), hi=float(xs[i + 1]),
                                           before=before, held=held, players=tuple(players),
                                           tol=t))
    return out

def sweep_tipping_points(ctx: Context, axes: Sequence[Axis], points: Sequence[Point],
                         players: Sequence[str], *, tol: float | None = None,
                         rel_tol: float = 1e-4) -> list[TippingPoint]:
    """Tipping points along each swept variable, serially (see :func:`brackets`)."""
    return [bisect_bracket(ctx, b)
            for b in brackets(axes, points, players, tol=tol, rel_tol=rel_tol)]


DEFAULT_RUNS = 1000
"""Monte Carlo runs per point for the truce survival probability."""

REL_TOL = 1e-4
"""Default tipping-point tolerance, as a share of the swept range."""

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
              n: int | None = None) -> Axis:
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
    n = DEFAULT_POINTS if n is None else n
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
    return Axis(name=name, lo=float(lo), hi=float(hi), n=n)

def check_size(axes: Sequence[Axis], max_points: int = MAX_POINTS) -> int:
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
         max_points: int = MAX_POINTS, limits: Limits | None = None) -> Plan:
    """Every check of the command line, before any work."""
    if not specs:
        msg = "--vary: give at least one, e.g. --vary elasticity=0.7:2.5:21"
        raise InputError(msg)
    axes = tuple(make_axis(scenario, *parse_vary(s)) for s in specs)
    check_size(axes, max_points=max_points)
    check_survival_runs(runs)
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


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    axes: tuple[Axis, ...]
    settings: pt.Settings
    seed: int
    workers: int
    scheduler: str | None
    tol: tuple[float, ...]  # per axis

    @property
    def points(self) -> int:
        return math.prod(a.n for a in self.axes)


def run_sweep(p: Plan, *, progress: Progress | None = None) -> dict[str, Any]:
    """Evaluate the grid, then bisect every tipping point; a JSON-ready report."""
    ctx = pt.context_for(p.scenario, p.settings)
    seeds = parallel.task_seeds(p.seed, p.points)
    tasks = grid_tasks(p.axes, seeds, survival=p.settings.runs > 0)

    def tick(stage: str, total: int) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(stage, done, total))

    points = parallel.run_tasks(pt.run_task, ctx, tasks, workers=p.workers,
                                scheduler=p.scheduler, progress=tick("points", len(tasks)))
    players = p.scenario.player_names
    found: list[sv.Bracket] = []
    for k, axis in enumerate(p.axes):
        found += [b for b in brackets(p.axes, points, players, tol=p.tol[k])
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
        "tipping_points": [tipping_json(t) for t in tipping],
    }

def _axis_json(scenario: Scenario, a: Axis) -> dict[str, Any]:
    q = scenario.quantity(a.name)
    return {"name": a.name, "kind": q.kind, "unit": q.unit, "value": q.value,
            "range": list(q.range) if q.range else None, "lo": a.lo, "hi": a.hi, "n": a.n}

def _set_counts(table: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for r in table:
        counts[r["equilibria"]] = counts.get(r["equilibria"], 0) + 1
    return [{"equilibria": k, "points": v} for k, v in
            sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def rows(points: Sequence[pt.Point], players: Sequence[str],
         axes: Sequence[Axis]) -> list[dict[str, Any]]:
    """The tidy table: one row per point, one column per variable and conclusion."""
    out = []
    for k, point in enumerate(points):
        r: dict[str, Any] = {"index": k}
        r.update({name: value for name, value in point.overrides})
        r["equilibria"] = point.equilibria_label
        r["n_equilibria"] = len(point.equilibria)
        r["complete"] = point.complete
        r["pure_equilibria"] = " ; ".join(point.pure)
        r["mixed_equilibria"] = " ; ".join(point.mixed)
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
        for key in ("no_slip", "dispute", "collapse", "renewed", "disputes_per_year"):
            r[key] = t.model.get(key) if t and t.model else None
        d = point.deal
        for i, pl in enumerate(players):
            r[f"deal_{pl}"] = d.payoffs[i] if d and d.payoffs else None
        r["nash_deal"] = (d.label or "no deal") if d else None
        r["note"] = point.note
        out.append(r)
    return out
