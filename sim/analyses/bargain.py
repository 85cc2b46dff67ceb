"""The bargaining analysis of ``tradesim bargain FILE``: which deal is on the table, how the
surplus splits, whether linking issues helps, and who should move first.

:func:`settings` merges the scenario's ``[bargaining]`` (and ``[truce]`` timing, through
:mod:`sim.analyses.settings`) with the caller's options; :func:`analyse` returns a
:class:`~sim.analyses.bargain_results.BargainResult` (typed, frozen; its JSON is
:func:`sim.formats.json.to_json` of it). Text: :mod:`sim.render.bargain`; the command:
:mod:`sim.cli.bargain`; figures: :mod:`sim.plots.bargain`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analyses import bargain_results as br
from sim.analyses import settings as resolve
from sim.errors import InputError, SolverError
from sim.scenario import BargainingSpec

if TYPE_CHECKING:
    from sim.game import Game
    from sim.scenario import Scenario
    from sim.solvers import bargaining as bg

DEFAULT_DELTA = 0.9
"""Per-period discount factor when neither the file nor ``--delta`` gives one."""
SWEEP_POINTS = 41
MAX_POINTS_IN_REPORT = 10_000
SOLUTION_NAMES = {"nash": "Nash", "kalai_smorodinsky": "Kalai-Smorodinsky",
                  "egalitarian": "egalitarian", "utilitarian": "utilitarian"}
LONG_NAMES = {**SOLUTION_NAMES, "rubinstein": "Rubinstein"}


@dataclass(frozen=True)
class Settings:
    """Bargaining settings after the file, defaults and options are merged."""

    disagreement: str
    deltas: tuple[float, float]
    delta_source: str
    length_days: float
    period_days: float
    first: int
    options: tuple[float | None, float | None]
    option_refs: tuple[Any, Any]
    option_ranges: tuple[tuple[float, float] | None, tuple[float, float] | None]
    issues: dict[str, tuple[str, ...]]
    move_order: tuple[str, ...]
    tie_rule: str

    @property
    def rounds(self) -> int:
        from sim.solvers import rubinstein as rb

        return rb.rounds_before_deadline(self.length_days, self.period_days)


# --------------------------------------------------------------------------- settings


def settings(scenario: Scenario, game: Game, *, disagreement: str | None = None,
             delta: Sequence[str] | None = None, first: str | None = None,
             tie_rule: str = "favour-other") -> Settings:
    """Merge ``[bargaining]`` and the ``[truce]`` timing with command-line options.

    Parameters
    ----------
    scenario, game : Scenario, Game
        The scenario and its two-player game.
    disagreement, delta, first, tie_rule
        ``--disagreement`` (``nash``, ``minmax`` or a profile), ``--delta`` (``D`` or
        ``PLAYER=D``), ``--first``, ``--tie-rule``; ``None`` takes the file's value, then
        :mod:`sim.analyses.settings`'s (δ: :data:`DEFAULT_DELTA`).

    Returns
    -------
    Settings
    """
    from sim.solvers import sequential as sq

    if len(game.players) != 2:
        msg = f"{scenario.name}: bargaining needs two players, got {len(game.players)}"
        raise SolverError(msg)
    body = scenario.bargaining or BargainingSpec()
    spec = disagreement or body.disagreement or "nash"
    if spec not in {"nash", "minmax"} and spec not in scenario.profiles:
        known = ", ".join(["nash", "minmax", *scenario.profiles])
        msg = f"--disagreement: got '{spec}'; expected one of: {known}"
        raise InputError(msg)

    clock = resolve.truce_clock(scenario)
    deltas, source = _deltas(game, clock, delta)
    order = body.move_order
    lead = first or (order[0] if order else game.players[0])
    if lead not in game.players:
        msg = f"--first: got '{lead}'; expected one of: {', '.join(game.players)}"
        raise InputError(msg)
    if tie_rule not in sq.TIE_RULES:
        msg = f"--tie-rule: got '{tie_rule}'; expected one of: {', '.join(sq.TIE_RULES)}"
        raise InputError(msg)
    refs = body.outside_options
    options = tuple(None if p not in refs else scenario.value(refs[p]) for p in game.players)
    ranges = tuple(scenario.assumptions[r].range if isinstance(r, str) and r in
                   scenario.assumptions else None for r in (refs.get(p) for p in game.players))
    return Settings(
        disagreement=spec, deltas=deltas, delta_source=source,
        length_days=clock.length_days, period_days=clock.period_days,
        first=game.players.index(lead), options=(options[0], options[1]),
        option_refs=(refs.get(game.players[0]), refs.get(game.players[1])),
        option_ranges=(ranges[0], ranges[1]),
        issues=dict(body.issues), move_order=order, tie_rule=tie_rule)


def _deltas(game: Game, clock: resolve.TruceClock, given: Sequence[str] | None
            ) -> tuple[tuple[float, float], str]:
    """Per-player discount factors: ``--delta 0.9`` or ``--delta US=0.9``, else the truce's."""
    from sim.solvers import repeated as rp

    base, source = resolve.discount(clock, fallback=DEFAULT_DELTA)
    if clock.delta is not None:
        source = f"[truce] {source}"
    out = [base, base]
    for item in given or ():
        name, sep, text = item.rpartition("=")
        try:
            number = float(text)
        except ValueError:
            msg = f"--delta: got '{item}'; expected a number or PLAYER=NUMBER"
            raise InputError(msg) from None
        targets = [0, 1] if not sep else [_player(game, name.strip(), "--delta")]
        for p in targets:
            out[p] = rp.check_delta(number, f"--delta {game.players[p]}")
        source = "--delta"
    return (out[0], out[1]), source


