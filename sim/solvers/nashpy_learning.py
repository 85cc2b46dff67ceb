"""Two-player learning dynamics from ``nashpy``, with seeds and our result types.

``nashpy`` (Knight and Campbell 2018) implements fictitious play, stochastic fictitious play,
symmetric and asymmetric replicator dynamics and the Moran process for two-player games;
these wrappers call its generators and functions and return :class:`~sim.solvers.learning.
Trajectory` objects like the n-player versions of :mod:`sim.solvers.learning`, so the two can
be compared (the tests do).

nashpy draws its random numbers from numpy's *global* generator (tie-breaking in fictitious
play, the logit draws of stochastic fictitious play, births and deaths in the Moran process).
To make a run reproducible without leaking state, :func:`_seeded_global_state` seeds the
global generator from the caller's ``seed`` for the duration of the call and restores the
previous state afterwards. Not thread-safe, like nashpy itself.

References
----------
Knight, V., Campbell, J. (2018). Nashpy: a Python library for the computation of Nash
equilibria. *Journal of Open Source Software* 3(30), 904.

Moran, P. A. P. (1958). Random processes in genetics. *Mathematical Proceedings of the
Cambridge Philosophical Society* 54, 60-71.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from sim.errors import InputError
from sim.solvers.learning import Trajectory


@contextmanager
def _seeded_global_state(seed: int) -> Iterator[None]:
    """Seed numpy's global generator (which nashpy uses) and restore it afterwards."""
    state = np.random.get_state()  # noqa: NPY002 - nashpy draws from the global generator
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def _game(A: np.ndarray, B: np.ndarray | None = None):
    import nashpy

    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or (B is not None and np.shape(B) != A.shape):
        msg = f"expected one or two payoff matrices of the same shape, got {A.shape}"
        raise InputError(msg)
    return nashpy.Game(A) if B is None else nashpy.Game(A, np.asarray(B, dtype=float))


def _frequencies(counts: list[tuple[np.ndarray, np.ndarray]], rounds: list[int]) -> Trajectory:
    rows = np.array([c[0] / max(1, c[0].sum()) for c in counts])
    cols = np.array([c[1] / max(1, c[1].sum()) for c in counts])
    return Trajectory(times=np.array(rounds), profiles=(rows, cols))


def fictitious_play(A: np.ndarray, B: np.ndarray, rounds: int, *, seed: int,
                    record: int = 200) -> Trajectory:
    """nashpy's fictitious play (Fudenberg and Levine 1998, ch. 2): empirical frequencies at
    ``record`` rounds spread evenly (ties between best responses are broken at random)."""
    game = _game(A, B)
    marks = set(np.unique(np.linspace(1, rounds, min(record, rounds)).astype(int)).tolist())
    kept, when = [], []
    with _seeded_global_state(seed):
        for r, counts in enumerate(game.fictitious_play(iterations=rounds)):
            if r in marks:
                kept.append((np.array(counts[0], dtype=float), np.array(counts[1], dtype=float)))
                when.append(r)
    return _frequencies(kept, when)


def stochastic_fictitious_play(A: np.ndarray, B: np.ndarray, rounds: int, *, seed: int,
                               eta: float = 0.1, epsilon_bar: float = 0.01,
                               record: int = 200) -> Trajectory:
    """nashpy's stochastic fictitious play (Hofbauer and Sandholm 2002): ``eta`` is the
    logit noise, ``epsilon_bar`` the bound on the payoff perturbations."""
    game = _game(A, B)
    marks = set(np.unique(np.linspace(1, rounds, min(record, rounds)).astype(int)).tolist())
    kept, when = [], []
    with _seeded_global_state(seed):
        steps = game.stochastic_fictitious_play(iterations=rounds, etha=eta,
                                                epsilon_bar=epsilon_bar)
        for r, (counts, _distributions) in enumerate(steps):
            if r in marks:
                kept.append((np.array(counts[0], dtype=float), np.array(counts[1], dtype=float)))
                when.append(r)
    return _frequencies(kept, when)


def replicator(A: np.ndarray, start: np.ndarray, times: np.ndarray) -> Trajectory:
    """nashpy's (symmetric, one-population) replicator dynamics of the matrix *A*."""
    shares = _game(A).replicator_dynamics(y0=np.asarray(start, dtype=float),
                                          timepoints=np.asarray(times, dtype=float))
    return Trajectory(times=np.asarray(times, dtype=float), profiles=(shares,))


def asymmetric_replicator(A: np.ndarray, B: np.ndarray, x0: np.ndarray, y0: np.ndarray,
                          times: np.ndarray) -> Trajectory:
    """nashpy's asymmetric (two-population) replicator dynamics."""
    xs, ys = _game(A, B).asymmetric_replicator_dynamics(
        x0=np.asarray(x0, dtype=float), y0=np.asarray(y0, dtype=float),
        timepoints=np.asarray(times, dtype=float))
    return Trajectory(times=np.asarray(times, dtype=float), profiles=(xs, ys))


def moran_process(A: np.ndarray, population: np.ndarray, *, seed: int,
                  mutation_probability: float = 0.0, max_steps: int = 100_000) -> np.ndarray:
    """nashpy's Moran process on a well-mixed population playing the symmetric game *A*:
    the strategy of each individual (rows), step by step, until one strategy is fixed
    (or ``max_steps``)."""
    game = _game(A)
    rows = []
    with _seeded_global_state(seed):
        for step, generation in enumerate(game.moran_process(
                initial_population=np.asarray(population),
                mutation_probability=mutation_probability)):
            rows.append(np.array(generation))
            if step >= max_steps:
                break
    return np.array(rows)


def fixation_probabilities(A: np.ndarray, population: np.ndarray, repetitions: int, *,
                           seed: int) -> np.ndarray:
    """nashpy's Monte Carlo estimate of each strategy's probability of taking over."""
    with _seeded_global_state(seed):
        return np.asarray(_game(A).fixation_probabilities(
            initial_population=np.asarray(population), repetitions=repetitions), dtype=float)
