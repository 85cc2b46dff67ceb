"""Scenario files: read, validate and cite (the only module that knows the file format).

A scenario is a TOML file (read with :mod:`tomllib`). The format is documented in
``docs/reference/scenario-format.md``; in short:

* ``[scenario]`` name, title, date, description, notes, contradictions;
* ``[sources.<id>]`` outlet, date, title, reliability, url, note;
* ``[facts]`` ``name = { value, unit, source = [ids], note }``: numbers reported by sources;
* ``[assumptions]`` ``name = { value, range = [lo, hi], unit, why, source }``: judgement calls;
* ``[players.<p>.levers.<lever>]`` ``levels = { name = number | "fact or assumption" }``;
* ``[terms]`` named intermediate formulas; ``[payoffs]`` one formula per player;
* ``[profiles.<name>]`` named strategy profiles (``<player> = { lever = level }``);
* ``[truce]`` and ``[bargaining]`` settings used by the truce and bargaining analyses;
* or, for hand-written classroom games, ``[game]`` with ``players``, ``strategies`` and
  ``payoffs`` (one matrix per player).

:func:`load_scenario` collects *every* problem of a file and raises one
:class:`~sim.errors.ScenarioErrors` naming the file, key path, line and what was expected.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import FormulaError, ScenarioError, ScenarioErrors
from sim.levers import continuous_levels, grid_points
from sim.scenario.formula import Formula, parse_formula
from sim.scenario_trade import (
    MarketError,
    TradeMarket,
    parse_trade,
    trade_names,
    trade_terms,
)

MAX_FILE_BYTES = 2_000_000
"""Largest scenario file read, in bytes."""

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

Profile = dict[str, dict[str, str]]
"""A pure profile by name: ``{player: {lever: level}}``."""
Ref = float | str
"""A number, or the name of a fact or assumption holding it."""
ProfileRef = str | Profile
"""A profile: its name in ``[profiles]`` or an inline ``{player: {lever: level}}``."""


@dataclass(frozen=True)
class TruceSpec:
    """The ``[truce]`` table as written (validated; numbers may still name facts).

    Resolving it to numbers (defaults, discounting, options) is
    :mod:`sim.analyses.settings`' job, in one place.
    """

    profile: ProfileRef
    length_days: Ref | None = None
    period_days: Ref | None = None
    discount: Ref | None = None
    annual_discount_rate: Ref | None = None
    renewal_probability: Ref | None = None
    noise_implementation: Ref | None = None
    noise_perception: Ref | None = None
    punishment: str | None = None
    punishment_periods: int | None = None
    escalation: ProfileRef | None = None
    strategies: tuple[str, ...] = ()


@dataclass(frozen=True)
class BargainingSpec:
    """The ``[bargaining]`` table as written (validated)."""

    disagreement: str | None = None
    outside_options: dict[str, Ref] = field(default_factory=dict)
    issues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    move_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    outlet: str
    title: str
    date: str = ""
    reliability: str = ""
    url: str = ""
    note: str = ""

    def cite(self) -> str:
        """``Outlet, date, "Title"``: how the tool cites an article."""
        parts = [self.outlet, self.date, f'"{self.title}"' if self.title else ""]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Quantity:
    """A fact (reported, cited) or an assumption (a judgement call with a range)."""

    name: str
    kind: str  # "fact" | "assumption"
    value: float
    unit: str = ""
    sources: tuple[str, ...] = ()
    range: tuple[float, float] | None = None
    why: str = ""
    note: str = ""

    def origin(self) -> str:
        """Where the number comes from, in a few words."""
        if self.kind == "fact":
            return "fact: " + ", ".join(self.sources)
        lo, hi = self.range if self.range else (self.value, self.value)
        return f"assumption (range {lo:g}..{hi:g})"


@dataclass(frozen=True)
class Lever:
    name: str
    player: str
    levels: tuple[str, ...]
    values: tuple[float, ...]
    refs: tuple[str | None, ...]  # the fact/assumption each level's value names, if any
    sources: tuple[str, ...] = ()
    description: str = ""
    range: tuple[float, float] | None = None  # a continuous lever: any value in [lo, hi]
    unit: str = ""
    anchors: int = -1  # continuous lever: how many of the levels are named in the file

    @property
    def continuous(self) -> bool:
        return self.range is not None


@dataclass(frozen=True)
class Player:
    name: str
    levers: tuple[Lever, ...]
    description: str = ""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build its game with :func:`sim.scenario.build.build_game`."""

    path: Path | None
    name: str
    title: str
    date: str
    description: str
    sources: dict[str, Source]
    facts: dict[str, Quantity]
    assumptions: dict[str, Quantity]
    players: tuple[Player, ...]
    terms: dict[str, Formula]
    payoffs: dict[str, Formula]
    profiles: dict[str, Profile]
    truce: TruceSpec | None
    bargaining: BargainingSpec | None
    matrix: dict[str, Any] | None = None  # the [game] classroom form, if used
    notes: tuple[str, ...] = ()
    contradictions: tuple[str, ...] = ()
    text: str = field(default="", repr=False)
    trade: dict[str, TradeMarket] = field(default_factory=dict)  # [trade.<market>] blocks

    @property
    def player_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.players)

    def quantities(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Values of every fact and assumption, with ``overrides`` applied."""
        values = {q.name: q.value for q in (*self.facts.values(), *self.assumptions.values())}
        for name, v in (overrides or {}).items():
            if name not in values:
                msg = f"'{name}' is neither a fact nor an assumption of {self.name}"
                raise ScenarioError(self.path, name, None, msg)
            values[name] = float(v)
        return values

    def quantity(self, name: str) -> Quantity:
        if name in self.facts:
            return self.facts[name]
        return self.assumptions[name]

    def value(self, ref: float | str, overrides: Mapping[str, float] | None = None) -> float:
        """A number given either as a literal or as the name of a fact or assumption."""
        if isinstance(ref, str):
            return self.quantities(overrides)[ref]
        return float(ref)

    def truce_numbers(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """The numeric settings of ``[truce]`` that the file gives, resolved to numbers."""
        keys = ("length_days", "period_days", "discount", "annual_discount_rate",
                "renewal_probability", "noise_implementation", "noise_perception")
        if self.truce is None:
            return {}
        given = {k: getattr(self.truce, k) for k in keys}
        return {k: self.value(v, overrides) for k, v in given.items() if v is not None}

    def evaluate(self, env: Mapping[str, Any]) -> list[Any]:
        """Each player's payoff (an array) from ``env``: quantities and lever values.

        The ``[trade]`` markets are evaluated first, then ``[terms]`` in file order.
        """
        env = dict(env)
        try:
            env.update(trade_terms(self.trade, env))
        except MarketError as exc:
            err = ScenarioError(self.path, exc.key, find_line(self.text, exc.key), exc.expected)
            raise ScenarioErrors([err]) from None
        for name, formula in self.terms.items():
            env[name] = formula(env)
        return [self.payoffs[p.name](env) for p in self.players]

    def lever(self, name: str) -> Lever:
        for p in self.players:
            for lv in p.levers:
                if lv.name == name:
                    return lv
        raise KeyError(name)


# --------------------------------------------------------------------------- loading


def load_scenario(path: str | Path, *, grid: int | None = None) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioErrors` listing every problem.

    Continuous levers (``range = [lo, hi]``) are discretised for the finite-game analyses
    into ``grid`` evenly spaced values plus the file's named levels; ``grid`` defaults to
    the command line's ``tradesim --grid N`` or :data:`sim.levers.DEFAULT_GRID`.
    """
    path = Path(path)
    return loads_scenario(read_text(path), path, grid=grid)


def loads_scenario(text: str, path: Path, *, grid: int | None = None) -> Scenario:
    """Validate a scenario given as text (e.g. an upload); ``path`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ScenarioErrors(
            [ScenarioError(path, "", line, f"is not valid TOML ({_toml_reason(exc)})")]
        ) from None
    except ValueError as exc:  # e.g. an integer literal of more than 4300 digits
        raise ScenarioErrors(
            [ScenarioError(path, "", None, f"is not valid TOML ({exc})")]
        ) from None
    except RecursionError:  # tomllib recurses once per level of nested tables/arrays
        raise ScenarioErrors(
            [ScenarioError(path, "", None, "nests tables or arrays too deeply; expected a "
                           "scenario (a few levels of tables)")]
        ) from None
    return parse_scenario(data, path=path, text=text, grid=grid)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file with one-line errors for every way that can fail."""

    def fail(what: str) -> ScenarioErrors:
        return ScenarioErrors([ScenarioError(path, "", None, what)])

    if not path.exists():
        msg = "no such file"
        raise fail(msg)
    if path.is_dir():
        msg = "is a directory, expected a file"
        raise fail(msg)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"is {size} bytes; the limit is {MAX_FILE_BYTES}"
            raise fail(msg)
        raw = path.read_bytes()
    except PermissionError:
        msg = "cannot be read (permission denied)"
        raise fail(msg) from None
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror})"
        raise fail(msg) from None
    if not raw.strip():
        msg = "is empty, expected a scenario"
        raise fail(msg)
    if b"\x00" in raw:
        msg = "is a binary file, expected UTF-8 text"
        raise fail(msg)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"is not UTF-8 text (byte {exc.start})"
        raise fail(msg) from None


