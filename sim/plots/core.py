"""Figures of the core analysis. matplotlib is imported only inside these functions.

Each function draws one figure to a PNG path (Agg backend, fixed size and DPI, no
timestamps in the metadata) so that runs are reproducible and need no display.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.core import Analysis
from sim.errors import LimitError
from sim.io import atomic_write_bytes

DPI = 110
MAX_PLOT_STRATEGIES = 200
"""Most strategies per player drawn in a figure (a heat map row or column each; the
payoff-space scatter has one point per profile); ``run --max-plot-strategies`` raises it."""


def check_plot_size(shape: tuple[int, ...], limit: int = MAX_PLOT_STRATEGIES) -> None:
    """Raise :class:`LimitError` before any work if a figure would be over ``limit``."""
    if max(shape, default=0) > limit:
        msg = (f"the figures would show {' x '.join(map(str, shape))} strategies, over the "
               f"limit of {limit:,} per player; raise it with --max-plot-strategies or "
               "skip the figures with --no-figures")
        raise LimitError(msg)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path: Path) -> Path:
    """Save a figure atomically as PNG without a creation-time stamp."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    _pyplot().close(fig)
    return atomic_write_bytes(path, buf.getvalue())


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


LABEL_SPOTS = ((10, 10, "left"), (10, -16, "left"), (-10, 10, "right"), (-10, -16, "right"),
               (0, 14, "center"), (0, -22, "center"))
"""Label offsets (points) taken in turn, so neighbouring named profiles' labels part."""


def place_labels(fig: Any, ax: Any, points: Mapping[str, tuple[float, float]]) -> None:
    """Label each point at the first of :data:`LABEL_SPOTS` (then farther out) where the
    label covers no other point and no label placed before it; a thin leader line when the
    label had to move out."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    marks = {n: ax.transData.transform(u) for n, u in points.items()}
    boxes = {n: Bbox.from_extents(x - 7, y - 7, x + 7, y + 7) for n, (x, y) in marks.items()}
    placed: list[Any] = []
    spots = [(dx * f, dy * f, ha) for f in (1, 2, 3, 4, 5, 6) for dx, dy, ha in LABEL_SPOTS]
    style = {"textcoords": "offset points", "fontsize": 8, "zorder": 8,
             "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                      "alpha": 0.75}}
    for name, u in points.items():
        others = [b for n, b in boxes.items() if n != name] + placed
        for k, (dx, dy, ha) in enumerate(spots):
            text = ax.annotate(name, u, xytext=(dx, dy), ha=ha, **style)
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(b) for b in others) or k == len(spots) - 1:
                placed.append(box)
                if k >= len(LABEL_SPOTS):
                    text.remove()
                    ax.annotate(name, u, xytext=(dx, dy), ha=ha, arrowprops={
                        "arrowstyle": "-", "color": "0.5", "lw": 0.5}, **style)
                break
            text.remove()


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def payoff_heatmap(a: Analysis, path: Path, *, title: str = "", unit: str = "") -> Path:
    """One heat map per player of its payoffs over all profiles; equilibria marked.

    Pure equilibria are white stars; a mixed equilibrium marks each profile in its support
    with a circle whose area is the profile's probability. ``title`` (default: the game's
    name) heads the figure, ``unit`` labels the colour bars.
    """
    plt = _pyplot()
    g = a.game
    m, n = g.shape[:2]
    fig, axes = plt.subplots(1, 2, figsize=(8 + 0.3 * n * 2, 3 + 0.22 * m), squeeze=False,
                             layout="constrained")
    for k, ax in enumerate(axes[0]):
        im = ax.imshow(g.payoffs[k], cmap="viridis", aspect="auto")
        fig.colorbar(im, ax=ax, shrink=0.8, label=f"{g.players[k]} payoff{_unit(unit)}")
        ax.set_title(f"{g.players[k]}'s payoff")
        ax.set_xlabel(f"{g.players[1]} strategy")
        ax.set_xticks(range(n), [_short(s) for s in g.strategies[1]], rotation=90, fontsize=6)
        if k == 0:
            ax.set_ylabel(f"{g.players[0]} strategy")
            ax.set_yticks(range(m), [_short(s) for s in g.strategies[0]], fontsize=6)
        else:
            ax.set_yticks(range(m), [""] * m)
        for e, eq in enumerate(a.equilibria.equilibria):
            x, y = eq.strategies
            if (x > 1 - 1e-9).any() and (y > 1 - 1e-9).any():
                i, j = int(np.argmax(x)), int(np.argmax(y))
                ax.plot(j, i, marker="*", color="white", markersize=14, markeredgecolor="black",
                        label="pure equilibrium" if e == 0 else None)
            else:
                ii, jj = np.nonzero(np.outer(x, y) > 1e-9)
                ax.scatter(jj, ii, s=300 * np.outer(x, y)[ii, jj], facecolors="none",
                           edgecolors="red", linewidths=1.5)
    fig.suptitle(f"{title or g.name}: payoffs with equilibria (★ pure, ○ mixed support)")
    return save(fig, path)


def payoff_space(a: Analysis, path: Path,
                 named: Mapping[str, tuple[int, ...]] | None = None, *, title: str = "",
                 unit: str = "") -> Path:
    """Every pure profile's payoff pair, the Pareto-optimal ones, and the equilibria; named
    profiles labelled, their labels pushed apart when points crowd."""
    plt = _pyplot()
    g = a.game
    pts = g.payoffs.reshape(g.payoffs.shape[0], -1)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    ax.scatter(pts[0], pts[1], s=10, color="0.7", label="pure profiles")
    par = np.array([[g.payoffs[(0, *s)], g.payoffs[(1, *s)]] for s in a.pareto])
    if len(par):
        order = np.argsort(par[:, 0])
        ax.plot(par[order, 0], par[order, 1], "o-", color="tab:green", markersize=5,
                label="Pareto-optimal profiles")
    eqp = np.array([eq.payoffs[:2] for eq in a.equilibria.equilibria])
    if len(eqp):
        ax.scatter(eqp[:, 0], eqp[:, 1], marker="*", s=220, color="tab:red",
                   edgecolors="black", zorder=5, label="Nash equilibria")
    points = {name: (g.payoffs[(0, *idx)], g.payoffs[(1, *idx)])
              for name, idx in (named or {}).items()}
    for k, u in enumerate(points.values()):
        ax.scatter(*u, marker="D", s=60, color="tab:blue", zorder=6,
                   label="named profiles" if k == 0 else None)
    place_labels(fig, ax, points)
    ax.set_xlabel(f"{g.players[0]} payoff{_unit(unit)}")
    ax.set_ylabel(f"{g.players[1]} payoff{_unit(unit)}")
    ax.set_title(f"{title or g.name}: payoff space")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return save(fig, path)
