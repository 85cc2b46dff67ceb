r"""Sensitivity: which conclusions survive when facts and assumptions move.

On top of points (:mod:`sim.analyses.points`):

* **tipping points** (:func:`tipping_points`): where a discrete conclusion changes between
  two neighbouring values, bisection (:func:`sim.solvers.sampling.bisect_change`) narrows
  the change down to an interval of half-width at most ``tol`` (the conclusion is a step
  function of the variable; when an interval holds several changes it finds one of them);
* a **tornado** (:func:`tornado_tasks`, :func:`tornado`): each assumption at the low and
  high ends of its range, the others at their values;
* **robustness** (:func:`robustness_tasks`, :func:`robustness`): Latin-hypercube samples
  over the whole assumption box (:func:`sim.solvers.sampling.latin_hypercube`); for each
  headline conclusion the share of samples in which it holds, with its standard error.

Everything here is pure: a scenario and numbers in, dataclasses out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sim import parallel
from sim.analyses.points import (
    Context,
    Point,
    Settings,
    Task,
    context_for,
    run_task,
    scenario_of,
)
from sim.errors import InputError
from sim.limits import Limits
from sim.scenario import Scenario
from sim.scenario.build import build_game
from sim.solvers.sampling import (
    Share,
    bisect_change,
    discrepancy,
    latin_hypercube,
    seed_record,
    share,
    spawn,
)
from sim.solvers.thresholds import closed_form, indifference_roots, is_affine, rounded_within


def conclusions(point: Point, players: Sequence[str]) -> dict[str, Hashable]:
    """The discrete conclusions of a point, by name (what tipping points track)."""
    out: dict[str, Hashable] = {"equilibria": point.equilibria_label}
    for name, is_eq in point.named:
        out[f"equilibrium:{name}"] = is_eq
    if point.truce is not None:
        out["truce_sustainable"] = point.truce.sustainable
        out["binding"] = players[point.truce.binding] if players else point.truce.binding
    if point.deal is not None:
        out["nash_deal"] = point.deal.support if point.deal.feasible else "no deal"
    return out

def where_text(variable: str, value: float, lo: float, hi: float,
               exact: float | None = None) -> str:
    """``x crosses 0.5 (between 0.49996 and 0.50004)``, or with a closed form
    ``x crosses 0.4375 exactly (indifference threshold)``."""
    if exact is not None:
        return f"{variable} crosses {exact:.12g} exactly (indifference threshold)"
    return f"{variable} crosses {value:g} (between {lo:.6g} and {hi:.6g})"


def describe(name: str, before: Hashable, after: Hashable, variable: str, value: float,
             bracket: tuple[float, float], exact: float | None = None) -> str:
    """A tipping point in words: "the swap stops being an equilibrium when x crosses 0.37
    (between 0.3699 and 0.3701)"; ``bracket`` is where bisection left the change."""
    where = where_text(variable, value, *bracket, exact)
    if name.startswith("equilibrium:"):
        profile = name.split(":", 1)[1]
        verb = "becomes" if after else "stops being"
        return f"{profile} {verb} a pure equilibrium when {where}"
    if name == "truce_sustainable":
        verb = "becomes sustainable" if after else "stops being sustainable"
        return f"the truce {verb} when {where}"
    if name == "binding":
        return f"the binding side changes from {before} to {after} when {where}"
    if name == "nash_deal":
        return f"the Nash bargaining deal changes from [{before}] to [{after}] when {where}"
    return f"the equilibrium set changes from [{before}] to [{after}] when {where}"

@dataclass(frozen=True)
class TippingPoint:
    """Where a conclusion changes along ``variable``: in ``[lo, hi]`` (bisection), reported
    as ``value``, the shortest decimal inside it; ``exact`` the closed-form value when
    there is one (:mod:`sim.solvers.thresholds`). ``tol`` is the bracket's half-width."""

    conclusion: str
    variable: str
    value: float
    tol: float
    before: Hashable
    after: Hashable
    text: str
    at: tuple[tuple[str, float], ...] = ()  # the other swept variables' values held fixed
    lo: float = math.nan
    hi: float = math.nan
    exact: float | None = None

