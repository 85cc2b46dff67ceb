r"""The analysis of a timeline, stage by stage, and the backtest of its predictions.

For each stage: the equilibria of its game; whether the recorded profile is a Nash
equilibrium, is sustained by grim trigger at the stage's effective discount factor, and is
Pareto-optimal (``"yes"``, ``"no"`` or ``"unknown"`` when the answer depends on levers the
sources do not report); the truce's thresholds and its survival to the next date; the deal
(the Pareto-optimal pure profile with the largest Nash product over the stage-game
equilibrium payoffs); and what changed since the previous stage.

Hazard. A level that disappears with probability :math:`h` per period ends the truce that
uses it, so a player's continuation value is weighted by :math:`\delta(1-h)`: the effective
discount factor of a truce is :math:`\delta_{\text{eff}} = \delta \prod_\ell (1-h_\ell)`
over the truce profile's levels (a random end acts like discounting; Mailath and Samuelson,
2006, §4.2).

Backtest. Each stage predicts, for the next date, the probability :math:`p` that the profile
recorded now is recorded again (on the levers both stages report). With a truce in force and
the truce profile recorded, :math:`p` is the truce's survival to the next date: zero when
grim trigger does not sustain it at :math:`\delta_{\text{eff}}`, else
:math:`(1-\varepsilon)^{2n}(1-\pi)^{2(n-1)}\prod_\ell(1-h_\ell)^n` over :math:`n` periods
(noise :math:`\varepsilon`, :math:`\pi`). Otherwise :math:`p` is the probability the stage's
equilibria (averaged with equal weight) put on the recorded profile. The naive baseline is
persistence at the rate seen so far, Laplace's rule :math:`(k+1)/(m+2)` after :math:`k`
repeats in :math:`m` earlier pairs. Scores: Brier :math:`(p-o)^2` (Brier, 1950) and the
logarithmic score :math:`\ln p` or :math:`\ln(1-p)` (Good, 1952), with :math:`p` clipped to
:math:`[10^{-3}, 1-10^{-3}]` so that a certain miss stays finite.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analyses.core import analyse
from sim.game import Game
from sim.scenario.build import build_game
from sim.scenario.model import Scenario
from sim.scenario.timeline import UNKNOWN, Stage, Timeline
from sim.solvers import repeated as rp
from sim.solvers.truce import grim_survival

CLIP = 1e-3
"""Probabilities are clipped to [CLIP, 1 - CLIP] before the log score."""


@dataclass(frozen=True)
class EquilibriumView:
    strategies: dict[str, dict[str, float]]  # player -> {strategy label: probability > 0}
    payoffs: dict[str, float]


@dataclass(frozen=True)
class RecordedStatus:
    known: bool  # every lever's level is reported
    equilibrium: str  # "yes" | "no" | "unknown"
    self_enforcing: str
    pareto: str
    delta_star: float | None  # grim trigger, Nash reversion; None when not fully known


@dataclass(frozen=True)
class TruceView:
    profile: str
    delta: float
    delta_effective: float
    hazard_factor: float
    delta_star: float
    sustainable: bool
    deadline: str | None
    days_to_next: int | None
    periods_to_next: int | None
    survival_to_next: float | None
    expires_before_next: bool | None


@dataclass(frozen=True)
class Prediction:
    event: str
    probability: float
    baseline: float
    outcome: bool | None  # None: the next stage does not record the levers compared
    brier: float | None
    brier_baseline: float | None
    log: float | None
    log_baseline: float | None


@dataclass(frozen=True)
class StageAnalysis:
    key: str
    date: str
    title: str
    scenario: str
    equilibria: tuple[EquilibriumView, ...]
    complete: bool
    recorded: dict[str, dict[str, str]]
    recorded_sources: tuple[str, ...]
    status: RecordedStatus
    truce: TruceView | None
    deal: str | None
    deal_payoffs: dict[str, float] | None
    changed: tuple[str, ...]
    prediction: Prediction | None
    expected: str | None = None  # the profile the model expects: the truce if sustained,
    # else the pure equilibrium with the largest total payoff (first on ties)
    recorded_values: dict[str, float | None] | None = None  # lever -> value (None: unknown)
    expected_values: dict[str, float] | None = None


@dataclass(frozen=True)
class Score:
    scored: int
    brier: float | None
    brier_baseline: float | None
    log: float | None
    log_baseline: float | None


@dataclass(frozen=True)
class TimelineAnalysis:
    name: str
    title: str
    stages: tuple[StageAnalysis, ...]
    score: Score


# --------------------------------------------------------------------------- scores


def brier(p: float, outcome: bool) -> float:
    """Brier score of one binary forecast: :math:`(p - o)^2` (lower is better)."""
    return (p - float(outcome)) ** 2


def log_score(p: float, outcome: bool, *, clip: float = CLIP) -> float:
    """Logarithmic score :math:`\\ln p` if the event happened, else :math:`\\ln(1-p)`."""
    q = min(max(p, clip), 1 - clip)
    return math.log(q if outcome else 1 - q)


def laplace(repeats: int, pairs: int) -> float:
    """Laplace's rule of succession: :math:`(k + 1)/(m + 2)`."""
    return (repeats + 1) / (pairs + 2)


