r"""Noisy truce simulation: vectorised Monte Carlo of a repeated comply-or-breach game.

**The truce game.** Each period each side either *complies* (plays its truce levels) or
*breaches*. A side's *breach* is its best one-shot deviation from the truce (the levels
:func:`sim.solvers.repeated.best_deviation` picks against the other side's truce levels),
or, when the scenario names an ``escalation`` profile, that profile's levels for the side.
So the repeated game is the 2x2 game :class:`TruceGame` cut out of the stage game:
``payoffs[i, a, b]`` is side *i*'s stage payoff when the first side plays ``a`` and the
second ``b`` (0 = comply, 1 = breach).

**Noise.** *Implementation noise* :math:`\varepsilon`: a side that means to comply breaches
with probability :math:`\varepsilon` (independently per side and period). *Perception noise*
:math:`\pi`: a compliant move is seen by the other side as a breach with probability
:math:`\pi` (a false accusation). Strategies see their own move as played and the other's
as perceived. The reverse errors are optional: a meant breach comes out as compliance with
probability :math:`\varepsilon_B` and a breach is seen as compliance with probability
:math:`\mu` (both 0 by default).

**What "broken" means.** The truce is *unbroken at the end of period t* if neither side
actually breached in periods 1..t (a false accusation alone does not break it, but the
retaliation it provokes does). For two grim-trigger (or tit-for-tat) sides:

.. math:: S(t) = (1-\varepsilon)^{2t} (1-\pi)^{2(t-1)}, \qquad t \ge 1.

**Engine.** All runs advance together, one period at a time, as boolean numpy arrays; there
is no Python loop over runs. Memory is a few arrays of length ``runs`` (each strategy's
state, the running payoffs) plus one survival count per period: no runs x periods history.

References
----------
Axelrod, R. (1984). *The Evolution of Cooperation*. Basic Books. Bendor, J., Kramer, R. M. &
Stout, S. (1991). When in doubt... Cooperation in a noisy prisoner's dilemma. *J. Conflict
Resolution* 35(4), 691-719 (implementation vs. perception noise). Wu, J. & Axelrod, R.
(1995). How to cope with noise in the iterated prisoner's dilemma. *J. Conflict Resolution*
39(1), 183-189.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, LimitError
from sim.solvers.repeated import best_deviation
from sim.solvers.strategies import Strategy

FloatArray = np.ndarray
IntArray = np.ndarray
BoolArray = np.ndarray
Index = tuple[int, int]

MAX_RUNS = 10_000_000
"""Largest number of runs a simulation accepts (memory is a few bytes x runs x 6)."""
DEFAULT_MAX_RUN_PERIODS = 1_000_000_000
"""Default limit on a simulation's size, ``(runs + 1000) x periods`` (the 1000 stands for the
fixed cost of a period); about half a minute per strategy pair on a laptop."""


@dataclass(frozen=True)
class TruceGame:
    """The truce as a 2x2 comply-or-breach game.

    Attributes
    ----------
    payoffs : array ``(2, 2, 2)``: ``payoffs[i, a, b]``, 0 = comply, 1 = breach.
    truce : the truce profile's index in the stage game.
    breach : the profile index of (first side's breach strategy, second side's).
    """

    payoffs: FloatArray
    truce: Index
    breach: Index

    def own(self, player: int) -> FloatArray:
        """Side ``player``'s payoffs as ``[my move, other's move]``."""
        return self.payoffs[0] if player == 0 else self.payoffs[1].T


def truce_game(payoffs: FloatArray, truce: Index, escalation: Index | None = None) -> TruceGame:
    """Cut the 2x2 comply-or-breach game out of the stage game (see the module docstring)."""
    arr = np.asarray(payoffs, dtype=float)
    if escalation is None:
        breach = (best_deviation(arr, truce, 0)[0], best_deviation(arr, truce, 1)[0])
    else:
        breach = (int(escalation[0]), int(escalation[1]))
    rows, cols = (truce[0], breach[0]), (truce[1], breach[1])
    small = arr[:, rows, :][:, :, cols]
    return TruceGame(payoffs=small, truce=(int(truce[0]), int(truce[1])), breach=breach)


@dataclass(frozen=True)
class TruceSurvival:
    """What a simulation of one strategy pair found.

    Attributes
    ----------
    strategies : the two strategies' labels.
    runs, periods : sizes.
    survival : ``(periods + 1,)``: share of runs with the truce unbroken after ``t`` periods
        (``survival[0] = 1``).
    first_breach : ``(periods,)``: number of runs whose first breach fell in period ``t + 1``.
    mutual_compliance : mean share of periods in which both sides complied (with ``_se``).
    recovery : share of mutual compliance among the periods *after* a run's first breach,
        pooled over runs (``nan`` when no run broke down): how well a pair recovers.
    payoffs : mean normalised discounted payoff per side over the truce,
        :math:`\\frac{1-\\delta}{1-\\delta^T} \\sum_{t<T} \\delta^t u_t` (with ``payoffs_se``).
    """

    strategies: tuple[str, str]
    runs: int
    periods: int
    survival: FloatArray
    first_breach: IntArray
    mutual_compliance: float
    mutual_compliance_se: float
    recovery: float
    payoffs: FloatArray
    payoffs_se: FloatArray

    @property
    def survival_se(self) -> FloatArray:
        """Binomial standard error of each point of the survival curve."""
        s = self.survival
        return np.sqrt(s * (1 - s) / self.runs)

    @property
    def expiry(self) -> float:
        """P(the truce reaches the end of the last period intact)."""
        return float(self.survival[-1])

    @property
    def expiry_se(self) -> float:
        return float(self.survival_se[-1])


def check_noise(value: float, name: str) -> float:
    """``value`` if it is a probability in [0, 1]; an :class:`InputError` otherwise."""
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        msg = f"{name} must lie in [0, 1], got {value}"
        raise InputError(msg)
    return float(value)


STREAM_TAG = 0x54525543
"""First word of every pair's spawn key ("TRUC"): keeps them apart from ``spawn()``'s
``(i,)`` keys."""


def _key_words(text: str) -> tuple[int, ...]:
    """``text`` as 32-bit words, its byte length first (so ``("ab", "c")`` and
    ``("a", "bc")`` differ): a stable key, unlike :func:`hash`, across runs and machines."""
    data = text.encode("utf-8")
    padded = data + b"\0" * (-len(data) % 4)
    return (len(data), *(int.from_bytes(padded[i:i + 4], "little")
                         for i in range(0, len(padded), 4)))


def pair_seed(seed: int | np.random.SeedSequence,
              strategies: tuple[Strategy, Strategy]) -> np.random.SeedSequence:
    """The random stream of one strategy pair, keyed by the pair's labels.

    Only the seed's entropy (the number the user gave) is used, not its spawn key, so a
    pair draws the same numbers whether ``truce``, a section of ``run`` (a child of the run
    seed) or ``compare`` (a child per scenario) asks: its survival depends only on the game,
    the pair and the seed, never on which other pairs or scenarios are simulated or in what
    order. The tag keeps these keys apart from ``spawn()``'s ``(i,)`` keys.
    """
    base = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    key = (STREAM_TAG, *_key_words(strategies[0].label), *_key_words(strategies[1].label))
    return np.random.SeedSequence(base.entropy, spawn_key=key, pool_size=base.pool_size)


def simulate_truce(
    game: TruceGame,
    strategies: tuple[Strategy, Strategy],
    *,
    periods: int,
    runs: int,
    rng: np.random.Generator,
    noise_implementation: float = 0.0,
    noise_perception: float = 0.0,
    delta: float = 1.0,
    progress: Callable[[int], None] | None = None,
    max_run_periods: int = DEFAULT_MAX_RUN_PERIODS,
    noise_breach: float = 0.0,
    noise_miss: float = 0.0,
) -> TruceSurvival:
    """Play ``runs`` independent noisy truces of ``periods`` periods, all at once.

    Parameters
    ----------
    game : the comply-or-breach game (:func:`truce_game`).
    strategies : first side's and second side's strategy.
    rng : the random source; three independent child streams are spawned from it (noise,
        and one per stochastic strategy), so the same seed gives the same result.
    delta : per-period discount factor for the payoffs (``1.0``: plain average).
    progress : called with the number of periods done after each period (for a progress
        bar at the command line).
    max_run_periods : most ``(runs + 1000) x periods``, checked first (:class:`LimitError`).
    noise_breach, noise_miss : the reverse errors: a meant breach comes out as compliance
        (:math:`\\varepsilon_B`), a breach is seen as compliance (:math:`\\mu`).
    """
    eps = check_noise(noise_implementation, "implementation noise")
    pi = check_noise(noise_perception, "perception noise")
    eps_b = check_noise(noise_breach, "implementation noise on breaches")
    mu = check_noise(noise_miss, "perception noise on breaches")
    _check_sizes(periods, runs, delta, max_run_periods)
    noise, rng1, rng2 = rng.spawn(3)
    sides = [s.for_game(game.own(i)) for i, s in enumerate(strategies)]
    streams = [r if s.classifier["stochastic"] else None
               for s, r in zip(sides, (rng1, rng2), strict=True)]
    updates = [s.classifier["memory_depth"] != 0 for s in sides]
    states = [s.start(runs) for s in sides]
    lut = _payoffs_by_code(game)
    alive = np.ones(runs, dtype=bool)
    mutual = np.zeros(runs, dtype=np.int32)
    pay = np.zeros((2, runs))
    alive_count = np.empty(periods, dtype=np.int64)
    after_periods = after_mutual = 0
    weight = 1.0
    for t in range(periods):
        a = sides[0].intend(states[0], streams[0])
        b = sides[1].intend(states[1], streams[1])
        a, b, seen_a, seen_b = _noisy(noise, a, b, (eps, eps_b, pi, mu))
        both = a & b
        broken_before = runs - int(np.count_nonzero(alive))
        if broken_before:
            after_periods += broken_before
            after_mutual += int(np.count_nonzero(both & ~alive))
        alive &= both
        alive_count[t] = np.count_nonzero(alive)
        mutual += both
        code = (a.view(np.uint8) << 1) | b.view(np.uint8)
        pay[0] += np.take(lut[0] * weight, code)
        pay[1] += np.take(lut[1] * weight, code)
        if updates[0]:
            sides[0].update(states[0], a, seen_b)
        if updates[1]:
            sides[1].update(states[1], b, seen_a)
        weight *= delta
        if progress is not None:
            progress(t + 1)
    return _summarise(sides, runs, periods, delta, alive_count, mutual, pay,
                      after_periods, after_mutual)


def _payoffs_by_code(game: TruceGame) -> FloatArray:
    """``lut[i, code]``: player i's payoff at outcome code 2*first_complies + second_complies."""
    return np.array([[game.payoffs[i, 1, 1], game.payoffs[i, 1, 0],
                      game.payoffs[i, 0, 1], game.payoffs[i, 0, 0]] for i in (0, 1)])


