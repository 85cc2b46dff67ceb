"""Shared hypothesis strategies for games: the property tests draw their games here.

Small integer payoffs make degenerate games (ties) common, which is where equilibrium code
breaks; sizes stay small so that brute-force checks are cheap. Import them as
``from tests.games import bimatrix_games`` (pytest puts the repository root on the path).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


@st.composite
def payoff_arrays(draw, *, lead: tuple[int, ...] = (), rows: tuple[int, int] = (1, 5),
                  cols: tuple[int, int] = (1, 5),
                  values: tuple[int, int] = (0, 3)) -> np.ndarray:
    """An integer-valued float array of shape ``(*lead, m, n)``, ``m`` in ``rows`` and ``n``
    in ``cols`` (inclusive ranges), entries in ``values``."""
    m, n = draw(st.integers(*rows)), draw(st.integers(*cols))
    return draw(arrays(np.int64, (*lead, m, n), elements=st.integers(*values))).astype(float)


def _sizes(rows: tuple[int, int] | None, cols: tuple[int, int] | None, min_size: int,
           max_size: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """``rows`` and ``cols`` default to ``(min_size, max_size)``."""
    return rows or (min_size, max_size), cols or (min_size, max_size)


def payoff_matrices(*, min_size: int = 1, max_size: int = 5,
                    rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None,
                    values: tuple[int, int] = (0, 3)) -> st.SearchStrategy[np.ndarray]:
    """One ``m x n`` payoff matrix (or point set: ``m`` points in ``n`` dimensions); ``m`` in
    ``rows`` and ``n`` in ``cols``, both ``(min_size, max_size)`` unless given."""
    rows, cols = _sizes(rows, cols, min_size, max_size)
    return payoff_arrays(rows=rows, cols=cols, values=values)


def bimatrix_games(*, min_size: int = 1, max_size: int = 4,
                   rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None,
                   values: tuple[int, int] = (0, 3)) -> st.SearchStrategy[np.ndarray]:
    """Payoffs ``(2, m, n)`` of a two-player game, ``[A, B]`` (sizes as in
    :func:`payoff_matrices`)."""
    rows, cols = _sizes(rows, cols, min_size, max_size)
    return payoff_arrays(lead=(2,), rows=rows, cols=cols, values=values)


@st.composite
def relabelled_games(draw, *, rows: tuple[int, int] | None = None,
                     cols: tuple[int, int] | None = None, values: tuple[int, int] = (0, 3)):
    """A bimatrix game ``(A, B)``, a permutation of each player's strategies and whether to
    swap the players: for tests that relabelling a game relabels the answer."""
    A, B = draw(bimatrix_games(rows=rows, cols=cols, values=values))
    m, n = A.shape
    perm_rows, perm_cols = draw(st.permutations(range(m))), draw(st.permutations(range(n)))
    return A, B, list(perm_rows), list(perm_cols), draw(st.booleans())
