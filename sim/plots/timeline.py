"""The timeline figure: recorded against expected lever levels, δ* against δ, predictions.

Takes a :class:`sim.analyses.timeline.TimelineAnalysis` and returns PNG bytes (the caller
writes them atomically). matplotlib is imported inside the function, through
:class:`matplotlib.figure.Figure` (no pyplot state, no display).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight",
                metadata={"Software": None})  # no version stamp: same input, same bytes
    return buf.getvalue()


def timeline_figure(result: Any) -> bytes:
    """One panel per lever (recorded level, and the level the model expects), then δ* against
    the effective δ, then each stage's predicted probability with what happened."""
    from matplotlib.figure import Figure

    stages = result.stages
    dates = [dt.date.fromisoformat(s.date) for s in stages]
    levers = list(dict.fromkeys(k for s in stages for k in (s.recorded_values or {})))
    fig = Figure(figsize=(8.0, 2.0 * (len(levers) + 2)), layout="constrained")
    axes = fig.subplots(len(levers) + 2, 1, sharex=True)
    for ax, lever in zip(axes, levers, strict=False):
        _lever_panel(ax, lever, dates, stages)
    _discount_panel(axes[len(levers)], dates, stages)
    _prediction_panel(axes[-1], dates, stages)
    fig.suptitle(result.title or result.name, fontsize="medium")
    for label in axes[-1].get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    return _png(fig)


def _lever_panel(ax: Any, lever: str, dates: list[dt.date], stages: Any) -> None:
    """A lever's recorded level (steps; dotted where not reported) and the expected one."""
    rec = [(d, (s.recorded_values or {}).get(lever)) for d, s in zip(dates, stages,
                                                                    strict=True)]
    exp = [(d, (s.expected_values or {}).get(lever)) for d, s in zip(dates, stages,
                                                                    strict=True)]
    known = [(d, v) for d, v in rec if v is not None]
    if known:
        ax.step(*zip(*known, strict=True), where="post", marker="o", color="C0",
                label="recorded")
    for k, d in enumerate(d for d, v in rec if v is None):
        ax.axvline(d, color="0.6", ls=":", label="not reported" if k == 0 else None)
    shown = [(d, v) for d, v in exp if v is not None]
    if shown:
        ax.step(*zip(*shown, strict=True), where="post", marker="s", ls="--",
                color="C1", label="model expects")
    ax.set_ylabel(lever)
    ax.legend(loc="best", fontsize="small")


def _discount_panel(ax: Any, dates: list[dt.date], stages: Any) -> None:
    """δ* of each stage's truce (a marker at 1 where none is sustainable) and effective δ."""
    truces = [(d, s.truce) for d, s in zip(dates, stages, strict=True) if s.truce is not None]
    if truces:
        finite = [(d, t.delta_star) for d, t in truces if math.isfinite(t.delta_star)]
        never = [d for d, t in truces if not math.isfinite(t.delta_star)]
        if finite:
            ax.plot(*zip(*finite, strict=True), marker="o", label="δ* of the truce")
        if never:
            ax.plot(never, [1.0] * len(never), ls="", marker="^", color="C3",
                    label="δ* = never: no δ < 1 sustains the truce")
        ax.plot([d for d, _ in truces], [t.delta_effective for _, t in truces], marker="s",
                ls="--", label="δ × (1 − h), effective")
        ax.set_ylim(0, 1.05)
        ax.legend(loc="best", fontsize="small")
    ax.set_ylabel("discount factor")


def _prediction_panel(ax: Any, dates: list[dt.date], stages: Any) -> None:
    """Each stage's predicted probability, the baseline's, and what happened."""
    preds = [(d, s.prediction) for d, s in zip(dates, stages, strict=True)
             if s.prediction is not None]
    if preds:
        ax.plot([d for d, _ in preds], [p.probability for _, p in preds], marker="o",
                label="model: P(no change by next date)")
        ax.plot([d for d, _ in preds], [p.baseline for _, p in preds], marker="s", ls="--",
                label="baseline (Laplace)")
        hit = [(d, float(p.outcome)) for d, p in preds if p.outcome is not None]
        if hit:
            ax.plot(*zip(*hit, strict=True), ls="", marker="*", ms=12, color="k",
                    label="what happened (1 = no change)")
        ax.legend(loc="best", fontsize="small")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("probability")
