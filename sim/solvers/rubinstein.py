r"""Rubinstein alternating offers: closed form, finite deadline, general frontiers.

Two players alternate proposals; a rejected offer costs a period, and player *i* discounts
a period by :math:`\delta_i \in (0, 1)`. Over a unit surplus the unique subgame perfect
equilibrium gives the first proposer

.. math:: x^* = \frac{1 - \delta_2}{1 - \delta_1 \delta_2}

and the responder :math:`1 - x^*` (Rubinstein 1982), accepted at once.

With a **deadline** of :math:`N` rounds (after which the status quo, payoff 0 over the
disagreement point, stays), backward induction gives the proposer with :math:`n` rounds
left :math:`v_i(n) = 1 - \delta_j v_j(n - 1)`, :math:`v_i(1) = 1` (the responder accepts
when indifferent); :math:`v(n) \to x^*` as :math:`n \to \infty` (Ståhl 1972).

On a general **Pareto frontier** with disagreement point :math:`d` (payoffs per period
while no deal holds), proposer *i* gives responder *j* exactly what *j* would get by
rejecting, :math:`t_j = \max(o_j, d_j + \delta_j (V_j - d_j))`, where :math:`V_j` is *j*'s
payoff as the next proposer and :math:`o_j` an **outside option** *j* can take instead of
waiting (the outside option principle: it matters only when it binds, Binmore, Shaked and
Sutton 1989). The stationary solution tends to the Nash bargaining solution as
:math:`\delta \to 1` (Binmore, Rubinstein and Wolinsky 1986).

References
----------
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1).
Ståhl, I. (1972). *Bargaining Theory*. Stockholm School of Economics.
Binmore, K., Rubinstein, A., Wolinsky, A. (1986). The Nash bargaining solution in economic
modelling. *RAND Journal of Economics* 17(2), 176-188.
Binmore, K., Shaked, A., Sutton, J. (1989). An outside option experiment. *QJE* 104(4).
Muthoo, A. (1999). *Bargaining Theory with Applications*, ch. 3 and 5. Cambridge UP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from sim.errors import InputError
from sim.solvers.repeated import check_delta, periods_in

FloatArray = np.ndarray


def proposer_share(delta_proposer: float, delta_responder: float) -> float:
    r"""The first proposer's share :math:`(1 - \delta_r) / (1 - \delta_p \delta_r)` of a unit pie.

    The unique subgame perfect equilibrium of infinite-horizon alternating offers over a unit
    pie (Rubinstein 1982, *Econometrica* 50(1), 97-109).

    Parameters
    ----------
    delta_proposer, delta_responder : float
        Per-round discount factors in :math:`(0, 1)`.

    Returns
    -------
    float
        The proposer's share; the responder gets the rest, accepted at once.
    """
    dp = check_delta(delta_proposer, "the proposer's discount factor")
    dr = check_delta(delta_responder, "the responder's discount factor")
    return (1.0 - dr) / (1.0 - dp * dr)


def rubinstein_shares(delta1: float, delta2: float, *, first: int = 0) -> FloatArray:
    r"""Both players' shares of a unit pie when player ``first`` (0 or 1) proposes first.

    Parameters
    ----------
    delta1, delta2 : float
        The players' per-round discount factors in :math:`(0, 1)`.
    first : int
        The first proposer.

    Returns
    -------
    numpy.ndarray
        ``[share of player 0, share of player 1]``: the proposer's
        :math:`(1 - \delta_r) / (1 - \delta_p \delta_r)` (:func:`proposer_share`) and the rest.
    """
    deltas = (delta1, delta2)
    x = proposer_share(deltas[first], deltas[1 - first])
    shares = np.empty(2)
    shares[first], shares[1 - first] = x, 1.0 - x
    return shares


def finite_shares(delta1: float, delta2: float, rounds: int, *, first: int = 0) -> FloatArray:
    r"""Player ``first``'s share of a unit pie when it proposes with :math:`n = 1..N` rounds left.

    Backward induction :math:`v_i(n) = 1 - \delta_j v_j(n - 1)`, :math:`v_j(0) = 0`.
    Returns an array of length ``rounds``; entry ``n - 1`` is the share with ``n`` rounds left.

    Parameters
    ----------
    delta1, delta2 : float
        The players' per-round discount factors.
    rounds : int
        :math:`N \ge 1`, the most rounds left considered.
    first : int
        The proposer whose share is returned (the proposer alternates each round).

    Returns
    -------
    numpy.ndarray
        Length ``rounds``; as :math:`N \to \infty` it converges to :func:`proposer_share`
        (Ståhl 1972, *Bargaining Theory*; Rubinstein 1982).
    """
    deltas = (check_delta(delta1, "delta1"), check_delta(delta2, "delta2"))
    rounds = check_rounds(rounds)
    i, j = first, 1 - first
    vi, vj = 0.0, 0.0
    out = np.empty(rounds)
    for n in range(rounds):
        vi, vj = 1.0 - deltas[j] * vj, 1.0 - deltas[i] * vi
        out[n] = vi
    return out


def check_rounds(rounds: int) -> int:
    if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 1:
        msg = f"rounds = {rounds!r}; expected a whole number of bargaining rounds >= 1"
        raise InputError(msg)
    return int(rounds)


def rounds_before_deadline(length_days: float, period_days: float) -> int:
    r"""Bargaining rounds before a deadline: offers at days 0, p, 2p, ... before ``length``,
    so ``ceil(length / period)`` (the truce's number of periods), at least 1.

    Parameters
    ----------
    length_days : float
        Time until the deadline (the truce's length).
    period_days : float
        Time between offers.

    Returns
    -------
    int
        :math:`\max(1, \lceil \text{length} / \text{period} \rceil)`.
    """
    if not (length_days > 0 and period_days > 0):
        msg = (f"deadline {length_days!r} days and period {period_days!r} days; expected "
               "positive numbers")
        raise InputError(msg)
    return periods_in(length_days, period_days)


# --------------------------------------------------------------------------- frontiers


@dataclass(frozen=True)
class FrontierDeal:
    """Stationary alternating-offers agreement on a frontier.

    ``offer`` is the accepted proposal of the first proposer, ``counter`` what the other
    would propose; ``binding`` says, per player, whether its outside option binds.
    """

    offer: FloatArray
    counter: FloatArray
    binding: tuple[bool, bool]


class _Frontier:
    """A Pareto frontier (u1 increasing, u2 decreasing) with free disposal."""

    def __init__(self, points: FloatArray) -> None:
        self.x, self.y = np.asarray(points[:, 0], float), np.asarray(points[:, 1], float)

    def best_given(self, i: int, t: float) -> float:
        """Most player ``i`` gets when the other gets at least ``t`` (NaN if impossible)."""
        own, other = (self.x, self.y) if i == 0 else (self.y, self.x)
        # along the frontier `other` runs monotonically opposite to `own`
        k = np.argsort(other)
        other, own = other[k], own[k]
        if t > other[-1] + 1e-12 * max(1.0, abs(other[-1])):
            return float("nan")
        if t <= other[0]:
            return float(own[0])
        return float(np.interp(t, other, own))

    def point(self, i: int, t: float) -> FloatArray:
        """The frontier point where player ``i`` proposes, giving the other at least ``t``."""
        u = self.best_given(i, t)
        v = self.best_given(1 - i, u)
        return np.array([u, v]) if i == 0 else np.array([v, u])


def _threshold(d: float, o: float, delta: float, value: float) -> float:
    return max(o, d + delta * (value - d))


def _options(options: Sequence[float | None]) -> tuple[float, float]:
    o1, o2 = (-math.inf if o is None else float(o) for o in options)
    return o1, o2


def frontier_rubinstein(frontier: FloatArray, d: Sequence[float], deltas: Sequence[float],
                        *, first: int = 0,
                        options: Sequence[float | None] = (None, None)) -> FrontierDeal | None:
    r"""Stationary SPE of alternating offers on a frontier, or ``None`` if no deal is possible.

    Solves :math:`x_1 = H_1(t_2(y_2))`, :math:`y_2 = H_2(t_1(x_1))` with
    :math:`H_i(t)` the most *i* gets when the other gets at least *t* and
    :math:`t_j(v) = \max(o_j, d_j + \delta_j (v - d_j))`, by Brent's method on
    :math:`x_1 - H_1(t_2(H_2(t_1(x_1))))` over the individually rational range.
    No deal (``None``) when no frontier point gives both players their
    :math:`\max(d_j, o_j)`: an outside option then beats any agreement.

    Parameters
    ----------
    frontier : numpy.ndarray
        Shape ``(k, 2)``: vertices of the hull's Pareto frontier, by first player's payoff.
    d, deltas : pair of float
        The disagreement point and the per-round discount factors in :math:`(0, 1)`.
    first : int
        The first proposer.
    options : pair of float or None
        Outside options :math:`o_j` (``None``: none); a responder accepts no less.

    Returns
    -------
    FrontierDeal or None
        The proposer's offer, the counter-offer and whose option binds (Binmore, Rubinstein
        and Wolinsky 1986; Osborne and Rubinstein 1990, *Bargaining and Markets*, ch. 3).
    """
    d = np.asarray(d, dtype=float)
    delta = [check_delta(deltas[0], "delta1"), check_delta(deltas[1], "delta2")]
    o = _options(options)
    f = _Frontier(np.asarray(frontier, dtype=float))
    e = np.maximum(d, o)
    hi = [f.best_given(0, e[1]), f.best_given(1, e[0])]
    if math.isnan(hi[0]) or hi[0] < e[0] - 1e-12 or math.isnan(hi[1]) or hi[1] < e[1] - 1e-12:
        return None

    def t(j: int, v: float) -> float:
        return _threshold(d[j], o[j], delta[j], v)

    # fixed point for the proposer `first`'s own payoff
    i, j = first, 1 - first

    def phi(u: float) -> float:
        v_j = f.best_given(j, t(i, u))
        return u - f.best_given(i, t(j, v_j))

    lo, top = float(e[i]), float(hi[i])
    if phi(lo) >= 0 or top - lo <= 1e-12 * max(1.0, abs(top)):
        u = lo
    elif phi(top) <= 0:
        u = top
    else:
        u = brentq(phi, lo, top, xtol=1e-13 * max(1.0, abs(top)), rtol=1e-13)
    v_j = f.best_given(j, t(i, u))
    offer = f.point(i, t(j, v_j))
    counter = f.point(j, t(i, offer[i]))
    binding = [False, False]
    binding[j] = o[j] > d[j] + delta[j] * (counter[j] - d[j])
    binding[i] = o[i] > d[i] + delta[i] * (offer[i] - d[i])
    return FrontierDeal(offer=offer, counter=counter,
                        binding=(bool(binding[0]), bool(binding[1])))


def frontier_finite(frontier: FloatArray, d: Sequence[float], deltas: Sequence[float],
                    rounds: int, *, first: int = 0,
                    options: Sequence[float | None] = (None, None)) -> FloatArray:
    r"""Agreement when player ``first`` proposes with :math:`n = 1..N` rounds left.

    Backward induction: with no round left the status quo :math:`d` holds; with *n* left
    proposer *i* gives *j* :math:`t_j = \max(o_j, d_j + \delta_j (V_j(n-1) - d_j))` where
    :math:`V_j(n-1)` is *j*'s payoff as the proposer of the next round. Returns a
    ``(rounds, 2)`` array (NaN rows where no agreement gives both their reservation).

    Parameters
    ----------
    frontier : numpy.ndarray
        Shape ``(k, 2)``, as in :func:`frontier_rubinstein`.
    d : pair of float
        The status quo, which holds when the deadline passes without agreement.
    deltas : pair of float
        Per-round discount factors.
    rounds : int
        :math:`N \ge 1`.
    first : int
        The proposer of the round with :math:`n` rounds left, for each :math:`n` reported.
    options : pair of float or None
        Outside options :math:`o_j` (``None``: none); a responder accepts no less.

    Returns
    -------
    numpy.ndarray
        Shape ``(rounds, 2)``; row ``n - 1`` is the agreement with ``n`` rounds left.
    """
    d = np.asarray(d, dtype=float)
    delta = [check_delta(deltas[0], "delta1"), check_delta(deltas[1], "delta2")]
    rounds = check_rounds(rounds)
    o = _options(options)
    f = _Frontier(np.asarray(frontier, dtype=float))
    last = [d.copy(), d.copy()]  # agreement when player k proposes in the next round
    out = np.full((rounds, 2), np.nan)
    for n in range(rounds):
        new = []
        for i in (0, 1):
            j = 1 - i
            t_j = _threshold(d[j], o[j], delta[j], last[j][j])
            new.append(f.point(i, t_j))
        last = new
        out[n] = last[first]
    return out
