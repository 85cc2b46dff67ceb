"""The one resolver of shared settings (sim/analyses/settings.py): truce clock, discount
factor and profile indices, and the commands that must agree through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.analyses import play as play_mod
from sim.analyses import settings as resolve
from sim.analyses import truce as tr
from sim.errors import InputError
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]
PD = ROOT / "scenarios/classroom/prisoners-dilemma.toml"  # [truce] without lengths
LONDON = ROOT / "scenarios/london-2025.toml"
CHICKEN = ROOT / "scenarios/classroom/chicken.toml"  # no [truce]


@pytest.mark.parametrize("path", [PD, LONDON])
def test_play_defaults_to_the_periods_the_truce_report_simulates(path):
    """`play` once hard-coded its own default (10 rounds) where `truce` counted 13."""
    scenario = load_scenario(path)
    s = tr.settings(scenario, build_game(scenario))
    assert play_mod.setup(scenario, build_game(scenario), None).rounds == s.periods


def test_the_default_truce_is_ninety_days_of_weeks():
    clock = resolve.truce_clock(load_scenario(PD))
    assert (clock.length_days, clock.period_days) == (90.0, 7.0)
    assert clock.periods == 13  # ceil(90 / 7)


def test_without_a_truce_play_keeps_its_own_default():
    scenario = load_scenario(CHICKEN)
    assert play_mod.setup(scenario, build_game(scenario), None).rounds == play_mod.DEFAULT_ROUNDS


def test_discount_order_option_then_file_then_fallback_then_error():
    clock = resolve.TruceClock(90.0, 7.0, 0.95, "truce.discount")
    assert resolve.discount(clock) == (0.95, "truce.discount")
    assert resolve.discount(clock, given=0.5) == (0.5, "--delta")
    silent = resolve.TruceClock(90.0, 7.0, None, "none")
    assert resolve.discount(silent, fallback=0.9) == (0.9, "default 0.9")
    with pytest.raises(InputError, match="sets no discount"):
        resolve.discount(silent, where="x.toml")
    with pytest.raises(InputError, match="--delta"):
        resolve.discount(clock, given=1.5)


def test_profile_indices_agree_with_the_game_labels():
    scenario = load_scenario(LONDON)
    game = build_game(scenario)
    for name, index in resolve.named_indices(scenario, game).items():
        assert resolve.profile_index(scenario, game, name) == index
        profile = scenario.profiles[name]
        for p, player in enumerate(game.players):
            assert game.lever_choice(p, index[p]) == profile[player]
    assert resolve.profile_index(scenario, game, None) is None