def tipping_points(
    conclude: Callable[[float], Mapping[str, Hashable]],
    variable: str,
    xs: Sequence[float],
    known: Sequence[Mapping[str, Hashable]] | None = None,
    *,
    tol: float,
    max_iter: int = 200,
) -> list[TippingPoint]:
    """Locate every conclusion change along a grid by bisection to ``tol``.

    Parameters
    ----------
    conclude : the conclusions at a value of the variable (deterministic).
    xs : increasing grid values; ``known`` the conclusions already computed at them.
    tol : the half-width of the reported interval; bisection stops once
        :math:`(x_{hi} - x_{lo}) / 2 \\le tol`.

    For each neighbouring pair :math:`x_k < x_{k+1}` whose conclusion ``c`` differs, keep
    :math:`c(lo) = c(x_k)` and :math:`c(hi) \\ne c(x_k)` while halving; the change lies in
    :math:`[lo, hi]`, reported with the shortest decimal inside it
    (:func:`sim.solvers.thresholds.rounded_within`).
    """
    if not tol > 0:
        msg = f"tipping-point tolerance must be > 0, got {tol}"
        raise InputError(msg)
    xs = [float(x) for x in xs]
    values = list(known) if known is not None else [conclude(x) for x in xs]
    cache: dict[float, Mapping[str, Hashable]] = dict(zip(xs, values, strict=True))

    def at(x: float) -> Mapping[str, Hashable]:
        if x not in cache:
            cache[x] = conclude(x)
        return cache[x]

    out = []
    for k in range(len(xs) - 1):
        a, b = values[k], values[k + 1]
        for name in a:
            if name not in b or a[name] == b[name]:
                continue
            lo, hi = bisect_change(lambda x, name=name, was=a[name]: at(x).get(name) != was,
                                   xs[k], xs[k + 1], tol=tol, max_iter=max_iter)
            after = at(hi).get(name)
            half = (hi - lo) / 2
            value = rounded_within(lo, hi)
            text = describe(name, a[name], after, variable, value, (lo, hi))
            out.append(TippingPoint(
                conclusion=name, variable=variable, value=value, tol=half, before=a[name],
                after=after, text=text, lo=lo, hi=hi))
    return out

@dataclass(frozen=True)
class Bracket:
    """A conclusion that differs between two neighbouring grid values ``lo < hi`` of
    ``variable``, the other swept variables held at ``held``: one bisection task."""

    conclusion: str
    variable: str
    lo: float
    hi: float
    before: Hashable
    held: tuple[tuple[str, float], ...]
    players: tuple[str, ...]
    tol: float

def bisect_bracket(ctx: Context, b: Bracket) -> TippingPoint:
    """Narrow a :class:`Bracket` down by bisection (see :func:`tipping_points`)."""

    def conclude(x: float) -> Mapping[str, Hashable]:
        task = Task(index=-1, overrides=((b.variable, x), *b.held), seed=None, survival=False)
        return conclusions(run_task(ctx, task), b.players)

    lo_c = {b.conclusion: b.before}
    hi_c = conclude(b.hi)
    found = tipping_points(conclude, b.variable, [b.lo, b.hi], [lo_c, hi_c], tol=b.tol)
    tp = replace(found[0], at=b.held)
    if b.conclusion.startswith("equilibri"):
        exact = _closed_form(ctx, b, tp)
        if exact is not None:
            tp = replace(tp, exact=exact, text=describe(
                tp.conclusion, tp.before, tp.after, tp.variable, tp.value, (tp.lo, tp.hi),
                exact))
    return tp


def _closed_form(ctx: Context, b: Bracket, tp: TippingPoint) -> float | None:
    """The indifference threshold behind an equilibrium change, when payoffs are affine in
    the variable over the grid bracket and exactly one threshold lies in the final one."""
    scenario = scenario_of(ctx)

    def payoffs(x: float) -> np.ndarray:
        overrides = {**dict(ctx.base), **dict(b.held), b.variable: x}
        return build_game(scenario, overrides, max_cells=ctx.settings.max_cells).payoffs

    low, high = payoffs(b.lo), payoffs(b.hi)
    if not is_affine(low, payoffs((b.lo + b.hi) / 2), high):
        return None
    return closed_form(indifference_roots(low, high, b.lo, b.hi), tp.lo, tp.hi)

MODEL_OUTCOMES = ("no_slip", "dispute", "collapse", "renewed", "disputes_per_year")
"""The truce model's outcomes a tornado can show (:attr:`Truce.model`)."""


def outcome_values(point: Point, players: Sequence[str]) -> dict[str, float]:
    """The numeric outcomes a tornado can show (NaN where undefined)."""
    out = {f"payoff:{p}": (point.payoffs[i] if i < len(point.payoffs) else math.nan)
           for i, p in enumerate(players)}
    t = point.truce
    out["delta_star"] = t.delta_star if t is not None and math.isfinite(t.delta_star) \
        else math.nan
    out["survival"] = t.survival if t is not None and t.survival is not None else math.nan
    m = t.model if t is not None else None
    for key in MODEL_OUTCOMES:
        out[key] = m[key] if m is not None and m.get(key) is not None else math.nan
    if point.deal is not None and point.deal.payoffs is not None:
        for i, p in enumerate(players):
            out[f"deal:{p}"] = point.deal.payoffs[i]
    return out

