r"""Repeated-game thresholds: when can a truce be sustained by the threat of punishment?

A *truce* is a pure profile :math:`c = (c_1, c_2)` of a two-player stage game, played every
period while both keep it. For player :math:`i`:

* :math:`C_i = u_i(c)`: the truce payoff per period;
* :math:`D_i = \max_{s_i} u_i(s_i, c_{-i})`: the payoff of the best one-shot deviation;
* :math:`P_i`: the payoff per period while being punished, under

  (a) **Nash reversion**: the stage Nash equilibrium worst for :math:`i` among the pure ones
      (Friedman, 1971), or a profile named in the file;
  (b) **minmax**: the value :math:`\min_{\sigma_{-i}} \max_{s_i} u_i(s_i, \sigma_{-i})`
      over the opponent's mixed strategies (the folk theorem's harshest punishment,
      Fudenberg & Maskin, 1986), computed as a linear programme;
  (c) a named **escalation** profile (e.g. the April 2025 tariff war).

With grim trigger (punish forever after a breach), :math:`i` keeps the truce iff
:math:`C_i \ge (1-\delta) D_i + \delta P_i`, so the *critical discount factor* is

.. math:: \delta^*_i = \frac{D_i - C_i}{D_i - P_i},

and the truce is sustainable iff :math:`\delta \ge \max_i \delta^*_i`; the player attaining
the maximum is the *binding* one. With a punishment of :math:`k` periods followed by a return
to the truce, :math:`i` keeps the truce iff
:math:`D_i - C_i \le \sum_{t=1}^{k} \delta^t (C_i - P_i)`; the smallest such :math:`\delta`
is found by root finding, and when :math:`D_i - C_i \ge k (C_i - P_i)` no :math:`\delta < 1`
suffices. Conventions: :math:`\delta^*_i = 0` when :math:`i` gains nothing by deviating;
:math:`\delta^*_i = \infty` ("not sustainable for any :math:`\delta < 1`") when the
punishment is no worse than the truce for a player who gains by deviating.

References
----------
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. *Review of Economic
Studies* 38(1), 1-12.
Fudenberg, D. & Maskin, E. (1986). The folk theorem in repeated games with discounting or
with incomplete information. *Econometrica* 54(3), 533-554.
Mailath, G. J. & Samuelson, L. (2006). *Repeated Games and Reputations*, ch. 2. Oxford UP.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, SolverError
from sim.solvers.pure import pure_nash
from sim.solvers.security import maxmin_mixed

FloatArray = np.ndarray
Index = tuple[int, int]

DAYS_PER_YEAR = 365.0


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PlayerThreshold:
    """One player's side of the truce under one punishment.

    Attributes
    ----------
    truce_payoff : :math:`C_i`.
    deviation : the deviator's best one-shot deviation (its strategy index); its own truce
        strategy when no deviation gains.
    deviation_payoff : :math:`D_i`.
    punishment_payoff : :math:`P_i`.
    punishment_profile : the pure profile that punishes :math:`i`, or ``None`` for a mixed
        minmax punishment.
    delta_star : grim-trigger critical discount factor (``0.0`` if no gain, ``inf`` if never).
    delta_star_k : the same for a ``k``-period punishment (``None`` if no ``k`` was given).
    """

    truce_payoff: float
    deviation: int
    deviation_payoff: float
    punishment_payoff: float
    punishment_profile: Index | None
    delta_star: float
    delta_star_k: float | None

    @property
    def gain(self) -> float:
        """One-period gain from deviating, :math:`D_i - C_i`."""
        return self.deviation_payoff - self.truce_payoff


@dataclass(frozen=True)
class Thresholds:
    """Critical discount factors of a truce under one punishment.

    ``binding`` is the index of the player with the largest :math:`\\delta^*_i` (the first
    one on a tie); ``delta_star`` is that largest value.
    """

    truce: Index
    punishment: str
    players: tuple[PlayerThreshold, PlayerThreshold]
    k: int | None = None

    @property
    def delta_star(self) -> float:
        return max(p.delta_star for p in self.players)

    @property
    def binding(self) -> int:
        return int(np.argmax([p.delta_star for p in self.players]))

    @property
    def delta_star_k(self) -> float | None:
        if self.k is None:
            return None
        return max(p.delta_star_k for p in self.players)  # type: ignore[type-var]

    @property
    def binding_k(self) -> int | None:
        if self.k is None:
            return None
        return int(np.argmax([p.delta_star_k for p in self.players]))

    def sustainable(self, delta: float) -> bool:
        """Whether grim trigger sustains the truce at discount factor ``delta``."""
        return self.delta_star <= delta


# --------------------------------------------------------------------------- stage game


def _two_player(payoffs: FloatArray) -> FloatArray:
    arr = np.asarray(payoffs, dtype=float)
    if arr.ndim != 3 or arr.shape[0] != 2:
        msg = f"truce analysis needs a two-player game; got payoffs of shape {arr.shape}"
        raise SolverError(msg)
    return arr


def best_deviation(payoffs: FloatArray, truce: Index, player: int,
                   *, tol: float = 1e-9) -> tuple[int, float]:
    """Best one-shot deviation of ``player`` from ``truce``: (strategy, payoff :math:`D_i`).

    Returns the truce strategy itself when no deviation gains more than ``tol``.
    """
    arr = _two_player(payoffs)
    own = arr[player][:, truce[1]] if player == 0 else arr[player][truce[0], :]
    best = int(np.argmax(own))
    if own[best] <= own[truce[player]] + tol:
        best = truce[player]
    return best, float(own[best])


def minmax(payoffs: FloatArray, player: int) -> tuple[float, FloatArray]:
    r"""``player``'s minmax value and the opponent's minmaxing mixed strategy.

    :math:`\min_{y} \max_{s_i} (U_i y)_{s_i}` over the opponent's mixed strategies
    :math:`y`; by von Neumann's minimax theorem it is minus the opponent's maxmin value in
    the zero-sum game :math:`-U_i^\top` (Maschler, Solan & Zamir, *Game Theory*, 2013, §5.2).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(2, m, n)``.
    player : int

    Returns
    -------
    value : float
    strategy : numpy.ndarray
        The opponent's minmaxing mixed strategy.
    """
    arr = _two_player(payoffs)
    own = arr[0] if player == 0 else arr[1].T  # rows: own strategies
    value, y = maxmin_mixed(-own.T)
    return -value, y


def nash_punishment(payoffs: FloatArray, player: int, *, tol: float = 1e-9) -> tuple[Index, float]:
    """The pure stage Nash equilibrium worst for ``player``, and its payoff to ``player``."""
    equilibria = [(int(i), int(j)) for i, j in pure_nash(_two_player(payoffs), tol=tol)]
    if not equilibria:
        msg = ("the stage game has no pure Nash equilibrium to revert to; use "
               "punishment = 'minmax' or a named profile")
        raise SolverError(msg)
    values = [payoffs[player][e] for e in equilibria]
    worst = int(np.argmin(values))
    return equilibria[worst], float(values[worst])


# --------------------------------------------------------------------------- thresholds


def critical_discount(truce: float, deviation: float, punishment: float,
                      *, tol: float = 1e-9) -> float:
    r"""Grim-trigger critical discount factor :math:`\delta^* = (D-C)/(D-P)`.

    ``0.0`` when :math:`D - C \le tol` (nothing to gain); ``inf`` when the punishment is no
    worse than the truce (:math:`C - P \le tol`) for a player who gains by deviating.

    Parameters
    ----------
    truce, deviation, punishment : float
        :math:`C`, :math:`D` and :math:`P`: the player's truce payoff, best one-shot deviation
        payoff and payoff while punished.
    tol : float

    Returns
    -------
    float
        Grim trigger keeps the truce iff :math:`\delta \ge \delta^*` (Friedman 1971).
    """
    gain, loss = deviation - truce, truce - punishment
    if gain <= tol:
        return 0.0
    if loss <= tol:
        return math.inf
    return gain / (gain + loss)


def critical_discount_k(truce: float, deviation: float, punishment: float, k: int,
                        *, tol: float = 1e-12) -> float:
    r"""Smallest :math:`\delta` with :math:`D - C \le \sum_{t=1}^{k} \delta^t (C - P)`.

    The right-hand side rises from 0 to :math:`k (C - P)` on :math:`[0, 1)`, so the root is
    unique; ``inf`` when :math:`D - C \ge k (C - P)` (not sustainable for any :math:`\delta < 1`).

    Parameters
    ----------
    truce, deviation, punishment : float
        :math:`C`, :math:`D` and :math:`P`: the player's truce payoff, best one-shot deviation
        payoff and payoff while punished.
    k : int
        Punishment length in periods.
    tol : float
        Bisection tolerance on :math:`\delta`.

    Returns
    -------
    float
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        msg = f"punishment periods must be a whole number >= 1, got {k!r}"
        raise InputError(msg)
    gain, loss = deviation - truce, truce - punishment
    if gain <= 1e-9:
        return 0.0
    if loss <= 1e-9 or gain >= k * loss * (1 - 1e-12):
        return math.inf

    from scipy.optimize import brentq  # lazy: scipy is slow to import

    def slack(d: float) -> float:
        return loss * sum(d**t for t in range(1, k + 1)) - gain

    return float(brentq(slack, 0.0, 1.0, xtol=tol))


