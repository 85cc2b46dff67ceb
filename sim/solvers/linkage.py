r"""Issue linkage: separate versus linked repeated negotiations.

The levers of a two-player game are grouped into **issues** (e.g. chips with rare earths).
A deal is a pure profile :math:`c`. It is sustained by grim trigger with **Nash reversion**:
a deviation is answered by playing a stage Nash equilibrium for ever, the pure one worst for
the deviator (any stage equilibrium is a credible punishment; Friedman 1971).

* **Separate** negotiations: each issue is its own repeated game. In issue *k*'s stage game
  only the issue's levers move, the others stay at the deal. Player *i*'s best one-shot
  deviation gives :math:`D_i^k`, the deal :math:`C_i`, reversion on that issue
  :math:`P_i^k`, and *i* keeps the deal iff
  :math:`\delta \ge \delta_i^k = (D_i^k - C_i)/(D_i^k - P_i^k)`. Every issue must hold:
  :math:`\delta_{\text{sep}} = \max_k \max_i \delta_i^k`.
* **Linked** negotiations: one repeated game over all levers; a deviation anywhere is
  punished everywhere, so the incentive constraints are pooled:
  :math:`\delta_{\text{link}} = \max_i (D_i - C_i)/(D_i - P_i)` with deviations and
  reversion over all levers at once.

When payoffs are additive across issues, :math:`D_i - C_i = \sum_k (D_i^k - C_i)` and
:math:`C_i - P_i = \sum_k (C_i - P_i^k)`, so player *i*'s pooled threshold is a mediant of its
issue thresholds and never exceeds the largest: slack on one issue finances temptation on
another (Bernheim and Whinston 1990). Linkage helps when different issues bind for different
players; it does not when the same ratio binds on every issue. A one-sided issue (only one
player has levers in it) cannot be sustained alone (:math:`D = P`) but can be when linked.

Conventions: :math:`\delta^*_i = 0` when *i* gains nothing by deviating; ``inf`` when the
deal cannot be sustained for any :math:`\delta < 1` (no gain from the deal over the
punishment, or the issue's stage game has no pure equilibrium to revert to).
Everything is computed for **all** profiles at once on the lever tensor (one axis per lever).

References
----------
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. *Review of Economic
Studies* 38(1), 1-12.
Bernheim, B. D., Whinston, M. D. (1990). Multimarket contact and collusive behavior.
*RAND Journal of Economics* 21(1), 1-26.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, SolverError
from sim.game import Game
from sim.solvers.repeated import critical_discount

FloatArray = np.ndarray

OTHER_ISSUE = "other levers"
"""Name of the issue that collects levers no issue names."""


@dataclass(frozen=True)
class Issue:
    name: str
    levers: tuple[str, ...]
    axes: tuple[tuple[int, ...], tuple[int, ...]]  # lever-tensor axes of each player's levers


@dataclass(frozen=True)
class IssueThreshold:
    """Incentive constraints of one (separate or linked) repeated game at a deal."""

    issue: str
    levers: tuple[str, ...]
    gain: tuple[float, float]  # D_i - C_i: one-shot gain from the best deviation
    loss: tuple[float, float]  # C_i - P_i: per-period loss under Nash reversion
    delta: tuple[float, float]  # delta*_i
    critical: float  # max_i delta*_i
    binding: int | None  # the player whose constraint sets `critical` (None if nobody is tempted)


@dataclass(frozen=True)
class Linkage:
    """Separate versus linked critical discount factors at one deal."""

    deal: tuple[int, int]
    separate: tuple[IssueThreshold, ...]
    linked: IssueThreshold
    separate_critical: float
    linked_critical: float

    @property
    def helps(self) -> bool:
        """Linking strictly lowers the discount factor needed."""
        return bool(self.linked_critical < self.separate_critical - 1e-12)


# --------------------------------------------------------------------------- issues


def resolve_issues(game: Game, issues: Mapping[str, Sequence[str]]) -> tuple[Issue, ...]:
    """Validated issues with their tensor axes; unnamed levers form :data:`OTHER_ISSUE`.

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    issues : mapping of str to sequence of str
        Issue name to its levers (``[bargaining.issues]``); unnamed levers form one more issue.

    Returns
    -------
    tuple of Issue
        Each issue with its levers and, per player, the lever-tensor axes it moves.

    Raises
    ------
    InputError
        An unknown lever, a lever in two issues, or an issue without levers.
    SolverError
        When the game has not two players.
    """
    if len(game.players) != 2:
        msg = f"issue linkage needs a two-player game; {game.name} has {len(game.players)}"
        raise SolverError(msg)
    where = _lever_axes(game)
    owner: dict[str, str] = {}
    out: list[Issue] = []
    for name, levers in issues.items():
        if not levers:
            msg = f"issue '{name}' names no lever; expected at least one"
            raise InputError(msg)
        for lever in levers:
            if lever not in where:
                msg = (f"issue '{name}' names unknown lever '{lever}'; known levers: "
                       f"{', '.join(where)}")
                raise InputError(msg)
            if lever in owner:
                msg = (f"lever '{lever}' is in issue '{owner[lever]}' and in issue '{name}'; "
                       "expected each lever in one issue")
                raise InputError(msg)
            owner[lever] = name
        out.append(_issue(name, tuple(levers), where))
    rest = tuple(lv for lv in where if lv not in owner)
    if rest:
        out.append(_issue(OTHER_ISSUE if out else "all levers", rest, where))
    return tuple(out)


def _lever_axes(game: Game) -> dict[str, list[tuple[int, int]]]:
    """``{lever name: [(player, tensor axis), ...]}``; a name both players use (say
    ``tariff``) stands for both levers."""
    where: dict[str, list[tuple[int, int]]] = {}
    axis = 0
    for p, levers in enumerate(game.levers):
        for lever in levers:
            where.setdefault(lever, []).append((p, axis))
            axis += 1
    return where


def _issue(name: str, levers: tuple[str, ...],
           where: Mapping[str, list[tuple[int, int]]]) -> Issue:
    axes = (tuple(a for lv in levers for p, a in where[lv] if p == 0),
            tuple(a for lv in levers for p, a in where[lv] if p == 1))
    return Issue(name=name, levers=levers, axes=axes)


def lever_tensor(game: Game) -> FloatArray:
    """Payoffs with one axis per lever: shape ``(2, *levels of 1's levers, *levels of 2's)``.

    A player's strategies enumerate its levers' levels with the first lever slowest, which
    is C order, so this is a reshape (no copy).

    Parameters
    ----------
    game : Game
        A two-player game built from levers.

    Returns
    -------
    numpy.ndarray
        The payoffs as a view with one axis per lever.
    """
    sizes = [len(levels) for player in game.levels for levels in player]
    return np.asarray(game.payoffs, dtype=float).reshape(len(game.players), *sizes)


# --------------------------------------------------------------------------- thresholds


def issue_terms(T: FloatArray, issue: Issue, *, tol: float = 1e-9
                ) -> tuple[FloatArray, FloatArray]:
    r"""Deviation and punishment payoffs :math:`D_i^k`, :math:`P_i^k` at every profile.

    :math:`D_i^k` is the max of :math:`u_i` over player *i*'s levers in the issue (the rest
    fixed); a profile is an equilibrium of the issue's stage game iff every player is at
    its :math:`D`; :math:`P_i^k` is the least :math:`u_i` over those equilibria that share
    the profile's levels outside the issue (``inf`` if there is none).

    Parameters
    ----------
    T : numpy.ndarray
        The lever tensor (:func:`lever_tensor`).
    issue : Issue
    tol : float
        Payoffs within ``tol`` of the best are best responses.

    Returns
    -------
    D, P : numpy.ndarray
        Each of shape ``T.shape``: :math:`D_i^k` and :math:`P_i^k` for both players at every
        profile.
    """
    eps = tol * max(1.0, float(np.abs(T).max(initial=0.0)))
    shape = T.shape[1:]
    D = np.stack([np.broadcast_to(T[p].max(axis=issue.axes[p], keepdims=True), shape)
                  for p in (0, 1)])
    ne = np.all(np.greater_equal(T, D - eps), axis=0)
    every = issue.axes[0] + issue.axes[1]
    P = np.stack([np.broadcast_to(np.where(ne, T[p], np.inf).min(axis=every, keepdims=True),
                                  shape) for p in (0, 1)])
    return D, P


def critical_delta(C: FloatArray, D: FloatArray, P: FloatArray, *, tol: float = 1e-9
                   ) -> FloatArray:
    r"""Grim-trigger threshold :math:`(D - C)/(D - P)` elementwise, with the conventions above.

    0 where :math:`D \le C` (no temptation), ``inf`` where :math:`C \le P` while tempted.

    Parameters
    ----------
    C, D, P : numpy.ndarray
        Payoffs of the deal, of the best deviation and under reversion (broadcastable).
    tol : float
        Differences within ``tol`` count as zero.

    Returns
    -------
    numpy.ndarray
        :math:`\delta^* = (D - C)/(D - P)`: the deal holds under grim trigger iff
        :math:`(1 - \delta) D + \delta P \le C` (Friedman 1971).
    """
    eps = tol * max(1.0, float(np.abs(C).max(initial=0.0)))
    gain, loss = D - C, C - P
    tempted = gain > eps
    ok = tempted & (loss > eps)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(ok, gain / np.where(ok, gain + loss, 1.0), 0.0)
    return np.where(tempted & ~ok, np.inf, ratio)


def player_maps(game: Game, issues: Mapping[str, Sequence[str]]
                ) -> tuple[FloatArray, FloatArray, dict[str, FloatArray]]:
    r"""Each player's critical discount factor at **every** pure profile as a deal.

    Returns ``(separate, linked, per_issue)``, arrays of shape ``(2, s1, s2)``: ``separate``
    is the largest over the issues, ``per_issue`` maps each issue's name to its own.

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    issues : mapping of str to sequence of str
        Issue name to its levers (``[bargaining.issues]``); unnamed levers form one more issue.

    Returns
    -------
    separate, linked : numpy.ndarray
        Shape ``(2, s1, s2)``: :math:`\max_k \delta_i^k` and the pooled :math:`\delta_i`.
    per_issue : dict of str to numpy.ndarray
    """
    resolved = resolve_issues(game, issues)
    T = lever_tensor(game)
    shape = game.payoffs.shape
    per_issue = {}
    for issue in resolved:
        D, P = issue_terms(T, issue)
        per_issue[issue.name] = critical_delta(T, D, P).reshape(shape)
    D, P = issue_terms(T, _everything(game, resolved))
    linked = critical_delta(T, D, P).reshape(shape)
    separate = np.max(np.stack(list(per_issue.values())), axis=0)
    return separate, linked, per_issue


def linkage_maps(game: Game, issues: Mapping[str, Sequence[str]]
                 ) -> tuple[FloatArray, FloatArray, dict[str, FloatArray]]:
    r"""Critical discount factors of **every** pure profile as a deal, the larger of the
    two players' (:func:`player_maps` keeps them apart).

    Returns ``(separate, linked, per_issue)`` arrays of the game's shape ``(s1, s2)``.

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    issues : mapping of str to sequence of str
        Issue name to its levers (``[bargaining.issues]``); unnamed levers form one more issue.

    Returns
    -------
    separate, linked : numpy.ndarray
        Shape ``(s1, s2)``: :math:`\delta_{\text{sep}}` and :math:`\delta_{\text{link}}`.
    per_issue : dict of str to numpy.ndarray
    """
    separate, linked, per_issue = player_maps(game, issues)
    return (separate.max(axis=0), linked.max(axis=0),
            {name: arr.max(axis=0) for name, arr in per_issue.items()})


def linkage(game: Game, issues: Mapping[str, Sequence[str]], deal: tuple[int, int]
            ) -> Linkage:
    r"""Separate and linked thresholds, with gains, losses and binding players, at ``deal``.

    Parameters
    ----------
    game : Game
        A two-player game built from levers.
    issues : mapping of str to sequence of str
        Issue name to its levers (``[bargaining.issues]``); unnamed levers form one more issue.
    deal : pair of int
        The deal's strategy indices.

    Returns
    -------
    Linkage
        Each issue's and the linked game's incentive constraints (gain :math:`D_i - C_i`, loss
        :math:`C_i - P_i`, :math:`\delta_i^*`, the binding player) and both critical values.
    """
    resolved = resolve_issues(game, issues)
    T = lever_tensor(game)
    at = _tensor_index(game, deal)
    sep = tuple(_threshold(T, issue, at) for issue in resolved)
    linked = _threshold(T, _everything(game, resolved), at)
    return Linkage(deal=deal, separate=sep, linked=linked,
                   separate_critical=max(s.critical for s in sep),
                   linked_critical=linked.critical)


def _everything(game: Game, resolved: Sequence[Issue]) -> Issue:
    """One issue holding every lever: the linked negotiation."""
    n1, n2 = len(game.levers[0]), len(game.levers[1])
    return Issue("linked", tuple(lv for i in resolved for lv in i.levers),
                 (tuple(range(n1)), tuple(range(n1, n1 + n2))))


def _tensor_index(game: Game, deal: tuple[int, int]) -> tuple[int, ...]:
    sizes = [[len(levels) for levels in player] for player in game.levels]
    index: list[int] = []
    for p in (0, 1):
        index.extend(int(k) for k in np.unravel_index(deal[p], sizes[p]))
    return tuple(index)


def _threshold(T: FloatArray, issue: Issue, at: tuple[int, ...]) -> IssueThreshold:
    D, P = issue_terms(T, issue)
    C = T[(slice(None), *at)]
    d, p = D[(slice(None), *at)], P[(slice(None), *at)]
    delta = np.array([critical_discount(C[i], d[i], p[i]) for i in (0, 1)])
    gain, loss = d - C, C - p
    binding = int(np.argmax(delta)) if delta.max() > 0 else None
    return IssueThreshold(issue=issue.name, levers=issue.levers,
                          gain=(float(gain[0]), float(gain[1])),
                          loss=(float(loss[0]), float(loss[1])),
                          delta=(float(delta[0]), float(delta[1])),
                          critical=float(delta.max()), binding=binding)


def sustainable(critical: FloatArray, delta: float | Sequence[float]) -> FloatArray:
    """Where a deal holds: ``critical <= delta``; with per-player maps ``(2, s1, s2)`` and a
    pair of discount factors, each player's threshold against its own factor.

    Parameters
    ----------
    critical : numpy.ndarray
        Critical discount factors: ``(s1, s2)`` or per player ``(2, s1, s2)``.
    delta : float or pair of float
        One discount factor, or one per player.

    Returns
    -------
    numpy.ndarray of bool
        Shape ``(s1, s2)``.
    """
    critical = np.asarray(critical)
    if critical.ndim == 3:
        d1, d2 = (delta, delta) if np.isscalar(delta) else delta  # type: ignore[misc]
        return (critical[0] <= d1) & (critical[1] <= d2)
    return critical <= (delta if np.isscalar(delta) else min(delta))  # type: ignore[arg-type]


def linkage_gains(separate: FloatArray, linked: FloatArray, points: FloatArray,
                  d: FloatArray, delta: float | Sequence[float]) -> tuple[int, ...]:
    r"""Profiles (flat indices) that improve on ``d`` for both players and are sustainable at
    ``delta`` only when the issues are linked: the deals won by trading across issues.

    ``separate`` and ``linked`` come from :func:`linkage_maps` (with one ``delta``) or
    :func:`player_maps` (with one discount factor per player).

    Parameters
    ----------
    separate, linked : numpy.ndarray
        Critical discount factors (see above).
    points : numpy.ndarray
        Shape ``(s1 s2, 2)``: each profile's payoff pair, in flat order.
    d : numpy.ndarray
        The disagreement point.
    delta : float or pair of float

    Returns
    -------
    tuple of int
        Flat indices with :math:`u \ge d` and :math:`u \ne d`, sustainable linked but not
        separately.
    """
    better = np.all(points >= np.asarray(d) - 1e-12, axis=1) & np.any(points > d, axis=1)
    only = sustainable(linked, delta).ravel() & ~sustainable(separate, delta).ravel()
    return tuple(int(k) for k in np.flatnonzero(better & only))
