"""Shared hypothesis strategies for games: every property test draws its games here.

Small integer payoffs make degenerate games (ties) common, which is where equilibrium code
breaks; sizes stay small so that brute-force checks are cheap.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


@st.composite
def payoff_matrices(draw, *, min_size: int = 1, max_size: int = 5,
                    values: tuple[int, int] = (0, 3)) -> np.ndarray:
    """One ``m x n`` integer-valued payoff matrix (as floats), ``min_size <= m, n <= max_size``."""
    m = draw(st.integers(min_size, max_size))
    n = draw(st.integers(min_size, max_size))
    lo, hi = values
    return draw(arrays(np.int64, (m, n), elements=st.integers(lo, hi))).astype(float)


@st.composite
def bimatrix_games(draw, *, min_size: int = 1, max_size: int = 4,
                   values: tuple[int, int] = (0, 3)) -> np.ndarray:
    """Payoffs ``(2, m, n)`` of a two-player game: ``[A, B]`` with integer values as floats."""
    m = draw(st.integers(min_size, max_size))
    n = draw(st.integers(min_size, max_size))
    lo, hi = values
    return draw(arrays(np.int64, (2, m, n), elements=st.integers(lo, hi))).astype(float)
