"""Figures of the truce report (``tradesim truce`` and the truce section of ``tradesim run``).

Each function takes the JSON-ready report of :func:`sim.analyses.truce.analyse` and returns
PNG bytes, so the caller writes them atomically. matplotlib is imported inside the functions
only (``tradesim --help`` stays fast), through :class:`matplotlib.figure.Figure`, which needs
no pyplot state and no display.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

Report = Mapping[str, Any]


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight",
                metadata={"Software": None})  # no version stamp: same input, same bytes
    return buf.getvalue()


def _new(width: float = 7.0, height: float = 4.0) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _period(report: Report) -> str:
    return f"{report['time']['period_days']:g}-day period"


def delta_star_bars(report: Report) -> bytes:
    """Critical discount factor per side, one group of bars per punishment.

    A side that no :math:`\\delta < 1` can hold is drawn at 1 and hatched; the line is the
    scenario's per-period :math:`\\delta`.
    """
    fig, ax = _new()
    names = [n for n, t in report["thresholds"].items() if "error" not in t]
    players = report["players"]
    width = 0.8 / len(players)
    for i, p in enumerate(players):
        values = [report["thresholds"][n]["players"][p]["delta_star"] for n in names]
        xs = [j + (i - (len(players) - 1) / 2) * width for j in range(len(names))]
        heights = [1.0 if v is None else v for v in values]
        bars = ax.bar(xs, heights, width, label=p)
        for bar, v in zip(bars, values, strict=True):
            if v is None:
                bar.set_hatch("//")
            ax.annotate("never" if v is None else f"{v:.2f}", (bar.get_x() + bar.get_width() / 2,
                        bar.get_height()), ha="center", va="bottom", fontsize=8)
    ax.axhline(report["time"]["delta"], color="black", linestyle="--", linewidth=1,
               label=f"scenario δ = {report['time']['delta']:.3f}")
    ax.set_xticks(range(len(names)), names)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel(f"critical discount factor δ* (per {_period(report)})")
    ax.set_title(f"{report.get('title') or report['scenario']}: who needs how much patience "
                 "to keep the truce", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))  # clear of the bars
    return _png(fig)


def sustainable_steps(report: Report) -> bytes:
    """Joint payoff of the best profile sustainable with Nash reversion, as δ goes 0 → 1."""
    fig, ax = _new()
    best = report["best_sustainable"]
    steps = best.get("steps", [])
    if steps:
        xs = [s["delta"] for s in steps] + [1.0]
        ys = [s["joint_payoff"] for s in steps]
        ax.step(xs, [*ys, ys[-1]], where="post", color="tab:blue")
        for n, s in enumerate(steps, start=1):
            ax.annotate(str(n), (s["delta"], s["joint_payoff"]), fontsize=7,
                        xytext=(2, 3), textcoords="offset points")
        key = "\n".join(f"{n}. δ ≥ {s['delta']:.3f}: {s['changes']}"
                         for n, s in enumerate(steps, start=1))
        fig.text(0.01, -0.02, key, fontsize=6, va="top", ha="left", wrap=True)
    else:
        ax.text(0.5, 0.5, best.get("error", "no pure profile"), ha="center",
                transform=ax.transAxes, fontsize=8)
    ax.axvline(report["time"]["delta"], color="black", linestyle="--", linewidth=1,
               label=f"scenario δ = {report['time']['delta']:.3f}")
    named = [(n, v["delta_star"]) for n, v in report.get("named_profiles", {}).items()
             if v["delta_star"] is not None and v["delta_star"] < 1]
    for n, d in named:  # where each profile the file names becomes sustainable
        ax.plot([d], [0.02], marker="^", color="tab:red", transform=ax.get_xaxis_transform())
        ax.annotate(n, (d, 0.05), xycoords=("data", "axes fraction"), rotation=90, fontsize=7,
                    color="tab:red", va="bottom", ha="center")
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"discount factor δ (per {_period(report)})")
    ax.set_ylabel("joint payoff of the best sustainable profile")
    ax.set_title("Most cooperative profile sustainable by Nash reversion")
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def survival_curves(report: Report) -> bytes:
    """P(no slip by day t) per library strategy pair, ±2 standard errors, expiry marked;
    the truce model's P(no slip) and P(collapse) (exact) as thick lines on top."""
    fig, ax = _new()
    for pair in report["simulation"]["pairs"]:
        days, s, se = pair["days"], pair["survival"], pair["survival_se"]
        ax.step(days, s, where="post", label=pair["label"], linewidth=1.2)
        lo = [max(0.0, a - 2 * b) for a, b in zip(s, se, strict=True)]
        hi = [min(1.0, a + 2 * b) for a, b in zip(s, se, strict=True)]
        ax.fill_between(days, lo, hi, step="post", alpha=0.15)
    model = report.get("model")
    if model:
        curve = model["curve"]
        ax.step(curve["days"], curve["no_slip"], where="post", color="black", linewidth=2.5,
                label="truce model: P(no slip)")
        ax.step(curve["days"], curve["collapse"], where="post", color="firebrick",
                linewidth=2.5, linestyle="--", label="truce model: P(collapse)")
    expiry = report["time"]["length_days"]
    ax.axvline(expiry, color="black", linestyle=":", linewidth=1)
    ax.annotate(f"expiry, day {expiry:g}", (expiry, 1.02), ha="right", fontsize=8)
    if model:  # the number that matters, on the plot: P(no slip) at expiry
        last = model["curve"]["no_slip"][-1]
        ax.annotate(f"P(no slip) at expiry: {last:.2f}", (model["curve"]["days"][-1], last),
                    xytext=(-8, 12), textcoords="offset points", ha="right", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.6"})
    sim = report["simulation"]
    ax.set_xlabel("day")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.08)
    ax.set_title(f"No slip so far: library pairs (implementation "
                 f"{sim['noise_implementation']:g}, perception {sim['noise_perception']:g}, "
                 f"{sim['runs']:,} runs) and the truce model", fontsize=9)
    ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    return _png(fig)


FIGURES = {
    "truce_delta_star.png": delta_star_bars,
    "truce_sustainable.png": sustainable_steps,
    "truce_survival.png": survival_curves,
}
"""Each truce figure's file name and the function that draws it."""


def figures(report: Report) -> dict[str, bytes]:
    """Every truce figure by file name."""
    return {name: draw(report) for name, draw in FIGURES.items()}
