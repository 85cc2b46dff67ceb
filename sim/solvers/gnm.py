r"""Nash equilibria of n-player games by the global Newton method (Govindan and Wilson 2003).

Perturb the game by a bonus :math:`\lambda b` on the pure strategies: player *i*'s payoff
to pure strategy *j* becomes :math:`V_{ij}(\sigma) + \lambda b_{ij}`, with
:math:`V_{ij}(\sigma) = u_i(j, \sigma_{-i})`. In the coordinates of Kohlberg and Mertens
(1986), :math:`z = \sigma + V(\sigma) + \lambda b`, a profile is an equilibrium of the
perturbed game iff :math:`\sigma = r(z)`, with *r* the Euclidean projection onto the
product of simplices, so the equilibria of all perturbed games form the zero set of

.. math:: H(z, \lambda) = z - r(z) - V(r(z)) - \lambda b,

one equation per pure strategy and one unknown more: a piecewise smooth curve (smooth
within each set of supports, since *r* is linear there). For :math:`\lambda` large the
perturbed game has a unique equilibrium, the profile of each player's strategy favoured by
*b* (every other strategy is strictly dominated). The structure theorem of Kohlberg and
Mertens makes the curve through it a path (for generic *b*) that crosses
:math:`\lambda = 0` an odd number of times, each crossing an equilibrium of the game.

The path is followed in arc length by a predictor-corrector method: an Euler step along the
tangent (the null vector of the Jacobian :math:`[I - R - DV\,R \mid -b]`, *R* the Jacobian of
*r*), oriented so that :math:`\det\begin{bmatrix} J \\ t^\top \end{bmatrix}` keeps its sign
along the whole path (so the orientation survives the kinks where supports change), then
Newton corrections with the pseudo-inverse, halving the step when they fail. At each
crossing of :math:`\lambda = 0` Newton's method on :math:`H(\cdot, 0)` polishes the point,
which is verified as an equilibrium. Tracing stops at :math:`\lambda` = ``lambda_end``, after
``max_steps`` steps, or where the path makes no progress (some changes of support, where
several pieces meet, are not resolved yet; the result then says where it stopped).

As in Gambit's ``gnm``, payoffs are first rescaled to [0, 1], *b* defaults to 1 on each
player's first strategy and 0 elsewhere and is normalised to unit length, and tracing ends
at :math:`\lambda = -10`. The method finds the equilibria on one path: not all of them in
general (``complete`` is always false).

References
----------
Govindan, S., Wilson, R. (2003). A global Newton method to compute Nash equilibria.
*Journal of Economic Theory* 110, 65-86.

Kohlberg, E., Mertens, J.-F. (1986). On the strategic stability of equilibria.
*Econometrica* 54, 1003-1037.

Allgower, E. L., Georg, K. (1990). *Numerical Continuation Methods*. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.solvers.qre import values_and_jacobian
from sim.solvers.verify import is_nash

Profile = tuple[np.ndarray, ...]


@dataclass(frozen=True)
class GNMResult:
    """Equilibria found on the path (in the order crossed), where tracing stopped and why."""

    profiles: tuple[Profile, ...]
    lambda_reached: float
    steps: int
    finished: bool
    message: str = ""

    @property
    def summary(self) -> str:
        """What the result covers, for :class:`~sim.solvers.equilibria.EquilibriumSet`."""
        text = ("the equilibria on one global Newton path (perturbation towards every "
                f"player's first strategy, traced to lambda = {self.lambda_reached:.3g} in "
                f"{self.steps} steps); other equilibria may exist")
        return text if self.finished else f"{text}; {self.message}"


def project_simplex(v: np.ndarray) -> np.ndarray:
    """Euclidean projection of ``v`` onto the probability simplex (sort-based; Held, Wolfe
    and Crowder 1974; Duchi et al. 2008)."""
    u = np.sort(v)[::-1]
    css = np.cumsum(u) - 1.0
    k = np.arange(1, v.size + 1)
    rho = int(np.flatnonzero(u - css / k > 0)[-1])
    return np.maximum(v - css[rho] / (rho + 1), 0.0)


class _Homotopy:
    """:math:`H(z, \\lambda)` and its Jacobian for one game (payoffs scaled to [0, 1])."""

    def __init__(self, payoffs: np.ndarray, b: np.ndarray) -> None:
        self.payoffs = payoffs
        self.sizes = payoffs.shape[1:]
        self.edges = np.cumsum([0, *self.sizes])
        self.b = b

    def sigma(self, z: np.ndarray) -> list[np.ndarray]:
        return [project_simplex(z[a:e]) for a, e in zip(self.edges[:-1], self.edges[1:],
                                                        strict=True)]

    def pattern(self, x: np.ndarray) -> tuple[bool, ...]:
        """The supports at ``x``: which piece of the path it is on."""
        return tuple(bool(p > 0) for s in self.sigma(x[:-1]) for p in s)

    def residual(self, x: np.ndarray) -> np.ndarray:
        z, lam = x[:-1], x[-1]
        sigma = self.sigma(z)
        values, _ = values_and_jacobian(self.payoffs, sigma)
        return z - np.concatenate(sigma) - np.concatenate(values) - lam * self.b

    def jacobian(self, x: np.ndarray, pattern: tuple[bool, ...] | None = None) -> np.ndarray:
        """The Jacobian on the piece ``pattern`` (default: the piece of ``x``)."""
        z = x[:-1]
        sigma = self.sigma(z)
        _, dV = values_and_jacobian(self.payoffs, sigma)
        inside = np.array(pattern if pattern is not None else self.pattern(x))
        R = np.zeros((z.size, z.size))
        for a, e in zip(self.edges[:-1], self.edges[1:], strict=True):
            support = a + np.flatnonzero(inside[a:e])
            R[np.ix_(support, support)] = np.eye(support.size) - 1.0 / support.size
        return np.c_[np.eye(z.size) - R - dV @ R, -self.b]

    def neighbours(self, pattern: tuple[bool, ...]) -> list[tuple[bool, ...]]:
        """The pieces one strategy away (each player keeps a strategy)."""
        out = []
        for k in range(len(pattern)):
            p = list(pattern)
            p[k] = not p[k]
            player = int(np.searchsorted(self.edges, k, side="right")) - 1
            if any(p[self.edges[player]:self.edges[player + 1]]):
                out.append(tuple(p))
        return out


def _tangent(J: np.ndarray, sign: float) -> np.ndarray:
    t = np.linalg.svd(J)[2][-1]
    if np.linalg.det(np.vstack([J, t])) * sign < 0:
        t = -t
    return t


def _correct(h: _Homotopy, x: np.ndarray, *, iterations: int = 8,
             tol: float = 1e-10, fixed_lambda: bool = False) -> np.ndarray | None:
    """Newton's method back to :math:`H = 0` (minimum-norm steps; with ``fixed_lambda`` the
    last coordinate stays put)."""
    for _ in range(iterations):
        r = h.residual(x)
        if np.abs(r).max() < tol:
            return x
        J = h.jacobian(x)
        if fixed_lambda:
            step = np.linalg.lstsq(J[:, :-1], r, rcond=None)[0]
            x = x - np.r_[step, 0.0]
        else:
            x = x - np.linalg.pinv(J) @ r
    return x if np.abs(h.residual(x)).max() < tol * 100 else None


def global_newton(payoffs: np.ndarray, *, perturbation: Sequence[np.ndarray] | None = None,
                  lambda_end: float = -10.0, max_steps: int = 5_000,
                  first_step: float = 0.02, max_step: float = 0.1,
                  tol: float = 1e-9) -> GNMResult:
    """Follow the global Newton path of ``payoffs`` (shape ``(n, s_1, ..., s_n)``) from
    :math:`\\lambda` large to ``lambda_end``; see the module docstring.

    ``perturbation`` is *b*, one vector per player, each with a unique largest entry
    (default: 1 on the first strategy). Returns the verified equilibria crossed.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    b = _perturbation(payoffs.shape[1:], perturbation)
    if not lambda_end < 0:
        msg = f"lambda_end must be negative, got {lambda_end}"
        raise InputError(msg)
    span = float(np.ptp(payoffs)) or 1.0
    scaled = (payoffs - payoffs.min()) / span
    h = _Homotopy(scaled, b)
    start = _start(h, b)
    sign = 1.0
    t = _tangent(h.jacobian(start), sign)
    if t[-1] > 0:                      # begin by lowering lambda
        sign = -1.0
        t = -t
    x, step, found, steps, mark, reach = start, first_step, [], 0, start, 0.0
    while steps < max_steps and x[-1] > lambda_end:
        steps += 1
        reach = max(reach, float(np.linalg.norm(x - mark)))
        if steps % 200 == 0:
            if reach < 0.05:   # 200 steps without leaving a small ball: circling a kink
                return _result(found, x, steps, False, "the path could not be followed "
                               f"past a change of supports at lambda = {x[-1]:.4g}")
            mark, reach = x, 0.0
        guess = x + step * t
        if h.pattern(guess) != h.pattern(x):
            # into another piece (supports change): continue along that piece's tangent
            t = _continuation(h, x, t, sign, step)
            guess = x + step * t
        nxt = _correct(h, guess)
        if nxt is None or np.linalg.norm(nxt - x) > 2 * step:
            step /= 2
            if step < 1e-12:
                return _result(found, x, steps, False, "the path could not be followed "
                               f"(step too small at lambda = {x[-1]:.4g})")
            continue
        if x[-1] * nxt[-1] <= 0 and nxt[-1] != x[-1]:
            _record(h, scaled, x, nxt, found, tol)
        x, t = nxt, _tangent(h.jacobian(nxt), sign)
        step = min(max_step, step * 1.5)
    if x[-1] > lambda_end:
        return _result(found, x, steps, False, f"stopped after {steps} steps at lambda = "
                       f"{x[-1]:.4g}")
    return _result(found, x, steps, True)


