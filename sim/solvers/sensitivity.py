r"""Sensitivity: which conclusions survive when facts and assumptions move.

A *point* is the scenario with some facts or assumptions overridden
(:func:`sim.game.build_game` with ``overrides``). At each point we compute the conclusions
a user reads off a run (:func:`evaluate`):

* the Nash equilibria, pure and mixed (:func:`sim.solvers.reduction.solve_reduced`), as a
  stable label of the equilibrium *set* (one label per equilibrium: the profile for a pure
  one, the supports for a mixed one; sorted), and for each named profile of the file
  whether it is a pure equilibrium;
* the truce (``[truce]``): each side's critical discount factor for grim trigger under the
  file's punishment, :math:`\delta^* = \max_i (D_i - C_i)/(D_i - P_i)` (Friedman, 1971), the
  binding side, whether :math:`\delta \ge \delta^*` at the point's discount factor, and the
  Monte Carlo probability that the truce reaches its expiry intact under the point's noise
  (:func:`sim.solvers.truce.simulate_truce`, with a standard error);
* the Nash bargaining deal (Nash, 1950) over the file's disagreement point and outside
  options (:mod:`sim.solvers.bargaining`): its payoffs and the pure profiles it mixes.

On top of points:

* **sweeps** (:func:`grid`) over one or two variables;
* **tipping points** (:func:`tipping_points`): where a discrete conclusion changes between
  two neighbouring grid values, bisection narrows the change down to an interval of
  half-width at most ``tol`` (the conclusion is a step function of the variable, so
  bisection converges like :math:`(\Delta x) / 2^k`; when an interval holds several changes
  it finds one of them);
* a **tornado** (:func:`tornado_tasks`, :func:`tornado`): each assumption at the low and
  high ends of its range, the others at their values;
* **robustness** (:func:`latin_hypercube`, :func:`robustness`): Latin-hypercube samples
  over the whole assumption box (McKay, Beckman & Conover, 1979); for each headline
  conclusion the share :math:`\hat p` of samples in which it holds, with the binomial
  standard error :math:`\sqrt{\hat p (1-\hat p)/n}` (conservative: Latin-hypercube
  sampling never has a larger variance for such shares, Stein, 1987).

Everything here is pure: a scenario and numbers in, dataclasses out. Tasks (one point each)
are plain data so that :mod:`sim.parallel` can run them anywhere; each carries its own
:class:`numpy.random.SeedSequence`, so results do not depend on how they are scheduled.

References
----------
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. *RES* 38(1), 1-12.
Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three methods for
selecting values of input variables in the analysis of output from a computer code.
*Technometrics* 21(2), 239-245.
Stein, M. (1987). Large sample properties of simulations using Latin hypercube sampling.
*Technometrics* 29(2), 143-151.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import tomllib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses import settings as resolve
from sim.errors import InputError, LimitError, SolverError, TradesimError
from sim.game import Game
from sim.scenario import BargainingSpec, Scenario, parse_scenario
from sim.scenario.build import DEFAULT_MAX_CELLS, build_game
from sim.solvers import bargaining as bg
from sim.solvers import repeated as rp
from sim.solvers.pareto import pareto_mask
from sim.solvers.reduction import solve_reduced
from sim.solvers.strategies import parse_pair
from sim.solvers.truce import DEFAULT_MAX_RUN_PERIODS, simulate_truce, truce_game

FloatArray = np.ndarray
Index = tuple[int, ...]

DEFAULT_POINTS = 21
"""Grid points of a swept variable when ``--vary NAME`` gives no count."""
MAX_POINTS = 100_000
"""Default limit on the points of one sweep (``--max-points`` raises it)."""
PROBABILITY_TOL = 1e-9


# --------------------------------------------------------------------------- variables


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


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """What to compute at each point.

    Attributes
    ----------
    strategies : the strategy pair whose truce survival is simulated (``"grim"`` or
        ``"grim/tft"``, see :mod:`sim.solvers.strategies`).
    runs : Monte Carlo runs per point for the survival probability (0: skip it).
    method : equilibrium method of :func:`solve_reduced`.
    max_cells : limit on payoff cells passed to :func:`build_game`.
    max_run_periods : limit on a truce simulation's size passed to :func:`simulate_truce`.
    """

    strategies: str = "grim"
    runs: int = 2000
    method: str = "auto"
    max_cells: int = DEFAULT_MAX_CELLS
    max_run_periods: int = DEFAULT_MAX_RUN_PERIODS
    tol: float = 1e-9


@dataclass(frozen=True)
class Context:
    """Everything shared by the tasks of one job, as plain picklable data.

    The scenario travels as its TOML text (its compiled formulas are closures, which do not
    pickle) and is parsed once per process (:func:`scenario_of`).
    """

    text: str
    path: str
    settings: Settings
    base: tuple[tuple[str, float], ...] = ()  # overrides applied to every task


@dataclass(frozen=True)
class Task:
    """One point: its index, the overrides, and its own seed (``None``: no simulation)."""

    index: int
    overrides: tuple[tuple[str, float], ...]
    seed: np.random.SeedSequence | None = None
    survival: bool = True


_SCENARIOS: dict[str, Scenario] = {}


def context_for(scenario: Scenario, settings: Settings,
                base: Mapping[str, float] | None = None) -> Context:
    """The :class:`Context` of ``scenario`` (and remember the parsed scenario)."""
    ctx = Context(text=scenario.text, path=str(scenario.path or ""), settings=settings,
                  base=tuple(sorted((base or {}).items())))
    _SCENARIOS[_key(ctx)] = scenario
    return ctx


def _key(ctx: Context) -> str:
    return hashlib.sha256(f"{ctx.path}\0{ctx.text}".encode()).hexdigest()


def scenario_of(ctx: Context) -> Scenario:
    """The parsed scenario of a context (parsed at most once per process)."""
    key = _key(ctx)
    if key not in _SCENARIOS:
        _SCENARIOS[key] = parse_scenario(tomllib.loads(ctx.text),
                                         path=Path(ctx.path) if ctx.path else None,
                                         text=ctx.text)
    return _SCENARIOS[key]


# --------------------------------------------------------------------------- one point


@dataclass(frozen=True)
class Truce:
    """The truce at one point (``None`` fields when a quantity is undefined there)."""

    delta: float
    delta_star: float  # max over players; inf when not sustainable for any delta < 1
    delta_star_players: tuple[float, float]
    binding: int
    sustainable: bool
    periods: int
    survival: float | None = None
    survival_se: float | None = None
    period_days: float = rp.DEFAULT_PERIOD_DAYS
    curve: tuple[float, ...] = ()  # P(unbroken) after 0..periods periods (simulated)


@dataclass(frozen=True)
class Deal:
    """The Nash bargaining deal at one point (``feasible`` False: no gain over ``d``)."""

    feasible: bool
    payoffs: tuple[float, float] | None
    label: str  # the deal in words, with each profile's probability; "" when infeasible
    disagreement: tuple[float, float]
    support: str = ""  # the pure profiles it plays, sorted (what tipping points track)


@dataclass(frozen=True)
class Point:
    """The conclusions at one point of a sweep."""

    overrides: tuple[tuple[str, float], ...]
    equilibria: tuple[str, ...]  # one stable label per equilibrium, sorted
    payoffs: tuple[float, ...]  # of the equilibrium with the highest joint payoff
    complete: bool
    pure: tuple[str, ...]
    named: tuple[tuple[str, bool], ...]  # (profile name, is a pure equilibrium)
    truce: Truce | None
    deal: Deal | None
    note: str = ""

    @property
    def equilibria_label(self) -> str:
        return " ; ".join(self.equilibria)

    def value(self, name: str) -> float:
        return dict(self.overrides)[name]


def equilibrium_label(game: Game, strategies: Sequence[FloatArray], *, tol: float = 1e-9) -> str:
    """A label that depends only on the equilibrium's supports (not on its probabilities).

    A pure equilibrium is its profile, ``US: tariff=geneva, ... | China: ...``; a mixed one
    lists each player's support in braces, ``mixed US {a; b} | China {c; d}``.
    """
    supports = [np.flatnonzero(np.asarray(x) > tol) for x in strategies]
    if all(len(s) == 1 for s in supports):
        return game.profile_label(tuple(int(s[0]) for s in supports))
    parts = [f"{p} {{{'; '.join(game.strategies[i][int(k)] for k in s)}}}"
             for i, (p, s) in enumerate(zip(game.players, supports, strict=True))]
    return "mixed " + " | ".join(parts)


def evaluate(scenario: Scenario, overrides: Mapping[str, float], settings: Settings,
             rng: np.random.Generator | None = None) -> Point:
    """All conclusions at one point; the truce survival is simulated only when ``rng`` is
    given (and ``settings.runs > 0``)."""
    game = build_game(scenario, overrides, max_cells=settings.max_cells)
    eqs = solve_reduced(game.payoffs, method=settings.method, tol=settings.tol)
    labels = sorted({equilibrium_label(game, e.strategies) for e in eqs.equilibria})
    head = max(eqs.equilibria, key=lambda e: float(np.sum(e.payoffs)), default=None)
    from sim.solvers.pure import pure_nash

    pure = [tuple(int(i) for i in p) for p in pure_nash(game.payoffs, tol=settings.tol)]
    named = tuple((name, index in pure)
                  for name, index in resolve.named_indices(scenario, game).items())
    truce = deal = None
    notes = []
    if len(game.players) == 2:
        try:
            truce = _truce(scenario, game, overrides, settings, rng)
        except (SolverError, InputError) as exc:
            notes.append(f"truce: {exc}")
        try:
            deal = _deal(scenario, game, overrides, tol=settings.tol)
        except (SolverError, InputError) as exc:
            notes.append(f"bargaining: {exc}")
    return Point(
        overrides=tuple(overrides.items()),
        equilibria=tuple(labels),
        payoffs=tuple(float(v) for v in head.payoffs) if head is not None else (),
        complete=bool(eqs.complete),
        pure=tuple(game.profile_label(p) for p in pure),
        named=named, truce=truce, deal=deal, note="; ".join(notes),
    )


def _value(scenario: Scenario, ref: Any, overrides: Mapping[str, float]) -> float:
    return scenario.value(ref, overrides)


def _truce(scenario: Scenario, game: Game, overrides: Mapping[str, float], settings: Settings,
           rng: np.random.Generator | None) -> Truce | None:
    body = scenario.truce
    if body is None:
        return None

    numbers = scenario.truce_numbers(overrides)
    clock = resolve.truce_clock(scenario, overrides)
    length, period, delta = clock.length_days, clock.period_days, clock.delta
    if delta is None:
        msg = "[truce] sets no discount factor"
        raise InputError(msg)
    truce = resolve.profile_index(scenario, game, body.profile)
    escalation = resolve.profile_index(scenario, game, body.escalation)
    pun_name = body.punishment or "nash"
    punishment = (pun_name if pun_name in {"nash", "minmax"}
                  else resolve.profile_index(scenario, game, pun_name))
    t = rp.thresholds(game.payoffs, truce, punishment, tol=settings.tol)  # type: ignore[arg-type]
    stars = (t.players[0].delta_star, t.players[1].delta_star)
    binding = int(np.argmax(stars))
    star = float(max(stars))
    periods = rp.periods_in(length, period)
    survival = se = None
    curve: tuple[float, ...] = ()
    if rng is not None and settings.runs > 0:
        small = truce_game(game.payoffs, truce, escalation)
        k = body.punishment_periods or 3
        pair = parse_pair(settings.strategies, default_k=k)
        res = simulate_truce(small, pair, periods=periods, runs=settings.runs, rng=rng,
                             noise_implementation=float(np.clip(
                                 numbers.get("noise_implementation", 0.0), 0, 1)),
                             noise_perception=float(np.clip(
                                 numbers.get("noise_perception", 0.0), 0, 1)),
                             delta=delta, max_run_periods=settings.max_run_periods)
        survival, se = res.expiry, res.expiry_se
        curve = tuple(float(x) for x in res.survival)
    return Truce(delta=float(delta), delta_star=star,
                 delta_star_players=(float(stars[0]), float(stars[1])), binding=binding,
                 sustainable=bool(delta >= star), periods=periods, survival=survival,
                 survival_se=se, period_days=float(period), curve=curve)


def _payoff_space(A: FloatArray, B: FloatArray, *, tol: float) -> bg.PayoffSpace:
    """:func:`bargaining.payoff_space` without the lists of Pareto and frontier profiles,
    which the deal does not need (they cost a Python loop over every profile).

    The frontier's vertices are Pareto-optimal pure payoff pairs, so the hull is taken over
    those alone (the same frontier, far fewer points)."""
    points = np.column_stack([np.ravel(A), np.ravel(B)])
    eps = bg.scale_tol(points, tol)
    best = points[pareto_mask(points, tol=tol)]
    hull = bg.convex_hull(best, tol=eps * max(1.0, float(np.ptp(points))))
    return bg.PayoffSpace(points=points, shape=(A.shape[0], A.shape[1]), hull=hull,
                          frontier=bg.pareto_frontier(hull), pareto=(), on_frontier=(), tol=eps)


def _deal(scenario: Scenario, game: Game, overrides: Mapping[str, float], *,
          tol: float = 1e-9) -> Deal:
    body = scenario.bargaining or BargainingSpec()
    spec = body.disagreement or "nash"
    refs = body.outside_options
    options = [None if p not in refs else _value(scenario, refs[p], overrides)
               for p in game.players]
    named = {n: resolve.profile_index(scenario, game, n) for n in scenario.profiles}
    space = _payoff_space(game.A, game.B, tol=tol)
    d = bg.disagreement_point(game.A, game.B, spec, profiles=named, outside_options=options)
    result = bg.solve_bargaining(space, d.point)
    point = (float(d.point[0]), float(d.point[1]))
    if not result.feasible:
        return Deal(feasible=False, payoffs=None, label="", disagreement=point)
    nash = result.solutions["nash"]
    return Deal(feasible=True, payoffs=(float(nash.payoffs[0]), float(nash.payoffs[1])),
                label=lottery_label(nash.lottery, game.profile_label), disagreement=point,
                support=("a lottery of " if len(nash.lottery) > 1 else "") + " + ".join(
                    sorted({game.profile_label(p) for x in nash.lottery for p in x.profiles})))


def lottery_label(lottery: Sequence[bg.Support], label: Callable[[tuple[int, int]], str]) -> str:
    """``US: a | China: b`` for a pure deal; ``76.7% [US: a | China: b] + 23.3% [...]`` for a
    lottery (profiles giving the same payoffs joined by ``or``), so a lottery never reads as
    one profile."""
    def outcome(x: bg.Support) -> str:
        return " or ".join(sorted(label(p) for p in x.profiles))

    if len(lottery) == 1:
        return outcome(lottery[0])
    return " + ".join(f"{100 * x.probability:.1f}% [{outcome(x)}]" for x in lottery)


# --------------------------------------------------------------------------- conclusions


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


def describe(name: str, before: Hashable, after: Hashable, variable: str, value: float,
             tol: float) -> str:
    """A tipping point in words: "the swap stops being an equilibrium when x > 0.37 ± 0.001"."""
    where = f"{variable} > {value:.6g} ± {tol:.2g}"
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
    """Where a conclusion changes along ``variable``: in ``[value - tol, value + tol]``."""

    conclusion: str
    variable: str
    value: float
    tol: float
    before: Hashable
    after: Hashable
    text: str
    at: tuple[tuple[str, float], ...] = ()  # the other swept variables' values held fixed


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
    :math:`[lo, hi]`, reported as its midpoint :math:`\\pm (hi - lo)/2`.
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
            lo, hi = xs[k], xs[k + 1]
            for _ in range(max_iter):
                if (hi - lo) / 2 <= tol:
                    break
                mid = (lo + hi) / 2
                if at(mid).get(name) == a[name]:
                    lo = mid
                else:
                    hi = mid
            after = at(hi).get(name)
            half = (hi - lo) / 2
            value = (lo + hi) / 2
            out.append(TippingPoint(
                conclusion=name, variable=variable, value=value, tol=half, before=a[name],
                after=after, text=describe(name, a[name], after, variable, value, half)))
    return out


# --------------------------------------------------------------------------- tasks


def run_task(ctx: Context, task: Task) -> Point:
    """Evaluate one task (the function :mod:`sim.parallel` runs on workers)."""
    scenario = scenario_of(ctx)
    overrides = {**dict(ctx.base), **dict(task.overrides)}
    rng = None
    if task.survival and task.seed is not None:
        # a fresh copy: a Generator's spawn() would otherwise advance the task's own
        # SeedSequence, and a re-run of the same task would draw other numbers
        rng = np.random.default_rng(np.random.SeedSequence(
            task.seed.entropy, spawn_key=task.seed.spawn_key, pool_size=task.seed.pool_size))
    try:
        point = evaluate(scenario, overrides, ctx.settings, rng)
    except TradesimError as exc:
        # one line naming the point, as an error with a one-argument constructor (so that it
        # pickles back from a worker process or a Dask cluster)
        where = ", ".join(f"{k} = {v:g}" for k, v in task.overrides) or "the central values"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = f"at {where}: {first}"
        if isinstance(exc, LimitError):  # pickles with its `limit` (kept in __dict__)
            raise LimitError(msg, limit=exc.limit) from None
        raise InputError(msg) from None
    return replace(point, overrides=task.overrides)


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


Runner = Callable[[Context, Sequence[Task]], list[Point]]


def serial(ctx: Context, tasks: Sequence[Task]) -> list[Point]:
    """The plain loop (the default :data:`Runner`)."""
    return [run_task(ctx, t) for t in tasks]


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


def bisect_bracket(ctx: Context, b: Bracket) -> TippingPoint:
    """Narrow a :class:`Bracket` down by bisection (see :func:`tipping_points`)."""

    def conclude(x: float) -> Mapping[str, Hashable]:
        task = Task(index=-1, overrides=((b.variable, x), *b.held), seed=None, survival=False)
        return conclusions(run_task(ctx, task), b.players)

    lo_c = {b.conclusion: b.before}
    hi_c = conclude(b.hi)
    found = tipping_points(conclude, b.variable, [b.lo, b.hi], [lo_c, hi_c], tol=b.tol)
    return replace(found[0], at=b.held)


def sweep_tipping_points(ctx: Context, axes: Sequence[Axis], points: Sequence[Point],
                         players: Sequence[str], *, tol: float | None = None,
                         rel_tol: float = 1e-4) -> list[TippingPoint]:
    """Tipping points along each swept variable, serially (see :func:`brackets`)."""
    return [bisect_bracket(ctx, b)
            for b in brackets(axes, points, players, tol=tol, rel_tol=rel_tol)]


# --------------------------------------------------------------------------- tornado


OUTCOMES = ("payoff", "delta_star", "survival")


def outcome_values(point: Point, players: Sequence[str]) -> dict[str, float]:
    """The numeric outcomes a tornado can show (NaN where undefined)."""
    out = {f"payoff:{p}": (point.payoffs[i] if i < len(point.payoffs) else math.nan)
           for i, p in enumerate(players)}
    t = point.truce
    out["delta_star"] = t.delta_star if t is not None and math.isfinite(t.delta_star) \
        else math.nan
    out["survival"] = t.survival if t is not None and t.survival is not None else math.nan
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


# --------------------------------------------------------------------------- robustness


def latin_hypercube(lows: Sequence[float], highs: Sequence[float], n: int,
                    rng: np.random.Generator) -> FloatArray:
    r"""``n`` Latin-hypercube samples of the box :math:`\prod_j [l_j, h_j]`.

    Each dimension is cut into ``n`` equal strata; sample ``k`` of dimension ``j`` lies in
    stratum :math:`\pi_j(k)` (an independent random permutation per dimension) at a uniform
    position within it (McKay et al., 1979). Shape ``(n, d)``.
    """
    if n < 1:
        msg = f"robustness samples: got {n}; expected at least 1"
        raise InputError(msg)
    lo, hi = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    d = lo.size
    strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1) if d else \
        np.empty((n, 0))
    u = (strata + rng.random((n, d))) / n
    return lo + u * (hi - lo)


def robustness_tasks(scenario: Scenario, n: int, seed: int) -> tuple[list[str], list[Task]]:
    """Latin-hypercube tasks over every assumption with a range.

    ``SeedSequence(seed).spawn(2)`` gives the design's stream and the parent of the tasks'
    streams (task ``i`` gets child ``i``).
    """
    names = [k for k, q in scenario.assumptions.items()
             if q.range is not None and q.range[0] < q.range[1]]
    design_seed, task_root = np.random.SeedSequence(seed).spawn(2)
    lows = [scenario.assumptions[k].range[0] for k in names]  # type: ignore[index]
    highs = [scenario.assumptions[k].range[1] for k in names]  # type: ignore[index]
    x = latin_hypercube(lows, highs, n, np.random.default_rng(design_seed))
    seeds = task_root.spawn(n)
    tasks = [Task(index=i, overrides=tuple((k, float(v)) for k, v in zip(names, row,
                                                                          strict=True)),
                  seed=seeds[i]) for i, row in enumerate(x)]
    return names, tasks


@dataclass(frozen=True)
class Share:
    """Share of samples in which a statement holds, with its standard error."""

    statement: str
    share: float
    se: float
    n: int


@dataclass(frozen=True)
class Robustness:
    samples: int
    variables: tuple[str, ...]
    shares: tuple[Share, ...]
    survival_mean: float | None = None
    survival_se: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def share(statement: str, flags: Sequence[bool]) -> Share:
    r""":math:`\hat p` and :math:`\sqrt{\hat p(1-\hat p)/n}`."""
    n = len(flags)
    p = float(np.mean(flags)) if n else math.nan
    return Share(statement=statement, share=p, se=math.sqrt(p * (1 - p) / n) if n else math.nan,
                 n=n)


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
