"""A scenario's truce as the model of :mod:`sim.solvers.truce_model`, and its outcomes.

:func:`analyse` reads ``[truce]`` (see ``docs/reference/scenario-format.md``), designs the
self-enforcing profile at the central values (each side's breach options by issue; for each
side the mildest credible punishment in its family that deters them, with the signal's
trigger when a lever is monitored), draws each side's payoff shocks, and computes the
outcomes exactly (the Markov chain) and by Monte Carlo (``runs``, ``seed``). With
``renewal = "choice"`` the per-period discount factor and the renewal probability are
solved together: :math:`\\delta = p^{d/L} (1+r)^{-d/365}` with :math:`p` the model's
P(renewed), iterated to a fixed point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analyses.truce_design import (
    Breach,
    ModelSettings,
    Plan,
    Watch,
    breach_options,
    design,
    deterrence,
    model_keys,
    signal_probabilities,
    strategy_digits,
    watch,
)
from sim.errors import InputError
from sim.game import Game
from sim.scenario import Scenario
from sim.solvers import repeated as rp
from sim.solvers import truce_model as tm
from sim.solvers import truce_sampler as ts
from sim.solvers.pure import pure_nash
from sim.solvers.shocks import Shock, draw_shocks

DEFAULT_LENGTHS = (1, 2, 3, 6)
DEFAULT_SAMPLES = 1024
MAX_ITERATIONS = 10
POINT_SAMPLES = 256
"""Shock samples per side at each point of a sweep, tornado or comparison."""
POINT_ITERATIONS = 4
"""Renewal iterations at each point of a sweep, tornado or comparison."""
RENEWAL_TOL = 2e-3
"""The renewal fixed point stops when P(renewed) moves less than this (the design moves
in small steps with delta, so the map is not continuous)."""
Index = tuple[int, int]


@dataclass(frozen=True)
class ModelReport:
    settings: ModelSettings
    delta: float
    breaches: tuple[tuple[Breach, ...], tuple[Breach, ...]]
    plans: tuple[Plan, Plan]
    sides: tuple[tm.Side, tm.Side]
    exact: tm.ModelResult
    simulated: tm.ModelResult | None
    stage: tuple[float, float]
    collapse_label: str
    shocks: tuple[Shock, ...]
    samples: int
    iterations: int = 1
    residual: float = 0.0
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- shocks


def shocks_of(scenario: Scenario, values: Mapping[str, float]) -> tuple[Shock, ...]:
    """The ``[truce.shocks]`` of a scenario as :class:`Shock` objects."""
    out = []
    for name, spec in (model_keys(scenario).get("shocks") or {}).items():
        q = scenario.assumptions[name]
        lo, hi = q.range if q.range is not None else (-math.inf, math.inf)
        if spec["kind"] == "range":
            out.append(Shock(name, "range", lo, hi))
        elif spec["kind"] == "normal":
            out.append(Shock(name, "normal", lo, hi, sd=scenario.value(spec["sd"], values)))
        else:
            out.append(Shock(name, "uniform", spec["low"], spec["high"]))
    return tuple(out)


def _draws(shocks: tuple[Shock, ...], values: Mapping[str, float], n: int,
           seq: np.random.SeedSequence) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The shock samples of both sides: one set of equally likely samples serves both, as
    the chain treats the sides' shocks as independent anyway (it multiplies their
    probabilities), so the outcomes do not depend on which player the file lists first."""
    one = draw_shocks(shocks, values, n, np.random.default_rng(seq)) if shocks else {}
    return one, one


