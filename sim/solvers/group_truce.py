r"""Truces among n sides: critical discount factors under group punishments, and noise.

A truce is a pure profile :math:`T` of an n-player stage game played every period with a
common discount factor :math:`\delta`. Player *i* keeps it under grim trigger iff
:math:`u_i(T) \ge (1 - \delta)\, D_i + \delta\, P_i`, where :math:`D_i = \max_s u_i(s,
T_{-i})` is its best one-shot deviation and :math:`P_i` its payoff once punished, so
:math:`\delta_i^* = (D_i - u_i(T)) / (D_i - P_i)` (Friedman 1971). The truce holds for
:math:`\delta \ge \max_i \delta_i^*`; the player attaining the maximum is the *binding*
player, the one whose temptation decides.

Who punishes:

* ``punishers="all"``: after a deviation every side, the deviator included, reverts to the
  punishment profile :math:`Q` for ever: :math:`P_i = u_i(Q)`. Credible when :math:`Q` is a
  stage Nash equilibrium (``punishment="nash"`` picks the pure one worst for the deviator).
* ``punishers="victims"``: only the others play their parts of :math:`Q`; the deviator
  best-responds, :math:`P_i = \max_s u_i(s, Q_{-i})`. With ``punishment="minmax"`` the
  victims choose the pure profile that holds the deviator's best response lowest (a pure
  minmax; the victims do not correlate).

For two players, ``punishment="nash"`` with either rule gives the thresholds of
:func:`sim.solvers.repeated.thresholds`.

References
----------
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. *Review of Economic
Studies* 38, 1-12.

Fudenberg, D., Maskin, E. (1986). The folk theorem in repeated games with discounting or
with incomplete information. *Econometrica* 54, 533-554.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, SolverError
from sim.solvers.pure import pure_nash

Index = tuple[int, ...]


@dataclass(frozen=True)
class GroupThreshold:
    """One player's truce, best deviation, punishment payoffs and critical discount factor."""

    player: int
    truce_payoff: float
    deviation: int
    deviation_payoff: float
    punishment_profile: Index
    punishment_payoff: float
    delta_star: float


@dataclass(frozen=True)
class GroupThresholds:
    """Every player's threshold; the truce holds for :math:`\\delta \\ge` ``delta_star``."""

    truce: Index
    punishment: str
    punishers: str
    players: tuple[GroupThreshold, ...]

    @property
    def delta_star(self) -> float:
        """The largest critical discount factor."""
        return max(p.delta_star for p in self.players)

    @property
    def binding(self) -> tuple[int, ...]:
        """The players whose critical discount factor is the largest."""
        top = self.delta_star
        return tuple(p.player for p in self.players
                     if p.delta_star == top or math.isclose(p.delta_star, top, rel_tol=1e-12))


def _with(profile: Index, player: int, strategy: int) -> Index:
    return (*profile[:player], strategy, *profile[player + 1:])


def best_deviation(payoffs: np.ndarray, truce: Index, player: int,
                   *, tol: float = 1e-9) -> tuple[int, float]:
    r"""``player``'s best one-shot deviation from ``truce`` (the truce strategy if none gains
    more than ``tol``) and its payoff.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``.
    truce : tuple of int
    player : int
    tol : float

    Returns
    -------
    strategy : int
    payoff : float
        :math:`D_i = \max_{s_i} u_i(s_i, c_{-i})`.
    """
    values = [payoffs[player][_with(truce, player, s)]
              for s in range(payoffs.shape[1 + player])]
    best = int(np.argmax(values))
    if values[best] <= values[truce[player]] + tol:
        best = truce[player]
    return best, float(values[best])


def pure_minmax_profile(payoffs: np.ndarray, player: int) -> Index:
    r"""The others' pure profile minimising ``player``'s best-response payoff, with
    ``player``'s best response in it (lowest indices on ties).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``.
    player : int

    Returns
    -------
    tuple of int
        :math:`\arg\min_{s_{-i}} \max_{s_i} u_i(s_i, s_{-i})` with *i*'s best response.
    """
    best = payoffs[player].max(axis=player)          # over own strategies
    others = np.unravel_index(int(np.argmin(best)), best.shape)
    profile = [int(x) for x in others]
    profile.insert(player, 0)
    own = best_deviation(payoffs, tuple(profile), player, tol=-np.inf)[0]
    return _with(tuple(profile), player, own)


def critical_discount(truce: float, deviation: float, punishment: float,
                      *, tol: float = 1e-9) -> float:
    r""":math:`\delta^* = (D - C) / (D - P)`; 0 when nothing is gained, ``inf`` when the
    punishment is no worse than the truce for a player who gains by deviating.

    Grim trigger holds iff :math:`(1 - \delta) D + \delta P \le C` (Friedman 1971).

    Parameters
    ----------
    truce, deviation, punishment : float
        :math:`C`, :math:`D` and :math:`P`.
    tol : float

    Returns
    -------
    float
    """
    gain, loss = deviation - truce, truce - punishment
    if gain <= tol:
        return 0.0
    if loss <= tol:
        return math.inf
    return gain / (gain + loss)


