"""Bargaining solutions on payoff spaces with hand-computed answers.

Each case is worked out by hand in its docstring or comment (Nash 1950; Kalai and
Smorodinsky 1975; Kalai 1977).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from sim.errors import InputError, SolverError
from sim.solvers.bargaining import (
    convex_hull,
    disagreement_point,
    minmax_point,
    pareto_pure,
    payoff_space,
    pure_nash,
    solve_bargaining,
    status_quo,
)
from sim.solvers.outside_options import (
    option_moves_solution,
    option_thresholds,
    outside_option_sweep,
)
from tests.games import bimatrix_games, relabelled_games


def space_of(*points: tuple[float, float]):
    """A 1 x m game whose profiles give exactly ``points``."""
    pts = np.array(points, dtype=float)
    return payoff_space(pts[:, 0][None, :], pts[:, 1][None, :])


def payoffs(result):
    return {name: tuple(np.round(sol.payoffs, 12)) for name, sol in result.solutions.items()}


def test_linear_frontier_symmetric():
    """x + y = 1 with d = (0, 0): every solution is (1/2, 1/2), a 50-50 lottery."""
    A = np.array([[1.0, 0.0], [0.0, 0.0]])
    B = np.array([[0.0, 1.0], [0.0, 0.0]])
    result = solve_bargaining(payoff_space(A, B), [0, 0])
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        np.testing.assert_allclose(result.solutions[name].payoffs, [0.5, 0.5])
    lottery = result.solutions["nash"].lottery
    assert sorted((s.probability, s.profiles) for s in lottery) == [
        (0.5, ((0, 0),)), (0.5, ((0, 1),))]


def test_linear_frontier_asymmetric():
    """2x + y = 2, d = (0, 0).

    Nash: max x(2 - 2x) at x = 1/2 -> (1/2, 1). KS: ideal (1, 2), ray (t, 2t) meets the line
    at t = 1/2 -> (1/2, 1). Egalitarian: x = y, 3x = 2 -> (2/3, 2/3). Utilitarian: x + 2 - 2x
    is largest at x = 0 -> (0, 2).
    """
    result = solve_bargaining(space_of((0, 2), (1, 0), (0, 0)), [0, 0])
    np.testing.assert_allclose(result.solutions["nash"].payoffs, [0.5, 1.0])
    np.testing.assert_allclose(result.solutions["kalai_smorodinsky"].payoffs, [0.5, 1.0])
    np.testing.assert_allclose(result.solutions["egalitarian"].payoffs, [2 / 3, 2 / 3])
    np.testing.assert_allclose(result.solutions["utilitarian"].payoffs, [0.0, 2.0])
    np.testing.assert_allclose(result.ideal, [1.0, 2.0])


def test_linear_frontier_asymmetric_disagreement():
    """2x + y = 2, d = (0, 1/2): the clipped frontier runs from (0, 2) to (3/4, 1/2).

    Nash: max x(3/2 - 2x) at x = 3/8 -> (3/8, 5/4); KS: ideal (3/4, 2), the ray
    (3t/4, 1/2 + 3t/2) meets the line at t = 1/2 -> (3/8, 5/4); egalitarian: equal gains g,
    2g + 1/2 + g = 2 -> g = 1/2 -> (1/2, 1).
    """
    result = solve_bargaining(space_of((0, 2), (1, 0), (0, 0)), [0, 0.5])
    np.testing.assert_allclose(result.solutions["nash"].payoffs, [0.375, 1.25])
    np.testing.assert_allclose(result.solutions["kalai_smorodinsky"].payoffs, [0.375, 1.25])
    np.testing.assert_allclose(result.solutions["egalitarian"].payoffs, [0.5, 1.0])
    np.testing.assert_allclose(result.ideal, [0.75, 2.0])


def test_kinked_frontier_nash_and_ks_differ():
    """Frontier (0, 1) - (1, 0.8) - (2, 0), d = (0, 0).

    Nash: on the first edge x(1 - x/5) rises up to x = 1 (0.8); on the second x(1.6 - 0.8x)
    peaks at x = 1 (0.8): Nash = (1, 0.8), the pure kink. KS: ideal (2, 1), the ray (2t, t)
    meets y = 1.6 - 0.8x at t = 8/13 -> (16/13, 8/13), a lottery of (1, 0.8) and (2, 0) with
    weight 3/13 on (2, 0). Egalitarian: x = 1 - x/5 -> (5/6, 5/6). Utilitarian: (2, 0).
    """
    result = solve_bargaining(space_of((0, 1), (1, 0.8), (2, 0)), [0, 0])
    np.testing.assert_allclose(result.solutions["nash"].payoffs, [1.0, 0.8])
    assert result.solutions["nash"].lottery[0].profiles == ((0, 1),)
    ks = result.solutions["kalai_smorodinsky"]
    np.testing.assert_allclose(ks.payoffs, [16 / 13, 8 / 13])
    weights = {s.profiles: s.probability for s in ks.lottery}
    assert weights[((0, 2),)] == pytest.approx(3 / 13)
    assert weights[((0, 1),)] == pytest.approx(10 / 13)
    np.testing.assert_allclose(result.solutions["egalitarian"].payoffs, [5 / 6, 5 / 6])
    np.testing.assert_allclose(result.solutions["utilitarian"].payoffs, [2.0, 0.0])


def test_single_point_frontier():
    """(2, 2) dominates every other payoff pair: the frontier is that point."""
    space = space_of((2, 2), (0, 0), (1, 0), (0, 1))
    np.testing.assert_allclose(space.frontier, [[2, 2]])
    assert space.pareto == (0,)
    result = solve_bargaining(space, [0, 1])
    for sol in result.solutions.values():
        np.testing.assert_allclose(sol.payoffs, [2, 2])
        assert sol.lottery[0].probability == 1.0
        assert sol.lottery[0].profiles == ((0, 0),)


def test_collinear_increasing_points():
    space = space_of((0, 0), (1, 1), (2, 2))
    np.testing.assert_allclose(space.frontier, [[2, 2]])
    assert len(space.hull) == 2


def test_collinear_decreasing_points_keep_the_middle_profile():
    """All on x + y = 2: the hull is a segment and the middle pure profile is Nash's deal."""
    space = space_of((0, 2), (1, 1), (2, 0))
    assert len(space.hull) == 2
    assert space.on_frontier == (0, 1, 2)
    nash = solve_bargaining(space, [0, 0]).solutions["nash"]
    np.testing.assert_allclose(nash.payoffs, [1, 1])
    assert [(s.probability, s.profiles) for s in nash.lottery] == [(1.0, ((0, 1),))]


