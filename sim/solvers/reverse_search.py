r"""Vertices of a best-response polytope by batched lexicographic reverse search.

The polytope is :math:`P = \{x \in \mathbb{R}^m : x \ge 0,\ M^\top x \le 1\}` with
:math:`M > 0` (:math:`m \times n`), written with slacks :math:`s = 1 - M^\top x` as
:math:`[M^\top \mid I]\,(x, s) = 1`. A basis is a set of *n* of the :math:`m + n`
variables; its tableau is :math:`T = C_\beta^{-1} [M^\top \mid I \mid 1]`. The right-hand
side is perturbed to :math:`1 + (\varepsilon, \varepsilon^2, \dots)`, which makes the
polytope simple: the minimum-ratio test is broken by the rows of the basis inverse (the
slack columns of *T*), so every *lexicographically feasible* basis is the one basis of a
perturbed vertex, and every vertex of *P* is the image of at least one of them. As in lrs,
only the *dictionary* is stored: the *m* nonbasic columns of *T* and the right-hand side
(the *n* basic columns are unit vectors), which halves the work per pivot of a square game.

Reverse search (Avis and Fukuda 1992; lrs, Avis 2000) spans these bases by a tree without
storing any of them. The objective :math:`\max -\sum_i x_i` is optimal only at the origin,
whose basis is all slacks. The *parent* of any other basis is the one reached by the
simplex pivot with Bland's rule: the entering variable is the smallest index with a
positive reduced cost :math:`d_j`, the leaving one given by the lexicographic ratio test.
So a pivot from a basis :math:`\beta` entering *s* (with :math:`d_s < 0`) and leaving
:math:`\beta_r` reaches a *child* exactly when, in the new basis, :math:`\beta_r` is the
smallest index with a positive reduced cost; the new reduced costs are
:math:`d'_j = d_j - d_s T_{rj} / T_{rs}`, so the test needs only the parent's tableau.
Each basis is reached from exactly one parent, and the search walks the tree depth first
in batches: memory holds a stack of tableaux whose size depends on the tree's depth and
the batch size, not on the number of vertices. Subtrees are independent, which is how the
work is shared between processes (as in mplrs).

Arithmetic is floating point (payoffs rescaled to [1, 2]) with a tolerance for zero;
children's dictionaries and reduced costs are updated by pivoting, and each subtree handed to a process starts
from a tableau recomputed from the data. Equilibria found from these vertices are
re-verified, and made exact in rational arithmetic on request, by the caller.

References
----------
Avis, D., Fukuda, K. (1992). A pivoting algorithm for convex hulls and vertex enumeration
of arrangements and polyhedra. *Discrete & Computational Geometry* 8, 295-313.

Avis, D. (2000). lrs: a revised implementation of the reverse search vertex enumeration
algorithm. In Kalai, G., Ziegler, G. (eds.), *Polytopes: Combinatorics and Computation*,
177-198.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

BATCH = 512
"""Bases expanded together in one vectorised step of the search."""

SPLIT_TABLEAUX = 16384
"""Largest level of :func:`split` kept with its tableaux (else recomputed from the bases)."""


@dataclass(frozen=True)
class Batch:
    r"""A batch of lexicographically feasible bases with their dictionaries.

    ``bases[k, r]`` is the variable basic in row *r* (``0..m-1``: the coordinates of *x*,
    ``m..m+n-1``: the slacks) and ``cobases[k, c]`` the variable of column *c* of the
    dictionary ``T[k]`` (:math:`C_\beta^{-1} C_N`, the basic columns, unit vectors, left
    out, so an *n*-row dictionary has *m* + 1 columns, the last the right-hand side);
    ``d[k, c]`` is the reduced cost of that column. ``T``, ``cobases`` and ``d`` are
    ``None`` for bases waiting without their dictionaries.
    """

    bases: np.ndarray
    T: np.ndarray | None
    cobases: np.ndarray | None = None
    d: np.ndarray | None = None

    def __len__(self) -> int:
        return self.bases.shape[0]

    def __getitem__(self, rows: slice) -> Batch:
        if self.T is None:
            return Batch(bases=self.bases[rows], T=None)
        return Batch(bases=self.bases[rows], T=self.T[rows], cobases=self.cobases[rows],
                     d=self.d[rows])


def concatenate(parts: list[Batch]) -> Batch:
    """One batch of the bases of ``parts`` (all with their dictionaries, or none)."""
    if len(parts) == 1:
        return parts[0]
    bases = np.concatenate([p.bases for p in parts])
    if any(p.T is None for p in parts):
        return Batch(bases=bases, T=None)
    return Batch(bases=bases, T=np.concatenate([p.T for p in parts]),
                 cobases=np.concatenate([p.cobases for p in parts]),
                 d=np.concatenate([p.d for p in parts]))


def root(M: np.ndarray) -> Batch:
    r"""The basis of the origin (every slack basic) of :math:`\{x \ge 0 : M^T x \le 1\}`."""
    m, n = M.shape
    return tableaux(M, np.arange(m, m + n, dtype=np.intp)[None, :])


def tableaux(M: np.ndarray, bases: np.ndarray) -> Batch:
    """Dictionaries of ``bases`` recomputed from the data (one batched linear solve)."""
    m, n = M.shape
    bases = np.asarray(bases, dtype=np.intp)
    K = len(bases)
    nonbasic = np.ones((K, m + n), dtype=bool)
    nonbasic[np.arange(K)[:, None], bases] = False
    cobases = np.nonzero(nonbasic)[1].reshape(K, m)
    C = np.hstack([M.T, np.eye(n)])
    rhs = np.concatenate([C[:, cobases].transpose(1, 0, 2), np.ones((K, n, 1))], axis=2)
    T = np.linalg.solve(np.swapaxes(C[:, bases], 0, 1), rhs)
    return Batch(bases=bases, T=T, cobases=cobases, d=_reduced_costs(bases, cobases, T, m))


def _reduced_costs(bases: np.ndarray, cobases: np.ndarray, T: np.ndarray, m: int) -> np.ndarray:
    r"""Reduced costs of :math:`\max -\sum_i x_i`: :math:`d_j = c_j + \sum` of the rows
    whose basic variable is an *x* (:math:`c_j = -1` for an *x*, 0 for a slack)."""
    d = np.einsum("kr,krj->kj", (bases < m).astype(float), T[:, :, :m])
    d -= cobases < m
    return d


def points(batch: Batch, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The vertices ``x`` (``K x m``) and slacks ``s`` (``K x n``) of a batch of bases."""
    K, n = batch.bases.shape
    full = np.zeros((K, m + n))
    np.put_along_axis(full, batch.bases, np.clip(batch.T[:, :, -1], 0.0, None), axis=1)
    return full[:, :m], full[:, m:]


