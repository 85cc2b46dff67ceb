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

import itertools
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
        """Each player's probabilities on its support, for a batch ``x`` of shape (B, m)."""
        return [np.concatenate([1 - x[:, a:b].sum(axis=1, keepdims=True), x[:, a:b]], axis=1)
                for a, b in itertools.pairwise(self.offsets)]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``F(x)`` and its Jacobian for a batch of points (shapes (B, m) and (B, m, m))."""
        sig = self.sigmas(x)
        batch = x.shape[0]
        F = np.zeros((batch, self.size), dtype=x.dtype)
        J = np.zeros((batch, self.size, self.size), dtype=x.dtype)
        for i, T in enumerate(self.tensors):
            if not self.dims[i]:
                continue
            rows = slice(self.offsets[i], self.offsets[i + 1])
            v = _contract(T, sig, (i,))
            F[:, rows] = v[:, 1:] - v[:, :1]
            for j in range(len(sig)):
                if j == i or not self.dims[j]:
                    continue
                C = _contract(T, sig, (i, j))
                D = C[:, :, 1:] - C[:, :, :1]
                J[:, rows, self.offsets[j]:self.offsets[j + 1]] = D[:, 1:] - D[:, :1]
        return F, J

    def constant_equations(self, eps: float) -> tuple[np.ndarray, np.ndarray]:
        """Which equations do not depend on ``x`` (within ``eps``), and their values.

        :math:`F_{is}` is an expectation of the payoff differences
        :math:`u_i(s, t) - u_i(s_i^0, t)` over the others' support profiles *t*, so it is
        constant iff those differences are.
        """
        constant, value = [], []
        for i, T in enumerate(self.tensors):
            if not self.dims[i]:
                continue
            D = np.moveaxis(T, i, 0)
            D = (D[1:] - D[:1]).reshape(self.dims[i], -1)
            constant.extend(np.ptp(D, axis=1) <= eps)
            value.extend(D[:, 0])
        return np.array(constant, dtype=bool), np.array(value, dtype=float)

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
        self.arrays = self._arrays()

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coefficients as arrays: ``A[e, j]`` (zero outside group *j*), ``b[e, j]`` and
        whether equation *e* has a factor for group *j*."""
        E, n, m = len(self.eqs), len(self.system.dims), self.system.size
        A = np.zeros((E, n, m), dtype=complex)
        b = np.zeros((E, n), dtype=complex)
        mask = np.zeros((E, n), dtype=bool)
        for e, factors in enumerate(self.coef):
            for j, (a, c) in factors.items():
                A[e, j, self.off[j]:self.off[j + 1]] = a
                b[e, j] = c
                mask[e, j] = True
        return A, b, mask

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``G(x)`` and its Jacobian for a batch of points."""
        A, b, mask = self.arrays
        L = np.where(mask, np.einsum("ejm,bm->bej", A, x) + b, 1.0)
        rest = np.stack([np.prod(np.delete(L, j, axis=2), axis=2)
                         for j in range(L.shape[2])], axis=2)
        return L.prod(axis=2), np.einsum("bej,ejm->bem", rest * mask, A)

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

    :math:`H(x, t) = (1 - t)\,\gamma\, G(x) + t\, F(x)` deforms the start system *G* into
    *F*; with a random complex :math:`\gamma` every path from a root of *G* is smooth for
    :math:`t \in [0, 1)` and every isolated root of *F* is the end of some path, with
    probability one (the "gamma trick", Sommese and Wampler 2005, ch. 8). Paths are tracked
    together (numpy batches), each with its own step: a fourth-order Runge-Kutta predictor
    on :math:`\dot x = -H_x^{-1} H_t`, Newton corrections, and the step halved when Newton
    does not converge.
    """
    start = _StartSystem(system, rng)
    gamma = np.exp(2j * np.pi * rng.random())
    roots = start.solutions()
    if not roots:
        return []
    return _track_all(system, start, gamma, np.array(roots))


def _homotopy(system, start, gamma, x, t):
    F, JF = system.evaluate(x)
    G, JG = start.evaluate(x)
    s, c = t[:, None], (1 - t)[:, None]
    return (c * gamma * G + s * F, c[:, :, None] * gamma * JG + s[:, :, None] * JF,
            F - gamma * G)


