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

from sim.errors import ScenarioError
from sim.game import Game, from_arrays

MAX_PAYOFF = 1e15
"""Largest payoff accepted in absolute value (as for numbers in scenario files)."""
MAX_PROFILES = 10_000_000
"""Refuse files declaring more strategy profiles than this (before allocating)."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]|,|[^\s{},"]+|"', re.DOTALL)
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
    def __init__(self, text: str, path: Path | str | None) -> None:
        self.path = path
        self.tokens: list[_Token] = []
        line = 1
        pos = 0
        for match in _TOKEN.finditer(text):
            line += text.count("\n", pos, match.start())
            pos = match.start()
            if match.group() == ",":
                continue
            if match.group() == '"':
                self.fail(line, "", "an unterminated quoted string; expected a closing \"")
            self.tokens.append(_Token(match.group(), line))
        self.end_line = self.tokens[-1].line if self.tokens else 1  # the last token's line
        self.i = 0

    def fail(self, line: int | None, key: str, expected: str) -> None:
        raise ScenarioError(self.path, key, line, expected)

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self, key: str, expected: str) -> _Token:
        tok = self.peek()
        if tok is None:
            self.fail(self.end_line, key, f"expected {expected}, found the end of the file")
        self.i += 1
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
        value = Fraction(num)
        if den:
            if int(den) == 0:
                self.fail(tok.line, key, f"expected a fraction with a non-zero denominator, "
                          f"found {tok.text!r}")
            value /= int(den)
        if abs(value) > MAX_PAYOFF:
            self.fail(tok.line, key, f"expected a payoff of at most {MAX_PAYOFF:g} in size, "
                      f"found {tok.text[:30]!r}")
        return value

    def string_list(self, key: str, what: str) -> list[str]:
        self.expect("{", key, f"'{{' opening the list of {what}")
        out = []
        while (tok := self.peek()) is not None and tok.text != "}":
            out.append(self.string(key, f"a {what[:-1]} name"))
        self.expect("}", key, f"'}}' closing the list of {what}")
        return out


def parse_nfg(text: str, path: Path | str | None = None) -> NfgGame:
    """Parse the text of an ``.nfg`` file (see the module docstring for the format)."""
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
        r.fail(r.tokens[r.i - 1].line, "players", "expected at least one player")
    labels = _strategies(r, len(players))
    comment = ""
    if (tok := r.peek()) is not None and tok.is_string:
        comment = r.string("comment", "a comment")
    shape = tuple(len(s) for s in labels)
    if math.prod(shape) > MAX_PROFILES:
        r.fail(None, "strategies", f"the game has {math.prod(shape):,} profiles, over the "
               f"limit of {MAX_PROFILES:,}")
    tok = r.peek()
    if tok is not None and tok.text == "{":
        values = _outcome_payoffs(r, len(players), math.prod(shape))
    else:
        values = [[r.number("payoffs") for _ in players] for _ in range(math.prod(shape))]
    if (tok := r.peek()) is not None:
        r.fail(tok.line, "payoffs", f"expected the end of the file after "
               f"{math.prod(shape)} profiles, found {tok.text[:30]!r}")
    exact = _arrange(values, shape)
    name = Path(path).stem if path is not None else (title or "game")
    game = from_arrays(np.array([[float(v) for v in _flat(p)] for p in exact]).reshape(
        (len(players), *shape)), name=name, players=_unique(players, "Player"),
        strategies=[_unique(s, "") for s in labels])
    return NfgGame(game=game, exact_payoffs=exact, title=title, comment=comment)


def _strategies(r: _Reader, n: int) -> list[list[str]]:
    r.expect("{", "strategies", "'{' opening the strategy counts or strategy names")
    tok = r.peek()
    labels: list[list[str]] = []
    if tok is not None and tok.text == "{":
        for _ in range(n):
            names = r.string_list("strategies", "strategies")
            if not names:
                r.fail(r.tokens[r.i - 1].line, "strategies",
                       "expected at least one strategy per player")
            labels.append(names)
    else:
        for _ in range(n):
            count = r.integer("strategies", "a positive number of strategies", 1)
            if count > MAX_PROFILES:  # checked before the labels are allocated
                r.fail(None, "strategies", f"a player has {count:,} strategies, over the "
                       f"limit of {MAX_PROFILES:,} profiles")
            labels.append([""] * count)
    tok = r.next("strategies", "'}' closing the strategies")
    if tok.text != "}":
        r.fail(tok.line, "strategies", f"expected one entry per player ({n}) and '}}', found "
               f"{tok.text[:30]!r}")
    return labels


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


def _arrange(values: list[list[Fraction]], shape: tuple[int, ...]) -> tuple:
    """Per player, nested tuples in array order (profiles are listed first-player-fastest)."""
    n = len(shape)
    arr = np.empty((n, *shape), dtype=object)
    for k, payoff in enumerate(values):
        index = np.unravel_index(k, shape, order="F")
        for p in range(n):
            arr[(p, *index)] = payoff[p]
    return _to_tuples(arr.tolist())


def _to_tuples(nested):
    if isinstance(nested, list):
        return tuple(_to_tuples(a) for a in nested)
    return nested


def _flat(nested) -> list:
    if isinstance(nested, tuple):
        return [v for item in nested for v in _flat(item)]
    return [nested]


def _unique(names: Sequence[str], prefix: str) -> list[str]:
    """Empty names become ``"Player k"`` (or ``"k"``); repeats get `` (2)``, `` (3)``...

    Linear time: a set of the names taken so far, and per base name the last suffix tried,
    so no suffix is tried twice for one base.
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


def load_nfg(path: Path | str) -> NfgGame:
    """Read and parse an ``.nfg`` file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, "", None, f"cannot read the file: {exc}") from exc
    return parse_nfg(text, path)


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
