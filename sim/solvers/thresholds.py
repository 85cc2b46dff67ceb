r"""Where a conclusion changes along a swept variable: readable brackets and closed forms.

Bisection (:func:`sim.solvers.sensitivity.tipping_points`) ends with a bracket
:math:`[lo, hi]` that holds the change. :func:`rounded_within` gives the shortest decimal
inside it, so the reported value carries no digit the bracket does not support.

When every payoff is affine in the variable (checked at the bracket's ends and midpoint),
each pure best-response comparison :math:`D(x) = u_i(s, t) - u_i(s', t)` is linear, and a
pure equilibrium can only appear or vanish where one of them is zero:
:math:`x^* = lo - D(lo)\,(hi - lo) / (D(hi) - D(lo))` (for a 2 x 2 game, the
indifference threshold). :func:`indifference_roots` lists those roots.
"""

from __future__ import annotations

import math

import numpy as np

FloatArray = np.ndarray


def rounded_within(lo: float, hi: float) -> float:
    r"""The midpoint of ``[lo, hi]`` rounded to the fewest decimals that stay inside it.

    Parameters
    ----------
    lo, hi : float
        A bracket, :math:`lo \le hi`.

    Returns
    -------
    float
        A short decimal in :math:`[lo, hi]` (for reporting a bisected threshold).
    """
    mid = (lo + hi) / 2
    if hi <= lo:
        return mid
    for digits in range(-12, 16):
        value = round(mid, digits) if digits >= 0 else round(mid, digits) * 1.0
        if lo <= value <= hi:
            return float(value)
    return mid


def is_affine(low: FloatArray, mid: FloatArray, high: FloatArray, *, tol: float = 1e-9) -> bool:
    r"""Whether payoffs at a bracket's midpoint are the mean of those at its ends.

    Parameters
    ----------
    low, mid, high : numpy.ndarray
        Payoff arrays at a bracket's ends and midpoint.
    tol : float
        Tolerance, scaled by the largest absolute payoff.

    Returns
    -------
    bool
        :math:`u(\text{mid}) = (u(\text{lo}) + u(\text{hi}))/2` everywhere: evidence that the
        payoffs are affine in the swept value, so the roots of :func:`indifference_roots` apply.
    """
    scale = max(1.0, float(np.abs(low).max(initial=0.0)), float(np.abs(high).max(initial=0.0)))
    return bool(np.all(np.abs(mid - (low + high) / 2) <= tol * scale))


def indifference_roots(low: FloatArray, high: FloatArray, lo: float, hi: float, *,
                       tol: float = 1e-12) -> list[float]:
    r"""Roots in ``[lo, hi]`` of every pure best-response comparison, for payoffs affine in x.

    ``low`` and ``high`` are payoff arrays of shape ``(n, s_1, ..., s_n)`` at ``lo`` and
    ``hi``. For player *i* the comparisons are the differences between two of its own
    strategies against each profile of the others.

    Parameters
    ----------
    low, high : numpy.ndarray
        Payoffs at ``lo`` and ``hi``.
    lo, hi : float
        The bracket of the swept value :math:`x`.
    tol : float
        Differences whose change is within ``tol`` are taken as constant.

    Returns
    -------
    list of float
        Sorted values :math:`x` at which a difference
        :math:`\Delta(x) = \Delta(lo) + (x - lo)(\Delta(hi) - \Delta(lo))/(hi - lo)` is zero.
    """
    roots: set[float] = set()
    for i in range(low.shape[0]):
        a, b = np.moveaxis(low[i], i, 0), np.moveaxis(high[i], i, 0)
        k = a.shape[0]
        for s in range(k):
            for t in range(s + 1, k):
                d0, d1 = (a[s] - a[t]).ravel(), (b[s] - b[t]).ravel()
                moving = np.abs(d1 - d0) > tol
                frac = -d0[moving] / (d1[moving] - d0[moving])
                inside = frac[(frac >= -tol) & (frac <= 1 + tol)]
                roots.update(float(lo + f * (hi - lo)) for f in np.clip(inside, 0.0, 1.0))
    return sorted(roots)


def closed_form(roots: list[float], lo: float, hi: float) -> float | None:
    """The one root inside ``[lo, hi]``, else ``None`` (none, or several: no single answer).

    Parameters
    ----------
    roots : list of float
        From :func:`indifference_roots`.
    lo, hi : float

    Returns
    -------
    float or None
    """
    inside = [r for r in roots if lo - 1e-12 * max(1.0, abs(lo)) <= r
              <= hi + 1e-12 * max(1.0, abs(hi))]
    distinct = sorted({round(r, 12) for r in inside})
    return inside[0] if len(distinct) == 1 and math.isfinite(inside[0]) else None
