r"""Learning dynamics for games with any number of players, vectorised on numpy arrays.

How would boundedly rational governments reach (or miss) an equilibrium? Four classical
answers, each for *n* players with payoff array ``payoffs`` of shape ``(n, s_1, ..., s_n)``:

* **Replicator dynamics**, one population per player (the asymmetric or multi-population
  replicator, Taylor 1979; Weibull 1995, ch. 5): a strategy's share grows at the rate by
  which its payoff beats the population average,
  :math:`\dot x_{is} = x_{is}\,(u_i(s, x_{-i}) - u_i(x))`. :func:`replicator` integrates a
  whole batch of starting points as one ODE, so a grid of starts costs one solver call;
  :func:`basins` labels each start by the equilibrium it converges to (basins of
  attraction).
* **Symmetric replicator dynamics** of one population playing a symmetric two-player game
  with matrix *A*: :math:`\dot x_s = x_s\,((Ax)_s - x^\top A x)` (Taylor and Jonker 1978).
  An evolutionarily stable strategy is asymptotically stable (Hofbauer and Sigmund 1998,
  Theorem 7.2.4).
* **Fictitious play** (Brown 1951): each round every player best-responds to the empirical
  frequencies of the others' past play. In two-player zero-sum games the frequencies'
  payoffs converge to the value of the game (Robinson 1951); in other games they may cycle
  (Shapley 1964; Jordan 1993 for three players).
* **Stochastic fictitious play** (Fudenberg and Kreps 1993): the best response is replaced
  by the logit choice :math:`\Pr(s) \propto \exp(u_i(s, \hat\sigma_{-i}) / \eta)`, sampled
  with the caller's random generator.

Two-player versions by ``nashpy`` are wrapped in :mod:`sim.solvers.nashpy_learning`; the
tests check that both agree.

References
----------
Brown, G. W. (1951). Iterative solution of games by fictitious play. In *Activity Analysis
of Production and Allocation*, Wiley, 374-376.

Robinson, J. (1951). An iterative method of solving a game. *Annals of Mathematics* 54,
296-301.

Taylor, P. D., Jonker, L. B. (1978). Evolutionarily stable strategies and game dynamics.
*Mathematical Biosciences* 40, 145-156.

Fudenberg, D., Kreps, D. M. (1993). Learning mixed equilibria. *Games and Economic
Behavior* 5, 320-367.

Weibull, J. W. (1995). *Evolutionary Game Theory*. MIT Press.

Hofbauer, J., Sigmund, K. (1998). *Evolutionary Games and Population Dynamics*. Cambridge
University Press.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from sim.errors import InputError, SolverError

Profile = tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Trajectory:
    """A path of mixed profiles: ``profiles[i][k]`` is player *i*'s mixture at ``times[k]``
    (for fictitious play, ``times`` are rounds and the mixtures empirical frequencies)."""

    times: np.ndarray
    profiles: tuple[np.ndarray, ...]

    @property
    def final(self) -> Profile:
        """The last profile."""
        return tuple(p[-1] for p in self.profiles)


@dataclass(frozen=True)
class Basins:
    """Where each start of a grid ends under the replicator dynamics.

    ``labels[k]`` is the index (into ``equilibria``) of the equilibrium start *k* converged
    to, or -1 if it ended farther than ``radius`` from all of them; ``finals[k]`` its end.
    """

    starts: tuple[Profile, ...]
    finals: tuple[Profile, ...]
    labels: np.ndarray
    equilibria: tuple[Profile, ...]
    radius: float

    def shares(self) -> np.ndarray:
        """Share of starts ending at each equilibrium (last entry: at none of them)."""
        counts = np.bincount(self.labels + 1, minlength=len(self.equilibria) + 1)
        return np.roll(counts, -1) / max(1, len(self.labels))


def _check(payoffs: np.ndarray) -> np.ndarray:
    payoffs = np.asarray(payoffs, dtype=float)
    if payoffs.ndim < 2 or payoffs.shape[0] != payoffs.ndim - 1:
        msg = f"payoffs must have shape (n, s_1, ..., s_n), got {payoffs.shape}"
        raise InputError(msg)
    return payoffs


def pure_values_batch(payoffs: np.ndarray, profiles: Sequence[np.ndarray], i: int) -> np.ndarray:
    r""":math:`u_i(s, x_{-i})` for every own strategy *s* and every profile of a batch.

    ``profiles[j]`` has shape ``(batch, s_j)``; the result has shape ``(batch, s_i)``.
    """
    n = payoffs.shape[0]
    operands: list = [payoffs[i], list(range(n))]
    for j in range(n):
        if j != i:
            operands += [profiles[j], [n, j]]
    return np.einsum(*operands, [n, i])


def replicator_field(payoffs: np.ndarray, profiles: Sequence[np.ndarray]) -> list[np.ndarray]:
    r"""The multi-population replicator field :math:`x_{is}(u_i(s, x_{-i}) - u_i(x))` for a
    batch of profiles (``profiles[i]`` of shape ``(batch, s_i)``)."""
    out = []
    for i, x in enumerate(profiles):
        v = pure_values_batch(payoffs, profiles, i)
        out.append(x * (v - (x * v).sum(axis=1, keepdims=True)))
    return out


def replicator(payoffs: np.ndarray, starts: Sequence[Profile], *, t_end: float = 50.0,
               points: int = 201, rtol: float = 1e-8) -> tuple[Trajectory, ...]:
    r"""Integrate the multi-population replicator dynamics from every start at once.

    Payoffs are divided by their range first, so ``t_end`` means the same in every game
    (time *t* here is time *t* / range of the unscaled dynamics). The batch is integrated in
    log-shares: with :math:`x_i = \operatorname{softmax}(y_i)` the replicator equation is
    :math:`\dot y_{is} = u_i(s, x_{-i})` (up to a constant per player, which softmax
    ignores; Hofbauer and Sigmund 1998, section 7.1), a bounded, non-stiff field. In shares
    themselves, orbits passing close to the boundary (the cycles of many three-player games)
    need ever smaller steps and the integration stopped early. The explicit Runge-Kutta
    method DOP853 (Hairer, Norsett and Wanner 1993) follows it. A zero share stays
    (numerically) zero. Returns one :class:`Trajectory` per start.
    """
    payoffs = _check(payoffs)
    span = float(np.ptp(payoffs)) or 1.0
    scaled = payoffs / span
    sizes = list(payoffs.shape[1:])
    batch = len(starts)
    x0 = np.concatenate([np.stack([np.asarray(s[i], dtype=float) for s in starts])
                         for i in range(len(sizes))], axis=1)
    y0 = np.log(np.maximum(x0, 1e-300)).ravel()
    edges = list(itertools.pairwise(np.cumsum([0, *sizes])))

    def shares(y: np.ndarray) -> list[np.ndarray]:
        return [_softmax(y[..., a:b]) for a, b in edges]

    def field(_t: float, y: np.ndarray) -> np.ndarray:
        profiles = shares(y.reshape(batch, -1))
        return np.concatenate([pure_values_batch(scaled, profiles, i)
                               for i in range(len(sizes))], axis=1).ravel()

    times = np.linspace(0.0, t_end, points)
    sol = solve_ivp(field, (0.0, t_end), y0, t_eval=times, rtol=rtol, atol=rtol,
                    method="DOP853")
    if sol.status != 0:
        msg = f"the replicator integration stopped early: {sol.message}"
        raise SolverError(msg)
    states = shares(sol.y.T.reshape(len(sol.t), batch, -1))
    return tuple(Trajectory(times=sol.t, profiles=tuple(x[:, b] for x in states))
                 for b in range(batch))


def _softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _renormalise(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, None)
    return x / x.sum(axis=-1, keepdims=True)


def symmetric_replicator(A: np.ndarray, start: np.ndarray, *, t_end: float = 50.0,
                         points: int = 201, rtol: float = 1e-8) -> Trajectory:
    r"""One population playing the symmetric game with matrix *A* against itself:
    :math:`\dot x_s = x_s((Ax)_s - x^\top A x)`, with *A* divided by its range as in
    :func:`replicator`."""
    A = np.asarray(A, dtype=float)
    span = float(np.ptp(A)) or 1.0
    scaled = A / span

    def field(_t: float, x: np.ndarray) -> np.ndarray:
        v = scaled @ x
        return x * (v - x @ v)

    times = np.linspace(0.0, t_end, points)
    sol = solve_ivp(field, (0.0, t_end), np.asarray(start, dtype=float), t_eval=times,
                    rtol=rtol, atol=rtol * 1e-2, method="LSODA")
    return Trajectory(times=sol.t, profiles=(_renormalise(sol.y.T),))


def grid_starts(shape: Sequence[int], points: int) -> tuple[Profile, ...]:
    """Interior starting profiles on a regular grid: for each player the mixtures whose
    probabilities are multiples of ``1 / points`` (all positive), all combinations."""
    per_player = []
    for size in shape:
        mixes = [np.array(c, dtype=float) / points
                 for c in itertools.product(range(1, points), repeat=size)
                 if sum(c) == points]
        if not mixes:
            msg = f"a grid with {points} points per axis has no interior mixture of {size}"
            raise InputError(msg)
        per_player.append(mixes)
    return tuple(tuple(combo) for combo in itertools.product(*per_player))


def basins(payoffs: np.ndarray, equilibria: Sequence[Profile], starts: Sequence[Profile],
           *, t_end: float = 200.0, radius: float = 0.02) -> Basins:
    """Which equilibrium the replicator dynamics reaches from each start.

    A start is labelled with an equilibrium when its trajectory ends within ``radius``
    (largest probability difference) of it; -1 otherwise (still moving, a cycle, or a rest
    point that is not among ``equilibria``).
    """
    ends = [t.final for t in replicator(payoffs, starts, t_end=t_end, points=2)]
    labels = np.full(len(starts), -1)
    for k, end in enumerate(ends):
        dist = [max(float(np.abs(a - b).max()) for a, b in zip(end, eq, strict=True))
                for eq in equilibria]
        if dist and min(dist) <= radius:
            labels[k] = int(np.argmin(dist))
    return Basins(starts=tuple(starts), finals=tuple(ends), labels=labels,
                  equilibria=tuple(tuple(np.asarray(s, dtype=float) for s in eq)
                                   for eq in equilibria),
                  radius=radius)


def fictitious_play(payoffs: np.ndarray, rounds: int, *, rng: np.random.Generator | None = None,
                    first: Sequence[int] | None = None, record: int = 200) -> Trajectory:
    """Simultaneous fictitious play for ``rounds`` rounds (Brown 1951).

    Round 0 plays ``first`` (default: every player's first strategy); afterwards every
    player plays a best response to the others' empirical frequencies, ties broken by
    ``rng`` when given (else the lowest index). Returns the empirical frequencies at
    ``record`` rounds spread evenly (the last one included).
    """
    payoffs = _check(payoffs)
    return _play(payoffs, rounds, rng=rng, first=first, record=record, eta=None)


def stochastic_fictitious_play(payoffs: np.ndarray, rounds: int, *, rng: np.random.Generator,
                               eta: float = 0.1, first: Sequence[int] | None = None,
                               record: int = 200) -> Trajectory:
    r"""Stochastic fictitious play (Fudenberg and Kreps 1993): each player draws its action
    from the logit response :math:`\propto \exp(u_i(s, \hat\sigma_{-i}) / \eta)` (with ``eta``
    in units of one payoff range) to the empirical frequencies."""
    payoffs = _check(payoffs)
    if not eta > 0:
        msg = f"eta must be positive, got {eta}"
        raise InputError(msg)
    return _play(payoffs, rounds, rng=rng, first=first, record=record, eta=eta)


def _play(payoffs: np.ndarray, rounds: int, *, rng: np.random.Generator | None,
          first: Sequence[int] | None, record: int, eta: float | None) -> Trajectory:
    if rounds < 1:
        msg = f"rounds must be at least 1, got {rounds}"
        raise InputError(msg)
    sizes = payoffs.shape[1:]
    span = float(np.ptp(payoffs)) or 1.0
    counts = [np.zeros(s) for s in sizes]
    for i, s in enumerate(first or [0] * len(sizes)):
        counts[i][s] += 1
    marks = set(np.unique(np.linspace(1, rounds, min(record, rounds)).astype(int)).tolist())
    times, history = [], [[] for _ in sizes]
    for r in range(1, rounds + 1):
        beliefs = [c[None, :] / c.sum() for c in counts]
        plays = []
        for i in range(len(sizes)):
            v = pure_values_batch(payoffs, beliefs, i)[0]
            plays.append(_choose(v / span, rng, eta))
        for i, s in enumerate(plays):
            counts[i][s] += 1
        if r in marks:
            times.append(r)
            for i, c in enumerate(counts):
                history[i].append(c / c.sum())
    return Trajectory(times=np.array(times), profiles=tuple(np.array(h) for h in history))


def _choose(values: np.ndarray, rng: np.random.Generator | None, eta: float | None) -> int:
    if eta is not None:
        weights = np.exp((values - values.max()) / eta)
        return int(rng.choice(values.size, p=weights / weights.sum()))
    best = np.flatnonzero(values >= values.max() - 1e-12)
    return int(best[0] if rng is None or best.size == 1 else rng.choice(best))
