r"""All extreme equilibria of a bimatrix game: reverse search on one polytope, matched against the other.

With payoffs rescaled to positive values, the extreme equilibria of :math:`(A, B)` are the
completely labelled vertex pairs :math:`(x, y) \ne (0, 0)` of the best-response polytopes
:math:`P = \{x \ge 0 : B^\top x \le 1\}` and :math:`Q = \{y \ge 0 : A y \le 1\}`
(see :mod:`sim.solvers.vertex_enumeration`). As in lrsnash (Avis et al. 2010), only the
vertices of :math:`P` are enumerated, by reverse search
(:mod:`sim.solvers.reverse_search`), and each is matched against :math:`Q` on the spot:

* a vertex :math:`x` with support :math:`S` and best-reply columns :math:`J`,
  :math:`|J| = |S|` (no surplus label), can only pair with the point of :math:`Q` with
  support within :math:`J` and rows :math:`S` tight, the solution of
  :math:`A_{SJ} y_J = 1`; it is an equilibrium when that solution is non-negative and
  :math:`A y \le 1`. These small systems are solved in batches grouped by :math:`|S|`.
* a vertex with surplus labels (:math:`|J| > |S|`, a degenerate game), or whose system is
  singular, pairs with every vertex of the face
  :math:`\{y \in Q : y_j = 0\ (j \notin J),\ (A y)_i = 1\ (i \in S)\}`; those are the vertices
  of :math:`\{z \ge 0 : A_{\cdot J} z \le 1\}` with the rows :math:`S` tight, found by the
  same reverse search in dimension :math:`|J|`.

Nothing is kept per vertex, so memory depends on the batch size and the depth of the
search tree, not on the number of vertices. The tree's first levels are expanded in the
calling process and the subtrees below are shared among worker processes (one per core).

References
----------
Avis, D., Rosenberg, G. D., Savani, R., von Stengel, B. (2010). Enumeration of Nash
equilibria for two-player games. *Economic Theory* 42, 9-37.

Avis, D., Jordan, C. (2018). mplrs: a scalable parallel vertex/facet enumeration code.
*Mathematical Programming Computation* 10, 267-302.
"""

from __future__ import annotations

import itertools
import math
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.solvers import reverse_search as rs
from sim.solvers.vertex_enumeration import normalise, solve_stack

PARALLEL_CELLS = 256
"""Games with at least this many cells per player (16 x 16) use worker processes. Below,
the whole search takes a fraction of a second of CPU, and starting and feeding workers
cost more than they save: on the shared benchmark machine one process was faster in wall
time as well at 14 x 14 (and even at 16 x 16 under heavy load)."""

DEGENERACY_CHECK_CELLS = 144
"""Below this many cells (12 x 12) the other polytope is walked too, to check degeneracy."""

TASKS_PER_WORKER = 4
"""Subtree groups per worker: more give finer progress and balance, fewer bigger batches."""

ROOTS_PER_TASK = 64
"""Subtree roots per group, so that a group's walk soon fills its batches. The calling
process expands the tree level by level until a level has ``TASKS_PER_WORKER * workers *
ROOTS_PER_TASK`` bases (a tree whose levels are all narrower is walked there entirely)."""

FACE_SYSTEMS = 4096
"""Largest number of square systems solved for one face before walking it instead."""

_POLYTOPE_CACHE = 200_000
"""Vertices of faces' polytopes remembered per process (bounded; cleared when full)."""

_SURPLUS_CACHE = 100_000
"""Degenerate vertices remembered per process to skip repeats (a bounded cache: bases of
one degenerate vertex are visited once each, and each would repeat the face search)."""


@dataclass(frozen=True)
class Progress:
    """Where a long enumeration stands, passed to the ``progress`` callback.

    ``done`` of ``total`` parts of the search tree are finished; ``bases`` were visited so
    far, ``equilibria`` found, in ``elapsed`` seconds. ``remaining`` is a rough estimate in
    seconds (the parts' sizes vary), ``None`` before the first part is done.
    """

    done: int
    total: int
    bases: int
    equilibria: int
    elapsed: float
    remaining: float | None


@dataclass(frozen=True)
class Search:
    """Result of :func:`search`.

    ``pairs`` are the extreme equilibria ``(x, y)`` as probability vectors, in no particular
    order and without duplicates; ``complete`` is false when the search was interrupted;
    ``degenerate`` is true when some vertex has more labels than its dimension (the game is
    degenerate). Every vertex of the enumerated polytope and every equilibrium vertex of the
    other is checked; the other polytope's remaining vertices are walked too for games
    below :data:`DEGENERACY_CHECK_CELLS` cells only: above (or after an interruption),
    ``degenerate`` is ``None`` (not checked) unless some vertex met showed it. ``bases`` counts the bases visited.
    """

    pairs: list[tuple[np.ndarray, np.ndarray]]
    complete: bool
    degenerate: bool | None
    bases: int
    swapped: bool


