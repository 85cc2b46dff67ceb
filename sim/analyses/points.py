r"""One point of a sensitivity analysis: the scenario with some numbers overridden.

A *point* is the scenario with some facts or assumptions overridden
(:func:`sim.scenario.build.build_game` with ``overrides``). At each point we compute the
conclusions a user reads off a run (:func:`evaluate`):

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

Tasks (one point each) are plain data so that :mod:`sim.parallel` can run them anywhere
(:func:`run_task`); each carries its own :class:`numpy.random.SeedSequence`, so results do
not depend on how they are scheduled. The scenario travels as its text and is parsed once
per process.

References
----------
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. *RES* 38(1), 1-12.
Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
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
from sim.solvers.truce import DEFAULT_MAX_RUN_PERIODS, pair_seed, simulate_truce, truce_game

FloatArray = np.ndarray


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
    grid: int | None = None  # the scenario's continuous-lever grid (``Scenario.grid``)

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
    """The :class:`Context` of ``scenario`` (and remember the parsed scenario).

    Parameters
    ----------
    scenario : Scenario
    settings : Settings
    base : mapping, optional
        Overrides applied at every point.

    Returns
    -------
    Context
    """
    ctx = Context(text=scenario.text, path=str(scenario.path or ""), settings=settings,
                  base=tuple(sorted((base or {}).items())), grid=scenario.grid)
    _SCENARIOS[_key(ctx)] = scenario
    return ctx

def _key(ctx: Context) -> str:
    return hashlib.sha256(f"{ctx.path}\0{ctx.grid}\0{ctx.text}".encode()).hexdigest()

def scenario_of(ctx: Context) -> Scenario:
    """The parsed scenario of a context (parsed at most once per process).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Scenario
        Read again from the context's text, with the grid it was read with.
    """
    key = _key(ctx)
    if key not in _SCENARIOS:
        _SCENARIOS[key] = parse_scenario(tomllib.loads(ctx.text),
                                         path=Path(ctx.path) if ctx.path else None,
                                         text=ctx.text, grid=ctx.grid)
    return _SCENARIOS[key]


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
    model: dict[str, Any] | None = None  # the truce model's outcomes (exact), see truce_model

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
    mixed: tuple[str, ...] = ()  # each mixed equilibrium with its probabilities

    @property
    def equilibria_label(self) -> str:
        return " ; ".join(self.equilibria)

    def value(self, name: str) -> float:
        return dict(self.overrides)[name]

def equilibrium_label(game: Game, strategies: Sequence[FloatArray], *, tol: float = 1e-9) -> str:
    """A label that depends only on the equilibrium's supports (not on its probabilities).

    A pure equilibrium is its profile, ``US: tariff=geneva, ... | China: ...``; a mixed one
    lists each player's support in braces, ``mixed US {a; b} | China {c; d}``.

    Parameters
    ----------
    game : Game
    strategies : sequence of numpy.ndarray
        One mixed strategy per player.
    tol : float
        Probabilities above ``tol`` are in the support.

    Returns
    -------
    str
    """
    supports = [np.flatnonzero(np.asarray(x) > tol) for x in strategies]
    if all(len(s) == 1 for s in supports):
        return game.profile_label(tuple(int(s[0]) for s in supports))
    parts = [f"{p} {{{'; '.join(game.strategies[i][int(k)] for k in s)}}}"
             for i, (p, s) in enumerate(zip(game.players, supports, strict=True))]
    return "mixed " + " | ".join(parts)

def mixed_text(game: Game, strategies: Sequence[FloatArray], *, tol: float = 1e-9) -> str:
    """A mixed equilibrium with its probabilities: ``US 0.36×[war] + 0.64×[geneva] | ...``.

    Parameters
    ----------
    game : Game
    strategies : sequence of numpy.ndarray
    tol : float
        Probabilities at most ``tol`` are left out.

    Returns
    -------
    str
    """
    parts = []
    for i, (p, x) in enumerate(zip(game.players, strategies, strict=True)):
        support = np.flatnonzero(np.asarray(x) > tol)
        parts.append(f"{p} " + " + ".join(f"{float(x[k]):.3g}×[{game.strategies[i][int(k)]}]"
                                          for k in support))
    return " | ".join(parts)


def _mixed(game: Game, equilibria: Sequence[Any], tol: float) -> tuple[str, ...]:
    """Every equilibrium in which some player mixes, with its probabilities, sorted."""
    return tuple(sorted(mixed_text(game, e.strategies, tol=tol) for e in equilibria
                        if any(np.count_nonzero(np.asarray(x) > tol) > 1
                               for x in e.strategies)))


def evaluate(scenario: Scenario, overrides: Mapping[str, float], settings: Settings,
             rng: np.random.Generator | None = None, *,
             seed: np.random.SeedSequence | None = None) -> Point:
    r"""All conclusions at one point; the truce survival is simulated only when ``rng`` or
    ``seed`` is given (and ``settings.runs > 0``). With ``seed`` the strategy pair draws its
    own stream (:func:`sim.solvers.truce.pair_seed`), as ``tradesim truce --seed`` does.

    Parameters
    ----------
    scenario : Scenario
    overrides : mapping of str to float
        The point: values of facts and assumptions.
    settings : Settings
    rng : numpy.random.Generator, optional
    seed : numpy.random.SeedSequence, optional
        The truce simulation's stream.

    Returns
    -------
    Point
        The equilibria (labelled by support), the best equilibrium's payoffs, the truce's
        :math:`\delta^*` and survival, and the Nash bargaining deal at the point.
    """
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
            truce = _truce(scenario, game, overrides, settings, rng, seed)
        except (SolverError, InputError) as exc:
            notes.append(f"truce: {exc}")
        try:
            deal = nash_deal(scenario, game, overrides, tol=settings.tol)
        except (SolverError, InputError) as exc:
            notes.append(f"bargaining: {exc}")
    return Point(
        overrides=tuple(overrides.items()),
        equilibria=tuple(labels),
        payoffs=tuple(float(v) for v in head.payoffs) if head is not None else (),
        complete=bool(eqs.complete),
        pure=tuple(game.profile_label(p) for p in pure),
        named=named, truce=truce, deal=deal, note="; ".join(notes),
        mixed=_mixed(game, eqs.equilibria, settings.tol),
    )

def _value(scenario: Scenario, ref: Any, overrides: Mapping[str, float]) -> float:
    return scenario.value(ref, overrides)

def _truce(scenario: Scenario, game: Game, overrides: Mapping[str, float], settings: Settings,
           rng: np.random.Generator | None,
           seed: np.random.SeedSequence | None = None) -> Truce | None:
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
    punishment = resolve.punishment(scenario, game)
    t = rp.thresholds(game.payoffs, truce, punishment, tol=settings.tol)  # type: ignore[arg-type]
    stars = (t.players[0].delta_star, t.players[1].delta_star)
    binding = int(np.argmax(stars))
    star = float(max(stars))
    periods = rp.periods_in(length, period)
    survival = se = None
    curve: tuple[float, ...] = ()
    if (rng is not None or seed is not None) and settings.runs > 0:
        small = truce_game(game.payoffs, truce, escalation)
        k = body.punishment_periods or 3
        pair = parse_pair(settings.strategies, default_k=k)
        if rng is None:
            rng = np.random.default_rng(pair_seed(seed, pair))
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
                 survival_se=se, period_days=float(period), curve=curve,
                 model=_model(scenario, game, overrides, truce, escalation))


def _model(scenario: Scenario, game: Game, overrides: Mapping[str, float],
           truce: Any, escalation: Any) -> dict[str, Any] | None:
    """The truce model's outcomes at this point (exact; ``None`` where it cannot run)."""
    from sim.analyses.truce_model import point_outcomes

    try:
        return point_outcomes(scenario, game, overrides, truce, escalation)
    except (InputError, SolverError):
        return None

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

