"""Figures of learning dynamics: phase portraits of 2x2 games with basins, and time paths.

matplotlib is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from sim.solvers.learning import Basins, Trajectory

if TYPE_CHECKING:
    from sim.analyses.learning import LearningReport

PHASE_PATHS = 12
"""Most replicator trajectories drawn in a phase portrait (the basins show every start)."""


def plot_phase_2x2(trajectories: Sequence[Trajectory], players: Sequence[str],
                   strategies: Sequence[Sequence[str]], out: Path | str | BinaryIO,
                   basins: Basins | None = None, title: str = "") -> Path:
    """Two-player 2x2 game: each trajectory in the unit square of (P(row plays its first
    strategy), P(column plays its first strategy)), arrows at the end; with ``basins`` the
    grid of starts coloured by the equilibrium each reaches."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out) if isinstance(out, str | Path) else out
    fig, ax = plt.subplots(figsize=(7.6, 4.8))
    colours = plt.get_cmap("tab10")
    if basins is not None:
        for k, eq in enumerate(basins.equilibria):
            pts = [s for s, lab in zip(basins.starts, basins.labels, strict=True) if lab == k]
            label = f"→ ({eq[0][0]:.2g}, {eq[1][0]:.2g})"
            ax.scatter([p[0][0] for p in pts], [p[1][0] for p in pts], s=14,
                       color=colours(k), alpha=0.5, label=label)
            ax.plot(eq[0][0], eq[1][0], marker="*", markersize=14, color=colours(k),
                    markeredgecolor="black")
        none = [s for s, lab in zip(basins.starts, basins.labels, strict=True) if lab < 0]
        if none:
            ax.scatter([p[0][0] for p in none], [p[1][0] for p in none], s=14, color="grey",
                       label="no equilibrium reached")
    for t in trajectories:
        x, y = t.profiles[0][:, 0], t.profiles[1][:, 0]
        ax.plot(x, y, color="black", linewidth=0.8)
        if len(x) > 1:
            ax.annotate("", xy=(x[-1], y[-1]), xytext=(x[-2], y[-2]),
                        arrowprops={"arrowstyle": "->", "color": "black"})
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{players[0]}: probability of {strategies[0][0]}")
    ax.set_ylabel(f"{players[1]}: probability of {strategies[1][0]}")
    if title:
        ax.set_title(title)
    if basins is not None:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_time_paths(trajectory: Trajectory, players: Sequence[str],
                    strategies: Sequence[Sequence[str]], out: Path | str | BinaryIO,
                    xlabel: str = "time") -> Path:
    """Any number of players: one panel per player, each strategy's probability over time
    (for fictitious play, the empirical frequency over rounds)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out) if isinstance(out, str | Path) else out
    n = len(players)
    fig, axes = plt.subplots(n, 1, figsize=(7, 2.3 * n), sharex=True, squeeze=False)
    for i, ax in enumerate(axes[:, 0]):
        probs = np.asarray(trajectory.profiles[i])
        for j, label in enumerate(strategies[i]):
            ax.plot(trajectory.times, probs[:, j], label=label)
        ax.set_ylabel(f"{players[i]}\nprobability")
        ax.set_ylim(-0.02, 1.02)
        if len(strategies[i]) <= 8:
            ax.legend(fontsize="small", loc="best")
    axes[-1, 0].set_xlabel(xlabel)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def learning_figure(report: LearningReport) -> bytes:
    """The figure of a ``tradesim learn`` run as PNG bytes: for a two-player 2x2 game the
    phase portrait (replicator: up to :data:`PHASE_PATHS` trajectories and the basins of
    every start; fictitious play: the path of the empirical frequencies), otherwise each
    strategy's probability over time (rounds) along the first trajectory."""
    g = report.game
    buffer = io.BytesIO()
    method = report.settings.method
    title = {"fictitious": "fictitious play", "stochastic": "stochastic fictitious play",
             "replicator": "replicator dynamics"}[method]
    if g.shape == (2, 2):
        paths = report.trajectories[:PHASE_PATHS]
        plot_phase_2x2(paths, g.players, g.strategies, buffer, basins=report.basins,
                       title=f"{g.name}: {title}")
    else:
        plot_time_paths(report.trajectories[0], g.players, g.strategies, buffer,
                        xlabel="time" if method == "replicator" else "round")
    return buffer.getvalue()
