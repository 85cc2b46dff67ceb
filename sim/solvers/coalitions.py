r"""Coalitions: which groups of players can hold a joint lever, and what each member gets.

From an n-player normal-form game we derive a *coalitional game* (von Neumann and
Morgenstern 1944, ch. VI): the worth :math:`v(S)` of a coalition *S* is the largest total
payoff its members can guarantee by coordinating their strategies (a joint mixed strategy
over *S*'s pure profiles, i.e. they may correlate) whatever the others do,

.. math:: v(S) = \max_{x \in \Delta(\prod_{i \in S} S_i)}\ \min_{t \in \prod_{j \notin S} S_j}
          \sum_{s} x_s \sum_{i \in S} u_i(s, t),

a linear programme (the minimum over the outsiders' independent mixtures of a multilinear
function is attained at a pure profile, so pure profiles *t* suffice). :math:`v(N)` is the
largest total payoff and :math:`v(\{i\})` player *i*'s mixed security level. Utility is
treated as transferable: the members can share the total through side payments (for trade
policy, issue linkage or compensation).

On that game:

* the **Shapley value** (Shapley 1953), each player's average marginal contribution over
  all orders of joining, :math:`\phi_i = \sum_{S \not\ni i} \frac{|S|! (n-|S|-1)!}{n!}
  (v(S \cup \{i\}) - v(S))`: efficient, symmetric, additive, zero for dummies;
* the **core** (Gillies 1959), the divisions of :math:`v(N)` that no coalition can improve
  on, :math:`\sum_{i \in S} x_i \ge v(S)`; found with the *least core* linear programme
  (Maschler, Peleg and Shapley 1979): the smallest :math:`\varepsilon` with
  :math:`\sum_{i \in S} x_i \ge v(S) - \varepsilon` for every proper coalition. The core is
  non-empty iff :math:`\varepsilon^* \le 0`.

References
----------
von Neumann, J., Morgenstern, O. (1944). *Theory of Games and Economic Behavior*.
Princeton University Press.

Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of Games
II*, 307-317.

Gillies, D. B. (1959). Solutions to general non-zero-sum games. In *Contributions to the
Theory of Games IV*, 47-85.

Maschler, M., Peleg, B., Shapley, L. S. (1979). Geometric properties of the kernel,
nucleolus and related solution concepts. *Mathematics of Operations Research* 4, 303-338.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, LimitError

Coalition = frozenset[int]

MAX_LP_CELLS = 2_000_000
"""Largest coalition LP (coalition profiles x outsiders' profiles) :func:`coalition_values`
builds."""


@dataclass(frozen=True)
class Core:
    """The least core: ``epsilon`` (non-positive iff the core is non-empty) and a division
    ``point`` of :math:`v(N)` in it."""

    epsilon: float
    point: np.ndarray

    @property
    def nonempty(self) -> bool:
        """Whether the core has a point (up to 1e-9)."""
        return self.epsilon <= 1e-9


def coalitions(n: int) -> list[Coalition]:
    """Every non-empty coalition of ``n`` players, by size then lexicographically."""
    return [frozenset(c) for k in range(1, n + 1) for c in itertools.combinations(range(n), k)]


def coalition_values(payoffs: np.ndarray) -> dict[Coalition, float]:
    """The worth :math:`v(S)` of every coalition (module docstring), :math:`v(\\emptyset)=0`."""
    from sim.solvers.security import maxmin_mixed

    payoffs = np.asarray(payoffs, dtype=float)
    n = payoffs.shape[0]
    total = payoffs.sum(axis=0)
    values: dict[Coalition, float] = {frozenset(): 0.0}
    for S in coalitions(n):
        members, outsiders = sorted(S), [j for j in range(n) if j not in S]
        table = np.sum([payoffs[i] for i in members], axis=0) if len(S) < n else total
        table = np.transpose(table, members + outsiders)
        rows = math.prod(payoffs.shape[1 + i] for i in members)
        matrix = table.reshape(rows, -1)
        if matrix.size > MAX_LP_CELLS:
            msg = (f"coalition {members} has a {matrix.shape[0]} x {matrix.shape[1]} "
                   f"programme, over the limit of {MAX_LP_CELLS:,} cells")
            raise LimitError(msg)
        values[S] = float(matrix.max()) if not outsiders else maxmin_mixed(matrix)[0]
    return values


def _check(values: Mapping[Coalition, float], n: int) -> None:
    missing = [sorted(S) for S in coalitions(n) if S not in values]
    if missing:
        msg = f"coalition values missing for {missing[:3]}"
        raise InputError(msg)


def shapley_value(values: Mapping[Coalition, float], n: int) -> np.ndarray:
    """Each player's Shapley value of the coalitional game ``values`` (exact formula)."""
    _check(values, n)
    phi = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for k in range(n):
            weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            for c in itertools.combinations(others, k):
                S = frozenset(c)
                phi[i] += weight * (values[S | {i}] - values.get(S, 0.0))
    return phi


def least_core(values: Mapping[Coalition, float], n: int) -> Core:
    """The least-core linear programme (module docstring)."""
    from scipy.optimize import linprog  # lazy: scipy is slow to import

    _check(values, n)
    grand = frozenset(range(n))
    proper = [S for S in coalitions(n) if len(S) < n]
    # variables x_1..x_n, eps; minimise eps subject to -sum_S x - eps <= -v(S)
    c = np.zeros(n + 1)
    c[-1] = 1.0
    A = np.array([[-(i in S) for i in range(n)] + [-1.0] for S in proper]).reshape(-1, n + 1)
    b = np.array([-values[S] for S in proper])
    A_eq = np.array([[1.0] * n + [0.0]])
    found = linprog(c, A_ub=A if len(A) else None, b_ub=b if len(b) else None, A_eq=A_eq,
                    b_eq=[values[grand]], bounds=[(None, None)] * (n + 1), method="highs")
    return Core(epsilon=float(found.x[-1]) if proper else 0.0, point=found.x[:n])
