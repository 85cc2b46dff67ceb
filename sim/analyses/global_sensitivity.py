r"""Global sensitivity of a scenario's headline conclusions: Morris screening, then Sobol'.

The tornado (:mod:`sim.analyses.sensitivity`) moves one assumption at a time. Here every
assumption with a range moves at once, each uniform on its range
(:mod:`sim.solvers.global_sensitivity`, by SALib):

1. **Morris screening** over all of them (:math:`r (d + 1)` points) ranks the assumptions
   by :math:`\mu^*`, the mean absolute effect of moving one across its range;
2. **Sobol' indices** over the ``top`` assumptions Morris ranks highest (the others at their
   values; :math:`N (k + 2)` points): the share of each outcome's variance an assumption
   explains alone (first order) and with its interactions (total order), with bootstrap
   confidence intervals.

Outcomes: the numeric ones of the tornado (each player's payoff in the best equilibrium,
:math:`\delta^*`, the truce model's exact outcomes) and, as 0/1 indicators, the headline
conclusions of the robustness check (the equilibrium set, the truce's sustainability and
the Nash deal are those at the central values); the Sobol' index of an indicator is the
share of the variance of "does the conclusion hold" an assumption explains. Simulated
survival is left out (its Monte Carlo noise would count as variance), so points carry no
seed and the answer does not depend on the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import parallel
from sim.analyses.points import Point, Settings, Task, context_for, run_task
from sim.analyses.sensitivity import conclusions, outcome_values
from sim.limits import Limits
from sim.scenario import Scenario
from sim.solvers import global_sensitivity as gs
from sim.solvers.sampling import spawn

MORRIS_TRAJECTORIES = 8
"""Morris trajectories in ``tradesim run --global-sensitivity``."""

SOBOL_SAMPLES = 64
"""Sobol' base samples (a power of two) in ``tradesim run --global-sensitivity``."""

SOBOL_TOP = 6
"""Assumptions (the Morris screen's highest) whose Sobol' indices are estimated."""

HEADLINES = {
    "holds:equilibria": "the equilibrium set is the one at the central values",
    "holds:truce_sustainable": "the truce is sustainable (delta >= delta*)",
    "holds:nash_deal": "the Nash bargaining deal is the one at the central values",
}
"""0/1 outcomes: does a headline conclusion of the central values still hold."""


def outcomes(point: Point, base: Point, players: Sequence[str]) -> dict[str, float]:
    """The numbers whose sensitivity is measured at one point (NaN where undefined)."""
    out = {k: v for k, v in outcome_values(point, players).items()
           if k != "survival" and not k.startswith("deal:")}
    c0, c = conclusions(base, players), conclusions(point, players)
    out["holds:equilibria"] = float(point.equilibria == base.equilibria)
    for key in ("truce_sustainable", "nash_deal"):
        if key in c0:
            out[f"holds:{key}"] = float(c.get(key) == (True if key == "truce_sustainable"
                                                       else c0[key]))
    return out


def _ranged(scenario: Scenario) -> tuple[list[str], list[float], list[float]]:
    names = [k for k, q in scenario.assumptions.items()
             if q.range is not None and q.range[0] < q.range[1]]
    lows = [float(scenario.assumptions[k].range[0]) for k in names]  # type: ignore[index]
    highs = [float(scenario.assumptions[k].range[1]) for k in names]  # type: ignore[index]
    return names, lows, highs


def _tasks(names: Sequence[str], x: np.ndarray) -> list[Task]:
    return [Task(index=i, overrides=tuple((n, float(v)) for n, v in zip(names, row,
                                                                         strict=True)),
                 seed=None, survival=False) for i, row in enumerate(x)]


def _matrix(points: Sequence[Point], base: Point, players: Sequence[str]) -> dict[str, Any]:
    rows = [outcomes(p, base, players) for p in points]
    keys = [k for k in outcomes(base, base, players) if all(k in r for r in rows)]
    return {k: np.array([r[k] for r in rows], dtype=float) for k in keys}


