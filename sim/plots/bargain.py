"""Figures of the bargaining report. matplotlib is imported only inside these functions.

Each figure is drawn from the typed result of :func:`sim.analyses.bargain.analyse`
(Agg backend, fixed size and DPI, no timestamp in the PNG metadata) so that the same report
gives the same bytes and no display is needed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.analyses.bargain_results import BargainResult

DPI = 110
MARKERS = {"nash": ("*", "tab:red"), "kalai_smorodinsky": ("D", "tab:purple"),
           "egalitarian": ("s", "tab:green"), "utilitarian": ("^", "tab:orange")}
LABELS = {"nash": "Nash", "kalai_smorodinsky": "Kalai-Smorodinsky",
          "egalitarian": "egalitarian", "utilitarian": "utilitarian", "rubinstein": "Rubinstein"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


def _xy(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def payoff_space(report: BargainResult, *, title: str = "", unit: str = "") -> bytes:
    """All profiles, the hull's Pareto frontier, Pareto profiles, pure equilibria, the
    disagreement point, each bargaining solution and the named profiles, labelled.

    Solutions at the same point (the Nash deal is often the utilitarian one) are drawn as
    rings of growing size around it, so none hides another."""
    plt = _pyplot()
    p1, p2 = report.players
    sp = report.payoff_space
    fig, ax = plt.subplots(figsize=(7.5, 6), layout="constrained")
    if sp.points is not None:
        pts = _xy(sp.points)
        ax.scatter(pts[:, 0], pts[:, 1], s=8, color="0.75", label="pure profiles", zorder=1)
    hull = _xy(sp.hull)
    if len(hull) > 2:
        closed = np.vstack([hull, hull[:1]])
        ax.fill(closed[:, 0], closed[:, 1], color="tab:blue", alpha=0.06, zorder=0)
    front = _xy(sp.frontier)
    ax.plot(front[:, 0], front[:, 1], "-", color="tab:blue", lw=2, label="Pareto frontier")
    par = np.array([[q.payoffs[p1], q.payoffs[p2]] for q in sp.pareto], dtype=float)
    ax.scatter(par[:, 0], par[:, 1], s=22, color="tab:blue", label="Pareto-optimal profiles",
               zorder=3)
    if report.equilibria:
        eq = np.array([[e.payoffs[p1], e.payoffs[p2]] for e in report.equilibria])
        ax.scatter(eq[:, 0], eq[:, 1], s=70, facecolor="none", edgecolor="black", lw=1.5,
                   label="pure Nash equilibria", zorder=4)
    d = report.disagreement.point
    ax.scatter([d[p1]], [d[p2]], marker="X", s=90, color="black", label="disagreement", zorder=5)
    ax.annotate("d", (d[p1], d[p2]), xytext=(6, -10), textcoords="offset points")
    drawn: list[tuple[float, float]] = []
    scale = max(1e-12, float(np.nanmax(np.abs(_xy(sp.hull)))) if len(sp.hull) else 1.0)
    for rank, (name, sol) in enumerate(report.solutions.items()):
        m, c = MARKERS[name]
        u = (sol.payoffs[p1], sol.payoffs[p2])
        under = sum(abs(u[0] - x) + abs(u[1] - y) <= 1e-6 * scale for x, y in drawn)
        drawn.append(u)
        if under:  # a ring around the markers already there
            ax.scatter([u[0]], [u[1]], marker=m, s=110 * (1 + 1.6 * under), facecolor="none",
                       edgecolor=c, lw=2, label=f"{LABELS[name]} (same point)", zorder=6 - under)
        else:
            ax.scatter([u[0]], [u[1]], marker=m, s=110, color=c, edgecolor="black", lw=0.5,
                       label=LABELS[name], zorder=12 - rank)  # the Nash deal on top
    from sim.plots.core import place_labels

    named = {name: (prof.payoffs[p1], prof.payoffs[p2])
             for name, prof in report.named_profiles.items()}
    for u in named.values():
        ax.scatter([u[0]], [u[1]], marker=".", s=30, color="0.2", zorder=5)
    unit_text = f" ({unit})" if unit else ""
    ax.set_xlabel(f"{p1} payoff{unit_text}")
    ax.set_ylabel(f"{p2} payoff{unit_text}")
    ax.set_title(f"{title or report.scenario}: payoff space and bargaining solutions")
    place_labels(fig, ax, named)  # after the limits are set by everything drawn
    ax.legend(fontsize=7, loc="lower left", markerscale=0.7)
    ax.grid(alpha=0.3)
    return _png(fig)


def rubinstein_deadline(report: BargainResult) -> bytes:
    """First proposer's payoff against the rounds left before the deadline, with the
    no-deadline (stationary) agreement and the scenario's deadline marked."""
    plt = _pyplot()
    rub = report.rubinstein
    first = rub.first
    k = report.players.index(first)
    n = np.array(rub.deadline.rounds_left)
    pays = _xy(rub.deadline.payoffs)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    ax.plot(n, pays[:, k], "o-", ms=3, label=f"{first} (proposer) payoff")
    ax.plot(n, pays[:, 1 - k], "o-", ms=3, label=f"{report.players[1 - k]} payoff")
    if rub.stationary is not None:
        for j, style in ((k, "--"), (1 - k, ":")):
            ax.axhline(rub.stationary.offer[report.players[j]], ls=style, color="0.4")
    ax.axvline(rub.rounds, color="tab:red", lw=1)
    ax.annotate(f"{rub.length_days:g}-day deadline", (rub.rounds, ax.get_ylim()[1]),
                xytext=(4, -12), textcoords="offset points", color="tab:red", fontsize=8)
    ax.set_xlabel("rounds left before the deadline")
    ax.set_ylabel("payoff of the agreement")
    ax.set_title("Alternating offers on the frontier")
    ax.legend(fontsize=8)
    share = np.array([np.nan if v is None else v for v in rub.deadline.unit_share])
    bx.plot(n, share, "o-", ms=3, color="tab:purple")
    bx.axhline(rub.unit_surplus.shares[first], ls="--", color="0.4",
               label="no deadline: (1 - d2) / (1 - d1 d2)")
    bx.axvline(rub.rounds, color="tab:red", lw=1)
    bx.set_xlabel("rounds left before the deadline")
    bx.set_ylabel(f"{first}'s share of a unit surplus")
    bx.set_title("Rubinstein share vs deadline")
    bx.legend(fontsize=8)
    for a in (ax, bx):
        a.grid(alpha=0.3)
    return _png(fig)


