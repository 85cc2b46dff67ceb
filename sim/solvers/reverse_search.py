r"""Vertices of a best-response polytope by batched lexicographic reverse search.

The polytope is :math:`P = \{x \in \mathbb{R}^m : x \ge 0,\ M^\top x \le 1\}` with
:math:`M > 0` (:math:`m \times n`), written with slacks :math:`s = 1 - M^\top x` as
:math:`[M^\top \mid I]\,(x, s) = 1`. A basis is a set of *n* of the :math:`m + n`
variables; its tableau is :math:`T = C_\beta^{-1} [M^\top \mid I \mid 1]`. The right-hand
side is perturbed to :math:`1 + (\varepsilon, \varepsilon^2, \dots)`, which makes the
polytope simple: the minimum-ratio test is broken by the rows of the basis inverse (the
slack columns of *T*), so every *lexicographically feasible* basis is the one basis of a
perturbed vertex, and every vertex of *P* is the image of at least one of them.

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
children's tableaux are updated by pivoting, and each subtree handed to a process starts
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


@dataclass(frozen=True)
class Batch:
    """A batch of lexicographically feasible bases and their tableaux.

    ``bases[k, r]`` is the variable basic in row *r* (``0..m-1``: the coordinates of *x*,
    ``m..m+n-1``: the slacks); ``T[k]`` is the tableau, its last column the right-hand side.
    """

    bases: np.ndarray
    T: np.ndarray | None

    def __len__(self) -> int:
        return self.bases.shape[0]


def root(M: np.ndarray) -> Batch:
    """The basis of the origin (every slack basic) of :math:`\\{x \\ge 0 : M^T x \\le 1\\}`."""
    m, n = M.shape
    return tableaux(M, np.arange(m, m + n, dtype=np.intp)[None, :])


def tableaux(M: np.ndarray, bases: np.ndarray) -> Batch:
    """Tableaux of ``bases`` recomputed from the data (one batched linear solve)."""
    n = M.shape[1]
    C = np.hstack([M.T, np.eye(n), np.ones((n, 1))])
    T = np.linalg.solve(np.swapaxes(C[:, bases], 0, 1), np.broadcast_to(C, (len(bases), *C.shape)))
    return Batch(bases=np.asarray(bases, dtype=np.intp), T=T)


def points(batch: Batch, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The vertices ``x`` (``K x m``) and slacks ``s`` (``K x n``) of a batch of bases."""
    K, n = batch.bases.shape
    full = np.zeros((K, m + n))
    np.put_along_axis(full, batch.bases, np.clip(batch.T[:, :, -1], 0.0, None), axis=1)
    return full[:, :m], full[:, m:]


def children(batch: Batch, m: int, tol: float) -> Batch:
    """The children of every basis of ``batch`` in the reverse-search tree (see the module)."""
    bases, T = batch.bases, batch.T
    K, n = bases.shape
    total = m + n
    if K == 0:
        return batch
    rows = np.arange(K)[:, None]
    # reduced costs of max -sum(x): d_j = c_j + sum of the rows whose basic variable is an x
    is_x = (bases < m).astype(float)
    d = np.einsum("kr,krj->kj", is_x, T[:, :, :total])
    d[:, :m] -= 1.0
    basic = np.zeros((K, total), dtype=bool)
    basic[rows, bases] = True
    d[basic] = 0.0
    f, s = np.nonzero(d < -tol)  # candidate entering columns
    if f.size == 0:
        return Batch(bases=np.zeros((0, n), dtype=np.intp), T=np.zeros((0, n, total + 1)))
    col = T[f, :, s]  # (C, n)
    rhs = T[f, :, total]
    positive = col > tol
    safe = np.where(positive, col, 1.0)
    ratio = np.where(positive, rhs / safe, np.inf)
    leave = positive & (ratio <= ratio.min(axis=1, keepdims=True) + tol)
    ties = leave.sum(axis=1) > 1
    if ties.any():
        t = np.flatnonzero(ties)
        lt = leave[t]
        inv = T[f[t], :, m:total] / safe[t][:, :, None]
        for c in range(n):
            value = np.where(lt, inv[:, :, c], np.inf)
            lt &= value <= value.min(axis=1, keepdims=True) + tol
            if not (lt.sum(axis=1) > 1).any():
                break
        leave[t] = lt
    r = np.argmax(leave, axis=1)
    ok = leave.any(axis=1)
    f, s, r = f[ok], s[ok], r[ok]
    # reverse test: in the new basis, the old basic variable beta_r must be Bland's choice
    pivot_row = T[f, r, :total]
    piv = pivot_row[np.arange(f.size), s]
    d_new = d[f] - (d[f, s] / piv)[:, None] * pivot_row
    leaving = bases[f, r]
    smaller = (np.arange(total)[None, :] < leaving[:, None]) & ~basic[f]
    smaller[np.arange(f.size), s] = False
    child = ~((d_new > tol) & smaller).any(axis=1)
    f, s, r, piv = f[child], s[child], r[child], piv[child]
    if f.size == 0:
        return Batch(bases=np.zeros((0, n), dtype=np.intp), T=np.zeros((0, n, total + 1)))
    Tf = T[f]
    idx = np.arange(f.size)
    prow = Tf[idx, r] / piv[:, None]
    Tn = Tf - Tf[idx, :, s][:, :, None] * prow[:, None, :]
    Tn[idx, r] = prow
    nb = bases[f].copy()
    nb[idx, r] = s
    return Batch(bases=nb, T=Tn)


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
                part = Batch(bases=part.bases[:keep], T=None if part.T is None else part.T[:keep])
            if part.T is None:
                part = tableaux(M, part.bases)
            parts.append(part)
            size += len(part)
        top = (
            parts[0]
            if len(parts) == 1
            else Batch(
                bases=np.concatenate([p.bases for p in parts]),
                T=np.concatenate([p.T for p in parts]),
            )
        )
        yield top
        kids = children(top, m, tol)
        if len(kids):
            stack.append(kids)


def split(M: np.ndarray, pieces: int, *, tol: float = 1e-9, visit: Callable | None = None,
          batch: int = BATCH) -> np.ndarray:
    """Bases whose subtrees partition the tree below the first levels, at least ``pieces``.

    The levels above are expanded breadth first, ``batch`` bases at a time (a level is
    kept as bases only, so memory stays small), and handed to ``visit`` (each of their
    bases once); the returned bases are not visited. A tree smaller than that is expanded
    entirely and nothing is returned.
    """
    m = M.shape[0]
    level = root(M).bases            # bases only: tableaux are recomputed chunk by chunk
    while 0 < len(level) < pieces:
        nxt = []
        for start in range(0, len(level), batch):
            part = tableaux(M, level[start:start + batch])
            if visit is not None:
                visit(part)
            nxt.append(children(part, m, tol).bases)
        level = np.concatenate(nxt)
    return level
