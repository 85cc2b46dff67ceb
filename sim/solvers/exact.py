r"""Rational arithmetic for exact equilibria (Python :class:`fractions.Fraction`).

A float equilibrium found by vertex enumeration is made exact from its combinatorics: for the
row player's strategy :math:`x` with support :math:`S` and the set :math:`J` of the column
player's best responses to it, :math:`x` is the unique solution of

.. math:: \sum_{i \in S} b_{ij} x_i = w \ (j \in J), \qquad \sum_{i \in S} x_i = 1,

(unknowns :math:`x_S, w`) when :math:`x` is a vertex of the best-response polytope; likewise
for the column player. The system is solved by Gaussian elimination over the rationals; if
the float labels were misread, the system is inconsistent or under-determined and the
candidate is rejected rather than reported.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

ExactGame = tuple  # per player, nested tuples of Fraction with the game's shape


def to_fraction(value) -> Fraction:
    """A Fraction from an int, Fraction, ``"p/q"`` or decimal string, or a float.

    A float is read as the shortest decimal that rounds to it (``0.1`` -> ``1/10``).

    Parameters
    ----------
    value : int, Fraction, str or float

    Returns
    -------
    Fraction
    """
    if isinstance(value, Fraction | int | np.integer):
        return Fraction(int(value)) if isinstance(value, np.integer) else Fraction(value)
    if isinstance(value, str):
        return Fraction(value.strip())
    return Fraction(repr(float(value)))


def to_fractions(payoffs) -> ExactGame:
    """Nested tuples of Fractions from a payoff array or nested sequences.

    Parameters
    ----------
    payoffs : array_like or nested sequences
        Shape ``(n, s_1, ..., s_n)``; entries as :func:`to_fraction` reads them.

    Returns
    -------
    ExactGame
    """
    if isinstance(payoffs, np.ndarray):
        payoffs = payoffs.tolist()
    if isinstance(payoffs, Sequence) and not isinstance(payoffs, str):
        return tuple(to_fractions(p) for p in payoffs)
    return to_fraction(payoffs)


def solve_unique(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    r"""The unique solution of a (possibly over-determined) rational linear system, or None.

    Gaussian elimination over :math:`\mathbb Q` with no tolerance.

    Parameters
    ----------
    rows : list of list of Fraction
        The coefficient matrix, one row per equation.
    rhs : list of Fraction
        The right-hand side.

    Returns
    -------
    list of Fraction or None
        :math:`z` with :math:`Mz = r`; ``None`` when the system is inconsistent or has more
        than one solution.
    """
    n = len(rows[0]) if rows else 0
    M = [[*r, b] for r, b in zip(rows, rhs, strict=True)]
    pivots: list[int] = []
    r = 0
    for c in range(n):
        p = next((i for i in range(r, len(M)) if M[i][c] != 0), None)
        if p is None:
            return None  # a free variable: not unique
        M[r], M[p] = M[p], M[r]
        inv = 1 / M[r][c]
        M[r] = [v * inv for v in M[r]]
        for i in range(len(M)):
            if i != r and M[i][c] != 0:
                f = M[i][c]
                M[i] = [a - f * b for a, b in zip(M[i], M[r], strict=True)]
        pivots.append(c)
        r += 1
    if any(M[i][n] != 0 for i in range(r, len(M))):
        return None  # inconsistent
    return [M[i][n] for i in range(n)]


def _exact_strategy(payoff: ExactGame, own: np.ndarray, other_br: np.ndarray,
                    ) -> tuple[Fraction, ...] | None:
    """Solve for one player's strategy: ``payoff[i][j]`` with i its own, j the other's."""
    support = [i for i in range(len(own)) if own[i]]
    rows = [[payoff[i][j] for i in support] + [Fraction(-1)] for j in np.flatnonzero(other_br)]
    rows.append([Fraction(1)] * len(support) + [Fraction(0)])
    rhs = [Fraction(0)] * (len(rows) - 1) + [Fraction(1)]
    sol = solve_unique(rows, rhs)
    if sol is None or any(v < 0 for v in sol[:-1]):
        return None
    out = [Fraction(0)] * len(own)
    for i, v in zip(support, sol, strict=False):
        out[i] = v
    return tuple(out)


def exact_profile(game: ExactGame, strategies: tuple[np.ndarray, ...],
                  ) -> tuple[tuple[Fraction, ...], ...] | None:
    """Exact version of a float equilibrium (see the module docstring), or None.

    Parameters
    ----------
    game : ExactGame
        A two-player game's payoffs as Fractions.
    strategies : tuple of numpy.ndarray
        The float equilibrium, whose supports and best responses fix the linear systems.

    Returns
    -------
    tuple of tuple of Fraction or None
        Each player's strategy solving its system exactly; ``None`` when a system has no unique
        non-negative solution (the float labels were misread).
    """
    if all(np.count_nonzero(s > 1e-12) == 1 for s in strategies):
        return tuple(tuple(Fraction(int(p > 0.5)) for p in s) for s in strategies)
    if len(game) != 2:
        return None
    A = np.array(game[0], dtype=object)
    B = np.array(game[1], dtype=object)
    Af, Bf = A.astype(float), B.astype(float)
    x, y = strategies
    scale = max(1.0, float(np.abs(Af).max()), float(np.abs(Bf).max()))
    for tol in (1e-9, 1e-7, 1e-5):
        col_values = x @ Bf
        row_values = Af @ y
        col_br = col_values >= col_values.max() - tol * scale
        row_br = row_values >= row_values.max() - tol * scale
        ex = _exact_strategy(B, x > tol, col_br)
        ey = _exact_strategy(A.T, y > tol, row_br)
        if ex is not None and ey is not None:
            return ex, ey
    return None


def expected_payoffs(game: ExactGame, strategies: tuple[tuple[Fraction, ...], ...],
                     ) -> tuple[Fraction, ...]:
    r"""Each player's expected payoff of the profile, exactly.

    Parameters
    ----------
    game : ExactGame
    strategies : tuple of tuple of Fraction
        One mixed strategy per player.

    Returns
    -------
    tuple of Fraction
        :math:`u_i(\sigma) = \sum_s u_i(s) \prod_k \sigma_k(s_k)` for each player *i*.
    """
    values = []
    for payoff in game:
        arr = np.array(payoff, dtype=object)
        for s in reversed(strategies):
            arr = arr.dot(np.array(s, dtype=object))
        values.append(Fraction(arr))
    return tuple(values)


def vertex_strategies(payoff: ExactGame, n_own: int, n_other: int,
                      ) -> list[tuple[tuple[Fraction, ...], frozenset[int], frozenset[int]]]:
    r"""Mixed strategies at the vertices of one best-response polytope, in exact arithmetic.

    ``payoff[i][j]`` is the *other* player's payoff when this player plays *i* and the other
    *j* (``B`` for the row player's polytope, ``A.T`` for the column player's). Every
    support :math:`S` and set :math:`J` of :math:`|S|` columns gives the system
    :math:`\sum_{i\in S} b_{ij} x_i = w\ (j \in J),\ \sum_{i \in S} x_i = 1`; a unique,
    non-negative solution under which every column earns at most *w* is a vertex (normalised
    to a probability vector). Returns ``(x, support, best responses)`` without duplicates.
    Costs :math:`\binom{m+n}{m}` rational solves: for small games and cross-checks.

    Parameters
    ----------
    payoff : ExactGame
        The other player's payoffs, this player's strategies on rows.
    n_own, n_other : int
        Numbers of this player's and the other's pure strategies.

    Returns
    -------
    list of (tuple of Fraction, frozenset of int, frozenset of int)
    """
    out: dict[tuple[Fraction, ...], tuple[frozenset[int], frozenset[int]]] = {}
    for k in range(1, min(n_own, n_other) + 1):
        for S in itertools.combinations(range(n_own), k):
            for J in itertools.combinations(range(n_other), k):
                rows = [[payoff[i][j] for i in S] + [Fraction(-1)] for j in J]
                rows.append([Fraction(1)] * k + [Fraction(0)])
                sol = solve_unique(rows, [Fraction(0)] * k + [Fraction(1)])
                if sol is None or any(v < 0 for v in sol[:k]):
                    continue
                x = [Fraction(0)] * n_own
                for i, v in zip(S, sol, strict=False):
                    x[i] = v
                values = [sum(payoff[i][j] * x[i] for i in S) for j in range(n_other)]
                best = max(values)
                if best != sol[k]:
                    continue
                key = tuple(x)
                if key not in out:
                    support = frozenset(i for i in range(n_own) if x[i] != 0)
                    replies = frozenset(j for j in range(n_other) if values[j] == best)
                    out[key] = (support, replies)
    return [(x, s, r) for x, (s, r) in out.items()]


def extreme_equilibria(game: ExactGame) -> tuple[list[tuple], bool]:
    """All extreme equilibria of a two-player game by exhaustive rational vertex enumeration.

    Returns a list of ``(x, y, a, b)`` with *a*, *b* the indices of the two vertices (for
    components): the pairs where the support of each strategy lies in the other's best
    responses; and whether the game is degenerate: some mixed strategy with support size *k*
    has more than *k* pure best responses, checked at the vertices (a point with surplus
    labels lies on a face whose vertices have them too; von Stengel 2007, Def. 3.2).

    Parameters
    ----------
    game : ExactGame
        A two-player game's payoffs as Fractions.

    Returns
    -------
    equilibria : list of tuple
        ``(x, y, a, b)`` per extreme equilibrium (Mangasarian 1964; von Stengel 2007, ch. 3).
    degenerate : bool
    """
    A, B = game
    m, n = len(A), len(A[0])
    At = [[A[i][j] for i in range(m)] for j in range(n)]
    xs = vertex_strategies(B, m, n)
    ys = vertex_strategies(At, n, m)
    pairs = [(x, y, a, b)
             for a, (x, x_support, x_replies) in enumerate(xs)
             for b, (y, y_support, y_replies) in enumerate(ys)
             if x_support <= y_replies and y_support <= x_replies]
    degenerate = any(len(r) > len(s) for _, s, r in (*xs, *ys))
    return pairs, degenerate

