r"""Homotopy continuation for the indifference equations of a support profile.

The equations of :mod:`sim.solvers.npl_support` are square polynomial systems, affine in
each other player's probabilities. Every isolated complex root is found by deforming a
*start system* with the same multihomogeneous structure, whose roots are known, into the
target system (Sommese and Wampler 2005; the linear-product start system of Verschelde and
Cools 1993 specialised to multilinear equations).

References
----------
Sommese, A. J., Wampler, C. W. (2005). *The Numerical Solution of Systems of Polynomials
Arising in Engineering and Science*. World Scientific.

Verschelde, J., Cools, R. (1993). Symbolic homotopy construction. *Applicable Algebra in
Engineering, Communication and Computing* 4, 169-183.

McKelvey, R. D., McLennan, A. (1997). The maximal number of regular totally mixed Nash
equilibria. *Journal of Economic Theory* 72, 411-425.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

Supports = tuple[tuple[int, ...], ...]


class IndifferenceSystem:
    r"""The equations :math:`F_{is}(x) = u_i(s, \sigma_{-i}) - u_i(s_i^0, \sigma_{-i})` of one
    support profile, with their Jacobian, in complex arithmetic.

    The unknowns ``x`` are player by player the probabilities of :math:`S_i \setminus
    \{s_i^0\}` (group *i*, of size ``dims[i]``); :math:`F_{is}` is affine in each other
    group and does not depend on group *i*.
    """

    def __init__(self, payoffs: np.ndarray, supports: Supports) -> None:
        self.supports = supports
        self.tensors = [payoffs[i][np.ix_(*supports)] for i in range(len(supports))]
        self.dims = [len(s) - 1 for s in supports]
        self.offsets = np.concatenate([[0], np.cumsum(self.dims)]).astype(int)
        self.size = int(self.offsets[-1])

    def sigmas(self, x: np.ndarray) -> list[np.ndarray]:
        """Each player's probabilities on its support."""
        return [np.concatenate([[1 - x[a:b].sum()], x[a:b]])
                for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``F(x)`` and its Jacobian."""
        sig = self.sigmas(x)
        F = np.zeros(self.size, dtype=x.dtype)
        J = np.zeros((self.size, self.size), dtype=x.dtype)
        for i, T in enumerate(self.tensors):
            if not self.dims[i]:
                continue
            rows = slice(self.offsets[i], self.offsets[i + 1])
            v = _contract(T, sig, (i,))
            F[rows] = v[1:] - v[0]
            for j in range(len(sig)):
                if j == i or not self.dims[j]:
                    continue
                C = _contract(T, sig, (i, j))
                D = C[:, 1:] - C[:, :1]
                J[rows, self.offsets[j]:self.offsets[j + 1]] = D[1:] - D[:1]
        return F, J

    def equations(self) -> list[tuple[int, list[int]]]:
        """Per equation: its player and the groups it depends on (other players with
        unknowns)."""
        groups = [j for j, d in enumerate(self.dims) if d]
        return [(i, [j for j in groups if j != i])
                for i, d in enumerate(self.dims) for _ in range(d)]


class _StartSystem:
    r"""A linear-product start system with the multihomogeneous structure of
    :class:`IndifferenceSystem`: :math:`G_e(x) = \prod_{j} (a_{ej} \cdot x_j + b_{ej})` over
    the groups *j* equation *e* depends on, with random complex coefficients. Its solutions
    are known and their number is the multihomogeneous Bézout number (for totally mixed
    supports, the bound of McKelvey and McLennan 1997)."""

    def __init__(self, system: IndifferenceSystem, rng: np.random.Generator) -> None:
        self.system = system
        self.eqs = system.equations()
        off, dims = system.offsets, system.dims
        self.coef = [{j: (_complex(rng, dims[j]), _complex(rng, 1)[0]) for j in groups}
                     for _, groups in self.eqs]
        self.off = off

    def _linear(self, x: np.ndarray, e: int, j: int) -> complex:
        a, b = self.coef[e][j]
        return a @ x[self.off[j]:self.off[j + 1]] + b

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = self.system.size
        G = np.zeros(m, dtype=complex)
        J = np.zeros((m, m), dtype=complex)
        for e, (_, groups) in enumerate(self.eqs):
            factors = {j: self._linear(x, e, j) for j in groups}
            G[e] = math.prod(factors.values())
            for j in groups:
                rest = math.prod(f for k, f in factors.items() if k != j)
                J[e, self.off[j]:self.off[j + 1]] = self.coef[e][j][0] * rest
        return G, J

    def solutions(self) -> list[np.ndarray]:
        """Every root: for each assignment of equations to groups with group *j* chosen by
        exactly ``dims[j]`` equations, the linear factors chosen vanish."""
        dims = self.system.dims
        roots = []
        for assignment in _assignments(self.eqs, list(dims)):
            x = np.zeros(self.system.size, dtype=complex)
            for j, d in enumerate(dims):
                if not d:
                    continue
                chosen = [e for e, g in enumerate(assignment) if g == j]
                A = np.array([self.coef[e][j][0] for e in chosen])
                b = np.array([self.coef[e][j][1] for e in chosen])
                x[self.off[j]:self.off[j + 1]] = np.linalg.solve(A, -b)
            roots.append(x)
        return roots


def _complex(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.normal(size=size) + 1j * rng.normal(size=size)


def _assignments(eqs: list[tuple[int, list[int]]], capacity: list[int]) -> Iterator[list[int]]:
    """Ways to give each equation one of its groups, group *j* exactly ``capacity[j]`` times."""
    chosen: list[int] = []

    def extend(e: int) -> Iterator[list[int]]:
        if e == len(eqs):
            yield list(chosen)
            return
        left = len(eqs) - e
        if sum(capacity) != left:
            return
        for j in eqs[e][1]:
            if capacity[j]:
                capacity[j] -= 1
                chosen.append(j)
                yield from extend(e + 1)
                chosen.pop()
                capacity[j] += 1

    yield from extend(0)


@dataclass(frozen=True)
class Endpoint:
    """Where one homotopy path ended: ``kind`` is ``"regular"`` (a nonsingular root of the
    target system), ``"singular"``, ``"diverged"`` (to a root at infinity) or ``"failed"``."""

    x: np.ndarray
    kind: str


def solve_system(system: IndifferenceSystem, rng: np.random.Generator) -> list[Endpoint]:
    r"""All isolated complex roots of ``system``, by homotopy continuation.

    :math:`H(x, t) = (1 - t)\,\gamma\, G(x) + t\, F(x)` deforms the start system *G* into *F*;
    with a random complex :math:`\gamma` every path from a root of *G* is smooth for
    :math:`t \in [0, 1)` and every isolated root of *F* is the end of some path, with
    probability one (the "gamma trick", Sommese and Wampler 2005, ch. 8). Paths are tracked
    with a fourth-order Runge-Kutta predictor on :math:`\dot x = -H_x^{-1} H_t` and Newton
    corrections, halving the step when Newton does not converge.
    """
    start = _StartSystem(system, rng)
    gamma = np.exp(2j * np.pi * rng.random())
    return [_track(system, start, gamma, x0) for x0 in start.solutions()]


def _homotopy(system, start, gamma, x, t):
    F, JF = system.evaluate(x)
    G, JG = start.evaluate(x)
    return (1 - t) * gamma * G + t * F, (1 - t) * gamma * JG + t * JF, F - gamma * G


def _velocity(system, start, gamma, x, t):
    _, Hx, Ht = _homotopy(system, start, gamma, x, t)
    return np.linalg.solve(Hx, -Ht)


def _track(system, start, gamma, x, *, max_steps: int = 4000) -> Endpoint:
    t, h = 0.0, 0.02
    for _ in range(max_steps):
        if t >= 1.0:
            break
        h = min(h, 1.0 - t)
        try:
            k1 = _velocity(system, start, gamma, x, t)
            k2 = _velocity(system, start, gamma, x + h / 2 * k1, t + h / 2)
            k3 = _velocity(system, start, gamma, x + h / 2 * k2, t + h / 2)
            k4 = _velocity(system, start, gamma, x + h * k3, t + h)
            guess = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            ok, x_new = _correct(system, start, gamma, guess, t + h)
        except np.linalg.LinAlgError:
            ok = False
        if ok:
            t, x = t + h, x_new
            h = min(2 * h, 0.1)
            if np.abs(x).max() > 1e8:
                return Endpoint(x, "diverged")
        else:
            h /= 2
            if h < 1e-14:
                return Endpoint(x, "diverged" if np.abs(x).max() > 1e4 else "failed")
    if t < 1.0:
        return Endpoint(x, "failed")
    return _endgame(system, x)


def _correct(system, start, gamma, x, t, *, iterations: int = 4) -> tuple[bool, np.ndarray]:
    previous = np.inf
    for _ in range(iterations):
        H, Hx, _ = _homotopy(system, start, gamma, x, t)
        dx = np.linalg.solve(Hx, -H)
        size = np.abs(dx).max()
        x = x + dx
        if size < 1e-10 * (1 + np.abs(x).max()):
            return True, x
        if size > previous / 2 and previous < np.inf:
            return False, x
        previous = size
    return False, x


def _endgame(system: IndifferenceSystem, x: np.ndarray) -> Endpoint:
    """Newton's method on the target system; a root whose Jacobian is numerically singular
    (or where Newton does not converge) is ``singular``."""
    for _ in range(20):
        F, J = system.evaluate(x)
        if np.linalg.cond(J) > 1e10:
            return Endpoint(x, "diverged" if np.abs(x).max() > 1e6 else "singular")
        dx = np.linalg.solve(J, -F)
        x = x + dx
        if np.abs(dx).max() < 1e-14 * (1 + np.abs(x).max()):
            return Endpoint(x, "regular")
    F, _ = system.evaluate(x)
    return Endpoint(x, "regular" if np.abs(F).max() < 1e-9 else "singular")


def _contract(tensor: np.ndarray, sigmas: list[np.ndarray], keep: tuple[int, ...]
              ) -> np.ndarray:
    r"""Contract every axis of ``tensor`` but ``keep`` with the players' mixed strategies:
    :math:`u_i(s_{keep}, \sigma_{-keep})` (einsum is far quicker than repeated tensordot on
    these small arrays)."""
    operands: list = [tensor, list(range(tensor.ndim))]
    for k, sigma in enumerate(sigmas):
        if k not in keep:
            operands += [sigma, [k]]
    return np.einsum(*operands, list(keep))
