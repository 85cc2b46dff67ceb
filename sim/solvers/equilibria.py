r"""Nash equilibria of finite games: one entry point, :func:`solve`, over several methods.

A mixed profile :math:`\sigma` is a Nash equilibrium iff every player's mixed strategy is a
best response to the others': :math:`u_i(\sigma) \ge u_i(s_i, \sigma_{-i})` for every pure
:math:`s_i` (Nash 1951). For two players :func:`solve` reports every *extreme* equilibrium
(vertex enumeration of the best-response polytopes, see
:mod:`sim.solvers.vertex_enumeration`); a continuum of equilibria is reported as its extreme
points, grouped by connected component. Larger games fall back to Lemke-Howson from every
label (``complete=False``, the reason in ``message``). Games with more than two players are
solved by support enumeration with the polynomial indifference equations solved by homotopy
continuation (:mod:`sim.solvers.npl_support`) while they have at most
:data:`POLYNOMIAL_AUTO_LIMIT` support profiles, and by the pure-strategy scan above that.

Every reported profile is re-verified as a mutual best response, in floating point with a
tolerance scaled by the payoffs' magnitude (:mod:`sim.solvers.verify`) and, with
``exact=True``, in rational arithmetic.

References
----------
Nash, J. (1951). Non-cooperative games. *Annals of Mathematics* 54(2), 286-295.

Avis, D., Rosenberg, G. D., Savani, R., von Stengel, B. (2010). Enumeration of Nash
equilibria for two-player games. *Economic Theory* 42, 9-37.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from sim.errors import InputError, SolverError
from sim.solvers import exact as exact_arith
from sim.solvers.enumeration import Progress, search
from sim.solvers.pure import pure_nash, unit_profile
from sim.solvers.support_limits import check_supports
from sim.solvers.verify import is_nash, is_nash_exact, pure_values, tidy_distribution
from sim.solvers.vertex_enumeration import basis_count

METHODS = ("auto", "enumerate", "support", "lemke-howson", "pure", "qre", "polynomial", "gnm",
           "simpdiv")
"""Values of ``method`` accepted by :func:`solve`."""

ENUMERATION_LIMIT = 324
"""``auto`` enumerates vertices while ``m * n`` is at most this (18 x 18: well under a
minute on two cores; the number of vertices, hence the time, grows about sevenfold per
extra strategy each); larger two-player games get the pure scan and Lemke-Howson from
every label."""

POLYNOMIAL_AUTO_LIMIT = 343
"""``auto`` enumerates the supports of games with three or more players while they have at
most this many support profiles (3 x 3 x 3, 2 x 2 x 2 x 2 x 2: seconds); ``--method
polynomial`` goes up to :data:`sim.solvers.npl_support.SUPPORT_LIMIT`."""

EXACT_ENUMERATION_LIMIT = 200
"""In exact mode, games with at most this many bases (up to about 4 x 4) are enumerated
entirely in rational arithmetic (:func:`sim.solvers.exact.extreme_equilibria`); larger ones
are enumerated in floating point and each equilibrium re-solved and verified exactly."""


@dataclass(frozen=True)
class Equilibrium:
    """One (extreme) Nash equilibrium.

    Attributes
    ----------
    strategies : one probability vector per player, in the file's strategy order.
    payoffs : expected payoff of each player.
    exact_strategies, exact_payoffs : the same as :class:`fractions.Fraction`, in exact mode.
    component : index of the connected set of equilibria this one belongs to.
    """

    strategies: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    exact_strategies: tuple[tuple[Fraction, ...], ...] | None = None
    exact_payoffs: tuple[Fraction, ...] | None = None
    component: int = 0


@dataclass(frozen=True)
class EquilibriumSet:
    """The equilibria a method found, and what it guarantees.

    ``complete`` is true only when the method guarantees that every extreme equilibrium was
    found; ``message`` then says why not. ``components[c]`` lists the indices (into
    ``equilibria``) of the extreme equilibria of connected component *c*; it is empty when
    the method cannot tell (every method but vertex enumeration), and each equilibrium's
    ``component`` is then its own index. ``interrupted`` is true when Ctrl-C stopped the
    enumeration: the equilibria are those found until then (``complete`` is false).
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    complete: bool
    degenerate: bool | None  # None: the method did not check
    exact: bool = False
    message: str = ""
    components: tuple[tuple[int, ...], ...] = ()
    interrupted: bool = False


