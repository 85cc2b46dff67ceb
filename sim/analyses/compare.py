"""Several scenarios side by side at their central values (``tradesim compare``).

Each row: the equilibria, the payoffs of the equilibrium with the highest joint payoff, the
truce's δ and δ* (binding side), whether it is sustainable, its simulated survival to expiry
(and the curve), and the Nash bargaining deal; all from :func:`sim.analyses.points.evaluate`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.analyses import points as pt
from sim.limits import Limits
from sim.scenario import Scenario, load_scenario
from sim.scenario.build import build_game

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

def task(ctx: tuple[int | None, int, str, Limits],
          item: tuple[str, np.random.SeedSequence]) -> dict[str, Any]:
    """One scenario file's row (what :mod:`sim.parallel` runs on a worker); ``ctx`` is
    ``(grid, runs, strategies, limits)``."""
    grid, runs, strategies, limits = ctx
    path, seed = item
    return compare_one(load_scenario(path, grid=grid), runs=runs, strategies=strategies, seed=seed,
                       limits=limits)
