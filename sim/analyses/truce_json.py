"""The truce model's part of the truce report as a JSON-ready dict.

:func:`to_json` turns a :class:`sim.analyses.truce_model.ModelReport` into the ``model``
entry of ``tradesim truce --format json`` (``docs/reference/cli.md``); the words are in
:mod:`sim.render.truce_model`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.analyses.truce_model import ModelReport
from sim.game import Game
from sim.solvers import repeated as rp
from sim.solvers import truce_model as tm


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else round(float(x), 10)


def likelier(report: ModelReport, players: Sequence[str]) -> dict[str, Any]:
    """Which side is likelier to break the truce, and on which issue."""
    ex = report.exact
    total = [float(ex.deliberate[i].sum() + ex.slips[i]) for i in (0, 1)]
    i = int(np.argmax(total))
    side = report.sides[i]
    if ex.deliberate[i].sum() > 1e-12:
        k = int(np.argmax(ex.deliberate[i]))
        why = "deliberate"
    else:
        k, why = side.slip - 1, "slips"
    b = report.breaches[i][k] if report.breaches[i] else None
    return {
        "side": players[i],
        "expected_breaches": _num(total[i]),
        "other": _num(total[1 - i]),
        "issue": None if b is None else b.issue,
        "levels": None if b is None else b.levels,
        "mostly": why,
        "tie": abs(total[0] - total[1]) < 1e-12,
    }


def to_json(report: ModelReport, game: Game) -> dict[str, Any]:
    """The model's part of the truce report (see ``docs/reference/cli.md``)."""
    s = report.settings
    out: dict[str, Any] = {
        "delta": _num(report.delta),
        "renewal": s.renewal,
        "iterations": report.iterations,
        "residual": _num(report.residual),
        "shocks": [
            {
                "assumption": sh.name,
                "kind": sh.kind,
                "low": _num(sh.low),
                "high": _num(sh.high),
                "sd": _num(sh.sd),
            }
            for sh in report.shocks
        ],
        "samples": report.samples,
        "noise": dict(
            zip(
                ("implementation", "implementation_breach", "perception", "perception_miss"),
                s.noise,
                strict=True,
            )
        ),
        "collapse_to": report.collapse_label,
        "sides": {p: _side_json(report, i, game.players) for i, p in enumerate(game.players)},
        "outcomes": _outcomes_json(report, game.players),
    }
    days = [min(t * s.period_days, s.length_days) for t in range(s.periods + 1)]
    out["curve"] = {
        "days": days,
        "no_slip": [_num(x) for x in report.exact.no_slip],
        "collapse": [_num(x) for x in report.exact.collapsed],
    }
    out["likelier"] = likelier(report, game.players)
    if report.simulated is not None:
        sm = report.simulated
        out["simulated"] = {
            "runs": sm.runs,
            "no_slip": {"mean": _num(sm.no_slip[-1]), "se": _num(sm.no_slip_se)},
            "dispute": {"mean": _num(sm.dispute), "se": _num(sm.dispute_se)},
            "collapse": {"mean": _num(sm.collapse), "se": _num(sm.collapse_se)},
            "renewed": {"mean": _num(sm.renewed), "se": _num(sm.renewed_se)},
        }
    out["notes"] = list(report.notes)
    return out


def _side_json(report: ModelReport, i: int, players: Sequence[str]) -> dict[str, Any]:
    s, ex, pl, side = report.settings, report.exact, report.plans[i], report.sides[i]
    probs = tm.intent_probabilities(side)
    return {
        "breach_rate": _num(ex.breach_rate[i]),
        "expected_slips": _num(ex.slips[i]),
        "slip_issue": side.issues[side.slip - 1] if side.issues else None,
        "issues": [
            {
                "issue": b.issue,
                "levels": b.levels,
                "gain": _num(b.gain),
                "expected_loss": _num(side.loss[k]),
                "breach_probability": _num(probs[k + 1]),
                "expected_breaches": _num(ex.deliberate[i][k]),
            }
            for k, b in enumerate(report.breaches[i])
        ],
        "punished_by": {
            "punisher": players[1 - i],
            "levels": pl.levels,
            "length": pl.length,
            "length_days": (None if pl.length is None else pl.length * s.period_days),
            "harm": _num(pl.harm),
            "deters": pl.deters,
            "credible": pl.credible,
            "needed": pl.needed,
            "family": pl.family,
            "signal": None
            if pl.signal is None
            else {k: (_num(v) if isinstance(v, float) else v) for k, v in pl.signal.items()},
        },
    }


def _outcomes_json(report: ModelReport, players: Sequence[str]) -> dict[str, Any]:
    s, ex = report.settings, report.exact
    years = s.periods * s.period_days / rp.DAYS_PER_YEAR
    chosen = s.renewal == "choice" or s.renewal_probability is None
    return {
        "no_slip": _num(ex.no_slip[-1]),
        "dispute": _num(ex.dispute),
        "disputes": _num(ex.disputes),
        "disputes_per_year": _num(ex.disputes / years),
        "punished_days": {
            p: _num(ex.punished[i] * s.periods * s.period_days) for i, p in enumerate(players)
        },
        "repair_days": {
            p: (None if report.plans[i].length is None else report.plans[i].length * s.period_days)
            for i, p in enumerate(players)
        },
        "collapse": _num(ex.collapse),
        "renew": {p: _num(ex.renew[i]) for i, p in enumerate(players)},
        "renewed": _num(
            ex.renewed if chosen else (1 - ex.collapse) * (s.renewal_probability or 0.0)
        ),
        "renewed_source": "choice" if chosen else "renewal_probability",
        "payoffs": {p: _num(ex.payoffs[i]) for i, p in enumerate(players)},
        "stage": {p: _num(report.stage[i]) for i, p in enumerate(players)},
        "gain_over_stage": {
            p: _num(ex.payoffs[i] - report.stage[i]) for i, p in enumerate(players)
        },
    }
