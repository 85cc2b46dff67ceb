"""Equilibria of games whose answers are known by hand or from the textbook."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from sim.errors import InputError, SolverError
from sim.solvers.equilibria import solve


def game(A, B):
    return np.array([A, B], dtype=float)


def exact_set(result):
    return {(eq.exact_strategies, eq.exact_payoffs) for eq in result.equilibria}


def profiles(result):
    return [tuple(tuple(eq_s) for eq_s in eq.exact_strategies) for eq in result.equilibria]


def test_prisoners_dilemma_unique_defect_defect():
    # Cooperate/Defect with T=5 > R=3 > P=1 > S=0 (Axelrod 1984).
    result = solve(game([[3, 0], [5, 1]], [[3, 5], [0, 1]]), exact=True)
    assert profiles(result) == [((0, 1), (0, 1))]
    assert result.equilibria[0].exact_payoffs == (1, 1)
    assert result.complete
    assert not result.degenerate


def test_matching_pennies_half_half():
    A = [[1, -1], [-1, 1]]
    result = solve(game(A, np.negative(A)), exact=True)
    assert profiles(result) == [((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))]
    assert result.equilibria[0].exact_payoffs == (0, 0)


def test_battle_of_the_sexes_two_pure_and_one_mixed():
    result = solve(game([[2, 0], [0, 1]], [[1, 0], [0, 2]]), exact=True)
    assert profiles(result) == [
        ((1, 0), (1, 0)),
        ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))),
        ((0, 1), (0, 1)),
    ]
    assert [eq.exact_payoffs for eq in result.equilibria] == [(2, 1), (F(2, 3), F(2, 3)), (1, 2)]
    assert result.complete
    assert result.components == ((0,), (1,), (2,))
    np.testing.assert_allclose(result.equilibria[1].strategies[0], [2 / 3, 1 / 3])


def test_von_stengel_3x2_three_equilibria():
    # von Stengel (2007), Algorithmic Game Theory ch. 3, Fig. 3.3: the 3x2 game with three
    # equilibria (1,0,0)/(1,0), (4/5,1/5,0)/(2/3,1/3) and (0,1/3,2/3)/(1/3,2/3).
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 2], [2, 6], [3, 1]]
    result = solve(game(A, B), exact=True)
    assert profiles(result) == [
        ((1, 0, 0), (1, 0)),
        ((F(4, 5), F(1, 5), 0), (F(2, 3), F(1, 3))),
        ((0, F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
    ]
    assert [eq.exact_payoffs for eq in result.equilibria] == [
        (3, 3), (3, F(14, 5)), (4, F(8, 3))]


def test_continuum_reported_by_extreme_points_in_one_component():
    # von Stengel's game with b_12 raised to 3: against the top row the column player is
    # indifferent, and the top row stays a best response for y_2 <= 1/3. The equilibria are the
    # segment {(1,0,0)} x [(1,0), (2/3,1/3)] and the isolated (0,1/3,2/3)/(1/3,2/3).
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 3], [2, 6], [3, 1]]
    result = solve(game(A, B), exact=True)
    assert profiles(result) == [
        ((1, 0, 0), (1, 0)),
        ((1, 0, 0), (F(2, 3), F(1, 3))),
        ((0, F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
    ]
    assert result.degenerate
    assert result.components == ((0, 1), (2,))
    assert [eq.component for eq in result.equilibria] == [0, 0, 1]


def test_constant_game_every_pure_profile_one_component():
    result = solve(np.ones((2, 2, 3)), exact=True)
    assert len(result.equilibria) == 6
    assert result.degenerate
    assert result.components == (tuple(range(6)),)


def test_duplicated_strategy_gives_both_copies():
    # Battle of the sexes with the row player's second strategy duplicated: each equilibrium
    # using it appears once per copy, and the mixed one is a segment between the copies.
    A = [[2, 0], [0, 1], [0, 1]]
    B = [[1, 0], [0, 2], [0, 2]]
    result = solve(game(A, B), exact=True)
    assert profiles(result) == [
        ((1, 0, 0), (1, 0)),
        ((F(2, 3), F(1, 3), 0), (F(1, 3), F(2, 3))),
        ((F(2, 3), 0, F(1, 3)), (F(1, 3), F(2, 3))),
        ((0, 1, 0), (0, 1)),
        ((0, 0, 1), (0, 1)),
    ]
    assert result.degenerate
    assert result.components == ((0,), (1, 2), (3, 4))


def test_weakly_dominated_strategy_continuum():
    # Row's bottom strategy is weakly dominated and the column player is always indifferent.
    # Equilibria: {top} x anything, and anything x {right}: the union of two segments meeting at
    # (top, right), one component with three extreme points.
    A = [[1, 1], [0, 1]]
    B = [[1, 1], [0, 0]]
    result = solve(game(A, B), exact=True)
    assert profiles(result) == [((1, 0), (1, 0)), ((1, 0), (0, 1)), ((0, 1), (0, 1))]
    assert result.components == ((0, 1, 2),)
    assert result.degenerate


def test_degenerate_three_player_game_is_reported_incomplete():
    payoffs = np.zeros((3, 2, 2, 2))
    payoffs[:, 0, 0, 0] = 1
    result = solve(payoffs)
    assert result.method == "polynomial-support-enumeration"
    assert not result.complete
    assert result.degenerate
    assert "continuum" in result.message
    # (a, b, c) is an equilibrium unless exactly one player deviates from (0, 0, 0)
    pure = [eq for eq in result.equilibria if all(s.max() == 1 for s in eq.strategies)]
    assert len(pure) == 5
    assert len(solve(payoffs, method="pure").equilibria) == 5


def test_enumerate_on_three_players_is_the_polynomial_method():
    assert solve(np.zeros((3, 1, 2, 1)), method="enumerate").method == (
        "polynomial-support-enumeration")


def test_lemke_howson_refuses_three_players():
    with pytest.raises(SolverError, match="two-player"):
        solve(np.zeros((3, 2, 2, 2)), method="lemke-howson")


def test_bad_shape_and_method_are_input_errors():
    with pytest.raises(InputError, match="shape"):
        solve(np.zeros((2, 3)))
    with pytest.raises(InputError, match="unknown method"):
        solve(np.zeros((2, 2, 2)), method="magic")


def test_support_enumeration_matches_on_nondegenerate_and_flags_degenerate():
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 2], [2, 6], [3, 1]]
    full = solve(game(A, B))
    support = solve(game(A, B), method="support")
    assert support.method == "support-enumeration"
    assert not support.complete
    assert len(support.equilibria) == len(full.equilibria) == 3
    for a, b in zip(support.equilibria, full.equilibria, strict=True):
        for s, t in zip(a.strategies, b.strategies, strict=True):
            np.testing.assert_allclose(s, t, atol=1e-12)
    # the continuum game (b_12 = 3): (1,0,0) has two best responses, so it is flagged
    B2 = [[3, 3], [2, 6], [3, 1]]
    degenerate = solve(game(A, B2), method="support")
    reference = [np.concatenate(e.strategies) for e in solve(game(A, B2)).equilibria]
    for e in degenerate.equilibria:
        assert min(np.abs(np.concatenate(e.strategies) - r).max() for r in reference) < 1e-12
    assert degenerate.degenerate
    assert "degenerate" in degenerate.message


def test_von_stengel_6x6_game_with_75_equilibria():
    # von Stengel (1999), "New maximal numbers of equilibria in bimatrix games", Discrete &
    # Computational Geometry 21: a nondegenerate 6x6 game with 75 equilibria (more than the
    # conjectured 2^6 - 1 = 63), in the small-payoff version of Savani and von Stengel (2006).
    A = [[-81, 36, -126, 126, -36, 90],
         [-180, 72, -333, 297, -153, 270],
         [20, -3, 42, -33, 17, -30],
         [-30, 17, -33, 42, -3, 20],
         [270, -153, 297, -333, 72, -180],
         [90, -36, 126, -126, 36, -81]]
    B = [[72, 36, 17, -3, -36, -153],
         [-180, -81, -30, 20, 90, 270],
         [297, 126, 42, -33, -126, -333],
         [-333, -126, -33, 42, 126, 297],
         [270, 90, 20, -30, -81, -180],
         [-153, -36, -3, 17, 36, 72]]
    floating = solve(game(A, B))
    assert len(floating.equilibria) == 75
    assert floating.complete
    assert not floating.degenerate
    exact = solve(game(A, B), exact=True)
    assert len(exact.equilibria) == 75
    assert len(exact.components) == 75


def test_exact_mode_on_a_three_player_game_with_an_irrational_equilibrium():
    # 2x2x2 coordination: payoff 1 to all if everybody plays the first strategy, 2 if the
    # second, else 0. Two pure equilibria, and a symmetric mixed one where each player is
    # indifferent: q^2 = 2 (1 - q)^2 for the probability q of the first strategy, so
    # q = 2 - sqrt(2), irrational: it has no exact form and is reported in floating point.
    payoffs = np.zeros((3, 2, 2, 2))
    payoffs[:, 0, 0, 0] = 1
    payoffs[:, 1, 1, 1] = 2
    result = solve(payoffs, exact=True)
    assert result.exact
    assert result.complete
    assert [eq.exact_strategies for eq in result.equilibria] == [
        ((1, 0), (1, 0), (1, 0)), None, ((0, 1), (0, 1), (0, 1))]
    assert [eq.exact_payoffs for eq in result.equilibria] == [(1, 1, 1), None, (2, 2, 2)]
    q = 2 - np.sqrt(2)
    for s in result.equilibria[1].strategies:
        np.testing.assert_allclose(s, [q, 1 - q], atol=1e-12)
    assert "no exact rational form" in result.message


@pytest.mark.parametrize("method", ["lemke-howson", "pure", "qre"])
def test_methods_that_do_not_check_degeneracy_say_so(method):
    """Matching pennies is nondegenerate, but these methods do not check: ``None``, not
    ``False`` (which claimed a check that never ran)."""
    A = [[1, -1], [-1, 1]]
    assert solve(game(A, np.negative(A)), method=method).degenerate is None


def test_support_enumeration_flags_only_what_it_sees():
    A = [[1, -1], [-1, 1]]
    assert solve(game(A, np.negative(A)), method="support").degenerate is None
    assert solve(game(A, np.negative(A)), method="enumerate").degenerate is False


def test_lemke_howson_asked_for_on_a_small_game_does_not_blame_its_size():
    """The message said a 2 x 2 game was 'above the enumeration limit of 225 cells'."""
    A = [[3, 0], [5, 1]]
    result = solve(game(A, np.transpose(A)), method="lemke-howson")
    assert "above the enumeration limit" not in result.message
    assert "method 'lemke-howson' was asked for" in result.message


def test_auto_above_the_limit_names_the_limit():
    rng = np.random.default_rng(1)
    payoffs = rng.integers(0, 9, size=(2, 19, 19)).astype(float)
    result = solve(payoffs)
    assert result.method == "lemke-howson"
    assert "19 x 19 is above the enumeration limit" in result.message
    assert result.degenerate is None