def nash_deal(scenario: Scenario, game: Game, overrides: Mapping[str, float], *,
              tol: float = 1e-9) -> Deal:
    """The Nash bargaining deal of ``tradesim bargain`` (the file's disagreement point and
    outside options), possibly a lottery over pure profiles.

    Parameters
    ----------
    scenario : Scenario
    game : Game
        The game at the point.
    overrides : mapping of str to float
        The point (outside options may refer to its quantities).
    tol : float

    Returns
    -------
    Deal
        The Nash (1950) solution over the disagreement point raised by the outside options.
    """
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
    one profile.

    Parameters
    ----------
    lottery : sequence of Support
        The deal's profiles and probabilities (:mod:`sim.solvers.bargaining`).
    label : callable
        A profile's label from its index.

    Returns
    -------
    str
    """
    def outcome(x: bg.Support) -> str:
        return " or ".join(sorted(label(p) for p in x.profiles))

    if len(lottery) == 1:
        return outcome(lottery[0])
    return " + ".join(f"{100 * x.probability:.1f}% [{outcome(x)}]" for x in lottery)

def run_task(ctx: Context, task: Task) -> Point:
    """Evaluate one task (the function :mod:`sim.parallel` runs on workers).

    Parameters
    ----------
    ctx : Context
    task : Task

    Returns
    -------
    Point
    """
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

Runner = Callable[[Context, Sequence[Task]], list[Point]]

def serial(ctx: Context, tasks: Sequence[Task]) -> list[Point]:
    """The plain loop (the default :data:`Runner`).

    Parameters
    ----------
    ctx : Context
    tasks : sequence of Task

    Returns
    -------
    list of Point
        One per task, in order.
    """
    return [run_task(ctx, t) for t in tasks]
