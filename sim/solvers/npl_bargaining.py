r"""Nash bargaining among n players over the lotteries of a normal-form game's profiles.

The feasible set is the convex hull of the pure profiles' payoff vectors (the players may
agree on any lottery over profiles), and the disagreement point *d* what each gets without
a deal. The Nash bargaining solution (Nash 1950; for n players, e.g. Osborne and Rubinstein
1994, ch. 15) maximises the product of gains, i.e.

.. math:: \max_{\lambda \in \Delta} \sum_i \log\big(u_i(\lambda) - d_i\big), \qquad
          u(\lambda) = \sum_s \lambda_s\, u(s),

a concave programme solved here with SLSQP from the point of the linear programme
:math:`\max_{\lambda, t} t` s.t. :math:`u_i(\lambda) - d_i \ge t` (which also tells whether
every player can gain at all). The solution is Pareto optimal, symmetric, covariant with
positive affine changes of each player's payoffs and independent of irrelevant
alternatives.

The disagreement rule generalises the label-free two-player rule of
:func:`sim.solvers.bargaining.equilibrium_floor`: ``"nash"`` gives each player its worst
payoff over the pure stage equilibria (it depends on the *set* of equilibrium payoffs only,
so it does not change when strategies are listed in another order, and relabelling the
players permutes it); ``"security"`` gives each player its mixed security level.

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica* 18, 155-162.

Osborne, M. J., Rubinstein, A. (1994). *A Course in Game Theory*. MIT Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, LimitError, SolverError
from sim.solvers.pure import pure_nash

MAX_PROFILES = 20_000
"""Largest number of pure profiles :func:`nash_bargaining` optimises over."""


@dataclass(frozen=True)
class NashDeal:
    """The Nash bargaining solution: each player's ``payoffs``, the ``lottery`` over pure
    profiles reaching it (profile index -> probability, weights above 1e-9), the
    ``disagreement`` point, and whether anyone ``gains`` at all (if not, the deal is *d*)."""

    payoffs: np.ndarray
    lottery: dict[tuple[int, ...], float]
    disagreement: np.ndarray
    gains: bool


def disagreement(payoffs: np.ndarray, rule: str = "nash", *, tol: float = 1e-9) -> np.ndarray:
    """The disagreement point for ``rule`` ``"nash"`` or ``"security"`` (module docstring)."""
    payoffs = np.asarray(payoffs, dtype=float)
    if rule == "nash":
        found = pure_nash(payoffs, tol=tol)
        if not found:
            msg = ("the stage game has no pure Nash equilibrium to use as the disagreement "
                   "point; use 'security'")
            raise SolverError(msg)
        return np.array([[payoffs[(i, *e)] for i in range(payoffs.shape[0])]
                         for e in found]).min(axis=0)
    if rule == "security":
        from sim.solvers.security import security_levels

        return np.array([s.mixed_level for s in security_levels(payoffs)])
    msg = f"unknown disagreement rule '{rule}'; expected 'nash' or 'security'"
    raise InputError(msg)


def nash_bargaining(payoffs: np.ndarray, d: np.ndarray | None = None, *,
                    rule: str = "nash") -> NashDeal:
    """The n-player Nash bargaining solution over lotteries of pure profiles (module
    docstring); ``d`` defaults to the disagreement point of ``rule``."""
    from scipy.optimize import linprog, minimize

    payoffs = np.asarray(payoffs, dtype=float)
    n = payoffs.shape[0]
    d = disagreement(payoffs, rule) if d is None else np.asarray(d, dtype=float)
    V = payoffs.reshape(n, -1).T                  # (profiles, players)
    if V.shape[0] > MAX_PROFILES:
        msg = f"{V.shape[0]:,} profiles, over the limit of {MAX_PROFILES:,} for bargaining"
        raise LimitError(msg)
    span = max(1.0, float(np.ptp(V)))
    W = (V - d) / span                            # gains, scaled
    k = W.shape[0]
    # maximise t s.t. W^T lam >= t, sum lam = 1
    found = linprog(np.r_[np.zeros(k), -1.0], A_ub=np.c_[-W.T, np.ones(n)], b_ub=np.zeros(n),
                    A_eq=np.r_[np.ones(k), 0.0][None, :], b_eq=[1.0],
                    bounds=[(0, None)] * k + [(None, None)], method="highs")
    if found.status != 0 or found.x[-1] <= 1e-12:
        return NashDeal(payoffs=d.copy(), lottery={}, disagreement=d, gains=False)
    lam0 = np.clip(found.x[:k], 0, None)

    def objective(lam: np.ndarray) -> tuple[float, np.ndarray]:
        g = np.maximum(W.T @ lam, 1e-300)
        return -float(np.log(g).sum()), -(W @ (1.0 / g))

    result = minimize(objective, lam0 / lam0.sum(), jac=True, method="SLSQP",
                      bounds=[(0, 1)] * k,
                      constraints=[{"type": "eq", "fun": lambda lam: lam.sum() - 1.0,
                                    "jac": lambda lam: np.ones_like(lam)}],
                      options={"maxiter": 500, "ftol": 1e-14})
    lam = np.clip(result.x, 0, None)
    lam /= lam.sum()
    shape = payoffs.shape[1:]
    lottery = {tuple(int(x) for x in np.unravel_index(s, shape)): float(lam[s])
               for s in np.flatnonzero(lam > 1e-9)}
    return NashDeal(payoffs=V.T @ lam, lottery=lottery, disagreement=d, gains=True)