def solve(
    payoffs: np.ndarray,
    *,
    method: str = "auto",
    exact: bool = False,
    tol: float = 1e-9,
    exact_payoffs: Sequence | None = None,
    progress: Callable[[Progress], None] | None = None,
    max_supports: int | None = None,
) -> EquilibriumSet:
    """Equilibria of the game with payoff array ``payoffs`` of shape ``(n, s_1, ..., s_n)``.

    Parameters
    ----------
    method : one of :data:`METHODS`: ``"auto"`` (vertex enumeration for two-player games up
        to :data:`ENUMERATION_LIMIT` cells, Lemke-Howson above, the pure scan for more
        players), ``"enumerate"``, ``"support"``, ``"lemke-howson"``, ``"pure"``, ``"qre"``,
        ``"polynomial"``, ``"gnm"`` (:mod:`sim.solvers.gnm`) or ``"simpdiv"`` (:mod:`~.simpdiv`).
    exact : re-compute every equilibrium in rational arithmetic from ``exact_payoffs``
        (nested :class:`~fractions.Fraction` of the same shape as ``payoffs``; when omitted,
        each float is read as the shortest decimal that rounds to it) and verify it with no
        tolerance.
    tol : tolerance of the floating-point labels and ties, relative to payoffs rescaled to
        [1, 2]. Every reported equilibrium is re-verified as a mutual best response within
        ``max(tol, 1e-9) * 100`` times the largest absolute payoff (at least 1).
    progress : called now and then during vertex enumeration with a
        :class:`~sim.solvers.enumeration.Progress` (parts of the search done, estimate).
        Ctrl-C during the enumeration returns the equilibria found so far, with
        ``complete=False`` and ``interrupted=True``.
    max_supports : most support pairs C(m+n, m) ``enumerate`` or ``support`` may try (default
        :data:`~sim.solvers.support_limits.MAX_SUPPORTS`); more raise LimitError at once.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    _check_payoffs(payoffs, method)
    n = payoffs.shape[0]
    exact_game = None
    if exact:
        exact_game = exact_arith.to_fractions(payoffs if exact_payoffs is None else exact_payoffs)
    asked = method
    chosen = method == "auto"
    if chosen:
        method = _auto_method(payoffs)
    if method == "enumerate" and n != 2:
        method = "polynomial"
    if method in ("support", "lemke-howson") and n != 2:
        msg = f"method {method!r} needs a two-player game, this one has {n} players"
        raise SolverError(msg)
    check_supports(method, payoffs.shape[1:], max_supports)
    if method == "qre":
        result = _qre(payoffs, tol)
    elif method == "polynomial":
        result = _polynomial(payoffs, tol)
    elif method in ("gnm", "simpdiv"):
        result = _one_path(payoffs, tol, method)
    elif method == "support":
        result = _support(payoffs, tol)
    elif method == "lemke-howson":
        result = _lemke_howson(payoffs, tol, chosen=chosen)
    elif method == "enumerate":
        if exact_game is not None and basis_count(*payoffs.shape[1:]) <= EXACT_ENUMERATION_LIMIT:
            return _enumerate_exact(exact_game)
        result = _enumerate(payoffs, tol, progress)
    else:
        result = _pure(payoffs, tol, asked=asked == "pure")
    if exact_game is not None and n != 2:
        result = _make_exact_n(result, exact_game)
    elif exact_game is not None:
        result = _make_exact(result, exact_game)
    return result


def _auto_method(payoffs: np.ndarray) -> str:
    from sim.solvers.npl_support import support_count

    if payoffs.shape[0] != 2:
        small = support_count(payoffs.shape[1:]) <= POLYNOMIAL_AUTO_LIMIT
        return "polynomial" if small else "pure"
    return "enumerate" if payoffs[0].size <= ENUMERATION_LIMIT else "lemke-howson"


def _check_payoffs(payoffs: np.ndarray, method: str) -> None:
    if method not in METHODS:
        msg = f"unknown method {method!r}; expected one of {', '.join(METHODS)}"
        raise InputError(msg)
    if payoffs.ndim < 2 or payoffs.shape[0] != payoffs.ndim - 1 or payoffs.shape[0] < 1:
        msg = f"payoffs must have shape (n, s_1, ..., s_n), got {payoffs.shape}"
        raise InputError(msg)
    if min(payoffs.shape[1:]) < 1:
        msg = f"every player needs at least one strategy, got shape {payoffs.shape}"
        raise InputError(msg)
    if not np.isfinite(payoffs).all():
        msg = "payoffs must be finite numbers"
        raise InputError(msg)


def _enumerate(payoffs: np.ndarray, tol: float, progress: Callable | None = None,
               ) -> EquilibriumSet:
    A, B = payoffs
    found = search(A, B, tol=tol, progress=progress)
    equilibria, keys = [], []
    ids: tuple[dict, dict] = ({}, {})
    for x, y in found.pairs:
        if is_nash(payoffs, (x, y), tol=max(tol, 1e-9) * 100):
            equilibria.append(_equilibrium(payoffs, (x, y)))
            keys.append(tuple(ids[i].setdefault(np.round(v, 9).tobytes(), len(ids[i]))
                              for i, v in enumerate((x, y))))
    rejected = len(found.pairs) - len(equilibria)
    notes = []
    if rejected:
        notes.append(f"{rejected} candidate(s) failed re-verification and were dropped")
    if not found.complete:
        notes.append(f"interrupted after {found.bases} bases: the equilibria found so far")
    result = EquilibriumSet(
        equilibria=tuple(equilibria), method="vertex-enumeration",
        complete=not rejected and found.complete, degenerate=found.degenerate,
        message="; ".join(notes), interrupted=not found.complete,
    )
    return _sorted_with_components(result, keys)


def _enumerate_exact(game: tuple) -> EquilibriumSet:
    found, degenerate = exact_arith.extreme_equilibria(game)
    equilibria, keys = [], []
    for x, y, a, b in found:
        values = exact_arith.expected_payoffs(game, (x, y))
        equilibria.append(Equilibrium(
            strategies=(np.array([float(p) for p in x]), np.array([float(p) for p in y])),
            payoffs=np.array([float(v) for v in values]),
            exact_strategies=(x, y), exact_payoffs=values))
        keys.append((a, b))
    result = EquilibriumSet(
        equilibria=tuple(equilibria), method="vertex-enumeration", complete=True,
        degenerate=degenerate, exact=True)
    return _sorted_with_components(result, keys)


def _lemke_howson(payoffs: np.ndarray, tol: float, *, chosen: bool = False
                  ) -> EquilibriumSet:
    """``chosen``: picked by ``auto`` for size, not asked for (the message says which)."""
    from sim.solvers.lemke_howson import lemke_howson_all

    found = lemke_howson_all(payoffs[0], payoffs[1])
    candidates = list(found.equilibria)
    for profile in pure_nash(payoffs, tol=tol):
        candidates.append(unit_profile(payoffs.shape[1:], profile))
    equilibria, seen = [], set()
    for x, y in candidates:
        key = np.round(np.concatenate([x, y]), 9).tobytes()
        if key not in seen and is_nash(payoffs, (x, y), tol=max(tol, 1e-9) * 100):
            seen.add(key)
            equilibria.append(_equilibrium(payoffs, (x, y)))
    m, n = payoffs.shape[1:]
    why = (f"{m} x {n} is above the enumeration limit of {ENUMERATION_LIMIT} cells"
           if chosen else "method 'lemke-howson' was asked for")
    message = (f"Lemke-Howson paths from every label of the artificial equilibrium and of "
               f"every equilibrium found ({found.paths} path(s) followed), plus the "
               f"pure-strategy scan: "
               f"equilibria outside that Lemke-Howson component may be missed, and "
               f"degeneracy was not checked ({why}; --method enumerate forces full "
               "enumeration)")
    if not found.exhausted:
        message += "; the work budget for large games stopped the search early"
    result = EquilibriumSet(equilibria=tuple(equilibria), method="lemke-howson",
                            complete=False, degenerate=None, message=message)
    return _sorted_with_components(result, None)


def _support(payoffs: np.ndarray, tol: float) -> EquilibriumSet:
    from sim.solvers.support_enumeration import support_enumeration

    equilibria, seen = [], set()
    surplus = False
    for x, y in support_enumeration(payoffs[0], payoffs[1], tol=tol):
        key = np.round(np.concatenate([x, y]), 9).tobytes()
        if key in seen or not is_nash(payoffs, (x, y), tol=max(tol, 1e-9) * 100):
            continue
        seen.add(key)
        eq = _equilibrium(payoffs, (x, y))
        equilibria.append(eq)
        surplus |= _has_surplus_best_responses(payoffs, x, y, tol=tol)
    message = ("support enumeration looks at supports of equal size only: it finds every "
               "equilibrium of a nondegenerate game but can miss some in a degenerate one, and "
               "does not check degeneracy; --method enumerate is complete")
    if surplus:
        message += "; this game is degenerate (an equilibrium strategy has more best " \
                   "responses than its support size)"
    result = EquilibriumSet(equilibria=tuple(equilibria), method="support-enumeration",
                            complete=False, degenerate=True if surplus else None,
                            message=message)
    return _sorted_with_components(result, None)


def _has_surplus_best_responses(payoffs: np.ndarray, *strategies: np.ndarray,
                                tol: float) -> bool:
    """Does some player have more pure best responses than its support size?"""
    eps = max(tol, 1e-9) * 100 * max(1.0, float(np.abs(payoffs).max()))
    for i, own in enumerate(strategies):
        values = pure_values(payoffs[i], strategies, i)
        if (values >= values.max() - eps).sum() > (own > 0).sum():
            return True
    return False


def _polynomial(payoffs: np.ndarray, tol: float) -> EquilibriumSet:
    from sim.solvers.npl_support import support_enumeration

    found = support_enumeration(payoffs, tol=tol)
    equilibria = [_equilibrium(payoffs, profile) for profile in found.profiles]
    surplus = any(_has_surplus_best_responses(payoffs, *p, tol=tol) for p in found.profiles)
    problems = []
    if found.singular:
        problems.append(f"{found.singular} support profile(s) have a singular solution in the "
                        "simplices (a degenerate game: equilibria there may form a continuum, "
                        "of which only verified points are listed)")
    if found.failed:
        problems.append(f"{found.failed} of {found.paths} homotopy path(s) could not be "
                        "followed to their end")
    if found.borderline:
        problems.append(f"{found.borderline} candidate(s) failed verification only narrowly "
                        "and were dropped")
    result = EquilibriumSet(
        equilibria=tuple(equilibria), method="polynomial-support-enumeration",
        complete=found.complete, degenerate=surplus or bool(found.singular),
        message="; ".join(problems))
    return _sorted_with_components(result, None)


def _one_path(payoffs: np.ndarray, tol: float, method: str) -> EquilibriumSet:
    from sim.solvers.gnm import global_newton
    from sim.solvers.simpdiv import simpdiv

    found = global_newton(payoffs, tol=tol) if method == "gnm" else simpdiv(payoffs, tol=tol)
    profiles = found.profiles if method == "gnm" else (found.profile,) * found.converged
    return _sorted_with_components(EquilibriumSet(
        equilibria=tuple(_equilibrium(payoffs, p) for p in profiles), method=method,
        complete=False, degenerate=None, message=found.summary), None)


def _qre(payoffs: np.ndarray, tol: float) -> EquilibriumSet:
    from sim.solvers.qre import limit_profile, logit_qre_path

    path = logit_qre_path(payoffs)
    candidates = None
    if payoffs.shape[0] == 2 and payoffs[0].size <= ENUMERATION_LIMIT:
        candidates = [eq.strategies for eq in _enumerate(payoffs, tol).equilibria]
    limit = limit_profile(path, payoffs, candidates)
    lam = float(path.lambdas[-1])
    if limit is None:
        message = (f"the logit QRE principal branch was traced to lambda = {lam:.4g} but its "
                   f"end is not (yet) a Nash equilibrium; {path.message}".rstrip("; "))
        equilibria: tuple[Equilibrium, ...] = ()
    else:
        message = (f"the equilibrium selected by the logit QRE principal branch (traced from "
                   f"lambda = 0 to {lam:.4g} in {len(path.lambdas)} steps); other equilibria "
                   "are not reported")
        equilibria = (_equilibrium(payoffs, tuple(limit)),)
    result = EquilibriumSet(equilibria=equilibria, method="qre", complete=False,
                            degenerate=None, message=message)
    return _sorted_with_components(result, None)


def _pure(payoffs: np.ndarray, tol: float, *, asked: bool = True) -> EquilibriumSet:
    equilibria = []
    for profile in pure_nash(payoffs, tol=tol):
        strategies = unit_profile(payoffs.shape[1:], profile)
        equilibria.append(_equilibrium(payoffs, strategies))
    n = payoffs.shape[0]
    why = "method 'pure' was asked for"
    if not asked:
        why = (f"{n} players and more than {POLYNOMIAL_AUTO_LIMIT} support profiles; "
               "--method polynomial enumerates them all, --method qre follows the logit "
               "QRE branch, --method gnm a global Newton path")
    result = EquilibriumSet(
        equilibria=tuple(equilibria), method="pure", complete=False, degenerate=None,
        message=f"pure-strategy equilibria only ({why}); mixed equilibria may exist",
    )
    return _sorted_with_components(result, None)


def _equilibrium(payoffs: np.ndarray, strategies: tuple[np.ndarray, ...]) -> Equilibrium:
    strategies, values = tuple(tidy_distribution(s) for s in strategies), []
    for i in range(payoffs.shape[0]):
        u = payoffs[i]
        for s in reversed(strategies):
            u = u @ s
        values.append(float(u))
    return Equilibrium(strategies=strategies, payoffs=np.array(values))


def sort_key(eq: Equilibrium) -> tuple[float, ...]:
    """Deterministic order: lexicographically by strategies, the first pure strategies first."""
    return tuple(-round(float(p), 9) for s in eq.strategies for p in s)


def _sorted_with_components(result: EquilibriumSet,
                            keys: list[tuple[int, int]] | None) -> EquilibriumSet:
    """Sort the equilibria and label the connected components of the extreme-pair graph."""
    order = sorted(range(len(result.equilibria)),
                   key=lambda k: sort_key(result.equilibria[k]))
    labels = _component_labels(keys, len(order)) if keys is not None else list(range(len(order)))
    renumber: dict[int, int] = {}
    equilibria = []
    members: dict[int, list[int]] = {}  # per component, its equilibria (one pass: linear)
    for i, k in enumerate(order):
        comp = renumber.setdefault(labels[k], len(renumber))
        members.setdefault(comp, []).append(i)
        equilibria.append(replace(result.equilibria[k], component=comp))
    components = tuple(map(tuple, members.values())) if keys is not None else ()  # or unknown
    return replace(result, equilibria=tuple(equilibria), components=components)


def _component_labels(keys: list[tuple[int, int]], count: int) -> list[int]:
    """Connected components of the bipartite graph whose edges are the extreme pairs."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in keys:
        parent[find(("x", a))] = find(("y", b))
    roots = [find(("x", a)) for a, _ in keys]
    ids: dict[tuple[str, int], int] = {}
    return [ids.setdefault(r, len(ids)) for r in roots][:count]


