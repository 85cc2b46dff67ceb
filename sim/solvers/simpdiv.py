r"""An approximate Nash equilibrium of an n-player game by simplicial subdivision.

The variable dimension restart algorithm of van der Laan, Talman and van der Heyden (1987)
on the product of simplices :math:`S = \prod_i \Delta^{s_i - 1}`, with an integer labelling.

**Labelling.** With payoffs rescaled to [0, 1], let :math:`g_{ij}(x) = u_i(j, x_{-i}) -
u_i(x)` and let :math:`\varphi` be Nash's map, :math:`\varphi_{ij}(x) = (x_{ij} +
g^+_{ij}) / (1 + \sum_h g^+_{ih})`, whose fixed points are the equilibria. Let
:math:`d_{ij} = x_{ij} - \varphi_{ij}(x)` (positive: strategy *j* is over-weighted; each
player's :math:`d_i` sums to 0). The label of *x* is the pair :math:`(i, j)` with
:math:`x_{ij} > 0` of largest :math:`d_{ij}` (the first one on ties). If a simplex of mesh
:math:`1/m` carries every label of one player *i*, then near it :math:`d_{ij} \ge d_{kl} -
O(1/m)` for all *j* and all :math:`(k, l)`; as :math:`\sum_j d_{ij} = 0`, every
:math:`d_{kl}` is :math:`O(1/m)`, so its points are approximate fixed points of
:math:`\varphi`.

**Regions and triangulation.** From a starting point *v* in the interior of *S*, let
:math:`q(i, j) = v_i - e_{ij}` in player *i*'s block (the direction away from pure strategy
*j*). For a set *T* of labels leaving every player at least one strategy out, the region
:math:`A(T) = \{v + \sum_{(i,j) \in T} \lambda_{ij} q(i, j) : \lambda \ge 0\}` has dimension
:math:`|T|`; it is triangulated by the Freudenthal (Kuhn) triangulation of the
:math:`\lambda`-orthant of mesh :math:`1/m`: simplices with vertices :math:`a, a + e_{\pi_1},
\dots, a + e_{\pi_1} + \dots + e_{\pi_t}`, *a* integer, :math:`\pi` a permutation of *T*.

**Path.** Start at the 0-simplex *{v}*; a simplex of :math:`A(T)` whose labels include *T*
is followed by replacing the vertex whose label is doubled (the pivots of the Kuhn
triangulation); a new label :math:`(i, k) \notin T` raises the dimension (*T* gains it) or,
when *T* would then hold all of player *i*'s strategies, ends the path; a pivot out of the
facet :math:`\lambda_{ij} = 0` lowers it (*T* loses *(i, j)*, and the vertex labelled
*(i, j)* is replaced next). A label :math:`(i, j)` needs :math:`x_{ij} > 0`, so the path
never leaves *S* through a face :math:`x_{ij} = 0` (points just outside are labelled at
their clipped, renormalised profile), and the set of such simplices is bounded, so the path
ends. Vertices need not lie on a fixed grid.

**Restarts.** The path is run with mesh :math:`1/m`, :math:`m = 2, 2f, 2f^2, \dots` (factor
*f*), each time from the previous end (mixed 1 % with the centroid, so *v* is interior),
as Gambit's ``simpdiv`` does with ``gridsize`` and ``leash``-free restarts. After each run
Newton's method on the indifference equations of the support found polishes the point;
the refinement stops when the largest regret is at most ``tol``. The answer is one
approximate equilibrium: other equilibria may exist (``complete`` is false).

References
----------
van der Laan, G., Talman, A. J. J., van der Heyden, L. (1987). Simplicial variable dimension
algorithms for solving the nonlinear complementarity problem on a product of unit simplices
using a general labelling. *Mathematics of Operations Research* 12(3), 377-397.

van der Laan, G., Talman, A. J. J. (1979). A restart algorithm for computing fixed points
without an extra dimension. *Mathematical Programming* 17, 74-84.

Nash, J. (1951). Non-cooperative games. *Annals of Mathematics* 54, 286-295.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.solvers.qre import polish
from sim.solvers.verify import pure_values

Profile = tuple[np.ndarray, ...]
Label = tuple[int, int]


@dataclass(frozen=True)
class SimpdivResult:
    """The approximate equilibrium, its largest regret (payoffs scaled to [0, 1]), the finest
    mesh used, and the number of pivots over all restarts."""

    profile: Profile
    regret: float
    grid: int
    steps: int
    converged: bool

    @property
    def summary(self) -> str:
        """What the result covers, for :class:`~sim.solvers.equilibria.EquilibriumSet`."""
        text = (f"one approximate equilibrium by simplicial subdivision (mesh 1/{self.grid}, "
                f"{self.steps} pivots, largest regret {self.regret:.2g} of the payoff range); "
                "other equilibria may exist")
        return text if self.converged else f"{text}; the regret did not reach the tolerance"


def regret(payoffs: np.ndarray, profile: Profile) -> float:
    """The largest gain any player has from a pure deviation."""
    values = [pure_values(payoffs[i], profile, i) for i in range(len(profile))]
    return max(float(v.max() - v @ s) for v, s in zip(values, profile, strict=True))


class _Labeller:
    def __init__(self, payoffs: np.ndarray, v: np.ndarray, m: int) -> None:
        self.payoffs = payoffs
        self.sizes = payoffs.shape[1:]
        self.edges = np.cumsum([0, *self.sizes])
        self.v, self.m = v, m

    def point(self, lam: dict[Label, int]) -> np.ndarray:
        x = self.v.copy()
        for (i, j), a in lam.items():
            a0 = self.edges[i]
            x[a0:self.edges[i + 1]] += a / self.m * self.v[a0:self.edges[i + 1]]
            x[a0 + j] -= a / self.m
        return x

    def profile(self, x: np.ndarray) -> Profile:
        parts = np.split(np.clip(x, 0.0, None), self.edges[1:-1])
        return tuple(p / p.sum() for p in parts)

    def label(self, lam: dict[Label, int]) -> Label:
        x = self.point(lam)
        prof = self.profile(x)
        best, where = -np.inf, (0, 0)
        for i, s in enumerate(prof):
            g = pure_values(self.payoffs[i], prof, i)
            gain = np.maximum(g - g @ s, 0.0)
            d = s - (s + gain) / (1.0 + gain.sum())
            for j in np.flatnonzero(x[self.edges[i]:self.edges[i + 1]] > 0):
                if d[j] > best + 1e-15:
                    best, where = d[j], (i, int(j))
        return where


def _vertices(a: dict[Label, int], pi: list[Label]) -> list[dict[Label, int]]:
    out, cur = [dict(a)], dict(a)
    for lab in pi:
        cur = dict(cur)
        cur[lab] += 1
        out.append(cur)
    return out


def _path(lab: _Labeller, max_pivots: int) -> tuple[np.ndarray, int]:
    """Follow the path on mesh ``1/lab.m``; return the barycentre of its last simplex."""
    a: dict[Label, int] = {}
    pi: list[Label] = []
    labels = [lab.label(a)]
    new = 0  # index of the vertex whose label was just computed
    steps = 0
    while steps < max_pivots:
        steps += 1
        L = labels[new]
        if L not in pi:
            i = L[0]
            if sum(1 for t in pi if t[0] == i) + 1 == lab.sizes[i]:
                break
            a[L] = 0
            pi.append(L)
            labels.append(lab.label(_vertices(a, pi)[-1]))
            new = len(labels) - 1
            continue
        drop = next(r for r, lb in enumerate(labels) if lb == L and r != new)
        new = _pivot(lab, a, pi, labels, drop)
    verts = _vertices(a, pi)
    return np.mean([lab.point(w) for w in verts], axis=0), steps


def _pivot(lab: _Labeller, a: dict[Label, int], pi: list[Label], labels: list[Label],
           drop: int) -> int:
    """Replace vertex ``drop`` (Kuhn pivots; down a dimension on a facet lambda = 0); return
    the index of the vertex whose label is new."""
    t = len(pi)
    while drop == t and t > 0 and a[pi[-1]] == 0:  # facet lambda_j = 0: into A(T - {j})
        j = pi.pop()
        del a[j]
        labels.pop()
        t -= 1
        drop = labels.index(j)
    if drop == 0:
        first = pi.pop(0)
        a[first] += 1
        pi.append(first)
        labels.pop(0)
        labels.append(lab.label(_vertices(a, pi)[-1]))
        return t
    if drop == t:
        last = pi.pop()
        a[last] -= 1
        pi.insert(0, last)
        labels.pop()
        labels.insert(0, lab.label(a))
        return 0
    pi[drop - 1], pi[drop] = pi[drop], pi[drop - 1]
    labels[drop] = lab.label(_vertices(a, pi)[drop])
    return drop


def simpdiv(payoffs: np.ndarray, *, tol: float = 1e-9, factor: int = 2,
            first_grid: int = 2, max_levels: int = 40,
            max_pivots: int = 200_000) -> SimpdivResult:
    """An approximate equilibrium of ``payoffs`` (shape ``(n, s_1, ..., s_n)``) by simplicial
    subdivision with restarts; see the module docstring.

    ``tol`` bounds the largest regret with payoffs rescaled to [0, 1]; the mesh starts at
    ``1/first_grid`` and shrinks by ``factor`` per restart, at most ``max_levels`` times.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    if factor < 2 or first_grid < 1:
        msg = f"factor must be at least 2 and first_grid at least 1, got {factor}, {first_grid}"
        raise InputError(msg)
    span = float(np.ptp(payoffs)) or 1.0
    scaled = (payoffs - payoffs.min()) / span
    sizes = scaled.shape[1:]
    centre = np.concatenate([np.full(k, 1.0 / k) for k in sizes])
    v, m, steps = centre, first_grid, 0
    best: Profile = tuple(np.split(centre, np.cumsum(sizes)[:-1]))
    best_regret = regret(scaled, best)
    for _ in range(max_levels):
        lab = _Labeller(scaled, v, m)
        end, used = _path(lab, max_pivots)
        steps += used
        found = lab.profile(end)
        for candidate in (found, *_polished(scaled, found, 1.0 / m)):
            if candidate is not None and (r := regret(scaled, candidate)) < best_regret:
                best, best_regret = candidate, r
        if best_regret <= tol:
            break
        v = (1.0 - 1.0 / m) * np.concatenate(found) + centre / m
        m *= factor
    return SimpdivResult(profile=tuple(best), regret=best_regret, grid=m, steps=steps,
                         converged=best_regret <= tol)


def _polished(payoffs: np.ndarray, profile: Profile, mesh: float) -> list[Profile]:
    """Newton's method on the indifference equations of two guesses at the support: the
    strategies used with weight above the square root of the mesh, and those within a few
    meshes of a best reply."""
    values = [pure_values(payoffs[i], profile, i) for i in range(len(profile))]
    gap = 10 * (mesh + regret(payoffs, profile))
    guesses = ([s > np.sqrt(mesh) for s in profile],
               [(v.max() - v <= gap) & (s > 0) for v, s in zip(values, profile, strict=True)])
    out = []
    for supports in guesses:
        supports = [sup if sup.any() else s == s.max()
                    for sup, s in zip(supports, profile, strict=True)]
        found = polish(payoffs, profile, supports)
        if found is not None and all(np.isfinite(s).all() for s in found):
            out.append(found)
    return out
