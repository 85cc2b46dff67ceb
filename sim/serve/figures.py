"""The dashboard's and the debrief's figures: class play against the theory (matplotlib).

Figures are drawn on :class:`matplotlib.figure.Figure` objects with the Agg canvas (no
pyplot state, so requests in different threads do not share a figure) and returned as
bytes: PNG without a time stamp, or a PDF of debrief slides without a creation date, so the
same game gives the same file.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

DPI = 110
COLOURS = ("C0", "C3", "C2", "C1", "C4", "C5")


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def payoff_space(ax: Any, theory: Mapping[str, Any], stats: Mapping[str, Any]) -> None:
    """Pure payoff pairs, Pareto frontier, equilibria, Nash and KS deals, the truce, and the
    class: each pair's average payoff per round (by treatment) and each bargaining deal."""
    p1, p2 = theory["players"]
    pts = theory["points"]
    ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=8, color="0.8",
               label="pure profiles", zorder=1)
    fr = theory["frontier"]
    ax.plot([p[0] for p in fr], [p[1] for p in fr], color="0.3", lw=1.5,
            label="Pareto frontier", zorder=2)
    for k, eq in enumerate(theory["equilibria"]):
        ax.scatter(*eq["payoffs"], marker="*", s=160, color="gold", edgecolor="k",
                   label="equilibrium" if k == 0 else None, zorder=5)
    marks = (("nash", "Nash deal", "D", "C1"), ("ks", "Kalai–Smorodinsky deal", "s", "C4"),
             ("disagreement", "disagreement point", "X", "0.2"))
    for key, label, marker, colour in marks:
        if theory.get(key) is not None:
            ax.scatter(*theory[key], marker=marker, s=70, color=colour, edgecolor="k",
                       label=label, zorder=6)
    if theory.get("truce"):
        ax.scatter(*theory["truce"]["payoffs"], marker="P", s=110, color="C2", edgecolor="k",
                   label="the truce", zorder=6)
    groups = sorted({p["treatment"] for p in stats["pairs"]})
    for k, g in enumerate(groups):
        xs = [p["payoffs"] for p in stats["pairs"] if p["treatment"] == g]
        ax.scatter([x[0] for x in xs], [x[1] for x in xs], s=40, alpha=0.8,
                   color=COLOURS[k % len(COLOURS)], label=f"pairs ({g})", zorder=4)
    if stats.get("bargaining"):
        deals = stats["bargaining"]["points"]
        ax.scatter([d["payoffs"][0] for d in deals], [d["payoffs"][1] for d in deals],
                   s=50, marker="o", facecolor="none", edgecolor="C3", lw=1.5,
                   label="class deals (or fallback)", zorder=4)
    ax.set_xlabel(f"{p1} payoff")
    ax.set_ylabel(f"{p2} payoff")
    ax.set_title("Payoffs: the class against the theory")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3,
              frameon=False)


def survival(ax: Any, stats: Mapping[str, Any]) -> None:
    """Class survival of the truce by treatment (solid) against grim trigger's (dashed)."""
    for k, (name, s) in enumerate(sorted(stats["survival"].items())):
        colour = COLOURS[k % len(COLOURS)]
        t = range(len(s["predicted"]))
        ax.plot(list(t), s["predicted"], ls="--", color=colour, label=f"predicted ({name})")
        cls = [(i, x) for i, x in enumerate(s["class"]) if x is not None]
        if cls:
            ax.plot([i for i, _ in cls], [x for _, x in cls], marker="o", color=colour,
                    label=f"class ({name}, {s['pairs']} pair{'' if s['pairs'] == 1 else 's'})")
    ax.set_ylim(-0.03, 1.03)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("round")
    ax.set_ylabel("share of truces intact")
    ax.set_title("Truce survival by treatment")
    ax.grid(alpha=0.3)
    if stats["survival"]:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2,
                  frameon=False)