def _toml_error_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def _toml_reason(exc: Exception) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "syntax error"


def parse_scenario(
    data: Mapping[str, Any], *, path: Path | None = None, text: str = "",
    grid: int | None = None,
) -> Scenario:
    """Validate an already-parsed TOML document (``dict``) into a :class:`Scenario`."""
    v = _Validator(path, text, grid_points(grid))
    scenario = v.scenario(data)
    v.raise_if_any()
    assert scenario is not None  # raise_if_any returned, so there were no errors
    return scenario


# --------------------------------------------------------------------------- validation


_TOP_KEYS = {
    "scenario",
    "sources",
    "facts",
    "assumptions",
    "players",
    "terms",
    "payoffs",
    "profiles",
    "truce",
    "bargaining",
    "game",
    "trade",
}
_SCENARIO_KEYS = {"name", "title", "date", "description", "notes", "contradictions"}
_SOURCE_KEYS = {"outlet", "title", "date", "reliability", "url", "note"}
_FACT_KEYS = {"value", "unit", "source", "note"}
_ASSUMPTION_KEYS = {"value", "range", "unit", "why", "source", "note"}
_PLAYER_KEYS = {"description", "levers"}
_LEVER_KEYS = {"levels", "description", "source", "range", "unit"}
_GAME_KEYS = {"players", "strategies", "payoffs"}
TRUCE_KEYS = {
    "profile",
    "length_days",
    "period_days",
    "annual_discount_rate",
    "renewal_probability",
    "discount",
    "noise_implementation",
    "noise_perception",
    "punishment",
    "punishment_periods",
    "escalation",
    "strategies",
}
BARGAINING_KEYS = {"disagreement", "outside_options", "issues", "move_order"}
_PROBABILITY_KEYS = {"renewal_probability", "noise_implementation", "noise_perception"}


