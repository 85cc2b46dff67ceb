"""The truce model's numbers that sweeps, the tornado, `compare` and timelines report
(:func:`sim.analyses.truce_model.point_outcomes`) move with what they depend on (each side's
temptation, the discount factor, the punishments available) and not with labels or the order
in which the file lists players, levers and levels.

The game is a prisoner's dilemma (R = 3, P = 1, S = 0) whose temptations ``tr`` (Row) and
``tc`` (Col) are shocked each period (normal, sd 1.5, clipped to their ranges); perception
noise makes the truce fragile. A deliberate breach pays T - R now and costs the punishment's
discounted harm (Rotemberg and Saloner, 1986), so a more tempted side breaches more often
and a more patient one less often.
"""

from __future__ import annotations

import itertools
import tomllib

import numpy as np
import pytest

from sim.analyses.truce_model import point_outcomes
from sim.scenario import parse_scenario
from sim.scenario.build import build_game

FILE = """
[scenario]
name = "pd-shocked"

[assumptions]
tr = {{ value = {tr}, range = [3, 9], why = "Row's temptation" }}
tc = {{ value = {tc}, range = [3, 9], why = "Col's temptation" }}
sd = {{ value = 1.5, range = [0.5, 3], why = "shock size" }}
d = {{ value = {d}, range = [0.1, 0.99], why = "patience" }}
pi = {{ value = 0.05, range = [0, 0.2], why = "perception noise" }}

[players.{row}.levers.{m}]
levels = {levels_m}

[players.{col}.levers.{n}]
levels = {levels_n}

[payoffs]
{row} = "(1-{m})*(1-{n})*3 + {m}*(1-{n})*tr + {m}*{n}*1"
{col} = "(1-{m})*(1-{n})*3 + {n}*(1-{m})*tc + {m}*{n}*1"

[profiles]
truce = {{ {row} = {{ {m} = "{keep}" }}, {col} = {{ {n} = "{keep}" }} }}
war = {{ {row} = {{ {m} = "{breach}" }}, {col} = {{ {n} = "{breach}" }} }}

[truce]
profile = "truce"
escalation = "war"
discount = "d"
length_days = 56
period_days = 7
noise_perception = "pi"
{lengths}

[truce.shocks]
tr = {{ sd = "sd" }}
tc = {{ sd = "sd" }}
"""


def outcomes(*, tr=5.0, tc=5.0, d=0.6, swap=False, rename=False, reverse=False,
             lengths="", overrides=None) -> dict:
    """The reported outcomes; ``swap`` lists Col first, ``rename`` renames players, levers
    and levels, ``reverse`` lists each lever's levels in the other order."""
    row, col, m, n = ("Alpha", "Beta", "x", "y") if rename else ("Row", "Col", "m", "n")
    keep, breach = ("hold", "break") if rename else ("cooperate", "defect")
    pair = [f'{keep} = 0', f'{breach} = 1']
    levels = "{ " + ", ".join(pair[::-1] if reverse else pair) + " }"
    text = FILE.format(tr=tr, tc=tc, d=d, row=row, col=col, m=m, n=n, keep=keep,
                       breach=breach, levels_m=levels, levels_n=levels, lengths=lengths)
    if swap:  # the second player's lever table first
        head, rest = text.split(f"[players.{row}.levers.{m}]")
        mine, theirs = rest.split(f"[players.{col}.levers.{n}]")
        theirs, tail = theirs.split("[payoffs]")
        text = (head + f"[players.{col}.levers.{n}]" + theirs + f"[players.{row}.levers.{m}]"
                + mine + "[payoffs]" + tail)
    scenario = parse_scenario(tomllib.loads(text), path=None, text=text)
    game = build_game(scenario, overrides)
    truce = game.profile_index(scenario.profiles["truce"])
    war = game.profile_index(scenario.profiles["war"])
    out = point_outcomes(scenario, game, overrides or {}, (truce[0], truce[1]),
                         (war[0], war[1]))
    out["players"] = list(game.players)
    return out


KEYS = ("no_slip", "dispute", "collapse", "renewed", "disputes_per_year")


def test_labels_and_level_order_change_nothing() -> None:
    base = outcomes()
    for other in (outcomes(rename=True), outcomes(reverse=True)):
        for key in KEYS:
            assert other[key] == pytest.approx(base[key], abs=1e-12), key
        assert other["breach_rate"] == pytest.approx(base["breach_rate"], abs=1e-12)


def test_listing_the_players_the_other_way_round_permutes_the_sides() -> None:
    base = outcomes(tr=6.5, tc=4.5)
    swapped = outcomes(tr=6.5, tc=4.5, swap=True)
    assert swapped["players"] == ["Col", "Row"]
    for key in KEYS:
        assert swapped[key] == pytest.approx(base[key], abs=1e-12), key
    assert swapped["breach_rate"] == pytest.approx(base["breach_rate"][::-1], abs=1e-12)


def test_a_more_tempted_side_breaches_more_and_the_truce_survives_less() -> None:
    temptations = np.linspace(4.0, 8.0, 5)
    runs = [outcomes(tr=t) for t in temptations]
    row = [r["breach_rate"][0] for r in runs]
    col = [r["breach_rate"][1] for r in runs]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(row))
    assert row[-1] > row[0] + 0.05  # it moves, not only weakly
    assert col == pytest.approx([col[0]] * len(col), abs=1e-12)  # Col's own temptation only
    no_slip = [r["no_slip"] for r in runs]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(no_slip))
    assert no_slip[-1] < no_slip[0]


def test_an_override_moves_the_numbers_as_the_file_value_does() -> None:
    """What a sweep or the tornado sets through ``overrides`` equals editing the file."""
    edited = outcomes(tr=7.0)
    overridden = outcomes(overrides={"tr": 7.0})
    for key in KEYS:
        assert overridden[key] == pytest.approx(edited[key], abs=1e-12), key


def test_more_patience_never_raises_the_breach_rate() -> None:
    runs = [outcomes(tr=6.0, tc=6.0, d=d) for d in (0.3, 0.45, 0.6, 0.75, 0.9)]
    rates = [r["breach_rate"][0] for r in runs]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(rates))
    assert rates[0] > rates[-1] + 0.05
    assert [r["delta"] for r in runs] == pytest.approx([0.3, 0.45, 0.6, 0.75, 0.9])


def test_longer_punishments_available_never_raise_the_breach_rate() -> None:
    """A family with only one-period punishments against one that also has 2, 3, 6: the
    mildest deterring punishment of the larger family deters at least as often."""
    short = outcomes(tr=6.0, tc=6.0, d=0.45, lengths="punishment_lengths = [1]")
    long = outcomes(tr=6.0, tc=6.0, d=0.45, lengths="punishment_lengths = [1, 2, 3, 6]")
    assert long["breach_rate"][0] <= short["breach_rate"][0] + 1e-12
    assert long["breach_rate"][0] < short["breach_rate"][0]  # here it matters
