r"""Proportionate, finite, issue-specific punishments: the mildest one that still deters.

A *punishment* of side :math:`i` by side :math:`j` names the punisher's levels while it
punishes (a stage-game strategy :math:`m` of :math:`j`, e.g. "chip software controls on")
and a length :math:`L` in periods (``None``: for ever), after which both return to the truce.
The target keeps its truce levels while it is punished (it accepts the punishment).

**Harm.** With :math:`\bar C_i` the target's expected truce payoff and :math:`\bar P_i^m` its
expected payoff while punished, the discounted loss a punishment starting next period
inflicts is

.. math:: H_i(m, L) = \sum_{t=1}^{L} \delta^t (\bar C_i - \bar P_i^m)
          = \frac{\delta (1-\delta^L)}{1-\delta} (\bar C_i - \bar P_i^m).

**Deterrence.** A breach that raises the chance of punishment from :math:`q_C` to
:math:`q_B` costs the target :math:`\Lambda_i = (q_B - q_C) H_i` in expectation; a breach
with one-period gain :math:`g` is deterred iff :math:`g \le \Lambda_i` (the escape-clause
condition of Rotemberg and Saloner, 1986, and Bagwell and Staiger, 1990, with a finite
punishment in place of reversion for ever).

**Credibility.** Carrying the punishment out must be in the punisher's own interest: by
the one-shot deviation principle, at every period of the punishment (:math:`r` periods
left) following it is worth at least skipping it and being punished in turn by the other
side's punishment :math:`(m', L')` (a simple penal code, Abreu 1988):

.. math:: \sum_{t<r} \delta^t u_j^m + \delta^r \frac{\bar C_j}{1-\delta}
          \ \ge\ D_j + \delta\Big[\sum_{t<L'} \delta^t u_j^{m'}
          + \delta^{L'} \frac{\bar C_j}{1-\delta}\Big],

with :math:`u_j^m` the punisher's payoff while punishing, :math:`D_j` its best payoff
against the target's truce levels and :math:`u_j^{m'}` its payoff while itself punished.

**The mildest deterring punishment** in a declared family is the credible one with the
smallest harm that still deters (ties: the shorter, then the one cheaper to the punisher):
the proportionate answer. A harsher credible punishment raises :math:`\Lambda_i`, so it
never raises the chance that a shock makes a breach worth it.

References
----------
Abreu, D. (1988). On the theory of infinitely repeated games with discounting.
*Econometrica* 56(2), 383-396.
Bagwell, K. & Staiger, R. W. (1990). A theory of managed trade. *American Economic Review*
80(4), 779-795.
Rotemberg, J. J. & Saloner, G. (1986). A supergame-theoretic model of price wars during
booms. *American Economic Review* 76(3), 390-407.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FloatArray = np.ndarray


def harm(
    truce: float, punished: float | FloatArray, delta: float, length: int | None
) -> float | FloatArray:
    """:math:`H = \\delta(1-\\delta^L)/(1-\\delta)\\,(\\bar C - \\bar P)` (module docstring).

    Parameters
    ----------
    truce : float
        :math:`\\bar C`, the target's expected truce payoff.
    punished : float or numpy.ndarray
        :math:`\\bar P`, its expected payoff while punished (one per candidate punishment).
    delta : float
        The discount factor per period.
    length : int or None
        :math:`L` periods (``None``: for ever, :math:`\\delta^L = 0`).

    Returns
    -------
    float or numpy.ndarray
    """
    dl = 0.0 if length is None else delta**length
    return delta * (1 - dl) / (1 - delta) * (truce - np.asarray(punished, dtype=float))


def expected_loss(harm_value: float, detect: float, false_alarm: float) -> float:
    r""":math:`\Lambda = (q_B - q_C) H`: what a breach costs in expected punishment.

    Parameters
    ----------
    harm_value : float
        :math:`H` (:func:`harm`).
    detect, false_alarm : float
        :math:`q_B` and :math:`q_C`: the chance of punishment after a breach and after
        compliance.

    Returns
    -------
    float
    """
    return (detect - false_alarm) * harm_value


def _stream(first: float, n: int | None, then: float, delta: float) -> float:
    r""":math:`\sum_{t<n} \delta^t a + \delta^n b/(1-\delta)` (:math:`n` = ``None``: for ever)."""
    if n is None:
        return first / (1 - delta)
    return first * (1 - delta**n) / (1 - delta) + delta**n * then / (1 - delta)


def credible(
    *,
    punisher_truce: float,
    punisher_best: float,
    punishing: float,
    length: int | None,
    punished: float,
    counter_length: int | None,
    delta: float,
    tol: float = 1e-9,
) -> bool:
    r"""Whether the punisher follows the punishment at every period of it (module docstring).

    ``punishing`` is its payoff while punishing, ``punisher_best`` its best payoff against
    the target's truce levels, ``punished`` its payoff while it is itself punished for
    ``counter_length`` periods.

    Parameters
    ----------
    punisher_truce, punisher_best, punishing, punished : float
        :math:`\bar C_j`, :math:`D_j`, :math:`u_j^m` and :math:`u_j^{m'}`.
    length, counter_length : int or None
        :math:`L` and :math:`L'` (``None``: for ever).
    delta : float
    tol : float

    Returns
    -------
    bool
        The module docstring's inequality at every :math:`r = 1..L` (Abreu 1988).
    """
    deviate = punisher_best + delta * _stream(punished, counter_length, punisher_truce, delta)
    rs: Sequence[int | None] = [None] if length is None else range(1, length + 1)
    return all(_stream(punishing, r, punisher_truce, delta) >= deviate - tol for r in rs)


@dataclass(frozen=True)
class Choice:
    """A punishment in a family: the punisher's strategy index and length, what it does to
    the target (``harm``) and to the punisher (``cost`` per period, truce minus punishing),
    and whether it deters and is credible."""

    strategy: int
    length: int | None
    harm: float
    cost: float
    deters: bool
    credible: bool


def rank(family: Sequence[Choice]) -> list[Choice]:
    """The family from mildest to harshest (harm, then length, then cost to the punisher).

    Parameters
    ----------
    family : sequence of Choice

    Returns
    -------
    list of Choice
    """
    return sorted(
        family, key=lambda c: (c.harm, math.inf if c.length is None else c.length, c.cost)
    )


def mildest(family: Sequence[Choice]) -> Choice | None:
    """The mildest credible punishment that deters, or ``None`` when none does.

    Parameters
    ----------
    family : sequence of Choice

    Returns
    -------
    Choice or None
        The first of :func:`rank` that deters and is credible.
    """
    for c in rank(family):
        if c.deters and c.credible:
            return c
    return None


def harshest(family: Sequence[Choice]) -> Choice | None:
    """The credible punishment with the largest harm (``None`` for an empty family).

    Parameters
    ----------
    family : sequence of Choice

    Returns
    -------
    Choice or None
    """
    ok = [c for c in family if c.credible] or list(family)
    return rank(ok)[-1] if ok else None