def effective_discount(delta: float, hazards: Sequence[float]) -> float:
    r""":math:`\delta \prod_\ell (1 - h_\ell)`: continuation weighted by the levels' survival."""
    return delta * math.prod(1 - h for h in hazards)


# --------------------------------------------------------------------------- profiles


def completions(game: Game, recorded: Mapping[str, Mapping[str, str]]) -> list[tuple[int, ...]]:
    """Every pure profile index that agrees with ``recorded`` on its known levers."""
    per_player = []
    for p, player in enumerate(game.players):
        choice = recorded.get(player, {})
        options = []
        for s in range(len(game.strategies[p])):
            levels = game.lever_choice(p, s)
            if all(choice.get(lv, UNKNOWN) in (UNKNOWN, lvl) for lv, lvl in levels.items()):
                options.append(s)
        per_player.append(options)
    return list(itertools.product(*per_player))


def _tri(values: Sequence[bool]) -> str:
    if not values:
        return "unknown"
    if all(values):
        return "yes"
    return "no" if not any(values) else "unknown"


def _label(game: Game, index: Sequence[int]) -> str:
    return game.profile_label(index)


# --------------------------------------------------------------------------- one stage


def _truce_index(scenario: Scenario, game: Game) -> tuple[int, ...] | None:
    if scenario.truce is None or scenario.truce.profile is None:
        return None
    ref = scenario.truce.profile
    profile = scenario.profiles[ref] if isinstance(ref, str) else ref
    return game.profile_index(profile)


def _hazards_of(game: Game, index: Sequence[int], hazard: Mapping[tuple[str, str], float]
                ) -> list[float]:
    out = []
    for p, s in enumerate(index):
        for lever, level in game.lever_choice(p, s).items():
            if (lever, level) in hazard:
                out.append(hazard[(lever, level)])
    return out


def _delta(scenario: Scenario) -> float | None:
    return rp.truce_timing(scenario.truce_numbers()).delta if scenario.truce else None


def _truce_view(stage: Stage, game: Game, index: tuple[int, ...], nxt: Stage | None
                ) -> TruceView | None:
    delta = _delta(stage.scenario)
    if delta is None or len(game.players) != 2:
        return None
    numbers = stage.scenario.truce_numbers()
    timing = rp.truce_timing(numbers)
    hz = _hazards_of(game, index, stage.hazard)
    d_eff = effective_discount(delta, hz)
    t = rp.thresholds(game.payoffs, index, "nash")
    days = periods = survival = expires = None
    if nxt is not None:
        days = (nxt.date - stage.date).days
        periods = max(0, math.ceil(days / timing.period_days - 1e-9))
        eps, pi = numbers.get("noise_implementation", 0.0), numbers.get("noise_perception", 0.0)
        alive = t.sustainable(d_eff)
        survival = (float(grim_survival(periods, eps, pi)) * math.prod(1 - h for h in hz)
                    ** periods) if alive else 0.0
        expires = stage.deadline is not None and stage.deadline < nxt.date
    return TruceView(
        profile=_label(game, index), delta=delta, delta_effective=d_eff,
        hazard_factor=math.prod(1 - h for h in hz), delta_star=t.delta_star,
        sustainable=t.sustainable(d_eff),
        deadline=stage.deadline.isoformat() if stage.deadline else None,
        days_to_next=days, periods_to_next=periods, survival_to_next=survival,
        expires_before_next=expires,
    )


