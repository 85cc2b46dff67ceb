r"""Monte Carlo of the truce model (:mod:`sim.solvers.truce_model`): all runs at once.

Each period draws one 32-bit uniform number per run and reads the joint outcome of both
sides off a guide table of the run's phase (inversion with a guide table: Chen and Asau,
1974; Devroye, 1986, §III.2.4); everything else is looked up in tables indexed by
(phase, outcome). Per run only the phase and two history bits are kept.

References
----------
Chen, H.-C. & Asau, Y. (1974). On generating random variates from an empirical
distribution. *AIIE Transactions* 6(2), 163-166. Devroye, L. (1986). *Non-Uniform Random
Variate Generation*, §III.2.4. Springer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.solvers.truce import DEFAULT_MAX_RUN_PERIODS, _check_sizes
from sim.solvers.truce_model import (
    Chain,
    ModelResult,
    Side,
    _norm,
    _renew_probability,
    _tallies,
    breach_probability,
    build_chain,
)

FloatArray = np.ndarray
IntArray = np.ndarray


BITS = 12
"""Each phase's inverse-CDF table has ``2**BITS`` bins of the 32-bit uniform draw."""


@dataclass(frozen=True)
class Sampler:
    """Exact sampling of the joint outcome in each phase from one 32-bit uniform draw.

    ``table[q * 2**BITS + (u >> (32 - BITS))]`` is the outcome (``q * m + code``) when the
    draw's leading bits settle it, else -1; those few draws are finished by binary search
    in ``upper`` (the cumulative bounds ``q * 2**32 + floor(F * 2**32)`` of every phase,
    one after another), whose outcomes are ``codes`` (the inversion method with a guide
    table: Chen and Asau, 1974; Devroye, 1986, §III.2.4).
    """

    table: IntArray
    upper: IntArray
    codes: IntArray


def sampler(prob: FloatArray) -> Sampler:
    """The :class:`Sampler` of the per-phase distributions ``prob`` (phases x codes)."""
    Q, m = prob.shape
    bins = 1 << BITS
    table = np.empty(Q * bins, dtype=np.intp)
    uppers, codes = [], []
    edges = np.arange(bins + 1, dtype=np.uint64) << np.uint64(32 - BITS)
    for q in range(Q):
        p = prob[q] / prob[q].sum()
        live = np.flatnonzero(p > 0)
        cum = np.floor(np.cumsum(p[live]) * 2.0**32).astype(np.uint64)
        cum[-1] = np.uint64(1 << 32)
        lo = np.searchsorted(cum, edges[:-1], side="right")
        hi = np.searchsorted(cum, edges[1:] - np.uint64(1), side="right")
        row = q * m + live[np.minimum(lo, live.size - 1)]
        table[q * bins : (q + 1) * bins] = np.where(lo == hi, row, -1)
        uppers.append(np.uint64(q << 32) + cum)
        codes.append(q * m + live)
    return Sampler(
        table=table, upper=np.concatenate(uppers), codes=np.concatenate(codes).astype(np.intp)
    )


def draw(s: Sampler, phase: IntArray, u: IntArray) -> IntArray:
    """One outcome code per run given its phase and its 32-bit uniform draw ``u``."""
    code = s.table[(phase << BITS) | (u >> (32 - BITS))]
    open_ = np.flatnonzero(code < 0)
    if open_.size:
        key = (phase[open_].astype(np.uint64) << np.uint64(32)) | u[open_].astype(np.uint64)
        code[open_] = s.codes[np.searchsorted(s.upper, key, side="right")]
    return code


def uniform32(rng: np.random.Generator, n: int) -> IntArray:
    """``n`` independent uniform 32-bit draws (two from each 64-bit output of ``rng``)."""
    return rng.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]


SLIPPED, DISPUTED = 1, 2
"""Bits of a run's history flags."""


