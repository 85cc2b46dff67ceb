"""Sweeps: a grid over one or two variables, and the tipping points along it.

:func:`grid_tasks` makes one :class:`~sim.analyses.points.Task` per grid point;
:func:`brackets` finds neighbouring points whose conclusions differ, and
:func:`sweep_tipping_points` narrows each down (:func:`sim.analyses.sensitivity.bisect_bracket`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.analyses.points import Context, Point, Task
from sim.analyses.sensitivity import Bracket, TippingPoint, bisect_bracket, conclusions

FloatArray = np.ndarray

DEFAULT_POINTS = 21
"""Grid points of a swept variable when ``--vary NAME`` gives no count."""

MAX_POINTS = 100_000
"""Default limit on the points of one sweep (``--max-points`` raises it)."""

@dataclass(frozen=True)
class Axis:
    """One swept variable: ``n`` evenly spaced values from ``lo`` to ``hi``."""

    name: str
    lo: float
    hi: float
    n: int

    @property
    def values(self) -> FloatArray:
        return np.linspace(self.lo, self.hi, self.n)

def grid_tasks(axes: Sequence[Axis], seeds: Sequence[np.random.SeedSequence] | None,
               *, survival: bool = True) -> list[Task]:
    """One task per grid point, the first axis varying slowest (C order)."""
    grids = [a.values for a in axes]
    tasks = []
    for index, combo in enumerate(np.ndindex(*[a.n for a in axes])):
        overrides = tuple((a.name, float(g[i])) for a, g, i in zip(axes, grids, combo,
                                                                    strict=True))
        tasks.append(Task(index=index, overrides=overrides,
                          seed=None if seeds is None else seeds[index], survival=survival))
    return tasks

def brackets(axes: Sequence[Axis], points: Sequence[Point], players: Sequence[str], *,
             tol: float | None = None, rel_tol: float = 1e-4) -> list[Bracket]:
    """Every neighbouring pair of grid points, along each variable, whose conclusions differ.

    In a 1-D sweep, along the grid; in a 2-D sweep, along each variable for every grid value
    of the other one. ``tol`` defaults to ``rel_tol`` times the variable's range.
    """
    out: list[Bracket] = []
    shape = [a.n for a in axes]
    table = [conclusions(p, players) for p in points]
    for k, axis in enumerate(axes):
        t = tol if tol is not None else rel_tol * (axis.hi - axis.lo)
        xs = axis.values
        others = [j for j in range(len(axes)) if j != k]
        for fixed in np.ndindex(*[shape[j] for j in others]):
            full = [0] * len(axes)
            for j, f in zip(others, fixed, strict=True):
                full[j] = f
            held = tuple((axes[j].name, float(axes[j].values[f]))
                         for j, f in zip(others, fixed, strict=True))
            line = []
            for i in range(axis.n):
                full[k] = i
                line.append(table[int(np.ravel_multi_index(full, shape))])
            for i in range(axis.n - 1):
                for name, before in line[i].items():
                    if name in line[i + 1] and line[i + 1][name] != before:
                        out.append(Bracket(conclusion=name, variable=axis.name,
                                           lo=float(xs[i]), hi=float(xs[i + 1]),
                                           before=before, held=held, players=tuple(players),
                                           tol=t))
    return out

def sweep_tipping_points(ctx: Context, axes: Sequence[Axis], points: Sequence[Point],
                         players: Sequence[str], *, tol: float | None = None,
                         rel_tol: float = 1e-4) -> list[TippingPoint]:
    """Tipping points along each swept variable, serially (see :func:`brackets`)."""
    return [bisect_bracket(ctx, b)
            for b in brackets(axes, points, players, tol=tol, rel_tol=rel_tol)]
