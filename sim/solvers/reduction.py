r"""Solve a game after iterated elimination of strictly dominated strategies.

A strictly dominated strategy is played with probability zero in every Nash equilibrium,
and every equilibrium of the reduced game is an equilibrium of the full game (a removed
strategy stays strictly dominated against the surviving strategies the others play). So
the equilibrium sets of the full and the reduced game coincide, and a method that is
complete on the reduced game is complete on the full one. Scenario games with many levers
often shrink a lot (the London 2025 game from 24 x 24 to a few strategies each), which
brings them within reach of exact vertex enumeration.

References
----------
Osborne, M. J. & Rubinstein, A. (1994). *A Course in Game Theory*, MIT Press, ch. 4.2.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction

import numpy as np

from sim.errors import LimitError
from sim.solvers import exact as exact_arith
from sim.solvers import separable as sp
from sim.solvers.dominance import Elimination, iterated_elimination
from sim.solvers.duplicates import Duplicates, duplicate_classes
from sim.solvers.equilibria import (
    ENUMERATION_LIMIT,
    Equilibrium,
    EquilibriumSet,
    solve,
    sort_key,
)
from sim.solvers.verify import is_nash, is_nash_exact

BY_GROUPS_METHODS = ("auto", "enumerate", "support", "lemke-howson", "pure")
"""Methods whose answer on a separable game is assembled from its lever groups' answers."""

PRODUCT_LIMIT = 10_000
"""Most products of the groups' equilibria assembled; above, the whole game is solved."""


