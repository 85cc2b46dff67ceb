r"""Scoring a timeline's predictions: distributions over outcomes, a naive baseline, scores.

Each stage of a timeline predicts a probability distribution over what the next stage will
record, on the levers both stages report:

* with a truce in force and its profile recorded: the truce model's distribution
  (:func:`truce_outcomes`) over *intact* (the next date comes before the deadline and the
  truce has not collapsed), *renewed* (the deadline passes first and the truce is renewed)
  and *collapsed*;
* otherwise: *repeated* (the recorded profile is recorded again) with the probability the
  stage's equilibria put on it, and *changed*.

The naive baseline says "no change" at the rate seen so far, Laplace's rule
:math:`(k+1)/(m+2)` after :math:`k` repeats in :math:`m` earlier scored pairs, put on the
outcome "no change" means at that date (*intact* or *renewed* by the calendar, *repeated*).

Scores (per stage, then averaged): the Brier score in its original multi-category form
:math:`\sum_k (p_k - o_k)^2` (Brier, 1950; lower is better; for two outcomes it is twice
:math:`(p - o)^2`) and the logarithmic score :math:`\ln p_{\text{observed}}` (Good, 1952;
higher is better), with the probability clipped to :math:`[10^{-3}, 1]` so that a certain
miss stays finite.

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.
*Monthly Weather Review* 78(1), 1-3.
Good, I. J. (1952). Rational decisions. *JRSS B* 14(1), 107-114.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

CLIP = 1e-3
"""Probabilities are clipped to at least CLIP before the log score."""

TRUCE_OUTCOMES = ("intact", "renewed", "collapsed")
PROFILE_OUTCOMES = ("repeated", "changed")


@dataclass(frozen=True)
class Prediction:
    """One stage's prediction for the next date and, when the next stage records it, its
    scores.

    Attributes
    ----------
    event : what "no change" means here, in words.
    outcomes : the model's distribution (:data:`TRUCE_OUTCOMES` or :data:`PROFILE_OUTCOMES`).
    baseline_outcomes : the baseline's distribution over the same outcomes.
    observed : the outcome the next stage records (``None``: it does not record the levers
        compared).
    probability, baseline : P(no change) of the model and of the baseline.
    outcome : whether "no change" happened (``None``: not recorded).
    """

    event: str
    outcomes: dict[str, float]
    baseline_outcomes: dict[str, float]
    observed: str | None
    probability: float
    baseline: float
    outcome: bool | None
    brier: float | None
    brier_baseline: float | None
    log: float | None
    log_baseline: float | None


@dataclass(frozen=True)
class Score:
    scored: int
    brier: float | None
    brier_baseline: float | None
    log: float | None
    log_baseline: float | None


def brier(p: Mapping[str, float], observed: str) -> float:
    """Brier score :math:`\\sum_k (p_k - o_k)^2` of a forecast over named outcomes."""
    return float(sum((q - float(k == observed)) ** 2 for k, q in p.items()))


def log_score(p: Mapping[str, float], observed: str, *, clip: float = CLIP) -> float:
    """Logarithmic score :math:`\\ln p_{\\text{observed}}` (probability clipped at ``clip``)."""
    return math.log(max(p.get(observed, 0.0), clip))


def laplace(repeats: int, pairs: int) -> float:
    """Laplace's rule of succession: :math:`(k + 1)/(m + 2)`."""
    return (repeats + 1) / (pairs + 2)


def truce_outcomes(collapsed: Sequence[float], renewed: float, *, periods_to_next: int,
                   periods_to_expiry: int, hazard_factor: float = 1.0) -> dict[str, float]:
    r"""The truce's state at the next date from the model's curves.

    Parameters
    ----------
    collapsed : P(collapsed by period t), ``t = 0..T`` (the model's curve over its term).
    renewed : P(renewed at expiry) (not collapsed, and both sides renew).
    periods_to_next : whole periods :math:`n` to the next date.
    periods_to_expiry : whole periods :math:`E` to the truce's deadline.
    hazard_factor : :math:`\prod_\ell (1-h_\ell)`, the per-period chance the truce's levels
        stay available; a lapse ends the truce (counted as collapsed).

    Returns
    -------
    ``{"intact", "renewed", "collapsed"}`` summing to one. With :math:`c_t` the collapse
    curve over the model's term :math:`T`, :math:`\eta` the hazard factor and
    :math:`q = r / (1 - c_T)` the chance an uncollapsed truce is renewed: for
    :math:`n \le E`, intact :math:`= (1 - c_{\min(n, T)})\,\eta^n`; for :math:`n > E`
    (the deadline passes first), renewed :math:`= (1 - c_{\min(E, T)})\,q\,\eta^E`;
    collapsed is the rest.
    """
    last = len(collapsed) - 1
    if periods_to_next <= periods_to_expiry:
        alive = 1.0 - float(collapsed[min(periods_to_next, last)])
        intact, new = alive * hazard_factor ** periods_to_next, 0.0
    else:
        alive_end = 1.0 - float(collapsed[last])
        q = float(renewed) / alive_end if alive_end > 0 else 0.0
        alive = 1.0 - float(collapsed[min(periods_to_expiry, last)])
        intact, new = 0.0, alive * q * hazard_factor ** periods_to_expiry
    intact, new = min(max(intact, 0.0), 1.0), min(max(new, 0.0), 1.0)
    return {"intact": intact, "renewed": new, "collapsed": max(0.0, 1.0 - intact - new)}


def predict(outcomes: dict[str, float], stay: str, event: str, happened: bool | None,
            baseline: float) -> Prediction:
    """Score ``outcomes`` (``stay`` is the outcome meaning "no change") against what the next
    stage records, with the Laplace ``baseline`` probability of no change."""
    other = [k for k in outcomes if k != stay]
    lost = "collapsed" if "collapsed" in outcomes else other[0]
    base = {k: 0.0 for k in outcomes}
    base[stay], base[lost] = baseline, 1.0 - baseline
    observed = None if happened is None else (stay if happened else lost)
    scored = observed is not None
    return Prediction(
        event=event, outcomes=outcomes, baseline_outcomes=base, observed=observed,
        probability=outcomes[stay], baseline=baseline, outcome=happened,
        brier=brier(outcomes, observed) if scored else None,  # type: ignore[arg-type]
        brier_baseline=brier(base, observed) if scored else None,  # type: ignore[arg-type]
        log=log_score(outcomes, observed) if scored else None,  # type: ignore[arg-type]
        log_baseline=log_score(base, observed) if scored else None,  # type: ignore[arg-type]
    )


def total(predictions: Sequence[Prediction | None]) -> Score:
    """Mean scores over the predictions the next stage recorded."""
    scored = [p for p in predictions if p is not None and p.outcome is not None]
    if not scored:
        return Score(0, None, None, None, None)

    def mean(attr: str) -> float:
        return float(np.mean([getattr(p, attr) for p in scored]))

    return Score(len(scored), mean("brier"), mean("brier_baseline"), mean("log"),
                 mean("log_baseline"))