def thresholds(payoffs: FloatArray, truce: Index, punishment: str | Index = "nash",
               *, k: int | None = None, tol: float = 1e-9) -> Thresholds:
    """Each player's truce, deviation and punishment payoffs and critical discount factors.

    Parameters
    ----------
    payoffs : array ``(2, n1, n2)``.
    truce : the truce profile's index.
    punishment : ``"nash"`` (worst pure stage NE for the deviator), ``"minmax"`` (mixed
        minmax value), or a profile index (a named punishment or escalation profile).
    k : also compute the ``k``-period punishment thresholds.
    """
    arr = _two_player(payoffs)
    truce = (int(truce[0]), int(truce[1]))
    label = punishment if isinstance(punishment, str) else "profile"
    if isinstance(punishment, str) and punishment not in {"nash", "minmax"}:
        msg = f"unknown punishment '{punishment}'; expected 'nash', 'minmax' or a profile"
        raise InputError(msg)
    players = []
    for i in (0, 1):
        c = float(arr[i][truce])
        dev, d = best_deviation(arr, truce, i, tol=tol)
        if punishment == "nash":
            prof, p = nash_punishment(arr, i, tol=tol)
        elif punishment == "minmax":
            prof, p = None, minmax(arr, i)[0]
        else:
            prof = (int(punishment[0]), int(punishment[1]))
            p = float(arr[i][prof])
        players.append(PlayerThreshold(
            truce_payoff=c, deviation=dev, deviation_payoff=d, punishment_payoff=p,
            punishment_profile=prof, delta_star=critical_discount(c, d, p, tol=tol),
            delta_star_k=None if k is None else critical_discount_k(c, d, p, k),
        ))
    return Thresholds(truce=truce, punishment=label, players=(players[0], players[1]), k=k)


