r"""The analysis of a timeline, stage by stage, and the backtest of its predictions.

For each stage: the equilibria of its game; whether the recorded profile is a Nash
equilibrium, is sustained by grim trigger at the stage's effective discount factor under the
file's ``[truce]`` punishment, and is Pareto-optimal (``"yes"``, ``"no"`` or ``"unknown"``
when the answer depends on levers the sources do not report); the truce's thresholds and the
truce model's outcomes (:mod:`sim.analyses.truce_model`) to the next date; the deal
(the Nash bargaining deal of ``tradesim bargain``, possibly a lottery); and what changed
since the previous stage. The truce's clock, δ and punishment come from
:mod:`sim.analyses.settings`, as in every other command.

Hazard. A level that disappears with probability :math:`h` per period ends the truce that
uses it, so a player's continuation value is weighted by :math:`\delta(1-h)`: the effective
discount factor of a truce is :math:`\delta_{\text{eff}} = \delta \prod_\ell (1-h_\ell)`
over the truce profile's levels (a random end acts like discounting; Mailath and Samuelson,
2006, §4.2). The truce model takes the same factor.

Backtest: :mod:`sim.analyses.backtest` (the truce model's distribution over intact, renewed
and collapsed, or the equilibria's mass on the recorded profile, against Laplace's rule).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analyses import backtest as bt
from sim.analyses import settings as resolve
from sim.analyses.backtest import Prediction, Score
from sim.analyses.core import analyse
from sim.analyses.points import Deal, nash_deal
from sim.errors import InputError, SolverError
from sim.game import Game
from sim.scenario.build import build_game
from sim.scenario.model import Scenario
from sim.scenario.timeline import UNKNOWN, Stage, Timeline
from sim.solvers import repeated as rp


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
    """The truce at a stage: grim trigger's threshold under the file's punishment, and the
    truce model's outcomes over its term (``model``) and to the next date (``to_next``)."""

    profile: str
    delta: float
    delta_effective: float
    hazard_factor: float
    delta_star: float
    sustainable: bool
    punishment: str
    deadline: str | None
    days_to_next: int | None
    periods_to_next: int | None
    periods_to_expiry: int
    expires_before_next: bool | None
    model: dict[str, float] | None  # no_slip, dispute, collapse, renewed, disputes_per_year
    to_next: dict[str, float] | None  # intact, renewed, collapsed at the next date


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
class TimelineAnalysis:
    name: str
    title: str
    stages: tuple[StageAnalysis, ...]
    score: Score


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
    return resolve.truce_clock(scenario).delta if scenario.truce else None


def _punishment(scenario: Scenario, game: Game) -> str | tuple[int, int]:
    return resolve.punishment(scenario, game) if scenario.truce else "nash"


def _truce_view(stage: Stage, game: Game, index: tuple[int, ...], nxt: Stage | None
                ) -> TruceView | None:
    scenario = stage.scenario
    clock = resolve.truce_clock(scenario)
    if clock.delta is None or len(game.players) != 2:
        return None
    hz = _hazards_of(game, index, stage.hazard)
    factor = math.prod(1 - h for h in hz)
    d_eff = effective_discount(clock.delta, hz)
    pun = _punishment(scenario, game)
    t = rp.thresholds(game.payoffs, index, pun)  # type: ignore[arg-type]
    expiry = clock.periods if stage.deadline is None else max(0, math.ceil(
        (stage.deadline - stage.date).days / clock.period_days - 1e-9))
    days = periods = expires = to_next = None
    model = _model(scenario, game, index, factor)
    if nxt is not None:
        days = (nxt.date - stage.date).days
        periods = max(0, math.ceil(days / clock.period_days - 1e-9))
        expires = periods > expiry
        if model is not None:
            to_next = bt.truce_outcomes(model["curve_collapse"], model["renewed"],
                                        periods_to_next=periods, periods_to_expiry=expiry,
                                        hazard_factor=factor)
    return TruceView(
        profile=_label(game, index), delta=clock.delta, delta_effective=d_eff,
        hazard_factor=factor, delta_star=t.delta_star, sustainable=t.sustainable(d_eff),
        punishment=pun if isinstance(pun, str) else _label(game, pun),
        deadline=stage.deadline.isoformat() if stage.deadline else None,
        days_to_next=days, periods_to_next=periods, periods_to_expiry=expiry,
        expires_before_next=expires,
        model=None if model is None else {k: float(model[k]) for k in _MODEL_KEYS},
        to_next=to_next,
    )


_MODEL_KEYS = ("no_slip", "dispute", "collapse", "renewed", "disputes_per_year", "delta")


def _model(scenario: Scenario, game: Game, index: tuple[int, ...], factor: float
           ) -> dict | None:
    """The truce model's outcomes over the term (``None`` where the model cannot run)."""
    from sim.analyses.truce_model import point_outcomes

    escalation = resolve.profile_index(scenario, game, scenario.truce.escalation
                                       if scenario.truce else None)
    try:
        return point_outcomes(scenario, game, {}, (index[0], index[1]), escalation,
                              hazard_factor=factor)
    except (InputError, SolverError):
        return None


