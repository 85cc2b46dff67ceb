"""``tradesim bargain FILE``: which deal is on the table, how the surplus splits, whether
linking issues helps, and who should move first.

:func:`settings` merges the scenario's ``[bargaining]`` (and ``[truce]`` timing) with the
command-line options; :func:`analyse` returns one JSON-ready report; :func:`render_table`
prints it; :func:`bargain` is the typer command; :func:`run_section` gives ``tradesim run``
its bargaining section. Figures: :mod:`sim.plots.bargain`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer

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
    """Merge ``[bargaining]`` and the ``[truce]`` timing with command-line options."""
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


def analyse(scenario: Scenario, game: Game, s: Settings) -> dict[str, Any]:
    """The whole bargaining report as a JSON-ready dict (see ``docs/reference/cli.md``)."""
    from sim.solvers import bargaining as bg

    A, B = game.A, game.B
    profiles = {name: resolve.profile_index(scenario, game, name) for name in scenario.profiles}
    space = bg.payoff_space(A, B)
    base = bg.disagreement_point(A, B, s.disagreement, profiles=profiles)
    d = bg.with_outside_options(base, s.options)
    result = bg.solve_bargaining(space, d.point)
    report: dict[str, Any] = {
        "scenario": scenario.name,
        "players": list(game.players),
        "disagreement": _disagreement_json(game, s, base, d),
        "payoff_space": _space_json(game, space),
        "equilibria": [_profile_json(game, e) for e in bg.pure_nash(A, B)],
        "feasible": result.feasible,
        "solutions": {name: _solution_json(game, sol, profiles)
                      for name, sol in result.solutions.items()},
        "named_profiles": _named_json(game, space, result, profiles),
        "rubinstein": _rubinstein_json(game, space, base.point, s),
        "outside_options": _options_json(game, space, base.point, s),
        "linkage": _linkage_json(game, space, d.point, s, profiles, result),
        "move_order": _move_order_json(game, s, base),
    }
    return report


def _num(x: Any) -> float | None:
    """JSON has no infinity or NaN: ``None`` stands for them."""
    if x is None:
        return None
    x = float(x)
    return round(x, 12) if math.isfinite(x) else None


def _pair(game: Game, values: Sequence[float]) -> dict[str, float | None]:
    return {p: _num(v) for p, v in zip(game.players, values, strict=True)}


def _profile_json(game: Game, index: tuple[int, int]) -> dict[str, Any]:
    return {
        "label": game.profile_label(index),
        "levels": {p: game.lever_choice(i, index[i]) for i, p in enumerate(game.players)},
        "payoffs": _pair(game, [game.payoffs[i][index] for i in (0, 1)]),
    }


def _disagreement_json(game: Game, s: Settings, base: bg.Disagreement,
                       d: bg.Disagreement) -> dict[str, Any]:
    return {
        "spec": s.disagreement, "kind": base.kind,
        "profile": game.profile_label(base.profiles[0]) if len(base.profiles) == 1 else None,
        "profiles": [game.profile_label(p) for p in base.profiles],
        "base": _pair(game, base.point), "point": _pair(game, d.point), "note": d.note,
        "outside_options": {p: {"value": _num(o), "source": ref}
                            for p, o, ref in zip(game.players, s.options, s.option_refs,
                                                 strict=True) if o is not None},
    }


def _space_json(game: Game, space: bg.PayoffSpace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "profiles": len(space.points),
        "pareto": [_profile_json(game, space.profile(k)) for k in space.pareto],
        "on_frontier": [game.profile_label(space.profile(k)) for k in space.on_frontier],
        "frontier": [[_num(u), _num(v)] for u, v in space.frontier],
        "hull": [[_num(u), _num(v)] for u, v in space.hull],
    }
    if len(space.points) <= MAX_POINTS_IN_REPORT:
        out["points"] = [[_num(u), _num(v)] for u, v in space.points]
    return out


def _solution_json(game: Game, sol: bg.Solution,
                   profiles: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    by_index = {v: k for k, v in profiles.items()}
    return {
        "payoffs": _pair(game, sol.payoffs), "gains": _pair(game, sol.gains),
        "lottery": [{"probability": _num(x.probability), "payoffs": _pair(game, x.payoffs),
                     "profiles": [game.profile_label(p) for p in x.profiles],
                     "named": [by_index[p] for p in x.profiles if p in by_index]}
                    for x in sol.lottery],
        "note": sol.note,
    }


def _named_json(game: Game, space: bg.PayoffSpace, result: bg.BargainingResult,
                profiles: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
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
        entries = None if nash is None else [
            {"probability": _num(x.probability), "profile": game.profile_label(x.profiles[0]),
             "differs": _differences(game, x.profiles[0], idx)}
            for x in nash.lottery if x.probability > 0]
        out[name] = {**_profile_json(game, idx), "pareto_optimal": flat in space.pareto,
                     "on_frontier": flat in space.on_frontier, "in_solutions": used,
                     "in_nash_deal": _num(share), "nash_deal": entries}
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
                     s: Settings) -> dict[str, Any]:
    from sim.solvers import repeated as rp
    from sim.solvers import rubinstein as rb
    i = s.first
    deal = rb.frontier_rubinstein(space.frontier, d, s.deltas, first=i, options=s.options)
    shown = max(3 * s.rounds, 30)
    path = rb.frontier_finite(space.frontier, d, s.deltas, shown, first=i, options=s.options)
    unit = rb.rubinstein_shares(*s.deltas, first=i)
    unit_path = rb.finite_shares(*s.deltas, shown, first=i)
    return {
        "first": game.players[i], "deltas": _pair(game, s.deltas),
        "delta_source": s.delta_source,
        "annual_deltas": _pair(game, [rp.annual_discount(x, s.period_days) for x in s.deltas]),
        "period_days": s.period_days, "length_days": s.length_days, "rounds": s.rounds,
        "disagreement": _pair(game, d),
        "unit_surplus": {"shares": _pair(game, unit),
                         "at_deadline": _num(unit_path[s.rounds - 1])},
        "stationary": None if deal is None else {
            "offer": _pair(game, deal.offer), "counter": _pair(game, deal.counter),
            "binding": dict(zip(game.players, deal.binding, strict=True))},
        "at_deadline": _pair(game, path[s.rounds - 1]),
        "deadline": {"rounds_left": list(range(1, shown + 1)),
                     "payoffs": [[_num(u), _num(v)] for u, v in path],
                     "unit_share": [_num(x) for x in unit_path]},
    }


def _options_json(game: Game, space: bg.PayoffSpace, d: np.ndarray,
                  s: Settings) -> dict[str, Any]:
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
        out[game.players[p]] = {
            "value": _num(o), "source": ref, "range": [_num(lo), _num(hi)],
            "disagreement": _num(base[p]), "binds_above": _num(binds),
            "no_deal_above": _num(no_deal),
            "moves_nash_above": _num(oo.option_moves_solution(space, base, p, "nash")),
            "rubinstein_binds_above": _num(_rubinstein_threshold(space, d, s, p, free)),
            "sweep": {"values": [_num(v) for v in values],
                      **{name: [[_num(a), _num(b)] for a, b in arr]
                         for name, arr in sweep.items()},
                      "rubinstein": [[_num(a), _num(b)] for a, b in rub]},
        }
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


def _linkage_json(game: Game, space: bg.PayoffSpace, d: np.ndarray, s: Settings,
                  profiles: Mapping[str, tuple[int, int]],
                  result: bg.BargainingResult) -> dict[str, Any]:
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
        rows.append({
            "name": name, **_profile_json(game, idx),
            "separate": {t.issue: {"delta_star": _num(t.critical),
                                   "binding": None if t.binding is None
                                   else game.players[t.binding]} for t in res.separate},
            "separate_delta_star": _num(res.separate_critical),
            "lever_by_lever_delta_star": _num(unbundled),
            "linked_delta_star": _num(res.linked_critical),
            "linked_binding": None if res.linked.binding is None
            else game.players[res.linked.binding],
            "helps": res.helps,
            "sustainable_separately": all(
                t.delta[i] <= s.deltas[i] for t in res.separate for i in (0, 1)),
            "sustainable_linked": all(res.linked.delta[i] <= s.deltas[i] for i in (0, 1)),
        })
    gains = lk.linkage_gains(separate, linked, space.points, d, s.deltas)
    ranked = sorted(gains, key=lambda k: -float(np.prod(space.points[k] - d)))
    resolved = lk.resolve_issues(game, s.issues)
    return {
        "issues": {i.name: list(i.levers) for i in resolved},
        "deltas": _pair(game, s.deltas),
        "delta": _num(min(s.deltas)),
        "punishment": "Nash reversion: the pure stage equilibrium worst for the deviator "
                      "(per issue when separate)",
        "deals": rows,
        "only_when_linked": {"count": len(gains),
                             "best": [_profile_json(game, space.profile(k))
                                      for k in ranked[:5]]},
        "sustainable_count": {"separate": int(lk.sustainable(separate, s.deltas).sum()),
                              "linked": int(lk.sustainable(linked, s.deltas).sum())},
    }


def _changes(game: Game, path: Sequence[tuple[str, str, str]],
             status_quo: tuple[int, int] | None) -> list[dict[str, Any]]:
    """The moves on an SPE path that change a lever from the status quo, in play order."""
    if status_quo is None:
        return []
    before = {p: game.lever_choice(i, status_quo[i]) for i, p in enumerate(game.players)}
    return [{"step": k, "player": p, "lever": lv, "from": before[p][lv], "to": level}
            for k, (p, lv, level) in enumerate(path, start=1) if before[p][lv] != level]


def _nash_product_profile(space: bg.PayoffSpace, d: np.ndarray) -> tuple[int, int] | None:
    gains = space.points - d
    ok = np.all(gains >= 0, axis=1)
    if not ok.any():
        return None
    score = np.where(ok, np.prod(np.clip(gains, 0, None), axis=1), -np.inf)
    return space.profile(int(np.argmax(score)))


def _move_order_json(game: Game, s: Settings, base: bg.Disagreement) -> dict[str, Any]:
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
    out: dict[str, Any] = {
        "tie_rule": s.tie_rule,
        "status_quo": None if status_quo is None else game.profile_label(status_quo),
        "orders": [{"name": name, "order": [f"{p}.{lv}" for p, lv in r.order],
                    "path": [{"player": p, "lever": lv, "level": level}
                             for p, lv, level in r.path],
                    "changes": _changes(game, r.path, status_quo),
                    "outcome": _profile_json(game, r.profile), "ties": r.ties,
                    "ties_on_path": r.ties_on_path} for name, r in results.items()],
        "simultaneous": [_profile_json(game, e) for e in equilibria],
        "first_mover_value": _pair(game, sq.first_mover_value(lead)),
    }
    if floor is not None:
        ref = bg.status_quo(game.A, game.B, floor)
        out["commitment_value"] = {
            "reference_equilibrium": None if ref is None else game.profile_label(ref),
            "reference": _pair(game, floor.point),
            **_pair(game, [lead[0].payoffs[0] - floor.point[0],
                           lead[1].payoffs[1] - floor.point[1]]),
        }
    return out


# --------------------------------------------------------------------------- text


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _pp(pair: Mapping[str, float | None], digits: int = 3) -> str:
    return ", ".join(f"{p} {_f(v, digits)}" for p, v in pair.items())


def render_table(report: Mapping[str, Any]) -> str:
    """A plain-text report for the terminal."""
    lines = [f"Bargaining: {report['scenario']} ({' vs '.join(report['players'])})"]
    lines += _disagreement_lines(report)
    lines += ["", *_space_lines(report)]
    lines += ["", *_solution_lines(report)]
    lines += ["", *_rubinstein_lines(report["rubinstein"])]
    if report["outside_options"]:
        lines += ["", *_option_lines(report["outside_options"])]
    lines += ["", *_linkage_lines(report["linkage"])]
    lines += ["", *_order_lines(report["move_order"], report["players"])]
    return "\n".join(lines)


def _disagreement_lines(r: Mapping[str, Any]) -> list[str]:
    d = r["disagreement"]
    several = len(d.get("profiles") or ()) > 1
    what = {"nash": "each side's worst pure stage equilibrium" if several
            else "pure stage Nash equilibrium", "minmax": "minmax values",
            "profile": f"profile '{d['spec']}'"}[d["kind"]]
    lines = [f"Disagreement point: {what} ({_pp(d['base'])})"]
    if d["profile"]:
        lines.append(f"  {d['profile']}")
    elif several:
        lines += [f"  {len(d['profiles'])} pure equilibria:"] + [
            f"    {label}" for label in d["profiles"]]
    if d["outside_options"]:
        opts = "; ".join(f"{p} {_f(o['value'])} ({o['source']})"
                         for p, o in d["outside_options"].items())
        lines.append(f"  outside options: {opts} -> disagreement {_pp(d['point'])}")
    return lines


def _space_lines(r: Mapping[str, Any]) -> list[str]:
    sp = r["payoff_space"]
    lines = [(f"Payoff space: {sp['profiles']} pure profiles, {len(sp['pareto'])} Pareto-optimal "
             f"({len(sp['on_frontier'])} on the frontier of the convex hull, "
             f"{len(sp['frontier'])} vertices)"),
             "Pareto-optimal profiles (payoffs; * = on the hull's frontier):"]
    on = set(sp["on_frontier"])
    for prof in sorted(sp["pareto"], key=lambda x: -x["payoffs"][r["players"][0]]):
        star = "*" if prof["label"] in on else " "
        lines.append(f" {star}{_pp(prof['payoffs'], 2)}  {prof['label']}")
    return lines


def _solution_lines(r: Mapping[str, Any]) -> list[str]:
    if not r["feasible"]:
        return [("Bargaining solutions: none - no feasible payoff pair gives both players their "
                "disagreement payoff (an outside option beats every deal).")]
    lines = ["Bargaining solutions (payoffs; the lottery over pure profiles achieving them):"]
    for name, sol in r["solutions"].items():
        kind = f"  (a lottery over {len(sol['lottery'])} outcomes)" \
            if len(sol["lottery"]) > 1 else ""
        lines.append(f"  {SOLUTION_NAMES[name]:<18} {_pp(sol['payoffs'])}{kind}")
        for x in sol["lottery"]:
            named = f" [{', '.join(x['named'])}]" if x["named"] else ""
            lines.append(f"    {100 * x['probability']:5.1f}%  {' / '.join(x['profiles'])}"
                         f"{named}")
    lines.append("Named profiles:")
    for name, prof in r["named_profiles"].items():
        used = ", ".join(SOLUTION_NAMES[n] for n in prof["in_solutions"]) or "none"
        lines.append(f"  {name:<18} {_pp(prof['payoffs'], 2)}; Pareto-optimal: "
                     f"{'yes' if prof['pareto_optimal'] else 'no'}; played in the deals of: {used}")
        lines += _nash_deal_lines(prof["nash_deal"])
    return lines


def _moves(diff: Mapping[str, Mapping[str, Sequence[str]]]) -> str:
    return "; ".join(f"{p} " + ", ".join(f"{lv}={a} (not {b})" for lv, (a, b) in levers.items())
                     for p, levers in diff.items())


def _nash_deal_lines(deal: Sequence[Mapping[str, Any]] | None) -> list[str]:
    """How the Nash deal relates to a named profile; a lottery is always called one."""
    if deal is None:
        return []
    if len(deal) == 1:
        diff = deal[0]["differs"]
        return [f"    the Nash deal differs on: {_moves(diff)}" if diff
                else "    the Nash deal is this profile"]
    lines = ["    the Nash deal is a lottery:"]
    for x in deal:
        what = (f"differs on: {_moves(x['differs'])}" if x["differs"] else "this profile")
        lines.append(f"      {100 * x['probability']:5.1f}%  {what}")
    return lines


def _rubinstein_lines(rub: Mapping[str, Any]) -> list[str]:
    first = rub["first"]
    lines = [(f"Rubinstein alternating offers ({first} proposes first; delta "
             f"{_pp(rub['deltas'], 4)} per {rub['period_days']:g}-day round, from "
             f"{rub['delta_source']}):"),
             (f"  unit surplus, no deadline: {_pp(rub['unit_surplus']['shares'])}; "
             f"{first}'s share with the {rub['length_days']:g}-day deadline "
             f"({rub['rounds']} rounds): {_f(rub['unit_surplus']['at_deadline'])}")]
    st = rub["stationary"]
    if st is None:
        lines.append("  on the frontier: no deal (the outside options exceed every agreement)")
        return lines
    bind = [p for p, b in st["binding"].items() if b]
    lines.append(f"  on the frontier over {_pp(rub['disagreement'], 2)}: agreement "
                 f"{_pp(st['offer'])}"
                 + (f" (outside option binds for {', '.join(bind)})" if bind else ""))
    lines.append(f"  with the deadline ({rub['rounds']} rounds left): {_pp(rub['at_deadline'])}")
    pays = rub["deadline"]["payoffs"]
    shown = ", ".join(f"{n}: {_f(pays[n - 1][0], 2)}/{_f(pays[n - 1][1], 2)}"
                      for n in range(1, min(len(pays), 6) + 1))
    lines.append(f"  as the deadline nears (rounds left: payoffs): {shown}")
    return lines


def _option_lines(options: Mapping[str, Any]) -> list[str]:
    lines = ["Outside options:"]
    for p, o in options.items():
        lines.append(
            f"  {p}: {_f(o['value'])} ({o['source']}), swept over {_f(o['range'][0])}.."
            f"{_f(o['range'][1])}: binds the axiomatic solutions above {_f(o['binds_above'])}, "
            f"alternating offers above {_f(o['rubinstein_binds_above'])}; moves the Nash deal "
            f"above {_f(o['moves_nash_above'])}; no deal above {_f(o['no_deal_above'])}")
        for name in ("nash", "kalai_smorodinsky", "rubinstein"):
            path = o["sweep"][name]
            first, last = path[0], path[-1]
            label = LONG_NAMES.get(name, name)
            lines.append(f"    {label} deal from ({_f(first[0], 2)}, {_f(first[1], 2)}) at "
                         f"{_f(o['range'][0])} to ({_f(last[0], 2)}, {_f(last[1], 2)}) at "
                         f"{_f(o['range'][1])}")
    return lines


def _linkage_lines(lk_: Mapping[str, Any]) -> list[str]:
    issues = list(lk_["issues"])
    lines = [f"Issue linkage (grim trigger, Nash reversion; delta {_pp(lk_['deltas'], 4)}):",
             "  issues: " + "; ".join(f"{k} = {', '.join(v)}" for k, v in lk_["issues"].items())]
    w = max(12, *(len(row["name"]) for row in lk_["deals"])) if lk_["deals"] else 12
    head = f"  {'deal':<{w}}  " + "  ".join(f"{i[:14]:>14}" for i in issues)
    lines.append(head + f"  {'levers':>8}  {'separate':>8}  {'linked':>8}  helps")
    for row in lk_["deals"]:
        cells = []
        for i in issues:
            t = row["separate"][i]
            cell = "never" if t["delta_star"] is None else f"{t['delta_star']:.3f}"
            cells.append(f"{cell:>14}")
        apart, sep, lnk = (_delta_text(row[k]) for k in (
            "lever_by_lever_delta_star", "separate_delta_star", "linked_delta_star"))
        lines.append(f"  {row['name']:<{w}}  " + "  ".join(cells)
                     + f"  {apart:>8}  {sep:>8}  {lnk:>8}  {'yes' if row['helps'] else 'no'}")
    lines.append("  (delta* needed: 'levers' = every lever its own negotiation, 'separate' = "
                 "one per issue, 'linked' = all issues in one; helps = linked below separate)")
    only = lk_["only_when_linked"]
    lines.append(f"  Profiles sustainable at these deltas: {lk_['sustainable_count']['separate']} "
                 f"separately, {lk_['sustainable_count']['linked']} linked; {only['count']} "
                 "improve on the disagreement point only when linked")
    if only["best"]:
        best = only["best"][0]
        lines.append(f"  the best of them by Nash product: {_pp(best['payoffs'], 2)}  "
                     f"{best['label']}")
    return lines


def _delta_text(x: float | None) -> str:
    return "never" if x is None else f"{x:.3f}"


def _order_lines(mo: Mapping[str, Any], players: Sequence[str]) -> list[str]:
    lines = [f"Move order (subgame perfect equilibrium; ties: {mo['tie_rule']}):"]
    if mo["status_quo"]:
        lines.append(f"  moves are counted from the status quo {mo['status_quo']}")
    elif len(mo["simultaneous"]) > 1:
        lines.append("  no single status quo (several pure equilibria, none worst for both), "
                     "so moves are not counted")
    for o in mo["orders"]:
        ties = f"; {o['ties_on_path']} tie(s) on the path" if o["ties_on_path"] else ""
        lines.append(f"  {o['name']}: {_pp(o['outcome']['payoffs'])}{ties}")
        lines.append(f"    {o['outcome']['label']}")
        if mo["status_quo"]:
            moves = ", ".join(f"{c['player']} {c['lever']} {c['from']}->{c['to']}"
                              for c in o["changes"]) or "nobody moves"
            lines.append(f"    in play order: {moves}")
    sims = "; ".join(_pp(e["payoffs"]) for e in mo["simultaneous"]) or "none in pure strategies"
    lines.append(f"  simultaneous pure equilibria: {sims}")
    lines.append(f"  value of moving first: {_pp(mo['first_mover_value'])}")
    if "commitment_value" in mo:
        cv = mo["commitment_value"]
        lines.append("  value of leading over each side's worst simultaneous pure "
                     "equilibrium: " + _pp({p: cv[p] for p in players}))
    return lines


def _lottery_text(lottery: Sequence[Mapping[str, Any]]) -> str:
    """``full_deal`` or ``a lottery: 29% full_deal + 71% US: ... | China: ...``: every
    profile in it by its ``[profiles]`` name, else its levers."""
    def name(x: Mapping[str, Any]) -> str:
        return "/".join(x["named"]) if x["named"] else " or ".join(x["profiles"])

    if len(lottery) == 1:
        return name(lottery[0])
    return "a lottery: " + " + ".join(f"{100 * x['probability']:.1f}% {name(x)}"
                                      for x in lottery)


def console_lines(r: Mapping[str, Any]) -> list[str]:
    """A few lines for ``tradesim run``: the deals, the split, linkage and move order."""
    lines = []
    for name in ("nash", "kalai_smorodinsky"):
        sol = r["solutions"].get(name)
        if sol is None:
            lines.append(f"{SOLUTION_NAMES[name]}: no deal beats the disagreement point")
            continue
        lines.append(f"{SOLUTION_NAMES[name]} deal: {_pp(sol['payoffs'])} "
                     f"({_lottery_text(sol['lottery'])})")
    rub = r["rubinstein"]
    if rub["stationary"] is not None:
        lines.append(f"Rubinstein ({rub['first']} first, {rub['rounds']} rounds to the "
                     f"{rub['length_days']:g}-day deadline): {_pp(rub['at_deadline'])}")
    for row in r["linkage"]["deals"]:
        sep, lnk = row["separate_delta_star"], row["linked_delta_star"]
        lines.append(f"Linkage, {row['name']}: delta* {'never' if sep is None else f'{sep:.3f}'}"
                     f" separately, {'never' if lnk is None else f'{lnk:.3f}'} linked")
    for o in r["move_order"]["orders"]:
        lines.append(f"{o['name']}: {_pp(o['outcome']['payoffs'])}")
    return lines


def render_markdown(report: Mapping[str, Any]) -> list[str]:
    """The bargaining section of ``summary.md`` (the table report in a code block)."""
    return ["```text", render_table(report), "```"]


# --------------------------------------------------------------------------- command


def bargain(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    disagreement: Annotated[str | None, typer.Option(
        "--disagreement", help="nash, minmax or a profile name; overrides the file.")] = None,
    delta: Annotated[list[str] | None, typer.Option(
        "--delta", help="Per-round discount factor in (0, 1) for both players, or "
                        "PLAYER=VALUE (repeatable); default: the [truce] timing.")] = None,
    first: Annotated[str | None, typer.Option(
        "--first", help="Who proposes first in alternating offers [default: move_order[0] "
                        "or the first player].")] = None,
    tie_rule: Annotated[str, typer.Option(
        "--tie-rule", help="Ties in sequential play: favour-other, harm-other or first.")] =
        "favour-other",
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figures: Annotated[Path | None, typer.Option(
        "--figures", help="Directory for the figures [default: results/<name>/figures].")] =
        None,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="Draw no figures.")] = False,
) -> None:
    """Pareto frontier, bargaining solutions, Rubinstein split, outside options, issue
    linkage and move order.

    Example: tradesim bargain scenarios/london-2025.toml --disagreement nash --delta China=0.8
    """
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    from sim.cli.common import limits
    from sim.scenario import load_scenario
    from sim.scenario.build import build_game

    scenario = load_scenario(file)
    game = build_game(scenario, max_cells=limits().max_cells)
    s = settings(scenario, game, disagreement=disagreement, delta=delta, first=first,
                 tie_rule=tie_rule)
    report = analyse(scenario, game, s)
    if not no_figures:
        from sim.io import atomic_write_bytes
        from sim.plots.bargain import figures as draw

        outdir = figures if figures is not None else Path("results") / scenario.name / "figures"
        report["figures"] = [str(atomic_write_bytes(outdir / name, png))
                             for name, png in draw(report).items()]
    if fmt == "json":
        typer.echo(json.dumps(report, indent=2, allow_nan=False))
    else:
        typer.echo(render_table(report))
        if report.get("figures"):
            typer.echo("Figures: " + ", ".join(report["figures"]))