def _status(game: Game, cands: list[tuple[int, ...]], pure: set, pareto: set,
            delta: float | None, hazard: Mapping[tuple[str, str], float]) -> RecordedStatus:
    """Each answer over the profiles the record allows; the hazards of each profile's own
    levels discount its continuation."""
    known = len(cands) == 1
    enforce: list[bool] = []
    star = None
    if delta is not None and len(game.players) == 2:
        stars = [rp.thresholds(game.payoffs, c, "nash").delta_star for c in cands]
        enforce = [s <= effective_discount(delta, _hazards_of(game, c, hazard))
                   for s, c in zip(stars, cands, strict=True)]
        star = stars[0] if known else None
    return RecordedStatus(
        known=known, equilibrium=_tri([c in pure for c in cands]),
        self_enforcing=_tri(enforce), pareto=_tri([c in pareto for c in cands]),
        delta_star=star,
    )


def _deal(game: Game, pareto: Sequence[tuple[int, ...]], eqs: Sequence[np.ndarray]
          ) -> tuple[int, ...] | None:
    """Pareto-optimal pure profile maximising :math:`\\prod_i (u_i - d_i)` (Nash, 1950).

    ``d`` is each player's worst payoff over the stage equilibria found: the disagreement
    point is reversion to the stage game.
    """
    if not eqs:
        return None
    d = np.min(np.stack(eqs), axis=0)
    best, value = None, -math.inf
    for idx in pareto:
        u = game.payoffs[(slice(None), *idx)]
        gain = u - d
        if np.all(gain >= -1e-9) and float(np.prod(np.maximum(gain, 0))) > value:
            best, value = idx, float(np.prod(np.maximum(gain, 0)))
    return best


def _mass(eq_strategies: Sequence[tuple[np.ndarray, ...]], cands: Sequence[tuple[int, ...]]
          ) -> float:
    """Average over equilibria of the probability each puts on the profiles ``cands``."""
    if not eq_strategies:
        return 0.0
    total = 0.0
    for strategies in eq_strategies:
        total += sum(math.prod(float(strategies[p][s]) for p, s in enumerate(c)) for c in cands)
    return total / len(eq_strategies)


def _compared(now: Mapping[str, Mapping[str, str]], nxt: Mapping[str, Mapping[str, str]]
              ) -> dict[str, dict[str, str]]:
    """The recorded levels of ``now`` on the levers that both stages report."""
    out: dict[str, dict[str, str]] = {}
    for player, choice in now.items():
        out[player] = {lv: lvl for lv, lvl in choice.items()
                       if lvl != UNKNOWN and nxt.get(player, {}).get(lv, UNKNOWN) != UNKNOWN}
    return out


def _repeats(compared: Mapping[str, Mapping[str, str]],
             nxt: Mapping[str, Mapping[str, str]]) -> bool | None:
    pairs = [(lvl, nxt[p][lv]) for p, c in compared.items() for lv, lvl in c.items()]
    if not pairs:
        return None
    return all(a == b for a, b in pairs)