def test_disagreement_on_the_frontier():
    """d = (0.3, 0.7) on x + y = 1: nothing improves on d, every solution is d."""
    result = solve_bargaining(space_of((1, 0), (0, 1)), [0.3, 0.7])
    assert result.feasible
    for sol in result.solutions.values():
        np.testing.assert_allclose(sol.payoffs, [0.3, 0.7])
        np.testing.assert_allclose(sol.gains, [0, 0], atol=1e-12)


def test_disagreement_above_the_frontier_is_infeasible():
    result = solve_bargaining(space_of((1, 0), (0, 1)), [0.6, 0.6])
    assert not result.feasible
    assert result.solutions == {}


def test_prisoners_dilemma_space():
    """PD (T, R, P, S) = (5, 3, 1, 0): Pareto profiles are CC, CD, DC; d = DD = (1, 1)."""
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    space = payoff_space(A, A.T)
    assert space.pareto == (0, 1, 2)
    np.testing.assert_allclose(space.frontier, [[0, 5], [3, 3], [5, 0]])
    d = disagreement_point(A, A.T, "nash")
    assert d.profiles == ((1, 1),)
    np.testing.assert_allclose(d.point, [1, 1])
    result = solve_bargaining(space, d.point)
    # the gains product (u1 - 1)(u2 - 1) on (3,3)-(5,0), u2 = 7.5 - 1.5 u1, peaks below 3
    np.testing.assert_allclose(result.solutions["nash"].payoffs, [3, 3])
    assert result.solutions["nash"].lottery[0].profiles == ((0, 0),)


def test_pareto_pure_keeps_duplicates_and_drops_weakly_dominated():
    pts = np.array([[1, 1], [1, 1], [1, 0], [0, 2], [0, 1]], dtype=float)
    assert pareto_pure(pts) == (0, 1, 3)


def test_convex_hull_of_square_with_interior_point():
    hull = convex_hull(np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5], [0.5, 0]]))
    assert {tuple(p) for p in hull} == {(0, 0), (1, 0), (1, 1), (0, 1)}


def test_minmax_of_matching_pennies_and_pd():
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    np.testing.assert_allclose(minmax_point(A, -A), [0, 0], atol=1e-9)
    P = np.array([[3.0, 0.0], [5.0, 1.0]])
    np.testing.assert_allclose(minmax_point(P, P.T), [1, 1], atol=1e-9)


