"""Solving after iterated dominance gives the same equilibria as solving the full game."""

import numpy as np
import pytest
from hypothesis import given, settings

from sim.solvers.dominance import iterated_elimination
from sim.solvers.duplicates import duplicate_classes, merge
from sim.solvers.equilibria import solve
from sim.solvers.reduction import solve_reduced
from sim.solvers.verify import is_equilibrium
from tests.games import bimatrix_games


def test_prisoners_dilemma_reduces_to_one_profile():
    A = np.array([[3, 0], [5, 1]], dtype=float)
    result = solve_reduced(np.stack([A, A.T]))
    (eq,) = result.equilibria
    np.testing.assert_array_equal(eq.strategies[0], [0, 1])
    np.testing.assert_array_equal(eq.strategies[1], [0, 1])
    assert result.complete
    assert "2 strictly dominated" in result.message


def test_dominated_row_added_to_battle_of_the_sexes_keeps_three_equilibria():
    A = np.array([[2, 0], [0, 1], [-1, -1]], dtype=float)  # third row strictly dominated
    B = np.array([[1, 0], [0, 2], [5, 5]], dtype=float)
    result = solve_reduced(np.stack([A, B]))
    assert len(result.equilibria) == 3
    mixed = [e for e in result.equilibria if (e.strategies[0] > 1e-9).sum() == 2]
    np.testing.assert_allclose(mixed[0].strategies[0], [2 / 3, 1 / 3, 0])
    np.testing.assert_allclose(mixed[0].strategies[1], [1 / 3, 2 / 3])


def test_exact_mode_embeds_fractions():
    A = np.array([[2, 0], [0, 1], [-1, -1]], dtype=float)
    B = np.array([[1, 0], [0, 2], [5, 5]], dtype=float)
    result = solve_reduced(np.stack([A, B]), exact=True)
    strategies = {tuple(str(f) for f in e.exact_strategies[0]) for e in result.equilibria}
    assert ("2/3", "1/3", "0") in strategies


def representatives(P: np.ndarray) -> list[np.ndarray]:
    """For each strategy, the first member of its duplicate class in the game left by IESDS."""
    elim = iterated_elimination(P)
    sub = P[(slice(None), *np.ix_(*[list(s) for s in elim.surviving]))]
    rep = [np.arange(k) for k in P.shape[1:]]
    for i, classes in enumerate(duplicate_classes(sub).classes):
        for first, others in classes:
            for o in others:
                rep[i][elim.surviving[i][o]] = elim.surviving[i][first]
    return rep


def _merged_keys(result, rep):
    return {tuple(np.round(np.concatenate([merge(s, r) for s, r in zip(e.strategies, rep,
                                                                       strict=True)]), 8))
            for e in result.equilibria}


@settings(max_examples=60, deadline=None)
@given(bimatrix_games(rows=(2, 5), cols=(2, 5), values=(0, 20)))
def test_same_equilibria_as_full_game(P):
    """The full game's extreme equilibria, with duplicates merged, are the reduced answer."""
    full, reduced = solve(P), solve_reduced(P)
    for e in reduced.equilibria:
        assert is_equilibrium(P[0], P[1], *e.strategies, tol=1e-7)
    if full.complete and reduced.complete:
        rep = representatives(P)
        assert _merged_keys(full, rep) == _merged_keys(reduced, rep)


def test_duplicated_strategy_is_merged_and_named():
    # battle of the sexes with the row player's second strategy copied as a third
    A = np.array([[2, 0], [0, 1], [0, 1]], dtype=float)
    B = np.array([[1, 0], [0, 2], [0, 2]], dtype=float)
    full, reduced = solve(np.stack([A, B])), solve_reduced(np.stack([A, B]))
    assert len(reduced.equilibria) == 3
    assert len(full.equilibria) == 5     # the mixed and the (2, 2) ones twice: on 2 or on 3
    assert "merged duplicates" in reduced.method
    assert "3 = 2 of player 1" in reduced.message
    for e in reduced.equilibria:
        assert e.strategies[0][2] == 0.0
    rep = representatives(np.stack([A, B]))
    assert _merged_keys(full, rep) == _merged_keys(reduced, rep)


def _interrupt(*_args, **_kwargs):
    raise KeyboardInterrupt


def _separable_game() -> tuple[np.ndarray, list[list[int]]]:
    """Two levers a side; payoffs add up over (lever 1 vs lever 1) and (lever 2 vs lever 2)."""
    rng = np.random.default_rng(3)
    parts = [rng.integers(0, 9, (2, 2, 2)).astype(float) for _ in range(2)]
    game = np.zeros((2, 4, 4))
    for i in range(4):
        for j in range(4):
            game[:, i, j] = parts[0][:, i // 2, j // 2] + parts[1][:, i % 2, j % 2]
    return game, [[2, 2], [2, 2]]


def test_an_interrupted_enumeration_stops_the_caller_unless_it_asks_for_partial_answers(
        monkeypatch):
    from sim.solvers import enumeration

    monkeypatch.setattr(enumeration, "_run", _interrupt)
    rps = np.array([[[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]]],
                   dtype=float)
    with pytest.raises(KeyboardInterrupt):  # a run or a sweep must not go on with part
        solve_reduced(rps, method="enumerate")
    partial = solve_reduced(rps, method="enumerate", partial_on_interrupt=True)
    assert partial.interrupted
    assert not partial.complete
    game, sizes = _separable_game()
    with pytest.raises(KeyboardInterrupt):
        solve_reduced(game, method="enumerate", lever_sizes=sizes)
    by_groups = solve_reduced(game, method="enumerate", lever_sizes=sizes,
                              partial_on_interrupt=True)
    assert by_groups.interrupted
    assert not by_groups.complete