def solve_reduced(
    payoffs: np.ndarray,
    *,
    method: str = "auto",
    exact: bool = False,
    tol: float = 1e-9,
    exact_payoffs: Sequence | None = None,
    progress: Callable | None = None,
    lever_sizes: Sequence[Sequence[int]] | None = None,
    lever_names: Sequence[str] | None = None,
    max_supports: int | None = None,
    partial_on_interrupt: bool = False,
) -> EquilibriumSet:
    """:func:`~sim.solvers.equilibria.solve` on the game left by IESDS and by merging
    duplicate strategies, mapped back to the full game's strategies.

    Duplicates (:mod:`sim.solvers.duplicates`) are reported on their class's first
    strategy, and the message names the other members: the full game's other extreme
    equilibria move that probability to any member. ``method="pure"`` and games too large
    for the dominance check are solved without IESDS. With ``lever_sizes`` (the number of
    levels of each player's levers, :mod:`sim.solvers.separable`), a two-player game whose
    payoffs add up over independent groups of levers is solved group by group when that
    gives the answer (see :func:`_solve_by_groups`), and reported as such in the message
    (naming the levers by ``lever_names``, both players' in order, when given).
    ``max_supports`` limits ``enumerate`` and ``support`` on the reduced game (see
    :func:`~sim.solvers.equilibria.solve`).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``.
    method, exact, tol, exact_payoffs, progress, max_supports
        As for :func:`~sim.solvers.equilibria.solve`.
    lever_sizes : nested sequence of int, optional
        Levels of each lever of each player: a game whose payoffs add up over independent
        groups of levers is solved group by group (:func:`_solve_by_groups`).
    lever_names : sequence of str, optional
        The levers' names, both players' in order.
    partial_on_interrupt : bool
        When Ctrl-C stops an enumeration, return the equilibria found so far
        (``interrupted=True``, ``complete=False``), as ``tradesim solve`` reports them.
        By default :class:`KeyboardInterrupt` is raised again, so an analysis built on the
        equilibria (a run, a sweep, a bargain) stops instead of going on with part of them.

    Returns
    -------
    EquilibriumSet
        The reduced game's equilibria with strategies of the full game (zero on the removed
        ones). No strategy used in a Nash equilibrium is strictly dominated, so IESDS loses no
        equilibrium (Osborne and Rubinstein 1994, Prop. 60.2); a duplicate class holds the
        probability its representative had.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    groups = _groups(payoffs, lever_sizes, tol)
    result = None
    if len(groups) > 1 and method in BY_GROUPS_METHODS:
        result = _solve_by_groups(payoffs, lever_sizes, groups, method, exact, tol,
                                  exact_payoffs, progress, max_supports)
    if result is None:
        result = _solve_reduced(payoffs, method, exact, tol, exact_payoffs, progress,
                                max_supports)
    if result.interrupted and not partial_on_interrupt:
        raise KeyboardInterrupt
    note = _separable_note(groups, lever_sizes, lever_names, assembled=result.method
                           .endswith("by lever groups"))
    if note:
        result = replace(result, message=f"{result.message}; {note}" if result.message
                         else note)
    return result


def _groups(payoffs: np.ndarray, lever_sizes: Sequence[Sequence[int]] | None,
            tol: float) -> list[tuple[int, ...]]:
    """The lever groups of a two-player game whose players have two levers or more."""
    if lever_sizes is None or payoffs.shape[0] != 2 or max(map(len, lever_sizes)) < 2:
        return []   # a player needs two levers or more for a group structure to mean much
    return sp.lever_groups(payoffs, lever_sizes, tol=tol)


def _solve_by_groups(payoffs: np.ndarray, lever_sizes: Sequence[Sequence[int]],
                     groups: list[tuple[int, ...]], method: str, exact: bool, tol: float,
                     exact_payoffs: Sequence | None, progress: Callable | None,
                     max_supports: int | None = None) -> EquilibriumSet | None:
    """Solve each group's game and assemble the products of their equilibria
    (:mod:`sim.solvers.separable`); ``None`` when the whole game should be solved instead:
    too many products, or products that miss correlated extreme equilibria of a game small
    enough for complete enumeration."""
    exact_game = exact_arith.to_fractions(payoffs if exact_payoffs is None
                                          else exact_payoffs) if exact else None
    part_list = sp.parts(payoffs, lever_sizes, groups)
    exact_parts = (sp.parts(np.array(exact_game, dtype=object), lever_sizes, groups)
                   if exact else [None] * len(part_list))
    answers = [_solve_reduced(p.payoffs, method, exact, tol,
                              None if e is None else e.payoffs.tolist(), progress, max_supports)
               for p, e in zip(part_list, exact_parts, strict=True)]
    if math.prod(len(a.equilibria) for a in answers) > PRODUCT_LIMIT:
        return None
    mixing = [[any((s > 1e-9).sum() > 1 for s in (e.strategies[i] for e in a.equilibria))
               for i in range(2)] for a in answers]
    extreme = sp.products_are_extreme(mixing)
    whole_complete = method == "enumerate" or (method == "auto"
                                                and payoffs[0].size <= ENUMERATION_LIMIT)
    if not extreme and whole_complete:
        return None
    eqs, keys = _products(payoffs, exact_game, part_list, answers, lever_sizes, tol)
    return _assembled(answers, eqs, keys, extreme and len(eqs) == math.prod(
        len(a.equilibria) for a in answers), exact)


def _products(payoffs: np.ndarray, exact_game: tuple | None, part_list: list[sp.Part],
              answers: list[EquilibriumSet], lever_sizes: Sequence[Sequence[int]], tol: float,
              ) -> tuple[list[Equilibrium], list[tuple[int, ...]]]:
    """Every product of the parts' equilibria that verifies, with its parts' components."""
    eqs, keys = [], []
    for combo in itertools.product(*[a.equilibria for a in answers]):
        x, y = (sp.joint([e.strategies[i] for e in combo], part_list, i, lever_sizes)
                for i in range(2))
        if not is_nash(payoffs, (x, y), tol=max(tol, 1e-9) * 100):
            continue
        values = np.array([float(x @ payoffs[i] @ y) for i in range(2)])
        eq = Equilibrium(strategies=(x, y), payoffs=values)
        if exact_game is not None:
            exact_s = tuple(tuple(sp.joint([e.exact_strategies[i] for e in combo], part_list,
                                           i, lever_sizes, dtype=object).tolist())
                            for i in range(2))
            if not is_nash_exact(exact_game, exact_s):
                continue
            exact_v = exact_arith.expected_payoffs(exact_game, exact_s)
            eq = replace(eq, strategies=tuple(np.array([float(p) for p in s])
                                              for s in exact_s),
                         exact_strategies=exact_s, exact_payoffs=exact_v,
                         payoffs=np.array([float(v) for v in exact_v]))
        eqs.append(eq)
        keys.append(tuple(e.component for e in combo))
    return eqs, keys


def _assembled(answers: list[EquilibriumSet], eqs: list[Equilibrium],
               keys: list[tuple[int, ...]], extreme: bool, exact: bool) -> EquilibriumSet:
    """The products as one answer, sorted; components are the products of the parts'."""
    order = sorted(range(len(eqs)), key=lambda k: sort_key(eqs[k]))
    known = extreme and all(a.components for a in answers)
    ids: dict[tuple[int, ...], int] = {}
    out = [replace(eqs[k], component=ids.setdefault(keys[k], len(ids)) if known else i)
           for i, k in enumerate(order)]
    components = (tuple(tuple(i for i, e in enumerate(out) if e.component == c)
                        for c in range(len(ids))) if known else ())
    complete = extreme and all(a.complete for a in answers)
    notes = [f"group {g + 1}: {a.message}" for g, a in enumerate(answers) if a.message]
    if not extreme:
        notes.append("players mix in two or more groups, so the whole game also has extreme "
                     "equilibria that correlate those mixtures (same marginals): only the "
                     "products are listed")
    degenerate = True if any(a.degenerate for a in answers) else None
    methods = sorted({a.method for a in answers})
    return EquilibriumSet(equilibria=tuple(out), method=f"{', '.join(methods)} by lever groups",
                          complete=complete, degenerate=degenerate, exact=exact,
                          message="; ".join(notes), components=components,
                          interrupted=any(a.interrupted for a in answers))