def profile_payoffs(
    scenario: Scenario,
    game: Game,
    profiles: Sequence[Index],
    values: Mapping[str, float],
    samples: Mapping[str, np.ndarray],
    n: int,
) -> np.ndarray:
    """``(2, n, len(profiles))``: both players' payoffs at each profile and shock sample
    (the payoff formulas evaluated on arrays; a ``[game]`` matrix has no shocks)."""
    idx = np.array(profiles, dtype=np.intp).reshape(-1, 2)
    if scenario.matrix is not None or not samples:
        out = game.payoffs[:, idx[:, 0], idx[:, 1]]
        return np.broadcast_to(out[:, None, :], (2, n, len(profiles))).copy()
    env: dict[str, Any] = {k: np.float64(v) for k, v in values.items()}
    for k, arr in samples.items():
        env[k] = arr[:, None]
    for p, player in enumerate(scenario.players):
        digits = strategy_digits(game, p)[idx[:, p]]
        for k, lever in enumerate(player.levers):
            cols = [
                env[lever.refs[d]] if lever.refs[d] else np.float64(lever.values[d])
                for d in digits[:, k]
            ]
            env[lever.name] = np.stack(
                [
                    np.broadcast_to(np.asarray(c, dtype=float).reshape(-1), (n,))
                    if np.ndim(c)
                    else np.full(n, float(c))
                    for c in cols
                ],
                axis=-1,
            )
    values_by_player = scenario.evaluate(env)  # [trade] markets, [terms], then [payoffs]
    return np.stack(
        [np.broadcast_to(v, (n, len(profiles))) for v in values_by_player]
    ).astype(float)


# --------------------------------------------------------------------------- sides


def _collapse_profile(game: Game, s: ModelSettings) -> tuple[Index, str]:
    if s.escalation is not None:
        return s.escalation, "the escalation profile"
    eqs = [(int(a), int(b)) for a, b in pure_nash(game.payoffs)]
    if eqs:
        worst = min(eqs, key=lambda e: float(game.payoffs[0][e] + game.payoffs[1][e]))
        return worst, "the stage Nash equilibrium worst for both"
    return s.truce, "the truce (the stage game has no pure equilibrium)"


def _fallback_profile(scenario: Scenario, game: Game, collapse: Index) -> Index:
    ref = model_keys(scenario).get("renewal_fallback")
    if ref is None:
        return collapse
    if ref == "nash":
        eqs = [(int(a), int(b)) for a, b in pure_nash(game.payoffs)]
        return (
            max(eqs, key=lambda e: float(game.payoffs[0][e] + game.payoffs[1][e]))
            if eqs
            else collapse
        )
    i = game.profile_index(scenario.profiles[ref])
    return (i[0], i[1])


def _sides(
    scenario: Scenario,
    game: Game,
    s: ModelSettings,
    delta: float,
    breaches: tuple[tuple[Breach, ...], tuple[Breach, ...]],
    plans: tuple[Plan, Plan],
    watches: tuple[Watch, Watch],
    values: Mapping[str, float],
    samples: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    n: int,
    cache: dict[Any, np.ndarray],
) -> tuple[tm.Side, tm.Side]:
    collapse, _ = _collapse_profile(game, s)
    fallback = _fallback_profile(scenario, game, collapse)
    eps, eps_b, _, _ = s.noise
    moves = [[s.truce[i]] + [b.strategy for b in breaches[i]] for i in (0, 1)]
    punish = [
        pl.strategy if pl.strategy is not None else s.truce[1 - pl.target] for pl in plans
    ]  # punish[i]: the other side's strategy against i
    out = []
    for i in (0, 1):
        j = 1 - i
        grid = [(a, b) if i == 0 else (b, a) for a in moves[i] for b in moves[j]]
        extra = [(s.truce[i], punish[i]), (punish[j], s.truce[j]), collapse, fallback]
        extra = [(a, b) if i == 0 else (b, a) for a, b in extra[:2]] + extra[2:]
        key = (i, tuple(grid + extra))
        if key not in cache:  # the design moves with delta; the payoffs do not
            cache[key] = profile_payoffs(scenario, game, grid + extra, values, samples[i], n)[i]
        u = cache[key]
        k0, k1 = len(moves[i]), len(moves[j])
        coop = u[:, : k0 * k1].reshape(n, k0, k1)
        w, pl = watches[i], plans[i]
        trigger = (pl.signal or {}).get("trigger", -math.inf)
        signal = signal_probabilities(w, float(trigger))
        detect = 1 - (1 - w.perceive) * (1 - signal)
        c = float(coop[:, 0, 0].mean())
        p = float(u[:, k0 * k1].mean())
        _, loss = deterrence(
            np.zeros(k0 - 1),
            detect[None, :],
            c,
            np.array([p]),
            delta,
            np.array([math.inf if pl.length is None else pl.length]),
        )
        loss = loss[0]
        gains = coop[:, 1:, 0] - coop[:, :1, 0]
        central = np.array([b.gain for b in breaches[i]])
        slip = int(np.argmax(central)) + 1 if central.size else 1
        out.append(
            tm.Side(
                issues=tuple(b.issue for b in breaches[i]),
                gains=gains,
                coop=coop,
                punished=u[:, k0 * k1],
                punishing=u[:, k0 * k1 + 1],
                collapse=u[:, k0 * k1 + 2],
                fallback=u[:, k0 * k1 + 3],
                loss=loss,
                perceive=w.perceive,
                signal=signal,
                slip=slip,
                noise_comply=eps,
                noise_breach=eps_b,
                length=pl.length,
            )
        )
    return out[0], out[1]