def _verified_exactly(game: tuple, strategies: tuple[tuple[Fraction, ...], ...]) -> bool:
    """Mutual best response with no tolerance (mixed for two players, pure for more)."""
    if len(game) == 2:
        return is_nash_exact(game, strategies)
    if not all(sorted(s) == [0] * (len(s) - 1) + [1] for s in strategies):
        return False
    profile = [s.index(1) for s in strategies]
    for i in range(len(game)):
        table = np.array(game[i], dtype=object)
        values = [table[(*profile[:i], own, *profile[i + 1:])]
                  for own in range(len(strategies[i]))]
        if values[profile[i]] != max(values):
            return False
    return True


def _make_exact_n(result: EquilibriumSet, game: tuple) -> EquilibriumSet:
    """Exact form of each equilibrium of an n-player game that is rational (verified with no
    tolerance); irrational equilibria, which games with three or more players can have, stay
    in floating point and the message says how many."""
    from sim.solvers.npl_support import exact_equilibrium

    rational = np.array(game, dtype=object)
    kept, irrational = [], 0
    for eq in result.equilibria:
        strategies = exact_equilibrium(rational, eq.strategies)
        if strategies is None:
            irrational += 1
            kept.append(eq)
            continue
        kept.append(_with_exact(eq, game, strategies))
    message = _noted(result.message, (
        f"{irrational} equilibrium(s) have no exact rational form (games with three "
        "or more players can have irrational equilibria) and are given in floating point"
    ) if irrational else "")
    return replace(result, equilibria=tuple(kept), exact=True, message=message)


