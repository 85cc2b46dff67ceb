r"""Per-period shocks to a scenario's assumptions, as equally likely samples.

Each shocked assumption has one of three distributions:

* ``range``: uniform over the assumption's range :math:`[lo, hi]` (what the file says it
  could be), whatever its central value;
* ``normal``: :math:`\text{value} + \sigma Z`, clipped to the range;
* ``uniform``: :math:`\text{value} + U[a, b]` (an offset around the current value, so a
  sweep of the value moves the whole distribution).

Assumptions are shocked independently. The samples are a scrambled Sobol' sequence
(Owen 1998; :class:`scipy.stats.qmc.Sobol`) mapped through each distribution's quantile
function, not i.i.d. draws: averages over them (a breach probability is the share of samples
in which the gain beats the loss) then vary far less with the seed than with the same number
of i.i.d. draws, so the truce model's outcomes can be quoted without the seed mattering.
They are the shock distribution the truce model uses (:mod:`sim.solvers.truce_model`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, qmc

from sim.errors import InputError

FloatArray = np.ndarray
KINDS = ("range", "normal", "uniform")


@dataclass(frozen=True)
class Shock:
    """One assumption's shock: ``kind`` with bounds ``low``/``high`` (the range for
    ``range`` and the clipping bounds for ``normal``; the offsets for ``uniform``) and ``sd``
    for ``normal``."""

    name: str
    kind: str
    low: float
    high: float
    sd: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            msg = f"shock of {self.name}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}"
            raise InputError(msg)
        if not self.low <= self.high or self.sd < 0:
            msg = (
                f"shock of {self.name}: needs low <= high and sd >= 0, got "
                f"{self.low:g}, {self.high:g}, {self.sd:g}"
            )
            raise InputError(msg)


def draw_shocks(
    shocks: Sequence[Shock], values: Mapping[str, float], n: int, rng: np.random.Generator
) -> dict[str, FloatArray]:
    """``n`` samples of each shocked assumption (``values`` gives the current values).

    Parameters
    ----------
    shocks : sequence of Shock
    values : mapping of str to float
        The assumptions' current values.
    n : int
        Samples per assumption.
    rng : numpy.random.Generator

    Returns
    -------
    dict of str to numpy.ndarray
        Per shocked assumption, ``n`` samples: uniform over its range, the current value plus a
        uniform offset, or normal around it clipped to its bounds (a scrambled Sobol'
        sequence seeded from ``rng``, one dimension per assumption).
    """
    out: dict[str, FloatArray] = {}
    if not shocks or n <= 0:
        return {s.name: np.zeros(0) for s in shocks}
    with warnings.catch_warnings():  # n need not be a power of 2 (balance is then lost)
        warnings.simplefilter("ignore", UserWarning)
        u = qmc.Sobol(d=len(shocks), scramble=True, seed=rng).random(n)
    for k, s in enumerate(shocks):
        if s.kind == "range":
            out[s.name] = s.low + (s.high - s.low) * u[:, k]
        elif s.kind == "normal":
            z = norm.ppf(u[:, k])
            out[s.name] = np.clip(values[s.name] + s.sd * z, s.low, s.high)
        else:
            out[s.name] = values[s.name] + s.low + (s.high - s.low) * u[:, k]
    return out
