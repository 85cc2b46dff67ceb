"""Tests of sim/solvers/strategies.py on short hand-written histories (one run each)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.errors import InputError
from sim.solvers import strategies as S

C, B = True, False  # comply, breach


def play(strategy: S.Strategy, history: list[tuple[bool, bool]],
         rng: np.random.Generator | None = None) -> list[bool]:
    """Intended moves of ``strategy`` (one run) before each period and after the last.

    ``history`` lists (own move as played, other's move as seen) per period.
    """
    state = strategy.start(1)
    moves = [bool(strategy.intend(state, rng)[0])]
    for own, seen in history:
        strategy.update(state, np.array([own]), np.array([seen]))
        moves.append(bool(strategy.intend(state, rng)[0]))
    return moves


def test_always_comply_and_always_breach_ignore_history():
    history = [(C, B), (B, B), (C, C)]
    assert play(S.AlwaysComply(), history) == [C, C, C, C]
    assert play(S.AlwaysBreach(), history) == [B, B, B, B]


def test_grim_trigger_never_forgives():
    assert play(S.GrimTrigger(), [(C, C), (C, B), (B, C), (B, C)]) == [C, C, B, B, B]


def test_tit_for_tat_copies_the_seen_move():
    assert play(S.TitForTat(), [(C, C), (C, B), (B, C), (C, B)]) == [C, C, B, C, B]


def test_win_stay_lose_shift():
    # (C, C) win -> stay C; (C, B) loss -> shift to B; (B, B) loss -> shift to C;
    # (C, B) -> B; (B, C) win -> stay B.
    history = [(C, C), (C, B), (B, B), (C, B), (B, C)]
    assert play(S.WinStayLoseShift(), history) == [C, C, B, C, B, B]


def test_limited_punishment_serves_k_periods_and_ignores_breaches_meanwhile():
    history = [(C, B), (B, B), (B, C), (C, C), (C, B)]
    assert play(S.LimitedPunishment(2), history) == [C, B, B, C, C, B]
    assert play(S.LimitedPunishment(1), [(C, B), (B, B), (C, C)]) == [C, B, C, C]


def test_contrite_tft_accepts_punishment_for_its_own_mistake():
    # Its own accidental breach (B, C): it is now in bad standing, so it complies while the
    # other punishes (C, B), and both are back in good standing afterwards.
    assert play(S.ContriteTitForTat(), [(B, C), (C, B), (C, C)]) == [C, C, C, C]
    # The other's breach: punish once; the other, in bad standing, complies; then peace.
    assert play(S.ContriteTitForTat(), [(C, B), (B, C), (C, C)]) == [C, B, C, C]


def test_generous_tft_extremes_and_forgiveness_rate():
    history = [(C, B), (B, C), (C, B)]
    assert play(S.GenerousTitForTat(0.0), history) == [C, B, C, B]
    assert play(S.GenerousTitForTat(1.0), history, np.random.default_rng(0)) == [C, C, C, C]
    g = S.GenerousTitForTat(0.25)
    state = g.start(100_000)
    g.update(state, np.ones(100_000, bool), np.zeros(100_000, bool))
    forgiven = g.intend(state, np.random.default_rng(0)).mean()
    assert forgiven == pytest.approx(0.25, abs=4 * math.sqrt(0.25 * 0.75 / 100_000))


def test_generosity_from_the_game():
    assert S.nowak_sigmund_generosity(3, 0, 5, 1) == pytest.approx(1 / 3)
    assert S.nowak_sigmund_generosity(3, 0, 2, 1) == 0.1  # not a prisoner's dilemma
    own = np.array([[3.0, 0.0], [5.0, 1.0]])
    assert S.GenerousTitForTat().for_game(own).forgiveness == pytest.approx(1 / 3)
    assert S.GenerousTitForTat(0.2).for_game(own).forgiveness == 0.2
    assert S.TitForTat().for_game(own) == S.TitForTat()


@pytest.mark.parametrize("name", list(S.LIBRARY))
def test_every_strategy_has_a_classifier_and_is_reproducible(name):
    strategy = S.make_strategy(name)
    assert set(strategy.classifier) == {"stochastic", "memory_depth"}
    assert strategy.classifier["stochastic"] == (name == "gtft")
    rng_history = np.random.default_rng(7)
    own, seen = rng_history.random((2, 20, 50)) < 0.7

    def trace(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed) if strategy.classifier["stochastic"] else None
        state = strategy.start(50)
        out = []
        for t in range(20):
            out.append(strategy.intend(state, rng).copy())
            strategy.update(state, own[t], seen[t])
        return np.array(out)

    first = trace(1)
    np.testing.assert_array_equal(first, trace(1))  # same seed, same moves; start() resets
    assert first[0].all() == (name != "breach")  # all but always-breach open by complying
    if strategy.classifier["memory_depth"] == 0:
        assert (first == first[0]).all()


def test_always_breach_opens_with_a_breach():
    assert not S.make_strategy("breach").intend(S.AlwaysBreach().start(3), None).any()


def test_names_aliases_and_parameters():
    assert S.make_strategy("Grim-Trigger") == S.GrimTrigger()
    assert S.make_strategy("gtft:0.2") == S.GenerousTitForTat(0.2)
    assert S.make_strategy("limited") == S.LimitedPunishment(3)
    assert S.make_strategy("limited", default_k=5).label == "limited:5"
    assert S.parse_pair("grim/tft") == (S.GrimTrigger(), S.TitForTat())
    assert S.parse_pair("wsls") == (S.WinStayLoseShift(), S.WinStayLoseShift())


@pytest.mark.parametrize(("spec", "message"), [
    ("nice", "unknown strategy 'nice'; expected one of: comply, breach"),
    ("tft:2", "takes no parameter"),
    ("gtft:x", "expected a number after ':'"),
    ("gtft:1.5", "forgiveness must lie in"),
    ("limited:0", "whole number of periods"),
    ("limited:2.5", "expected a whole number after ':'"),
])
def test_bad_strategy_names_are_one_line_input_errors(spec, message):
    with pytest.raises(InputError, match=message) as info:
        S.make_strategy(spec)
    assert "\n" not in str(info.value)


def test_bad_pairs():
    for spec in ("a/b/c", "tft/", "/tft"):
        with pytest.raises(InputError, match="NAME or NAME/NAME"):
            S.parse_pair(spec)
