r"""All Nash equilibria of small n-player games: support enumeration with polynomial systems.

For a *support profile* :math:`S = (S_1, \dots, S_n)`, :math:`S_i` a non-empty set of player
*i*'s pure strategies, a mixed profile :math:`\sigma` with :math:`\operatorname{supp}\sigma_i
\subseteq S_i` is a Nash equilibrium iff

.. math::

    u_i(s, \sigma_{-i}) = u_i(s_i^0, \sigma_{-i}) \quad (s \in S_i \setminus \{s_i^0\}), \qquad
    u_i(t, \sigma_{-i}) \le u_i(s_i^0, \sigma_{-i}) \quad (t \notin S_i), \qquad
    \sigma \ge 0,

with :math:`s_i^0` the first strategy of :math:`S_i` and
:math:`\sigma_{i s_i^0} = 1 - \sum_{s \ne s_i^0} \sigma_{is}` (McKelvey and McLennan 1996,
section 6). The equalities are a *square* system of :math:`\sum_i (|S_i| - 1)` polynomial
equations in as many unknowns, multilinear in the other players' probabilities. For each
support profile (fewest strategies first, the order of Porter, Nudelman and Shoham 2008;
profiles with a conditionally strictly dominated strategy are skipped):

1. every isolated complex root of the system is found by *homotopy continuation* from a
   linear-product start system with the same multihomogeneous structure (one path per
   start root; their number is the multihomogeneous Bézout number, which for totally mixed
   supports is McKelvey and McLennan's 1997 bound: 2 for 2x2x2, 10 for 3x3x3) with the
   "gamma trick" (:func:`solve_system`);
2. real roots in the product of simplices are polished by Newton's method and *verified* as
   Nash equilibria of the whole game with a stated tolerance
   (:func:`sim.solvers.verify.is_nash`), then de-duplicated.

With generic payoffs every equilibrium is a regular root of its support's system, so the
enumeration is complete (with probability one over the random start system, which is drawn
from a seeded generator, so the answer is reproducible). It is *not* complete, and says so,
when a path fails, or when a support's system has a singular real root in the simplices (a
degenerate game, whose equilibria may form a continuum).

References
----------
McKelvey, R. D., McLennan, A. (1996). Computation of equilibria in finite games. In
*Handbook of Computational Economics* vol. 1, 87-142.

McKelvey, R. D., McLennan, A. (1997). The maximal number of regular totally mixed Nash
equilibria. *Journal of Economic Theory* 72, 411-425.

Porter, R., Nudelman, E., Shoham, Y. (2008). Simple search methods for finding a Nash
equilibrium. *Games and Economic Behavior* 63, 642-662.

Sommese, A. J., Wampler, C. W. (2005). *The Numerical Solution of Systems of Polynomials
Arising in Engineering and Science*. World Scientific.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from sim.errors import LimitError
from sim.solvers.homotopy import IndifferenceSystem, solve_system
from sim.solvers.verify import is_nash, pure_values, scaled_tol

SUPPORT_LIMIT = 50_000
"""Largest number of support profiles :func:`support_enumeration` examines by default."""

Supports = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class SupportSearch:
    """What the n-player support enumeration found.

    Attributes
    ----------
    profiles : the verified equilibria, one probability vector per player each.
    supports : number of support profiles whose equations were solved.
    pruned : number skipped because a strategy in them is conditionally strictly dominated.
    singular : support profiles whose equations have a singular real root in the simplices
        (possibly a continuum of equilibria; only verified points of it are reported).
    failed : homotopy paths that could not be tracked to their end.
    borderline : real solutions in the simplices that failed verification by less than
        ``1e3`` times the tolerance (numerically doubtful).
    paths : homotopy paths tracked in all.
    """

    profiles: tuple[tuple[np.ndarray, ...], ...]
    supports: int
    pruned: int
    singular: int
    failed: int
    borderline: int
    paths: int

    @property
    def complete(self) -> bool:
        """Every path tracked, no singular feasible root, no doubtful candidate."""
        return self.singular == 0 and self.failed == 0 and self.borderline == 0


def support_count(shape: Sequence[int]) -> int:
    """Number of support profiles, :math:`\\prod_i (2^{s_i} - 1)`."""
    return math.prod(2 ** s - 1 for s in shape)


def support_profiles(shape: Sequence[int]) -> Iterator[Supports]:
    """Every support profile, by total size and then lexicographically (Porter et al. 2008)."""
    per_player = [[c for k in range(1, s + 1) for c in itertools.combinations(range(s), k)]
                  for s in shape]
    total_max = sum(shape)
    for total in range(len(shape), total_max + 1):
        yield from _profiles_of_size(per_player, total)


def _profiles_of_size(per_player: list[list[tuple[int, ...]]], total: int) -> Iterator[Supports]:
    if not per_player:
        if total == 0:
            yield ()
        return
    rest_min = len(per_player) - 1
    for support in per_player[0]:
        left = total - len(support)
        if left < rest_min:
            continue
        for tail in _profiles_of_size(per_player[1:], left):
            yield (support, *tail)


def conditionally_dominated(payoffs: np.ndarray, supports: Supports, *, eps: float) -> bool:
    """Is a strategy of some :math:`S_i` strictly worse than another strategy of player *i*
    against every pure profile of the others' supports? (Porter et al. 2008, section 3.)"""
    n = payoffs.shape[0]
    for i in range(n):
        axes = [range(payoffs.shape[1 + i]) if j == i else supports[j] for j in range(n)]
        block = np.moveaxis(payoffs[i][np.ix_(*axes)], i, 0)
        block = block.reshape(block.shape[0], -1)
        for s in supports[i]:
            if (block > block[s] + eps).all(axis=1).any():
                return True
    return False


