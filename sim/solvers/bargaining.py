r"""Payoff space, Pareto frontier and axiomatic bargaining solutions of a two-player game.

The feasible set is the convex hull :math:`S = \operatorname{conv}\{(A_{rc}, B_{rc})\}` of the
pure profiles' payoff pairs: any point of it is reached by a lottery over (or an alternation
between) pure profiles. With free disposal the solutions below only depend on the **Pareto
frontier** of :math:`S` (its upper-right boundary), clipped to the points that weakly
dominate the **disagreement point** :math:`d`:

* **Nash** (1950): :math:`\arg\max_{u \in S, u \ge d} (u_1 - d_1)(u_2 - d_2)`;
* **Kalai–Smorodinsky** (1975): the Pareto point on the segment from :math:`d` to the ideal
  point :math:`I_i = \max\{u_i : u \in S, u \ge d\}`;
* **egalitarian** (Kalai 1977): the Pareto point maximising :math:`\min_i (u_i - d_i)`;
* **utilitarian**: :math:`\arg\max (u_1 + u_2)` over :math:`S \cap \{u \ge d\}`; a tie along a
  frontier edge is broken by the egalitarian rule on that edge.

Geometry is exact (Andrew's monotone chain for the hull, closed forms on each frontier
edge), so degenerate cases need no special solver: a single-point frontier, collinear
payoffs, a disagreement point on the frontier. Each solution point lies on a frontier edge
and is reported with the lottery over at most two pure payoff points that achieves it.

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
Kalai, E., Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
*Econometrica* 43(3), 513-518.
Kalai, E. (1977). Proportional solutions to bargaining situations. *Econometrica* 45(7).
Andrew, A. M. (1979). Another efficient algorithm for convex hulls in two dimensions.
*Information Processing Letters* 9(5), 216-219.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.errors import InputError, SolverError
from sim.solvers.pareto import pareto_mask
from sim.solvers.pure import pure_nash as _pure_nash
from sim.solvers.repeated import minmax

FloatArray = np.ndarray
Index = tuple[int, int]

QHULL_ABOVE = 256
"""Above this many distinct payoff pairs, Qhull (scipy.spatial) prunes interior points first."""

SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")
"""Names of the bargaining solutions, in report order."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class PayoffSpace:
    """The pure payoff pairs of a bimatrix game, their hull and Pareto frontier.

    Attributes
    ----------
    points : ``(s1 * s2, 2)`` payoff pairs, profile ``(r, c)`` at row ``r * s2 + c``.
    shape : ``(s1, s2)``.
    hull : vertices of the convex hull, counter-clockwise, no collinear vertices.
    frontier : vertices of the hull's Pareto frontier, :math:`u_1` increasing and
        :math:`u_2` decreasing (one row when the frontier is a single point).
    pareto : profiles (flat indices) not weakly dominated by another pure profile.
    on_frontier : profiles whose payoff pair lies on the frontier (also Pareto-optimal
        against lotteries).
    tol : absolute tolerance used for comparisons.
    """

    points: FloatArray
    shape: tuple[int, int]
    hull: FloatArray
    frontier: FloatArray
    pareto: tuple[int, ...]
    on_frontier: tuple[int, ...]
    tol: float

    def profile(self, flat: int) -> Index:
        r, c = np.unravel_index(flat, self.shape)
        return int(r), int(c)

    def profiles_at(self, point: FloatArray) -> tuple[Index, ...]:
        """All pure profiles whose payoff pair equals ``point`` (within ``tol``)."""
        hit = np.all(np.abs(self.points - point) <= self.tol, axis=1)
        return tuple(self.profile(int(k)) for k in np.flatnonzero(hit))


@dataclass(frozen=True)
class Support:
    """One payoff point of a lottery, its probability and the pure profiles giving it."""

    probability: float
    payoffs: FloatArray
    profiles: tuple[Index, ...]


@dataclass(frozen=True)
class Solution:
    """A bargaining solution: payoffs, gains over ``d``, and a lottery achieving it."""

    name: str
    payoffs: FloatArray
    gains: FloatArray
    lottery: tuple[Support, ...]
    note: str = ""