def _noisy(rng: np.random.Generator, a: BoolArray, b: BoolArray,
           noise: tuple[float, float, float, float],
           ) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray]:
    """Moves as played and as seen, from the meant moves ``a``, ``b`` (fresh copies: a
    strategy's state must never alias the other's) and ``(eps, eps_b, pi, mu)``."""
    eps, eps_b, pi, mu = noise
    a, b = a.copy(), b.copy()
    if eps > 0.0 or eps_b > 0.0:
        _flip(rng, eps, eps_b, a, b)
    if pi == 0.0 and mu == 0.0:
        return a, b, a, b
    seen_a, seen_b = a.copy(), b.copy()
    _flip(rng, pi, mu, seen_a, seen_b)
    return a, b, seen_a, seen_b


def _flip(rng: np.random.Generator, p: float, q: float, first: BoolArray,
          second: BoolArray) -> None:
    """Turn each ``True`` into ``False`` with probability ``p`` and each ``False`` into
    ``True`` with probability ``q``, independently, in place (two-way noise)."""
    if q > 0.0:
        back = (~first, ~second)  # True where a breach may turn into compliance
        _slip(rng, q, *back)
        was = (~first, ~second)
    if p > 0.0:
        _slip(rng, p, first, second)
    if q > 0.0:
        first |= was[0] & ~back[0]
        second |= was[1] & ~back[1]