def support_enumeration(
    payoffs: np.ndarray,
    *,
    tol: float = 1e-9,
    max_supports: int = SUPPORT_LIMIT,
    seed: int = 0,
    linear: bool = True,
) -> SupportSearch:
    """Every equilibrium of the game ``payoffs`` (shape ``(n, s_1, ..., s_n)``) found by
    solving each support profile's indifference equations (see the module docstring).

    ``tol`` is the verification tolerance, scaled by the largest absolute payoff; ``seed``
    draws the random start systems; ``linear=False`` sends supports where two players mix
    to the homotopy too instead of solving their linear system (for the benchmark). Raises
    :class:`~sim.errors.LimitError` when the game
    has more than ``max_supports`` support profiles.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    shape = payoffs.shape[1:]
    count = support_count(shape)
    if count > max_supports:
        msg = (f"{' x '.join(map(str, shape))} has {count:,} support profiles, over the "
               f"limit of {max_supports:,} for polynomial support enumeration")
        raise LimitError(msg)
    rng = np.random.default_rng(seed)
    eps = scaled_tol(payoffs, tol)
    found: list[tuple[np.ndarray, ...]] = []
    tally = {"solved": 0, "pruned": 0, "singular": 0, "failed": 0, "borderline": 0,
             "paths": 0}
    for supports in support_profiles(shape):
        if conditionally_dominated(payoffs, supports, eps=eps):
            tally["pruned"] += 1
            continue
        tally["solved"] += 1
        candidates, singular = _solve_support(payoffs, supports, rng, eps, tally,
                                              linear=linear)
        tally["singular"] += singular
        for profile in candidates:
            verdict = _verify(payoffs, profile, tol)
            if verdict == "nash" and not any(_same(profile, f) for f in found):
                found.append(profile)
            elif verdict == "borderline":
                tally["borderline"] += 1
    return SupportSearch(profiles=tuple(found), supports=tally["solved"],
                         pruned=tally["pruned"], singular=tally["singular"],
                         failed=tally["failed"], borderline=tally["borderline"],
                         paths=tally["paths"])


def _solve_support(payoffs: np.ndarray, supports: Supports, rng: np.random.Generator,
                   eps: float, tally: dict[str, int], *, linear: bool = True,
                   ) -> tuple[list[tuple[np.ndarray, ...]], bool]:
    """Feasible real roots of one support's equations, and whether a singular one exists."""
    shape = payoffs.shape[1:]
    system = IndifferenceSystem(payoffs, supports)
    if not system.size:
        return [_profile(shape, supports, np.zeros(0))], False
    movers = [i for i, d in enumerate(system.dims) if d]
    if len(movers) == 1:
        return _one_mixer(payoffs, supports, movers[0], system, eps)
    constant, value = system.constant_equations(eps)
    if (constant & (np.abs(value) > eps)).any():
        return [], False          # a player strictly prefers one strategy of its support
    if constant.any():
        return [], True           # an equation vanishes identically: a continuum
    if len(movers) == 2 and linear:
        solved = _two_mixers(shape, supports, system)
        if solved is not None:
            return solved, False
    endpoints = solve_system(system, rng)
    tally["paths"] += len(endpoints)
    out, singular = [], False
    for end in endpoints:
        if end.kind == "failed":
            tally["failed"] += 1
            continue
        if end.kind == "diverged" or np.abs(end.x.imag).max() > 1e-6:
            continue
        profile = _profile(shape, supports, end.x.real)
        if not all((s >= -1e-7).all() for s in profile):
            continue
        if end.kind == "singular":
            singular = True
        out.append(tuple(np.clip(s, 0.0, None) / np.clip(s, 0.0, None).sum()
                         for s in profile))
    return out, singular


def _two_mixers(shape: Sequence[int], supports: Supports, system: IndifferenceSystem
                ) -> list[tuple[np.ndarray, ...]] | None:
    """Supports where exactly two players mix: each one's equations are affine in the other's
    probabilities alone (the rest play pure), so the system is *linear*,
    :math:`F(x) = F(0) + J x` with a constant Jacobian, and its one root is a linear solve
    instead of a homotopy path. ``None`` when *J* is singular or ill-conditioned (the
    homotopy then decides, flagging degeneracy)."""
    F, J = system.evaluate(np.zeros((1, system.size)))
    F, J = F[0], J[0]
    if np.linalg.cond(J) > 1e10:
        return None
    x = np.linalg.solve(J, -F)
    profile = _profile(shape, supports, x)
    if not all((s >= -1e-7).all() for s in profile):
        return []
    return [tuple(np.clip(s, 0.0, None) / np.clip(s, 0.0, None).sum() for s in profile)]


