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

from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction

import numpy as np

from sim.errors import LimitError
from sim.solvers.dominance import Elimination, iterated_elimination
from sim.solvers.equilibria import Equilibrium, EquilibriumSet, solve


def solve_reduced(
    payoffs: np.ndarray,
    *,
    method: str = "auto",
    exact: bool = False,
    tol: float = 1e-9,
    exact_payoffs: Sequence | None = None,
    progress: Callable | None = None,
) -> EquilibriumSet:
    """:func:`~sim.solvers.equilibria.solve` on the game left by IESDS, mapped back.

    ``method="pure"`` and games too large for the dominance check are solved as they are.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    elim = None if method == "pure" else _eliminate(payoffs, tol)
    if elim is None or not elim.removed:
        return solve(payoffs, method=method, exact=exact, tol=tol, exact_payoffs=exact_payoffs,
                     progress=progress)
    keep = np.ix_(*[list(s) for s in elim.surviving])
    sub = payoffs[(slice(None), *keep)]
    sub_exact = None
    if exact_payoffs is not None:
        sub_exact = np.asarray(exact_payoffs, dtype=object)[(slice(None), *keep)].tolist()
    result = solve(sub, method=method, exact=exact, tol=tol, exact_payoffs=sub_exact,
                   progress=progress)
    return _embed(result, elim, payoffs.shape[1:])


def _eliminate(payoffs: np.ndarray, tol: float) -> Elimination | None:
    """IESDS, or ``None`` when the game is too large for the dominance check."""
    try:
        return iterated_elimination(payoffs, tol=tol)
    except LimitError:
        return None


def _embed(result: EquilibriumSet, elim: Elimination, shape: tuple[int, ...]) -> EquilibriumSet:
    def full(x: np.ndarray, i: int) -> np.ndarray:
        out = np.zeros(shape[i])
        out[list(elim.surviving[i])] = x
        return out

    def full_exact(x: tuple[Fraction, ...], i: int) -> tuple[Fraction, ...]:
        out = [Fraction(0)] * shape[i]
        for k, v in zip(elim.surviving[i], x, strict=True):
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
    note = (f"solved after removing {len(elim.removed)} strictly dominated strategies, "
            "which no equilibrium plays")
    message = f"{result.message}; {note}" if result.message else note
    return replace(result, equilibria=tuple(eqs), message=message,
                   method=f"{result.method} after iterated dominance")
