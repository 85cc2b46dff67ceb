"""Figures a reader can use: labels that do not overlap, titles and units from the scenario."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from sim.plots.core import place_labels


def _label_boxes(fig, ax):
    renderer = fig.canvas.get_renderer()
    from matplotlib.text import Text

    # the text itself, not an annotation's leader line
    return [Text.get_window_extent(t, renderer) for t in ax.texts]


def test_crowded_named_profiles_get_labels_that_do_not_overlap():
    """Five points within a few pixels of one another (London's deals crowd like this)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    pts = {"swap": (0.0, 0.0), "broad_deal": (0.05, 0.1), "full_deal": (0.1, 0.0),
           "geneva": (0.0, 0.12), "april_escalation": (0.08, 0.06)}
    ax.scatter(*zip(*pts.values(), strict=True))
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    place_labels(fig, ax, pts)
    boxes = _label_boxes(fig, ax)
    assert len(boxes) == len(pts)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    plt.close(fig)


def test_a_coincident_solution_is_drawn_as_a_ring_with_its_own_legend_entry():
    from sim.analyses import bargain as bg
    from sim.scenario import load_scenario
    from sim.scenario.build import build_game

    s = load_scenario("scenarios/london-2025.toml")
    g = build_game(s)
    report = bg.analyse(s, g, bg.settings(s, g))
    nash, util = report.solutions["nash"].payoffs, report.solutions["utilitarian"].payoffs
    assert nash == util  # London's Nash deal is also the utilitarian one
    captured = {}
    real = plt.Axes.legend

    def spy(self, *args, **kwargs):
        captured["labels"] = [t for t in self.get_legend_handles_labels()[1]]
        return real(self, *args, **kwargs)

    from sim.plots import bargain as pb

    plt.Axes.legend = spy
    try:
        png = pb.payoff_space(report, title=s.title, unit=s.payoff_unit)
    finally:
        plt.Axes.legend = real
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "utilitarian (same point)" in captured["labels"]
    assert "Nash" in captured["labels"]