GEOMETRIC_BELOW = 0.2
"""Noise rates below which slips are drawn as geometric gaps rather than one uniform per cell."""


def _slip(rng: np.random.Generator, p: float, first: BoolArray, second: BoolArray) -> None:
    r"""Turn each compliance (``True``) of ``first`` and ``second`` into a breach with
    probability ``p``, independently, in place.

    For small ``p`` the cells that slip are found by jumping geometric gaps between them
    (the gaps of i.i.d. Bernoulli(:math:`p`) trials are Geometric(:math:`p`); Devroye, 1986,
    *Non-Uniform Random Variate Generation*, §X.2), which draws about :math:`2np` numbers
    instead of :math:`2n`. Both methods give exactly i.i.d. Bernoulli slips.
    """
    n = first.shape[0]
    if p >= GEOMETRIC_BELOW:
        u = rng.random((2, n), dtype=np.float32)
        first &= u[0] >= p
        second &= u[1] >= p
        return
    cells = 2 * n
    mean = cells * p
    pos = np.cumsum(rng.geometric(p, size=int(mean + 6 * math.sqrt(mean) + 16))) - 1
    while pos[-1] < cells:  # rarely: draw more gaps until past the last cell
        more = np.cumsum(rng.geometric(p, size=int(mean / 4) + 16)) + pos[-1]
        pos = np.concatenate([pos, more])
    pos = pos[pos < cells]
    cut = int(np.searchsorted(pos, n))
    first[pos[:cut]] = False
    second[pos[cut:] - n] = False


