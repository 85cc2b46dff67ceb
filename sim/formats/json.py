r"""Results as JSON: the one function, :func:`to_json`, that turns a result into JSON values.

Every analysis returns frozen dataclasses (:mod:`sim.analyses`); ``solve --format json``,
``results.json`` (schema: ``docs/reference/results-json.md``) and the API's ``to_dict()``
are those dataclasses walked by :func:`to_json`, so no analysis writes JSON of its own and
this module knows no analysis.

The walk (:func:`to_json`):

* a dataclass instance becomes an object with one key per field, **in declaration order**
  (so a field's place in its class is its place in the file); a field's ``metadata`` may
  rename its key (``{"json_key": "from"}``), leave it out (``{"json": False}``: computed
  helpers the file does not carry), or leave it out when empty (``{"json_omit": "none"}``
  drops a ``None``, ``{"json_omit": "empty"}`` drops ``None``, ``False`` and empty
  containers), or merge a mapping's items into the object (``{"json_flatten": True}``);
* a mapping becomes an object (keys as strings, in insertion order); a list, tuple or numpy
  array becomes an array; numpy scalars become plain numbers and booleans;
* floats keep :data:`DIGITS` significant digits and ``-0.0`` becomes ``0.0``, so the same
  inputs give byte-identical files on every platform; JSON has no infinity or NaN, so a
  non-finite float (an undefined quantity, such as a critical discount factor no
  :math:`\delta < 1` reaches) becomes ``null``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

DIGITS = 12


def clean_float(x: float) -> float:
    """``x`` rounded to :data:`DIGITS` significant digits; ``-0.0`` becomes ``0.0``."""
    x = float(x)
    if not math.isfinite(x):
        return x
    y = float(f"{x:.{DIGITS}g}")
    return 0.0 if y == 0 else y


def _omitted(f: dataclasses.Field, value: Any) -> bool:
    if f.metadata.get("json", True) is False:
        return True
    omit = f.metadata.get("json_omit")
    if omit == "none":
        return value is None
    if omit == "empty":
        return value is None or value is False or (
            isinstance(value, Mapping | list | tuple) and len(value) == 0)
    return False


def to_json(obj: Any) -> Any:
    """Plain, rounded JSON values (dict, list, str, int, float, bool, None) from ``obj``.

    Parameters
    ----------
    obj : dataclass instance, mapping, sequence, numpy array or scalar
        A result of :mod:`sim.analyses` or any nesting of the above.

    Returns
    -------
    Any
        The value :func:`json.dumps` writes: dataclasses as objects with their fields in
        declaration order (renamed or left out as their ``metadata`` says; see the module's
        docstring), floats rounded to :data:`DIGITS` significant digits.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if _omitted(f, value):
                continue
            if f.metadata.get("json_flatten"):
                out.update(to_json(value))
            else:
                out[f.metadata.get("json_key", f.name)] = to_json(value)
        return out
    if isinstance(obj, Mapping):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_json(obj.tolist())
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return clean_float(obj) if math.isfinite(obj) else None
    return obj


def dumps(obj: Any) -> str:
    """Stable JSON text of :func:`to_json`'s values: 2-space indent, a final newline."""
    return json.dumps(to_json(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
