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

Vertices are found without pivoting: a vertex of :math:`P` with support :math:`S` is the
solution of :math:`B_{SJ}^\top x_S = 1` for some set :math:`J` of :math:`|S|` tight columns
with :math:`B_{SJ}` non-singular (every vertex has such a basis among its tight
constraints, degenerate or not). All :math:`\binom{m+n}{m}` square systems are solved in
batches by a vectorised Gauss-Jordan elimination; infeasible and singular ones are
discarded, duplicates merged.

References
----------
Avis, cols., Rosenberg, G. cols., Savani, R., von Stengel, B. (2010). Enumeration of Nash
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


@dataclass(frozen=True)
class ExtremePairs:
    """Completely labelled vertex pairs: ``pairs[k] = (index in P, index in Q)``."""

    P: Vertices
    Q: Vertices
    pairs: np.ndarray


def basis_count(m: int, n: int) -> int:
    """Number of square systems :func:`polytope_vertices` solves for both polytopes."""
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


def _combinations(n: int, k: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(n), k)), dtype=np.intp).reshape(-1, k)


def polytope_vertices(M: np.ndarray, *, tol: float = 1e-9) -> Vertices:
    r"""Vertices of :math:`\{x \ge 0 : M^\top x \le 1\}` other than the origin.

    ``M`` (:math:`m \times n`) must have positive entries (see :func:`normalise`), so the
    polytope is bounded and every vertex satisfies :math:`\sum x \le 1`.

    Breadth-first search over the graph of lexicographically feasible bases, one frontier at
    a time: with slacks :math:`s = 1 - M^\top x`, a basis is a set of *n* of the
    :math:`m + n` variables; its tableau :math:`C_\beta^{-1} [C \mid 1]`
    (:math:`C = [M^\top \mid I]`) is recomputed from the data for the whole frontier at
    once (no drift), and every pivot with the lexicographic minimum-ratio rule gives a
    neighbour (see :func:`_neighbours`). These bases are the vertices of a symbolically
    perturbed, simple polytope, connected by pivots, whose vertices map onto all vertices of
    the real one (the device of reverse search: Avis and Fukuda 1992), so every vertex is
    reached even when the polytope is degenerate; the work grows with the number of
    vertices, not with :math:`\binom{m+n}{m}`.

    References
    ----------
    Avis, cols., Fukuda, K. (1992). A pivoting algorithm for convex hulls and vertex enumeration
    of arrangements and polyhedra. *Discrete & Computational Geometry* 8, 295-313.
    """
    m, n = M.shape
    C = np.hstack([M.T, np.eye(n), np.ones((n, 1))])
    total = m + n
    frontier = np.arange(m, total, dtype=np.intp)[None, :]
    seen = {_key(frontier[0])}
    found = []
    while frontier.shape[0]:
        T = np.linalg.solve(np.swapaxes(C[:, frontier], 0, 1), C[None, :, :])
        rhs = np.clip(T[:, :, total], 0.0, None)
        points = np.zeros((frontier.shape[0], total))
        np.put_along_axis(points, frontier, rhs, axis=1)
        found.append(points[:, :m])
        frontier = _neighbours(frontier, T[:, :, :total], rhs, T[:, :, m:total], seen, tol)
    points = _unique_rows(np.concatenate(found), tol)
    points = points[points.sum(axis=1) > tol]
    zero = points <= tol * 10
    tight = points @ M >= 1.0 - tol * 10
    return Vertices(points=points, zero=zero, tight=tight)


def _key(basis: np.ndarray) -> int | bytes:
    """Hashable key of a basis: a bit mask when it fits in 63 bits, else the sorted bytes."""
    if basis.size and basis.max() < 63:
        return int((np.int64(1) << basis.astype(np.int64)).sum())
    return np.sort(basis).tobytes()