def tornado_tasks(scenario: Scenario, seed: np.random.SeedSequence | None) -> list[Task]:
    """Task 0 at the central values, then each assumption at its low and its high end.

    All tasks share one seed (common random numbers), so a bar's length shows the effect
    of the assumption and not Monte Carlo noise.
    """
    tasks = [Task(index=0, overrides=(), seed=seed)]
    for name, q in scenario.assumptions.items():
        if q.range is None or q.range[0] == q.range[1]:
            continue
        for end in q.range:
            tasks.append(Task(index=len(tasks), overrides=((name, float(end)),), seed=seed))
    return tasks

@dataclass(frozen=True)
class TornadoBar:
    name: str
    low: float
    high: float
    at_low: dict[str, float]
    at_high: dict[str, float]

@dataclass(frozen=True)
class Tornado:
    base: dict[str, float]
    bars: tuple[TornadoBar, ...]

    def ranked(self, outcome: str) -> list[TornadoBar]:
        """Bars by decreasing swing :math:`|y(hi) - y(lo)|` of ``outcome`` (NaN last)."""
        def swing(b: TornadoBar) -> float:
            s = abs(b.at_high.get(outcome, math.nan) - b.at_low.get(outcome, math.nan))
            return -s if math.isfinite(s) else math.inf
        return sorted(self.bars, key=swing)

def tornado(tasks: Sequence[Task], points: Sequence[Point], players: Sequence[str]) -> Tornado:
    """Assemble :func:`tornado_tasks`' points into bars."""
    base = outcome_values(points[0], players)
    bars = []
    for k in range(1, len(tasks), 2):
        (name, low), = tasks[k].overrides
        (_, high), = tasks[k + 1].overrides
        bars.append(TornadoBar(name=name, low=low, high=high,
                               at_low=outcome_values(points[k], players),
                               at_high=outcome_values(points[k + 1], players)))
    return Tornado(base=base, bars=tuple(bars))

def robustness_tasks(scenario: Scenario, n: int,
                     seed: np.random.SeedSequence) -> tuple[list[str], list[Task]]:
    """Latin-hypercube tasks over every assumption with a range.

    The two children of ``seed`` are the design's stream and the parent of the tasks'
    streams (task ``i`` gets child ``i`` of it).
    """
    names = [k for k, q in scenario.assumptions.items()
             if q.range is not None and q.range[0] < q.range[1]]
    design_seed, task_root = spawn(seed, 2)
    lows = [scenario.assumptions[k].range[0] for k in names]  # type: ignore[index]
    highs = [scenario.assumptions[k].range[1] for k in names]  # type: ignore[index]
    x = latin_hypercube(lows, highs, n, np.random.default_rng(design_seed))
    seeds = task_root.spawn(n)
    tasks = [Task(index=i, overrides=tuple((k, float(v)) for k, v in zip(names, row,
                                                                          strict=True)),
                  seed=seeds[i]) for i, row in enumerate(x)]
    return names, tasks

@dataclass(frozen=True)
class Robustness:
    samples: int
    variables: tuple[str, ...]
    shares: tuple[Share, ...]
    survival_mean: float | None = None
    survival_se: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

def robustness(base: Point, points: Sequence[Point], variables: Sequence[str],
               players: Sequence[str]) -> Robustness:
    """Shares of samples in which each headline conclusion of ``base`` holds.

    Headlines: the equilibrium set is the central one; each named profile is (or is not) a
    pure equilibrium as at the centre; the truce is sustainable; the Nash deal is the central
    one. Also the mean survival to expiry with its standard error over samples.
    """
    c0 = conclusions(base, players)
    out = [share("the equilibrium set is the one at the central values",
                 [p.equilibria == base.equilibria for p in points])]
    for name, is_eq in base.named:
        text = f"{name} is a pure equilibrium" if is_eq else f"{name} is not a pure equilibrium"
        out.append(share(text, [dict(p.named).get(name) == is_eq for p in points]))
    if "truce_sustainable" in c0:
        out.append(share("the truce is sustainable (delta >= delta*)",
                         [p.truce is not None and p.truce.sustainable for p in points]))
    if "nash_deal" in c0:
        out.append(share("the Nash bargaining deal is the one at the central values",
                         [conclusions(p, players).get("nash_deal") == c0["nash_deal"]
                          for p in points]))
    surv = [p.truce.survival for p in points
            if p.truce is not None and p.truce.survival is not None]
    mean = se = None
    if surv:
        mean = float(np.mean(surv))
        se = float(np.std(surv, ddof=1) / math.sqrt(len(surv))) if len(surv) > 1 else math.nan
    return Robustness(samples=len(points), variables=tuple(variables), shares=tuple(out),
                      survival_mean=mean, survival_se=se)

