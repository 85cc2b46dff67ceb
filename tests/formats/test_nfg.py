"""Gambit .nfg files: both forms, exact payoffs, labels, round trips and malformed files."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.errors import ScenarioError
from sim.formats.nfg import load_nfg, parse_nfg, write_nfg
from sim.game import from_arrays
from sim.solvers.equilibria import solve

# The payoff-form example of Gambit's format documentation (Selten 1975, Figure 2).
SELTEN = """NFG 1 R "Selten (IJGT, 75), Figure 2, normal form"
{ "Player 1" "Player 2" } { 3 2 }

1 1 0 2 0 2 1 1 0 3 2 0
"""

OUTCOME_FORM = """NFG 1 R "Outcome form with \\"quotes\\"" { "Row" "" }

{ { "Top" "Bottom" }
{ "Left" "Left" }
}
"A comment
over two lines"

{
{ "win" 2, 0 }
{ "" 0, 1/3 }
{ "half" .5, 1.25e1 }
}
1 2 3 0
"""


def test_payoff_form_profiles_are_listed_first_player_fastest():
    nfg = parse_nfg(SELTEN, "selten.nfg")
    np.testing.assert_array_equal(nfg.game.A, [[1, 1], [0, 0], [0, 2]])
    np.testing.assert_array_equal(nfg.game.B, [[1, 1], [2, 3], [2, 0]])
    assert nfg.game.players == ("Player 1", "Player 2")
    assert nfg.game.strategies == (("1", "2", "3"), ("1", "2"))
    assert nfg.title == "Selten (IJGT, 75), Figure 2, normal form"
    assert nfg.game.name == "selten"


def test_outcome_form_null_outcome_fractions_decimals_and_names():
    nfg = parse_nfg(OUTCOME_FORM, "o.nfg")
    assert nfg.title == 'Outcome form with "quotes"'
    assert nfg.comment == "A comment\nover two lines"
    assert nfg.game.players == ("Row", "Player 2")           # empty name made unique
    assert nfg.game.strategies == (("Top", "Bottom"), ("Left", "Left (2)"))
    # profiles: (T,L)=outcome 1, (B,L)=2, (T,R)=3, (B,R)=0 (null)
    assert nfg.exact_payoffs == (((2, F(1, 2)), (0, 0)), ((0, F(25, 2)), (F(1, 3), 0)))
    np.testing.assert_allclose(nfg.game.B, [[0, 12.5], [1 / 3, 0]])


def test_duplicate_player_names_made_unique():
    nfg = parse_nfg('NFG 1 R "" { "A" "A" "" } { 1 1 1 }\n1 2 3\n')
    assert nfg.game.players == ("A", "A (2)", "Player 3")
    assert nfg.game.payoffs.shape == (3, 1, 1, 1)


@pytest.mark.parametrize("form", ["outcome", "payoff"])
def test_round_trip_keeps_exact_payoffs(form):
    nfg = parse_nfg(OUTCOME_FORM, "o.nfg")
    again = parse_nfg(write_nfg(nfg.game, exact_payoffs=nfg.exact_payoffs, form=form), "o.nfg")
    assert again.exact_payoffs == nfg.exact_payoffs
    if form == "outcome":
        assert again.game.strategies == nfg.game.strategies
        assert again.game.players == nfg.game.players


def test_round_trip_gives_the_same_equilibria(tmp_path):
    # von Stengel's 3x2 game: scenario arrays -> .nfg -> read -> solve
    game = from_arrays([[[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]],
                       players=["US", "China"], strategies=[["a", "b", "c"], ["x", "y"]])
    path = tmp_path / "g.nfg"
    path.write_text(write_nfg(game))
    nfg = load_nfg(path)
    before = solve(game.payoffs, exact=True)
    after = solve(nfg.game.payoffs, exact=True, exact_payoffs=nfg.exact_payoffs)
    assert [e.exact_strategies for e in after.equilibria] == [
        e.exact_strategies for e in before.equilibria]
    assert len(after.equilibria) == 3


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3).flatmap(lambda m: st.integers(1, 3).flatmap(
    lambda n: arrays(np.float64, (2, m, n),
                     elements=st.floats(-1e6, 1e6, allow_nan=False, width=64)))),
       st.sampled_from(["outcome", "payoff"]))
def test_float_payoffs_survive_a_round_trip(payoffs, form):
    game = from_arrays(payoffs)
    again = parse_nfg(write_nfg(game, form=form))
    np.testing.assert_array_equal(again.game.payoffs, payoffs)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("GAME 1 R", 1, "start with 'NFG'"),
    ("NFG 2 R", 1, "format version 1"),
    ('NFG 1 R "t" { "a" "b" } { 2 x }', 1, "positive number of strategies"),
    ('NFG 1 R "t" { "a" "b" } { 2 0 }', 1, "positive number of strategies"),
    ('NFG 1 R "t { "a" }', 1, "closing \""),
    ('NFG 1 R "t" { "a" "b" }\n{ 2 2 }\n\n1 2 3\n', 4, "found the end of the file"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 }\n1 two', 2, "found 'two'"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 }\n1 2/0', 2, "non-zero denominator"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 }\n1 2 3', 2, "end of the file after 1 profiles"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 }\n{ { "" 1 2 3 } }\n1', 2, "2 payoffs"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 }\n{ { "" 1 2 } }\n\n2', 4, "from 0 to 1"),
    ('NFG 1 R "t" { } { }', 1, "at least one player"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 1 }', 1, "one entry per player (2)"),
])
def test_malformed_files_one_line_error_with_line(text, line, message):
    with pytest.raises(ScenarioError) as info:
        parse_nfg(text, "bad.nfg")
    err = info.value
    assert err.line == line
    assert message in str(err)
    assert str(err).startswith(f"bad.nfg:{line}:")
    assert "\n" not in str(err)


def test_unreadable_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_nfg(tmp_path / "missing.nfg")
