"""The truce analysis behind ``tradesim truce FILE`` and the truce section of ``tradesim run``.

:func:`settings` merges a scenario's ``[truce]`` with command-line options (through the one
resolver, :mod:`sim.analyses.settings`); :func:`analyse` turns them into one JSON-ready
report (critical discount factors under each punishment, the best sustainable profiles as
the discount factor rises, the thresholds of the file's named profiles, and the noisy Monte
Carlo survival of each strategy pair). Text: :mod:`sim.render.truce`; the command:
:mod:`sim.cli.truce`; figures: :mod:`sim.plots.truce`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analyses import settings as resolve
from sim.errors import InputError, ScenarioError, SolverError
from sim.game import Game
from sim.scenario import Scenario
from sim.solvers import repeated as rp
from sim.solvers.sampling import seed_record
from sim.solvers.strategies import LIBRARY, parse_pair
from sim.solvers.truce import (
    DEFAULT_MAX_RUN_PERIODS,
    TruceSurvival,
    check_noise,
    check_run_periods,
    pair_seed,
    simulate_truce,
    truce_game,
)

DEFAULT_STRATEGIES = tuple(LIBRARY)
"""Pairs simulated when neither the option nor the file names any: each against itself."""
DEFAULT_RUNS = 20_000


@dataclass(frozen=True)
class Settings:
    """The truce settings after file values, defaults and command-line options are merged."""

    truce: tuple[int, int]
    length_days: float
    period_days: float
    delta: float
    delta_source: str
    annual_discount_rate: float | None
    renewal_probability: float | None
    noise_implementation: float
    noise_perception: float
    punishment: str
    punishment_periods: int | None
    escalation: tuple[int, int] | None
    breach: str
    strategies: tuple[str, ...]

    @property
    def periods(self) -> int:
        return rp.periods_in(self.length_days, self.period_days)


# --------------------------------------------------------------------------- settings


def settings(scenario: Scenario, game: Game, *, delta: float | None = None,
             noise_implementation: float | None = None, noise_perception: float | None = None,
             strategies: Sequence[str] | None = None, punishment: str | None = None,
             breach: str | None = None) -> Settings:
    """Merge the scenario's ``[truce]`` with command-line options (options win)."""
    body = scenario.truce
    if body is None:
        raise ScenarioError(scenario.path, "truce", None,
                            "is missing; expected a [truce] section naming the truce profile")
    if len(game.players) != 2:
        msg = f"{scenario.name}: truce analysis needs two players, got {len(game.players)}"
        raise SolverError(msg)

    numbers = scenario.truce_numbers()
    clock = resolve.truce_clock(scenario)
    d, source = resolve.discount(clock, given=delta, where=str(scenario.path or scenario.name))
    pun = punishment or body.punishment or "nash"
    if pun not in {"nash", "minmax"} and pun not in scenario.profiles:
        msg = (f"--punishment: got '{pun}'; expected nash, minmax or a profile name "
               f"({', '.join(scenario.profiles) or 'the file names none'})")
        raise InputError(msg)
    escalation = resolve.profile_index(scenario, game, body.escalation)
    breach = breach or ("escalation" if escalation is not None else "deviation")
    if breach not in {"deviation", "escalation"} or (breach == "escalation" and escalation is None):
        msg = (f"--breach: got '{breach}'; expected deviation, or escalation when [truce] "
               "names an escalation profile")
        raise InputError(msg)
    names = tuple(strategies) if strategies else (body.strategies or DEFAULT_STRATEGIES)
    k = body.punishment_periods
    for spec in names:
        parse_pair(spec, default_k=k or 3)  # fails early, with one line, on a bad name
    return Settings(
        truce=resolve.profile_index(scenario, game, body.profile),  # type: ignore[arg-type]
        length_days=clock.length_days, period_days=clock.period_days,
        delta=d, delta_source=source,
        annual_discount_rate=numbers.get("annual_discount_rate"),
        renewal_probability=numbers.get("renewal_probability"),
        noise_implementation=check_noise(
            noise_implementation if noise_implementation is not None
            else numbers.get("noise_implementation", 0.0), "--noise-impl"),
        noise_perception=check_noise(
            noise_perception if noise_perception is not None
            else numbers.get("noise_perception", 0.0), "--noise-perception"),
        punishment=pun, punishment_periods=k, escalation=escalation, breach=breach,
        strategies=names,
    )


