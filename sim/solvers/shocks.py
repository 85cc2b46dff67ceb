r"""Per-period shocks to a scenario's assumptions, as equally likely samples.

Each shocked assumption has one of three distributions:

* ``range``: uniform over the assumption's range :math:`[lo, hi]` (what the file says it
  could be), whatever its central value;
* ``normal``: :math:`\text{value} + \sigma Z`, clipped to the range;
* ``uniform``: :math:`\text{value} + U[a, b]` (an offset around the current value, so a
  sweep of the value moves the whole distribution).

Samples are drawn independently across assumptions and are the shock distribution the
truce model uses (:mod:`sim.solvers.truce_model`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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
        Per shocked assumption, ``n`` draws: uniform over its range, the current value plus a
        uniform offset, or normal around it clipped to its bounds.
    """
    out: dict[str, FloatArray] = {}
    for s in shocks:
        if s.kind == "range":
            out[s.name] = rng.uniform(s.low, s.high, n)
        elif s.kind == "normal":
            out[s.name] = np.clip(values[s.name] + s.sd * rng.standard_normal(n), s.low, s.high)
        else:
            out[s.name] = values[s.name] + rng.uniform(s.low, s.high, n)
    return out
