"""Continuous levers: a lever with ``range = [lo, hi]`` takes any value in it.

The finite-game analyses (equilibria, truce, bargaining, sweeps) need finitely many levels,
so a continuous lever is **discretised**: its named levels (``levels = { geneva = 30 }``),
then ``N`` evenly spaced values from ``lo`` to ``hi`` (a value already named is not repeated),
labelled by their number (``"37.5"``). ``N`` is an argument, ``load_scenario(path, grid=N)``
(the command line's global ``tradesim --grid N`` passes it down); :func:`grid_points` is the
one place that resolves it (``None`` means :data:`DEFAULT_GRID`), and the scenario keeps the
``N`` it was read with (``Scenario.grid``) so that a worker re-reading it gets the same game.
The continuous analyses (``tradesim continuous``) use the range itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from sim.errors import InputError

Lever = Any  # sim.scenario.Lever (not imported: the scenario module imports this one)

DEFAULT_GRID = 5
"""Values a continuous lever is discretised into when nothing else is asked."""
MAX_GRID = 1001
"""Largest ``--grid`` accepted (the game's cell limit applies as well)."""

def grid_points(n: int | None = None) -> int:
    """The number of values a continuous lever is discretised into.

    Parameters
    ----------
    n : int or None
        The value asked for (``tradesim --grid N``, ``load_scenario(path, grid=N)``), or
        ``None`` for :data:`DEFAULT_GRID`.

    Returns
    -------
    int
        ``n`` (checked to be a whole number from 2 to :data:`MAX_GRID`) or the default.

    Raises
    ------
    InputError
        When ``n`` is not a whole number from 2 to :data:`MAX_GRID`.
    """
    if n is None:
        return DEFAULT_GRID
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_GRID:
        msg = f"grid: expected a whole number of values from 2 to {MAX_GRID}, got {n!r}"
        raise InputError(msg)
    return n


def continuous_levels(lever: Lever, span: tuple[float, float], n: int) -> Lever:
    """``lever`` (with its named levels) made continuous on ``span``, discretised to ``n``."""
    anchors = len(lever.levels)
    names, values, refs = list(lever.levels), list(lever.values), list(lever.refs)
    width = span[1] - span[0]
    for v in np.linspace(span[0], span[1], n):
        value = float(v)
        if any(abs(value - x) <= 1e-9 * width for x in values):
            continue
        label = f"{value:.6g}"
        while label in names:
            label += "'"
        names.append(label)
        values.append(value)
        refs.append(None)
    return dataclasses.replace(
        lever,
        levels=tuple(names),
        values=tuple(values),
        refs=tuple(refs),
        range=span,
        anchors=anchors,
    )


def rediscretise(lever: Lever, n: int) -> Lever:
    """A continuous lever discretised again, to ``n`` values (its named levels kept)."""
    if lever.range is None:
        return lever
    k = lever.anchors
    named = dataclasses.replace(
        lever, levels=lever.levels[:k], values=lever.values[:k], refs=lever.refs[:k]
    )
    return continuous_levels(named, lever.range, n)