def simulate(
    sides: tuple[Side, Side],
    *,
    periods: int,
    runs: int,
    rng: np.random.Generator,
    delta: float = 1.0,
    renewal_delta: float | None = None,
    progress: Callable[[int], None] | None = None,
    max_run_periods: int = DEFAULT_MAX_RUN_PERIODS,
) -> ModelResult:
    """Monte Carlo of the chain: ``runs`` truces of ``periods`` periods, all at once.

    Each period draws one 32-bit uniform per run and reads the joint outcome off the
    :class:`Sampler` of the run's phase; ``rng`` gives the same numbers for the same seed.
    Per run it keeps only its phase and two history bits (slipped, disputed); means over
    runs (payoffs, disputes, breaches by issue) come from the period's count of each
    outcome. Memory: a few bytes per run, no runs x periods history.
    """
    _check_sizes(periods, runs, delta, max_run_periods)
    chain = build_chain(sides)
    Q, m = len(chain.phases), chain.m
    smp = sampler(chain.prob)
    nxt = chain.nxt.reshape(-1).astype(np.intp)
    flag_lut = (
        (~chain.clean).astype(np.uint8) * SLIPPED | chain.dispute.astype(np.uint8) * DISPUTED
    ).reshape(-1)
    phase = np.zeros(runs, dtype=np.intp)
    flags = np.zeros(runs, dtype=np.uint8)
    counts = np.zeros(Q * m)
    weighted = np.zeros(Q * m)
    no_slip = np.empty(periods + 1)
    no_slip[0] = 1.0
    w = 1.0
    for t in range(periods):
        code = draw(smp, phase, uniform32(rng, runs))
        seen = np.bincount(code, minlength=Q * m)
        counts += seen
        weighted += w * seen
        flags |= flag_lut[code]
        phase = nxt[code]
        no_slip[t + 1] = 1.0 - np.count_nonzero(flags & SLIPPED) / runs
        w *= delta
        if progress is not None:
            progress(t + 1)
    return _summarise_runs(
        sides,
        chain,
        periods,
        runs,
        rng,
        delta,
        renewal_delta,
        phase,
        flags,
        counts,
        weighted,
        no_slip,
    )


def _summarise_runs(
    sides: tuple[Side, Side],
    chain: Chain,
    periods: int,
    runs: int,
    rng: np.random.Generator,
    delta: float,
    renewal_delta: float | None,
    phase: IntArray,
    flags: IntArray,
    counts: FloatArray,
    weighted: FloatArray,
    no_slip: FloatArray,
) -> ModelResult:
    payoffs = chain.pay.reshape(2, -1) @ weighted / runs * _norm(delta, periods)
    rd = delta if renewal_delta is None else renewal_delta
    renew = np.array([_renew_probability(s, payoffs[i], rd) for i, s in enumerate(sides)])
    collapsed = phase == chain.collapsed
    both = (rng.random((2, runs)) < renew[:, None]).all(axis=0)

    def share(hits: np.ndarray) -> tuple[float, float]:
        p = float(np.count_nonzero(hits)) / runs
        return p, math.sqrt(p * (1 - p) / runs)

    d, d_se = share(flags & DISPUTED)
    c, c_se = share(collapsed)
    r, r_se = share(both & ~collapsed)
    deliberate, slips, punished = _tallies(chain, counts / runs, sides)
    return ModelResult(
        periods=periods,
        runs=runs,
        no_slip=no_slip,
        dispute=d,
        disputes=float(counts @ chain.dispute.reshape(-1)) / runs,
        punished=punished / periods,
        collapse=c,
        renew=renew,
        renewed=r,
        payoffs=payoffs,
        breach_rate=np.array([breach_probability(s) for s in sides]),
        deliberate=deliberate,
        slips=slips,
        no_slip_se=math.sqrt(no_slip[-1] * (1 - no_slip[-1]) / runs),
        dispute_se=d_se,
        collapse_se=c_se,
        renewed_se=r_se,
    )
