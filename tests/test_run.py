"""`tradesim run`'s sections (sim/run.py): one independent random stream per section."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from sim import run
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios/london-2025.toml"


def _first_draws(seed: np.random.SeedSequence) -> tuple[float, ...]:
    return tuple(np.random.default_rng(seed).random(4))


def test_each_section_gets_its_own_child_by_position(monkeypatch):
    seen: list[np.random.SeedSequence] = []

    def record(scenario, game, options, seed):
        seen.append(seed)

    monkeypatch.setattr(run, "SECTION_BUILDERS", lambda: [record] * 4)
    scenario = load_scenario(LONDON)
    run.run_sections(scenario, build_game(scenario), run.RunOptions(seed=7))
    assert [s.spawn_key for s in seen] == [(0,), (1,), (2,), (3,)]
    assert all(s.entropy == 7 for s in seen)
    for a, b in itertools.combinations(seen, 2):
        assert _first_draws(a) != _first_draws(b)


def test_the_truce_and_sensitivity_streams_no_longer_collide():
    """Before: the truce's third strategy pair drew from SeedSequence(seed).spawn(k)[2] and
    the tornado from SeedSequence(seed).spawn(3)[2]: the same stream."""
    from sim.solvers.sampling import spawn

    root = np.random.SeedSequence(0)
    truce, sensitivity = spawn(root, 4)[1], spawn(root, 4)[3]
    pairs = spawn(truce, 6)
    tornado, robustness = spawn(sensitivity, 2)
    design, tasks = spawn(robustness, 2)
    streams = [*pairs, tornado, design, *spawn(tasks, 64)]
    draws = {_first_draws(s) for s in streams}
    assert len(draws) == len(streams)
    old_third_pair = np.random.default_rng(np.random.SeedSequence(0)).spawn(6)[2]
    old_tornado = np.random.SeedSequence(0).spawn(3)[2]
    assert old_third_pair.random() == np.random.default_rng(old_tornado).random()  # the bug


@pytest.mark.slow
def test_run_records_each_sections_stream(tmp_path):
    from sim.formats.json import dumps

    scenario = load_scenario(LONDON)
    game = build_game(scenario)
    options = run.RunOptions(seed=3, figures=False)
    sections = run.run_sections(scenario, game, options)
    doc = run.results_document(scenario, sections, options)
    assert doc["truce"]["simulation"]["seed"] == 3
    assert doc["truce"]["simulation"]["stream"] == [1]
    assert doc["sensitivity"]["seed"] == 3
    assert doc["sensitivity"]["stream"] == [3]
    assert dumps(doc) == dumps(run.results_document(
        scenario, run.run_sections(scenario, game, options), options))  # same seed, same bytes
