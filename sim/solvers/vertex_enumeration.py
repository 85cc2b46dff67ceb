r"""All extreme Nash equilibria of a bimatrix game by vertex enumeration, degenerate games included.

With payoffs made positive, the best-response polytopes of the game :math:`(A, B)`
(:math:`m \times n`) are

.. math::

    P = \{x \in \mathbb{R}^m : x \ge 0,\ B^\top x \le 1\}, \qquad
    Q = \{y \in \mathbb{R}^n : y \ge 0,\ A y \le 1\}.

A point carries the *labels* of its tight inequalities: :math:`x \in P` has label :math:`i`
if :math:`x_i = 0` and label :math:`m + j` if :math:`(B^\top x)_j = 1` (*j* is a best
response to *x*); :math:`y \in Q` has label :math:`m + j` if :math:`y_j = 0` and label
:math:`i` if :math:`(A y)_i = 1`. The extreme equilibria are exactly the *completely
labelled* vertex pairs :math:`(x, y) \ne (0, 0)` (every label :math:`1..m+n` carried by
:math:`x` or :math:`y`), normalised to probabilities; this holds for degenerate games too,
where a vertex may carry more than :math:`m` labels (Avis et al. 2010, section 3). The
set of equilibria is the union of the products :math:`X \times Y` over maximal cliques
of the bipartite graph of extreme pairs, so its connected components are the connected
components of that graph.

This module holds the pieces shared by the solvers: the rescaling of payoffs, a batched
linear solver, and the vertices of one polytope collected in memory (for small polytopes
and cross-checks). The equilibrium search itself, which enumerates the vertices of one
polytope by reverse search and matches each against the other without storing them, is
:mod:`sim.solvers.enumeration`; the brute-force :func:`polytope_vertices_by_bases`, which
solves all :math:`\binom{m+n}{m}` square systems, checks it in the tests.

References
----------
Avis, D., Rosenberg, G. D., Savani, R., von Stengel, B. (2010). Enumeration of Nash
equilibria for two-player games. *Economic Theory* 42, 9-37.

von Stengel, B. (2007). Equilibrium computation for two-player games in strategic and
extensive form. In Nisan et al. (eds.), *Algorithmic Game Theory*, ch. 3.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

_CHUNK = 1_500_000
"""Largest number of matrix entries solved in one batch (bounds memory to some 50 MB)."""


@dataclass(frozen=True)
class Vertices:
    """Vertices of one best-response polytope and their labels.

    ``points[v]`` is vertex *v* (the origin excluded); ``zero[v, i]`` is true when
    coordinate *i* is zero and ``tight[v, j]`` when inequality *j* is tight.
    """

    points: np.ndarray
    zero: np.ndarray
    tight: np.ndarray

    @property
    def degenerate(self) -> bool:
        """Some vertex carries more labels than the dimension (a degenerate polytope)."""
        labels = self.zero.sum(axis=1) + self.tight.sum(axis=1)
        return bool((labels > self.points.shape[1]).any())


def basis_count(m: int, n: int) -> int:
    """Number of square systems :func:`polytope_vertices_by_bases` solves for both polytopes."""
    return 2 * math.comb(m + n, m)


def normalise(M: np.ndarray) -> np.ndarray:
    """Positive affine image of ``M`` with entries in [1, 2] (equilibria are unchanged)."""
    lo, hi = float(M.min()), float(M.max())
    span = hi - lo if hi > lo else 1.0
    return (M - lo) / span + 1.0


def batched_solve(mats: np.ndarray, rhs: np.ndarray, *, pivot_tol: float = 1e-11
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``mats[k] @ x[k] = rhs[k]`` for a stack of small systems.

    Gauss-Jordan elimination with partial pivoting, one pivot column at a time for the whole
    stack. Returns the solutions and a mask of the systems whose every pivot exceeded
    ``pivot_tol`` in absolute value (the others are singular or nearly so).
    """
    count, k, _ = mats.shape
    G = np.concatenate([mats, rhs[:, :, None]], axis=2)
    ok = np.ones(count, dtype=bool)
    rows = np.arange(count)
    for c in range(k):
        piv = c + np.argmax(np.abs(G[:, c:, c]), axis=1)
        pivot_rows = G[rows, piv].copy()
        G[rows, piv] = G[:, c]
        G[:, c] = pivot_rows
        p = G[:, c, c]
        small = np.abs(p) <= pivot_tol
        ok &= ~small
        G[:, c] /= np.where(small, 1.0, p)[:, None]
        factors = G[:, :, c].copy()
        factors[:, c] = 0.0
        G -= factors[:, :, None] * G[:, None, c, :]
    return G[:, :, k], ok


def _probe(k: int) -> np.ndarray:
    """A fixed right-hand side in [1, 2) with no pattern (the golden-ratio sequence; no
    random generator, whose import would slow every start-up)."""
    return 1.0 + np.modf(np.arange(1, k + 1) * 0.6180339887498949)[0]