# --------------------------------------------------------------------------- time


def period_discount(annual_rate: float, renewal: float, period_days: float,
                    *, renewal_days: float | None = None) -> float:
    r"""Per-period discount factor :math:`\delta = p^{d/L}\,(1+r)^{-d/365}`.

    :math:`r` is the annual discount rate, :math:`d` the period's length in days, and
    :math:`p` the probability that the relationship goes on past each renewal point,
    ``renewal_days`` (:math:`L`) apart (e.g. a 90-day truce renewed at its expiry with
    probability :math:`p`); with ``renewal_days=None``, :math:`p` is per period
    (:math:`L = d`). A random end with probability :math:`1-p^{d/L}` per period acts exactly
    like extra discounting (Mailath & Samuelson, 2006, §4.2).

    Parameters
    ----------
    annual_rate : float
        :math:`r`.
    renewal : float
        :math:`p`.
    period_days : float
        :math:`d`.
    renewal_days : float, optional
        :math:`L`.

    Returns
    -------
    float
    """
    if not 0.0 <= renewal <= 1.0:
        msg = f"renewal probability must lie in [0, 1], got {renewal:g}"
        raise InputError(msg)
    if annual_rate < 0 or period_days <= 0 or (renewal_days is not None and renewal_days <= 0):
        msg = (f"need annual_discount_rate >= 0 and positive period and renewal lengths, got "
               f"{annual_rate:g}, {period_days:g} and {renewal_days}")
        raise InputError(msg)
    per_period = renewal if renewal_days is None else renewal ** (period_days / renewal_days)
    return per_period * (1.0 + annual_rate) ** (-period_days / DAYS_PER_YEAR)