# --------------------------------------------------------------------------- analysis


def analyse(scenario: Scenario, game: Game, s: Settings, *, runs: int = DEFAULT_RUNS,
            seed: np.random.SeedSequence | None = None, all_pairs: bool = False,
            progress: Callable[[int], None] | None = None,
            max_run_periods: int = DEFAULT_MAX_RUN_PERIODS) -> dict[str, Any]:
    """The whole truce report as a JSON-ready dict (see ``docs/reference/cli.md``).

    ``seed`` is the simulation's random source (default ``SeedSequence(0)``); strategy pair
    ``i`` draws from its child ``i``.
    """
    seed = np.random.SeedSequence(0) if seed is None else seed
    simulations = len(s.strategies) ** (2 if all_pairs else 1) + 1  # the pairs and the model
    check_run_periods(s.periods, runs, max_run_periods, simulations=simulations)  # all at once
    payoffs = game.payoffs
    report: dict[str, Any] = {
        "scenario": scenario.name,
        "players": list(game.players),
        "truce": _profile_json(game, s.truce),
        "time": _time_json(s),
    }
    table = {}
    for name, pun in _punishments(scenario, game, s).items():
        try:
            t = rp.thresholds(payoffs, s.truce, pun, k=s.punishment_periods)
        except SolverError as exc:
            if name == s.punishment:
                raise
            table[name] = {"error": str(exc)}
            continue
        table[name] = _thresholds_json(game, t, s)
    head = table[s.punishment]
    report["punishment"] = s.punishment
    report["delta_star"] = head["delta_star"]
    report["binding"] = head["binding"]
    report["sustainable"] = head["sustainable"]
    report["thresholds"] = table
    report["best_sustainable"] = _sustainable_json(game, s.delta)
    report["named_profiles"] = _named_json(scenario, game, s.delta)
    report["simulation"] = _simulate(game, s, runs=runs, seed=seed, all_pairs=all_pairs,
                                     progress=progress, max_run_periods=max_run_periods)
    report["model"] = model_report(scenario, game, s, runs=runs, seed=seed,
                                   max_run_periods=max_run_periods)
    return report


MODEL_STREAM = 2**31 - 15
"""Spawn key of the truce model's random stream, apart from the strategy pairs' streams."""


def model_report(scenario: Scenario, game: Game, s: Settings, *, runs: int,
                 seed: np.random.SeedSequence,
                 max_run_periods: int = DEFAULT_MAX_RUN_PERIODS) -> dict[str, Any]:
    """The truce model's design and outcomes (:mod:`sim.analyses.truce_model`)."""
    from sim.analyses import truce_model as am
    from sim.analyses.truce_json import to_json

    ms = am.model_settings(scenario, game, truce=s.truce, escalation=s.escalation,
                           delta=s.delta if s.delta_source == "--delta" else None,
                           noise_implementation=s.noise_implementation,
                           noise_perception=s.noise_perception)
    seq = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, MODEL_STREAM))
    return to_json(am.analyse(scenario, game, ms, runs=runs, seed=seq,
                              max_run_periods=max_run_periods), game)