# --------------------------------------------------------------------------- analysis


def model_settings(
    scenario: Scenario,
    game: Game,
    *,
    truce: Index,
    escalation: Index | None,
    overrides: Mapping[str, float] | None = None,
    delta: float | None = None,
    noise_implementation: float | None = None,
    noise_perception: float | None = None,
    hazard_factor: float = 1.0,
) -> ModelSettings:
    """Resolve ``[truce]`` for the model (options given here win over the file).

    ``hazard_factor`` is the per-period probability :math:`\\prod_\\ell (1-h_\\ell)` that
    the truce's levels stay available (a timeline's hazards): it multiplies every
    discount factor the model uses, a random end acting like discounting."""
    numbers = scenario.truce_numbers(overrides)
    timing = rp.truce_timing(numbers)
    d = delta if delta is not None else timing.delta
    if d is None:
        msg = f"{scenario.name}: [truce] sets no discount factor"
        raise InputError(msg)

    def prob(value: float | None, key: str) -> float:
        ref = model_keys(scenario).get(key)
        given = numbers.get(key, 0.0 if ref is None else scenario.value(ref, overrides))
        x = given if value is None else value
        return float(np.clip(x, 0.0, 1.0))

    body = model_keys(scenario)
    return ModelSettings(
        truce=truce,
        escalation=escalation,
        length_days=timing.length_days,
        period_days=timing.period_days,
        delta=float(d) * hazard_factor,
        annual_discount_rate=numbers.get("annual_discount_rate"),
        renewal_probability=numbers.get("renewal_probability"),
        renewal=body.get("renewal", "fixed"),
        noise=(
            prob(noise_implementation, "noise_implementation"),
            prob(None, "noise_implementation_breach"),
            prob(noise_perception, "noise_perception"),
            prob(None, "noise_perception_miss"),
        ),
        delta_given=delta is not None or timing.source == "truce.discount",
        hazard_factor=hazard_factor,
    )


def renewal_delta(s: ModelSettings) -> float:
    """Discount factor of the renewal choice: time preference (and the hazard) only."""
    if s.annual_discount_rate is None:
        return s.delta
    return (1.0 + s.annual_discount_rate) ** (-s.period_days / rp.DAYS_PER_YEAR) \
        * s.hazard_factor


def _solve(scenario: Scenario, game: Game, s: ModelSettings, breaches: Any, watches: Any,
           lengths: tuple[int, ...], values: Mapping[str, float], drawn: Any, n: int,
           max_iterations: int | None) -> tuple[Any, Any, tm.ModelResult, float, int, float]:
    """Design, sides and exact outcomes; with ``renewal = "choice"``, iterated with the
    discount factor until P(renewed) settles (damped fixed point)."""
    delta, iterations, residual = s.delta, 1, 0.0
    solve = s.renewal == "choice" and not s.delta_given
    p = s.renewal_probability if s.renewal_probability is not None else 1.0
    cache: dict[Any, np.ndarray] = {}
    for iterations in range(1, (max_iterations or MAX_ITERATIONS) + 1):  # noqa: B007
        plans = design(scenario, game, s, delta, breaches, watches, lengths)
        sides = _sides(scenario, game, s, delta, breaches, plans, watches, values, drawn, n, cache)
        exact = tm.exact(sides, periods=s.periods, delta=delta, renewal_delta=renewal_delta(s))
        if not solve:
            break
        new_p = exact.renewed
        residual = abs(new_p - p)
        if residual < RENEWAL_TOL:
            break
        p = 0.5 * (p + new_p)  # damped: the design changes in steps as delta moves
        delta = min(
            max(
                rp.period_discount(
                    s.annual_discount_rate or 0.0, p, s.period_days, renewal_days=s.length_days
                ) * s.hazard_factor,
                1e-9,
            ),
            1 - 1e-12,
        )
    return plans, sides, exact, delta, iterations, residual