def test_disagreement_nash_of_battle_of_the_sexes_is_each_sides_worst_equilibrium():
    """Battle of the sexes (2, 1 / 1, 2): two pure equilibria with equal joint payoff 3.
    Each side's worst equilibrium payoff is 1, so d = (1, 1) and the Nash deal is the
    50:50 lottery over the two equilibria, (3/2, 3/2), whichever strategy is listed first."""
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[1.0, 0.0], [0.0, 2.0]])
    assert pure_nash(A, B) == [(0, 0), (1, 1)]
    d = disagreement_point(A, B, "nash")
    np.testing.assert_allclose(d.point, [1, 1])
    assert d.profiles == ((0, 0), (1, 1))
    assert "2 pure equilibria" in d.note
    assert status_quo(A, B, d) is None
    nash = solve_bargaining(payoff_space(A, B), d.point).solutions["nash"]
    np.testing.assert_allclose(nash.payoffs, [1.5, 1.5])
    assert sorted(x.probability for x in nash.lottery) == pytest.approx([0.5, 0.5])


def test_disagreement_nash_of_chicken_is_swerve_swerve():
    """Chicken (Osborne 2004): equilibria (-1, 1) and (1, -1), so d = (-1, -1); the frontier
    is u1 + u2 = 0 and its Nash point (0, 0) is the pure profile swerve/swerve."""
    A = np.array([[0.0, -1.0], [1.0, -10.0]])
    d = disagreement_point(A, A.T, "nash")
    np.testing.assert_allclose(d.point, [-1, -1])
    nash = solve_bargaining(payoff_space(A, A.T), d.point).solutions["nash"]
    np.testing.assert_allclose(nash.payoffs, [0, 0])
    assert [x.profiles for x in nash.lottery] == [((0, 0),)]


def test_status_quo_is_the_pareto_worst_equilibrium_when_there_is_one():
    """Stag hunt (4, 4 / 0, 3 / 3, 0 / 3, 3): hare/hare is worse for both, so it is the floor
    and the status quo."""
    A = np.array([[4.0, 0.0], [3.0, 3.0]])
    d = disagreement_point(A, A.T, "nash")
    np.testing.assert_allclose(d.point, [3, 3])
    assert status_quo(A, A.T, d) == (1, 1)


def _relabel(A, B, rows, cols, swap):
    A2, B2 = A[np.ix_(rows, cols)], B[np.ix_(rows, cols)]
    return (B2.T, A2.T) if swap else (A2, B2)


def _profiles_back(profiles, rows, cols, swap):
    """Map profiles of the relabelled game back to the original's indices."""
    out = set()
    for r, c in profiles:
        if swap:
            r, c = c, r
        out.add((rows[r], cols[c]))
    return out


@settings(max_examples=200, deadline=None)
@given(relabelled_games())  # many ties: payoffs 0..3
def test_relabelling_permutes_the_disagreement_point_and_the_deals(case):
    """Permuting strategies leaves d and every solution unchanged; swapping the players swaps
    their coordinates; the profiles behind them are the same profiles, relabelled."""
    A, B, rows, cols, swap = case
    A2, B2 = _relabel(A, B, rows, cols, swap)
    if not pure_nash(A, B):
        assert not pure_nash(A2, B2)
        return
    flip = (lambda u: np.asarray(u)[::-1]) if swap else np.asarray
    d, d2 = disagreement_point(A, B, "nash"), disagreement_point(A2, B2, "nash")
    np.testing.assert_allclose(flip(d2.point), d.point)
    assert _profiles_back(d2.profiles, rows, cols, swap) == set(d.profiles)
    sq, sq2 = status_quo(A, B, d), status_quo(A2, B2, d2)
    assert (sq is None) == (sq2 is None)
    if sq is not None:
        assert _profiles_back([sq2], rows, cols, swap) == {sq}
    one, two = (solve_bargaining(payoff_space(a, b), x.point)
                for a, b, x in ((A, B, d), (A2, B2, d2)))
    assert one.feasible
    assert two.feasible
    for name, sol in one.solutions.items():
        other = two.solutions[name]
        np.testing.assert_allclose(flip(other.payoffs), sol.payoffs, atol=1e-9)
        mine = {(round(x.probability, 9), frozenset(x.profiles)) for x in sol.lottery}
        theirs = {(round(x.probability, 9),
                   frozenset(_profiles_back(x.profiles, rows, cols, swap)))
                  for x in other.lottery}
        assert theirs == mine


def test_disagreement_named_profile_and_outside_option():
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    d = disagreement_point(A, A.T, "cd", profiles={"cd": (0, 1)}, outside_options=(2.0, None))
    np.testing.assert_allclose(d.point, [2, 5])
    assert "outside option" in d.note


def test_unknown_disagreement_is_an_input_error():
    A = np.eye(2)
    with pytest.raises(InputError, match="unknown disagreement 'war'"):
        disagreement_point(A, A, "war", profiles={"peace": (0, 0)})


def test_nash_disagreement_without_pure_equilibrium():
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    with pytest.raises(SolverError, match="no pure Nash equilibrium"):
        disagreement_point(A, -A, "nash")