def _status(game: Game, cands: list[tuple[int, ...]], pure: set, pareto: set,
            delta: float | None, hazard: Mapping[tuple[str, str], float],
            punishment: str | tuple[int, int]) -> RecordedStatus:
    """Each answer over the profiles the record allows; the hazards of each profile's own
    levels discount its continuation; grim trigger uses the file's punishment."""
    known = len(cands) == 1
    enforce: list[bool] = []
    star = None
    if delta is not None and len(game.players) == 2:
        stars = [rp.thresholds(game.payoffs, c, punishment).delta_star  # type: ignore[arg-type]
                 for c in cands]
        enforce = [s <= effective_discount(delta, _hazards_of(game, c, hazard))
                   for s, c in zip(stars, cands, strict=True)]
        star = stars[0] if known else None
    return RecordedStatus(
        known=known, equilibrium=_tri([c in pure for c in cands]),
        self_enforcing=_tri(enforce), pareto=_tri([c in pareto for c in cands]),
        delta_star=star,
    )


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
                    bt.laplace(repeats, pairs))
        if sa.prediction is not None and sa.prediction.outcome is not None:
            pairs += 1
            repeats += int(sa.prediction.outcome)
        out.append(sa)
    return TimelineAnalysis(name=timeline.name, title=timeline.title, stages=tuple(out),
                            score=bt.total([s.prediction for s in out]))


def _stage(stage: Stage, nxt: Stage | None, prev: Stage | None,
           prev_a: StageAnalysis | None, baseline: float) -> StageAnalysis:
    game = build_game(stage.scenario)
    an = analyse(game)
    pure, pareto = set(an.pure), set(an.pareto)
    cands = completions(game, stage.recorded)
    two = len(game.players) == 2
    truce_index = _truce_index(stage.scenario, game)
    truce = (_truce_view(stage, game, truce_index, nxt)
             if truce_index is not None and two else None)
    status = _status(game, cands, pure, pareto, _delta(stage.scenario), stage.hazard,
                     _punishment(stage.scenario, game) if two else "nash")
    eqs = an.equilibria.equilibria
    views = _eq_views(game, eqs)
    deal = _deal(stage.scenario, game) if two else None
    expected = _expected(game, an.pure, truce, truce_index)
    prediction = None
    if nxt is not None:
        prediction = _predict(game, stage, nxt, [e.strategies for e in eqs], truce,
                              truce_index, baseline)
    return StageAnalysis(
        key=stage.key, date=stage.date.isoformat(), title=stage.title,
        scenario=stage.scenario.name, equilibria=views, complete=an.equilibria.complete,
        recorded=stage.recorded, recorded_sources=stage.recorded_sources, status=status,
        truce=truce, deal=None if deal is None else deal.label,
        deal_payoffs=(None if deal is None or deal.payoffs is None else dict(
            zip(game.players, deal.payoffs, strict=True))),
        changed=_changes(prev, stage, prev_a, tuple(_eq_key(v) for v in views), status, truce),
        prediction=prediction,
        expected=_label(game, expected) if expected is not None else None,
        recorded_values=_values(stage.scenario, stage.recorded),
        expected_values=(None if expected is None else _index_values(stage.scenario, game,
                                                                     expected)),
    )


def _deal(scenario: Scenario, game: Game) -> Deal | None:
    """The Nash bargaining deal of ``tradesim bargain`` (``None`` when it cannot be found
    or there is no gain over the disagreement point)."""
    try:
        deal = nash_deal(scenario, game, {})
    except (InputError, SolverError):
        return None
    return deal if deal.feasible else None


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
    """``{lever: value}`` of a recorded profile (a lever two players share, as ``strategy``
    in a ``[game]`` matrix, is keyed ``"player lever"``)."""
    names = [lv.name for p in scenario.players for lv in p.levers]
    out: dict[str, float | None] = {}
    for player in scenario.players:
        own = {lv.name: lv for lv in player.levers}
        for lever, level in profile.get(player.name, {}).items():
            lv = own[lever]
            key = lever if names.count(lever) == 1 else f"{player.name} {lever}"
            out[key] = None if level == UNKNOWN else lv.values[lv.levels.index(level)]
    return out


def _index_values(scenario: Scenario, game: Game, index: Sequence[int]) -> dict[str, float]:
    profile = {p: game.lever_choice(i, s) for i, (p, s) in enumerate(
        zip(game.players, index, strict=True))}
    return {k: float(v) for k, v in _values(scenario, profile).items() if v is not None}


def _predict(game: Game, stage: Stage, nxt: Stage, eq_strategies: Sequence,
             truce: TruceView | None, truce_index: tuple[int, ...] | None,
             baseline: float) -> Prediction:
    compared = _compared(stage.recorded, nxt.recorded)
    happened = _repeats(compared, nxt.recorded)
    cands = completions(game, compared)
    if (truce is not None and truce_index is not None and truce_index in cands
            and truce.to_next is not None):
        stay = "renewed" if truce.expires_before_next else "intact"
        return bt.predict(dict(truce.to_next), stay,
                          f"the truce is {stay} at the next date", happened, baseline)
    p = min(max(_mass(eq_strategies, cands), 0.0), 1.0)
    return bt.predict({"repeated": p, "changed": 1.0 - p}, "repeated",
                      "the recorded profile is recorded again at the next date", happened,
                      baseline)