def _changes(prev: Stage | None, stage: Stage, prev_a: StageAnalysis | None,
             eq_labels: tuple[str, ...], status: RecordedStatus,
             truce: TruceView | None) -> tuple[str, ...]:
    if prev is None or prev_a is None:
        return ()
    out: list[str] = []
    a, b = prev.scenario, stage.scenario
    for kind, old, new in (("fact", a.facts, b.facts), ("assumption", a.assumptions,
                                                         b.assumptions)):
        for name in sorted(set(old) | set(new)):
            if name not in new:
                out.append(f"{kind} {name} removed")
            elif name not in old:
                out.append(f"{kind} {name} = {new[name].value:g} added")
            elif old[name].value != new[name].value:
                out.append(f"{kind} {name}: {old[name].value:g} -> {new[name].value:g}")
    old_lv = {lv.name: lv for p in a.players for lv in p.levers}
    new_lv = {lv.name: lv for p in b.players for lv in p.levers}
    for name in sorted(set(old_lv) | set(new_lv)):
        if name not in new_lv:
            out.append(f"lever {name} removed")
        elif name not in old_lv:
            out.append(f"lever {name} added")
        else:
            for lvl in sorted(set(old_lv[name].levels) ^ set(new_lv[name].levels)):
                what = "added" if lvl in new_lv[name].levels else "removed"
                out.append(f"level {name}={lvl} {what}")
    for (lever, level) in sorted(set(prev.hazard) | set(stage.hazard)):
        h_old, h_new = prev.hazard.get((lever, level), 0.0), stage.hazard.get((lever, level), 0.0)
        if h_old != h_new:
            out.append(f"hazard {lever}={level}: {h_old:g} -> {h_new:g}")
    if tuple(_eq_key(e) for e in prev_a.equilibria) != eq_labels:
        out.append("equilibria changed")
    for what in ("equilibrium", "self_enforcing", "pareto"):
        old_v, new_v = getattr(prev_a.status, what), getattr(status, what)
        if old_v != new_v:
            out.append(f"recorded profile {what.replace('_', '-')}: {old_v} -> {new_v}")
    old_p = prev_a.truce.profile if prev_a.truce else None
    new_p = truce.profile if truce else None
    if old_p != new_p:
        out.append(f"truce profile: {old_p or 'none'} -> {new_p or 'none'}")
    old_t = prev_a.truce.sustainable if prev_a.truce else None
    new_t = truce.sustainable if truce else None
    if old_t != new_t:
        out.append(f"truce sustainable: {_yn(old_t)} -> {_yn(new_t)}")
    return tuple(out)


def _yn(x: bool | None) -> str:
    return "no truce" if x is None else ("yes" if x else "no")


def _eq_key(e: EquilibriumView) -> str:
    return repr(sorted((p, sorted(s.items())) for p, s in e.strategies.items()))


def _eq_views(game: Game, equilibria: Sequence) -> tuple[EquilibriumView, ...]:
    out = []
    for eq in equilibria:
        strategies = {
            player: {game.strategies[p][s]: round(float(x), 12)
                     for s, x in enumerate(eq.strategies[p]) if x > 1e-12}
            for p, player in enumerate(game.players)
        }
        payoffs = {player: float(eq.payoffs[p]) for p, player in enumerate(game.players)}
        out.append(EquilibriumView(strategies=strategies, payoffs=payoffs))
    return tuple(out)


# --------------------------------------------------------------------------- the timeline


def analyse_timeline(timeline: Timeline) -> TimelineAnalysis:
    """Every stage's analysis and the backtest over consecutive stages."""
    out: list[StageAnalysis] = []
    repeats = pairs = 0
    stages = timeline.stages
    for i, stage in enumerate(stages):
        nxt = stages[i + 1] if i + 1 < len(stages) else None
        sa = _stage(stage, nxt, stages[i - 1] if i else None, out[-1] if out else None,
                    laplace(repeats, pairs))
        if sa.prediction is not None and sa.prediction.outcome is not None:
            pairs += 1
            repeats += int(sa.prediction.outcome)
        out.append(sa)
    return TimelineAnalysis(name=timeline.name, title=timeline.title, stages=tuple(out),
                            score=_total(out))


