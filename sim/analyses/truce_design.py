"""Designing a scenario's self-enforcing truce at the central values.

For each side: its breach options, one per issue (the best change of that issue's levers
among those that hurt the other side); how its moves are watched (accusations, and a
public signal of a quantity lever with a trigger); and the other side's punishment of it,
the mildest credible one in the declared family that deters its breaches (with, under a
signal, the Green-Porter trigger and length that maximise the truce's value). The maths is
in :mod:`sim.solvers.punishment` and :mod:`sim.solvers.monitoring`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.game import Game
from sim.scenario import Scenario
from sim.solvers import monitoring as mo
from sim.solvers import punishment as pu
from sim.solvers import repeated as rp

Index = tuple[int, int]


def model_keys(scenario: Scenario) -> dict[str, Any]:
    """The truce model's keys of ``[truce]`` (empty without ``[truce]``)."""
    return scenario.truce.model if scenario.truce is not None else {}


ROBUST_TOL = 1e-4
"""Relative value tolerance of the trigger choice (see :func:`sim.solvers.monitoring.optimal_trigger`)."""


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ModelSettings:
    """What the model needs besides the game, resolved to numbers."""

    truce: Index
    escalation: Index | None
    length_days: float
    period_days: float
    delta: float
    annual_discount_rate: float | None
    renewal_probability: float | None
    renewal: str  # "fixed" | "choice"
    noise: tuple[float, float, float, float]  # eps, eps_b, pi, mu
    delta_given: bool = False  # the discount factor was given directly (not solved)
    hazard_factor: float = 1.0  # P(the truce's levels stay available) per period; scales delta

    @property
    def periods(self) -> int:
        return rp.periods_in(self.length_days, self.period_days)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Breach:
    """A side's breach option on one issue: the levels it changes and its gain at the
    central values."""

    issue: str
    strategy: int
    levels: dict[str, str]
    gain: float


@dataclass(frozen=True)
class Plan:
    """How the other side answers a breach by ``target``: its ``levels`` for ``length``
    periods (``None``: for ever), or ``strategy=None`` when the family is empty."""

    target: int
    strategy: int | None
    levels: dict[str, str]
    length: int | None
    harm: float
    deters: bool
    credible: bool
    needed: bool
    family: int
    signal: dict[str, Any] | None = None


# --------------------------------------------------------------------------- structure


def strategy_digits(game: Game, player: int) -> np.ndarray:
    """``(n_strategies, n_levers)``: each strategy's level index per lever."""
    sizes = [len(lv) for lv in game.levels[player]]
    return np.indices(sizes).reshape(len(sizes), -1).T


def _issues(scenario: Scenario, game: Game, player: int) -> list[tuple[str, tuple[int, ...]]]:
    """The player's issues as (name, its lever positions), in the file's order."""
    body = model_keys(scenario)
    table = body.get("issues") or (scenario.bargaining.issues if scenario.bargaining else {}) or {}
    levers = game.levers[player]
    out, seen = [], set()
    for name, names in table.items():
        pos = tuple(k for k, lv in enumerate(levers) if lv in names)
        if pos:
            out.append((name, pos))
            seen.update(pos)
    out += [(levers[k], (k,)) for k in range(len(levers)) if k not in seen]
    return out


def _changes(game: Game, player: int, strategy: int, base: int) -> dict[str, str]:
    """The levels of ``strategy`` that differ from ``base``."""
    new, old = game.lever_choice(player, strategy), game.lever_choice(player, base)
    return {k: v for k, v in new.items() if old[k] != v}


def _own(payoffs: np.ndarray, player: int, mine: int, theirs: int) -> float:
    return float(payoffs[player][(mine, theirs) if player == 0 else (theirs, mine)])


def breach_options(scenario: Scenario, game: Game, truce: Index, player: int) -> tuple[Breach, ...]:
    """Per issue, the player's best strategy that changes only that issue's levers, among
    those that lower the other side's payoff (a breach hurts the other side)."""
    digits = strategy_digits(game, player)
    base = digits[truce[player]]
    other = truce[1 - player]
    c = _own(game.payoffs, player, truce[player], other)
    c_other = _own(game.payoffs, 1 - player, other, truce[player])
    out = []
    for name, pos in _issues(scenario, game, player):
        rest = [k for k in range(digits.shape[1]) if k not in pos]
        same_rest = (digits[:, rest] == base[rest]).all(axis=1)
        moved = (digits[:, list(pos)] != base[list(pos)]).any(axis=1)
        cands = np.flatnonzero(same_rest & moved)
        # a breach hurts the other side (lowering one's own tariff is no breach)
        hurt = [
            int(s) for s in cands if _own(game.payoffs, 1 - player, other, int(s)) < c_other - 1e-12
        ]
        if not hurt:
            continue
        cands = np.array(hurt)
        values = [_own(game.payoffs, player, int(s), other) for s in cands]
        best = int(cands[int(np.argmax(values))])
        out.append(
            Breach(
                issue=name,
                strategy=best,
                levels=_changes(game, player, best, truce[player]),
                gain=max(values) - c,
            )
        )
    return tuple(out)


