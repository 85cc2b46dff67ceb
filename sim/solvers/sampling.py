r"""Sampling and search on plain numbers: Latin hypercubes, shares, bisection of a step.

* :func:`latin_hypercube`: ``n`` samples of a box, one per stratum of every dimension
  (McKay, Beckman & Conover, 1979), drawn by :mod:`scipy.stats.qmc`, and
  :func:`discrepancy`, how evenly a design covers its box (Hickernell, 1998);
* :func:`share`: the share :math:`\hat p` of samples in which a statement holds, with the
  binomial standard error :math:`\sqrt{\hat p (1-\hat p)/n}` (conservative for
  Latin-hypercube samples, Stein, 1987);
* :func:`bisect_change`: where a step function changes, narrowed down by bisection.

References
----------
McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three methods for
selecting values of input variables in the analysis of output from a computer code.
*Technometrics* 21(2), 239-245.
Hickernell, F. J. (1998). A generalized discrepancy and quadrature error bound.
*Mathematics of Computation* 67(221), 299-322.
Stein, M. (1987). Large sample properties of simulations using Latin hypercube sampling.
*Technometrics* 29(2), 143-151.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError

FloatArray = np.ndarray


def latin_hypercube(lows: Sequence[float], highs: Sequence[float], n: int,
                    rng: np.random.Generator) -> FloatArray:
    r"""``n`` Latin-hypercube samples of the box :math:`\prod_j [l_j, h_j]`, shape ``(n, d)``.

    Each dimension is cut into ``n`` equal strata and every stratum holds one sample, at a
    uniform position within it (McKay et al., 1979); :class:`scipy.stats.qmc.LatinHypercube`
    draws the design from ``rng`` and :func:`scipy.stats.qmc.scale` maps it onto the box.
    """
    from scipy.stats import qmc  # scipy.stats takes a while to import: only when sampling

    if n < 1:
        msg = f"robustness samples: got {n}; expected at least 1"
        raise InputError(msg)
    lo, hi = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    if lo.size == 0:
        return np.empty((n, 0))
    unit = qmc.LatinHypercube(d=lo.size, rng=rng).random(n)
    return qmc.scale(unit, lo, hi)


def discrepancy(x: FloatArray, lows: Sequence[float], highs: Sequence[float]) -> float:
    r"""Centred :math:`L_2` discrepancy of a design in its box (Hickernell, 1998), by
    :func:`scipy.stats.qmc.discrepancy`: lower is more even; NaN without dimensions."""
    from scipy.stats import qmc

    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] == 0 or x.shape[0] == 0:
        return math.nan
    return float(qmc.discrepancy(qmc.scale(x, lows, highs, reverse=True)))


@dataclass(frozen=True)
class Share:
    """Share of samples in which a statement holds, with its standard error."""

    statement: str
    share: float
    se: float
    n: int


def share(statement: str, flags: Sequence[bool]) -> Share:
    r""":math:`\hat p` and :math:`\sqrt{\hat p(1-\hat p)/n}`."""
    n = len(flags)
    p = float(np.mean(flags)) if n else math.nan
    return Share(statement=statement, share=p, se=math.sqrt(p * (1 - p) / n) if n else math.nan,
                 n=n)


def spawn(seed: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The first ``n`` children of ``seed``, the same on every call.

    :meth:`numpy.random.SeedSequence.spawn` counts the children it has given out, so a
    second call on the same object gives other streams; this spawns from a fresh copy.

    Parameters
    ----------
    seed : the parent sequence.
    n : how many children.

    Returns
    -------
    list of SeedSequence
        Children ``0 .. n-1`` (spawn keys ``seed.spawn_key + (i,)``).
    """
    fresh = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key,
                                   pool_size=seed.pool_size)
    return fresh.spawn(n)


def seed_record(seed: np.random.SeedSequence) -> dict[str, object]:
    """``{"seed": root entropy}`` plus ``"stream"`` (the spawn key) for a child sequence:
    what a results file needs to reproduce the stream."""
    out: dict[str, object] = {"seed": int(seed.entropy)}  # type: ignore[arg-type]
    if seed.spawn_key:
        out["stream"] = [int(k) for k in seed.spawn_key]
    return out


def bisect_change(differs: Callable[[float], bool], lo: float, hi: float, *, tol: float,
                  max_iter: int = 200) -> tuple[float, float]:
    r"""Narrow down where a step function changes between ``lo`` and ``hi``.

    Keeps ``differs(lo)`` false and ``differs(hi)`` true while halving, until
    :math:`(hi - lo) / 2 \le tol` (or ``max_iter`` halvings); a step function's change is
    then inside :math:`[lo, hi]`, and the error shrinks like :math:`(hi_0 - lo_0) / 2^k`.

    Parameters
    ----------
    differs : whether the function at ``x`` differs from its value at the original ``lo``.
    lo, hi : the bracket, ``lo < hi``.
    tol : the half-width to reach.
    max_iter : the most halvings.

    Returns
    -------
    (lo, hi)
        The narrowed bracket.
    """
    for _ in range(max_iter):
        if (hi - lo) / 2 <= tol:
            break
        mid = (lo + hi) / 2
        if differs(mid):
            hi = mid
        else:
            lo = mid
    return lo, hi