def test_outside_option_sweep_and_thresholds():
    """x + y = 1, d = (0, 0); player 1's option o: Nash = ((1 + o) / 2, (1 - o) / 2)."""
    space = space_of((1, 0), (0, 1))
    sweep = outside_option_sweep(space, np.zeros(2), 0, [0.0, 0.6, 1.2])
    np.testing.assert_allclose(sweep["nash"][:2], [[0.5, 0.5], [0.8, 0.2]])
    assert np.isnan(sweep["nash"][2]).all()
    assert option_thresholds(space, np.zeros(2), 0) == (0.0, 1.0)
    assert option_thresholds(space, np.array([0.0, 0.25]), 0) == (0.0, 0.75)


@settings(max_examples=60, deadline=None)
@given(bimatrix_games(rows=(3, 3), cols=(3, 3), values=(-5, 5)))
def test_solutions_are_feasible_pareto_and_nash_maximises_product(payoff):
    A, B = payoff
    space = payoff_space(A, B)
    d = minmax_point(A, B)
    result = solve_bargaining(space, d)
    assert result.feasible  # the minmax point is always dominated by some feasible point
    for sol in result.solutions.values():
        assert np.all(sol.payoffs >= d - 1e-7)
        expected = sum(s.probability * s.payoffs for s in sol.lottery)
        np.testing.assert_allclose(expected, sol.payoffs, atol=1e-9)
        for s in sol.lottery:
            for r, c in s.profiles:
                np.testing.assert_allclose([A[r, c], B[r, c]], s.payoffs, atol=1e-9)
        dominated = (space.points >= sol.payoffs - 1e-9).all(axis=1) & (
            space.points > sol.payoffs + 1e-9).any(axis=1)
        assert not dominated.any()
    product = np.prod(result.solutions["nash"].gains)
    ok = (space.points >= d).all(axis=1)
    assert product >= np.prod(space.points[ok] - d, axis=1).max(initial=0) - 1e-9


def test_frontier_far_from_equal_gains():
    """Frontier (5, 1) - (6, 0), d = (0, 0): equal gains are out of reach.

    Egalitarian: the smaller gain is largest at (5, 1). Nash: x(6 - x) rises up to x = 3, so
    on the edge it is largest at x = 5 -> (5, 1). KS: ideal (6, 1), the ray (6t, t) meets
    x + y = 6 at t = 6/7 -> (36/7, 6/7).
    """
    result = solve_bargaining(space_of((5, 1), (6, 0), (0, 0)), [0, 0])
    np.testing.assert_allclose(result.solutions["egalitarian"].payoffs, [5, 1])
    np.testing.assert_allclose(result.solutions["nash"].payoffs, [5, 1])
    np.testing.assert_allclose(result.solutions["kalai_smorodinsky"].payoffs, [36 / 7, 6 / 7])


def test_option_moves_a_kinked_nash_deal_only_past_the_kink():
    """Frontier (0, 3) - (2, 2) - (3, 0), d = (0, 0): Nash is the kink (2, 2).

    With player 1's option o as d1, on the second edge (u1 - o)(6 - 2 u1) peaks at
    u1 = 1.5 + o/2, past the kink only when o > 1; on the first edge the peak 3 + o/2 is
    always beyond it. So the option binds from 0 but moves the deal only from o = 1; by the
    mirror computation the same holds for player 2. On x + y = 1 it moves at once.
    """
    space = space_of((0, 3), (2, 2), (3, 0))
    np.testing.assert_allclose(solve_bargaining(space, [0, 0]).solutions["nash"].payoffs, [2, 2])
    assert option_moves_solution(space, np.zeros(2), 0) == pytest.approx(1.0, abs=1e-6)
    assert option_moves_solution(space, np.zeros(2), 1) == pytest.approx(1.0, abs=1e-6)
    assert option_thresholds(space, np.zeros(2), 0) == (0.0, 3.0)
    line = space_of((1, 0), (0, 1))
    assert option_moves_solution(line, np.zeros(2), 0) == pytest.approx(0.0, abs=1e-6)


def test_qhull_pruning_gives_the_exact_hull(monkeypatch):
    from sim.solvers import bargaining

    pts = np.random.default_rng(7).integers(0, 50, size=(900, 2)).astype(float)
    pruned = convex_hull(pts)
    monkeypatch.setattr(bargaining, "QHULL_ABOVE", 10**9)
    np.testing.assert_array_equal(pruned, convex_hull(pts))
    line = np.column_stack([np.arange(600.0), 600.0 - np.arange(600.0)])
    np.testing.assert_array_equal(convex_hull(line), [[0, 600], [599, 1]])  # Qhull fails here
