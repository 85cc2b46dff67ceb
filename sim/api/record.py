"""Read-only views with attribute access over the JSON-like results of the analyses.

``t.delta_star`` and ``t["delta_star"]`` are the same value; nested tables and lists are
wrapped too (``b.solutions.nash.payoffs.US``), and ``dir()`` lists the keys that are Python
names, so Jupyter and IPython complete them. A misspelt name raises :class:`AttributeError`
or :class:`KeyError` naming the close ones (``difflib``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any


def close_names(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'a' or 'b'?"`` for the known names close to ``name``, else ``""``."""
    hits = difflib.get_close_matches(str(name), [str(k) for k in known], n=3, cutoff=0.6)
    if not hits:
        return ""
    return "; did you mean " + " or ".join(f"'{h}'" for h in hits) + "?"


def wrap(value: Any) -> Any:
    """A :class:`Record` for a mapping, a list of wrapped items for a list, else the value."""
    if isinstance(value, Mapping) and not isinstance(value, Record):
        return Record(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


class Record(Mapping[str, Any]):
    """A read-only mapping whose keys are also attributes (see the module docstring)."""

    __slots__ = ("_data", "_what")

    def __init__(self, data: Mapping[str, Any], what: str = "this result") -> None:
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_what", what)

    def __getitem__(self, key: str) -> Any:
        try:
            return wrap(self._data[key])
        except KeyError:
            msg = f"{key!r}: not in {self._what}{close_names(key, self._data)}"
            raise KeyError(msg) from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._data:
            return wrap(self._data[name])
        msg = f"{self._what} has no {name!r}{close_names(name, self._data)}"
        raise AttributeError(msg)

    def __setattr__(self, name: str, value: Any) -> None:
        msg = f"{self._what} is read-only"
        raise AttributeError(msg)

    def __dir__(self) -> list[str]:
        return sorted({*(k for k in self._data if str(k).isidentifier()), "to_dict"})

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def to_dict(self) -> Any:
        """The plain JSON-ready data."""
        return self._data

    def __repr__(self) -> str:
        text = repr(dict(self._data))
        if len(text) <= 400:
            return text
        keys = ", ".join(str(k) for k in list(self._data)[:8])
        more = f", ... ({len(self._data) - 8} more)" if len(self._data) > 8 else ""
        return f"<{type(self).__name__} {self._what}: {keys}{more}>"