@dataclass(frozen=True)
class Disagreement:
    """The disagreement point and where it comes from."""

    point: FloatArray
    kind: str  # "nash" | "minmax" | "profile"
    profiles: tuple[Index, ...] = ()  # the pure profile(s) behind it, if any
    note: str = ""


@dataclass(frozen=True)
class BargainingResult:
    """Bargaining solutions on a payoff space for one disagreement point.

    ``feasible`` is false when no feasible point weakly dominates ``d`` (for instance an
    outside option above everything a deal can give); ``solutions`` is then empty.
    """

    disagreement: FloatArray
    feasible: bool
    frontier: FloatArray  # the part of the frontier with u >= d
    ideal: FloatArray | None
    solutions: dict[str, Solution] = field(default_factory=dict)


# --------------------------------------------------------------------------- geometry


def scale_tol(points: FloatArray, tol: float) -> float:
    """``tol`` times the payoffs' magnitude (at least 1), so results do not depend on units."""
    return float(tol * max(1.0, float(np.abs(points).max(initial=0.0))))


def convex_hull(points: FloatArray, *, tol: float = 0.0) -> FloatArray:
    """Vertices of the convex hull of 2-D points, counter-clockwise (Andrew 1979).

    Collinear and repeated points are dropped, so the hull of one point is one row and the
    hull of collinear points is its two end points.
    """
    pts = np.unique(np.asarray(points, dtype=float), axis=0)  # sorted by (x, y)
    if len(pts) > QHULL_ABOVE:
        pts = _hull_candidates(pts)
    if len(pts) <= 2:
        return pts

    def half(seq: Sequence[FloatArray]) -> list[FloatArray]:
        chain: list[FloatArray] = []
        for p in seq:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= tol:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(pts), half(pts[::-1])
    hull = np.array(lower[:-1] + upper[:-1])
    return hull if len(hull) else pts[:1]


def _hull_candidates(pts: FloatArray) -> FloatArray:
    """Only the vertices Qhull finds (fast, in C); the exact chain then orders them.

    Degenerate sets (all points on a line) make Qhull fail; they are returned whole.
    """
    from scipy.spatial import ConvexHull, QhullError

    try:
        vertices = ConvexHull(pts).vertices
    except QhullError:
        return pts
    return np.unique(pts[vertices], axis=0)


def _cross(o: FloatArray, a: FloatArray, b: FloatArray) -> float:
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def pareto_frontier(hull: FloatArray) -> FloatArray:
    """The Pareto frontier of a convex polygon given by its counter-clockwise vertices.

    It is the chain from the vertex with the largest :math:`u_1` (highest :math:`u_2` on a
    tie) counter-clockwise to the vertex with the largest :math:`u_2` (highest :math:`u_1`
    on a tie); returned with :math:`u_1` increasing.
    """
    k = len(hull)
    a = max(range(k), key=lambda i: (hull[i, 0], hull[i, 1]))
    b = max(range(k), key=lambda i: (hull[i, 1], hull[i, 0]))
    chain = [a]
    while chain[-1] != b:
        chain.append((chain[-1] + 1) % k)
    return hull[chain[::-1]]


def pareto_pure(points: FloatArray, *, tol: float = 1e-9) -> tuple[int, ...]:
    """Indices of points not weakly dominated by another point (equal points do not dominate
    each other); the shared sweep of :func:`sim.solvers.pareto.pareto_mask`."""
    return tuple(int(k) for k in np.flatnonzero(pareto_mask(points, tol=tol)))


