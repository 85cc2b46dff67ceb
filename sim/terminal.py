"""Terminal safety: text from users' files never drives the terminal.

A title, level name or note may hold control characters (``ESC ] 0 ;`` sets the window
title, ``ESC [ 2 J`` clears the screen, bidirectional overrides reorder what is shown).
:func:`escape` writes every such character as a ``\\uXXXX`` escape, which reads the same in
text and is valid inside JSON strings, so machine-readable output stays parseable.
:func:`escaping_streams` installs it on standard output and standard error for one command;
progress bars (Rich) write to :func:`raw_stream` instead, since their escape sequences are
the tool's own.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any, TextIO

_KEEP = "\n\t"
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
"""C0 and C1 controls (but newline and tab), DEL, and the invisible format characters
(bidirectional marks, overrides and isolates, zero-width characters, line separators,
tags); :func:`escape` also checks the Unicode category of anything else it is unsure of."""


_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _escaped(match: re.Match[str]) -> str:
    return _escape_char(match.group())


def _escape_char(c: str) -> str:
    code = ord(c)
    if code > 0xFFFF:  # as a JSON surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with control and invisible format characters written as ``\\uXXXX``."""
    if text.isprintable():
        return text
    text = _UNSAFE.sub(_escaped, text)
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "".join(
        _escape_char(c)
        if c not in _KEEP and not c.isprintable() and unicodedata.category(c) in _CATEGORIES
        else c
        for c in text
    )


class EscapingStream(io.TextIOBase):
    """A text stream that escapes what it is given (see :func:`escape`) and writes it on."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    @property
    def buffer(self) -> Any:
        """The raw binary stream, for output that is data (``export --out -``)."""
        return self.raw.buffer

    def write(self, text: str) -> int:
        self.raw.write(escape(text))
        return len(text)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under an :class:`EscapingStream` (the stream itself otherwise)."""
    return stream.raw if isinstance(stream, EscapingStream) else stream


@contextlib.contextmanager
def escaping_streams() -> Iterator[None]:
    """Escape control characters on standard output and error while the block runs."""
    saved = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(raw_stream(sys.stdout))  # type: ignore[assignment]
    sys.stderr = EscapingStream(raw_stream(sys.stderr))  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