def _separable_note(groups: list[tuple[int, ...]], lever_sizes: Sequence[Sequence[int]] | None,
                    lever_names: Sequence[str] | None, *, assembled: bool) -> str:
    if len(groups) < 2 or lever_sizes is None:
        return ""
    names = list(lever_names) if lever_names is not None else [
        f"lever {a + 1}" for a in range(sum(map(len, lever_sizes)))]
    how = ("solved group by group: the equilibria listed are the products of the groups' "
           "equilibria" if assembled else "every equilibrium's marginals on each group are "
           "an equilibrium of that group's game, and any such marginals combine into one")
    return (f"the payoffs add up over {len(groups)} independent groups of levers ("
            + "; ".join(", ".join(names[a] for a in g) for g in groups) + f"): {how}")


def _solve_reduced(payoffs: np.ndarray, method: str, exact: bool, tol: float,
                   exact_payoffs: Sequence | None, progress: Callable | None,
                   max_supports: int | None = None) -> EquilibriumSet:
    if method == "pure":
        return solve(payoffs, method=method, exact=exact, tol=tol, exact_payoffs=exact_payoffs,
                     progress=progress, max_supports=max_supports)
    elim = _eliminate(payoffs, tol)
    surviving = (elim.surviving if elim is not None
                 else tuple(tuple(range(k)) for k in payoffs.shape[1:]))
    sub, sub_exact = _restrict(payoffs, exact_payoffs, surviving)
    dup = duplicate_classes(sub, exact_payoffs=sub_exact)
    notes, steps = [], []
    if elim is not None and elim.removed:
        steps.append("iterated dominance")
        notes.append(f"solved after removing {len(elim.removed)} strictly dominated "
                     "strategies, which no equilibrium plays")
    if dup.merged:
        steps.append("merged duplicates")
        notes.append(_duplicates_note(dup, surviving))
        surviving = tuple(tuple(surviving[i][k] for k in dup.keep[i])
                          for i in range(len(surviving)))
        sub, sub_exact = _restrict(payoffs, exact_payoffs, surviving)
    if not notes:
        return solve(payoffs, method=method, exact=exact, tol=tol, exact_payoffs=exact_payoffs,
                     progress=progress, max_supports=max_supports)
    result = solve(sub, method=method, exact=exact, tol=tol, exact_payoffs=sub_exact,
                   progress=progress, max_supports=max_supports)
    return _embed(result, surviving, payoffs.shape[1:], notes, " and ".join(steps))


def _restrict(payoffs: np.ndarray, exact_payoffs: Sequence | None,
              surviving: tuple[tuple[int, ...], ...]) -> tuple[np.ndarray, list | None]:
    keep = np.ix_(*[list(s) for s in surviving])
    sub = payoffs[(slice(None), *keep)]
    sub_exact = None
    if exact_payoffs is not None:
        sub_exact = np.asarray(exact_payoffs, dtype=object)[(slice(None), *keep)].tolist()
    return sub, sub_exact


def _duplicates_note(dup: Duplicates, surviving: tuple[tuple[int, ...], ...]) -> str:
    """``strategy 4 = 1 of player 1, ...``, in the full game's 1-based numbering."""
    parts = []
    for i, classes in enumerate(dup.classes):
        for rep, others in classes:
            names = ", ".join(str(surviving[i][k] + 1) for k in others)
            parts.append(f"{names} = {surviving[i][rep] + 1} of player {i + 1}")
    shown = "; ".join(parts[:6]) + (f"; and {len(parts) - 6} more" if len(parts) > 6 else "")
    return (f"merged {dup.merged} duplicate strategies (same payoffs for every player: "
            f"strategies {shown}); equilibria put a class's probability on its first "
            "strategy, and moving it to any other member gives the full game's other "
            "extreme equilibria")


def _eliminate(payoffs: np.ndarray, tol: float) -> Elimination | None:
    """IESDS, or ``None`` when the game is too large for the dominance check."""
    try:
        return iterated_elimination(payoffs, tol=tol)
    except LimitError:
        return None


def _embed(result: EquilibriumSet, surviving: tuple[tuple[int, ...], ...],
           shape: tuple[int, ...], notes: list[str], steps: str) -> EquilibriumSet:
    def full(x: np.ndarray, i: int) -> np.ndarray:
        out = np.zeros(shape[i])
        out[list(surviving[i])] = x
        return out

    def full_exact(x: tuple[Fraction, ...], i: int) -> tuple[Fraction, ...]:
        out = [Fraction(0)] * shape[i]
        for k, v in zip(surviving[i], x, strict=True):
            out[k] = v
        return tuple(out)

    eqs = []
    for eq in result.equilibria:
        strategies = tuple(full(x, i) for i, x in enumerate(eq.strategies))
        exact_s = (None if eq.exact_strategies is None else
                   tuple(full_exact(x, i) for i, x in enumerate(eq.exact_strategies)))
        eqs.append(Equilibrium(strategies=strategies, payoffs=eq.payoffs,
                               exact_strategies=exact_s, exact_payoffs=eq.exact_payoffs,
                               component=eq.component))
    message = "; ".join([result.message, *notes] if result.message else notes)
    return replace(result, equilibria=tuple(eqs), message=message,
                   method=f"{result.method} after {steps}")