def search(
    A: np.ndarray,
    B: np.ndarray,
    *,
    tol: float = 1e-9,
    workers: int | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Search:
    """Every extreme equilibrium of ``(A, B)`` (see the module docstring).

    ``workers`` is the number of processes (default: one per available core for games of at
    least :data:`PARALLEL_CELLS` cells, else one, and one inside a worker process). The polytope of the player with fewer
    strategies is enumerated (it has fewer vertices). Ctrl-C (``KeyboardInterrupt``) stops
    the search and returns the equilibria found so far with ``complete=False``.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    swapped = A.shape[1] < A.shape[0]
    if swapped:
        A, B = B.T, A.T
    M, N = normalise(B), normalise(A)  # P = {x >= 0 : M^T x <= 1}, Q = {y : N y <= 1}
    m, n = M.shape
    if workers is None:
        workers = _default_workers(m * n)
    found = _Found(progress)
    complete = True
    try:
        _run(M, N, tol, workers, found)
    except KeyboardInterrupt as exc:
        if type(exc) is not KeyboardInterrupt:  # e.g. SIGTERM turned into a subclass
            raise
        complete = False
    finally:
        _LAST.clear()
    pairs = list(found.pairs.values())
    surplus: bool | None = found.surplus or any(_surplus_y(N, y, tol) for _, y in pairs)
    if not surplus:
        # the other polytope's vertices are walked too for small games; else unknown
        checked = complete and m * n < DEGENERACY_CHECK_CELLS
        surplus = _has_surplus(N.T, tol) if checked else None
    if swapped:
        pairs = [(y, x) for x, y in pairs]
    return Search(
        pairs=pairs, complete=complete, degenerate=surplus, bases=found.bases, swapped=swapped
    )


class _Found:
    """Equilibria collected from the parts of the search, with counts for the progress."""

    def __init__(self, progress: Callable[[Progress], None] | None) -> None:
        self.pairs: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        self.bases = 0
        self.surplus = False
        self.total = 0
        self.progress = progress
        self.start = time.perf_counter()

    def collect(self, part: _Part) -> None:
        self.bases += part.bases
        self.surplus |= part.surplus
        for x, y in zip(part.xs, part.ys, strict=True):
            self.pairs.setdefault(_key(x, y), (x, y))

    def report(self, done: int) -> None:
        if self.progress is None:
            return
        elapsed = time.perf_counter() - self.start
        remaining = elapsed * (self.total - done) / done if done else None
        self.progress(
            Progress(
                done=done,
                total=self.total,
                bases=self.bases,
                equilibria=len(self.pairs),
                elapsed=elapsed,
                remaining=remaining,
            )
        )


def _run(M: np.ndarray, N: np.ndarray, tol: float, workers: int, found: _Found) -> None:
    """Expand the first levels here, then walk the subtrees below in groups."""
    m = M.shape[0]
    search_id = (os.getpid(), next(_SEARCHES))
    matcher = _matcher(N, tol, search_id)
    count = TASKS_PER_WORKER * workers
    roots = rs.split(
        M, count * ROOTS_PER_TASK, tol=tol, visit=lambda b: found.collect(matcher.part(b, m))
    )
    count = min(len(roots), count)
    groups = [roots[k::count] for k in range(count)]
    found.total = len(groups)
    found.report(0)
    if workers > 1 and len(groups) > 1:
        _run_pool([(M, N, g, tol, search_id) for g in groups], workers, found)
        return
    for done, group in enumerate(groups, start=1):
        found.collect(_subtrees(M, N, group, tol, search_id))
        found.report(done)


def _default_workers(cells: int) -> int:
    """One process per core for large games, unless this already is a worker process (a
    sweep's pool: daemonic processes may not start their own)."""
    if cells < PARALLEL_CELLS:
        return 1
    import multiprocessing  # here, not at the top: small games start faster without it

    return 1 if multiprocessing.parent_process() is not None else _cores()


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _run_pool(tasks: list[tuple], workers: int, found: _Found) -> None:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ctx.Pool(workers, initializer=_ignore_interrupt)
    try:
        for done, part in enumerate(pool.imap_unordered(_subtrees_task, tasks), start=1):
            found.collect(part)
            found.report(done)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and keeps what they returned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass
class _Part:
    xs: list
    ys: list
    bases: int
    surplus: bool


def _subtrees_task(args) -> _Part:
    return _subtrees(*args)


def _subtrees(M: np.ndarray, N: np.ndarray, roots: np.ndarray, tol: float,
              search_id: tuple[int, int]) -> _Part:
    """Walk the subtrees below ``roots`` and match every vertex (runs in a worker)."""
    m = M.shape[0]
    matcher = _matcher(N, tol, search_id)
    out = _Part(xs=[], ys=[], bases=0, surplus=False)
    if len(roots) == 0:
        return out
    for batch in rs.walk(M, rs.tableaux(M, roots), tol=tol):
        part = matcher.part(batch, m)
        out.xs += part.xs
        out.ys += part.ys
        out.bases += part.bases
        out.surplus |= part.surplus
    return out


_LAST: list = []
"""This process's matcher of the current search, reused by the search's next part (its
caches of degenerate vertices and faces' polytopes carry over from part to part)."""

_SEARCHES = itertools.count()


def _matcher(N: np.ndarray, tol: float, search_id: tuple[int, int]) -> _Matcher:
    if not (_LAST and _LAST[0][0] == search_id):
        _LAST[:] = [(search_id, _Matcher(N, tol))]
    return _LAST[0][1]


class _Matcher:
    """Matches vertices of P against Q (see the module docstring)."""

    def __init__(self, N: np.ndarray, tol: float) -> None:
        self.N = N
        self.tol = tol
        self.seen: set[bytes] = set()
        self.polytopes: dict[bytes, np.ndarray] = {}
        self.stored = 0

    def part(self, batch: rs.Batch, m: int) -> _Part:
        tol = self.tol
        x, s = rs.points(batch, m)
        zero = x <= tol
        tight = s <= tol
        keep = ~zero.all(axis=1)  # the origin pairs with nothing
        x, zero, tight = x[keep], zero[keep], tight[keep]
        support = (~zero).sum(axis=1)
        replies = tight.sum(axis=1)
        xs, ys = [], []
        plain = replies == support
        surplus = bool((replies > support).any())
        singular = np.zeros(x.shape[0], dtype=bool)
        idx = np.flatnonzero(plain)
        if idx.size:
            y, ok, sing = self._solve(zero[idx], tight[idx], support[idx])
            singular[idx[sing]] = True
            for a, b in zip(idx[ok], y[ok], strict=True):
                xs.append(x[a])
                ys.append(b)
        for a in np.flatnonzero(~plain | singular):
            key = np.round(x[a] / tol / 100).astype(np.int64).tobytes()
            if key in self.seen:
                continue
            if len(self.seen) >= _SURPLUS_CACHE:
                self.seen.clear()
            self.seen.add(key)
            for b in self._face(~zero[a], tight[a]):
                xs.append(x[a])
                ys.append(b)
        return _Part(
            xs=[_probability(v) for v in xs],
            ys=[_probability(v) for v in ys],
            bases=len(batch),
            surplus=surplus,
        )

    def _solve(
        self, zero: np.ndarray, tight: np.ndarray, k: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``y`` with ``N[S, J] y_J = 1`` for each row; masks of valid and of singular ones.

        The systems (of sizes ``k``) are padded with the identity to the largest size and
        solved together.
        """
        N, tol = self.N, self.tol
        size = int(k.max())
        S = np.argsort(zero, axis=1, kind="stable")[:, :size]  # the support first
        J = np.argsort(~tight, axis=1, kind="stable")[:, :size]  # the best replies first
        used = np.arange(size)[None, :] < k[:, None]
        sub = np.where(
            used[:, :, None] & used[:, None, :], N[S[:, :, None], J[:, None, :]], np.eye(size)
        )
        yJ, ok = solve_stack(sub, used.astype(float))
        singular = ~ok
        ok &= (yJ >= -tol).all(axis=1)
        y = np.zeros((len(S), N.shape[1]))
        rows, cols = np.nonzero(used)
        y[rows, J[rows, cols]] = np.clip(yJ[rows, cols], 0.0, None)
        ok &= (y @ N.T <= 1.0 + tol * 10).all(axis=1)
        return y, ok, singular

    def _face(self, S: np.ndarray, J: np.ndarray) -> list[np.ndarray]:
        r"""Vertices of Q with support within ``J`` and the rows ``S`` tight.

        With :math:`p = |J|` unknowns and :math:`r` linearly independent rows among the
        tight rows *S* (which span the others), a vertex has :math:`p - r` more tight
        constraints among :math:`y_j = 0` (*j* in *J*) and the other rows: when there are
        few such choices every one is solved in a batch, otherwise the polytope
        :math:`\{z \ge 0 : N_{\cdot J} z \le 1\}` is walked by reverse search. Either way
        only the points with every row of *S* tight are kept (dependent rows that are
        inconsistent leave the face empty).
        """
        N, tol = self.N, self.tol
        cols = np.flatnonzero(J)
        rows = np.flatnonzero(S)
        if cols.size == 0:
            return []
        sub = N[:, cols]  # {z >= 0 : sub z <= 1}
        basis = rows[_independent(sub[rows])]
        extra = cols.size - basis.size
        others = np.flatnonzero(~S)
        if math.comb(cols.size + others.size, extra) <= FACE_SYSTEMS:
            z = self._face_by_bases(sub, basis, others, extra)
        else:
            z = self._polytope(cols)
        z = z[(z @ sub[rows].T >= 1.0 - tol * 10).all(axis=1) & (z.sum(axis=1) > tol)]
        _, first = np.unique(np.round(z / tol / 100).astype(np.int64), axis=0, return_index=True)
        y = np.zeros((first.size, N.shape[1]))
        y[:, cols] = z[np.sort(first)]
        return list(y)

    def _polytope(self, cols: np.ndarray) -> np.ndarray:
        """Vertices of ``{z >= 0 : N[:, cols] z <= 1}``, remembered for the next faces
        (faces of many degenerate vertices share their columns)."""
        key = cols.tobytes()
        if key not in self.polytopes:
            sub = self.N[:, cols]
            z = np.concatenate([rs.points(b, cols.size)[0]
                                for b in rs.walk(sub.T, rs.root(sub.T), tol=self.tol)])
            if self.stored + len(z) > _POLYTOPE_CACHE:
                self.polytopes.clear()
                self.stored = 0
            self.polytopes[key] = z
            self.stored += len(z)
        return self.polytopes[key]

    def _face_by_bases(
        self, sub: np.ndarray, rows: np.ndarray, others: np.ndarray, extra: int
    ) -> np.ndarray:
        """Feasible solutions of the face's square systems (``sub`` rows tight, ``z >= 0``)."""
        tol = self.tol
        p = sub.shape[1]
        # candidate constraints: z_j = 0 (as unit rows, right-hand side 0) and other rows tight
        cand = np.vstack([np.eye(p), sub[others]])
        rhs = np.concatenate([np.zeros(p), np.ones(others.size)])
        pick = np.array(
            list(itertools.combinations(range(cand.shape[0]), extra)), dtype=np.intp
        ).reshape(-1, extra)
        mats = np.concatenate(
            [np.broadcast_to(sub[rows], (len(pick), rows.size, p)), cand[pick]], axis=1
        )
        b = np.concatenate([np.ones((len(pick), rows.size)), rhs[pick]], axis=1)
        z, ok = solve_stack(mats, b)
        ok &= (z >= -tol).all(axis=1) & (z @ sub.T <= 1.0 + tol * 10).all(axis=1)
        return np.clip(z[ok], 0.0, None)


def _independent(rows: np.ndarray, *, tol: float = 1e-9) -> np.ndarray:
    """Indices of a maximal linearly independent subset of ``rows``, first ones first
    (modified Gram-Schmidt)."""
    basis: list[np.ndarray] = []
    keep = []
    for i, row in enumerate(rows):
        v = row.astype(float)
        for b in basis:
            v -= (v @ b) * b
        norm = float(np.linalg.norm(v))
        if norm > tol * max(1.0, float(np.linalg.norm(row))):
            basis.append(v / norm)
            keep.append(i)
    return np.array(keep, dtype=np.intp)


def _has_surplus(M: np.ndarray, tol: float) -> bool:
    """Some vertex of ``{x >= 0 : M^T x <= 1}`` has more labels than its dimension."""
    m = M.shape[0]
    for batch in rs.walk(M, rs.root(M), tol=tol):
        x, s = rs.points(batch, m)
        if ((x <= tol).sum(axis=1) + (s <= tol).sum(axis=1) > m).any():
            return True
    return False


def _surplus_y(N: np.ndarray, y: np.ndarray, tol: float) -> bool:
    """The equilibrium strategy ``y`` has more best replies than its support size."""
    values = N @ y
    return int((values >= values.max() - tol * 10).sum()) > int((y > tol).sum())


def _probability(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to a probability vector; coordinates below 1e-12 (vertex coordinates
    are of order one, so these are rounding left by LAPACK where a constraint makes them
    zero) become exactly 0, so that a pure strategy is exactly a unit vector."""
    p = np.where(v > 1e-12, v, 0.0)
    return p / p.sum()


def _key(x: np.ndarray, y: np.ndarray) -> bytes:
    return np.round(np.concatenate([x, y]), 9).tobytes()