def _continuation(h: _Homotopy, x: np.ndarray, t: np.ndarray, sign: float,
                  step: float) -> np.ndarray:
    """The tangent to follow from ``x`` near where the supports change: of the pieces the
    step enters or one strategy away, the first whose own oriented tangent stays in it and
    does not turn straight back."""
    here = h.pattern(x)
    ahead = h.pattern(x + step * t)
    for piece in [ahead, *h.neighbours(here), *h.neighbours(ahead)]:
        if piece == here:
            continue
        tp = _tangent(h.jacobian(x, piece), sign)
        if tp @ t > -0.5 and h.pattern(x + 1e-6 * step * tp) == piece:
            return tp
    return _tangent(h.jacobian(x + step * t), sign)


def _perturbation(shape: tuple[int, ...], given: Sequence[np.ndarray] | None) -> np.ndarray:
    blocks = [np.eye(k)[0] for k in shape] if given is None else [
        np.asarray(v, dtype=float) for v in given]
    if len(blocks) != len(shape) or any(v.shape != (k,) for v, k in zip(blocks, shape,
                                                                          strict=True)):
        msg = f"the perturbation needs one vector per player of sizes {shape}"
        raise InputError(msg)
    if any((v == v.max()).sum() != 1 for v in blocks):
        msg = "each player's perturbation needs a unique largest entry"
        raise InputError(msg)
    b = np.concatenate(blocks)
    return b / np.linalg.norm(b)


