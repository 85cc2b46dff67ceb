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


def dominated_strategies(payoffs: np.ndarray, *, tol: float = 1e-9) -> list[Domination]:
    """Every pure strategy dominated by another pure strategy, for every player.

    For each dominated strategy the *strongest* dominator found is reported (strict
    domination preferred over weak).
    """
    payoffs = np.asarray(payoffs, dtype=float)
    eps = scaled_tol(payoffs, tol)
    out = []
    for i in range(payoffs.shape[0]):
        u = _own_axis_first(payoffs, i)
        diff = u[:, None, :] - u[None, :, :]  # diff[t, s] = u(t, .) - u(s, .)
        strict = (diff > eps).all(axis=2)
        weak = (diff >= -eps).all(axis=2) & (diff > eps).any(axis=2)
        for s in range(u.shape[0]):
            if strict[:, s].any():
                out.append(Domination(i, s, int(np.argmax(strict[:, s])), strict=True))
            elif weak[:, s].any():
                out.append(Domination(i, s, int(np.argmax(weak[:, s])), strict=False))
    return out


def iterated_elimination(payoffs: np.ndarray, *, tol: float = 1e-9) -> Elimination:
    """Iterated elimination of strictly dominated (pure-dominator) strategies."""
    payoffs = np.asarray(payoffs, dtype=float)
    alive = [np.arange(k) for k in payoffs.shape[1:]]
    removed: list[Domination] = []
    while True:
        sub = payoffs[(slice(None), *np.ix_(*alive))]
        found = [d for d in dominated_strategies(sub, tol=tol) if d.strict]
        if not found:
            break
        d = found[0]  # one at a time keeps the recorded order simple and deterministic
        removed.append(Domination(d.player, int(alive[d.player][d.strategy]),
                                  int(alive[d.player][d.by]), strict=True))
        alive[d.player] = np.delete(alive[d.player], d.strategy)
    return Elimination(surviving=tuple(tuple(int(x) for x in a) for a in alive),
                       removed=tuple(removed))