def _one_mixer(payoffs: np.ndarray, supports: Supports, i: int, system: IndifferenceSystem,
               eps: float) -> tuple[list[tuple[np.ndarray, ...]], bool]:
    """Supports where only player *i* mixes. Its equations are constants: unless they vanish
    there is no equilibrium; if they do, the equilibria are the mixed strategies on
    :math:`S_i` against which every other player's pure strategy stays a best response, a
    polytope (a linear program finds a point of it; when it is not empty the game is
    degenerate there)."""
    from scipy.optimize import linprog

    F = system.evaluate(np.zeros((1, system.size)))[0][0]
    if np.abs(F).max() > eps:
        return [], False
    shape = payoffs.shape[1:]
    own = list(supports[i])
    rows = []
    for j, sup in enumerate(supports):
        if j == i:
            continue
        axes = [own if k == i else range(shape[j]) if k == j else [supports[k][0]]
                for k in range(len(supports))]
        block = payoffs[j][np.ix_(*axes)]
        table = np.moveaxis(block, (i, j), (0, 1)).reshape(len(own), shape[j])
        rows.extend(table[:, t] - table[:, sup[0]] for t in range(shape[j]) if t != sup[0])
    A = np.array(rows).reshape(-1, len(own))
    found = linprog(np.zeros(len(own)), A_ub=A if len(A) else None,
                    b_ub=np.zeros(len(A)) if len(A) else None,
                    A_eq=np.ones((1, len(own))), b_eq=[1.0], bounds=(0, None), method="highs")
    if found.status != 0:
        return [], False
    x = np.zeros(shape[i])
    x[own] = found.x
    profile = tuple(x if k == i else np.eye(shape[k])[supports[k][0]]
                    for k in range(len(supports)))
    return [profile], True


def _profile(shape: Sequence[int], supports: Supports, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """The full mixed profile from the unknowns (first strategy of each support: the rest)."""
    profile, k = [], 0
    for size, sup in zip(shape, supports, strict=True):
        s = np.zeros(size)
        for t in sup[1:]:
            s[t] = x[k]
            k += 1
        s[sup[0]] = 1.0 - s[list(sup[1:])].sum()
        profile.append(s)
    return tuple(profile)


def _rational_payoffs(payoffs) -> np.ndarray:
    from sim.solvers.exact import to_fractions

    return np.array(to_fractions(payoffs), dtype=object)


def _same(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...], atol: float = 1e-7) -> bool:
    return all(np.allclose(x, y, atol=atol, rtol=0) for x, y in zip(a, b, strict=True))


def _verify(payoffs: np.ndarray, profile: tuple[np.ndarray, ...], tol: float) -> str:
    """``"nash"``, ``"borderline"`` (fails, but within 1e3 x tolerance) or ``"no"``."""
    if is_nash(payoffs, profile, tol=max(tol, 1e-9) * 100):
        return "nash"
    eps = scaled_tol(payoffs, max(tol, 1e-9) * 1e5)
    regret = max(float(pure_values(payoffs[i], profile, i).max()
                       - pure_values(payoffs[i], profile, i) @ s)
                 for i, s in enumerate(profile))
    return "borderline" if regret <= eps else "no"


def exact_equilibrium(rational: np.ndarray, profile: tuple[np.ndarray, ...],
                      max_denominator: int = 10 ** 6
                      ) -> tuple[tuple[Fraction, ...], ...] | None:
    """The equilibrium as Fractions if a nearby rational profile is *exactly* a Nash
    equilibrium (rounded with :meth:`fractions.Fraction.limit_denominator`), else None.

    Equilibria of games with three or more players can be irrational (algebraic numbers);
    those have no exact rational form and stay in floating point.
    """
    exact = []
    for s in profile:
        f = [Fraction(float(p)).limit_denominator(max_denominator) for p in s]
        if sum(f) != 1 or any(p < 0 for p in f):
            return None
        exact.append(tuple(f))
    return tuple(exact) if is_nash_rational(rational, tuple(exact)) else None


def is_nash_rational(rational: np.ndarray, strategies: tuple[tuple[Fraction, ...], ...]) -> bool:
    """Exact n-player Nash check: every player's payoff equals its best pure-strategy value."""
    for i in range(rational.shape[0]):
        values = rational[i]
        for k in reversed(range(len(strategies))):
            if k != i:
                values = np.tensordot(values, np.array(strategies[k], dtype=object),
                                      axes=([k], [0]))
        values = list(values)
        own = sum(p * v for p, v in zip(strategies[i], values, strict=True))
        if own != max(values):
            return False
    return True