def _stage(stage: Stage, nxt: Stage | None, prev: Stage | None,
           prev_a: StageAnalysis | None, baseline: float) -> StageAnalysis:
    game = build_game(stage.scenario)
    an = analyse(game)
    pure, pareto = set(an.pure), set(an.pareto)
    cands = completions(game, stage.recorded)
    delta = _delta(stage.scenario)
    truce_index = _truce_index(stage.scenario, game)
    truce = (_truce_view(stage, game, truce_index, nxt)
             if truce_index is not None and len(game.players) == 2 else None)
    status = _status(game, cands, pure, pareto, delta, stage.hazard)
    eqs = an.equilibria.equilibria
    views = _eq_views(game, eqs)
    deal = _deal(game, an.pareto, [np.asarray(e.payoffs) for e in eqs])
    expected = _expected(game, an.pure, truce, truce_index)
    prediction = None
    if nxt is not None:
        prediction = _predict(game, stage, nxt, [e.strategies for e in eqs], truce,
                              truce_index, baseline)
    return StageAnalysis(
        key=stage.key, date=stage.date.isoformat(), title=stage.title,
        scenario=stage.scenario.name, equilibria=views, complete=an.equilibria.complete,
        recorded=stage.recorded, recorded_sources=stage.recorded_sources, status=status,
        truce=truce, deal=_label(game, deal) if deal is not None else None,
        deal_payoffs=(None if deal is None else {
            p: float(game.payoffs[(i, *deal)]) for i, p in enumerate(game.players)}),
        changed=_changes(prev, stage, prev_a, tuple(_eq_key(v) for v in views), status, truce),
        prediction=prediction,
        expected=_label(game, expected) if expected is not None else None,
        recorded_values=_values(stage.scenario, stage.recorded),
        expected_values=(None if expected is None else _index_values(stage.scenario, game,
                                                                     expected)),
    )


def _expected(game: Game, pure: Sequence[tuple[int, ...]], truce: TruceView | None,
              truce_index: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if truce is not None and truce.sustainable and truce_index is not None:
        return truce_index
    if not pure:
        return None
    totals = [float(game.payoffs[(slice(None), *idx)].sum()) for idx in pure]
    return pure[int(np.argmax(totals))]


def _values(scenario: Scenario, profile: Mapping[str, Mapping[str, str]]
            ) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for choice in profile.values():
        for lever, level in choice.items():
            lv = scenario.lever(lever)
            out[lever] = None if level == UNKNOWN else lv.values[lv.levels.index(level)]
    return out


def _index_values(scenario: Scenario, game: Game, index: Sequence[int]) -> dict[str, float]:
    profile = {p: game.lever_choice(i, s) for i, (p, s) in enumerate(
        zip(game.players, index, strict=True))}
    return {k: float(v) for k, v in _values(scenario, profile).items() if v is not None}


def _predict(game: Game, stage: Stage, nxt: Stage, eq_strategies: Sequence,
             truce: TruceView | None, truce_index: tuple[int, ...] | None,
             baseline: float) -> Prediction:
    compared = _compared(stage.recorded, nxt.recorded)
    outcome = _repeats(compared, nxt.recorded)
    cands = completions(game, compared)
    on_truce = (truce is not None and truce_index is not None and truce_index in cands
                and truce.survival_to_next is not None)
    if on_truce:
        p = float(truce.survival_to_next)  # type: ignore[union-attr, arg-type]
        event = "the truce profile is still recorded at the next date"
    else:
        p = _mass(eq_strategies, cands)
        event = "the recorded profile is recorded again at the next date"
    if outcome is None:
        return Prediction(event, p, baseline, None, None, None, None, None)
    return Prediction(
        event=event, probability=p, baseline=baseline, outcome=outcome,
        brier=brier(p, outcome), brier_baseline=brier(baseline, outcome),
        log=log_score(p, outcome), log_baseline=log_score(baseline, outcome),
    )


def _total(stages: Sequence[StageAnalysis]) -> Score:
    scored = [s.prediction for s in stages
              if s.prediction is not None and s.prediction.outcome is not None]
    if not scored:
        return Score(0, None, None, None, None)

    def mean(attr: str) -> float:
        return float(np.mean([getattr(p, attr) for p in scored]))

    return Score(len(scored), mean("brier"), mean("brier_baseline"), mean("log"),
                 mean("log_baseline"))
