"""Sequential games with known subgame perfect equilibria."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.game import Game, from_arrays
from sim.solvers.sequential import (
    first_mover_value,
    resolve_order,
    solve_sequential,
    standard_orders,
)


def battle_of_the_sexes() -> Game:
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[1.0, 0.0], [0.0, 2.0]])
    return from_arrays([A, B], players=["Row", "Col"])


def test_battle_of_the_sexes_first_mover_advantage():
    """The leader picks its favourite meeting place and the follower comes: (2, 1) when
    Row leads, (1, 2) when Col leads; moving first is worth 1 to each."""
    game = battle_of_the_sexes()
    row = solve_sequential(game, ["Row", "Col"])
    col = solve_sequential(game, ["Col", "Row"])
    assert row.profile == (0, 0)
    np.testing.assert_allclose(row.payoffs, [2, 1])
    assert col.profile == (1, 1)
    np.testing.assert_allclose(first_mover_value([row, col]), [1, 1])
    assert row.ties == 0


def test_matching_pennies_second_mover_advantage_and_reported_tie():
    """The follower always wins; the leader is indifferent (a tie at the root)."""
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    game = from_arrays([A, -A])
    lead = solve_sequential(game, ["Player 1"], tie_rule="first")
    np.testing.assert_allclose(lead.payoffs, [-1, 1])
    assert lead.profile == (0, 1)
    assert lead.ties_on_path == 1
    assert lead.ties == 1
    follow = solve_sequential(game, ["Player 2"])
    np.testing.assert_allclose(first_mover_value([lead, follow]), [-2, -2])


def stackelberg_game() -> Game:
    """Quantities 0..12, price 12 - Q, no cost: Cournot 4 each (16, 16)."""
    q = np.arange(13.0)
    price = np.maximum(12 - q[:, None] - q[None, :], 0)
    return from_arrays([q[:, None] * price, q[None, :] * price], players=["Leader", "Follower"])


def test_stackelberg_tie_rule_matters():
    """Pessimistic ties (harm-other) give the textbook Stackelberg outcome 6, 3 (18, 9).

    With odd q1 the follower is indifferent between two replies: after q1 = 7 between 2
    and 3 (profit 6 either way). If it accommodates (favour-other, and also 'first', which
    takes the smaller quantity) the leader does best with 7: 7 * (12 - 9) = 21 > 18
    (q1 = 5 gives 5 * 4 = 20, q1 = 9 gives 9 * 2 = 18).
    """
    game = stackelberg_game()
    weak = solve_sequential(game, ["Leader"], tie_rule="harm-other")
    assert weak.profile == (6, 3)
    np.testing.assert_allclose(weak.payoffs, [18, 9])
    strong = solve_sequential(game, ["Leader"], tie_rule="favour-other")
    assert strong.profile == (7, 2)
    np.testing.assert_allclose(strong.payoffs, [21, 6])
    assert strong.ties_on_path == 1
    assert solve_sequential(game, ["Leader"], tie_rule="first").profile == (7, 2)


def lever_game(payoff: np.ndarray) -> Game:
    """Player 1 has levers x and z, player 2 has lever y; each 0/1.

    ``payoff[i, x, z, y]``; player 1's strategy index is 2x + z.
    """
    levels = ("0", "1")
    return Game(name="levers", players=("P1", "P2"),
                strategies=(("0,0", "0,1", "1,0", "1,1"), levels),
                payoffs=payoff.reshape(2, 4, 2), levers=(("x", "z"), ("y",)),
                levels=((levels, levels), (levels,)))


def brute_force(payoff: np.ndarray, order: list[tuple[int, int]]) -> tuple[int, ...]:
    """Independent recursive backward induction over dict-based histories.

    ``order`` lists (player, lever position in the payoff tensor: x=0, z=1, y=2).
    Ties go to the first level (no ties arise with continuous random payoffs).
    """
    def value(history: dict[int, int]) -> tuple[np.ndarray, dict[int, int]]:
        if len(history) == len(order):
            idx = (history[0], history[1], history[2])
            return payoff[(slice(None), *idx)], history
        player, axis = order[len(history)]
        best = None
        for level in (0, 1):
            v, h = value({**history, axis: level})
            if best is None or v[player] > best[0][player]:
                best = (v, h)
        return best

    _, h = value({})
    return h[0], h[1], h[2]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.permutations([0, 1, 2]))
def test_lever_by_lever_matches_independent_recursion(seed, perm):
    payoff = np.random.default_rng(seed).random((2, 2, 2, 2))
    game = lever_game(payoff)
    names = ["x", "z", "y"]
    owner = [0, 0, 1]
    result = solve_sequential(game, [names[a] for a in perm], tie_rule="first")
    x, z, y = brute_force(payoff, [(owner[a], a) for a in perm])
    assert result.profile == (2 * x + z, y)
    assert [step[1] for step in result.path] == [names[a] for a in perm]


def test_dominant_strategies_make_order_irrelevant():
    """Prisoner's dilemma: defect is dominant, so every order ends in (defect, defect)."""
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    game = from_arrays([A, A.T])
    for order in (["Player 1"], ["Player 2"]):
        assert solve_sequential(game, order).profile == (1, 1)


def test_orders_and_errors():
    game = lever_game(np.zeros((2, 2, 2, 2)))
    assert [m[1] for m in resolve_order(game, ["y"])] == ["y", "x", "z"]
    assert [m[1] for m in resolve_order(game, ["P2", "z"])] == ["y", "z", "x"]
    orders = standard_orders(game)
    assert orders["lever by lever"] == ("P1.x", "P2.y", "P1.z")
    assert standard_orders(game, {"i": ("z", "y")})["lever by lever"] == ("z", "y")
    with pytest.raises(InputError, match="neither a player nor a lever"):
        solve_sequential(game, ["Mars"])
    with pytest.raises(InputError, match="unknown tie rule"):
        solve_sequential(game, ["P1"], tie_rule="coin")
    with pytest.raises(InputError, match="twice"):
        resolve_order(game, ["x", "x"])


def test_tie_count_over_whole_tree():
    """All-zero payoffs: every one of the 1 + 2 + 4 decision nodes is a tie."""
    game = lever_game(np.zeros((2, 2, 2, 2)))
    result = solve_sequential(game, ["x", "y", "z"])
    assert result.ties == 7
    assert result.ties_on_path == 3
    assert result.profile == (0, 0)
    assert list(itertools.chain(*[s[2] for s in result.path])) == ["0", "0", "0"]
