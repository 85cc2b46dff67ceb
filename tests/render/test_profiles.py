"""Profiles as tables with one column per lever; show's filter, sort and bimatrix."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.game import from_arrays
from sim.render import profiles as pr
from sim.render.text import show_text
from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.solvers.pure import pure_nash

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios/london-2025.toml"


@pytest.fixture(scope="module")
def london():
    scenario = load_scenario(LONDON)
    return scenario, build_game(scenario)


def test_london_table_has_one_column_per_lever_and_its_unit(london):
    scenario, game = london
    headers, rows = pr.profile_table(game, [(0, 0), (5, 7)], unit=scenario.payoff_unit)
    levers = [lv for per in game.levers for lv in per]
    assert headers == [*levers, "US payoff ($bn/month)", "China payoff ($bn/month)"]
    for row, idx in zip(rows, [(0, 0), (5, 7)], strict=True):
        choice = {**game.lever_choice(0, idx[0]), **game.lever_choice(1, idx[1])}
        assert row[:len(levers)] == [choice[lv] for lv in levers]
        assert float(row[-2]) == pytest.approx(game.payoffs[(0, *idx)], rel=1e-3)
    text = show_text(scenario, game, max_rows=60)
    assert max(len(line) for line in text.splitlines()
               if not line.startswith(("|", "- ", "  ", "Second")) and "=" not in line) < 200


def test_where_and_sort_filter_and_order_the_profiles(london):
    _, game = london
    where = pr.parse_where(game, ["us_tariff=geneva", "cn_tariff=geneva,war"])
    chosen = pr.sort_profiles(game, pr.matching(game, where), "US")
    assert len(chosen) == 576 // 3  # cn_tariff has only these two levels
    assert len(pr.matching(game, pr.parse_where(game, ["us_tariff=geneva", "cn_tariff=geneva"]))) == 96
    for idx in chosen:
        assert game.lever_choice(0, idx[0])["us_tariff"] == "geneva"
        assert game.lever_choice(1, idx[1])["cn_tariff"] in {"geneva", "war"}
    us = [game.payoffs[(0, *idx)] for idx in chosen]
    assert us == sorted(us, reverse=True)
    by_lever = pr.sort_profiles(game, pr.matching(game, {}), "rare_earths")
    order = [game.lever_choice(1, i[1])["rare_earths"] for i in by_lever]
    assert order == sorted(order, key=game.levels[1][1].index)
    with pytest.raises(InputError, match="no level 'gen'; levels: war, geneva, baseline"):
        pr.parse_where(game, ["us_tariff=gen"])
    with pytest.raises(InputError, match="no lever 'tarif'"):
        pr.parse_where(game, ["tarif=war"])
    with pytest.raises(InputError, match="expected a player"):
        pr.sort_profiles(game, chosen, "EU")


def _stars(lines):
    cells = [re.split(r"\s{2,}", line.strip())[1:] for line in lines[3:]]
    return [[c.count("*") for c in row] for row in cells]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bimatrix_marks_best_responses_and_both_starred_cells_are_pure_equilibria(seed):
    rng = np.random.default_rng(seed)
    A, B = rng.integers(0, 4, (2, 12, 12)).astype(float)
    game = from_arrays([A, B], players=["Row", "Col"])
    lines = pr.bimatrix_lines(game)
    assert len(lines) == 3 + 12
    br_row, br_col = pr.best_responses(game)
    both = {(r, c) for r in range(12) for c in range(12) if br_row[r, c] and br_col[r, c]}
    assert both == {tuple(p) for p in pure_nash(game.payoffs)}
    stars = _stars(lines)
    assert stars == (br_row.astype(int) + br_col.astype(int)).tolist()
    # permuting the row player's strategies permutes the marks and nothing else
    perm = rng.permutation(12)
    moved = from_arrays([A[perm], B[perm]], players=["Row", "Col"])
    assert _stars(pr.bimatrix_lines(moved)) == [stars[k] for k in perm]


def test_long_strategy_names_get_a_key(london):
    _, game = london
    small = from_arrays(game.payoffs[:, :3, :4], players=game.players,
                        strategies=[game.strategies[0][:3], game.strategies[1][:4]])
    lines = pr.bimatrix_lines(small, unit="$bn/month")
    assert lines[1].split()[-4:] == ["C1", "C2", "C3", "C4"]
    assert f"  R1 = US: {game.strategies[0][0]}" in lines
    assert "in $bn/month" in lines[0]