def _player(game: Game, name: str, option: str) -> int:
    if name not in game.players:
        msg = f"{option}: unknown player '{name}'; expected one of: {', '.join(game.players)}"
        raise InputError(msg)
    return game.players.index(name)


# --------------------------------------------------------------------------- analysis


def analyse(scenario: Scenario, game: Game, s: Settings) -> br.BargainResult:
    """The whole bargaining analysis of a two-player game.

    Parameters
    ----------
    scenario, game : Scenario, Game
        The scenario (its named profiles label the deals) and its two-player stage game.
    s : Settings
        From :func:`settings`.

    Returns
    -------
    BargainResult
        The payoff space and its Pareto frontier; the Nash (1950), Kalai-Smorodinsky (1975),
        egalitarian and utilitarian solutions over the disagreement point raised by the
        outside options (each a lottery over pure profiles); alternating offers (Rubinstein
        1982) with and without the deadline; the outside options' thresholds; issue
        linkage (Bernheim and Whinston 1990); and each move order's subgame perfect outcome.
    """
    from sim.solvers import bargaining as bg

    A, B = game.A, game.B
    profiles = {name: resolve.profile_index(scenario, game, name) for name in scenario.profiles}
    space = bg.payoff_space(A, B)
    base = bg.disagreement_point(A, B, s.disagreement, profiles=profiles)
    d = bg.with_outside_options(base, s.options)
    result = bg.solve_bargaining(space, d.point)
    return br.BargainResult(
        scenario=scenario.name,
        players=list(game.players),
        disagreement=_disagreement_json(game, s, base, d),
        payoff_space=_space_json(game, space),
        equilibria=tuple(_profile_json(game, e) for e in bg.pure_nash(A, B)),
        feasible=result.feasible,
        solutions={name: _solution_json(game, sol, profiles)
                   for name, sol in result.solutions.items()},
        named_profiles=_named_json(game, space, result, profiles),
        rubinstein=_rubinstein_json(game, space, base.point, s),
        outside_options=_options_json(game, space, base.point, s),
        linkage=_linkage_json(game, space, d.point, s, profiles, result),
        move_order=_move_order_json(game, s, base),
    )


def _num(x: Any) -> float | None:
    """JSON has no infinity or NaN: ``None`` stands for them."""
    if x is None:
        return None
    x = float(x)
    return round(x, 12) if math.isfinite(x) else None


def _pair(game: Game, values: Sequence[float]) -> dict[str, float | None]:
    return {p: _num(v) for p, v in zip(game.players, values, strict=True)}


def _profile_parts(game: Game, index: tuple[int, int]) -> dict[str, Any]:
    return {
        "label": game.profile_label(index),
        "levels": {p: game.lever_choice(i, index[i]) for i, p in enumerate(game.players)},
        "payoffs": _pair(game, [game.payoffs[i][index] for i in (0, 1)]),
    }


def _profile_json(game: Game, index: tuple[int, int]) -> br.ProfileResult:
    return br.ProfileResult(**_profile_parts(game, index))


def _disagreement_json(game: Game, s: Settings, base: bg.Disagreement,
                       d: bg.Disagreement) -> br.DisagreementResult:
    return br.DisagreementResult(
        spec=s.disagreement, kind=base.kind,
        profile=game.profile_label(base.profiles[0]) if len(base.profiles) == 1 else None,
        profiles=[game.profile_label(p) for p in base.profiles],
        base=_pair(game, base.point), point=_pair(game, d.point), note=d.note,
        outside_options={p: br.OptionValue(_num(o), ref)
                         for p, o, ref in zip(game.players, s.options, s.option_refs,
                                              strict=True) if o is not None},
    )


