r"""The truce analysis of ``tradesim truce FILE`` for games with three or more players.

A truce among *n* sides (the ``[truce]`` profile) under grim trigger: for each punishment
(``nash``: revert to the pure stage equilibrium worst for the deviator; ``minmax``: the
pure profile holding the deviator lowest; or a profile the file names) and each rule of who
punishes (``all`` sides revert, or only the ``victims`` do while the deviator best-responds),
every side's critical discount factor :math:`\delta_i^* = (D_i - u_i(T)) / (D_i - P_i)` and
the *binding* side, the one with the largest (:func:`sim.solvers.group_truce.
group_thresholds`). Then the noisy truce: every period each side meaning to comply breaches
by mistake with probability :math:`\varepsilon_{impl}`, or its compliance is seen as a
breach with probability :math:`\varepsilon_{perc}`; under grim trigger the first slip by
anyone ends the truce, so it survives *t* periods with probability
:math:`(1-\varepsilon)^{n t}`, :math:`\varepsilon = 1 - (1-\varepsilon_{impl})(1 -
\varepsilon_{perc})` (simulated, :func:`sim.solvers.group_truce.simulate_group_truce`, and
compared with that closed form).

The two-player report (:mod:`sim.analyses.truce`) has more (the strategy library, the truce
model); this one is what the n-player solvers support. Text: :mod:`sim.render.npl`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analyses import settings as resolve
from sim.errors import InputError, ScenarioError, SolverError
from sim.game import Game
from sim.scenario import Scenario
from sim.solvers import group_truce as gt
from sim.solvers import repeated as rp
from sim.solvers.sampling import seed_record
from sim.solvers.truce import DEFAULT_MAX_RUN_PERIODS, check_noise, check_run_periods

PUNISHERS = ("all", "victims")


@dataclass(frozen=True)
class NTruceSettings:
    """An n-player truce's settings after the file and the options are merged."""

    truce: tuple[int, ...]
    length_days: float
    period_days: float
    delta: float
    delta_source: str
    noise_implementation: float
    noise_perception: float
    punishment: str

    @property
    def periods(self) -> int:
        return rp.periods_in(self.length_days, self.period_days)


def settings(scenario: Scenario, game: Game, *, delta: float | None = None,
             noise_implementation: float | None = None, noise_perception: float | None = None,
             punishment: str | None = None) -> NTruceSettings:
    """Merge the scenario's ``[truce]`` with command-line options (options win)."""
    body = scenario.truce
    if body is None:
        raise ScenarioError(scenario.path, "truce", None,
                            "is missing; expected a [truce] section naming the truce profile")
    numbers = scenario.truce_numbers()
    clock = resolve.truce_clock(scenario)
    d, source = resolve.discount(clock, given=delta, where=str(scenario.path or scenario.name))
    pun = punishment or body.punishment or "nash"
    if pun not in {"nash", "minmax"} and pun not in scenario.profiles:
        msg = (f"--punishment: got '{pun}'; expected nash, minmax or a profile name "
               f"({', '.join(scenario.profiles) or 'the file names none'})")
        raise InputError(msg)
    ref = body.profile
    truce = game.profile_index(scenario.profiles[ref] if isinstance(ref, str) else ref)
    return NTruceSettings(
        truce=tuple(int(t) for t in truce), length_days=clock.length_days,
        period_days=clock.period_days, delta=d, delta_source=source,
        noise_implementation=check_noise(
            noise_implementation if noise_implementation is not None
            else numbers.get("noise_implementation", 0.0), "--noise-impl"),
        noise_perception=check_noise(
            noise_perception if noise_perception is not None
            else numbers.get("noise_perception", 0.0), "--noise-perception"),
        punishment=pun)


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 12)


def _profile_json(game: Game, index: tuple[int, ...]) -> dict[str, Any]:
    return {"label": game.profile_label(index),
            "payoffs": {p: _num(game.payoffs[i][index]) for i, p in enumerate(game.players)}}


def _thresholds_json(game: Game, t: gt.GroupThresholds, s: NTruceSettings) -> dict[str, Any]:
    players = {}
    for i, (p, pt) in enumerate(zip(game.players, t.players, strict=True)):
        players[p] = {
            "truce_payoff": _num(pt.truce_payoff),
            "deviation": game.strategies[i][pt.deviation],
            "deviation_payoff": _num(pt.deviation_payoff),
            "punishment_profile": game.profile_label(pt.punishment_profile),
            "punishment_payoff": _num(pt.punishment_payoff),
            "delta_star": _num(pt.delta_star),
            "sustainable_for_some_delta": math.isfinite(pt.delta_star),
        }
    return {"players": players, "binding": [game.players[i] for i in t.binding],
            "delta_star": _num(t.delta_star),
            "delta_star_annual": _num(rp.annual_discount(t.delta_star, s.period_days)),
            "sustainable": bool(t.delta_star <= s.delta)}


def _punishments(scenario: Scenario, game: Game, s: NTruceSettings) -> dict[str, Any]:
    out: dict[str, Any] = {"nash": "nash", "minmax": "minmax"}
    if s.punishment not in out:
        out[s.punishment] = game.profile_index(scenario.profiles[s.punishment])
    return out


def analyse(scenario: Scenario, game: Game, s: NTruceSettings, *, runs: int = 20_000,
            seed: np.random.SeedSequence | None = None,
            max_run_periods: int = DEFAULT_MAX_RUN_PERIODS) -> dict[str, Any]:
    """The n-player truce report as a JSON-ready dict (see ``docs/reference/cli.md``);
    ``(runs + 1000) x periods`` is checked against ``max_run_periods`` first."""
    seed = np.random.SeedSequence(0) if seed is None else seed
    check_run_periods(s.periods, runs, max_run_periods)
    table: dict[str, Any] = {}
    for name, pun in _punishments(scenario, game, s).items():
        for who in PUNISHERS:
            key = f"{name}/{who}"
            try:
                t = gt.group_thresholds(game.payoffs, s.truce, punishment=pun, punishers=who)
            except SolverError as exc:
                if name == s.punishment:
                    raise
                table[key] = {"error": str(exc)}
                continue
            table[key] = _thresholds_json(game, t, s)
    head = table[f"{s.punishment}/all"]
    eps = 1.0 - (1.0 - s.noise_implementation) * (1.0 - s.noise_perception)
    sim = gt.simulate_group_truce(len(game.players), s.periods, runs, noise=eps,
                                  rng=np.random.default_rng(seed))
    days = [min(t * s.period_days, s.length_days) for t in range(1, s.periods + 1)]
    return {
        "scenario": scenario.name, "players": list(game.players),
        "truce": _profile_json(game, s.truce),
        "time": {"length_days": s.length_days, "period_days": s.period_days,
                 "periods": s.periods, "delta": _num(s.delta),
                 "delta_annual": _num(rp.annual_discount(s.delta, s.period_days)),
                 "delta_source": s.delta_source},
        "punishment": s.punishment, "delta_star": head["delta_star"],
        "binding": head["binding"], "sustainable": head["sustainable"],
        "thresholds": table,
        "simulation": {
            "runs": runs, **seed_record(seed), "sides": len(game.players),
            "noise_implementation": s.noise_implementation,
            "noise_perception": s.noise_perception, "noise_per_side": _num(eps),
            "days": days, "survival": [_num(x) for x in sim.survival],
            "closed_form": [_num(x) for x in sim.closed_form],
            "expiry": _num(sim.survival[-1]),
            "expiry_closed_form": _num(sim.closed_form[-1]),
        },
    }