def _family(
    scenario: Scenario, game: Game, truce: Index, punisher: int, lengths: Sequence[int]
) -> list[tuple[int, int]]:
    """(strategy, length) pairs the punisher may use: strategies that move only its
    allowed levers away from the truce, each in a direction that (alone) lowers the
    target's payoff."""
    name = game.players[punisher]
    spec = (model_keys(scenario).get("punishments") or {}).get(name, {})
    allowed = set(spec.get("levers") or game.levers[punisher])
    own_lengths = spec.get("lengths") or lengths
    digits = strategy_digits(game, punisher)
    base = digits[truce[punisher]]
    fixed = [k for k, lv in enumerate(game.levers[punisher]) if lv not in allowed]
    ok = (digits[:, fixed] == base[fixed]).all(axis=1)
    ok[truce[punisher]] = False
    target = 1 - punisher
    c = _own(game.payoffs, target, truce[target], truce[punisher])
    # every lever it moves, moved alone, must hurt the target: a punishment escalates
    radix = [len(lv) for lv in game.levels[punisher]]
    hurts = np.zeros(digits.shape, dtype=bool)
    for k in range(digits.shape[1]):
        one = np.tile(base, (len(ok), 1))
        one[:, k] = digits[:, k]
        alone = np.ravel_multi_index(one.T, radix)
        hurts[:, k] = [_own(game.payoffs, target, truce[target], int(m)) < c - 1e-12 for m in alone]
    moved = digits != base
    ok &= (~moved | hurts).all(axis=1)
    return [(int(s), int(n)) for s in np.flatnonzero(ok) for n in own_lengths]


# --------------------------------------------------------------------------- monitoring


def _lever_position(game: Game, player: int, lever: str) -> int | None:
    return game.levers[player].index(lever) if lever in game.levers[player] else None


def _lever_value(
    scenario: Scenario,
    game: Game,
    player: int,
    strategy: int,
    lever: str,
    values: Mapping[str, float],
) -> float:
    level = game.lever_choice(player, strategy)[lever]
    lv = scenario.lever(lever)
    k = lv.levels.index(level)
    return float(values[lv.refs[k]]) if lv.refs[k] else float(lv.values[k])


@dataclass(frozen=True)
class Watch:
    """How a side's moves are watched: per move, P(accused) and the signal's level."""

    perceive: np.ndarray
    levels: np.ndarray | None  # signalled lever's value per move (None: no signal)
    lever: str | None
    sd: float
    kind: str
    trigger: float | str  # a number or "optimal"


def watch(
    scenario: Scenario,
    game: Game,
    s: ModelSettings,
    player: int,
    options: Sequence[Breach],
    values: Mapping[str, float],
) -> Watch:
    _, _, pi, mu = s.noise
    monitoring = model_keys(scenario).get("monitoring") or {}
    lever = next((lv for lv in monitoring if lv in game.levers[player]), None)
    levels = None
    perceive = np.array([pi] + [1 - mu] * len(options))
    if lever is None:
        return Watch(perceive, None, None, 0.0, "normal", "optimal")
    spec = monitoring[lever]
    strategies = [s.truce[player]] + [b.strategy for b in options]
    levels = np.array(
        [_lever_value(scenario, game, player, st, lever, values) for st in strategies]
    )
    for k, b in enumerate(options, start=1):
        if set(b.levels) <= {lever}:  # only the signal can show a breach of this lever
            perceive[k] = pi
    trigger = spec.get("trigger", "optimal")
    trigger = trigger if trigger == "optimal" else scenario.value(trigger, values)
    return Watch(
        perceive,
        levels,
        lever,
        scenario.value(spec["sd"], values),
        spec.get("noise", "normal"),
        trigger,
    )


def signal_probabilities(w: Watch, trigger: float) -> np.ndarray:
    if w.levels is None:
        return np.zeros_like(w.perceive)
    return np.asarray(mo.trigger_probability(w.levels, trigger, w.sd, w.kind), dtype=float)