def _space_json(game: Game, space: bg.PayoffSpace) -> br.PayoffSpaceResult:
    return br.PayoffSpaceResult(
        profiles=len(space.points),
        pareto=tuple(_profile_json(game, space.profile(k)) for k in space.pareto),
        on_frontier=[game.profile_label(space.profile(k)) for k in space.on_frontier],
        frontier=[[_num(u), _num(v)] for u, v in space.frontier],
        hull=[[_num(u), _num(v)] for u, v in space.hull],
        points=[[_num(u), _num(v)] for u, v in space.points]
        if len(space.points) <= MAX_POINTS_IN_REPORT else None,
    )


def _solution_json(game: Game, sol: bg.Solution,
                   profiles: Mapping[str, tuple[int, int]]) -> br.SolutionResult:
    by_index = {v: k for k, v in profiles.items()}
    return br.SolutionResult(
        payoffs=_pair(game, sol.payoffs), gains=_pair(game, sol.gains),
        lottery=tuple(br.LotteryEntry(_num(x.probability), _pair(game, x.payoffs),
                                   [game.profile_label(p) for p in x.profiles],
                                   [by_index[p] for p in x.profiles if p in by_index])
                      for x in sol.lottery),
        note=sol.note,
    )


def _named_json(game: Game, space: bg.PayoffSpace, result: bg.BargainingResult,
                profiles: Mapping[str, tuple[int, int]]) -> dict[str, br.NamedProfileResult]:
    """Each named profile: where it stands, and how the Nash deal differs from it.

    ``nash_deal`` is the Nash deal's lottery seen from this profile: one entry per profile
    the deal plays (with its probability and the levers where it differs from this one), so
    a deal that plays this profile 77% of the time is never reported as *being* it.
    """
    out = {}
    nash = result.solutions.get("nash")
    for name, idx in profiles.items():
        flat = idx[0] * space.shape[1] + idx[1]
        used = [sol_name for sol_name, sol in result.solutions.items()
                if any(idx in x.profiles and x.probability > 0 for x in sol.lottery)]
        share = 0.0 if nash is None else sum(x.probability for x in nash.lottery
                                              if idx in x.profiles)
        entries = None if nash is None else tuple(
            br.DealPart(_num(x.probability), game.profile_label(x.profiles[0]),
                     _differences(game, x.profiles[0], idx))
            for x in nash.lottery if x.probability > 0)
        out[name] = br.NamedProfileResult(
            **_profile_parts(game, idx), pareto_optimal=flat in space.pareto,
            on_frontier=flat in space.on_frontier, in_solutions=used,
            in_nash_deal=_num(share), nash_deal=entries)
    return out


def _differences(game: Game, deal: tuple[int, int], other: tuple[int, int]
                 ) -> dict[str, dict[str, list[str]]]:
    """``{player: {lever: [level in deal, level in other]}}`` where the two differ."""
    out: dict[str, dict[str, list[str]]] = {}
    for i, p in enumerate(game.players):
        a, b = game.lever_choice(i, deal[i]), game.lever_choice(i, other[i])
        diff = {lv: [a[lv], b[lv]] for lv in a if a[lv] != b[lv]}
        if diff:
            out[p] = diff
    return out


def _rubinstein_json(game: Game, space: bg.PayoffSpace, d: np.ndarray,
                     s: Settings) -> br.RubinsteinResult:
    from sim.solvers import repeated as rp
    from sim.solvers import rubinstein as rb
    i = s.first
    deal = rb.frontier_rubinstein(space.frontier, d, s.deltas, first=i, options=s.options)
    shown = max(3 * s.rounds, 30)
    path = rb.frontier_finite(space.frontier, d, s.deltas, shown, first=i, options=s.options)
    unit = rb.rubinstein_shares(*s.deltas, first=i)
    unit_path = rb.finite_shares(*s.deltas, shown, first=i)
    return br.RubinsteinResult(
        first=game.players[i], deltas=_pair(game, s.deltas),
        delta_source=s.delta_source,
        annual_deltas=_pair(game, [rp.annual_discount(x, s.period_days) for x in s.deltas]),
        period_days=s.period_days, length_days=s.length_days, rounds=s.rounds,
        disagreement=_pair(game, d),
        unit_surplus=br.UnitSurplus(_pair(game, unit), _num(unit_path[s.rounds - 1])),
        stationary=None if deal is None else br.Stationary(
            _pair(game, deal.offer), _pair(game, deal.counter),
            dict(zip(game.players, deal.binding, strict=True))),
        at_deadline=_pair(game, path[s.rounds - 1]),
        deadline=br.Deadline(list(range(1, shown + 1)), [[_num(u), _num(v)] for u, v in path],
                          [_num(x) for x in unit_path]),
    )


