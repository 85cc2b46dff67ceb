r"""Gambit's strategic-game file format (``.nfg``): reading both forms, writing both forms.

A file is a header and a body (Gambit documentation, "Game representation formats")::

    NFG 1 R "title" { "Player 1" "Player 2" } { 3 2 }      <- payoff form: strategy counts
    "optional comment"
    1 1 0 2 0 2 1 1 0 3 2 0                                <- payoffs, profile by profile

    NFG 1 R "title" { "Player 1" "Player 2" }
    { { "T" "B" } { "L" "R" } }                           <- strategy labels
    "optional comment"
    { { "outcome 1" 2, 0 } { "" 0, 1 } }                  <- outcome form: outcomes, then
    1 2 0 1                                               <- one outcome index per profile

Profiles are listed with the *first* player's strategy changing fastest; in the payoff form
each profile lists one payoff per player. Outcome ``0`` is the null outcome (all payoffs
zero). Payoffs may be integers, decimals (``.8``, ``1.5e3``) or fractions (``3/4``); they are
kept exactly (:class:`fractions.Fraction`) for ``--exact``. Whitespace is insignificant
except inside double quotes (``\"`` escapes a quote). Empty or repeated player and strategy
names are made unique. Every problem is reported as one :class:`~sim.errors.ScenarioError`
with the line number and what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from sim.errors import LimitError, ScenarioError
from sim.game import Game, from_arrays

MAX_PAYOFF = 1e15
"""Largest payoff accepted in absolute value (as for numbers in scenario files)."""
_MAX_PAYOFF_EXACT = Fraction(MAX_PAYOFF)
MAX_PROFILES = 10_000_000
"""Refuse files declaring more strategy profiles than this (before allocating)."""
MAX_PLAYERS = 32
"""Most players of a game (numpy arrays have at most 64 axes; one more than the players)."""
MAX_FILE_BYTES = 10_000_000
"""Largest ``.nfg`` file read, in bytes (at this size: about 360 MB and 15 s of CPU)."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]|,|[^\s{},"]+|"', re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|"', re.DOTALL)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?$")


@dataclass(frozen=True)
class NfgGame:
    """A game read from an ``.nfg`` file, with its payoffs also as exact Fractions."""

    game: Game
    exact_payoffs: tuple  # per player, nested tuples of Fraction in the game's array shape
    title: str
    comment: str


@dataclass(frozen=True)
class _Token:
    text: str
    line: int

    @property
    def is_string(self) -> bool:
        return self.text.startswith('"')

    def string(self) -> str:
        return self.text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