def _punishments(scenario: Scenario, game: Game, s: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {"nash": "nash", "minmax": "minmax"}
    if s.punishment not in out:
        out[s.punishment] = resolve.profile_index(scenario, game, s.punishment)
    if s.escalation is not None and s.escalation not in out.values():
        out["escalation"] = s.escalation
    return out


def _num(x: float) -> float | None:
    """JSON has no infinity or NaN: ``None`` stands for them (with a flag beside it)."""
    return None if x is None or not math.isfinite(x) else round(float(x), 12)


def _profile_json(game: Game, index: tuple[int, int]) -> dict[str, Any]:
    return {
        "label": game.profile_label(index),
        "levels": {p: game.lever_choice(i, index[i]) for i, p in enumerate(game.players)},
        "payoffs": {p: _num(game.payoffs[i][index]) for i, p in enumerate(game.players)},
    }


def _time_json(s: Settings) -> dict[str, Any]:
    return {
        "length_days": s.length_days, "period_days": s.period_days, "periods": s.periods,
        "annual_discount_rate": s.annual_discount_rate,
        "renewal_probability": s.renewal_probability,
        "delta": _num(s.delta), "delta_annual": _num(rp.annual_discount(s.delta, s.period_days)),
        "delta_source": s.delta_source,
    }


def _thresholds_json(game: Game, t: rp.Thresholds, s: Settings) -> dict[str, Any]:
    players = {}
    for i, (p, pt) in enumerate(zip(game.players, t.players, strict=True)):
        players[p] = {
            "truce_payoff": _num(pt.truce_payoff),
            "deviation": game.lever_choice(i, pt.deviation),
            "deviation_payoff": _num(pt.deviation_payoff), "gain": _num(pt.gain),
            "punishment_payoff": _num(pt.punishment_payoff),
            "punishment_profile": (None if pt.punishment_profile is None
                                   else game.profile_label(pt.punishment_profile)),
            "delta_star": _num(pt.delta_star),
            "delta_star_annual": _num(rp.annual_discount(pt.delta_star, s.period_days)),
            "sustainable_for_some_delta": math.isfinite(pt.delta_star),
            "delta_star_k": None if pt.delta_star_k is None else _num(pt.delta_star_k),
        }
    return {
        "players": players, "binding": game.players[t.binding],
        "delta_star": _num(t.delta_star),
        "delta_star_annual": _num(rp.annual_discount(t.delta_star, s.period_days)),
        "sustainable": t.sustainable(s.delta),
        "k": t.k, "delta_star_k": None if t.k is None else _num(t.delta_star_k),
        "binding_k": None if t.k is None else game.players[t.binding_k],
        "sustainable_k": None if t.k is None else bool(t.delta_star_k <= s.delta),
    }


def _sustainable_json(game: Game, delta: float) -> dict[str, Any] | dict[str, str]:
    try:
        best = rp.best_sustainable(game.payoffs, delta)
        steps = rp.sustainability_path(game.payoffs)
    except SolverError as exc:
        return {"error": str(exc)}
    return {
        "delta": _num(delta), "count": best.count,
        "joint": _profile_json(game, best.joint),
        "nash_product": None if best.nash_product is None else _profile_json(game,
                                                                             best.nash_product),
        "steps": _steps_json(game, steps),
    }


def _named_json(scenario: Scenario, game: Game, delta: float) -> dict[str, Any]:
    """Grim-trigger threshold (Nash reversion) of every profile the file names."""
    try:
        crit = rp.profile_thresholds(game.payoffs, rp.nash_reversion_payoffs(game.payoffs))
    except SolverError:
        return {}
    out = {}
    for name in scenario.profiles:
        d = float(crit[resolve.profile_index(scenario, game, name)])
        out[name] = {"delta_star": _num(d), "sustainable": d <= delta}
    return out


def levels_text(levels: Mapping[str, str]) -> str:
    """``tariff=geneva, chips=strict``; just the name for a classroom game's strategy."""
    if list(levels) == ["strategy"]:
        return levels["strategy"]
    return ", ".join(f"{k}={v}" for k, v in levels.items())


def _steps_json(game: Game, steps: Sequence[rp.Step]) -> list[dict[str, Any]]:
    """Each step with its full label and ``changes``: the levels that differ from the step
    before (the whole profile for the first step)."""
    out: list[dict[str, Any]] = []
    before: dict[str, dict[str, str]] = {}
    for st in steps:
        levels = {p: game.lever_choice(i, st.profile[i]) for i, p in enumerate(game.players)}
        changes = {p: {k: v for k, v in lv.items() if before.get(p, {}).get(k) != v}
                   for p, lv in levels.items()}
        out.append({"delta": _num(st.delta), "label": game.profile_label(st.profile),
                    "levels": levels, "joint_payoff": _num(st.joint_payoff),
                    "changes": "; ".join(f"{p}: {levels_text(c)}" for p, c in changes.items()
                                         if c)})
        before = levels
    return out


def _simulate(game: Game, s: Settings, *, runs: int, seed: np.random.SeedSequence,
              all_pairs: bool,
              progress: Callable[[int], None] | None,
              max_run_periods: int) -> dict[str, Any]:
    escalation = s.escalation if s.breach == "escalation" else None
    small = truce_game(game.payoffs, s.truce, escalation)
    k = s.punishment_periods or 3
    pairs = [parse_pair(spec, default_k=k) for spec in s.strategies]
    if all_pairs:
        pairs = [(a[0], b[1]) for a in pairs for b in pairs]
    out = []
    for n, pair in enumerate(pairs):
        rng = np.random.default_rng(pair_seed(seed, pair))
        done = n * s.periods
        tick = None if progress is None else (lambda t, done=done: progress(done + t))
        res = simulate_truce(small, pair, periods=s.periods, runs=runs, rng=rng,
                             noise_implementation=s.noise_implementation,
                             noise_perception=s.noise_perception, delta=s.delta, progress=tick,
                             max_run_periods=max_run_periods)
        out.append(_survival_json(game, res, s))
    return {
        "runs": runs, **seed_record(seed), "periods": s.periods,
        "noise_implementation": s.noise_implementation,
        "noise_perception": s.noise_perception, "breach_kind": s.breach,
        "breach": {p: game.lever_choice(i, small.breach[i]) for i, p in enumerate(game.players)},
        "pairs": out,
    }


def _survival_json(game: Game, res: TruceSurvival, s: Settings) -> dict[str, Any]:
    days = [min(t * s.period_days, s.length_days) for t in range(res.periods + 1)]
    broken = int(res.first_breach.sum())
    end_days = np.array(days[1:])
    mean_day = float(res.first_breach @ end_days / broken) if broken else None
    below = np.flatnonzero(res.survival[1:] <= 0.5)
    median_day = float(end_days[below[0]]) if below.size else None
    p1, p2 = game.players
    return {
        "strategies": {p1: res.strategies[0], p2: res.strategies[1]},
        "label": f"{res.strategies[0]} / {res.strategies[1]}",
        "days": days,
        "survival": [_num(x) for x in res.survival],
        "survival_se": [_num(x) for x in res.survival_se],
        "expiry": {"probability": _num(res.expiry), "se": _num(res.expiry_se)},
        # counts per period; mean day among runs that broke; median: first day by which
        # half the runs have broken (None if fewer than half break before the expiry)
        "first_breach": {"counts": res.first_breach.tolist(), "broken_runs": broken,
                         "mean_day": _num(mean_day) if mean_day is not None else None,
                         "median_day": median_day},
        "mutual_compliance": {"share": _num(res.mutual_compliance),
                              "se": _num(res.mutual_compliance_se)},
        "recovery": _num(res.recovery),
        "payoffs": {p: {"mean": _num(m), "se": _num(e)}
                    for p, m, e in zip(game.players, res.payoffs, res.payoffs_se, strict=True)},
    }


RUN_STRATEGIES = ("comply", "grim", "tft", "gtft", "wsls", "ctft")