def _neighbours(bases: np.ndarray, cols: np.ndarray, rhs: np.ndarray, inverse: np.ndarray,
                seen: set, tol: float) -> np.ndarray:
    r"""Unseen lexicographically feasible bases one pivot away from ``bases``.

    Ties in the minimum-ratio test are broken by the rows of the basis inverse divided by
    the pivot column (the lexicographic rule), which amounts to perturbing the right-hand
    side to :math:`1 + (\varepsilon, \varepsilon^2, \dots)`: the perturbed polytope is
    simple, each of its vertices has one basis, and every vertex of the original polytope
    is the image of one of them, so a degenerate vertex is visited through a few of its
    bases instead of all of them.
    """
    count, n = bases.shape
    basic = np.zeros((count, cols.shape[2]), dtype=bool)
    np.put_along_axis(basic, bases, True, axis=1)
    positive = cols > tol
    safe = np.where(positive, cols, 1.0)
    ratio = np.where(positive, rhs[:, :, None] / safe, np.inf)
    best = ratio.min(axis=1, keepdims=True)
    leave = positive & (ratio <= best + tol * 10) & ~basic[:, None, :]
    for c in range(inverse.shape[2]):
        if not (leave.sum(axis=1) > 1).any():
            break
        value = np.where(leave, inverse[:, :, c, None] / safe, np.inf)
        leave &= value <= value.min(axis=1, keepdims=True) + tol * 10
    first_row = np.argmax(leave, axis=1)            # one row per (basis, entering column)
    leave = np.zeros_like(leave) | (
        (np.arange(n)[None, :, None] == first_row[:, None, :]) & leave.any(axis=1)[:, None, :])
    f, row, enter = np.nonzero(leave)
    if f.size == 0:
        return np.zeros((0, n), dtype=np.intp)
    if cols.shape[2] < 63:
        one = np.int64(1)
        masks = (one << bases.astype(np.int64)).sum(axis=1)
        keys = masks[f] - (one << bases[f, row].astype(np.int64)) + (one << enter.astype(np.int64))
        keys, first = np.unique(keys, return_index=True)
        fresh = [k for k, key in enumerate(keys.tolist()) if key not in seen]
        seen.update(keys[fresh].tolist())
        pick = first[fresh]
        new = bases[f[pick]].copy()
        new[np.arange(pick.size), row[pick]] = enter[pick]
        return new
    new = bases[f].copy()
    new[np.arange(f.size), row] = enter
    new.sort(axis=1)
    out = []
    for b in np.unique(new, axis=0):
        key = b.tobytes()
        if key not in seen:
            seen.add(key)
            out.append(b)
    return np.array(out, dtype=np.intp).reshape(-1, n)


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


def extreme_pairs(A: np.ndarray, B: np.ndarray, *, tol: float = 1e-9) -> ExtremePairs:
    """All completely labelled vertex pairs of the best-response polytopes of ``(A, B)``."""
    P = polytope_vertices(normalise(np.asarray(B, dtype=float)), tol=tol)
    Q = polytope_vertices(normalise(np.asarray(A, dtype=float)).T, tol=tol)
    # label i (row): x_i = 0 in P or (Ay)_i = 1 in Q; label m+j: (B^T x)_j = 1 or y_j = 0
    x_labels = np.hstack([P.zero, P.tight])
    y_labels = np.hstack([Q.tight, Q.zero])
    return ExtremePairs(P=P, Q=Q, pairs=match_labels(x_labels, y_labels, P.points.shape[1]))


def match_labels(x_labels: np.ndarray, y_labels: np.ndarray, x_dim: int) -> np.ndarray:
    """Index pairs ``(a, b)`` with ``x_labels[a] | y_labels[b]`` all true, sorted.

    ``x_dim`` is the dimension of the first polytope (a vertex has at least that many labels).

    A vertex pair of a nondegenerate pair of polytopes is complementary only if the labels of
    one are exactly the missing labels of the other, so those are joined through a hash table;
    vertices with surplus labels (degenerate ones) are compared with every vertex.
    """
    total = x_labels.shape[1]
    if total > 62:
        missing = ((~x_labels).astype(np.float32) @ (~y_labels).astype(np.float32).T)
        return np.argwhere(missing == 0)
    weights = np.int64(1) << np.arange(total, dtype=np.int64)
    xm, ym = x_labels.astype(np.int64) @ weights, y_labels.astype(np.int64) @ weights
    full = (np.int64(1) << np.int64(total)) - 1
    pairs = []
    index = {}
    for b, key in enumerate(ym.tolist()):
        index.setdefault(key, []).append(b)
    for a, key in enumerate(xm.tolist()):
        for b in index.get(int(full ^ key), ()):
            pairs.append((a, b))
    # surplus labels: a vertex may complete a pair without being the exact complement
    x_surplus = np.flatnonzero(x_labels.sum(axis=1) > x_dim)
    y_surplus = np.flatnonzero(y_labels.sum(axis=1) > total - x_dim)
    if x_surplus.size:
        hit = np.argwhere((xm[x_surplus, None] | ym[None, :]) == full)
        pairs += [(int(x_surplus[a]), int(b)) for a, b in hit]
    if y_surplus.size:
        hit = np.argwhere((xm[:, None] | ym[None, y_surplus]) == full)
        pairs += [(int(a), int(y_surplus[b])) for a, b in hit]
    return np.array(sorted(set(pairs)), dtype=np.intp).reshape(-1, 2)