class _Reader:
    """Tokens of the text, read lazily (one token of look-ahead), with line numbers."""

    def __init__(self, text: str, path: Path | str | None) -> None:
        self.path = path
        self._text = text
        self._matches = _TOKEN.finditer(text)
        self._line = 1
        self._pos = 0
        self._peeked: _Token | None = None
        self.last_line = 1  # the line of the last token consumed (or the end of the file)
        self._numbers: dict[str, Fraction] = {}
        for match in _STRING.finditer(text):  # an unterminated string is reported first
            if match.group() == '"':
                line = text.count("\n", 0, match.start()) + 1
                self.fail(line, "", "an unterminated quoted string; expected a closing \"")

    def _scan(self) -> _Token | None:
        for match in self._matches:
            self._line += self._text.count("\n", self._pos, match.start())
            self._pos = match.start()
            if match.group() == ",":
                continue
            if match.group() == '"':
                self.fail(self._line, "", "an unterminated quoted string; expected a closing \"")
            return _Token(match.group(), self._line)
        return None

    def fail(self, line: int | None, key: str, expected: str) -> None:
        raise ScenarioError(self.path, key, line, expected)

    def peek(self) -> _Token | None:
        if self._peeked is None:
            self._peeked = self._scan()
        return self._peeked

    def next(self, key: str, expected: str) -> _Token:
        tok = self.peek()
        if tok is None:
            self.fail(self._line, key, f"expected {expected}, found the end of the file")
        self._peeked = None
        self.last_line = tok.line
        return tok

    def expect(self, text: str, key: str, expected: str) -> _Token:
        tok = self.next(key, expected)
        if tok.text != text:
            self.fail(tok.line, key, f"expected {expected}, found {tok.text[:30]!r}")
        return tok

    def string(self, key: str, expected: str) -> str:
        tok = self.next(key, expected)
        if not tok.is_string:
            self.fail(tok.line, key, f"expected {expected} in double quotes, found "
                      f"{tok.text[:30]!r}")
        return tok.string()

    def integer(self, key: str, expected: str, lo: int) -> int:
        tok = self.next(key, expected)
        if not re.fullmatch(r"\d{1,18}", tok.text) or int(tok.text) < lo:
            self.fail(tok.line, key, f"expected {expected}, found {tok.text[:30]!r}")
        return int(tok.text)

    def number(self, key: str) -> Fraction:
        tok = self.next(key, "a payoff (integer, decimal or p/q)")
        if not _NUMBER.match(tok.text):
            self.fail(tok.line, key, f"expected a payoff (integer, decimal or p/q), found "
                      f"{tok.text[:30]!r}")
        num, _, den = tok.text.partition("/")
        digits, _, exponent = num.lower().partition("e")
        if len(digits) > 400 or len(den) > 400 or len(exponent.lstrip("+-")) > 3:
            # Fraction("1e999999999") would build a billion-digit integer
            self.fail(tok.line, key, f"expected a payoff of at most 400 digits and an "
                      f"exponent below 1000, found {tok.text[:30]!r}...")
        cached = self._numbers.get(tok.text)
        if cached is not None:
            return cached
        value = Fraction(num)
        if den:
            if int(den) == 0:
                self.fail(tok.line, key, f"expected a fraction with a non-zero denominator, "
                          f"found {tok.text!r}")
            value /= int(den)
        if abs(value) > _MAX_PAYOFF_EXACT:
            self.fail(tok.line, key, f"expected a payoff of at most {MAX_PAYOFF:g} in size, "
                      f"found {tok.text[:30]!r}")
        self._numbers[tok.text] = value  # files repeat payoffs; at most one per distinct text
        return value

    def string_list(self, key: str, what: str) -> list[str]:
        self.expect("{", key, f"'{{' opening the list of {what}")
        out = []
        while (tok := self.peek()) is not None and tok.text != "}":
            out.append(self.string(key, f"a {what[:-1]} name"))
        self.expect("}", key, f"'}}' closing the list of {what}")
        return out


def parse_nfg(text: str, path: Path | str | None = None, *,
              max_cells: int | None = None) -> NfgGame:
    """Parse the text of an ``.nfg`` file (see the module docstring for the format).

    The declared size is checked against :data:`MAX_PLAYERS`, :data:`MAX_PROFILES` and
    ``max_cells`` (payoff cells, players x profiles; :class:`~sim.errors.LimitError`)
    while the header is read, before anything of that size is allocated.
    """
    r = _Reader(text, path)
    tok = r.next("header", "'NFG'")
    if tok.text != "NFG":
        r.fail(tok.line, "header", f"expected the file to start with 'NFG', found {tok.text[:30]!r}")
    version = r.next("header", "the format version 1")
    if version.text != "1":
        r.fail(version.line, "header", f"expected format version 1, found {version.text[:30]!r}")
    kind = r.next("header", "'R' (rational payoffs) or 'D' (decimal)")
    if kind.text not in ("R", "D"):
        r.fail(kind.line, "header", f"expected 'R' or 'D' after the version, found "
               f"{kind.text[:30]!r}")
    title = r.string("title", "the game's title")
    players = r.string_list("players", "players")
    if not players:
        r.fail(r.last_line, "players", "expected at least one player")
    if len(players) > MAX_PLAYERS:
        r.fail(r.last_line, "players", f"expected at most {MAX_PLAYERS} players, found "
               f"{len(players)}")
    labels = _strategies(r, len(players))
    comment = ""
    if (tok := r.peek()) is not None and tok.is_string:
        comment = r.string("comment", "a comment")
    shape = tuple(len(s) for s in labels)
    _check_cells(r, len(players), shape, max_cells)
    tok = r.peek()
    if tok is not None and tok.text == "{":
        values = _outcome_payoffs(r, len(players), math.prod(shape))
    else:
        values = [[r.number("payoffs") for _ in players] for _ in range(math.prod(shape))]
    if (tok := r.peek()) is not None:
        r.fail(tok.line, "payoffs", f"expected the end of the file after "
               f"{math.prod(shape)} profiles, found {tok.text[:30]!r}")
    arranged = _arrange(values, shape)
    name = Path(path).stem if path is not None else (title or "game")
    game = from_arrays(arranged.astype(float), name=name, players=_unique(players, "Player"),
                       strategies=[_unique(s, "") for s in labels])
    exact = _to_tuples(arranged.tolist())
    return NfgGame(game=game, exact_payoffs=exact, title=title, comment=comment)