def range_brackets(scenario: Scenario, tasks: Sequence[Task], points: Sequence[Point], *,
                   rel_tol: float = 1e-4) -> list[Bracket]:
    """Brackets of conclusions that change within an assumption's own range.

    Uses the tornado's points (:func:`tornado_tasks`): for each assumption the line
    ``low, central value, high`` (the others at their values); a conclusion that differs
    between two neighbours of that line is a bracket for :func:`bisect_bracket`.
    """
    players = scenario.player_names
    base = conclusions(points[0], players)
    out = []
    for k in range(1, len(tasks), 2):
        (name, low), = tasks[k].overrides
        (_, high), = tasks[k + 1].overrides
        mid = scenario.assumptions[name].value
        values = {low: conclusions(points[k], players), high: conclusions(points[k + 1], players)}
        values[mid] = base  # a central value at an end of its range replaces that end
        line = sorted(values.items())
        tol = rel_tol * (high - low)
        for (x0, c0), (x1, c1) in itertools.pairwise(line):
            for concl, before in c0.items():
                if concl in c1 and c1[concl] != before:
                    out.append(Bracket(conclusion=concl, variable=name, lo=x0, hi=x1,
                                       before=before, held=(), players=tuple(players), tol=tol))
    return out


# --------------------------------------------------------------------------- tradesim run


Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``."""


def tipping_json(t: TippingPoint) -> dict[str, Any]:
    """A tipping point as JSON (``bracket`` is where bisection left it, ``value`` the shortest
    decimal inside, ``exact`` a closed form or ``None``; ``tolerance`` half the bracket)."""
    return {"conclusion": t.conclusion, "variable": t.variable, "value": t.value,
            "bracket": [t.lo, t.hi], "exact": t.exact,
            "tolerance": t.tol, "before": t.before, "after": t.after, "text": t.text,
            "at": dict(t.at)}


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
    hypercube (:func:`robustness_tasks`).
    """
    players = scenario.player_names
    limits = limits or Limits()
    ctx = context_for(scenario, Settings(runs=runs, max_cells=limits.max_cells,
                                               max_run_periods=limits.max_run_periods))

    def tick(stage: str, total: int) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(stage, done, total))

    tornado_seed, robustness_seed = spawn(seed, 2)
    t_tasks = tornado_tasks(scenario, tornado_seed)
    t_points = parallel.run_tasks(run_task, ctx, t_tasks, workers=workers,
                                  progress=tick("tornado", len(t_tasks)))
    bars = tornado(t_tasks, t_points, players)
    found = range_brackets(scenario, t_tasks, t_points)
    tipping = parallel.run_tasks(bisect_bracket, ctx, found, workers=workers,
                                 progress=tick("tipping points", len(found)))
    names, r_tasks = robustness_tasks(scenario, samples, robustness_seed)
    r_points = parallel.run_tasks(run_task, ctx, r_tasks, workers=workers,
                                  progress=tick("robustness", len(r_tasks)))
    robust = robustness(t_points[0], r_points, names, players)
    design = np.array([[v for _, v in t.overrides] for t in r_tasks]).reshape(len(r_tasks), -1)
    ranges = [scenario.assumptions[k].range for k in names]
    spread = discrepancy(design, [r[0] for r in ranges], [r[1] for r in ranges])  # type: ignore[index]
    return finite_or_none({
        **seed_record(seed),
        "runs_per_point": runs,
        "base": bars.base,
        "tornado": [{"name": b.name, "low": b.low, "high": b.high, "at_low": b.at_low,
                     "at_high": b.at_high} for b in bars.bars],
        "tipping_points": [tipping_json(t) for t in
                           sorted(tipping, key=lambda t: (t.variable, t.value, t.conclusion))],
        "robustness": {
            "samples": robust.samples, "variables": list(robust.variables),
            "method": "Latin hypercube over every assumption's range (scipy.stats.qmc)",
            "discrepancy": spread,
            "shares": [{"statement": s.statement, "share": s.share, "se": s.se}
                       for s in robust.shares],
            "survival_mean": robust.survival_mean, "survival_se": robust.survival_se,
        },
    })

def finite_or_none(obj: Any) -> Any:
    """JSON has no NaN or infinity: ``None`` stands for an undefined number."""
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite_or_none(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
