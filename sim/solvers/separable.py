r"""Games whose payoffs add up over independent groups of levers, solved part by part.

A scenario player's strategies are the combinations of its levers' levels, so a payoff
array reshapes to a tensor with one axis per lever (both players' levers). The payoffs are
*separable* over a partition of the levers into groups when, for every player,
:math:`u(\ell) = \sum_g u_g(\ell_g)` (:math:`\ell_g` the levels of group *g*'s levers). In
the functional ANOVA decomposition :math:`u = \sum_U u_U` (one orthogonal term per set *U*
of axes; Hoeffding 1948), the mixed difference
:math:`(I - M_a)(I - M_b)\,u = \sum_{U \ni a, b} u_U` (:math:`M_a` averages over axis *a*)
vanishes exactly when no term couples *a* and *b*. Joining the axes with a non-zero mixed
difference for some player gives the finest partition into groups that the payoffs are
additive over: its connected components. Each group's game has payoffs
:math:`u_g = ` the average of *u* over the other axes (the rest is a constant).

Equilibria: a mixed strategy of a player is a distribution over its lever combinations; its
expected payoff depends only on the *marginal* distribution of each group, and its best
replies are the products of best replies group by group. Hence a profile is a Nash
equilibrium of the whole game exactly when, for every group, its marginals on that group
form an equilibrium of the group's game. The parts are solved separately (each much
smaller); every product of the parts' equilibria is an equilibrium of the whole game, and
the whole game's equilibria are the joint distributions with equilibrium marginals (which
also correlate the groups: those are not extreme points of the parts' products).

References
----------
Hoeffding, W. (1948). A class of statistics with asymptotically normal distribution.
*Annals of Mathematical Statistics* 19, 293-325.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Part:
    """One group of levers: the lever axes of each player and the group's game."""

    axes: tuple[tuple[int, ...], tuple[int, ...]]
    payoffs: np.ndarray