def payoff_space(A: FloatArray, B: FloatArray, *, tol: float = 1e-9) -> PayoffSpace:
    """Payoff pairs, convex hull, Pareto frontier and Pareto-optimal profiles of ``(A, B)``."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or A.shape != B.shape:
        msg = f"expected two payoff matrices of one shape, got {A.shape} and {B.shape}"
        raise SolverError(msg)
    points = np.column_stack([A.ravel(), B.ravel()])
    eps = scale_tol(points, tol)
    hull = convex_hull(points, tol=eps * max(1.0, float(np.ptp(points))))
    frontier = pareto_frontier(hull)
    on = tuple(int(k) for k in np.flatnonzero(_on_polyline(points, frontier, eps)))
    return PayoffSpace(points=points, shape=(A.shape[0], A.shape[1]), hull=hull,
                       frontier=frontier, pareto=pareto_pure(points, tol=tol),
                       on_frontier=on, tol=eps)


def _on_polyline(points: FloatArray, line: FloatArray, eps: float) -> FloatArray:
    """Boolean mask: which points lie within ``eps`` of the polyline (vectorised per edge)."""
    if len(line) == 1:
        return np.all(np.abs(points - line[0]) <= eps, axis=1)
    hit = np.zeros(len(points), dtype=bool)
    for a, b in itertools.pairwise(line):
        ab = b - a
        t = np.clip((points - a) @ ab / (ab @ ab), 0.0, 1.0)
        hit |= np.linalg.norm(a + t[:, None] * ab - points, axis=1) <= eps
    return hit


def clip_frontier(frontier: FloatArray, d: FloatArray, *, eps: float = 0.0) -> FloatArray | None:
    """The part of a Pareto frontier (u1 increasing) with :math:`u \\ge d`, or ``None``."""
    if len(frontier) == 1:
        return frontier.copy() if np.all(frontier[0] >= d - eps) else None
    x, y = frontier[:, 0], frontier[:, 1]
    lo = max(float(d[0]), float(x[0]))
    # highest u1 with u2 >= d2: u2 decreases along the frontier
    if y[-1] >= d[1] - eps:
        hi = float(x[-1])
    elif y[0] < d[1] - eps:
        return None
    else:
        hi = float(np.interp(-d[1], -y, x))
    if lo > hi + eps:
        return None
    if hi - lo <= eps:
        return np.array([[hi, float(np.interp(hi, x, y))]])
    inner = frontier[(x > lo + eps) & (x < hi - eps)]
    ends = [[lo, float(np.interp(lo, x, y))], [hi, float(np.interp(hi, x, y))]]
    return np.vstack([ends[0], *inner, ends[1]]) if len(inner) else np.array(ends)


# --------------------------------------------------------------------------- solutions


def nash_point(front: FloatArray, d: FloatArray) -> FloatArray:
    r"""Maximiser of :math:`(u_1 - d_1)(u_2 - d_2)` on a clipped frontier.

    On an edge :math:`p + t(q - p)` the product :math:`(a_1 + t b_1)(a_2 + t b_2)` (with
    :math:`a = p - d`, :math:`b = q - p`) is a concave quadratic (:math:`b_1 b_2 < 0`),
    maximised at :math:`t^* = -(a_1 b_2 + a_2 b_1) / (2 b_1 b_2)` clipped to [0, 1].
    """
    candidates = [front[0]]
    for p, q in itertools.pairwise(front):
        a, b = p - d, q - p
        if b[0] * b[1] >= 0:  # a degenerate (zero-length) edge
            candidates.append(q)
            continue
        t = np.clip(-(a[0] * b[1] + a[1] * b[0]) / (2 * b[0] * b[1]), 0.0, 1.0)
        candidates.extend([p + t * b, q])
    products = [float(np.prod(c - d)) for c in candidates]
    return np.asarray(candidates[int(np.argmax(products))])


def _crossing(front: FloatArray, phi: FloatArray) -> FloatArray:
    """Where the piecewise-linear ``phi`` (increasing along the frontier) crosses zero."""
    if phi[0] >= 0:
        return front[0].copy()
    if phi[-1] <= 0:
        return front[-1].copy()
    k = int(np.argmax(phi >= 0))
    t = -phi[k - 1] / (phi[k] - phi[k - 1])
    return front[k - 1] + t * (front[k] - front[k - 1])


def kalai_smorodinsky_point(front: FloatArray, d: FloatArray) -> FloatArray:
    r"""The frontier point on the segment from ``d`` to the ideal point :math:`I`.

    Along the frontier :math:`\varphi = (u_1 - d_1)/(I_1 - d_1) - (u_2 - d_2)/(I_2 - d_2)`
    increases from :math:`\le 0` to :math:`\ge 0`; the solution is its zero.
    """
    ideal = np.array([front[-1, 0], front[0, 1]])
    span = ideal - d
    if len(front) == 1 or np.any(span <= 0):
        return front[0].copy()
    phi = (front[:, 0] - d[0]) / span[0] - (front[:, 1] - d[1]) / span[1]
    return _crossing(front, phi)


def egalitarian_point(front: FloatArray, d: FloatArray) -> FloatArray:
    r"""The frontier point maximising :math:`\min_i (u_i - d_i)` (equal gains if possible)."""
    phi = (front[:, 0] - d[0]) - (front[:, 1] - d[1])
    return _crossing(front, phi)


def utilitarian_point(front: FloatArray, d: FloatArray, *, eps: float = 0.0) -> FloatArray:
    """The frontier point maximising :math:`u_1 + u_2`; a tied edge goes to equal gains."""
    sums = front.sum(axis=1)
    tied = np.flatnonzero(sums >= sums.max() - eps)
    return egalitarian_point(front[tied[0]: tied[-1] + 1], d)


def lottery(space: PayoffSpace, point: FloatArray) -> tuple[Support, ...]:
    """Lottery over at most two adjacent frontier vertices whose expected payoff is ``point``.

    A point that some pure profile gives (even one between two hull vertices, on a
    collinear frontier) is reported as that pure profile.
    """
    front, eps = space.frontier, space.tol
    pure = space.profiles_at(point)
    if pure:
        return (Support(1.0, np.asarray(point, dtype=float).copy(), pure),)
    for p, q in itertools.pairwise(front):
        if p[0] - eps <= point[0] <= q[0] + eps:
            w = float(np.clip((point[0] - p[0]) / (q[0] - p[0]), 0.0, 1.0))
            return (Support(1.0 - w, p.copy(), space.profiles_at(p)),
                    Support(w, q.copy(), space.profiles_at(q)))
    msg = f"point {point} is not on the Pareto frontier"
    raise SolverError(msg)


def solve_bargaining(space: PayoffSpace, d: Sequence[float]) -> BargainingResult:
    """Nash, Kalai–Smorodinsky, egalitarian and utilitarian solutions for disagreement ``d``."""
    d = np.asarray(d, dtype=float)
    front = clip_frontier(space.frontier, d, eps=space.tol)
    if front is None:
        return BargainingResult(disagreement=d, feasible=False,
                                frontier=np.empty((0, 2)), ideal=None)
    points = {
        "nash": nash_point(front, d),
        "kalai_smorodinsky": kalai_smorodinsky_point(front, d),
        "egalitarian": egalitarian_point(front, d),
        "utilitarian": utilitarian_point(front, d, eps=space.tol),
    }
    note = "frontier above d is a single point" if len(front) == 1 else ""
    solutions = {
        name: Solution(name=name, payoffs=u, gains=u - d, lottery=lottery(space, u), note=note)
        for name, u in points.items()
    }
    return BargainingResult(disagreement=d, feasible=True, frontier=front,
                            ideal=np.array([front[-1, 0], front[0, 1]]), solutions=solutions)


# --------------------------------------------------------------------------- disagreement


def pure_nash(A: FloatArray, B: FloatArray, *, tol: float = 1e-9) -> list[Index]:
    """Pure Nash equilibria of ``(A, B)`` as ``(row, column)``, lexicographic order
    (the shared scan of :mod:`sim.solvers.pure`)."""
    return [(int(r), int(c)) for r, c in _pure_nash(np.stack([A, B]), tol=tol)]


def minmax_point(A: FloatArray, B: FloatArray) -> FloatArray:
    r"""Each player's mixed minmax value :math:`\min_{y} \max_i (A y)_i` (and for ``B``),
    from :func:`sim.solvers.repeated.minmax` (a linear programme)."""
    payoffs = np.stack([np.asarray(A, float), np.asarray(B, float)])
    return np.array([minmax(payoffs, 0)[0], minmax(payoffs, 1)[0]])


def equilibrium_floor(A: FloatArray, B: FloatArray, *, tol: float = 1e-9) -> Disagreement:
    r"""The label-free "no deal" point of the pure stage equilibria.

    With pure equilibria :math:`E`, :math:`d_i = \min_{e \in E} u_i(e)`: each side's worst
    pure-equilibrium payoff. With one equilibrium that is its payoff pair. The rule is
    symmetric: it depends on the *set* of equilibrium payoff pairs only, so listing
    strategies in another order leaves it unchanged and swapping the players swaps its
    coordinates. A rule that picks *one* equilibrium (the lowest joint payoff, say) cannot
    be, since symmetric games such as chicken or the battle of the sexes have two
    equilibria that only their labels tell apart. The point is individually rational (every
    equilibrium payoff is at least the minmax value) and weakly below every equilibrium, so
    each equilibrium is a feasible deal over it. ``profiles`` lists every pure equilibrium.

    Raises
    ------
    SolverError
        When the stage game has no pure equilibrium.
    """
    found = pure_nash(A, B, tol=tol)
    if not found:
        msg = ("the stage game has no pure Nash equilibrium to use as the disagreement "
               "point; use --disagreement minmax or a profile name")
        raise SolverError(msg)
    pairs = np.array([[A[rc], B[rc]] for rc in found])
    note = "" if len(found) == 1 else (
        f"{len(found)} pure equilibria; each side's worst equilibrium payoff is used")
    return Disagreement(pairs.min(axis=0), "nash", tuple(found), note)


def status_quo(A: FloatArray, B: FloatArray, d: Disagreement, *,
               tol: float = 1e-9) -> Index | None:
    """The one pure profile behind a disagreement point, or ``None`` when there is none.

    A named profile is its own status quo. For the equilibrium floor it is the pure
    equilibrium whose payoffs *are* the floor when exactly one is (the Pareto-worst
    equilibrium); with several candidates (chicken's two) no profile is singled out, since
    any choice would depend on the order of the strategies.
    """
    if d.kind == "profile":
        return d.profiles[0]
    eps = scale_tol(np.stack([A, B]), tol)
    at = [rc for rc in d.profiles
          if abs(A[rc] - d.point[0]) <= eps and abs(B[rc] - d.point[1]) <= eps]
    return at[0] if len(at) == 1 else None


def disagreement_point(
    A: FloatArray,
    B: FloatArray,
    spec: str,
    *,
    profiles: Mapping[str, Index] | None = None,
    outside_options: Sequence[float | None] = (None, None),
) -> Disagreement:
    """The disagreement point named by ``spec``, raised by outside options.

    ``spec`` is ``"nash"`` (the pure stage equilibria, see :func:`equilibrium_floor`),
    ``"minmax"`` (each player's mixed minmax value) or the name of a pure profile in
    ``profiles``. An outside option :math:`o_i` (a payoff level) replaces :math:`d_i` by
    :math:`\\max(d_i, o_i)`: a player never settles for less than it can get elsewhere.
    """
    A, B = np.asarray(A, float), np.asarray(B, float)
    profiles = profiles or {}
    if spec == "nash":
        base = equilibrium_floor(A, B)
    elif spec == "minmax":
        base = Disagreement(minmax_point(A, B), "minmax", (), "mixed minmax values")
    elif spec in profiles:
        rc = profiles[spec]
        base = Disagreement(np.array([A[rc], B[rc]]), "profile", (rc,), f"profile '{spec}'")
    else:
        known = ", ".join(["nash", "minmax", *profiles])
        msg = f"unknown disagreement '{spec}'; expected one of: {known}"
        raise InputError(msg)
    return with_outside_options(base, outside_options)


def with_outside_options(base: Disagreement,
                         options: Sequence[float | None]) -> Disagreement:
    """``base`` with :math:`d_i` replaced by :math:`\\max(d_i, o_i)` where an option is given."""
    point = base.point.copy()
    raised = []
    for i, o in enumerate(options):
        if o is not None and o > point[i]:
            point[i] = float(o)
            raised.append(i)
    if not raised:
        return base
    note = "; ".join(filter(None, [base.note, "raised by outside option(s) of player(s) "
                                   + ", ".join(str(i + 1) for i in raised)]))
    return Disagreement(point, base.kind, base.profiles, note)
