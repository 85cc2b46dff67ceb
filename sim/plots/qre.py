"""Plot of the logit QRE principal branch: each strategy's probability against lambda.

matplotlib is imported inside the function, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.game import Game
from sim.solvers.qre import QREPath


def plot_qre_path(path: QREPath, players: Sequence[str], strategies: Sequence[Sequence[str]],
                  out: Path | str) -> Path:
    """Write a PNG with one panel per player: probability of each strategy against lambda.

    The x axis is symmetric-logarithmic so that both the start at lambda = 0 and the
    approach to the limit equilibrium are visible.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    fig, axes = plt.subplots(len(players), 1, figsize=(7, 2.6 * len(players)), sharex=True,
                             squeeze=False)
    for i, (ax, player) in enumerate(zip(axes[:, 0], players, strict=True)):
        probs = [profile[i] for profile in path.profiles]
        for j, label in enumerate(strategies[i]):
            ax.plot(path.lambdas, [p[j] for p in probs], label=label)
        ax.set_ylabel(f"{player}\nprobability")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xscale("symlog", linthresh=max(float(path.lambdas[1]) if len(path.lambdas) > 1
                                              else 1.0, 1e-6))
        if len(strategies[i]) <= 8:
            ax.legend(fontsize="small", loc="best")
    axes[-1, 0].set_xlabel("precision λ (logit QRE principal branch)")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def write_qre_plot(game: Game, out: Path) -> Path:
    """Trace the principal branch and write its plot (PNG) atomically to ``out``."""
    import tempfile

    from sim.io import write_output
    from sim.solvers.qre import logit_qre_path

    path = logit_qre_path(game.payoffs)
    with tempfile.TemporaryDirectory() as tmp:
        png = plot_qre_path(path, game.players, game.strategies, Path(tmp) / "qre.png")
        return Path(write_output(out, png.read_bytes()))