def analyse(
    scenario: Scenario,
    game: Game,
    s: ModelSettings,
    *,
    overrides: Mapping[str, float] | None = None,
    runs: int = 0,
    seed: int | np.random.SeedSequence = 0,
    samples: int | None = None,
    max_iterations: int | None = None,
    max_run_periods: int = ts.DEFAULT_MAX_RUN_PERIODS,
) -> ModelReport:
    """The model's design and outcomes (see the module docstring); ``samples``,
    ``max_iterations`` and ``max_run_periods`` bound the shocks, renewals and Monte Carlo."""
    if len(game.players) != 2:
        msg = f"{scenario.name}: the truce model needs two players, got {len(game.players)}"
        raise InputError(msg)
    values = scenario.quantities(overrides)
    body = model_keys(scenario)
    lengths = tuple(body.get("punishment_lengths") or DEFAULT_LENGTHS)
    shocks = shocks_of(scenario, values)
    n = int(samples or body.get("shock_samples") or DEFAULT_SAMPLES) if shocks else 1
    breaches = (
        breach_options(scenario, game, s.truce, 0),
        breach_options(scenario, game, s.truce, 1),
    )
    watches = (
        watch(scenario, game, s, 0, breaches[0], values),
        watch(scenario, game, s, 1, breaches[1], values),
    )
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    shock_seq, run_seq = seq.spawn(2)
    drawn = _draws(shocks, values, n, shock_seq)
    plans, sides, exact, delta, iterations, residual = _solve(
        scenario, game, s, breaches, watches, lengths, values, drawn, n, max_iterations)
    simulated = None
    if runs:
        simulated = ts.simulate(
            sides,
            periods=s.periods,
            runs=runs,
            rng=np.random.default_rng(run_seq),
            delta=delta,
            renewal_delta=renewal_delta(s), max_run_periods=max_run_periods,
        )
    _, label = _collapse_profile(game, s)
    stage = (float(np.mean(sides[0].collapse)), float(np.mean(sides[1].collapse)))
    notes = ()
    if s.renewal == "choice" and not s.delta_given and residual >= RENEWAL_TOL:
        notes = (
            (
                f"the renewal fixed point did not settle in {iterations} iterations "
                f"(last change {residual:.3g})"
            ),
        )
    return ModelReport(
        settings=s,
        delta=delta,
        breaches=breaches,
        plans=plans,
        sides=sides,
        exact=exact,
        simulated=simulated,
        stage=stage,
        collapse_label=label,
        shocks=shocks,
        samples=n,
        iterations=iterations,
        residual=residual,
        notes=notes,
    )


def point_outcomes(
    scenario: Scenario,
    game: Game,
    overrides: Mapping[str, float],
    truce: Index,
    escalation: Index | None,
    *,
    hazard_factor: float = 1.0,
) -> dict[str, Any]:
    """The model's outcomes at one point of a sweep, tornado, comparison or timeline stage
    (exact, with the same shock samples at every point: common random numbers, so
    differences between points are the assumptions' effect, not sampling noise)."""
    s = model_settings(scenario, game, truce=truce, escalation=escalation, overrides=overrides,
                       hazard_factor=hazard_factor)
    r = analyse(
        scenario,
        game,
        s,
        overrides=overrides,
        runs=0,
        seed=0,
        samples=POINT_SAMPLES,
        max_iterations=POINT_ITERATIONS,
    )
    ex = r.exact
    years = s.periods * s.period_days / rp.DAYS_PER_YEAR
    chosen = s.renewal == "choice" or s.renewal_probability is None
    return {
        "no_slip": float(ex.no_slip[-1]),
        "dispute": float(ex.dispute),
        "collapse": float(ex.collapse),
        "renewed": float(
            ex.renewed if chosen else (1 - ex.collapse) * (s.renewal_probability or 0.0)
        ),
        "disputes_per_year": float(ex.disputes / years),
        "breach_rate": [float(x) for x in ex.breach_rate],
        "delta": float(r.delta),
        "period_days": s.period_days,
        "length_days": s.length_days,
        "curve_no_slip": [float(x) for x in ex.no_slip],
        "curve_collapse": [float(x) for x in ex.collapsed],
        "curve_dispute": [float(x) for x in ex.disputed],
    }