def _strategies(r: _Reader, n: int) -> list[list[str]]:
    r.expect("{", "strategies", "'{' opening the strategy counts or strategy names")
    tok = r.peek()
    labels: list[list[str]] = []
    if tok is not None and tok.text == "{":
        for _ in range(n):
            names = r.string_list("strategies", "strategies")
            if not names:
                r.fail(r.last_line, "strategies",
                       "expected at least one strategy per player")
            labels.append(names)
    else:
        profiles = 1
        for _ in range(n):
            tok = r.peek()
            count = r.integer("strategies", "a positive number of strategies", 1)
            profiles *= count
            if profiles > MAX_PROFILES:  # checked before the labels are allocated
                r.fail(tok.line if tok else None, "strategies",
                       f"the strategy counts make more than {MAX_PROFILES:,} profiles, "
                       "over the limit")
            labels.append([""] * count)
    tok = r.next("strategies", "'}' closing the strategies")
    if tok.text != "}":
        r.fail(tok.line, "strategies", f"expected one entry per player ({n}) and '}}', found "
               f"{tok.text[:30]!r}")
    return labels


def _check_cells(r: _Reader, players: int, shape: tuple[int, ...],
                 max_cells: int | None) -> None:
    profiles = math.prod(shape)
    if profiles > MAX_PROFILES:
        r.fail(None, "strategies", f"the game has {profiles:,} profiles, over the limit of "
               f"{MAX_PROFILES:,}")
    if max_cells is not None and players * profiles > max_cells:
        msg = (f"{r.path}: the game has {' x '.join(map(str, shape))} strategy profiles "
               f"({players * profiles:,} payoff cells), over the limit of {max_cells:,}")
        raise LimitError(msg, limit="max_cells")


def _outcome_payoffs(r: _Reader, n: int, profiles: int) -> list[list[Fraction]]:
    r.expect("{", "outcomes", "'{' opening the list of outcomes")
    outcomes: list[list[Fraction]] = [[Fraction(0)] * n]
    while (tok := r.peek()) is not None and tok.text != "}":
        r.expect("{", "outcomes", "'{' opening an outcome")
        r.string("outcomes", "the outcome's name")
        outcomes.append([r.number(f"outcomes[{len(outcomes)}]") for _ in range(n)])
        end = r.next("outcomes", "'}' closing the outcome")
        if end.text != "}":
            r.fail(end.line, f"outcomes[{len(outcomes) - 1}]",
                   f"expected {n} payoffs (one per player) and '}}', found {end.text[:30]!r}")
    r.expect("}", "outcomes", "'}' closing the list of outcomes")
    values = []
    for _ in range(profiles):
        tok = r.peek()
        k = r.integer("outcomes", "an outcome number for each profile", 0)
        if k >= len(outcomes):
            r.fail(tok.line, "outcomes", f"expected an outcome number from 0 to "
                   f"{len(outcomes) - 1}, found {k}")
        values.append(outcomes[k])
    return values


def _arrange(values: list[list[Fraction]], shape: tuple[int, ...]) -> np.ndarray:
    """Per player, an object array in the game's shape (profiles are listed
    first-player-fastest, i.e. in Fortran order)."""
    n = len(shape)
    flat = np.empty((len(values), n), dtype=object)
    for k, payoff in enumerate(values):
        flat[k] = payoff
    return np.stack([flat[:, p].reshape(shape, order="F") for p in range(n)])