def _start(h: _Homotopy, b: np.ndarray) -> np.ndarray:
    """A point on the path where the favoured pure profile is the unique equilibrium:
    :math:`\\lambda` so large that every other strategy is strictly dominated."""
    gap = min(float(v.max() - np.sort(v)[-2]) if v.size > 1 else 1.0
              for v in np.split(b, h.edges[1:-1]))
    lam = 2.0 / gap + 1.0
    sigma = [np.eye(k)[int(np.argmax(v))] for k, v in zip(h.sizes, np.split(b, h.edges[1:-1]),
                                                           strict=True)]
    values, _ = values_and_jacobian(h.payoffs, sigma)
    z = np.concatenate(sigma) + np.concatenate(values) + lam * b
    return np.r_[z, lam]


def _record(h: _Homotopy, payoffs: np.ndarray, x: np.ndarray, nxt: np.ndarray,
            found: list[Profile], tol: float) -> None:
    """Polish the crossing of lambda = 0 between ``x`` and ``nxt``; keep it if verified."""
    w = x[-1] / (x[-1] - nxt[-1])
    for guess in ((1 - w) * x + w * nxt, x.copy(), nxt.copy()):  # the step may cross a kink
        guess[-1] = 0.0
        point = _correct(h, guess, iterations=20, fixed_lambda=True)
        if point is not None:
            break
    else:
        return
    profile = tuple(h.sigma(point[:-1]))
    if not is_nash(payoffs, profile, tol=max(tol, 1e-9) * 100):
        return
    if not any(all(np.allclose(a, c, atol=1e-7) for a, c in zip(profile, f, strict=True))
               for f in found):
        found.append(profile)


def _result(found: list[Profile], x: np.ndarray, steps: int, finished: bool,
            message: str = "") -> GNMResult:
    return GNMResult(profiles=tuple(found), lambda_reached=float(x[-1]), steps=steps,
                     finished=finished, message=message)
