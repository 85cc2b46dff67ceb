"""The extreme equilibria of ``solve(method="enumerate")`` equal lrsnash's, as exact rationals.

lrsnash (lrslib, Debian package ``lrslib``) is an independent, exact implementation of
reverse-search enumeration; ``.ci/run`` installs it, so CI does not skip these tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.formats.lrsnash import lrsnash_path, parse_lrsnash, run_lrsnash, to_lrsnash
from sim.solvers.equilibria import solve

pytestmark = pytest.mark.skipif(
    lrsnash_path() is None,
    reason="lrsnash is not installed (apt-get install lrslib; .ci/run installs it)")


def exact_set(A: np.ndarray, B: np.ndarray) -> set:
    result = solve(np.array([A, B], dtype=float), method="enumerate", exact=True)
    assert result.complete, result.message
    return {tuple(eq.exact_strategies) for eq in result.equilibria}


def random_game(m: int, n: int, seed: int, high: int = 100) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n))


def test_lrsnash_output_is_read_block_by_block():
    # every x of a block pairs with every y of the block; payoffs (last column) dropped
    text = "*header\n2  1  0  1 \n2  0  1  1 \n1  1/2  1/2  1 \n\n2 1 0 3\n1 0 1 3\n\n*Number\n"
    found = parse_lrsnash(text)
    assert len(found) == 3
    assert ((0.5, 0.5), (0, 1)) in {tuple(tuple(float(v) for v in s) for s in p) for p in found}
    assert to_lrsnash(np.eye(2, dtype=int), np.ones((2, 2), int)).splitlines()[:3] == [
        "2 2", "", "1 0"]


@pytest.mark.parametrize(("m", "n", "seed"), [
    (4, 4, 1), (7, 5, 2), (5, 9, 3), (9, 12, 4), (12, 12, 5), (14, 14, 6)])
def test_random_games_match_lrsnash(m, n, seed):
    A, B = random_game(m, n, seed)
    assert exact_set(A, B) == run_lrsnash(A, B)


@pytest.mark.slow
def test_random_16_by_16_matches_lrsnash():
    A, B = random_game(16, 16, 7)
    expected = run_lrsnash(A, B)
    assert len(expected) > 10
    assert exact_set(A, B) == expected


def degenerate_games():
    rng = np.random.default_rng(21)
    yield "ties 6x6", rng.integers(0, 3, (6, 6)), rng.integers(0, 3, (6, 6))
    yield "ties 10x10", rng.integers(0, 3, (10, 10)), rng.integers(0, 3, (10, 10))
    yield "constant 8x8", np.full((8, 8), 5), np.full((8, 8), 5)
    A, B = random_game(12, 12, 8)
    A[3], B[3] = A[0], B[0]                   # a duplicated row strategy
    A[:, 5], B[:, 5] = A[:, 2], B[:, 2]       # and a duplicated column strategy
    yield "duplicates 12x12", A, B
    A, B = random_game(10, 10, 9)
    yield "zero-sum 10x10", A, 99 - A
    A, B = random_game(6, 6, 10)
    A[:, 0] = A.max()                         # a weakly dominant column for the row player
    yield "tied best replies", A, B


@pytest.mark.parametrize(("name", "A", "B"), list(degenerate_games()),
                         ids=[g[0] for g in degenerate_games()])
def test_degenerate_games_match_lrsnash(name, A, B):
    assert exact_set(A, B) == run_lrsnash(A, B)
    assert solve(np.array([A, B], dtype=float), method="enumerate").degenerate or \
        name == "zero-sum 10x10"


@pytest.mark.slow
def test_degenerate_16_by_16_matches_lrsnash():
    A, B = random_game(16, 16, 16)
    A[15], B[15] = A[0], B[0]
    assert exact_set(A, B) == run_lrsnash(A, B)


def digits(rows: str) -> np.ndarray:
    return np.array([[int(c) for c in row] for row in rows.split()])


# a 14 x 14 game with payoffs 0..2 (1066 extreme equilibria) on which a LAPACK shortcut once
# took singular systems for regular ones and lost equilibria
TIES_14 = (digits("20012001110010 20120210102120 02120002101122 10100212102200 00112021100121 "
                  "20011022221110 21012002210212 01020122110022 12120212122000 12000010220220 "
                  "22012202220012 22112200011110 11120220001121 00002001220222"),
           digits("00120101220212 00122022001212 00001101201102 10211120101202 22000001200221 "
                  "10100121012010 12102001001020 11002022022011 00111121212011 10201002100101 "
                  "21200200120121 10102112100220 02011000222111 21102200122101"))


def test_many_ties_14_by_14_match_lrsnash():
    A, B = TIES_14
    ours = solve(np.array([A, B], dtype=float), method="enumerate")
    assert ours.complete
    key = lambda x, y: tuple(np.round(np.concatenate([x, y]).astype(float), 7))
    theirs = {key(np.array(x, dtype=float), np.array(y, dtype=float))
              for x, y in run_lrsnash(A, B)}
    assert len(theirs) == 1066
    assert {key(*eq.strategies) for eq in ours.equilibria} == theirs
