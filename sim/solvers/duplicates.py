r"""Duplicate (payoff-equivalent) strategies, merged before solving.

Two pure strategies :math:`s, t` of player *i* are *payoff-equivalent* when every player
gets the same payoff from :math:`(s, s_{-i})` as from :math:`(t, s_{-i})` for every profile
:math:`s_{-i}` of the others (the reduced normal form of Kohlberg and Mertens 1986 merges
them). Nobody can tell them apart, so moving probability between them changes no payoff
and no best reply: a profile is an equilibrium exactly when the profile that *merges* each
class of equivalent strategies onto one representative (adding up their probabilities) is
an equilibrium of the game without the other members.

So the full game's equilibria are the *splits* of the reduced game's, and its extreme
equilibria are the reduced game's extreme equilibria with each class's probability put on
any one member of the class. A duplicate also makes the game degenerate (both copies are
best replies together), which slows vertex enumeration down; merging first avoids that.
:func:`duplicate_classes` finds the classes; :mod:`sim.solvers.reduction` solves the
reduced game and reports its equilibria on the representatives (the first strategy of each
class), naming the other members.

References
----------
Kohlberg, E., Mertens, J.-F. (1986). On the strategic stability of equilibria.
*Econometrica* 54, 1003-1037.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Duplicates:
    """``keep[i]``: the strategies of player *i* kept (one per class, the first);
    ``classes[i]``: ``(representative, (other members ...))`` for each class of two or more."""

    keep: tuple[tuple[int, ...], ...]
    classes: tuple[tuple[tuple[int, tuple[int, ...]], ...], ...]

    @property
    def merged(self) -> int:
        """Number of strategies merged into a representative."""
        return sum(len(others) for per in self.classes for _, others in per)


def duplicate_classes(payoffs: np.ndarray, *, exact_payoffs: Sequence | None = None
                      ) -> Duplicates:
    """Classes of payoff-equivalent strategies of every player (exact equality).

    Payoffs must be equal for every player, not merely close: with ``exact_payoffs`` (the
    same shape, rationals) those are compared, else the floats.

    Strategies :math:`s_i` and :math:`t_i` are duplicates iff
    :math:`u_k(s_i, s_{-i}) = u_k(t_i, s_{-i})` for every player *k* and every :math:`s_{-i}`:
    the game reduced to one member per class has the same equilibria, with a class's
    probability spread over its members in any way.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``.
    exact_payoffs : nested sequence of Fraction, optional
        The same payoffs in exact arithmetic; compared instead of the floats.

    Returns
    -------
    Duplicates
        The strategies kept and each class of two or more.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    values = payoffs if exact_payoffs is None else np.asarray(exact_payoffs, dtype=object)
    keep, classes = [], []
    for i in range(payoffs.shape[0]):
        rows = np.moveaxis(values, i + 1, 1).reshape(values.shape[0], values.shape[i + 1], -1)
        rows = np.swapaxes(rows, 0, 1).reshape(values.shape[i + 1], -1)
        groups: dict[tuple, list[int]] = {}
        for s in range(rows.shape[0]):
            groups.setdefault(tuple(rows[s].tolist()), []).append(s)
        members = sorted(groups.values())
        keep.append(tuple(g[0] for g in members))
        classes.append(tuple((g[0], tuple(g[1:])) for g in members if len(g) > 1))
    return Duplicates(keep=tuple(keep), classes=tuple(classes))


def merge(strategy: np.ndarray, representative_of: Sequence[int]) -> np.ndarray:
    """Add the probability of each strategy onto its class representative (a test helper
    and the map that defines what the reduced game's answer means).

    Parameters
    ----------
    strategy : numpy.ndarray
        A mixed strategy of the full game.
    representative_of : sequence of int
        For each strategy, the index of its class's representative.

    Returns
    -------
    numpy.ndarray
        The same length as ``strategy``, with all of a class's probability on its representative.
    """
    out = np.zeros_like(np.asarray(strategy, dtype=float))
    np.add.at(out, np.asarray(representative_of), strategy)
    return out