def solve_stack(mats: np.ndarray, rhs: np.ndarray, *, pivot_tol: float = 1e-11,
                doubt: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """:func:`batched_solve`'s answer, mostly by LAPACK (several times faster).

    LAPACK (``numpy.linalg.solve``) does not report nearly singular systems, so each
    matrix's determinant (the product of the same LU factorisation's pivots) is compared
    with Hadamard's bound, the product of its rows' norms: a system whose ratio is at most
    ``doubt`` (a pivot near zero), or whose solution for a fixed probe right-hand side
    blows up, is handed to :func:`batched_solve`, which decides with ``pivot_tol``; a
    determinant of exactly 0 (an exactly zero pivot) is singular.
    """
    count, k, _ = mats.shape
    sol = np.zeros((count, k))
    if count == 0:
        return sol, np.zeros(0, dtype=bool)
    det = np.abs(np.linalg.det(mats))
    ok = det != 0.0
    unsure = ok & (det <= doubt * np.prod(np.linalg.norm(mats, axis=2), axis=1))
    sure = ok & ~unsure
    both = np.stack([rhs[sure], np.broadcast_to(_probe(k), (int(sure.sum()), k))], axis=2)
    x = np.linalg.solve(mats[sure], both)
    blown = ~np.isfinite(x).all(axis=(1, 2)) | (np.abs(x).max(axis=(1, 2)) > 1e7)
    sol[sure] = x[:, :, 0]
    unsure[np.flatnonzero(sure)[blown]] = True
    if unsure.any():
        sol[unsure], ok[unsure] = batched_solve(mats[unsure], rhs[unsure], pivot_tol=pivot_tol)
    return sol, ok


def _combinations(n: int, k: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(n), k)), dtype=np.intp).reshape(-1, k)


def polytope_vertices(M: np.ndarray, *, tol: float = 1e-9) -> Vertices:
    r"""Vertices of :math:`\{x \ge 0 : M^\top x \le 1\}` other than the origin.

    ``M`` (:math:`m \times n`) must have positive entries (see :func:`normalise`), so the
    polytope is bounded. Found by the lexicographic reverse search of
    :mod:`sim.solvers.reverse_search` and kept in memory (for small polytopes and checks;
    :mod:`sim.solvers.enumeration` matches vertices as they come instead).
    """
    from sim.solvers.reverse_search import points, root, walk

    m = M.shape[0]
    found = [points(batch, m)[0] for batch in walk(M, root(M), tol=tol)]
    pts = _unique_rows(np.concatenate(found), tol)
    pts = pts[pts.sum(axis=1) > tol]
    zero = pts <= tol * 10
    tight = pts @ M >= 1.0 - tol * 10
    return Vertices(points=pts, zero=zero, tight=tight)


def polytope_vertices_by_bases(M: np.ndarray, *, tol: float = 1e-9) -> Vertices:
    """Same as :func:`polytope_vertices`, by solving every square system (slow; a cross-check)."""
    m, n = M.shape
    found = []
    for k in range(1, min(m, n) + 1):
        S, J = _combinations(m, k), _combinations(n, k)
        step = max(1, _CHUNK // (len(J) * k * k))
        for start in range(0, len(S), step):
            found.append(_solve_chunk(M, S[start:start + step], J, tol))
    points = np.concatenate(found) if found else np.zeros((0, m))
    points = _unique_rows(points, tol)
    zero = points <= tol * 10
    tight = points @ M >= 1.0 - tol * 10
    return Vertices(points=points, zero=zero, tight=tight)


def _solve_chunk(M: np.ndarray, S: np.ndarray, J: np.ndarray, tol: float) -> np.ndarray:
    m = M.shape[0]
    k = S.shape[1]
    sub = M[S[:, None, :, None], J[None, :, None, :]]          # (a, b, k, k): rows S, cols J
    systems = np.swapaxes(sub, -1, -2).reshape(-1, k, k)
    xs, ok = batched_solve(systems, np.ones((systems.shape[0], k)))
    ok &= (xs >= -tol).all(axis=1)
    which = np.flatnonzero(ok)
    if which.size == 0:
        return np.zeros((0, m))
    points = np.zeros((which.size, m))
    support = S[which // len(J)]
    np.put_along_axis(points, support, np.clip(xs[which], 0.0, None), axis=1)
    feasible = (points @ M <= 1.0 + tol * 10).all(axis=1)
    return points[feasible]


def _unique_rows(points: np.ndarray, tol: float) -> np.ndarray:
    if points.shape[0] == 0:
        return points
    grid = max(tol * 100, 1e-12)
    keys = np.round(points / grid).astype(np.int64)
    _, first = np.unique(keys, axis=0, return_index=True)
    return points[np.sort(first)]