def _solve(M: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched ``solve(M, r)``; rows whose matrix is singular get NaN and ``False``."""
    try:
        return np.linalg.solve(M, r[..., None])[..., 0], np.ones(len(M), dtype=bool)
    except np.linalg.LinAlgError:
        out = np.full(r.shape, np.nan, dtype=complex)
        good = np.zeros(len(M), dtype=bool)
        for k in range(len(M)):
            try:
                out[k] = np.linalg.solve(M[k], r[k])
                good[k] = True
            except np.linalg.LinAlgError:
                pass
        return out, good


def _velocity(system, start, gamma, x, t):
    _, Hx, Ht = _homotopy(system, start, gamma, x, t)
    return _solve(Hx, -Ht)


def _predict(system, start, gamma, x, t, h):
    hh = h[:, None]
    k1, g1 = _velocity(system, start, gamma, x, t)
    k2, g2 = _velocity(system, start, gamma, x + hh / 2 * k1, t + h / 2)
    k3, g3 = _velocity(system, start, gamma, x + hh / 2 * k2, t + h / 2)
    k4, g4 = _velocity(system, start, gamma, x + hh * k3, t + h)
    guess = x + hh / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    good = g1 & g2 & g3 & g4 & np.isfinite(guess).all(axis=1)
    return np.where(good[:, None], guess, x), good


def _track_all(system, start, gamma, X: np.ndarray, *, max_steps: int = 1000
               ) -> list[Endpoint]:
    P = len(X)
    X = X.astype(complex)
    t, h = np.zeros(P), np.full(P, 0.02)
    kind = [""] * P
    for _ in range(max_steps):
        act = np.flatnonzero((t < 1.0) & np.array([not k for k in kind]))
        if not act.size:
            break
        hh = np.minimum(h[act], 1.0 - t[act])
        guess, good = _predict(system, start, gamma, X[act], t[act], hh)
        ok, x_new = _correct(system, start, gamma, guess, t[act] + hh)
        ok &= good
        for k, p in enumerate(act):
            if ok[k]:
                X[p], t[p], h[p] = x_new[k], min(1.0, t[p] + hh[k]), min(2 * hh[k], 0.1)
                if np.abs(X[p]).max() > 1e8:
                    kind[p] = "diverged"
            else:
                h[p] = hh[k] / 2
                if h[p] < 1e-14:
                    kind[p] = "diverged" if np.abs(X[p]).max() > 1e4 else "failed"
    return [Endpoint(X[p], kind[p]) if kind[p] else
            Endpoint(X[p], "failed") if t[p] < 1.0 else _endgame(system, X[p])
            for p in range(P)]


def _correct(system, start, gamma, x, t, *, iterations: int = 4
             ) -> tuple[np.ndarray, np.ndarray]:
    n = len(x)
    previous = np.full(n, np.inf)
    done, fail = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for _ in range(iterations):
        H, Hx, _ = _homotopy(system, start, gamma, x, t)
        dx, good = _solve(Hx, -H)
        live = ~done & ~fail
        fail |= live & ~good
        live &= good
        x = np.where(live[:, None], x + np.nan_to_num(dx), x)
        size = np.abs(np.nan_to_num(dx)).max(axis=1)
        converged = live & (size < 1e-10 * (1 + np.abs(x).max(axis=1)))
        fail |= live & ~converged & np.isfinite(previous) & (size > previous / 2)
        done |= converged
        previous = np.where(live, size, previous)
    return done & ~fail, x


def _endgame(system: IndifferenceSystem, x: np.ndarray) -> Endpoint:
    """Newton's method on the target system; a root whose Jacobian is numerically singular
    (or where Newton does not converge) is ``singular``."""
    for _ in range(20):
        F, J = system.evaluate(x[None, :])
        if np.linalg.cond(J[0]) > 1e10:
            return Endpoint(x, "diverged" if np.abs(x).max() > 1e6 else "singular")
        dx = np.linalg.solve(J[0], -F[0])
        x = x + dx
        if np.abs(dx).max() < 1e-14 * (1 + np.abs(x).max()):
            return Endpoint(x, "regular")
    F, _ = system.evaluate(x[None, :])
    return Endpoint(x, "regular" if np.abs(F).max() < 1e-9 else "singular")


def _contract(tensor: np.ndarray, sigmas: list[np.ndarray], keep: tuple[int, ...]
              ) -> np.ndarray:
    r"""Contract every axis of ``tensor`` but ``keep`` with a batch of mixed strategies
    (``sigmas[k]`` of shape (B, s_k)): :math:`u_i(s_{keep}, \sigma_{-keep})`, shape
    (B, ...kept axes) (einsum is far quicker than repeated tensordot on these small arrays)."""
    n = tensor.ndim
    operands: list = [tensor, list(range(n)), np.ones(len(sigmas[0])), [n]]  # the batch axis
    for k, sigma in enumerate(sigmas):
        if k not in keep:
            operands += [sigma, [n, k]]
    return np.einsum(*operands, [n, *keep])