def outcomes(ax: Any, stats: Mapping[str, Any]) -> None:
    """Stacked bars: the outcome distribution per round (deals and fallbacks when the
    activity is a bargaining round)."""
    if stats.get("bargaining"):
        b = stats["bargaining"]
        ax.bar(["deal", "fallback", "still open"],
               [b["agreed"], b["settled"] - b["agreed"], b["pairs"] - b["settled"]],
               color=["C2", "C3", "0.7"])
        ax.set_ylabel("pairs")
        ax.set_title("Bargaining: deals before the deadline")
        ax.yaxis.get_major_locator().set_params(integer=True)
        return
    rows = stats["outcomes"]
    keys = sorted({k for r in rows for k in r["counts"]})[:8]
    bottom = [0] * len(rows)
    x = [r["round"] for r in rows]
    for k, key in enumerate(keys):
        h = [r["counts"].get(key, 0) for r in rows]
        ax.bar(x, h, bottom=bottom, color=COLOURS[k % len(COLOURS)],
               label=textwrap.shorten(key, 40))
        bottom = [a + b for a, b in zip(bottom, h, strict=True)]
    ax.set_xlabel("round")
    ax.set_ylabel("pairs")
    ax.set_title("Outcomes per round")
    ax.xaxis.get_major_locator().set_params(integer=True)
    if keys:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2,
                  frameon=False)


def dashboard_png(theory: Mapping[str, Any], stats: Mapping[str, Any]) -> bytes:
    """The dashboard's figure: payoff space, and survival or outcomes beside it."""
    fig = _figure(11, 5.6)
    a, b = fig.subplots(1, 2)
    payoff_space(a, theory, stats)
    if stats["survival"]:
        survival(b, stats)
    else:
        outcomes(b, stats)
    fig.tight_layout()
    return _png(fig)


def debrief_pdf(slides: Sequence[Mapping[str, Any]], theory: Mapping[str, Any],
                stats: Mapping[str, Any]) -> bytes:
    """The debrief as slides (16:9 pages): one figure page each, then the prompts."""
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    with PdfPages(buf, metadata={"CreationDate": None, "ModDate": None,
                                 "Producer": "tradesim", "Creator": "tradesim"}) as pdf:
        for draw in (payoff_space, survival if stats["survival"] else outcomes):
            fig = _figure(10, 5.625)
            draw(fig.subplots(), theory, stats) if draw is payoff_space else draw(
                fig.subplots(), stats)
            fig.tight_layout()
            pdf.savefig(fig)
        for slide in slides:
            fig = _figure(10, 5.625)
            _text_slide(fig, slide["title"], slide["lines"])
            pdf.savefig(fig)
    return buf.getvalue()


def debrief_png(slides: Sequence[Mapping[str, Any]], theory: Mapping[str, Any],
                stats: Mapping[str, Any]) -> bytes:
    """The debrief on one tall image: the two figures, then the prompts."""
    fig = _figure(12, 11)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.1])
    a, b = top.subplots(1, 2)
    top.subplots_adjust(bottom=0.3, wspace=0.25)
    payoff_space(a, theory, stats)
    survival(b, stats) if stats["survival"] else outcomes(b, stats)
    lines: list[str] = []
    for slide in slides:
        lines += [slide["title"], *(f"  • {x}" for x in slide["lines"]), ""]
    _text_slide(bottom, "Debrief", lines)
    return _png(fig)


def _text_slide(fig: Any, title: str, lines: Sequence[str]) -> None:
    fig.text(0.04, 0.92, title, fontsize=18, weight="bold", va="top")
    wrapped: list[str] = []
    for line in lines:
        wrapped += textwrap.wrap(line, 100, subsequent_indent="    ") or [""]
    fig.text(0.04, 0.82, "\n".join(wrapped[:30]), fontsize=11, va="top", linespacing=1.4)


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return buf.getvalue()
