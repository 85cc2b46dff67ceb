r"""Dominated strategies and iterated elimination of strictly dominated strategies.

Strategy :math:`s_i` of player *i* is **strictly dominated** by :math:`t_i` iff
:math:`u_i(t_i, s_{-i}) > u_i(s_i, s_{-i})` for every profile :math:`s_{-i}` of the others,
and **weakly dominated** iff :math:`\ge` everywhere with :math:`>` somewhere. Only domination
by pure strategies is checked here (dominance by a mixed strategy needs a linear programme;
see :func:`dominated_by_mixed`).

Iterated elimination of strictly dominated strategies (IESDS) removes strictly dominated
strategies until none is left; its result does not depend on the order of removal
(Osborne & Rubinstein 1994, *A Course in Game Theory*, Prop. 60.2 is for finite games), and no
strategy played with positive probability in a Nash equilibrium is ever removed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import LimitError
from sim.solvers.verify import scaled_tol


@dataclass(frozen=True)
class Domination:
    """``strategy`` of ``player`` is dominated by ``by`` (pure strategy indices)."""

    player: int
    strategy: int
    by: int
    strict: bool


@dataclass(frozen=True)
class Elimination:
    """Result of IESDS: the surviving strategy indices of each player, and the removal order."""

    surviving: tuple[tuple[int, ...], ...]
    removed: tuple[Domination, ...]


def _own_axis_first(payoffs: np.ndarray, player: int) -> np.ndarray:
    """Player's payoffs as a matrix: rows = own strategies, columns = others' profiles."""
    u = np.moveaxis(payoffs[player], player, 0)
    return u.reshape(u.shape[0], -1)


MAX_DOMINANCE_WORK = 400_000_000
"""Most pairwise comparisons (own strategies squared times the others' profiles) that
:func:`dominated_strategies` makes for one player; above it a :class:`LimitError` is raised."""


def dominated_strategies(payoffs: np.ndarray, *, tol: float = 1e-9) -> list[Domination]:
    r"""Every pure strategy dominated by another pure strategy, for every player.

    For each dominated strategy the first strict dominator is reported, or else the first
    weak one. Memory is one ``(own strategies, others' profiles)`` matrix per strategy.

    Parameters
    ----------
    payoffs : array_like
        Shape ``(n, s_1, ..., s_n)``.
    tol : float
        Tolerance for ">" and ">=", scaled by the largest absolute payoff.

    Returns
    -------
    list of Domination
        :math:`s_i` is strictly dominated by :math:`t_i` iff
        :math:`u_i(t_i, s_{-i}) > u_i(s_i, s_{-i})` for every :math:`s_{-i}`; weakly iff
        :math:`\ge` everywhere and :math:`>` somewhere.

    Raises
    ------
    LimitError
        When one player's check needs more than :data:`MAX_DOMINANCE_WORK` comparisons.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    eps = scaled_tol(payoffs, tol)
    out = []
    for i in range(payoffs.shape[0]):
        u = _own_axis_first(payoffs, i)
        work = u.shape[0] ** 2 * u.shape[1]
        if work > MAX_DOMINANCE_WORK:
            msg = (f"dominance check for player {i + 1} needs {work:,} comparisons, over the "
                   f"limit of {MAX_DOMINANCE_WORK:,}")
            raise LimitError(msg)
        for s in range(u.shape[0]):
            diff = u - u[s]  # diff[t] = u(t, .) - u(s, .)
            strict = (diff > eps).all(axis=1)
            if strict.any():
                out.append(Domination(i, s, int(np.argmax(strict)), strict=True))
                continue
            weak = (diff >= -eps).all(axis=1) & (diff > eps).any(axis=1)
            if weak.any():
                out.append(Domination(i, s, int(np.argmax(weak)), strict=False))
    return out


def iterated_elimination(payoffs: np.ndarray, *, tol: float = 1e-9) -> Elimination:
    """Iterated elimination of strictly dominated (pure-dominator) strategies.

    Each round removes every strategy (of every player) that is strictly dominated in the
    current reduced game; by the order-independence of strict dominance in finite games this
    gives the same surviving sets as removing one at a time (Gilboa, Kalai & Zemel 1990,
    *Mathematics of Operations Research* 15(4)).

    Parameters
    ----------
    payoffs : array_like
        Shape ``(n, s_1, ..., s_n)``.
    tol : float
        Tolerance of :func:`dominated_strategies`.

    Returns
    -------
    Elimination
        The surviving strategies of each player (indices into the original game) and every
        removal in the order made, with its dominator.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    alive = [np.arange(k) for k in payoffs.shape[1:]]
    removed: list[Domination] = []
    while True:
        sub = payoffs[(slice(None), *np.ix_(*alive))]
        found = [d for d in dominated_strategies(sub, tol=tol) if d.strict]
        if not found:
            break
        removed += [Domination(d.player, int(alive[d.player][d.strategy]),
                               int(alive[d.player][d.by]), strict=True) for d in found]
        for i in range(len(alive)):
            gone = [d.strategy for d in found if d.player == i]
            alive[i] = np.delete(alive[i], gone)
    return Elimination(surviving=tuple(tuple(int(x) for x in a) for a in alive),
                       removed=tuple(removed))
