"""The global Newton method (Govindan and Wilson 2003) and logit QRE tracing on Gambit's
n-player example games.

Expected answers: Gambit's ``gnm`` (pygambit 16.7.0, default perturbation: each player's
first strategy, tracing to lambda = -10) lists, in the order the path crosses them, the
equilibria below; ours follows the same homotopy, so it must find the same ones in the same
order. With pygambit installed (the bench extra) the comparison is also made live.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.formats.nfg import load_nfg
from sim.solvers.equilibria import solve
from sim.solvers.gnm import global_newton, project_simplex
from sim.solvers.verify import is_nash

GAMBIT = Path(__file__).resolve().parents[1] / "data" / "gambit"

GAMBIT_GNM = {
    "2x2x2x2x2": [[[1, 0], [0.23, 0.77], [0.6311, 0.3689], [0.6994, 0.3006], [1, 0]],
                  [[0.1441, 0.8559], [0.2584, 0.7416], [1, 0], [1, 0], [0, 1]],
                  [[0, 1], [0, 1], [1, 0], [0.7959, 0.2041], [0.5589, 0.4411]]],
    "5x4x3": [[[1, 0, 0, 0, 0], [0, 0.3771, 0.6229, 0], [0.0048, 0.9952, 0]]],
    "8x2x2": [[[0, 0, 0, 0, 0, 0, 1, 0], [1, 0], [0, 1]],
              [[0, 0, 0, 0, 0, 0, 1, 0], [0.5848, 0.4152], [0.4713, 0.5287]],
              [[0, 0, 0.1814, 0, 0, 0, 0.8186, 0], [0.5813, 0.4187], [0.6636, 0.3364]],
              [[0.4994, 0, 0.5006, 0, 0, 0, 0, 0], [0.4149, 0.5851], [1, 0]],
              [[1, 0, 0, 0, 0, 0, 0, 0], [0, 1], [1, 0]]],
}


def game(name: str) -> np.ndarray:
    return load_nfg(GAMBIT / f"{name}.nfg").game.payoffs


def same(found, expected, atol=2e-4) -> bool:
    return len(found) == len(expected) and all(
        all(np.allclose(a, b, atol=atol) for a, b in zip(f, e, strict=True))
        for f, e in zip(found, expected, strict=True))


@pytest.mark.parametrize("name", sorted(GAMBIT_GNM))
def test_same_equilibria_in_the_same_order_as_gambit_gnm(name):
    payoffs = game(name)
    found = global_newton(payoffs)
    assert found.finished
    assert same(found.profiles, GAMBIT_GNM[name])
    for profile in found.profiles:
        assert is_nash(payoffs, profile, tol=1e-7)


def test_live_against_pygambit_when_installed():
    gbt = pytest.importorskip("pygambit")
    for name in ("5x4x3", "8x2x2"):
        g = gbt.read_nfg(str(GAMBIT / f"{name}.nfg"))
        # pygambit 17 names players and strategies by label; 16.x indexes by objects
        theirs = [[[float(eq[p][s]) for s in g.get_strategies(p)]
                   if hasattr(g, "get_strategies") else [float(eq[s]) for s in p.strategies]
                   for p in g.players] for eq in gbt.nash.gnm_solve(g).equilibria]
        assert same(global_newton(game(name)).profiles, theirs, atol=1e-6)


def test_solve_reports_gnm_as_incomplete_and_finds_a_mixed_equilibrium_pure_scan_misses():
    payoffs = game("5x4x3")
    assert solve(payoffs, method="pure").equilibria == ()
    result = solve(payoffs, method="gnm")
    assert result.method == "gnm"
    assert not result.complete
    assert "other equilibria may exist" in result.message
    assert len(result.equilibria) == 1


def test_every_equilibrium_on_the_path_is_one_of_the_enumerated_ones():
    """McKelvey and McLennan's 2x2x2 game (9 equilibria, two totally mixed) and the 3x3x3
    example: the path's equilibria are among those support enumeration finds."""
    cells = {(0, 0, 0): (9, 8, 12), (1, 1, 0): (9, 8, 2), (1, 0, 1): (3, 4, 6),
             (0, 1, 1): (3, 4, 6)}
    mm = np.zeros((3, 2, 2, 2))
    for cell, values in cells.items():
        mm[(slice(None), *cell)] = values
    for payoffs in (mm, game("3x3x3")):
        every = [eq.strategies for eq in solve(payoffs, method="polynomial").equilibria]
        found = global_newton(payoffs).profiles
        assert found
        for profile in found:
            assert any(same([profile], [e], atol=1e-6) for e in every)


def test_first_equilibria_of_the_3x3x3_path_are_gambits():
    found = global_newton(game("3x3x3"))
    expected = [[[1, 0, 0], [0, 1, 0], [1, 0, 0]],
                [[0.493, 0.507, 0], [0, 1, 0], [0, 0.0531, 0.9469]]]
    assert same(found.profiles[:2], expected)


def test_relabelling_players_relabels_the_path():
    """Swapping players 1 and 2 (axes and payoff arrays) swaps them in every equilibrium;
    the perturbation (each player's first strategy) is label-free."""
    payoffs = game("8x2x2")
    swapped = np.transpose(payoffs[[0, 2, 1]], (0, 1, 3, 2))
    a = global_newton(payoffs).profiles
    b = global_newton(swapped).profiles
    assert same([(p[0], p[2], p[1]) for p in a], b, atol=1e-6)


def test_a_common_affine_change_of_payoffs_changes_nothing():
    payoffs = game("5x4x3")
    assert same(global_newton(3.0 * payoffs - 7.0).profiles, global_newton(payoffs).profiles,
                atol=1e-7)


def test_projection_onto_the_simplex():
    assert np.allclose(project_simplex(np.array([0.2, 0.9, -1.0])), [0.15, 0.85, 0.0])
    assert np.allclose(project_simplex(np.array([5.0, 0.0])), [1.0, 0.0])


GAMBIT_LOGIT = {  # pygambit 16.7.0 logit_solve: the limit of the principal branch
    "3x3x3": [[0, 1, 0], [0, 0, 1], [0, 0, 1]],
    "5x4x3": [[1, 0, 0, 0, 0], [0, 0.3771, 0.6229, 0], [0.0048, 0.9952, 0]],
    "8x2x2": [[0, 0, 0, 0, 0, 0, 1, 0], [1, 0], [0, 1]],
    "2x2x2x2x2": [[1, 0], [0.23, 0.77], [0.6311, 0.3689], [0.6994, 0.3006], [1, 0]],
}


@pytest.mark.parametrize("name", sorted(GAMBIT_LOGIT))
def test_logit_qre_selects_the_same_equilibrium_as_gambit_logit(name):
    """Logit QRE tracing for n players (method 'qre') ends where Gambit's ``logit`` does."""
    result = solve(game(name), method="qre")
    assert not result.complete
    assert same([eq.strategies for eq in result.equilibria], [GAMBIT_LOGIT[name]])