DEFAULT_LENGTH_DAYS = 90.0  # the Geneva truce runs 90 days (critical-0609, truce-0609)
DEFAULT_PERIOD_DAYS = 7.0


@dataclass(frozen=True)
class Timing:
    """A truce's clock: its length, the period length, and the per-period discount factor.

    ``delta`` is ``None`` when the settings give no discount at all; ``source`` says which
    setting it came from.
    """

    length_days: float
    period_days: float
    delta: float | None
    source: str


def truce_timing(numbers: Mapping[str, float]) -> Timing:
    r"""The clock of a ``[truce]`` table from its resolved numbers.

    ``numbers`` may hold ``length_days``, ``period_days``, ``discount`` (a per-period
    :math:`\delta`, used as given), ``annual_discount_rate`` and ``renewal_probability``
    (combined by :func:`period_discount`, the truce being renewed, or not, at each expiry
    ``length_days`` apart). Missing lengths default to 90 and 7 days.
    """
    length = numbers.get("length_days", DEFAULT_LENGTH_DAYS)
    period = numbers.get("period_days", DEFAULT_PERIOD_DAYS)
    if numbers.get("discount") is not None:
        return Timing(length, period, check_delta(numbers["discount"], "truce.discount"),
                      "truce.discount")
    rate, renewal = numbers.get("annual_discount_rate"), numbers.get("renewal_probability")
    if rate is None and renewal is None:
        return Timing(length, period, None, "none")
    delta = period_discount(rate or 0.0, 1.0 if renewal is None else renewal, period,
                            renewal_days=length)
    delta = check_delta(delta, "the per-period discount factor from annual_discount_rate and "
                               "renewal_probability")
    return Timing(length, period, delta, "annual_discount_rate and renewal_probability")


def annual_discount(delta: float, period_days: float) -> float:
    r"""The same patience over a year: :math:`\delta^{365/d}` (``inf`` stays ``inf``)."""
    if math.isinf(delta):
        return math.inf
    return delta ** (DAYS_PER_YEAR / period_days)


def periods_in(length_days: float, period_days: float) -> int:
    """Number of whole periods that cover a truce of ``length_days`` (rounded up)."""
    return max(1, math.ceil(length_days / period_days - 1e-9))


def check_delta(delta: float, name: str = "delta") -> float:
    """``delta`` if it lies in the open interval (0, 1); an :class:`InputError` otherwise."""
    if not (isinstance(delta, int | float) and 0.0 < delta < 1.0):
        msg = f"{name} must lie strictly between 0 and 1, got {delta}"
        raise InputError(msg)
    return float(delta)


# --------------------------------------------------------------------------- all profiles


