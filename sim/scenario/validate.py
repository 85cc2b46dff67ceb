"""Scenario files: validate and cite (the package :mod:`sim.scenario` is the only code that
knows the file format).

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

:class:`Validator` checks the top-level tables, sources, facts, assumptions, players,
levers, terms and payoffs (the sections built on the players are in
:mod:`sim.scenario.sections`); it records every problem, and
:func:`~sim.scenario.load.load_scenario` raises them as one
:class:`~sim.errors.ScenarioErrors` naming the file, key path, line and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sim.errors import FormulaError, some_names
from sim.scenario.checks import (
    _ASSUMPTION_KEYS,
    _FACT_KEYS,
    _LEVER_KEYS,
    _PLAYER_KEYS,
    _SCENARIO_KEYS,
    _SOURCE_KEYS,
    _TOP_KEYS,
    MAX_LEVERS,
    MAX_NAME,
    MAX_PLAYERS,
    MAX_SCENARIO_NAME,
    NAME_RE,
    RESERVED_NAMES,
    SLUG_RE,
    _typename,
)
from sim.scenario.formula import Formula, parse_formula
from sim.scenario.levers import continuous_levels
from sim.scenario.model import (
    Lever,
    Player,
    Quantity,
    Scenario,
    Source,
)
from sim.scenario.sections import SectionChecks
from sim.scenario.trade import TradeMarket, parse_trade, trade_names


class Validator(SectionChecks):
    """Checks a parsed TOML document and builds the :class:`~sim.scenario.model.Scenario`."""

    # -- sections
    def scenario(self, data: Mapping[str, Any]) -> Scenario | None:
        self.unknown(data, _TOP_KEYS, "")
        head = self.table(data.get("scenario", {}), "scenario")
        self.unknown(head, _SCENARIO_KEYS, "scenario")
        name = self.scenario_name(head)
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
        payoff_unit = self.string(head, "payoff_unit", "scenario", required=False)
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
            payoff_unit=payoff_unit,
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
            grid=self.grid,
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
            payoffs = (self.payoffs(data.get("payoffs", {}), players, quantities, terms, extra)
                       if players else {})  # no payoffs to check when [players] was refused
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
                known = some_names(sources, ordered=False) or "none defined"
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

    def scenario_name(self, head: Mapping[str, Any]) -> str:
        """``[scenario] name``: a non-empty bounded slug, since it names ``results/<name>/``."""
        name = self.string(head, "name", "scenario", required=True)
        if isinstance(head.get("name"), str) and (
            not SLUG_RE.match(name) or len(name) > MAX_SCENARIO_NAME
        ):
            self.err(
                "scenario.name",
                f"expected a name of 1 to {MAX_SCENARIO_NAME} lower-case letters, digits, "
                f"'.', '-' and '_', starting with a letter or digit; got {name[:80]!r}",
            )
        return name

    def check_name(self, name: str, key: str, *, formula: bool = True) -> bool:
        """A name formulas may use (``formula``) or a player's name."""
        if not NAME_RE.match(name) or len(name) > MAX_NAME:
            self.err(
                key,
                f"'{name[:80]}' is not a usable name; expected 1 to {MAX_NAME} letters, "
                "digits and '_', starting with a letter",
            )
            return False
        if formula and name in RESERVED_NAMES:
            self.err(key, f"'{name}' is a reserved word of formulas; expected another name")
            return False
        return True

    def players(
        self, raw: Any, sources: Mapping[str, Source], quantities: Mapping[str, Quantity]
    ) -> tuple[Player, ...]:
        table = self.table(raw, "players")
        if len(table) < 2:
            self.err("players", f"expected at least 2 players, got {len(table)}")
        if len(table) > MAX_PLAYERS:
            self.err("players", f"expected at most {MAX_PLAYERS} players, got {len(table)}")
            return ()
        players = []
        seen: dict[str, str] = {}
        for pname, body in table.items():
            key = f"players.{pname}"
            self.check_name(pname, key, formula=False)
            body = self.table(body, key)
            self.unknown(body, _PLAYER_KEYS, key)
            levers = []
            lever_table = self.table(body.get("levers", {}), f"{key}.levers")
            if not 1 <= len(lever_table) <= MAX_LEVERS:
                self.err(f"{key}.levers", f"expected 1 to {MAX_LEVERS} levers, got "
                         f"{len(lever_table)}")
                lever_table = {}
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
