"""Several scenarios side by side at their central values (``tradesim compare``).

Each row: the equilibria, the payoffs of the equilibrium with the highest joint payoff, the
truce's δ and δ* (binding side), whether it is sustainable, the truce model's outcomes
(:func:`sim.analyses.truce_model.point_outcomes`), the library strategy pair's simulated
survival (and the curve), and the Nash bargaining deal; all from
:func:`sim.analyses.points.evaluate`.

Truces differ in length and period, so :func:`at_horizon` reads every curve at one common
horizon in days (by default the shortest truce): P(no slip), P(a dispute) and P(collapse)
by then, and the library pair's survival; disputes a year are already per year, and
P(renewed) is at each truce's own expiry (stated with its length).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses import points as pt
from sim.limits import Limits
from sim.scenario import Scenario
from sim.scenario.build import build_game
from sim.scenario.load import loads_scenario

DEFAULT_RUNS = 5000

def compare_one(scenario: Scenario, *, runs: int, strategies: str,
                seed: np.random.SeedSequence, limits: Limits | None = None) -> dict[str, Any]:
    """One scenario's row (JSON-ready) plus what the figures need."""
    limits = limits or Limits()
    game = build_game(scenario, max_cells=limits.max_cells)
    settings = pt.Settings(runs=runs, strategies=strategies, max_cells=limits.max_cells,
                           max_run_periods=limits.max_run_periods)
    point = pt.evaluate(scenario, {}, settings, seed=seed)  # the pair's own stream
    players = list(game.players)
    t, d = point.truce, point.deal
    row: dict[str, Any] = {
        "scenario": scenario.name, "title": scenario.title, "players": players,
        "strategies": list(game.shape),
        "equilibria": list(point.equilibria),
        "n_equilibria": len(point.equilibria),
        "n_pure": len(point.pure),
        "complete": point.complete,
        "payoffs": dict(zip(players, point.payoffs, strict=False)),
        "truce": None, "deal": None, "note": point.note,
    }
    if t is not None:
        days = [k * t.period_days for k in range(len(t.curve))]
        row["truce"] = {
            "delta": t.delta,
            "delta_star": t.delta_star if math.isfinite(t.delta_star) else None,
            "binding": players[t.binding], "sustainable": t.sustainable,
            "survival": t.survival, "survival_se": t.survival_se,
            "periods": t.periods, "period_days": t.period_days,
            "curve": {"days": days, "survival": list(t.curve)},
            "model": _model_json(t.model),
        }
    if d is not None:
        row["deal"] = {"feasible": d.feasible,
                       "payoffs": dict(zip(players, d.payoffs, strict=True)) if d.payoffs
                       else None,
                       "profiles": d.label, "disagreement": dict(zip(players, d.disagreement,
                                                                     strict=True))}
    if len(players) == 2:
        from sim.solvers.reduction import solve_reduced

        eqs = solve_reduced(game.payoffs)
        row["_space"] = {
            "name": scenario.title, "players": players,
            "points": np.column_stack([game.A.ravel(), game.B.ravel()]).tolist(),
            "equilibria": [list(map(float, e.payoffs)) for e in eqs.equilibria],
            "disagreement": list(d.disagreement) if d is not None else None,
            "deal": list(d.payoffs) if d is not None and d.payoffs else None,
        }
    return row

def _model_json(model: dict[str, Any] | None) -> dict[str, Any] | None:
    """The truce model's outcomes over the term and its curves by day (``None``: no model)."""
    if model is None:
        return None
    days = [k * model["period_days"] for k in range(len(model["curve_no_slip"]))]
    keys = ("no_slip", "dispute", "collapse", "renewed", "disputes_per_year", "delta",
            "length_days", "period_days")
    return {**{k: model[k] for k in keys},
            "curve": {"days": days, "no_slip": model["curve_no_slip"],
                      "dispute": model["curve_dispute"], "collapse": model["curve_collapse"]}}


def common_horizon(rows: list[dict[str, Any]]) -> float | None:
    """The shortest truce length among the rows (days); ``None`` without a truce."""
    lengths = [r["truce"]["periods"] * r["truce"]["period_days"] for r in rows if r["truce"]]
    lengths += [r["truce"]["model"]["length_days"] for r in rows
                if r["truce"] and r["truce"]["model"]]
    return min(lengths) if lengths else None