def group_thresholds(payoffs: np.ndarray, truce: Index, *, punishment: str | Index = "nash",
                     punishers: str = "all", tol: float = 1e-9) -> GroupThresholds:
    r"""Each player's critical discount factor for keeping ``truce`` (module docstring).

    ``punishment`` is ``"nash"`` (the pure stage equilibrium worst for the deviator),
    ``"minmax"`` (the victims' pure minmax profile) or a pure profile index; ``punishers`` is
    ``"all"`` or ``"victims"``.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(n, s_1, ..., s_n)``.
    truce : tuple of int
    punishment : str or tuple of int
    punishers : str
    tol : float

    Returns
    -------
    GroupThresholds
        Each player's :math:`C_i`, :math:`D_i`, :math:`P_i` and :math:`\delta_i^*`; the truce
        holds for :math:`\delta \ge \max_i \delta_i^*`.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    n = payoffs.shape[0]
    truce = tuple(int(t) for t in truce)
    if punishers not in {"all", "victims"}:
        msg = f"unknown punishers '{punishers}'; expected 'all' or 'victims'"
        raise InputError(msg)
    if len(truce) != n or any(not 0 <= t < k for t, k in zip(truce, payoffs.shape[1:],
                                                              strict=True)):
        msg = f"truce {truce} is not a pure profile of a game of shape {payoffs.shape[1:]}"
        raise InputError(msg)
    rows = []
    for i in range(n):
        q = _punishment_profile(payoffs, i, punishment, tol)
        if punishers == "victims":
            own = best_deviation(payoffs, q, i, tol=-np.inf)[0]
            q = _with(q, i, own)
        dev, d = best_deviation(payoffs, truce, i, tol=tol)
        c, p = float(payoffs[i][truce]), float(payoffs[i][q])
        rows.append(GroupThreshold(i, c, dev, d, q, p, critical_discount(c, d, p, tol=tol)))
    label = punishment if isinstance(punishment, str) else "profile"
    return GroupThresholds(truce=truce, punishment=label, punishers=punishers,
                           players=tuple(rows))


def _punishment_profile(payoffs: np.ndarray, i: int, punishment: str | Index,
                        tol: float) -> Index:
    if punishment == "nash":
        found = pure_nash(payoffs, tol=tol)
        if not found:
            msg = ("the stage game has no pure Nash equilibrium to revert to; use "
                   "punishment 'minmax' or a profile")
            raise SolverError(msg)
        return min(found, key=lambda e: (payoffs[i][e], e))
    if punishment == "minmax":
        return pure_minmax_profile(payoffs, i)
    if isinstance(punishment, str):
        msg = f"unknown punishment '{punishment}'; expected 'nash', 'minmax' or a profile"
        raise InputError(msg)
    return tuple(int(x) for x in punishment)


@dataclass(frozen=True)
class GroupSurvival:
    """Monte Carlo survival of a grim-trigger truce among ``sides`` players with
    implementation noise: ``survival[t]`` is the share of runs in which nobody has broken
    the truce in periods ``0..t``; ``closed_form[t]`` is :math:`(1-\\varepsilon)^{n(t+1)}`."""

    sides: int
    noise: float
    runs: int
    survival: np.ndarray
    closed_form: np.ndarray


CHUNK_DRAWS = 4_000_000
"""Random draws (runs x periods x sides) simulated at once: about 40 MB of memory."""


def simulate_group_truce(sides: int, periods: int, runs: int, *, noise: float,
                         rng: np.random.Generator,
                         noise_by_side: np.ndarray | None = None) -> GroupSurvival:
    r"""Noisy grim-trigger truce among ``sides`` players, :data:`CHUNK_DRAWS` draws at a time.

    Every period each side, meaning to keep the truce, breaks it by mistake with probability
    ``noise`` (or ``noise_by_side[i]``); under grim trigger the first break, by anyone, ends
    the truce for good. With equal noise the survival to period *t* is
    :math:`(1 - \varepsilon)^{n (t + 1)}` (compared in the tests); it falls with the number
    of sides, which is why truces among many parties are more fragile.

    Parameters
    ----------
    sides : int
    periods : int
    runs : int
    noise : float
        :math:`\varepsilon`, each side's chance per period of breaking the truce by mistake.
    rng : numpy.random.Generator
    noise_by_side : numpy.ndarray, optional
        One :math:`\varepsilon_i` per side instead.

    Returns
    -------
    GroupSurvival
    """
    if sides < 1 or periods < 1 or runs < 1:
        msg = "sides, periods and runs must be at least 1"
        raise InputError(msg)
    eps = np.full(sides, float(noise)) if noise_by_side is None else np.asarray(
        noise_by_side, dtype=float)
    if eps.shape != (sides,) or not ((eps >= 0) & (eps <= 1)).all():
        msg = "noise must be probabilities in [0, 1], one per side"
        raise InputError(msg)
    chunk = max(1, CHUNK_DRAWS // (periods * sides))  # runs at a time: memory stays bounded
    broken_count = np.zeros(periods)
    for start in range(0, runs, chunk):  # the same stream of draws as one call for all runs
        slips = rng.random((min(chunk, runs - start), periods, sides)) < eps
        broken_count += np.logical_or.accumulate(slips.any(axis=2), axis=1).sum(axis=0)
    survival = 1.0 - broken_count / runs
    keep = float(np.prod(1 - eps))
    closed = keep ** np.arange(1, periods + 1)
    return GroupSurvival(sides=sides, noise=float(eps.mean()), runs=runs, survival=survival,
                         closed_form=closed)
