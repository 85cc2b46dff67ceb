r"""Lemke-Howson complementary pivoting from every label, for games too large to enumerate.

With payoffs made positive, the row player's polytope is the tableau
:math:`B^\top x + s = 1` and the column player's :math:`r + A y = 1`; variable *k* of either
tableau carries label *k* (:math:`x_i, r_i \to i`; :math:`s_j, y_j \to m + j`). From a
completely labelled pair of bases (the artificial equilibrium :math:`(0, 0)` or an
equilibrium already found), *dropping* label *k* lets it enter the tableau where it is
non-basic; the variable that leaves has a label that is now carried twice, so it enters the
other tableau, and so on until label *k* itself leaves: the pair is completely labelled
again, an equilibrium (Lemke and Howson 1964). A lexicographic minimum-ratio test (rows of
:math:`[b \mid C_\beta^{-1}]`) makes every path well defined in degenerate games
(von Stengel 2007, section 3.5).

Following every label from the artificial equilibrium, then every label from each new
equilibrium, explores the component of the Lemke-Howson graph that contains
:math:`(0, 0)`; equilibria outside it (and non-extreme ones) can be missed, so results are
reported as incomplete.

References
----------
Lemke, C. E., Howson, J. T. (1964). Equilibrium points of bimatrix games. *SIAM J. Appl.
Math.* 12, 413-423.

von Stengel, B. (2007). Equilibrium computation for two-player games in strategic and
extensive form. In Nisan et al. (eds.), *Algorithmic Game Theory*, ch. 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.solvers.vertex_enumeration import normalise


@dataclass
class _Tableau:
    T: np.ndarray          # rows x (m + n + 1): one column per label, then the right-hand side
    basis: list[int]       # label of the basic variable of each row
    slack: slice           # columns holding the basis inverse (for the lexicographic test)

    def copy(self) -> _Tableau:
        return _Tableau(self.T.copy(), list(self.basis), self.slack)

    def pivot_in(self, label: int, eps: float) -> int:
        """Pivot variable ``label`` into the basis; return the label that leaves."""
        T = self.T
        col = T[:, label]
        rows = np.flatnonzero(col > eps)
        if rows.size == 0:
            msg = "Lemke-Howson: unbounded ray (the polytope should be bounded)"
            raise ArithmeticError(msg)
        ratio = T[rows, -1] / col[rows]
        best = ratio.min()
        tied = rows[ratio <= best + 1e-11 * max(1.0, best)]
        if tied.size > 1:  # degenerate: break the tie lexicographically on the basis inverse
            lex = np.round(T[tied][:, self.slack] / col[tied, None], 11)
            tied = tied[np.lexsort(lex.T[::-1])[:1]]
        row = int(tied[0])
        leaving = self.basis[row]
        pivot_row = T[row] / T[row, label]
        T -= np.outer(col, pivot_row)     # col is a view: this also zeroes the pivot column
        T[row] = pivot_row
        self.basis[row] = label
        return leaving

    def values(self, size: int, offset: int) -> np.ndarray:
        out = np.zeros(size)
        for row, label in enumerate(self.basis):
            if offset <= label < offset + size:
                out[label - offset] = max(self.T[row, -1], 0.0)
        return out


@dataclass(frozen=True)
class PathResult:
    """Equilibria reached by following Lemke-Howson paths, and how many paths were followed."""

    equilibria: tuple[tuple[np.ndarray, np.ndarray], ...]
    paths: int
    exhausted: bool   # every label was dropped from every equilibrium found, within budget


def _start(A: np.ndarray, B: np.ndarray) -> tuple[_Tableau, _Tableau]:
    m, n = A.shape
    P = _Tableau(np.hstack([B.T, np.eye(n), np.ones((n, 1))]), list(range(m, m + n)),
                 slice(m, m + n))
    Q = _Tableau(np.hstack([np.eye(m), A, np.ones((m, 1))]), list(range(m)), slice(0, m))
    return P, Q


def follow(P: _Tableau, Q: _Tableau, label: int, *, eps: float = 1e-12,
           max_pivots: int = 100_000) -> tuple[_Tableau, _Tableau, int]:
    """Follow the path that drops ``label`` from the completely labelled pair ``(P, Q)``.

    Returns the end pair and the number of pivots; raises :class:`ArithmeticError` when the
    path is longer than ``max_pivots``.

    Complementary pivoting (Lemke and Howson 1964, *SIAM J. Appl. Math.* 12(2)): drop
    ``label``, then alternately pivot in the tableau of the player that picked up the duplicate
    label until the dropped label is picked up again.

    Parameters
    ----------
    P, Q : _Tableau
        The two players' tableaux at a completely labelled vertex pair.
    label : int
        The label to drop (``0..m-1`` rows, ``m..m+n-1`` columns).
    eps : float
        Pivots on entries at most ``eps`` are refused (minimum ratio test tolerance).
    max_pivots : int
        The longest path followed.

    Returns
    -------
    P, Q : _Tableau
        The tableaux at the end of the path: another equilibrium (or the artificial one).
    pivots : int
    """
    P, Q = P.copy(), Q.copy()
    entering, side = label, (P if label not in P.basis else Q)
    for k in range(1, max_pivots + 1):
        leaving = side.pivot_in(entering, eps)
        if leaving == label:
            return P, Q, k
        entering, side = leaving, (Q if side is P else P)
    msg = f"Lemke-Howson: no equilibrium after {max_pivots} pivots (label {label})"
    raise ArithmeticError(msg)


def lemke_howson_all(A: np.ndarray, B: np.ndarray, *, max_paths: int | None = None,
                     max_work: float = 3e8, eps: float = 1e-12) -> PathResult:
    """Equilibria found from every label of the artificial equilibrium and of each one found.

    Parameters
    ----------
    A, B : numpy.ndarray
        The row and column players' payoff matrices, shape ``(m, n)``.
    max_paths : int, optional
        The most paths followed (default ``10 (m + n) + 100``: every label from the
        artificial equilibrium, then as many more from the equilibria found).
    max_work : float
        The most tableau entries updated in all (some seconds of work).
    eps : float
        Pivot tolerance of :func:`follow`.

    Returns
    -------
    PathResult
        Normalised strategy pairs at the paths' ends, duplicates removed, not yet verified
        (reachable from the artificial equilibrium: not necessarily all; Shapley 1974).
    """
    A = normalise(np.asarray(A, dtype=float))
    B = normalise(np.asarray(B, dtype=float))
    m, n = A.shape
    if max_paths is None:
        max_paths = 10 * (m + n) + 100
    pivots_left = int(max_work / (max(m, n) * (m + n + 1)))
    start = _start(A, B)
    queue = [start]
    seen_states = {_state_key(*start)}
    found: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
    paths = 0
    while queue:
        P, Q = queue.pop(0)
        for label in range(m + n):
            if paths >= max_paths:
                return PathResult(tuple(found.values()), paths, exhausted=False)
            if pivots_left <= 0:
                return PathResult(tuple(found.values()), paths, exhausted=False)
            paths += 1
            try:
                *end, used = follow(P, Q, label, eps=eps, max_pivots=pivots_left)
            except ArithmeticError:
                pivots_left = 0
                continue
            pivots_left -= used
            key = _state_key(*end)
            if key in seen_states:
                continue
            seen_states.add(key)
            x, y = end[0].values(m, 0), end[1].values(n, m)
            if x.sum() <= 0 or y.sum() <= 0:
                continue  # back at the artificial equilibrium
            x, y = x / x.sum(), y / y.sum()
            found.setdefault(np.round(np.concatenate([x, y]), 9).tobytes(), (x, y))
            queue.append(end)
    return PathResult(tuple(found.values()), paths, exhausted=True)


def _state_key(P: _Tableau, Q: _Tableau) -> tuple[frozenset[int], frozenset[int]]:
    return frozenset(P.basis), frozenset(Q.basis)
