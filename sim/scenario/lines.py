"""Where a key of a TOML file is: line numbers for error messages."""

from __future__ import annotations

import re

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class LineIndex:
    """Finds the line of a dotted key path in TOML text (best effort; ``None`` if unsure)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}  # full dotted key: its first line (one pass)
        prefix = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if m := self._HEADER.match(line):
                prefix = _unquote(m.group(1))
                self.lines.setdefault(prefix, number)
            elif m := self._KEY.match(line):
                key = _unquote(m.group(1))
                self.lines.setdefault(f"{prefix}.{key}" if prefix else key, number)

    def find(self, key: str) -> int | None:
        """The line of ``key`` or of its nearest enclosing key: a few dictionary look-ups,
        so reporting many errors takes time in proportion to their number, not to their
        number times the file's length."""
        parts = key.split(".") if key else []
        while parts:
            number = self.lines.get(".".join(parts))
            if number is not None:
                return number
            parts.pop()
        return None


def _unquote(dotted: str) -> str:
    return ".".join(p.strip().strip("\"'") for p in dotted.split("."))


def find_line(text: str, key: str) -> int | None:
    """Line of a dotted key path in a scenario's TOML text, or ``None``."""
    return LineIndex(text).find(key)
