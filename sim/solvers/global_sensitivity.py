r"""Global sensitivity on plain arrays: Sobol' indices and Morris screening, by SALib.

A model :math:`Y = f(X_1, \dots, X_d)` with independent :math:`X_j \sim U[l_j, h_j]`.

* **Sobol' indices** (Sobol', 2001; Saltelli et al., 2010): the first-order index
  :math:`S_j = V[E(Y \mid X_j)] / V(Y)` is the share of the output's variance that
  :math:`X_j` explains alone; the total-order index
  :math:`S_{Tj} = E[V(Y \mid X_{\sim j})] / V(Y)` adds every interaction it takes part in.
  They are estimated from a Saltelli design of :math:`N (d + 2)` points
  (:func:`sobol_design`), with bootstrap confidence intervals (:func:`sobol_indices`).
* **Morris screening** (Morris, 1991; Campolongo et al., 2007): ``r`` one-at-a-time
  trajectories through a ``levels``-level grid give each input ``r`` elementary effects
  :math:`EE_j = [f(x + \Delta e_j) - f(x)] / \Delta` (:math:`\Delta` on the unit scale);
  :math:`\mu^*_j = E|EE_j|` ranks the inputs by influence and :math:`\sigma_j` flags
  non-linearity or interactions (:func:`morris_design`, :func:`morris_indices`), for
  :math:`r (d + 1)` points: cheap enough for many inputs.

SALib (Herman & Usher, 2017) is the field's maintained implementation of both; this module
only fixes its seeds and shapes. An output that does not vary has no indices (NaN).

References
----------
Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software* 22, 1509-1518.
Herman, J. & Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. *Journal of Open Source Software* 2(9), 97.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2), 161-174.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. *Computer Physics Communications* 181, 259-270.
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation* 55, 271-280.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError

FloatArray = np.ndarray

CONF_LEVEL = 0.95
"""Confidence level of the bootstrap intervals."""

RESAMPLES = 200
"""Bootstrap resamples behind each confidence interval."""


def problem(names: Sequence[str], lows: Sequence[float], highs: Sequence[float]) -> dict:
    """SALib's description of the input box."""
    return {"num_vars": len(names), "names": list(names),
            "bounds": [[float(lo), float(hi)] for lo, hi in zip(lows, highs, strict=True)]}


def _int_seed(seed: np.random.SeedSequence) -> int:
    return int(seed.generate_state(1)[0])


def check_sizes(trajectories: int, samples: int) -> None:
    """Refuse design sizes SALib would choke on, or a missing SALib, before any work."""
    import importlib.util

    if importlib.util.find_spec("SALib") is None:
        msg = ("--global-sensitivity needs the sensitivity extra; install it with "
               "pip install 'tradesim[sensitivity]' (SALib)")
        raise InputError(msg)
    if trajectories < 2:
        msg = f"Morris trajectories: got {trajectories}; expected at least 2"
        raise InputError(msg)
    if samples < 2 or samples & (samples - 1):
        msg = f"Sobol' base samples: got {samples}; expected a power of two, at least 2"
        raise InputError(msg)


def sobol_design(prob: dict, n: int, seed: np.random.SeedSequence) -> FloatArray:
    """The Saltelli design for first- and total-order indices: ``n (d + 2)`` rows.

    ``n`` must be a power of two (the scrambled Sobol' sequence is balanced only then).
    """
    from SALib.sample import sobol

    check_sizes(2, n)
    return sobol.sample(prob, n, calc_second_order=False, seed=_int_seed(seed))


def morris_design(prob: dict, r: int, seed: np.random.SeedSequence, *,
                  levels: int = 4) -> FloatArray:
    """``r`` Morris trajectories of ``d + 1`` points each on a ``levels``-level grid."""
    from SALib.sample import morris

    check_sizes(r, 2)
    return morris.sample(prob, r, num_levels=levels, seed=_int_seed(seed))


@dataclass(frozen=True)
class SobolIndex:
    """First- and total-order Sobol' indices of one input, each with the half-width of its
    confidence interval (``CONF_LEVEL``)."""

    name: str
    first: float
    first_conf: float
    total: float
    total_conf: float


@dataclass(frozen=True)
class MorrisIndex:
    """Morris screening of one input: :math:`\\mu^*` (with its confidence half-width) and
    :math:`\\sigma`, in the output's units per whole range of the input."""

    name: str
    mu_star: float
    mu_star_conf: float
    sigma: float


def _varies(y: FloatArray) -> bool:
    y = np.asarray(y, dtype=float)
    return bool(np.all(np.isfinite(y)) and np.ptp(y) > 1e-12 * max(1.0, float(np.abs(y).max())))


def sobol_indices(prob: dict, y: FloatArray, seed: np.random.SeedSequence
                  ) -> tuple[SobolIndex, ...]:
    """Sobol' indices of ``y`` (evaluated on :func:`sobol_design`); NaN when ``y`` is
    constant or undefined somewhere."""
    from SALib.analyze import sobol

    names = prob["names"]
    if not _varies(y):
        return tuple(SobolIndex(n, math.nan, math.nan, math.nan, math.nan) for n in names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an input with no effect: 0/0 in CI
        res = sobol.analyze(prob, np.asarray(y, dtype=float), calc_second_order=False,
                            num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                            seed=_int_seed(seed))
    return tuple(SobolIndex(name, float(res["S1"][j]), float(res["S1_conf"][j]),
                            float(res["ST"][j]), float(res["ST_conf"][j]))
                 for j, name in enumerate(names))


def morris_indices(prob: dict, x: FloatArray, y: FloatArray, seed: np.random.SeedSequence,
                   *, levels: int = 4) -> tuple[MorrisIndex, ...]:
    """Morris :math:`\\mu^*` and :math:`\\sigma` of ``y`` (evaluated on ``x``, a
    :func:`morris_design`), scaled to each input's whole range; NaN when ``y`` is constant
    or undefined somewhere."""
    from SALib.analyze import morris

    names = prob["names"]
    if not _varies(y):
        return tuple(MorrisIndex(n, math.nan, math.nan, math.nan) for n in names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = morris.analyze(prob, np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                             num_resamples=RESAMPLES, conf_level=CONF_LEVEL, num_levels=levels,
                             seed=_int_seed(seed))
    return tuple(MorrisIndex(name, float(res["mu_star"][j]), float(res["mu_star_conf"][j]),
                             float(res["sigma"][j])) for j, name in enumerate(names))
