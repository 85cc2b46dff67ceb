r"""Imperfect monitoring of a truce: accusations, public signals and trigger strategies.

**Two channels.** A side's compliance is watched through

* *perception* (an accusation): a breach is missed with probability :math:`\mu` and a
  compliant period is read as a breach with probability :math:`\pi` (a false alarm);
* a *public signal* of one quantity lever (rare-earth flow, farm purchases):
  :math:`y = x + \sigma Z`, with :math:`x` the lever's level under the side's actual move
  and :math:`Z` standard normal (or uniform on :math:`[-\sqrt 3, \sqrt 3]`, also of unit
  variance). Punishment starts when :math:`y < \tau`, the *trigger* (Green and Porter,
  1984), so :math:`P(\text{trigger} \mid x) = F((\tau - x)/\sigma)`.

**Trigger strategies with finite punishment.** Normalised values, per-period payoffs
:math:`C` (truce), :math:`D` (best breach), :math:`P` (while punished); :math:`q_C`,
:math:`q_B` the probabilities that the punishment is triggered after compliance and after a
breach; punishment lasts :math:`L` periods (:math:`L = \infty`: grim trigger). The value of
the cooperative phase solves :math:`V = (1-\delta) C + \delta[(1-q_C) V + q_C V_P]` with
:math:`V_P = (1-\delta^L) P + \delta^L V`:

.. math:: V = \frac{(1-\delta) C + \delta q_C (1-\delta^L) P}{1 - \delta(1-q_C) - \delta^{L+1} q_C},

and complying is a best response (one-shot deviation principle) iff

.. math:: (1-\delta)(D - C) \le \delta (q_B - q_C) (1-\delta^L) (V - P).

For grim trigger in the prisoner's dilemma of Mailath and Samuelson (2006, §7.2:
:math:`C = 2`, :math:`D = 3`, :math:`P = 0`, :math:`q_C = 1-p`, :math:`q_B = 1-q`) this is
:math:`V = 2(1-\delta)/(1-\delta p)` and :math:`\delta \ge 1/(3p - 2q)`.

**The optimal trigger.** For a location family of signals the power of the test at false-
alarm rate :math:`q_C` is :math:`q_B(q_C) = F(F^{-1}(q_C) + \Delta/\sigma)`,
:math:`\Delta = x_C - x_B` (a threshold test is most powerful, Neyman–Pearson, since both
families have a monotone likelihood ratio). :math:`V` falls as :math:`q_C` rises, so for
each length :math:`L` the best trigger is the smallest false-alarm rate that still deters;
the best :math:`(\tau, L)` maximises :math:`V` over :math:`L` (the deterrence vs. false-alarm
trade-off). A noisier signal lowers the power at every :math:`q_C`, so it never raises the
optimal value (Blackwell's garbling argument, Kandori 1992).

References
----------
Green, E. J. & Porter, R. H. (1984). Noncooperative collusion under imperfect price
information. *Econometrica* 52(1), 87-100.
Abreu, D., Pearce, D. & Stacchetti, E. (1990). Toward a theory of discounted repeated games
with imperfect monitoring. *Econometrica* 58(5), 1041-1063.
Kandori, M. (1992). The use of information in repeated games with imperfect monitoring.
*Review of Economic Studies* 59(3), 581-593.
Mailath, G. J. & Samuelson, L. (2006). *Repeated Games and Reputations*, ch. 7. Oxford UP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError

NOISE_KINDS = ("normal", "uniform")
_SQRT3 = math.sqrt(3.0)


# --------------------------------------------------------------------------- signals


def cdf(z: float | np.ndarray, kind: str = "normal") -> np.ndarray:
    r""":math:`F(z)` of the unit-variance signal noise (``normal`` or ``uniform``).

    Parameters
    ----------
    z : float or numpy.ndarray
    kind : str
        ``"normal"`` or ``"uniform"`` (on :math:`[-\sqrt 3, \sqrt 3]`).

    Returns
    -------
    numpy.ndarray
    """
    z = np.asarray(z, dtype=float)
    if kind == "normal":
        from scipy.special import ndtr  # lazy: scipy is slow to import

        return ndtr(z)
    if kind == "uniform":
        return np.clip((z + _SQRT3) / (2 * _SQRT3), 0.0, 1.0)
    msg = f"signal noise must be one of {', '.join(NOISE_KINDS)}, got {kind!r}"
    raise InputError(msg)


def quantile(q: float | np.ndarray, kind: str = "normal") -> np.ndarray:
    """:math:`F^{-1}(q)` (``-inf`` at 0 for the normal; :math:`-\\sqrt 3` for the uniform).

    Parameters
    ----------
    q : float or numpy.ndarray
        Probabilities in :math:`[0, 1]`.
    kind : str
        ``"normal"`` or ``"uniform"`` (on :math:`[-\\sqrt 3, \\sqrt 3]`).

    Returns
    -------
    numpy.ndarray
    """
    q = np.asarray(q, dtype=float)
    if kind == "normal":
        from scipy.special import ndtri

        return ndtri(q)
    if kind == "uniform":
        return -_SQRT3 + 2 * _SQRT3 * q
    msg = f"signal noise must be one of {', '.join(NOISE_KINDS)}, got {kind!r}"
    raise InputError(msg)


def trigger_probability(
    level: float | np.ndarray, trigger: float, sd: float, kind: str = "normal"
) -> np.ndarray:
    r""":math:`P(x + \sigma Z < \tau) = F((\tau - x)/\sigma)`; with :math:`\sigma = 0` the
    signal is exact (``1`` below the trigger, else ``0``).

    Parameters
    ----------
    level : float or numpy.ndarray
        :math:`x`, the lever's level under the side's move.
    trigger : float
        :math:`\tau`.
    sd : float
        :math:`\sigma \ge 0`.
    kind : str
        ``"normal"`` or ``"uniform"`` (on :math:`[-\sqrt 3, \sqrt 3]`).

    Returns
    -------
    numpy.ndarray
    """
    level = np.asarray(level, dtype=float)
    if sd == 0:
        return (level < trigger).astype(float)
    return cdf((trigger - level) / sd, kind)


def power(
    false_alarm: float | np.ndarray, gap: float, sd: float, kind: str = "normal"
) -> np.ndarray:
    r""":math:`q_B = F(F^{-1}(q_C) + \Delta/\sigma)`: the chance a breach that lowers the
    lever by :math:`\Delta` triggers punishment, at false-alarm rate :math:`q_C`.

    Parameters
    ----------
    false_alarm : float or numpy.ndarray
        :math:`q_C`.
    gap : float
        :math:`\Delta`, how far a breach lowers the watched lever.
    sd : float
        :math:`\sigma`.
    kind : str
        ``"normal"`` or ``"uniform"`` (on :math:`[-\sqrt 3, \sqrt 3]`).

    Returns
    -------
    numpy.ndarray
        :math:`q_B` (Green and Porter 1984).
    """
    q = np.asarray(false_alarm, dtype=float)
    if sd == 0:
        return np.where(gap > 0, 1.0, q)
    with np.errstate(invalid="ignore"):
        out = cdf(quantile(q, kind) + gap / sd, kind)
    return np.where(q >= 1.0, 1.0, out)


def detection(actual_breach: bool, *, miss: float, false_alarm: float) -> float:
    r"""P(an accusation) through the perception channel after a breach or after compliance.

    Parameters
    ----------
    actual_breach : bool
    miss, false_alarm : float
        :math:`\mu` and :math:`\pi`.

    Returns
    -------
    float
        :math:`1 - \mu` after a breach, :math:`\pi` after compliance.
    """
    return 1.0 - miss if actual_breach else false_alarm


# --------------------------------------------------------------------------- values


def _dl(delta: float, length: int | None) -> float:
    """:math:`\\delta^L` (0 for grim trigger, ``length=None``)."""
    return 0.0 if length is None else delta**length


def trigger_value(
    truce: float, punished: float, delta: float, false_alarm: float, length: int | None
) -> float:
    """Normalised value :math:`V` of the cooperative phase (module docstring).

    Parameters
    ----------
    truce, punished : float
        :math:`C` and :math:`P`.
    delta : float
    false_alarm : float
        :math:`q_C`.
    length : int or None
        :math:`L` (``None``: grim trigger).

    Returns
    -------
    float
    """
    dl = _dl(delta, length)
    q = false_alarm
    return ((1 - delta) * truce + delta * q * (1 - dl) * punished) / (
        1 - delta * (1 - q) - delta * q * dl
    )


def deterrence_slack(
    truce: float,
    deviation: float,
    punished: float,
    delta: float,
    false_alarm: float,
    detect: float,
    length: int | None,
) -> float:
    r""":math:`\delta (q_B - q_C)(1-\delta^L)(V - P) - (1-\delta)(D - C)`: complying is a
    best response iff this is :math:`\ge 0`.

    Parameters
    ----------
    truce, deviation, punished : float
        :math:`C`, :math:`D` and :math:`P`.
    delta : float
    false_alarm, detect : float
        :math:`q_C` and :math:`q_B`.
    length : int or None
        :math:`L` (``None``: grim trigger).

    Returns
    -------
    float
    """
    v = trigger_value(truce, punished, delta, false_alarm, length)
    dl = _dl(delta, length)
    return delta * (detect - false_alarm) * (1 - dl) * (v - punished) - (1 - delta) * (
        deviation - truce
    )


@dataclass(frozen=True)
class TriggerPlan:
    """The best trigger strategy found: its false-alarm and detection rates, its trigger
    on the signal's scale, its length (``None``: for ever) and its normalised value; or
    ``deters=False`` when no trigger and length in the family deters a breach."""

    deters: bool
    value: float
    false_alarm: float
    detect: float
    trigger: float
    length: int | None


def optimal_trigger(
    truce: float,
    deviation: float,
    punished: float,
    delta: float,
    *,
    comply_level: float,
    breach_level: float,
    sd: float,
    kind: str = "normal",
    lengths: tuple[int | None, ...] = (1, 2, 3, 6, None),
    grid: int = 400,
    tol: float = 1e-12,
    background: float = 0.0,
    rel_tol: float = 1e-4,
) -> TriggerPlan:
    r"""The trigger :math:`\tau` and length :math:`L` that maximise :math:`V` subject to
    deterrence (module docstring), for a breach that moves the signalled lever from
    ``comply_level`` down to ``breach_level``.

    For each :math:`L` the smallest deterring false-alarm rate is found on a grid of
    :math:`q_C` (dense near 0) and refined by root finding (Brent); :math:`V` is then
    compared across lengths. ``background`` is the chance :math:`\beta` that punishment
    starts through another, independent channel (an accusation) whatever the side did:
    the rates become :math:`1 - (1-\beta)(1-q)`.

    :math:`V` is flat near :math:`q_C = 0`, and the smallest deterring trigger leaves the
    deterrence condition binding, so any shock to the gain tips it. Among the triggers whose
    value is within ``rel_tol`` (relative) of the optimum :math:`V^*` the one that catches a
    breach most often is returned; ``value`` is :math:`V^*` (``rel_tol=0``: the optimum's
    own trigger).
    """
    from scipy.optimize import brentq

    gain = deviation - truce
    gap = comply_level - breach_level
    if gain <= 0:  # nothing to deter: never punish
        return TriggerPlan(True, truce, 0.0, 0.0, -math.inf, lengths[0])
    qs = np.unique(
        np.concatenate(
            [[0.0], np.geomspace(1e-9, 1e-2, grid // 2), np.linspace(1e-2, 1 - 1e-9, grid // 2)]
        )
    )
    best: TriggerPlan | None = None
    keep = 1.0 - background

    def both(q: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        return 1 - keep * (1 - np.asarray(q)), 1 - keep * (1 - power(q, gap, sd, kind))

    for length in lengths:

        def slack(q: float, length: int | None = length) -> float:
            qc, qb = both(q)
            return float(deterrence_slack(truce, deviation, punished, delta, qc, qb, length))

        values = deterrence_slack(truce, deviation, punished, delta, *both(qs), length)
        ok = np.flatnonzero(values >= 0)
        if ok.size == 0:
            continue
        k = int(ok[0])
        q = 0.0 if k == 0 else float(brentq(slack, qs[k - 1], qs[k], xtol=tol))
        if slack(q) < 0:  # brentq's root may sit a hair on the wrong side
            q = float(qs[k])
        v = trigger_value(truce, punished, delta, float(both(q)[0]), length)
        if best is None or v > best.value + tol:
            z = float(quantile(q, kind))  # -inf for a normal signal at q = 0
            best = TriggerPlan(
                True, v, q, float(power(q, gap, sd, kind)), comply_level + sd * z, length
            )
    if best is None:
        return TriggerPlan(False, math.nan, math.nan, math.nan, math.nan, None)
    return _robust(best, qs, both, truce, deviation, punished, delta, gap, sd, kind, rel_tol,
                   comply_level)


def _robust(best: TriggerPlan, qs: np.ndarray, both: Any, truce: float, deviation: float,
            punished: float, delta: float, gap: float, sd: float, kind: str, rel_tol: float,
            comply_level: float) -> TriggerPlan:
    """The most detecting trigger (same length) whose value is within ``rel_tol`` of the
    optimum and that still deters (the value is flat near a false-alarm rate of 0)."""
    qc, qb = both(qs)
    v = trigger_value(truce, punished, delta, qc, best.length)
    slack = deterrence_slack(truce, deviation, punished, delta, qc, qb, best.length)
    floor = best.value - rel_tol * max(1.0, abs(best.value))
    ok = np.flatnonzero((v >= floor) & (slack >= 0) & (qs >= best.false_alarm))
    if ok.size == 0:
        return best
    q = float(qs[ok[-1]])
    z = float(quantile(q, kind))
    return TriggerPlan(True, best.value, q, float(power(q, gap, sd, kind)),
                       comply_level + sd * z, best.length)