def _at(days: list[float], values: list[float], horizon: float) -> float:
    """A per-period curve at ``horizon`` days: after the whole periods covering it (rounded
    up, as a truce's own length is), or at the curve's end."""
    k = next((i for i, d in enumerate(days) if d >= horizon - 1e-9), len(days) - 1)
    return float(values[k])


def at_horizon(rows: list[dict[str, Any]], horizon: float) -> list[dict[str, Any]]:
    """Each row with ``truce.horizon``: the curves read at ``horizon`` days (see the module
    docstring); a truce shorter than the horizon is read at its expiry and says so."""
    out = []
    for r in rows:
        t = r["truce"]
        if t is None:
            out.append(r)
            continue
        h: dict[str, Any] = {"days": horizon}
        curve = t["curve"]
        h["survival"] = (_at(curve["days"], curve["survival"], horizon) if curve["days"]
                         else None)
        m = t["model"]
        if m is not None:
            c = m["curve"]
            for key in ("no_slip", "dispute", "collapse"):
                h[key] = _at(c["days"], c[key], horizon)
            h["beyond_expiry"] = horizon > m["length_days"] + 1e-9
        out.append({**r, "truce": {**t, "horizon": h}})
    return out


def task(ctx: tuple[int | None, int, str, Limits],
          item: tuple[str, str, np.random.SeedSequence]) -> dict[str, Any]:
    """One scenario's row (what :mod:`sim.parallel` runs on a worker); ``ctx`` is
    ``(grid, runs, strategies, limits)``, ``item`` ``(path, text, seed)``: the text as read,
    with any ``--set`` values, so a worker compares the same scenario."""
    grid, runs, strategies, limits = ctx
    path, text, seed = item
    return compare_one(loads_scenario(text, Path(path), grid=grid), runs=runs,
                       strategies=strategies, seed=seed, limits=limits)


def common_period(rows: list[dict[str, Any]]) -> float | None:
    """The shortest truce period among the rows (days); ``None`` without a truce."""
    periods = [r["truce"]["period_days"] for r in rows if r["truce"]]
    return min(periods) if periods else None


def per_common_period(rows: list[dict[str, Any]], days: float) -> list[dict[str, Any]]:
    r"""Each truce's δ and δ* per ``days``-day period: :math:`\delta^{days/L}` for a truce of
    ``L``-day periods (a discount factor compounds; the truce holds iff δ ≥ δ* in either
    unit, so ``sustainable`` does not change)."""
    out = []
    for r in rows:
        t = r["truce"]
        if t is None:
            out.append(r)
            continue
        k = days / t["period_days"]
        star = t["delta_star"]
        common = {"days": days, "delta": t["delta"] ** k,
                  "delta_star": None if star is None else star ** k}
        out.append({**r, "truce": {**t, "per_common_period": common}})
    return out


def comparability_warnings(scenarios: list[Scenario]) -> list[str]:
    """What makes the scenarios' numbers not directly comparable: different players, lever
    sets, payoff units, truce periods or lengths."""
    def differ(what: str, values: dict[str, Any]) -> str | None:
        if len({repr(v) for v in values.values()}) <= 1:
            return None
        return f"{what} differ: " + "; ".join(f"{k}: {v}" for k, v in values.items())

    levers = {s.name: ", ".join(sorted(lv.name for p in s.players for lv in p.levers))
              for s in scenarios}
    notes = [
        differ("players", {s.name: ", ".join(s.player_names) for s in scenarios}),
        differ("lever sets (payoff levels are not comparable)", levers),
        differ("payoff units", {s.name: s.payoff_unit or "not stated" for s in scenarios}),
    ]
    truces = [s for s in scenarios if s.truce is not None]
    if len(truces) > 1:
        from sim.analyses import settings as resolve

        clocks = {s.name: resolve.truce_clock(s, {}) for s in truces}
        notes.append(differ("truce periods (δ and δ* are converted to a common period)",
                            {n: f"{c.period_days:g} days" for n, c in clocks.items()}))
        notes.append(differ("truce lengths (outcomes are read at a common horizon)",
                            {n: f"{c.length_days:g} days" for n, c in clocks.items()}))
    return [n for n in notes if n]
