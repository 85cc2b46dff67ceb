"""Simplicial subdivision (van der Laan, Talman and van der Heyden 1987) on Gambit's example
games and textbook games.

Expected answers: Gambit's ``simpdiv`` (pygambit 16.7.0, started from the centroid) ends at
the equilibria below; with pygambit installed (the bench extra) the comparison is also made
live.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.formats.nfg import load_nfg
from sim.solvers.equilibria import solve
from sim.solvers.simpdiv import regret, simpdiv

GAMBIT = Path(__file__).resolve().parents[1] / "data" / "gambit"

GAMBIT_SIMPDIV = {
    "3x3x3": [[0, 1, 0], [0, 0, 1], [0, 0, 1]],
    "5x4x3": [[1, 0, 0, 0, 0], [0, 0.3771, 0.6229, 0], [0.0048, 0.9952, 0]],
    "8x2x2": [[0, 0, 0, 0, 0, 0, 1, 0], [1, 0], [0, 1]],
    "2x2x2x2x2": [[1, 0], [0.23, 0.77], [0.6311, 0.3689], [0.6994, 0.3006], [1, 0]],
}


def game(name: str) -> np.ndarray:
    return load_nfg(GAMBIT / f"{name}.nfg").game.payoffs


def near(profile, expected, atol=2e-4) -> bool:
    return all(np.allclose(a, b, atol=atol) for a, b in zip(profile, expected, strict=True))


@pytest.mark.parametrize("name", sorted(GAMBIT_SIMPDIV))
def test_an_epsilon_equilibrium_near_gambits_simpdiv_answer(name):
    payoffs = game(name)
    found = simpdiv(payoffs, tol=1e-9)
    assert found.converged
    span = float(np.ptp(payoffs))
    assert regret(payoffs, found.profile) <= 1e-9 * span
    assert near(found.profile, GAMBIT_SIMPDIV[name])


def test_live_against_pygambit_when_installed():
    gbt = pytest.importorskip("pygambit")
    for name in ("5x4x3", "8x2x2"):
        g = gbt.read_nfg(str(GAMBIT / f"{name}.nfg"))
        eq = gbt.nash.simpdiv_solve(g.mixed_strategy_profile(rational=True)).equilibria[0]
        theirs = [[float(eq[s]) for s in p.strategies] for p in g.players]
        assert near(simpdiv(game(name)).profile, theirs, atol=1e-6)


def test_the_unique_equilibrium_of_the_5x4x3_game_is_the_one_support_enumeration_finds():
    payoffs = game("5x4x3")
    every = [eq.strategies for eq in solve(payoffs, method="polynomial").equilibria]
    found = simpdiv(payoffs).profile
    assert any(near(found, e, atol=1e-7) for e in every)


@pytest.mark.parametrize(("matrix", "value"), [
    (np.array([[1.0, -1.0], [-1.0, 1.0]]), [0.5, 0.5]),                      # matching pennies
    (np.array([[0.0, -1, 1], [1, 0, -1], [-1, 1, 0]]), [1 / 3, 1 / 3, 1 / 3]),  # rock-paper-scissors
    (np.array([[3.0, -1.0], [-2.0, 1.0]]), [3 / 7, 4 / 7]),                  # by hand
])
def test_two_player_zero_sum_games_with_a_unique_mixed_equilibrium(matrix, value):
    found = simpdiv(np.array([matrix, -matrix]))
    assert found.converged
    assert np.allclose(found.profile[0], value, atol=1e-8)


def test_relabelling_players_and_strategies_relabels_the_answer():
    payoffs = game("5x4x3")
    perm = [3, 0, 2, 1]
    swapped = np.transpose(payoffs[[0, 2, 1]], (0, 1, 3, 2))[:, :, :, perm]
    a = simpdiv(payoffs).profile
    b = simpdiv(swapped).profile
    assert near((a[0], a[2], a[1][perm]), b, atol=1e-9)


def test_a_common_affine_change_of_payoffs_changes_nothing():
    payoffs = game("8x2x2")
    assert near(simpdiv(3.0 * payoffs - 7.0).profile, simpdiv(payoffs).profile, atol=1e-12)


def test_solve_reports_simpdiv_as_incomplete_with_one_verified_equilibrium():
    result = solve(game("2x2x2x2x2"), method="simpdiv")
    assert result.method == "simpdiv"
    assert not result.complete
    assert "other equilibria may exist" in result.message
    assert len(result.equilibria) == 1
    assert near(result.equilibria[0].strategies, GAMBIT_SIMPDIV["2x2x2x2x2"])