def _to_tuples(nested):
    if isinstance(nested, list):
        return tuple(_to_tuples(a) for a in nested)
    return nested


def _unique(names: Sequence[str], prefix: str) -> list[str]:
    """Empty names become ``"Player k"`` (or ``"k"``); repeats get `` (2)``, `` (3)``...

    Linear time: a set of the names taken so far, and per base name the last suffix
    tried, so no suffix is tried twice for one base (each name taken can block one
    ``base (c)`` only).
    """
    out: list[str] = []
    taken: set[str] = set()
    last_suffix: dict[str, int] = {}
    for k, name in enumerate(names, start=1):
        base = name.strip() or (f"{prefix} {k}" if prefix else str(k))
        candidate = base
        if candidate in taken:
            count = last_suffix.get(base, 1)
            while candidate in taken:
                count += 1
                candidate = f"{base} ({count})"
            last_suffix[base] = count
        taken.add(candidate)
        out.append(candidate)
    return out


def load_nfg(path: Path | str, *, max_cells: int | None = None,
             max_bytes: int = MAX_FILE_BYTES) -> NfgGame:
    """Read (at most ``max_bytes``, :func:`sim.io.read_bounded`) and parse an ``.nfg`` file."""
    from sim.errors import InputError
    from sim.io import read_bounded

    try:
        raw = read_bounded(path, max_bytes)
    except InputError as exc:
        raise ScenarioError(path, "", None, str(exc)) from None
    if not raw.strip():
        raise ScenarioError(path, "", None, "is empty, expected a Gambit .nfg game")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"is not UTF-8 text (byte {exc.start})"
        raise ScenarioError(path, "", None, msg) from None
    return parse_nfg(text, path, max_cells=max_cells)


def format_number(value) -> str:
    """A payoff as Gambit writes it: integer, decimal, or ``p/q`` when not a short decimal."""
    if isinstance(value, Fraction):
        return str(value)
    x = float(value)
    if x.is_integer():
        return str(int(x))
    text = repr(x)
    return str(Fraction(text)) if "e" in text else text


def write_nfg(game: Game, *, exact_payoffs=None, form: str = "outcome",
              title: str | None = None, comment: str = "") -> str:
    """The text of an ``.nfg`` file for ``game``.

    ``form="outcome"`` keeps strategy labels (one outcome per profile); ``form="payoff"``
    writes the compact payoff form with strategy counts. ``exact_payoffs`` (Fractions, as in
    :class:`NfgGame`) are written instead of the floats when given.
    """
    if form not in ("outcome", "payoff"):
        msg = f"unknown nfg form {form!r}; expected 'outcome' or 'payoff'"
        raise ValueError(msg)
    shape = game.payoffs.shape[1:]
    n = len(shape)
    source = np.empty(game.payoffs.shape, dtype=object)
    if exact_payoffs is not None:
        source[...] = np.array(exact_payoffs, dtype=object)
    else:
        source[...] = game.payoffs
    head = f"NFG 1 R {_quote(title if title is not None else game.name)} "
    head += "{ " + " ".join(_quote(p) for p in game.players) + " }"
    profiles = [np.unravel_index(k, shape, order="F") for k in range(math.prod(shape))]
    rows = [[format_number(source[(p, *idx)]) for p in range(n)] for idx in profiles]
    if form == "payoff":
        lines = [head + " { " + " ".join(str(s) for s in shape) + " }", _quote(comment), ""]
        lines += [" ".join(r) for r in rows]
        return "\n".join(lines) + "\n"
    lines = [head, "{"]
    lines += ["{ " + " ".join(_quote(s) for s in labels) + " }" for labels in game.strategies]
    lines += ["}", _quote(comment), "", "{"]
    lines += ["{ \"\" " + ", ".join(r) + " }" for r in rows]
    lines += ["}", " ".join(str(k) for k in range(1, len(rows) + 1))]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