def outside_options(report: BargainResult) -> bytes:
    """Each player's payoff under every solution as its outside option varies, with the
    levels where the option starts to bind and where no deal remains."""
    plt = _pyplot()
    opts = report.outside_options
    fig, axes = plt.subplots(1, len(opts), figsize=(5.5 * len(opts), 4), squeeze=False,
                             layout="constrained")
    for ax, (player, o) in zip(axes[0], opts.items(), strict=True):
        k = report.players.index(player)
        x = np.array(o.sweep["values"], dtype=float)
        for name in (*MARKERS, "rubinstein"):
            y = _xy(o.sweep[name])[:, k]
            color = MARKERS[name][1] if name in MARKERS else "tab:blue"
            ax.plot(x, y, label=LABELS[name], color=color,
                    lw=2.5 if name == "nash" else 1.4, ls="-" if name == "nash" else "--")
        ax.plot(x, x, color="0.6", ls=":", label="the option itself")
        for level, text, color in ((o.binds_above, "binds", "tab:orange"),
                                   (o.rubinstein_binds_above, "binds (offers)", "tab:brown"),
                                   (o.moves_nash_above, "moves Nash", "tab:red"),
                                   (o.no_deal_above, "no deal", "black"),
                                   (o.value, "scenario", "0.4")):
            if level is not None and x.min() <= level <= x.max():
                ax.axvline(level, color=color, lw=1, ls="--")
                ax.annotate(text, (level, ax.get_ylim()[0]), xytext=(3, 4),
                            textcoords="offset points", fontsize=7, color=color, rotation=90)
        ax.set_xlabel(f"{player}'s outside option ({o.source})")
        ax.set_ylabel(f"{player}'s payoff")
        ax.set_title(f"{player}'s outside option")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    return _png(fig)


def linkage(report: BargainResult) -> bytes:
    """Critical discount factor of each deal: each lever alone, one negotiation per issue,
    and all issues linked ("never" bars are hatched)."""
    plt = _pyplot()
    rows = report.linkage.deals
    fig, ax = plt.subplots(figsize=(max(5.0, 1.4 * len(rows) + 2), 4), layout="constrained")
    x = np.arange(len(rows))
    for off, key, label, color in (
            (-0.28, "lever_by_lever_delta_star", "each lever alone", "tab:brown"),
            (0.0, "separate_delta_star", "one negotiation per issue", "tab:gray"),
            (0.28, "linked_delta_star", "all issues linked", "tab:blue")):
        vals = [getattr(r, key) for r in rows]
        heights = [1.0 if v is None else v for v in vals]
        bars = ax.bar(x + off, heights, width=0.26, label=label, color=color)
        for bar, v in zip(bars, vals, strict=True):
            if v is None:
                bar.set_hatch("//")
                bar.set_alpha(0.4)
            ax.annotate("never" if v is None else f"{v:.2f}",
                        (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=7)
    for k, (player, delta) in enumerate(report.linkage.deltas.items()):
        ax.axhline(delta, color="tab:red", ls="--" if k == 0 else ":", lw=1,
                   label=f"delta {player} = {delta:.3f}")
    ax.set_xticks(x, [r.name for r in rows], rotation=20, ha="right", fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("lowest delta sustaining the deal")
    ax.set_title("Issue linkage: the patience each deal needs")
    ax.legend(fontsize=8)
    return _png(fig)


def figures(report: BargainResult) -> dict[str, bytes]:
    """Every bargaining figure as ``{file name: PNG bytes}``."""
    out = {"bargain-payoff-space.png": payoff_space(report),
           "bargain-rubinstein-deadline.png": rubinstein_deadline(report)}
    if report.outside_options:
        out["bargain-outside-options.png"] = outside_options(report)
    if report.linkage.deals:
        out["bargain-linkage.png"] = linkage(report)
    return out


def figure_drawers(report: BargainResult, *, title: str = "",
                   unit: str = "") -> dict[str, Callable[[Path], Path]]:
    """``{file name: draw(path) -> path}`` for ``tradesim run``'s figure writer; ``title``
    (the scenario's) and ``unit`` (its payoffs') for the payoff space."""
    from sim.io import atomic_write_bytes

    drawers: dict[str, Callable[[], bytes]] = {
        "bargain-payoff-space.png": lambda: payoff_space(report, title=title, unit=unit),
        "bargain-rubinstein-deadline.png": lambda: rubinstein_deadline(report),
    }
    if report.outside_options:
        drawers["bargain-outside-options.png"] = lambda: outside_options(report)
    if report.linkage.deals:
        drawers["bargain-linkage.png"] = lambda: linkage(report)
    return {name: (lambda path, f=f: atomic_write_bytes(path, f()))
            for name, f in drawers.items()}