def _top(morris: dict[str, tuple[gs.MorrisIndex, ...]], k: int) -> list[str]:
    """The ``k`` assumptions with the largest :math:`\\mu^*` relative to each outcome's
    largest, taking the maximum over outcomes (ties by name)."""
    score: dict[str, float] = {}
    for idx in morris.values():
        top = max((i.mu_star for i in idx if math.isfinite(i.mu_star)), default=0.0)
        for i in idx:
            if top > 0 and math.isfinite(i.mu_star):
                score[i.name] = max(score.get(i.name, 0.0), i.mu_star / top)
    ranked = sorted(score, key=lambda n: (-score[n], n))
    return [n for n in ranked if score[n] > 0][:k]


@dataclass(frozen=True)
class GlobalSensitivity:
    """Morris screening of every assumption and Sobol' indices of the ``sobol_names``."""

    morris_trajectories: int
    morris_points: int
    sobol_samples: int
    sobol_points: int
    sobol_names: tuple[str, ...]
    morris: dict[str, tuple[gs.MorrisIndex, ...]]
    sobol: dict[str, tuple[gs.SobolIndex, ...]]


def global_sensitivity(scenario: Scenario, *, seed: np.random.SeedSequence,
                       trajectories: int = MORRIS_TRAJECTORIES,
                       samples: int = SOBOL_SAMPLES, top: int = SOBOL_TOP,
                       workers: int | None = None, limits: Limits | None = None,
                       progress: Callable[[str, int, int], None] | None = None,
                       ) -> GlobalSensitivity:
    """Morris over every ranged assumption, then Sobol' over the ``top`` it ranks highest.

    Seeds: children 0 and 1 of ``seed`` draw the Morris design and its bootstrap, 2 and 3
    the Sobol' design and its bootstrap.
    """
    limits = limits or Limits()
    ctx = context_for(scenario, Settings(runs=0, max_cells=limits.max_cells,
                                         max_run_periods=limits.max_run_periods))
    players = scenario.player_names
    names, lows, highs = _ranged(scenario)
    m_design, m_boot, s_design, s_boot = spawn(seed, 4)

    def tick(stage: str, total: int) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(stage, done, total))

    base = run_task(ctx, Task(index=0, overrides=(), seed=None, survival=False))
    prob = gs.problem(names, lows, highs)
    x = gs.morris_design(prob, trajectories, m_design)
    pts = parallel.run_tasks(run_task, ctx, _tasks(names, x), workers=workers,
                             progress=tick("Morris screening", len(x)))
    morris = {k: gs.morris_indices(prob, x, y, m_boot)
              for k, y in _matrix(pts, base, players).items()}
    chosen = _top(morris, top)
    sobol: dict[str, tuple[gs.SobolIndex, ...]] = {}
    n_sobol = 0
    if chosen:
        sub = gs.problem(chosen, [lows[names.index(n)] for n in chosen],
                         [highs[names.index(n)] for n in chosen])
        xs = gs.sobol_design(sub, samples, s_design)
        n_sobol = len(xs)
        pts = parallel.run_tasks(run_task, ctx, _tasks(chosen, xs), workers=workers,
                                 progress=tick("Sobol' indices", len(xs)))
        sobol = {k: gs.sobol_indices(sub, y, s_boot)
                 for k, y in _matrix(pts, base, players).items()}
    return GlobalSensitivity(morris_trajectories=trajectories, morris_points=len(x),
                             sobol_samples=samples, sobol_points=n_sobol,
                             sobol_names=tuple(chosen), morris=morris, sobol=sobol)


def global_json(g: GlobalSensitivity) -> dict[str, Any]:
    """As JSON: per outcome, Morris indices by decreasing :math:`\\mu^*` and Sobol' indices
    by decreasing total order (undefined indices, NaN, are left for the caller to null)."""
    def key(v: float) -> float:
        return -v if math.isfinite(v) else math.inf

    return {
        "method": ("Morris screening (SALib) over every assumption's range, then Sobol' "
                   "first- and total-order indices (SALib, Saltelli design) over the "
                   "assumptions it ranks highest; 95% bootstrap confidence intervals"),
        "morris": {"trajectories": g.morris_trajectories, "points": g.morris_points,
                   "outcomes": {k: [vars(i) for i in sorted(v, key=lambda i: key(i.mu_star))]
                                for k, v in g.morris.items()}},
        "sobol": {"samples": g.sobol_samples, "points": g.sobol_points,
                  "variables": list(g.sobol_names),
                  "outcomes": {k: [vars(i) for i in sorted(v, key=lambda i: key(i.total))]
                               for k, v in g.sobol.items()}},
        "headlines": dict(HEADLINES),
    }