class _Validator:
    def __init__(self, path: Path | None, text: str, grid: int = 5) -> None:
        self.grid = grid
        self.path = path
        self.text = text
        self.lines = _LineIndex(text)
        self.errors: list[ScenarioError] = []

    # -- reporting
    def err(self, key: str, expected: str) -> None:
        self.errors.append(ScenarioError(self.path, key, self.lines.find(key), expected))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ScenarioErrors(self.errors)

    # -- small type checks
    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.err(key, f"expected a table, got {_typename(value)}")
            return {}
        return value

    def unknown(self, table: Mapping[str, Any], allowed: set[str], key: str) -> None:
        for k in table:
            if k not in allowed:
                shown = k if _BARE_KEY.match(k) else '"' + k.replace('"', '\\"') + '"'
                self.err(
                    f"{key}.{shown}" if key else shown,
                    f"unknown key '{k}'; expected one of: {', '.join(sorted(allowed))}",
                )

    def string(self, table: Mapping[str, Any], k: str, key: str, *, required: bool) -> str:
        if k not in table:
            if required:
                self.err(f"{key}.{k}", "is missing; expected a string")
            return ""
        if not isinstance(table[k], str):
            self.err(f"{key}.{k}", f"expected a string, got {_typename(table[k])}")
            return ""
        return table[k]

    def strings(self, table: Mapping[str, Any], k: str, key: str) -> tuple[str, ...]:
        value = table.get(k, [])
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.err(f"{key}.{k}", f"expected a list of strings, got {_typename(value)}")
            return ()
        return tuple(value)

    def number(self, value: Any, key: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(key, f"expected a number, got {_typename(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.err(key, f"expected a finite number, got {value}")
            return None
        if abs(value) > 1e15:  # compared as int first: a huge int cannot become a float
            got = f"{value:g}" if isinstance(value, float) else "a larger integer"
            self.err(key, f"expected a number of at most 1e15 in size, got {got}")
            return None
        return float(value)

    # -- sections
    def scenario(self, data: Mapping[str, Any]) -> Scenario | None:
        self.unknown(data, _TOP_KEYS, "")
        head = self.table(data.get("scenario", {}), "scenario")
        self.unknown(head, _SCENARIO_KEYS, "scenario")
        name = self.string(head, "name", "scenario", required=True)
        if name and not SLUG_RE.match(name):
            self.err(
                "scenario.name", "expected a short name of lower-case letters, digits, '-', '_'"
            )
        sources = self.sources(data.get("sources", {}))
        facts = self.facts(data.get("facts", {}), sources)
        assumptions = self.assumptions(data.get("assumptions", {}), sources)
        for n in set(facts) & set(assumptions):
            self.err(f"assumptions.{n}", f"'{n}' is also a fact; expected distinct names")
        quantities = {**facts, **assumptions}
        matrix, players, terms, payoffs, trade = self.game_body(data, sources, quantities)
        profiles = self.profiles(data.get("profiles", {}), players)
        truce = self.truce(data.get("truce"), players, profiles, quantities)
        bargaining = self.bargaining(data.get("bargaining"), players, profiles, quantities)
        if self.errors:
            return None
        title = self.string(head, "title", "scenario", required=False) or name
        date = self.string(head, "date", "scenario", required=False)
        description = self.string(head, "description", "scenario", required=False)
        notes = self.strings(head, "notes", "scenario")
        contradictions = self.strings(head, "contradictions", "scenario")
        if self.errors:
            return None
        return Scenario(
            path=self.path,
            name=name,
            title=title,
            date=date,
            description=description,
            sources=sources,
            facts=facts,
            assumptions=assumptions,
            players=players,
            terms=terms,
            payoffs=payoffs,
            profiles=profiles,
            truce=truce,
            bargaining=bargaining,
            matrix=matrix,
            notes=notes,
            contradictions=contradictions,
            text=self.text,
            trade=trade,
        )

    def game_body(self, data: Mapping[str, Any], sources: Mapping[str, Source],
                  quantities: Mapping[str, Quantity]) -> tuple[Any, ...]:
        """``(matrix, players, terms, payoffs, trade)``: a [game] matrix or levers and formulas."""
        if "game" in data:
            if "players" in data or "payoffs" in data:
                self.err("game", "a file has either [game] or [players]/[payoffs], not both")
            matrix, players = self.matrix_game(data["game"])
            terms: dict[str, Formula] = {}
            payoffs: dict[str, Formula] = {}
            trade: dict[str, TradeMarket] = {}
            if "trade" in data:
                self.err("trade", "a [game] file has no levers to trade with; remove [trade]")
        else:
            matrix = None
            players = self.players(data.get("players", {}), sources, quantities)
            trade = parse_trade(self, data.get("trade", {}), players, quantities)
            extra = trade_names(trade)
            terms = self.terms(data.get("terms", {}), players, quantities, extra)
            payoffs = self.payoffs(data.get("payoffs", {}), players, quantities, terms, extra)
        return matrix, players, terms, payoffs, trade

    def sources(self, raw: Any) -> dict[str, Source]:
        out: dict[str, Source] = {}
        for sid, body in self.table(raw, "sources").items():
            key = f"sources.{sid}"
            body = self.table(body, key)
            self.unknown(body, _SOURCE_KEYS, key)
            fields = {
                k: self.string(body, k, key, required=k in {"outlet", "title"})
                for k in _SOURCE_KEYS
            }
            out[sid] = Source(id=sid, **fields)
        return out

    def cites(
        self, body: Mapping[str, Any], key: str, sources: Mapping[str, Source], *, required: bool
    ) -> tuple[str, ...]:
        ids = self.strings(body, "source", key)
        if required and not ids:
            self.err(f"{key}.source", "is missing; every fact must cite at least one source id")
        for sid in ids:
            if sid not in sources:
                known = ", ".join(sorted(sources)) or "none defined"
                self.err(f"{key}.source", f"cites unknown source '{sid}'; known sources: {known}")
        return ids

    def facts(self, raw: Any, sources: Mapping[str, Source]) -> dict[str, Quantity]:
        out: dict[str, Quantity] = {}
        for name, body in self.table(raw, "facts").items():
            key = f"facts.{name}"
            if not self.check_name(name, key):
                continue
            body = self.table(body, key)
            self.unknown(body, _FACT_KEYS, key)
            value = self.number(body.get("value"), f"{key}.value")
            ids = self.cites(body, key, sources, required=True)
            # an invalid value is already reported; keep the name declared (as NaN, never
            # used since validation fails) so formulas using it are not reported again
            out[name] = Quantity(
                name=name,
                kind="fact",
                value=math.nan if value is None else value,
                sources=ids,
                unit=self.string(body, "unit", key, required=False),
                note=self.string(body, "note", key, required=False),
            )
        return out

    def assumptions(self, raw: Any, sources: Mapping[str, Source]) -> dict[str, Quantity]:
        out: dict[str, Quantity] = {}
        for name, body in self.table(raw, "assumptions").items():
            key = f"assumptions.{name}"
            if not self.check_name(name, key):
                continue
            body = self.table(body, key)
            self.unknown(body, _ASSUMPTION_KEYS, key)
            value = self.number(body.get("value"), f"{key}.value")
            rng = self.range(body.get("range"), f"{key}.range")
            ids = self.cites(body, key, sources, required=False)
            if value is not None and rng is not None and not rng[0] <= value <= rng[1]:
                self.err(
                    f"{key}.value", f"{value:g} lies outside its range [{rng[0]:g}, {rng[1]:g}]"
                )
            if True:  # declared even when invalid (reported above), see facts()
                out[name] = Quantity(
                    name=name,
                    kind="assumption",
                    value=math.nan if value is None else value,
                    range=rng,
                    sources=ids,
                    unit=self.string(body, "unit", key, required=False),
                    why=self.string(body, "why", key, required=True),
                    note=self.string(body, "note", key, required=False),
                )
        return out

    def range(self, raw: Any, key: str) -> tuple[float, float] | None:
        if raw is None:
            self.err(key, "is missing; expected [low, high]")
            return None
        if not isinstance(raw, list) or len(raw) != 2:
            self.err(key, f"expected [low, high], got {_typename(raw)}")
            return None
        lo, hi = (self.number(x, key) for x in raw)
        if lo is None or hi is None:
            return None
        if lo > hi:
            self.err(key, f"low end {lo:g} is above high end {hi:g}")
            return None
        return (lo, hi)

    def check_name(self, name: str, key: str) -> bool:
        if not NAME_RE.match(name):
            self.err(
                key,
                f"'{name}' is not a usable name; expected letters, digits and '_', "
                "starting with a letter",
            )
            return False
        return True

    def players(
        self, raw: Any, sources: Mapping[str, Source], quantities: Mapping[str, Quantity]
    ) -> tuple[Player, ...]:
        table = self.table(raw, "players")
        if len(table) < 2:
            self.err("players", f"expected at least 2 players, got {len(table)}")
        players = []
        seen: dict[str, str] = {}
        for pname, body in table.items():
            key = f"players.{pname}"
            self.check_name(pname, key)
            body = self.table(body, key)
            self.unknown(body, _PLAYER_KEYS, key)
            levers = []
            lever_table = self.table(body.get("levers", {}), f"{key}.levers")
            if not lever_table:
                self.err(f"{key}.levers", "expected at least one lever")
            for lname, lbody in lever_table.items():
                lkey = f"{key}.levers.{lname}"
                if not self.check_name(lname, lkey):
                    continue
                if lname in seen:
                    self.err(
                        lkey,
                        f"lever name '{lname}' is also a lever of {seen[lname]}; "
                        "expected lever names unique across players",
                    )
                if lname in quantities:
                    self.err(lkey, f"lever name '{lname}' is also a fact or assumption")
                seen[lname] = pname
                lever = self.lever(lname, pname, lbody, lkey, sources, quantities)
                if lever is not None:
                    levers.append(lever)
            players.append(
                Player(
                    name=pname,
                    levers=tuple(levers),
                    description=self.string(body, "description", key, required=False),
                )
            )
        return tuple(players)

    def lever(
        self,
        lname: str,
        pname: str,
        body: Any,
        key: str,
        sources: Mapping[str, Source],
        quantities: Mapping[str, Quantity],
    ) -> Lever | None:
        body = self.table(body, key)
        self.unknown(body, _LEVER_KEYS, key)
        levels = self.table(body.get("levels", {}), f"{key}.levels")
        span = self.lever_range(body, key) if "range" in body else None
        if not levels and "range" not in body:
            self.err(
                f"{key}.levels", "expected at least one level, e.g. levels = { low = 0, high = 1 }"
                " (or a range = [lo, hi] for a continuous lever)"
            )
            return None
        names, values, refs = [], [], []
        for level, raw in levels.items():
            lk = f"{key}.levels.{level}"
            if isinstance(raw, str):
                if raw not in quantities:
                    self.err(lk, f"names '{raw}', which is not a fact or assumption")
                    continue
                names.append(level)
                values.append(quantities[raw].value)
                refs.append(raw)
            else:
                value = self.number(raw, lk)
                if value is None:
                    continue
                names.append(level)
                values.append(value)
                refs.append(None)
        ids = self.cites(body, key, sources, required=False)
        lever = Lever(
            name=lname,
            player=pname,
            levels=tuple(names),
            values=tuple(values),
            refs=tuple(refs),
            sources=ids,
            description=self.string(body, "description", key, required=False),
            unit=self.string(body, "unit", key, required=False),
        )
        if "range" not in body or span is None:
            return lever
        for level, value in zip(names, values, strict=True):
            if not span[0] <= value <= span[1]:
                self.err(f"{key}.levels.{level}",
                         f"{value:g} lies outside the lever's range [{span[0]:g}, {span[1]:g}]")
        return continuous_levels(lever, span, self.grid)

    def lever_range(self, body: Mapping[str, Any], key: str) -> tuple[float, float] | None:
        span = self.range(body["range"], f"{key}.range")
        if span is not None and not span[0] < span[1]:
            self.err(f"{key}.range", f"expected low < high for a continuous lever, got "
                                     f"[{span[0]:g}, {span[1]:g}]")
            return None
        return span

    def terms(
        self, raw: Any, players: tuple[Player, ...], quantities: Mapping[str, Quantity],
        extra: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> dict[str, Formula]:
        known = set(quantities) | {lv.name for p in players for lv in p.levers} | set(extra)
        out: dict[str, Formula] = {}
        for name, text in self.table(raw, "terms").items():
            key = f"terms.{name}"
            if not self.check_name(name, key):
                continue
            if name in known:
                self.err(key, f"term name '{name}' is already a lever, fact or assumption")
                continue
            formula = self.formula(text, key, known)
            if formula is not None:
                out[name] = formula
            known.add(name)  # later terms may use earlier ones
        return out

    def payoffs(
        self,
        raw: Any,
        players: tuple[Player, ...],
        quantities: Mapping[str, Quantity],
        terms: Mapping[str, Formula],
        extra: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> dict[str, Formula]:
        known = (set(quantities) | {lv.name for p in players for lv in p.levers} | set(terms)
                 | set(extra))
        table = self.table(raw, "payoffs")
        names = [p.name for p in players]
        self.unknown(table, set(names), "payoffs")
        out: dict[str, Formula] = {}
        for pname in names:
            if pname not in table:
                self.err(f"payoffs.{pname}", f"is missing; expected a payoff formula for {pname}")
                continue
            formula = self.formula(table[pname], f"payoffs.{pname}", known)
            if formula is not None:
                out[pname] = formula
        return out

    def formula(self, text: Any, key: str, known: set[str]) -> Formula | None:
        if isinstance(text, int | float) and not isinstance(text, bool):
            if self.number(text, key) is None:
                return None
            text = repr(float(text))
        if not isinstance(text, str):
            self.err(key, f"expected a formula string, got {_typename(text)}")
            return None
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            self.err(key, str(exc))
            return None
        for n in sorted(formula.names - known):
            self.err(
                key,
                f"formula uses unknown name '{n}'; expected a lever, fact, "
                "assumption or earlier term",
            )
        return formula if formula.names <= known else None

    def matrix_game(self, raw: Any) -> tuple[dict[str, Any] | None, tuple[Player, ...]]:
        body = self.table(raw, "game")
        self.unknown(body, _GAME_KEYS, "game")
        names = self.strings(body, "players", "game")
        if len(names) < 2:
            self.err("game.players", f"expected at least 2 player names, got {len(names)}")
            return None, ()
        if len(set(names)) != len(names):
            self.err("game.players", "expected distinct player names")
            return None, ()
        strategies = self.table(body.get("strategies", {}), "game.strategies")
        self.unknown(strategies, set(names), "game.strategies")
        shape: list[int] = []
        players = []
        for n in names:
            labels = self.strings(strategies, n, "game.strategies")
            if not labels:
                self.err(f"game.strategies.{n}", "is missing; expected a list of strategy names")
            elif len(set(labels)) != len(labels):
                self.err(f"game.strategies.{n}", "expected distinct strategy names")
            shape.append(len(labels))
            lever = Lever(
                name="strategy",
                player=n,
                levels=labels,
                values=tuple(float(i) for i in range(len(labels))),
                refs=(None,) * len(labels),
            )
            players.append(Player(name=n, levers=(lever,)))
        payoffs = self.table(body.get("payoffs", {}), "game.payoffs")
        self.unknown(payoffs, set(names), "game.payoffs")
        matrices: dict[str, list] = {}
        for n in names:
            key = f"game.payoffs.{n}"
            if n not in payoffs:
                self.err(key, f"is missing; expected a payoff array for {n}")
                continue
            if self.nested_numbers(payoffs[n], shape, key):
                matrices[n] = payoffs[n]
        return {"payoffs": matrices, "shape": tuple(shape)}, tuple(players)

    def nested_numbers(self, value: Any, shape: list[int], key: str,
                       full: list[int] | None = None) -> bool:
        full = shape if full is None else full
        if not shape:
            return self.number(value, key) is not None
        if not isinstance(value, list) or len(value) != shape[0]:
            dims = " x ".join(str(s) for s in full)
            got = f"{len(value)} entries" if isinstance(value, list) else _typename(value)
            depth = len(full) - len(shape)
            where = "" if depth == 0 else f" (at depth {depth + 1}, expected {shape[0]})"
            self.err(key, f"expected a {dims} array, one entry per strategy; got {got}{where}")
            return False
        return all(self.nested_numbers(x, shape[1:], key, full) for x in value)

    def profiles(self, raw: Any, players: tuple[Player, ...]) -> dict[str, Profile]:
        out: dict[str, Profile] = {}
        for name, body in self.table(raw, "profiles").items():
            profile = self.profile(body, f"profiles.{name}", players)
            if profile is not None:
                out[name] = profile
        return out

    def profile(self, body: Any, key: str, players: tuple[Player, ...]) -> Profile | None:
        """A profile: ``{player: {lever: level}}``, or ``{player: level}`` for one-lever players."""
        body = self.table(body, key)
        by_name = {p.name: p for p in players}
        self.unknown(body, set(by_name), key)
        out: Profile = {}
        ok = True
        for p in players:
            pk = f"{key}.{p.name}"
            if p.name not in body:
                self.err(pk, f"is missing; expected the levels {p.name} plays")
                ok = False
                continue
            choice = body[p.name]
            if isinstance(choice, str) and len(p.levers) == 1:
                choice = {p.levers[0].name: choice}
            if not isinstance(choice, dict):
                self.err(pk, 'expected a table { lever = "level" }')
                ok = False
                continue
            levers = {lv.name: lv for lv in p.levers}
            self.unknown(choice, set(levers), pk)
            for lname, lever in levers.items():
                level = choice.get(lname)
                if level not in lever.levels:
                    self.err(
                        f"{pk}.{lname}",
                        f"got {level!r}; expected one of the levels {', '.join(lever.levels)}",
                    )
                    ok = False
            out[p.name] = {k: choice[k] for k in levers if k in choice}
        return out if ok else None

    def ref(
        self,
        value: Any,
        key: str,
        quantities: Mapping[str, Quantity],
        *,
        lo: float | None = None,
        hi: float | None = None,
        open_lo: bool = False,
        open_hi: bool = False,
    ) -> float | str | None:
        """A number, or the name of a fact/assumption; checks the range of its value."""
        if isinstance(value, str):
            if value not in quantities:
                self.err(key, f"names '{value}', which is not a fact or assumption")
                return None
            number = quantities[value].value
            out: float | str = value
        else:
            number = self.number(value, key)
            if number is None:
                return None
            out = number
        bad_lo = lo is not None and (number <= lo if open_lo else number < lo)
        bad_hi = hi is not None and (number >= hi if open_hi else number > hi)
        if bad_lo or bad_hi:
            left = "(" if open_lo or lo is None else "["
            right = ")" if open_hi or hi is None else "]"
            low = "-inf" if lo is None else f"{lo:g}"
            high = "inf" if hi is None else f"{hi:g}"
            self.err(key, f"{number:g} is outside {left}{low}, {high}{right}")
            return None
        return out

    def named_or_inline_profile(
        self, value: Any, key: str, players: tuple[Player, ...], profiles: Mapping[str, Profile]
    ) -> str | Profile | None:
        if isinstance(value, str):
            if value not in profiles:
                self.err(
                    key,
                    f"names profile '{value}', which is not in [profiles] "
                    f"(known: {', '.join(profiles) or 'none'})",
                )
                return None
            return value
        return self.profile(value, key, players)

    def point(self, value: Any, key: str, profiles: Mapping[str, Profile]) -> Any:
        """``'nash'``, ``'minmax'`` or a profile name: a punishment or disagreement point."""
        if not isinstance(value, str) or (
            value not in {"nash", "minmax"} and value not in profiles
        ):
            self.err(key, f"got {value!r}; expected 'nash', 'minmax' or a profile name "
                          "from [profiles]")
        return value

    def truce(
        self,
        raw: Any,
        players: tuple[Player, ...],
        profiles: Mapping[str, Profile],
        quantities: Mapping[str, Quantity],
    ) -> TruceSpec | None:
        if raw is None:
            return None
        body = self.table(raw, "truce")
        self.unknown(body, TRUCE_KEYS, "truce")
        out: dict[str, Any] = {}
        if "profile" not in body:
            self.err("truce.profile", "is missing; expected a profile name or table")
        for k in ("profile", "escalation"):
            if k in body:
                out[k] = self.named_or_inline_profile(body[k], f"truce.{k}", players, profiles)
        for k in ("length_days", "period_days"):
            if k in body:
                out[k] = self.ref(body[k], f"truce.{k}", quantities, lo=0, open_lo=True)
        if "discount" in body:
            out["discount"] = self.ref(
                body["discount"],
                "truce.discount",
                quantities,
                lo=0,
                hi=1,
                open_lo=True,
                open_hi=True,
            )
        if "annual_discount_rate" in body:
            out["annual_discount_rate"] = self.ref(
                body["annual_discount_rate"], "truce.annual_discount_rate", quantities, lo=0
            )
        for k in sorted(_PROBABILITY_KEYS & set(body)):
            out[k] = self.ref(body[k], f"truce.{k}", quantities, lo=0, hi=1)
        if "punishment" in body:
            out["punishment"] = self.point(body["punishment"], "truce.punishment", profiles)
        if "punishment_periods" in body:
            k = body["punishment_periods"]
            if isinstance(k, bool) or not isinstance(k, int) or k < 1:
                self.err("truce.punishment_periods", f"expected a whole number >= 1, got {k!r}")
            out["punishment_periods"] = k
        if "strategies" in body:
            out["strategies"] = self.strings(body, "strategies", "truce")
        return None if self.errors else TruceSpec(**out)

    def bargaining(
        self,
        raw: Any,
        players: tuple[Player, ...],
        profiles: Mapping[str, Profile],
        quantities: Mapping[str, Quantity],
    ) -> BargainingSpec | None:
        if raw is None:
            return None
        body = self.table(raw, "bargaining")
        self.unknown(body, BARGAINING_KEYS, "bargaining")
        out: dict[str, Any] = {}
        names = {p.name for p in players}
        levers = {lv.name for p in players for lv in p.levers}
        if "disagreement" in body:
            out["disagreement"] = self.point(
                body["disagreement"], "bargaining.disagreement", profiles
            )
        if "outside_options" in body:
            opts = self.table(body["outside_options"], "bargaining.outside_options")
            self.unknown(opts, names, "bargaining.outside_options")
            out["outside_options"] = {
                p: self.ref(v, f"bargaining.outside_options.{p}", quantities)
                for p, v in opts.items()
            }
        if "issues" in body:
            out["issues"] = self.issues(body["issues"], levers)
        if "move_order" in body:
            order = self.strings(body, "move_order", "bargaining")
            for p in order:
                if p not in names:
                    self.err("bargaining.move_order", f"names unknown player '{p}'")
            out["move_order"] = order
        return None if self.errors else BargainingSpec(**out)

    def issues(self, raw: Any, levers: set[str]) -> dict[str, tuple[str, ...]]:
        table = self.table(raw, "bargaining.issues")
        owner: dict[str, str] = {}
        out = {}
        for issue in table:
            key = f"bargaining.issues.{issue}"
            names = self.strings(table, issue, "bargaining.issues")
            for lv in names:
                if lv not in levers:
                    self.err(key, f"names unknown lever '{lv}'")
                elif lv in owner:
                    self.err(
                        key,
                        f"lever '{lv}' is already in issue '{owner[lv]}'; "
                        "expected each lever in one issue",
                    )
                else:
                    owner[lv] = issue
            out[issue] = names
        return out


def _typename(value: Any) -> str:
    return {
        dict: "a table",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


class _LineIndex:
    """Finds the line of a dotted key path in TOML text (best effort; ``None`` if unsure)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str) -> None:
        self.entries: list[tuple[int, str]] = []  # (line, full dotted key)
        prefix = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if m := self._HEADER.match(line):
                prefix = _unquote(m.group(1))
                self.entries.append((number, prefix))
            elif m := self._KEY.match(line):
                key = _unquote(m.group(1))
                self.entries.append((number, f"{prefix}.{key}" if prefix else key))

    def find(self, key: str) -> int | None:
        parts = key.split(".") if key else []
        while parts:
            candidate = ".".join(parts)
            for number, full in self.entries:
                if full == candidate:
                    return number
            parts.pop()
        return None


def _unquote(dotted: str) -> str:
    return ".".join(p.strip().strip("\"'") for p in dotted.split("."))


def find_line(text: str, key: str) -> int | None:
    """Line of a dotted key path in a scenario's TOML text, or ``None``."""
    return _LineIndex(text).find(key)


def formula_inputs(scenario: Scenario, player: str) -> tuple[list[str], list[str], list[str]]:
    """Facts, assumptions and levers a player's payoff depends on (through terms too)."""
    seen: set[str] = set()
    stack = list(scenario.payoffs[player].names) if player in scenario.payoffs else []
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in scenario.terms:
            stack.extend(scenario.terms[name].names)
    levers = [lv.name for p in scenario.players for lv in p.levers]
    lever_refs = {
        r for p in scenario.players for lv in p.levers if lv.name in seen for r in lv.refs if r
    }
    seen |= lever_refs
    facts = [n for n in scenario.facts if n in seen]
    assumptions = [n for n in scenario.assumptions if n in seen]
    return facts, assumptions, [n for n in levers if n in seen]