def _empty(n: int, m: int) -> Batch:
    return Batch(bases=np.zeros((0, n), dtype=np.intp), T=np.zeros((0, n, m + 1)),
                 cobases=np.zeros((0, m), dtype=np.intp), d=np.zeros((0, m)))


def _leaving_rows(batch: Batch, f: np.ndarray, q: np.ndarray, m: int, tol: float,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Lexicographic minimum-ratio row for column ``q`` of dictionary ``f`` (and a mask of
    the pairs that have one): ties in the ratio are broken by the rows of the basis
    inverse, the slack columns of the full tableau (unit vectors for basic slacks)."""
    T = batch.T
    n = T.shape[1]
    col = T[f, :, q]  # (C, n)
    ratio = np.full(col.shape, np.inf)
    np.divide(T[f, :, m], col, out=ratio, where=col > tol)
    least = ratio.min(axis=1, keepdims=True)
    leave = ratio <= least + tol
    ties = np.flatnonzero(np.count_nonzero(leave, axis=1) > 1)
    if ties.size:
        safe = np.where(col[ties] > tol, col[ties], 1.0)
        lt = leave[ties]
        ft = f[ties]
        inv = np.zeros((ties.size, n, n))
        k, r = np.nonzero(batch.bases[ft] >= m)            # basic slacks: unit columns
        inv[k, r, batch.bases[ft][k, r] - m] = 1.0
        k, c = np.nonzero(batch.cobases[ft] >= m)          # nonbasic slacks: their column
        inv[k, :, batch.cobases[ft][k, c] - m] = T[ft[k], :, c]
        inv /= safe[:, :, None]
        for j in range(n):
            value = np.where(lt, inv[:, :, j], np.inf)
            lt &= value <= value.min(axis=1, keepdims=True) + tol
            if not (lt.sum(axis=1) > 1).any():
                break
        leave[ties] = lt
    return np.argmax(leave, axis=1), np.isfinite(least[:, 0])


def children(batch: Batch, m: int, tol: float) -> Batch:
    r"""The children of every basis of ``batch`` in the reverse-search tree (see the module).

    A pivot entering column *q* (variable *s*) at row *r* (variable :math:`\beta_r`, which
    takes column *q*) with pivot :math:`p = T_{rq}` updates the dictionary to
    :math:`T'_{r\cdot} = T_{r\cdot} / p`, :math:`T'_{i\cdot} = T_{i\cdot} - T_{iq}
    T_{r\cdot} / p` and column *q* to :math:`-T_{iq}/p` (:math:`1/p` in row *r*); the
    reduced costs likewise, :math:`d'_q = -d_q / p`.
    """
    bases, cob, T, d = batch.bases, batch.cobases, batch.T, batch.d
    K, n = bases.shape
    if K == 0:
        return batch
    f, q = np.nonzero(d < -tol)  # candidate entering columns
    if f.size == 0:
        return _empty(n, m)
    r, ok = _leaving_rows(batch, f, q, m, tol)
    f, q, r = f[ok], q[ok], r[ok]
    # reverse test: in the new basis, the old basic variable beta_r must be Bland's choice
    idx = np.arange(f.size)
    pivot_row = T[f, r, :m]
    piv = pivot_row[idx, q]
    dq = d[f, q]
    d_new = d[f] - (dq / piv)[:, None] * pivot_row
    d_new[idx, q] = -dq / piv
    leaving = bases[f, r]
    nc = cob[f]
    nc[idx, q] = leaving
    child = ~((d_new > tol) & (nc < leaving[:, None])).any(axis=1)
    f, q, r, piv, d_new, leaving, nc = (a[child] for a in (f, q, r, piv, d_new, leaving, nc))
    if f.size == 0:
        return _empty(n, m)
    idx = np.arange(f.size)
    Tn = T[f]
    colq = Tn[idx, :, q]
    prow = Tn[idx, r] / piv[:, None]
    Tn -= colq[:, :, None] * prow[:, None, :]
    Tn[idx, r] = prow
    Tn[idx, :, q] = -colq / piv[:, None]
    Tn[idx, r, q] = 1.0 / piv
    nb = bases[f]
    nb[idx, r] = cob[f, q]
    return Batch(bases=nb, T=Tn, cobases=nc, d=d_new)


def walk(
    M: np.ndarray,
    start: Batch,
    *,
    tol: float = 1e-9,
    batch: int = BATCH,
) -> Iterator[Batch]:
    """Every basis of the subtrees rooted at ``start``, depth first, in batches.

    Yields batches of at most ``batch`` bases (with their tableaux); each basis of the
    subtrees is yielded once. The stack holds the tableaux of the children of the last
    batch only; bases left over from earlier batches wait without their tableaux (at most
    one batch's children per level of the tree), which bounds memory by the batch size and
    the depth of the tree, whatever the number of vertices.
    """
    m = M.shape[0]
    stack = [start]
    while stack:
        parts, size = [], 0
        while stack and size < batch:
            part = stack.pop()
            if size + len(part) > batch:
                keep = batch - size
                # the rest waits as bases only; its tableaux are recomputed when popped
                stack.append(Batch(bases=part.bases[keep:], T=None))
                part = part[:keep]
            if part.T is None:
                part = tableaux(M, part.bases)
            parts.append(part)
            size += len(part)
        top = concatenate(parts)
        yield top
        kids = children(top, m, tol)
        if len(kids):
            stack.append(kids)


def split(M: np.ndarray, pieces: int, *, tol: float = 1e-9, visit: Callable | None = None,
          batch: int = BATCH) -> np.ndarray:
    """Bases whose subtrees partition the tree below the first levels, at least ``pieces``.

    The levels above are expanded breadth first, ``batch`` bases at a time, and handed to
    ``visit`` (each of their bases once); the returned bases are not visited. A level is
    narrower than ``pieces`` and its children are at most ``m`` times that many, so the
    tableaux kept for the next level are bounded by ``pieces``; a level above
    :data:`SPLIT_TABLEAUX` bases keeps its bases only (its tableaux are recomputed chunk by
    chunk). A tree smaller than that is expanded entirely and nothing is returned.
    """
    m = M.shape[0]
    level = root(M)
    while 0 < len(level) < pieces:
        nxt = []
        for start in range(0, len(level), batch):
            part = level[start:start + batch]
            if part.T is None:
                part = tableaux(M, part.bases)
            if visit is not None:
                visit(part)
            nxt.append(children(part, m, tol))
        level = concatenate(nxt)
        if len(level) > SPLIT_TABLEAUX:
            level = Batch(bases=level.bases, T=None)
    return level.bases
