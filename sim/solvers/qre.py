r"""Logit quantal response equilibrium: the principal branch, traced by path following.

In a logit QRE with precision :math:`\lambda \ge 0` every player plays each pure strategy with
probability proportional to :math:`\exp(\lambda\, u_{ij}(\sigma))`, where
:math:`u_{ij}(\sigma)` is the expected payoff of pure strategy *j* of player *i* against
the others' mixed strategies (McKelvey and Palfrey 1995). In log-probabilities
:math:`z_{ij} = \ln \sigma_{ij}` the equilibria form the zero set of

.. math::

    H_{ij}(z, \lambda) = z_{ij} - z_{i0} - \lambda\,(u_{ij} - u_{i0}) \quad (j \ge 1), \qquad
    H_{i0}(z, \lambda) = \textstyle\sum_j e^{z_{ij}} - 1,

one equation per strategy and one unknown more (:math:`\lambda`): a curve. Its *principal
branch* starts at the centroid for :math:`\lambda = 0` and, for generic games, converges to a
Nash equilibrium as :math:`\lambda \to \infty` (the logit tracing procedure). It is followed
here by predictor-corrector continuation in arc length: an Euler step along the tangent (the
null vector of the Jacobian, oriented consistently with the previous one), then Newton
corrections with the Moore-Penrose pseudo-inverse, halving the step when the corrector does
not converge. Payoffs are divided by their range so that :math:`\lambda` is in units of one
payoff range; reported :math:`\lambda` are in the game's own units.

References
----------
McKelvey, R. D., Palfrey, T. R. (1995). Quantal response equilibria for normal form games.
*Games and Economic Behavior* 10, 6-38.

Turocy, T. L. (2005). A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence. *Games and Economic Behavior* 51, 243-263.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import SolverError
from sim.solvers.verify import pure_values


@dataclass(frozen=True)
class QREPath:
    """Points of the principal branch.

    ``lambdas[k]`` is the precision of point *k* (game units) and ``profiles[k][i]`` player
    *i*'s mixed strategy there. ``converged`` says whether ``lambda_max`` was reached.
    """

    lambdas: np.ndarray
    profiles: tuple[tuple[np.ndarray, ...], ...]
    converged: bool
    message: str = ""


def _split(z: np.ndarray, sizes: tuple[int, ...]) -> list[np.ndarray]:
    return np.split(z, np.cumsum(sizes)[:-1])


def _values_and_jacobian(payoffs: np.ndarray, sigma: list[np.ndarray]
                         ) -> tuple[list[np.ndarray], np.ndarray]:
    """Pure-strategy values :math:`u_{ij}` and :math:`\\partial u_{ij} / \\partial \\sigma_{kl}`."""
    sizes = [s.size for s in sigma]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    K = offsets[-1]
    values = [pure_values(payoffs[i], tuple(sigma), i) for i in range(len(sigma))]
    dU = np.zeros((K, K))
    for i in range(len(sigma)):
        for k in range(len(sigma)):
            if k == i:
                continue
            block = payoffs[i]
            for j in reversed(range(len(sigma))):
                if j not in (i, k):
                    block = np.tensordot(block, sigma[j], axes=([j], [0]))
            # remaining axes are (i, k) in increasing order
            block = block if i < k else block.T
            dU[offsets[i]:offsets[i + 1], offsets[k]:offsets[k + 1]] = block
    return values, dU


values_and_jacobian = _values_and_jacobian
"""Public name of the pure-strategy values and their Jacobian (used by :mod:`sim.solvers.gnm`)."""


def _residual_and_jacobian(payoffs: np.ndarray, x: np.ndarray, sizes: tuple[int, ...]
                           ) -> tuple[np.ndarray, np.ndarray]:
    z, lam = x[:-1], x[-1]
    sigma = [np.exp(part) for part in _split(z, sizes)]
    values, dU = _values_and_jacobian(payoffs, sigma)
    K = z.size
    H = np.empty(K)
    J = np.zeros((K, K + 1))
    dU_dz = dU * np.exp(z)[None, :]            # chain rule: d sigma / d z = sigma
    start = 0
    for i, s in enumerate(sizes):
        rows = slice(start, start + s)
        zi, ui = z[rows], values[i]
        H[start] = np.exp(zi).sum() - 1.0
        J[start, rows] = np.exp(zi)
        for j in range(1, s):
            r = start + j
            H[r] = zi[j] - zi[0] - lam * (ui[j] - ui[0])
            J[r, start + j] += 1.0
            J[r, start] -= 1.0
            J[r, :K] -= lam * (dU_dz[r] - dU_dz[start])
            J[r, K] = -(ui[j] - ui[0])
        start += s
    return H, J


def _tangent(J: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    _, _, vt = np.linalg.svd(J)
    t = vt[-1]
    if previous is None:
        return t if t[-1] > 0 else -t
    return t if t @ previous >= 0 else -t


def logit_qre_path(payoffs: np.ndarray, *, lambda_max: float = 1e4, first_step: float = 0.05,
                   max_points: int = 5_000, tol: float = 1e-10) -> QREPath:
    """Trace the principal branch from :math:`\\lambda = 0` to ``lambda_max`` (payoff ranges).

    ``payoffs`` has shape ``(n, s_1, ..., s_n)``; any number of players.

    Parameters
    ----------
    payoffs : numpy.ndarray
    lambda_max : float
        Where to stop, in payoff ranges.
    first_step, max_points, tol : float, int, float
        Initial arc-length step, most points kept, corrector tolerance.

    Returns
    -------
    QREPath
        The branch of :math:`H(z, \\lambda) = 0` (McKelvey and Palfrey 1995; Turocy 2005).
    """
    payoffs = np.asarray(payoffs, dtype=float)
    span = float(np.ptp(payoffs)) or 1.0
    scaled = payoffs / span
    sizes = tuple(payoffs.shape[1:])
    if any(s < 1 for s in sizes):
        msg = "every player needs at least one strategy"
        raise SolverError(msg)
    x = np.concatenate([np.full(s, -np.log(s)) for s in sizes] + [np.zeros(1)])
    points = [x.copy()]
    _, J = _residual_and_jacobian(scaled, x, sizes)
    t = _tangent(J, None)
    h = first_step
    message = ""
    while x[-1] < lambda_max and len(points) < max_points:
        step = min(h, max(1e-9, (lambda_max - x[-1]) / max(t[-1], 1e-12)))
        ok, x_new = _correct(scaled, x + step * t, sizes, tol)
        if not ok:
            h /= 2
            if h < 1e-12:
                message = f"the corrector failed at lambda = {x[-1] * 1 / span:.6g}"
                break
            continue
        _, J = _residual_and_jacobian(scaled, x_new, sizes)
        t_new = _tangent(J, t)
        if t_new @ t < 0.9:           # turned too sharply: retry with a shorter step
            h /= 2
            continue
        x, t = x_new, t_new
        points.append(x.copy())
        h = min(h * 1.5, max(1.0, 0.25 * x[-1]))
    lambdas = np.array([p[-1] for p in points]) / span
    profiles = tuple(tuple(np.exp(part) / np.exp(part).sum() for part in _split(p[:-1], sizes))
                     for p in points)
    converged = bool(points[-1][-1] >= lambda_max * (1 - 1e-9))
    if not converged and not message:
        message = f"stopped after {len(points)} points at lambda = {lambdas[-1]:.6g}"
    return QREPath(lambdas=lambdas, profiles=profiles, converged=converged, message=message)


def _correct(payoffs: np.ndarray, x: np.ndarray, sizes: tuple[int, ...], tol: float,
             max_iter: int = 8) -> tuple[bool, np.ndarray]:
    """Newton iterations with the pseudo-inverse (minimum-norm corrections)."""
    for _ in range(max_iter):
        H, J = _residual_and_jacobian(payoffs, x, sizes)
        if not np.isfinite(H).all():
            return False, x
        if np.abs(H).max() < tol:
            return True, x
        dx = np.linalg.lstsq(J, -H, rcond=None)[0]
        x = x + dx
    H, _ = _residual_and_jacobian(payoffs, x, sizes)
    return bool(np.isfinite(H).all() and np.abs(H).max() < tol * 100), x


def limit_profile(path: QREPath, payoffs: np.ndarray,
                  candidates: list[tuple[np.ndarray, ...]] | None = None, *,
                  radius: float = 1e-2) -> tuple[np.ndarray, ...] | None:
    """The Nash equilibrium the branch converges to, or None if none is close enough.

    With ``candidates`` (equilibria found by enumeration) the nearest one within ``radius``
    (largest probability difference) is returned. Otherwise the last point is rounded
    (probabilities below ``radius`` set to zero; then below ``radius / 10`` and ``/ 100``,
    for limits with a small probability, as Gambit's 5x4x3 example) and the first rounding
    that Newton's method polishes into a verified equilibrium is returned.

    Parameters
    ----------
    path : QREPath
    payoffs : numpy.ndarray
    candidates : list of tuple of numpy.ndarray, optional
    radius : float

    Returns
    -------
    tuple of numpy.ndarray or None
    """
    from sim.solvers.verify import is_nash

    last = path.profiles[-1]
    if candidates:
        def distance(c: tuple[np.ndarray, ...]) -> float:
            return max(float(np.abs(a - b).max()) for a, b in zip(c, last, strict=True))
        best = min(candidates, key=distance)
        return best if distance(best) <= radius else None
    for cut in (radius, radius / 10, radius / 100):  # a small probability may be in the limit
        profile = polish(payoffs, last, [s >= cut for s in last])
        if profile is not None and is_nash(payoffs, profile):
            return profile
    return None


def polish(payoffs: np.ndarray, start: tuple[np.ndarray, ...], supports: list[np.ndarray],
           *, max_iter: int = 50) -> tuple[np.ndarray, ...] | None:
    r"""Newton's method on the indifference equations of a support profile.

    Unknowns: each player's probabilities on its support and its value :math:`v_i`;
    equations :math:`u_{ij}(\sigma) = v_i` for *j* in the support and
    :math:`\sum_j \sigma_{ij} = 1`. Returns the refined profile, or None if Newton fails.

    Parameters
    ----------
    payoffs : numpy.ndarray
    start : tuple of numpy.ndarray
        A profile near the solution.
    supports : list of numpy.ndarray
        Each player's support (strategy indices).
    max_iter : int

    Returns
    -------
    tuple of numpy.ndarray or None
    """
    sigma = [np.where(sup, s, 0.0) / np.where(sup, s, 0.0).sum()
             for s, sup in zip(start, supports, strict=True)]
    mask = np.concatenate(supports)
    for _ in range(max_iter):
        values, dU = _values_and_jacobian(payoffs, sigma)
        v = [float(val[sup].mean()) for val, sup in zip(values, supports, strict=True)]
        F, rows = [], []
        offsets = np.concatenate([[0], np.cumsum([s.size for s in sigma])])
        K = offsets[-1]
        n = len(sigma)
        for i, sup in enumerate(supports):
            for j in np.flatnonzero(sup):
                r = offsets[i] + j
                F.append(values[i][j] - v[i])
                row = np.zeros(K + n)
                row[:K] = dU[r]
                row[K + i] = -1.0
                rows.append(row)
            F.append(sigma[i].sum() - 1.0)
            row = np.zeros(K + n)
            row[offsets[i]:offsets[i + 1]] = 1.0
            rows.append(row)
        F = np.array(F)
        if np.abs(F).max() < 1e-13:
            break
        J = np.array(rows)[:, np.concatenate([mask, np.ones(n, dtype=bool)])]
        step = np.linalg.lstsq(J, -F, rcond=None)[0]
        flat = np.concatenate(sigma)
        flat[mask] += step[:-n]
        sigma = [np.clip(part, 0.0, None) for part in _split(flat, tuple(s.size for s in sigma))]
    if not all(np.isfinite(s).all() and s.sum() > 0 for s in sigma):
        return None
    return tuple(s / s.sum() for s in sigma)