def check_run_periods(periods: int, runs: int, max_run_periods: int, *,
                      simulations: int = 1) -> None:
    """Raise :class:`LimitError` unless ``simulations x (runs + 1000) x periods`` is within
    ``max_run_periods``: the work of all the simulations one command asks for together
    (``truce --all-pairs`` plays every pair), checked before the first starts."""
    size = int(simulations) * (int(runs) + 1000) * int(periods)
    if size > max_run_periods:
        what = f"{simulations:,} simulations x " if simulations != 1 else ""
        msg = (f"the truce simulation would take {what}({runs:,} runs + 1,000) x "
               f"{periods:,} periods = {size:,} run-periods, over the limit of "
               f"{max_run_periods:,}")
        raise LimitError(msg, limit="max_run_periods")


def check_survival_runs(runs: int) -> None:
    """Runs of a survival estimate asked for on the command line (``sweep``, ``compare``):
    0 (no simulation) or 2 to :data:`MAX_RUNS` (one run has no standard error); raise
    :class:`InputError` otherwise."""
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or not (
            runs == 0 or 2 <= runs <= MAX_RUNS):
        msg = (f"--runs: got {runs}; expected 0 (no survival simulation) or a whole number "
               f"from 2 to {MAX_RUNS:,}")
        raise InputError(msg)


def _check_sizes(periods: int, runs: int, delta: float, max_run_periods: int) -> None:
    if isinstance(periods, bool) or not isinstance(periods, int | np.integer) or periods < 1:
        msg = f"periods must be a whole number >= 1, got {periods!r}"
        raise InputError(msg)
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or not (
            2 <= runs <= MAX_RUNS):
        msg = f"runs must be a whole number between 2 and {MAX_RUNS:,}, got {runs!r}"
        raise InputError(msg)
    check_run_periods(periods, runs, max_run_periods)
    if not 0.0 < delta <= 1.0:
        msg = f"delta must lie in (0, 1], got {delta}"
        raise InputError(msg)


def _summarise(sides: list[Strategy], runs: int, periods: int, delta: float,
               alive_count: IntArray, mutual: IntArray, pay: FloatArray,
               after_periods: int, after_mutual: int) -> TruceSurvival:
    survival = np.concatenate([[1.0], alive_count / runs])
    counts = np.concatenate([[runs], alive_count])
    norm = 1.0 / periods if delta == 1.0 else (1 - delta) / (1 - delta**periods)
    pay = pay * norm
    share = mutual / periods
    root = math.sqrt(runs)
    return TruceSurvival(
        strategies=(sides[0].label, sides[1].label), runs=runs, periods=periods,
        survival=survival, first_breach=(counts[:-1] - counts[1:]).astype(np.int64),
        mutual_compliance=float(share.mean()), mutual_compliance_se=float(share.std(ddof=1) / root),
        recovery=after_mutual / after_periods if after_periods else math.nan,
        payoffs=pay.mean(axis=1), payoffs_se=pay.std(axis=1, ddof=1) / root,
    )


def grim_survival(t: int | IntArray, eps: float, pi: float = 0.0) -> FloatArray:
    r"""Closed-form survival of grim trigger (or tit-for-tat) against itself:
    :math:`(1-\varepsilon)^{2t} (1-\pi)^{2\max(t-1, 0)}`."""
    t = np.asarray(t)
    return (1 - eps) ** (2 * t) * (1 - pi) ** (2 * np.maximum(t - 1, 0))