def lever_groups(payoffs: np.ndarray, lever_sizes: Sequence[Sequence[int]], *,
                 tol: float = 1e-9) -> list[tuple[int, ...]]:
    r"""The finest partition of the lever axes that both players' payoffs add up over.

    ``payoffs`` has shape ``(2, m, n)`` with *m* the product of ``lever_sizes[0]`` (the
    first lever slowest) and *n* of ``lever_sizes[1]``; axes are numbered player 1's levers
    first. Returns sorted groups of axes, sorted by their first axis.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(2, m, n)``.
    lever_sizes : pair of sequences of int
        The number of levels of each player's levers.
    tol : float
        Mixed differences within ``tol`` (scaled by the payoffs) count as zero.

    Returns
    -------
    list of tuple of int
        The connected components of the graph joining axes :math:`a, b` with
        :math:`(I - M_a)(I - M_b) u \ne 0` for some player (Hoeffding 1948).
    """
    sizes = [int(s) for player in lever_sizes for s in player]
    T = np.asarray(payoffs, dtype=float).reshape(payoffs.shape[0], *sizes)
    eps = tol * max(1.0, float(np.abs(T).max()))
    parent = list(range(len(sizes)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in itertools.combinations(range(len(sizes)), 2):
        if find(a) == find(b):
            continue
        for u in T:
            ua = u - u.mean(axis=a, keepdims=True)
            mixed = ua - ua.mean(axis=b, keepdims=True)
            if np.abs(mixed).max() > eps:
                parent[find(a)] = find(b)
                break
    groups: dict[int, list[int]] = {}
    for a in range(len(sizes)):
        groups.setdefault(find(a), []).append(a)
    return sorted(tuple(g) for g in groups.values())


def parts(payoffs: np.ndarray, lever_sizes: Sequence[Sequence[int]],
          groups: Sequence[Sequence[int]]) -> list[Part]:
    """Each group's game: the payoffs averaged over the other groups' axes (an object array
    of :class:`~fractions.Fraction` stays exact).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(2, m, n)``, floats or Fractions.
    lever_sizes : pair of sequences of int
        The number of levels of each player's levers.
    groups : sequence of sequence of int
        From :func:`lever_groups`.

    Returns
    -------
    list of Part
        One per group: its lever axes and :math:`u_g`, shape ``(2, m_g, n_g)``.
    """
    sizes = [int(s) for player in lever_sizes for s in player]
    first = len(lever_sizes[0])
    exact = np.asarray(payoffs).dtype == object
    T = np.asarray(payoffs, dtype=object if exact else float).reshape(len(payoffs), *sizes)
    out = []
    for group in groups:
        others = tuple(1 + a for a in range(len(sizes)) if a not in group)
        count = int(np.prod([T.shape[a] for a in others])) if others else 1
        u = T.sum(axis=others) / count if others else T
        rows = tuple(a for a in group if a < first)
        cols = tuple(a for a in group if a >= first)
        m = int(np.prod([sizes[a] for a in rows])) if rows else 1
        n = int(np.prod([sizes[a] for a in cols])) if cols else 1
        out.append(Part(axes=(rows, cols), payoffs=u.reshape(len(payoffs), m, n)))
    return out


def products_are_extreme(mixing: Sequence[Sequence[bool]]) -> bool:
    """Whether the products of the parts' extreme equilibria are *all* the whole game's.

    ``mixing[g][i]``: some equilibrium of part *g* mixes player *i*'s strategy. Player *i*'s
    strategies with given marginals form a transportation polytope, a single point (the
    product) when at most one of the marginals is mixed. So when no player mixes in two
    parts, the whole game's equilibria are exactly the products of the parts' (a map that is
    linear in each part's profile), and its extreme equilibria the products of theirs;
    otherwise the groups' mixtures can also be correlated, which gives other extreme
    equilibria with the same marginals.

    Parameters
    ----------
    mixing : sequence of sequence of bool

    Returns
    -------
    bool
    """
    players = len(mixing[0]) if mixing else 0
    return all(sum(bool(g[i]) for g in mixing) <= 1 for i in range(players))


def joint(marginals: Sequence[np.ndarray], part_list: Sequence[Part], player: int,
          lever_sizes: Sequence[Sequence[int]], *, dtype: type = float) -> np.ndarray:
    r"""The product distribution over ``player``'s lever combinations with these marginals
    (one per part, over the part's levers of that player); ``dtype=object`` multiplies
    :class:`~fractions.Fraction` marginals exactly.

    Parameters
    ----------
    marginals : sequence of numpy.ndarray
        One distribution per part over that part's lever combinations of ``player``.
    part_list : sequence of Part
    player : int
    lever_sizes : pair of sequences of int
        The number of levels of each player's levers.
    dtype : type
        ``float``, or ``object`` for Fractions.

    Returns
    -------
    numpy.ndarray
        ``player``'s mixed strategy in the whole game (its lever combinations, first lever
        slowest): :math:`\sigma(\ell) = \prod_g \sigma_g(\ell_g)`.
    """
    own = [int(s) for s in lever_sizes[player]]
    offset = 0 if player == 0 else len(lever_sizes[0])
    out = np.ones(own, dtype=dtype)
    for part, x in zip(part_list, marginals, strict=True):
        axes = [a - offset for a in part.axes[player]]
        if not axes:
            continue
        shape = [own[a] if a in axes else 1 for a in range(len(own))]
        out = out * np.asarray(x, dtype=dtype).reshape(shape)
    return out.reshape(-1)


def marginal(strategy: np.ndarray, part: Part, player: int,
             lever_sizes: Sequence[Sequence[int]]) -> np.ndarray:
    r"""The marginal of ``player``'s mixed strategy on the part's levers.

    Parameters
    ----------
    strategy : numpy.ndarray
        ``player``'s mixed strategy in the whole game.
    part : Part
    player : int
    lever_sizes : pair of sequences of int
        The number of levels of each player's levers.

    Returns
    -------
    numpy.ndarray
        :math:`\sigma_g(\ell_g) = \sum_{\ell : \ell_g \text{ fixed}} \sigma(\ell)`.
    """
    own = [int(s) for s in lever_sizes[player]]
    offset = 0 if player == 0 else len(lever_sizes[0])
    axes = [a - offset for a in part.axes[player]]
    t = np.asarray(strategy, dtype=float).reshape(own)
    drop = tuple(a for a in range(len(own)) if a not in axes)
    return (t.sum(axis=drop) if drop else t).reshape(-1)


def solve_parts(payoffs: np.ndarray, lever_sizes: Sequence[Sequence[int]],
                solve: Callable[[np.ndarray], object], *, tol: float = 1e-9,
                ) -> tuple[list[Part], list]:
    """Detect the groups and solve each part's game with ``solve`` (e.g. ``equilibria.solve``).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(2, m, n)``.
    lever_sizes : pair of sequences of int
        The number of levels of each player's levers.
    solve : callable
        A solver of one part's payoffs ``(2, m_g, n_g)``.
    tol : float

    Returns
    -------
    parts : list of Part
    results : list
        ``solve``'s result for each part.
    """
    part_list = parts(payoffs, lever_sizes, lever_groups(payoffs, lever_sizes, tol=tol))
    return part_list, [solve(p.payoffs) for p in part_list]