def _options_json(game: Game, space: bg.PayoffSpace, d: np.ndarray,
                  s: Settings) -> dict[str, br.OutsideOptionResult]:
    from sim.solvers import outside_options as oo
    from sim.solvers import rubinstein as rb
    out = {}
    for p, (o, ref) in enumerate(zip(s.options, s.option_refs, strict=True)):
        if o is None:
            continue
        other = 1 - p
        base = d.copy()
        if s.options[other] is not None:
            base[other] = max(base[other], s.options[other])
        binds, no_deal = oo.option_thresholds(space, base, p)
        lo, hi = _option_range(s.option_ranges[p], o, binds, no_deal)
        values = np.unique(np.append(np.linspace(lo, hi, SWEEP_POINTS), o))
        sweep = oo.outside_option_sweep(space, base, p, values)
        rub = np.full((len(values), 2), np.nan)
        free = list(s.options)
        free[p] = None
        for k, v in enumerate(values):
            opts = list(s.options)
            opts[p] = float(v)
            deal = rb.frontier_rubinstein(space.frontier, d, s.deltas, first=s.first,
                                          options=opts)
            if deal is not None:
                rub[k] = deal.offer
        out[game.players[p]] = br.OutsideOptionResult(
            value=_num(o), source=ref, range=[_num(lo), _num(hi)],
            disagreement=_num(base[p]), binds_above=_num(binds),
            no_deal_above=_num(no_deal),
            moves_nash_above=_num(oo.option_moves_solution(space, base, p, "nash")),
            rubinstein_binds_above=_num(_rubinstein_threshold(space, d, s, p, free)),
            sweep={"values": [_num(v) for v in values],
                   **{name: [[_num(a), _num(b)] for a, b in arr]
                      for name, arr in sweep.items()},
                   "rubinstein": [[_num(a), _num(b)] for a, b in rub]},
        )
    return out


def _option_range(given: tuple[float, float] | None, value: float, binds: float,
                  no_deal: float) -> tuple[float, float]:
    """The assumption's range if it has one, else from the binding point to no deal."""
    if given is not None:
        return float(given[0]), float(given[1])
    lo = min(value, binds)
    hi = max(value, no_deal if math.isfinite(no_deal) else value)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    return lo, hi


def _rubinstein_threshold(space: bg.PayoffSpace, d: np.ndarray, s: Settings, p: int,
                          options: Sequence[float | None]) -> float:
    """Option level above which ``p``'s option binds in alternating offers: what ``p`` gets
    by rejecting and proposing next period, :math:`d_p + \\delta_p (V_p - d_p)`."""
    from sim.solvers import rubinstein as rb

    deal = rb.frontier_rubinstein(space.frontier, d, s.deltas, first=s.first, options=options)
    if deal is None:
        return math.nan
    own = deal.offer[p] if p == s.first else deal.counter[p]
    return float(d[p] + s.deltas[p] * (own - d[p]))


def _constraints(game: Game, t: Any) -> br.Constraints:
    """Each side's incentive constraint: gain ``D - C`` from its best deviation and
    per-period loss ``C - P`` under reversion, so ``delta* = gain / (gain + loss)``."""
    return br.Constraints(_pair(game, t.gain), _pair(game, t.loss))