def profile_thresholds(payoffs: FloatArray, punishment: tuple[float, float],
                       *, tol: float = 1e-9) -> FloatArray:
    r"""Grim-trigger :math:`\delta^*(s) = \max_i \delta^*_i(s)` for every pure profile at once.

    ``punishment`` gives each player's punishment payoff :math:`P_i` (e.g. its worst pure
    stage NE). :math:`D_1(s) = \max_k A_{k s_2}`, :math:`D_2(s) = \max_l B_{s_1 l}`.
    """
    A, B = _two_player(payoffs)
    out = np.zeros(A.shape)
    for own, best, p in ((A, A.max(axis=0, keepdims=True), punishment[0]),
                         (B, B.max(axis=1, keepdims=True), punishment[1])):
        gain, loss = best - own, own - p
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(gain <= tol, 0.0, np.where(loss <= tol, np.inf, gain / (gain + loss)))
        out = np.maximum(out, d)
    return out


@dataclass(frozen=True)
class Sustainable:
    """The most cooperative pure profiles sustainable with Nash reversion at ``delta``.

    ``joint`` maximises :math:`u_1 + u_2`; ``nash_product`` maximises
    :math:`(u_1 - P_1)(u_2 - P_2)` over sustainable profiles with :math:`u_i \\ge P_i`
    (``None`` when there is none). ``count`` is the number of sustainable profiles.
    """

    delta: float
    count: int
    joint: Index
    nash_product: Index | None


@dataclass(frozen=True)
class Step:
    """From ``delta`` on (until the next step), ``profile`` is the best sustainable one."""

    delta: float
    profile: Index
    joint_payoff: float


def nash_reversion_payoffs(payoffs: FloatArray, *, tol: float = 1e-9) -> tuple[float, float]:
    """Each player's payoff at its worst pure stage Nash equilibrium."""
    return (nash_punishment(payoffs, 0, tol=tol)[1], nash_punishment(payoffs, 1, tol=tol)[1])


def best_sustainable(payoffs: FloatArray, delta: float,
                     punishment: tuple[float, float] | None = None,
                     *, tol: float = 1e-9) -> Sustainable:
    """Best sustainable pure profiles at ``delta`` (see :class:`Sustainable`).

    Every pure Nash equilibrium is sustainable (:math:`\\delta^* = 0`), so ``joint`` exists.
    """
    arr = _two_player(payoffs)
    pun = punishment if punishment is not None else nash_reversion_payoffs(arr, tol=tol)
    ok = profile_thresholds(arr, pun, tol=tol) <= delta
    joint = np.where(ok, arr[0] + arr[1], -np.inf)
    best = np.unravel_index(int(np.argmax(joint)), joint.shape)
    surplus = (arr[0] - pun[0], arr[1] - pun[1])
    fair = ok & (surplus[0] >= -tol) & (surplus[1] >= -tol)
    nash = None
    if fair.any():
        prod = np.where(fair, np.clip(surplus[0], 0, None) * np.clip(surplus[1], 0, None), -np.inf)
        nash = tuple(int(x) for x in np.unravel_index(int(np.argmax(prod)), prod.shape))
    return Sustainable(delta=float(delta), count=int(ok.sum()),
                       joint=(int(best[0]), int(best[1])), nash_product=nash)  # type: ignore[arg-type]


def sustainability_path(payoffs: FloatArray, punishment: tuple[float, float] | None = None,
                        *, tol: float = 1e-9) -> tuple[Step, ...]:
    r"""The joint-payoff-maximising sustainable profile as :math:`\delta` goes from 0 to 1.

    The sustainable set only grows with :math:`\delta`, so the best profile changes only at
    the profiles' own thresholds; one :class:`Step` per change, the first at
    :math:`\delta = 0`.
    """
    arr = _two_player(payoffs)
    pun = punishment if punishment is not None else nash_reversion_payoffs(arr, tol=tol)
    crit = profile_thresholds(arr, pun, tol=tol)
    joint = arr[0] + arr[1]
    steps: list[Step] = []
    for d in np.unique(crit[crit < 1.0]):
        ok = crit <= d
        masked = np.where(ok, joint, -np.inf)
        best = np.unravel_index(int(np.argmax(masked)), joint.shape)
        value = float(joint[best])
        if not steps or value > steps[-1].joint_payoff + tol:
            steps.append(Step(delta=float(d), profile=(int(best[0]), int(best[1])),
                              joint_payoff=value))
    return tuple(steps)
