"""The one results-JSON writer, sim.formats.json.to_json: dataclass fields in order, the
field metadata that renames, omits and flattens, rounding, and no infinity or NaN."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from sim.formats.json import DIGITS, dumps, to_json


@dataclass(frozen=True)
class Inner:
    b: float
    a: int


@dataclass(frozen=True)
class Outer:
    zeta: Inner
    alpha: tuple[Inner, ...]
    start: str = field(default="x", metadata={"json_key": "from"})
    hidden: int = field(default=0, metadata={"json": False})
    maybe: str | None = field(default=None, metadata={"json_omit": "none"})
    flags: tuple[int, ...] = field(default=(), metadata={"json_omit": "empty"})
    by_player: dict[str, float] = field(default_factory=dict, metadata={"json_flatten": True})


def test_fields_in_declaration_order_with_renames_omissions_and_flattening():
    out = to_json(Outer(Inner(0.5, 1), (Inner(1.0, 2),), by_player={"US": 1.0, "China": 2.0}))
    assert list(out) == ["zeta", "alpha", "from", "US", "China"]
    assert list(out["zeta"]) == ["b", "a"]
    assert out["alpha"] == [{"b": 1.0, "a": 2}]
    full = to_json(Outer(Inner(0.5, 1), (), maybe="m", flags=(3,)))
    assert full["maybe"] == "m"
    assert full["flags"] == [3]
    assert full["alpha"] == []


def test_numbers_are_plain_rounded_and_finite():
    x = 1 / 3
    out = to_json({"x": np.float64(x), "n": np.int64(7), "t": np.bool_(True),
                   "neg": -0.0, "inf": math.inf, "nan": np.nan, "arr": np.array([0.1, 2])})
    assert out["x"] == float(f"{x:.{DIGITS}g}")
    assert type(out["x"]) is float
    assert type(out["n"]) is int
    assert out["t"] is True
    assert math.copysign(1, out["neg"]) == 1.0
    assert out["inf"] is None
    assert out["nan"] is None
    assert out["arr"] == [0.1, 2.0]
    assert json.loads(dumps(out)) == out  # strict JSON: dumps refuses NaN, so none is left