def _linkage_json(game: Game, space: bg.PayoffSpace, d: np.ndarray, s: Settings,
                  profiles: Mapping[str, tuple[int, int]],
                  result: bg.BargainingResult) -> br.LinkageResult:
    from sim.solvers import linkage as lk
    separate, linked, _ = lk.player_maps(game, s.issues)
    deals = dict(profiles)
    best = _nash_product_profile(space, d)
    if best is not None and best not in deals.values():
        deals["best pure deal (Nash product)"] = best
    apart = {lv: (lv,) for levers in game.levers for lv in levers}
    rows = []
    for name, idx in deals.items():
        res = lk.linkage(game, s.issues, idx)
        unbundled = lk.linkage(game, apart, idx).separate_critical
        rows.append(br.LinkedDeal(
            name=name, **_profile_parts(game, idx),
            separate={t.issue: br.IssueThreshold(
                _num(t.critical), None if t.binding is None else game.players[t.binding],
                _pair(game, t.gain), _pair(game, t.loss)) for t in res.separate},
            separate_delta_star=_num(res.separate_critical),
            lever_by_lever_delta_star=_num(unbundled),
            linked_delta_star=_num(res.linked_critical),
            linked_binding=None if res.linked.binding is None
            else game.players[res.linked.binding],
            linked=_constraints(game, res.linked),
            helps=res.helps,
            sustainable_separately=all(
                t.delta[i] <= s.deltas[i] for t in res.separate for i in (0, 1)),
            sustainable_linked=all(res.linked.delta[i] <= s.deltas[i] for i in (0, 1)),
        ))
    gains = lk.linkage_gains(separate, linked, space.points, d, s.deltas)
    ranked = sorted(gains, key=lambda k: -float(np.prod(space.points[k] - d)))
    resolved = lk.resolve_issues(game, s.issues)
    return br.LinkageResult(
        issues={i.name: list(i.levers) for i in resolved},
        deltas=_pair(game, s.deltas),
        delta=_num(min(s.deltas)),
        punishment="Nash reversion: the pure stage equilibrium worst for the deviator "
                   "(per issue when separate)",
        deals=tuple(rows),
        only_when_linked=br.OnlyWhenLinked(
            len(gains), tuple(_profile_json(game, space.profile(k)) for k in ranked[:5])),
        sustainable_count=br.SustainableCount(int(lk.sustainable(separate, s.deltas).sum()),
                                           int(lk.sustainable(linked, s.deltas).sum())),
    )


def _changes(game: Game, path: Sequence[tuple[str, str, str]],
             status_quo: tuple[int, int] | None) -> tuple[br.Change, ...]:
    """The moves on an SPE path that change a lever from the status quo, in play order."""
    if status_quo is None:
        return ()
    before = {p: game.lever_choice(i, status_quo[i]) for i, p in enumerate(game.players)}
    return tuple(br.Change(k, p, lv, before[p][lv], level)
                 for k, (p, lv, level) in enumerate(path, start=1) if before[p][lv] != level)


def _nash_product_profile(space: bg.PayoffSpace, d: np.ndarray) -> tuple[int, int] | None:
    gains = space.points - d
    ok = np.all(gains >= 0, axis=1)
    if not ok.any():
        return None
    score = np.where(ok, np.prod(np.clip(gains, 0, None), axis=1), -np.inf)
    return space.profile(int(np.argmax(score)))


def _move_order_json(game: Game, s: Settings, base: bg.Disagreement) -> br.MoveOrderResult:
    """Each move order's outcome, counted from the label-free status quo
    (:func:`sim.solvers.bargaining.status_quo`); commitment is valued against each side's
    worst simultaneous pure equilibrium (:func:`sim.solvers.bargaining.equilibrium_floor`)."""
    from sim.solvers import bargaining as bg
    from sim.solvers import sequential as sq
    orders = sq.standard_orders(game, s.issues or None)
    if s.move_order and tuple(s.move_order) not in orders.values():
        orders["file order"] = tuple(s.move_order)
    results = {name: sq.solve_sequential(game, order, tie_rule=s.tie_rule)
               for name, order in orders.items()}
    a, b = game.players
    lead = [results[f"{a} first"], results[f"{b} first"]]
    equilibria = bg.pure_nash(game.A, game.B)
    floor = bg.equilibrium_floor(game.A, game.B) if equilibria else None
    if base.kind == "profile":
        status_quo = bg.status_quo(game.A, game.B, base)
    else:
        status_quo = None if floor is None else bg.status_quo(game.A, game.B, floor)
    commitment = None
    if floor is not None:
        ref = bg.status_quo(game.A, game.B, floor)
        commitment = br.CommitmentValue(
            reference_equilibrium=None if ref is None else game.profile_label(ref),
            reference=_pair(game, floor.point),
            values=_pair(game, [lead[0].payoffs[0] - floor.point[0],
                                lead[1].payoffs[1] - floor.point[1]]),
        )
    return br.MoveOrderResult(
        tie_rule=s.tie_rule,
        status_quo=None if status_quo is None else game.profile_label(status_quo),
        orders=tuple(br.OrderResult(
            name=name, order=[f"{p}.{lv}" for p, lv in r.order],
            path=tuple(br.PathStep(p, lv, level) for p, lv, level in r.path),
            changes=_changes(game, r.path, status_quo),
            outcome=_profile_json(game, r.profile), ties=r.ties,
            ties_on_path=r.ties_on_path) for name, r in results.items()),
        simultaneous=tuple(_profile_json(game, e) for e in equilibria),
        first_mover_value=_pair(game, sq.first_mover_value(lead)),
        commitment_value=commitment,
    )
