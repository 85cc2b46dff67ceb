"""Issue linkage on hand-computed games (Bernheim and Whinston 1990).

Two-issue games are additive: ``u_i = u_i^1(a, c) + u_i^2(b, e)`` where player 1 sets levers
``a`` (issue 1) and ``b`` (issue 2) and player 2 sets ``c`` (issue 1) and ``e`` (issue 2),
each ``coop`` or ``defect``. Each issue is a prisoner's dilemma with R = 3, P = 1, S = 0 and
temptations ``t1`` (player 1) and ``t2`` (player 2): player i's threshold on the issue is
``(t_i - 3) / (t_i - 1)``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import InputError, SolverError
from sim.game import Game, from_arrays
from sim.solvers.linkage import (
    OTHER_ISSUE,
    linkage,
    linkage_gains,
    linkage_maps,
    player_maps,
    sustainable,
)
from sim.solvers.repeated import nash_reversion_payoffs, profile_thresholds, thresholds

LEVELS = ("coop", "defect")
ISSUES = {"one": ("a", "c"), "two": ("b", "e")}


def pd(t1: float, t2: float) -> np.ndarray:
    """Issue payoffs ``[player, own a, c]``: rows are player 1's level, columns player 2's."""
    return np.array([[[3, 0], [t1, 1]], [[3, t2], [0, 1]]], dtype=float)


def two_issue_game(first: np.ndarray, second: np.ndarray) -> Game:
    T = first[:, :, None, :, None] + second[:, None, :, None, :]  # [i, a, b, c, e]
    labels = tuple(f"{x}, {y}" for x, y in itertools.product(LEVELS, LEVELS))
    return Game(name="two-issues", players=("P1", "P2"), strategies=(labels, labels),
                payoffs=T.reshape(2, 4, 4), levers=(("a", "b"), ("c", "e")),
                levels=((LEVELS, LEVELS), (LEVELS, LEVELS)))


def test_linkage_lowers_the_needed_delta():
    """Issue one tempts player 1 (t1 = 7: 4/6 = 2/3) and barely player 2 (t2 = 3.5:
    0.5/2.5 = 1/5); issue two the reverse. Separately 2/3 is needed. Linked, each player
    pools gains 4 + 0.5 against losses 2 + 2: 4.5 / 8.5 = 9/17."""
    game = two_issue_game(pd(7, 3.5), pd(3.5, 7))
    result = linkage(game, ISSUES, (0, 0))
    one, two = result.separate
    assert one.delta == pytest.approx((2 / 3, 1 / 5))
    assert one.binding == 0
    assert two.delta == pytest.approx((1 / 5, 2 / 3))
    assert two.binding == 1
    assert result.separate_critical == pytest.approx(2 / 3)
    assert result.linked.gain == pytest.approx((4.5, 4.5))
    assert result.linked.loss == pytest.approx((4.0, 4.0))
    assert result.linked_critical == pytest.approx(9 / 17)
    assert result.helps


def test_linkage_does_not_help_when_the_same_ratio_binds_everywhere():
    """Both issues tempt both players equally (t = 7): 2/3 separately and linked (8/12)."""
    game = two_issue_game(pd(7, 7), pd(7, 7))
    result = linkage(game, ISSUES, (0, 0))
    assert result.separate_critical == pytest.approx(2 / 3)
    assert result.linked_critical == pytest.approx(2 / 3)
    assert not result.helps


def one_sided_game() -> Game:
    """Chips for rare earths: easing chips costs 1 to player 1 and gives 3 to player 2;
    restoring rare earths costs 1 to player 2 and gives 3 to player 1."""
    ease = np.array([0.0, 1.0])  # chips: strict, eased
    restore = np.array([0.0, 1.0])  # earths: held, restored
    A = -ease[:, None] + 3 * restore[None, :]
    B = 3 * ease[:, None] - restore[None, :]
    return Game(name="swap", players=("US", "China"),
                strategies=(("strict", "eased"), ("held", "restored")),
                payoffs=np.stack([A, B]), levers=(("chips",), ("earths",)),
                levels=((("strict", "eased"),), (("held", "restored"),)))


def test_one_sided_issues_are_sustainable_only_when_linked():
    """Separately the chips issue has nothing to punish with (D = P = 3 > C = 2): never.
    Linked: gain 1, loss 2 - 0 = 2, so 1/3 for each."""
    game = one_sided_game()
    result = linkage(game, {"chips": ("chips",), "earths": ("earths",)}, (1, 1))
    assert result.separate_critical == np.inf
    assert result.separate[0].delta == (np.inf, 0.0)
    assert result.linked.delta == pytest.approx((1 / 3, 1 / 3))
    assert result.helps


def test_maps_agree_with_single_deal_and_list_linkage_gains():
    game = one_sided_game()
    issues = {"chips": ("chips",), "earths": ("earths",)}
    separate, linked, per_issue = linkage_maps(game, issues)
    for r, c in itertools.product(range(2), range(2)):
        one = linkage(game, issues, (r, c))
        assert separate[r, c] == one.separate_critical
        assert linked[r, c] == pytest.approx(one.linked_critical)
    assert set(per_issue) == {"chips", "earths"}
    points = game.payoffs.reshape(2, -1).T
    assert linkage_gains(separate, linked, points, np.zeros(2), 0.5) == (3,)
    assert linkage_gains(separate, linked, points, np.zeros(2), 0.2) == ()


def test_two_issue_map_at_the_deal():
    game = two_issue_game(pd(7, 3.5), pd(3.5, 7))
    separate, linked, _ = linkage_maps(game, ISSUES)
    assert separate[0, 0] == pytest.approx(2 / 3)
    assert linked[0, 0] == pytest.approx(9 / 17)
    assert linked[3, 3] == 0.0  # the stage equilibrium needs no patience


def test_prisoners_dilemma_without_issues():
    """One issue holding everything: separate = linked = (5 - 3)/(5 - 1) = 1/2."""
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    game = from_arrays([A, A.T])
    result = linkage(game, {}, (0, 0))
    assert [s.issue for s in result.separate] == ["all levers"]
    assert result.separate_critical == pytest.approx(0.5)
    assert result.linked_critical == pytest.approx(0.5)


def test_unnamed_levers_form_their_own_issue():
    game = two_issue_game(pd(7, 3.5), pd(3.5, 7))
    result = linkage(game, {"one": ("a", "c")}, (0, 0))
    assert [s.issue for s in result.separate] == ["one", OTHER_ISSUE]
    assert result.separate[1].levers == ("b", "e")


@pytest.mark.parametrize(("issues", "message"), [
    ({"x": ("a", "zz")}, "issue 'x' names unknown lever 'zz'"),
    ({"x": ("a",), "y": ("a", "b")}, "lever 'a' is in issue 'x' and in issue 'y'"),
    ({"x": ()}, "issue 'x' names no lever"),
])
def test_bad_issue_groupings(issues, message):
    game = two_issue_game(pd(7, 7), pd(7, 7))
    with pytest.raises(InputError, match=message):
        linkage(game, issues, (0, 0))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_linked_map_matches_the_truce_thresholds(seed):
    """Linked = one repeated game: the same delta* as sim.solvers.repeated computes for every
    profile with Nash reversion (an independent implementation), also for payoffs that do
    not add up across issues."""
    T = np.random.default_rng(seed).integers(-4, 5, size=(2, 2, 2, 2, 2)).astype(float)
    game = two_issue_game(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    game = Game(name="random", players=game.players, strategies=game.strategies,
                payoffs=T.reshape(2, 4, 4), levers=game.levers, levels=game.levels)
    try:
        punishment = nash_reversion_payoffs(game.payoffs)
    except SolverError:
        return  # no pure equilibrium to revert to
    _, linked, _ = linkage_maps(game, ISSUES)
    np.testing.assert_allclose(linked, profile_thresholds(game.payoffs, punishment))
    # separate: issue "one" at each deal is the 2x2 game in (a, c) with b and e held,
    # solved again by sim.solvers.repeated.thresholds
    _, _, per_issue = linkage_maps(game, ISSUES)
    for r, c in itertools.product(range(4), range(4)):
        a, b = divmod(r, 2)
        cc, e = divmod(c, 2)
        sub = game.payoffs[:, [b, 2 + b]][:, :, [e, 2 + e]]
        try:
            t = thresholds(sub, (a, cc), "nash")
        except SolverError:
            assert per_issue["one"][r, c] in (0.0, np.inf)
            continue
        expected = max(p.delta_star for p in t.players)
        assert per_issue["one"][r, c] == pytest.approx(expected)


def test_per_player_discount_factors():
    """The swap needs 1/3 from each side when linked: (0.5, 0.4) holds, (0.5, 0.2) does not."""
    game = one_sided_game()
    issues = {"chips": ("chips",), "earths": ("earths",)}
    separate, linked, _ = player_maps(game, issues)
    assert linked[:, 1, 1] == pytest.approx([1 / 3, 1 / 3])
    points = game.payoffs.reshape(2, -1).T
    assert linkage_gains(separate, linked, points, np.zeros(2), (0.5, 0.4)) == (3,)
    assert linkage_gains(separate, linked, points, np.zeros(2), (0.5, 0.2)) == ()
    assert sustainable(linked, 0.34)[1, 1]
    assert not sustainable(linked.max(axis=0), (0.5, 0.3))[1, 1]  # one map: the smaller delta
