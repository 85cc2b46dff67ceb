"""``tradesim solve FILE --plot PATH``: the logit QRE branch plot of a game."""

from __future__ import annotations

from pathlib import Path

from sim.game import Game


def write_qre_plot(game: Game, out: Path) -> Path:
    """Trace the principal branch and write its plot (PNG) atomically to ``out``."""
    import tempfile

    from sim.io import atomic_write_bytes
    from sim.plots_qre import plot_qre_path
    from sim.solvers.qre import logit_qre_path

    path = logit_qre_path(game.payoffs)
    with tempfile.TemporaryDirectory() as tmp:
        png = plot_qre_path(path, game.players, game.strategies, Path(tmp) / "qre.png")
        return atomic_write_bytes(out, png.read_bytes())
