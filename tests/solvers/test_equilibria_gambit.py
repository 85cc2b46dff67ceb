"""Cross-check against Gambit's exact ``enummixed`` on the corpus (needs the bench extra).

Skipped when pygambit is not installed (it is a benchmark reference, not a dependency).
Gambit's rational vertex enumeration lists the extreme equilibria of a two-player game; ours
must be the same set.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from sim.solvers.equilibria import solve

gbt = pytest.importorskip("pygambit")

from test_equilibria_corpus import CORPUS


def gambit_extreme_equilibria(payoffs: np.ndarray) -> set:
    game = gbt.Game.from_arrays(payoffs[0].astype(int), payoffs[1].astype(int))
    result = gbt.nash.enummixed_solve(game, rational=True)
    return {tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in game.players)
            for eq in result.equilibria}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_same_extreme_equilibria_as_gambit_enummixed(name):
    payoffs = CORPUS[name]
    ours = {eq.exact_strategies for eq in solve(payoffs, exact=True).equilibria}
    assert ours == gambit_extreme_equilibria(payoffs)