def _signal_breach(w: Watch) -> float | None:
    """The lowest level a breach can put the signalled lever at (``None``: no signal, or
    no breach lowers it)."""
    if w.levels is None or w.levels.size < 2 or float(np.min(w.levels[1:])) >= w.levels[0]:
        return None
    return float(np.min(w.levels[1:]))


def _best_trigger(
    w: Watch, c: float, d: float, p: float, delta: float, lengths: Sequence[int | None]
) -> mo.TriggerPlan | None:
    """The Green-Porter optimum against the signalled breach that lowers the lever most."""
    low = _signal_breach(w)
    if low is None or w.trigger != "optimal":
        return None
    return mo.optimal_trigger(
        c,
        d,
        p,
        delta,
        comply_level=float(w.levels[0]),  # type: ignore[index]
        breach_level=low,
        sd=w.sd,
        kind=w.kind,
        lengths=tuple(lengths),
        background=float(w.perceive[0]),
    )


def deterrence(
    gains: np.ndarray,
    detect: np.ndarray,
    c: float,
    p: np.ndarray,
    delta: float,
    lengths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For candidates with punished payoffs ``p`` and ``lengths`` (``inf``: for ever) and
    detection rates ``detect`` (``(M, K+1)``): whether each deters every breach option at
    the central values, and the expected losses :math:`\\Lambda` (``(M, K)``)."""
    dl = delta**lengths
    q0 = detect[:, 0]
    v = ((1 - delta) * c + delta * q0 * (1 - dl) * p) / (1 - delta * (1 - q0) - delta * q0 * dl)
    h = delta * (1 - dl) / (1 - delta) * (v - p)
    loss = (detect[:, 1:] - q0[:, None]) * h[:, None]
    return (gains[None, :] <= loss + 1e-12).all(axis=1), loss


def _detection(
    w: Watch,
    c: float,
    gain: float,
    p: np.ndarray,
    delta: float,
    lengths: np.ndarray,
    grid: int = 400,
) -> np.ndarray:
    """``(M, K+1)``: P(punished | move) for each candidate; with an optimal trigger, the
    smallest false-alarm rate (on a grid) at which the candidate deters the signalled
    breach (Green and Porter's trigger; no signal when none does)."""
    m = p.shape[0]
    if w.levels is None:
        return np.broadcast_to(w.perceive, (m, w.perceive.size))
    if w.trigger != "optimal":
        sig = mo.trigger_probability(w.levels, float(w.trigger), w.sd, w.kind)
        return np.broadcast_to(1 - (1 - w.perceive) * (1 - sig), (m, w.perceive.size))
    low = _signal_breach(w)
    tau = np.full(m, -np.inf)
    if low is not None and gain > 0:
        qs = np.concatenate(
            [[0.0], np.geomspace(1e-9, 1e-2, grid // 2), np.linspace(1e-2, 1 - 1e-9, grid // 2)]
        )
        keep = 1 - float(w.perceive[0])  # accusations are a second, independent channel
        power = 1 - keep * (1 - mo.power(qs, float(w.levels[0]) - low, w.sd, w.kind))
        dl = (delta**lengths)[None, :]
        q = 1 - keep * (1 - qs[:, None])
        v = ((1 - delta) * c + delta * q * (1 - dl) * p) / (1 - delta * (1 - q) - delta * q * dl)
        slack = delta * (power[:, None] - q) * (1 - dl) * (v - p[None, :]) - (1 - delta) * gain
        ok = slack >= 0
        first = np.argmax(ok, axis=0)
        has = ok.any(axis=0)
        # the most detecting trigger within ROBUST_TOL of the best value (as optimal_trigger)
        best = v[first, np.arange(m)]
        near = ok & (v >= best - ROBUST_TOL * np.maximum(1.0, np.abs(best)))
        near &= np.arange(qs.size)[:, None] >= first[None, :]
        last = qs.size - 1 - np.argmax(near[::-1], axis=0)
        z = mo.quantile(qs[last], w.kind)
        tau = np.where(has, float(w.levels[0]) + w.sd * z, -np.inf)
    sig = mo.trigger_probability(w.levels[None, :], tau[:, None], w.sd, w.kind)
    return 1 - (1 - w.perceive[None, :]) * (1 - sig)


def _harshest(
    game: Game, s: ModelSettings, delta: float, target: int, family: list[tuple[int, int]]
) -> tuple[float, int | None]:
    """The target's payoff and length under the harshest punishment in the family."""
    ct, cj = s.truce[target], s.truce[1 - target]
    c = _own(game.payoffs, target, ct, cj)
    if not family:
        return c, 1
    harms = [float(pu.harm(c, _own(game.payoffs, target, ct, m), delta, n)) for m, n in family]
    m, n = family[int(np.argmax(harms))]
    return _own(game.payoffs, target, ct, m), n


def design(
    scenario: Scenario,
    game: Game,
    s: ModelSettings,
    delta: float,
    breaches: tuple[tuple[Breach, ...], tuple[Breach, ...]],
    watches: tuple[Watch, Watch],
    lengths: Sequence[int],
) -> tuple[Plan, Plan]:
    """Each side's punishment (module docstring). A punisher's credibility is checked
    against the other side's harshest punishment in its family (an optimal simple penal
    code punishes a deviation from a punishment as hard as it can; Abreu 1988)."""
    fams = [_family(scenario, game, s.truce, 1 - i, lengths) for i in (0, 1)]
    counter = [_harshest(game, s, delta, i, fams[i]) for i in (0, 1)]
    return (
        _plan(game, s, delta, 0, breaches[0], watches[0], fams[0], counter[1]),
        _plan(game, s, delta, 1, breaches[1], watches[1], fams[1], counter[0]),
    )


def _plan(
    game: Game,
    s: ModelSettings,
    delta: float,
    target: int,
    options: tuple[Breach, ...],
    w: Watch,
    family: list[tuple[int, int]],
    counter: tuple[float, int | None],
) -> Plan:
    pay, j = game.payoffs, 1 - target
    ct, cj = s.truce[target], s.truce[j]
    c = _own(pay, target, ct, cj)
    gains = np.array([b.gain for b in options])
    needed = bool(np.any(gains > 1e-12))
    if not family:
        return Plan(target, None, {}, 1, 0.0, not needed, True, needed, 0)
    c_j = _own(pay, j, cj, ct)
    best_j = max(_own(pay, j, m, ct) for m in range(game.shape[j]))
    strat = np.array([m for m, _ in family])
    lengths = np.array([n for _, n in family], dtype=float)
    p = np.array([_own(pay, target, ct, int(m)) for m in strat])
    signalled = [k for k, b in enumerate(options) if w.lever in b.levels]
    gain = float(max((gains[k] for k in signalled), default=0.0))
    detect = _detection(w, c, gain, p, delta, lengths)
    ok, _ = deterrence(gains, detect, c, p, delta, lengths)
    choices = [
        pu.Choice(
            int(m),
            int(n),
            float(pu.harm(c, pk, delta, int(n))),
            c_j - _own(pay, j, int(m), ct),
            bool(d) or not needed,
            pu.credible(
                punisher_truce=c_j,
                punisher_best=best_j,
                punishing=_own(pay, j, int(m), ct),
                length=int(n),
                punished=counter[0],
                counter_length=counter[1],
                delta=delta,
            ),
        )
        for m, n, pk, d in zip(strat, lengths, p, ok, strict=True)
    ]
    pick = pu.mildest(choices)
    deters = pick is not None
    if pick is None:  # none deters: the harshest credible one is what can be done
        pick = pu.harshest(choices)
    assert pick is not None  # the family is not empty
    signal, length = _signal_plan(w, c, gain, _own(pay, target, ct, pick.strategy), delta,
                                  sorted({n for _, n in family}), pick.length)
    return Plan(
        target,
        pick.strategy,
        _changes(game, j, pick.strategy, cj),
        length,
        pick.harm,
        deters,
        pick.credible,
        needed,
        len(choices),
        signal,
    )


def _signal_plan(w: Watch, c: float, gain: float, punished: float, delta: float,
                 lengths: Sequence[int], length: int | None,
                 ) -> tuple[dict[str, Any] | None, int | None]:
    """The signal's trigger for the chosen punishment levels (Green-Porter's optimum, with
    its length) or the file's own trigger; and the punishment's length."""
    if w.levels is None:
        return None, length
    tp = _best_trigger(w, c, c + gain, punished, delta, lengths)
    if tp is not None and tp.deters:
        return {"lever": w.lever, "sd": w.sd, "noise": w.kind, "trigger": tp.trigger,
                "false_alarm": tp.false_alarm, "detect": tp.detect, "length": tp.length,
                "value": tp.value, "chosen": "optimal"}, tp.length
    if w.trigger != "optimal":
        return {"lever": w.lever, "sd": w.sd, "noise": w.kind, "trigger": float(w.trigger),
                "chosen": "given"}, length
    return None, length
