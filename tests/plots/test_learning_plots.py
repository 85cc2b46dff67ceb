"""Learning-dynamics figures are written as PNG files (the pictures were looked at by hand)."""

from __future__ import annotations

import numpy as np

from sim.plots.learning import plot_phase_2x2, plot_time_paths
from sim.solvers import learning


def test_phase_portrait_and_time_paths_are_pngs(tmp_path):
    A = np.array([[4.0, 0.0], [3.0, 3.0]])
    payoffs = np.array([A, A.T])
    eqs = [(np.array([1.0, 0.0]),) * 2, (np.array([0.0, 1.0]),) * 2]
    basins = learning.basins(payoffs, eqs, learning.grid_starts((2, 2), 5))
    paths = learning.replicator(payoffs, list(basins.starts[:2]), t_end=20)
    out = plot_phase_2x2(paths, ["Row", "Column"], [["stag", "hare"]] * 2,
                         tmp_path / "phase.png", basins=basins, title="stag hunt")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run = learning.fictitious_play(payoffs, 50)
    out = plot_time_paths(run, ["Row", "Column"], [["stag", "hare"]] * 2,
                          tmp_path / "fp.png", xlabel="round")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
