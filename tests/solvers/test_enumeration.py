"""Reverse-search enumeration: processes, progress, interruption, memory-free matching."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli.progress import progress_line
from sim.solvers import enumeration as en
from sim.solvers.equilibria import solve
from sim.solvers.reverse_search import root, walk


def keys(pairs):
    return {tuple(np.round(np.concatenate(p), 8) + 0.0) for p in pairs}


def game(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 100, (n, n)).astype(float), rng.integers(0, 100, (n, n)).astype(float)


@pytest.fixture
def small_parts(monkeypatch):
    """Split even small trees into many parts (a handful of roots each)."""
    monkeypatch.setattr(en, "ROOTS_PER_TASK", 2)


def test_two_processes_find_what_one_finds(small_parts):
    A, B = game(11, 3)
    one = en.search(A, B, workers=1)
    two = en.search(A, B, workers=2)
    assert one.complete
    assert two.complete
    assert keys(one.pairs) == keys(two.pairs)
    assert one.bases == two.bases           # every basis visited exactly once either way


def test_swapping_players_swaps_the_answer():
    rng = np.random.default_rng(5)
    A, B = rng.integers(0, 9, (4, 7)).astype(float), rng.integers(0, 9, (4, 7)).astype(float)
    direct = en.search(A, B, workers=1)
    swapped = en.search(B.T, A.T, workers=1)
    assert keys(direct.pairs) == keys((y, x) for x, y in swapped.pairs)


def test_each_basis_is_visited_once():
    M = np.random.default_rng(2).uniform(1, 2, (7, 6))
    seen = [tuple(sorted(b)) for batch in walk(M, root(M), batch=16) for b in batch.bases]
    assert len(seen) == len(set(seen))


def test_progress_reports_every_part_and_ends_complete(small_parts):
    A, B = game(12, 1)
    seen = []
    en.search(A, B, workers=1, progress=seen.append)
    assert seen[0].done == 0
    assert seen[-1].done == seen[-1].total > 1
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].remaining == pytest.approx(0.0)
    line = progress_line(seen[-1])
    assert f"{seen[-1].total}/{seen[-1].total} parts" in line
    assert "#" * 30 in line


def test_ctrl_c_returns_what_was_found_as_incomplete(small_parts):
    A, B = game(12, 1)
    full = solve(np.array([A, B]), method="enumerate")

    def interrupt(p):
        if p.done == 3:
            raise KeyboardInterrupt

    part = solve(np.array([A, B]), method="enumerate", progress=interrupt)
    assert part.interrupted
    assert not part.complete
    assert "interrupted" in part.message
    assert full.complete
    assert not full.interrupted
    found = {tuple(np.round(np.concatenate(e.strategies), 8)) for e in part.equilibria}
    assert found < {tuple(np.round(np.concatenate(e.strategies), 8)) for e in full.equilibria}


def test_a_second_search_of_a_degenerate_game_finds_the_same_equilibria():
    # each search's caches of degenerate vertices must not leak into the next one
    rng = np.random.default_rng(4)
    A, B = rng.integers(0, 3, (9, 9)).astype(float), rng.integers(0, 3, (9, 9)).astype(float)
    first = en.search(A, B, workers=1)
    second = en.search(A, B, workers=1)
    assert first.degenerate
    assert len(first.pairs) > 5
    assert keys(first.pairs) == keys(second.pairs)


def test_pure_equilibria_of_a_degenerate_face_are_exact_unit_vectors():
    # the column player is indifferent: every column is an equilibrium, found on a face
    # solved by LAPACK, which leaves rounding (1e-17) where a coordinate is zero
    payoffs = np.array([[[1.0, 2.0, 3.0]], [[1.0, 1.0, 1.0]]])
    found = solve(payoffs, method="enumerate")
    columns = sorted(tuple(eq.strategies[1].tolist()) for eq in found.equilibria)
    assert columns == [(0.0, 0.0, 1.0), (0.0, 1.0, 0.0), (1.0, 0.0, 0.0)]