def _with_exact(eq: Equilibrium, game: tuple, strategies: tuple) -> Equilibrium:
    """``eq`` with its exact strategies and payoffs, and floats rounded from them."""
    values = exact_arith.expected_payoffs(game, strategies)
    return replace(eq, exact_strategies=strategies, exact_payoffs=values,
                   strategies=tuple(np.array([float(p) for p in s]) for s in strategies),
                   payoffs=np.array([float(v) for v in values]))


def _noted(message: str, note: str) -> str:
    return f"{message}; {note}" if message and note else message or note


def _make_exact(result: EquilibriumSet, game: tuple) -> EquilibriumSet:
    """Re-compute each equilibrium in rational arithmetic and verify it exactly."""
    kept, dropped = [], 0
    for eq in result.equilibria:
        strategies = exact_arith.exact_profile(game, eq.strategies)
        if strategies is None or not _verified_exactly(game, strategies):
            dropped += 1
            continue
        kept.append(_with_exact(eq, game, strategies))
    message = _noted(result.message, f"{dropped} equilibrium(s) could not be confirmed in "
                     "exact arithmetic" if dropped else "")
    renumber: dict[int, int] = {}
    kept = [replace(eq, component=renumber.setdefault(eq.component, len(renumber)))
            for eq in kept]
    components = tuple(tuple(i for i, eq in enumerate(kept) if eq.component == c)
                       for c in range(len(renumber))) if result.components else ()
    return replace(result, equilibria=tuple(kept), exact=True, message=message,
                   complete=result.complete and not dropped, components=components)
