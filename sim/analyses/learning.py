r"""Learning dynamics of a game, for ``tradesim learn``: where boundedly rational players go.

Three dynamics from :mod:`sim.solvers.learning` (any number of players):

* ``fictitious``: fictitious play (Brown 1951) from every player's first strategy for
  ``rounds`` rounds, ties broken at random with the seed;
* ``stochastic``: stochastic fictitious play (Fudenberg and Kreps 1993) with logit noise
  ``eta`` (in units of one payoff range), draws from the seed;
* ``replicator``: the multi-population replicator dynamics (Taylor 1979) from ``starts``
  interior starting profiles drawn uniformly from the product of simplices with the seed,
  each labelled with the equilibrium it reaches (its basin of attraction).

Each run ends in a profile :math:`\hat\sigma` (the empirical frequencies, or the end of a
trajectory). The report gives each player's *regret* there,
:math:`\max_s u_i(s, \hat\sigma_{-i}) - u_i(\hat\sigma)` (zero exactly at a Nash equilibrium;
a profile with every regret at most :math:`\varepsilon` is an :math:`\varepsilon`-equilibrium)
and the nearest equilibrium found by :func:`sim.solvers.equilibria.solve` (largest
probability difference).

Pure: takes a :class:`~sim.game.Game`, returns a :class:`LearningReport`.

References
----------
Brown, G. W. (1951). Iterative solution of games by fictitious play. In *Activity Analysis
of Production and Allocation*, Wiley, 374-376.

Fudenberg, D., Kreps, D. M. (1993). Learning mixed equilibria. *Games and Economic
Behavior* 5, 320-367.

Taylor, P. D. (1979). Evolutionarily stable strategies with two types of player. *Journal of
Applied Probability* 16, 76-83.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.game import Game
from sim.solvers import learning
from sim.solvers.equilibria import EquilibriumSet
from sim.solvers.reduction import solve_reduced
from sim.solvers.verify import pure_values

METHODS = ("fictitious", "stochastic", "replicator")
"""Values of ``method`` accepted by :func:`learn`."""

MAX_STARTS = 5000
"""Most replicator starts (they are integrated as one ODE system)."""

MAX_ROUNDS = 1_000_000
"""Most rounds of (stochastic) fictitious play."""


@dataclass(frozen=True)
class LearningSettings:
    """What to run: ``method`` (one of :data:`METHODS`), its length (``rounds`` of play or
    replicator time ``t_end`` in units of one payoff range), ``eta``, ``starts`` and ``seed``."""

    method: str = "fictitious"
    rounds: int = 1000
    t_end: float = 200.0
    eta: float = 0.1
    starts: int = 64
    seed: int = 0
    radius: float = 0.02


@dataclass(frozen=True)
class LearningReport:
    """A learning run: the trajectories (one for play, one per start for the replicator),
    the final profile of the first (or only) one, each player's regret there, the
    equilibria it is compared with and, for the replicator, the basins."""

    game: Game
    settings: LearningSettings
    trajectories: tuple[learning.Trajectory, ...]
    final: tuple[np.ndarray, ...]
    regret: np.ndarray
    equilibria: EquilibriumSet
    nearest: int | None          # index into equilibria.equilibria, None: none within radius
    distance: float | None
    basins: learning.Basins | None = None


def check_settings(s: LearningSettings) -> None:
    """One-line errors for settings out of range (raised before any work)."""
    if s.method not in METHODS:
        msg = f"--method: got '{s.method}'; expected one of {', '.join(METHODS)}"
        raise InputError(msg)
    if not 1 <= s.rounds <= MAX_ROUNDS:
        msg = f"--rounds: expected 1 to {MAX_ROUNDS:,}, got {s.rounds}"
        raise InputError(msg)
    if not 1 <= s.starts <= MAX_STARTS:
        msg = f"--starts: expected 1 to {MAX_STARTS}, got {s.starts}"
        raise InputError(msg)
    if not (0 < s.t_end <= 1e6):
        msg = f"--t-end: expected a time in (0, 1e6], got {s.t_end:g}"
        raise InputError(msg)
    if not (0 < s.eta <= 1e3):
        msg = f"--eta: expected a positive noise level up to 1000, got {s.eta:g}"
        raise InputError(msg)


def random_starts(shape: tuple[int, ...], count: int, rng: np.random.Generator
                  ) -> tuple[learning.Profile, ...]:
    """``count`` profiles, each player's mixture uniform on its simplex (Dirichlet(1))."""
    draws = [rng.dirichlet(np.ones(k), size=count) for k in shape]
    return tuple(tuple(d[b] for d in draws) for b in range(count))


def regrets(payoffs: np.ndarray, profile: tuple[np.ndarray, ...]) -> np.ndarray:
    r"""Each player's regret :math:`\max_s u_i(s, \sigma_{-i}) - u_i(\sigma)`."""
    out = []
    for i, own in enumerate(profile):
        values = pure_values(payoffs[i], profile, i)
        out.append(float(values.max() - values @ own))
    return np.array(out)


def nearest_equilibrium(profile: tuple[np.ndarray, ...], eqs: EquilibriumSet
                        ) -> tuple[int | None, float | None]:
    """Index of the closest equilibrium (largest probability difference) and the distance."""
    if not eqs.equilibria:
        return None, None
    dist = [max(float(np.abs(a - b).max()) for a, b in zip(profile, eq.strategies, strict=True))
            for eq in eqs.equilibria]
    k = int(np.argmin(dist))
    return k, dist[k]


def learn(game: Game, s: LearningSettings) -> LearningReport:
    """Run the learning dynamics ``s.method`` on ``game`` (see the module docstring)."""
    check_settings(s)
    payoffs = game.payoffs
    eqs = solve_reduced(payoffs)
    rng = np.random.default_rng(s.seed)
    found = None
    if s.method == "replicator":
        starts = random_starts(game.shape, s.starts, rng)
        paths = learning.replicator(payoffs, starts, t_end=s.t_end)
        found = learning.basins(payoffs, [eq.strategies for eq in eqs.equilibria], starts,
                                t_end=s.t_end, radius=s.radius)
    elif s.method == "stochastic":
        paths = (learning.stochastic_fictitious_play(payoffs, s.rounds, rng=rng, eta=s.eta),)
    else:
        paths = (learning.fictitious_play(payoffs, s.rounds, rng=rng),)
    final = paths[0].final
    k, dist = nearest_equilibrium(final, eqs)
    return LearningReport(game=game, settings=s, trajectories=tuple(paths), final=final,
                          regret=regrets(payoffs, final), equilibria=eqs, nearest=k,
                          distance=dist, basins=found)
