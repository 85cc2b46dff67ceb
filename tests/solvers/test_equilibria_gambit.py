"""Cross-check against Gambit's exact ``enummixed`` on the corpus (needs the bench extra).

Skipped when pygambit is not installed (it is a benchmark reference, not a dependency).
Gambit's rational vertex enumeration lists the extreme equilibria of a two-player game; ours
must be the same set. For three players, every equilibrium Gambit's ``enumpoly`` finds must
be among ours (on random games ours sometimes finds verified equilibria enumpoly misses).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from sim.solvers.equilibria import solve

gbt = pytest.importorskip("pygambit")

from test_equilibria_corpus import CORPUS

# pygambit 17 moved the constructor to StrategicGame and names players and strategies by
# label; 16.x has it on Game and indexes a profile by strategy objects
from_arrays = getattr(gbt, "StrategicGame", gbt.Game).from_arrays


def probabilities(game, eq) -> list[list]:
    """Each player's probabilities in a Gambit profile, in strategy order."""
    if hasattr(game, "get_strategies"):
        return [[eq[p][s] for s in game.get_strategies(p)] for p in game.players]
    return [[eq[s] for s in p.strategies] for p in game.players]


def gambit_extreme_equilibria(payoffs: np.ndarray) -> set:
    game = from_arrays(payoffs[0].astype(int), payoffs[1].astype(int))
    result = gbt.nash.enummixed_solve(game, rational=True)
    return {tuple(tuple(Fraction(str(v)) for v in x) for x in probabilities(game, eq))
            for eq in result.equilibria}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_same_extreme_equilibria_as_gambit_enummixed(name):
    payoffs = CORPUS[name]
    ours = {eq.exact_strategies for eq in solve(payoffs, exact=True).equilibria}
    assert ours == gambit_extreme_equilibria(payoffs)


MCKELVEY_MCLENNAN_CELLS = {(0, 0, 0): (9, 8, 12), (1, 1, 0): (9, 8, 2), (1, 0, 1): (3, 4, 6),
                           (0, 1, 1): (3, 4, 6)}


def gambit_enumpoly(payoffs: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    game = from_arrays(*[p.astype(int) for p in payoffs])
    result = gbt.nash.enumpoly_solve(game, use_strategic=True)
    return [tuple(np.array([float(v) for v in x]) for x in probabilities(game, eq))
            for eq in result.equilibria]


def three_player_games() -> list[np.ndarray]:
    mm = np.zeros((3, 2, 2, 2))
    for cell, values in MCKELVEY_MCLENNAN_CELLS.items():
        mm[(slice(None), *cell)] = values
    rng = np.random.default_rng(18)
    return [mm, *(rng.integers(0, 100, size=(3, *shape)).astype(float)
                  for shape in [(2, 2, 2), (2, 3, 2), (3, 2, 2)])]


@pytest.mark.parametrize("index", range(4))
def test_polynomial_enumeration_finds_every_equilibrium_gambit_enumpoly_finds(index):
    payoffs = three_player_games()[index]
    ours = [eq.strategies for eq in solve(payoffs, method="polynomial").equilibria]
    for theirs in gambit_enumpoly(payoffs):
        assert any(all(np.allclose(a, b, atol=1e-6) for a, b in zip(theirs, mine, strict=True))
                   for mine in ours)
