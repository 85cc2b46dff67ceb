"""A tiny TOML writer for the fuzz tests (the project only reads TOML).

Every table is written inline under quoted keys, so any key (unicode, empty, dotted) and any
nesting round-trips; floats ``nan``/``inf`` use TOML's spellings.
"""

from __future__ import annotations

import json
import math
from typing import Any


def dumps(doc: dict[str, Any]) -> str:
    """``doc`` as TOML text: one ``"key" = value`` line per top-level key."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in doc.items())


def _key(k: str) -> str:
    return _string(k)


def _string(s: str) -> str:
    # JSON escapes are TOML escapes, except that TOML also wants DEL escaped
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007F")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    if hasattr(v, "isoformat"):  # date, time, datetime
        return v.isoformat()
    raise TypeError(type(v).__name__)
