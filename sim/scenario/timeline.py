"""Timeline files: a negotiation as a base scenario and dated stages.

A timeline (TOML) names a base scenario and lists stages in date order. Each stage either
names a scenario file or changes the one before it (facts, assumptions, levers and levels,
payoff formulas, the truce), records the profile observed at its date (each lever's level,
or ``"?"`` when unknown) and may give a lever level a hazard: a probability per period that
the level becomes unavailable (a court striking a tariff down).

Stage changes are applied to the scenario's TOML tables and the result is validated by the
scenario validator itself (:func:`sim.scenario.parse_scenario`), so a stage's scenario obeys
every rule a scenario file does. Errors name the timeline file, the stage's key and line.
See ``docs/how-to/write-a-timeline.md``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError, ScenarioErrors, some_names
from sim.scenario.lines import LineIndex
from sim.scenario.load import parse_scenario, parse_toml, read_text
from sim.scenario.model import Scenario

UNKNOWN = "?"
"""A recorded lever whose level the sources do not give."""

_TOP_KEYS = {"timeline", "sources", "stages"}
_TIMELINE_KEYS = {"name", "title", "description", "base", "notes"}
_STAGE_KEYS = {
    "date", "title", "note", "scenario", "facts", "assumptions", "levers", "levels",
    "remove_levers", "remove_levels", "terms", "payoffs", "profiles", "truce", "hazard",
    "recorded", "recorded_sources",
}
_TRUCE_TIMELINE_KEYS = {"deadline"}


@dataclass(frozen=True)
class Stage:
    """One dated stage: the scenario in force and what was recorded at the date.

    Attributes
    ----------
    key : the stage's table name in the file (``[stages.<key>]``).
    date : the stage's date.
    scenario : the validated scenario in force from this date.
    recorded : ``{player: {lever: level}}``; a level is :data:`UNKNOWN` when not reported.
    recorded_sources : source ids of the recorded profile.
    hazard : ``{(lever, level): h}``, a per-period probability that the level disappears.
    deadline : the truce's deadline, if the stage sets or inherits one.
    changes : the stage's own changes as written (the keys it sets), for the report.
    """

    key: str
    date: dt.date
    title: str
    scenario: Scenario
    recorded: dict[str, dict[str, str]]
    recorded_sources: tuple[str, ...]
    hazard: dict[tuple[str, str], float]
    deadline: dt.date | None
    changes: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Timeline:
    path: Path | None
    name: str
    title: str
    description: str
    stages: tuple[Stage, ...]
    notes: tuple[str, ...] = ()
    text: str = field(default="", repr=False)


# --------------------------------------------------------------------------- loading


def load_timeline(path: str | Path, *, grid: int | None = None) -> Timeline:
    """Read and validate a timeline file; raise :class:`ScenarioErrors` listing its problems.

    ``grid`` discretises continuous levers as in :func:`sim.scenario.load_scenario`."""
    path = Path(path)
    text = read_text(path)
    return parse_timeline(parse_toml(text, path), path=path, text=text, grid=grid)


def parse_timeline(data: Mapping[str, Any], *, path: Path | None, text: str = "",
                   grid: int | None = None) -> Timeline:
    """Validate a parsed timeline document and build every stage's scenario."""
    v = _Checker(path, text, grid)
    head = v.table(data.get("timeline"), "timeline", required=True)
    v.unknown(data, _TOP_KEYS, "")
    v.unknown(head, _TIMELINE_KEYS, "timeline")
    stages_raw = v.table(data.get("stages"), "stages", required=True)
    if not stages_raw and "stages" in data:
        v.err("stages", "is empty; expected at least one [stages.<name>] table")
    v.raise_if_any()
    base_data = v.scenario_file(head.get("base"), "timeline.base")
    extra_sources = v.table(data.get("sources", {}), "sources")
    v.raise_if_any()
    stages: list[Stage] = []
    current = base_data
    state = _State()
    for key, raw in stages_raw.items():
        stage, current = v.stage(key, raw, current, extra_sources, state)
        if stage is not None:
            stages.append(stage)
        v.raise_if_any()
    return Timeline(
        path=path, name=str(head.get("name", path.stem if path else "timeline")),
        title=str(head.get("title", "")), description=str(head.get("description", "")),
        stages=tuple(stages), notes=tuple(head.get("notes", ())), text=text,
    )


@dataclass
class _State:
    """What carries from one stage to the next besides the scenario tables."""

    date: dt.date | None = None
    date_key: str = ""
    deadline: dt.date | None = None
    hazard: dict[tuple[str, str], float] = field(default_factory=dict)


# --------------------------------------------------------------------------- applying changes


def apply_changes(data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A scenario's TOML tables with one stage's changes applied (pure; ``data`` is kept).

    ``facts``, ``assumptions``, ``terms``, ``payoffs`` and ``profiles`` replace or add
    entries by name; ``levers`` adds or replaces levers (``{player: {lever: body}}``);
    ``levels`` adds levels to existing levers (``{lever: {level: value}}``);
    ``remove_levers`` and ``remove_levels`` (``{lever: [level, ...]}``) take them away, and
    from the named profiles (and ``[truce.monitoring]``) too; ``truce`` replaces keys of
    ``[truce]``.
    """
    out = copy.deepcopy(dict(data))
    for section in ("facts", "assumptions", "terms", "payoffs", "profiles"):
        if section in changes:
            out.setdefault(section, {}).update(copy.deepcopy(changes[section]))
    players = out.get("players", {})
    if changes.get("levers"):
        players = out.setdefault("players", {})
    for player, levers in changes.get("levers", {}).items():
        players.setdefault(player, {}).setdefault("levers", {}).update(copy.deepcopy(levers))
    for lever, levels in changes.get("levels", {}).items():
        body = _lever_body(out, lever)
        if body is not None:
            body.setdefault("levels", {}).update(levels)
    for lever in changes.get("remove_levers", ()):
        for p in players.values():
            p.get("levers", {}).pop(lever, None)
        _strip_profiles(out, lambda lv, _lvl, name=lever: lv == name)
        monitoring = out.get("truce", {}).get("monitoring")
        if isinstance(monitoring, dict):  # [truce.monitoring.<lever>] watches a lever
            monitoring.pop(lever, None)
    for lever, levels in changes.get("remove_levels", {}).items():
        body = _lever_body(out, lever)
        if body is not None:
            for level in levels:
                body.get("levels", {}).pop(level, None)
    if "truce" in changes:
        truce = out.setdefault("truce", {})
        truce.update({k: copy.deepcopy(v) for k, v in changes["truce"].items()
                      if k not in _TRUCE_TIMELINE_KEYS})
    return out


def _lever_body(data: Mapping[str, Any], lever: str) -> dict[str, Any] | None:
    for p in data.get("players", {}).values():
        if lever in p.get("levers", {}):
            return p["levers"][lever]
    return None


def _strip_profiles(data: dict[str, Any], drop: Any) -> None:
    """Remove lever entries matching ``drop(lever, level)`` from every named profile."""
    for profile in data.get("profiles", {}).values():
        for choice in profile.values():
            if isinstance(choice, dict):
                for lever in [k for k, lvl in choice.items() if drop(k, lvl)]:
                    del choice[lever]


def lever_levels(data: Mapping[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """``{lever: (player, levels)}`` of a scenario's TOML tables (levers and ``[game]``)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for player, body in data.get("players", {}).items():
        for lever, lb in body.get("levers", {}).items():
            out[lever] = (player, set(lb.get("levels", {})))
    return out


def player_levers(data: Mapping[str, Any]) -> dict[str, dict[str, set[str]]]:
    """``{player: {lever: levels}}``; a ``[game]`` matrix player has one lever, ``strategy``,
    whose levels are its strategies (as :mod:`sim.scenario.sections` builds it)."""
    game = data.get("game")
    if isinstance(game, dict):
        strategies = game.get("strategies", {})
        return {p: {"strategy": set(strategies.get(p, ()))} for p in game.get("players", ())}
    out: dict[str, dict[str, set[str]]] = {}
    for player, body in data.get("players", {}).items():
        out[player] = {lv: set(lb.get("levels", {})) for lv, lb in body.get("levers", {}).items()}
    return out


def truce_profile(data: Mapping[str, Any]) -> dict[str, dict[str, str]] | None:
    """The ``[truce]`` profile of a scenario's tables as ``{player: {lever: level}}``."""
    ref = data.get("truce", {}).get("profile")
    profile = data.get("profiles", {}).get(ref) if isinstance(ref, str) else ref
    if not isinstance(profile, dict):
        return None
    levers = player_levers(data)
    out: dict[str, dict[str, str]] = {}
    for player, choice in profile.items():
        if isinstance(choice, str):
            own = list(levers.get(player, {}))
            choice = {own[0]: choice} if len(own) == 1 else {}
        out[player] = dict(choice) if isinstance(choice, dict) else {}
    return out


# --------------------------------------------------------------------------- checking


class _Checker:
    def __init__(self, path: Path | None, text: str, grid: int | None = None) -> None:
        self.path = path
        self.text = text
        self.grid = grid
        self.errors: list[ScenarioError] = []
        self._lines: LineIndex | None = None  # built at the first error, once

    def err(self, key: str, expected: str) -> None:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        self.errors.append(ScenarioError(self.path, key, self._lines.find(key), expected))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ScenarioErrors(self.errors)

    def table(self, value: Any, key: str, *, required: bool = False) -> dict[str, Any]:
        if value is None and required:
            self.err(key, f"is missing; expected a [{key}] table")
            return {}
        if value is not None and not isinstance(value, dict):
            self.err(key, f"expected a table, got {type(value).__name__}")
            return {}
        return value or {}

    def unknown(self, table: Mapping[str, Any], allowed: set[str], key: str) -> None:
        for k in table:
            if k not in allowed:
                where = f"{key}.{k}" if key else k
                self.err(where, f"unknown key; expected one of {', '.join(sorted(allowed))}")

    def scenario_file(self, value: Any, key: str) -> dict[str, Any]:
        """The TOML tables of a scenario file named relative to the timeline."""
        if not isinstance(value, str) or not value:
            self.err(key, "expected the path of a scenario file, relative to the timeline")
            return {}
        target = (self.path.parent if self.path else Path()) / value
        try:
            text = read_text(target)
            data = parse_toml(text, target)
        except ScenarioErrors as exc:
            self.err(key, f"names '{value}': {exc.errors[0].expected}")
            return {}
        try:  # the named file must be a valid scenario by itself
            parse_scenario(data, path=target, text=text, grid=self.grid)
        except ScenarioErrors as exc:
            self.err(key, f"names '{value}', which is not a valid scenario: "
                          f"{exc.errors[0].one_line()}")
            return {}
        return data

    def date(self, value: Any, key: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.err(key, f"got {value!r}; expected a date like 2025-05-12")
        return None

    # -- one stage
    def stage(self, key: str, raw: Any, previous: dict[str, Any], sources: Mapping[str, Any],
              state: _State) -> tuple[Stage | None, dict[str, Any]]:
        sk = f"stages.{key}"
        body = self.table(raw, sk)
        self.unknown(body, _STAGE_KEYS, sk)
        date = self.date(body.get("date"), f"{sk}.date") if "date" in body else None
        if "date" not in body:
            self.err(f"{sk}.date", "is missing; expected the stage's date, like 2025-05-12")
        if date is not None and state.date is not None and date < state.date:
            self.err(f"{sk}.date", f"{date} is before the previous stage's date {state.date} "
                                   f"({state.date_key}); expected stages in date order")
        base = previous
        if "scenario" in body:
            base = self.scenario_file(body["scenario"], f"{sk}.scenario")
        self._check_targets(sk, body, base)
        data = apply_changes(base, body)
        self._check_truce_levers(sk, body, base, data)
        if sources:
            data.setdefault("sources", {}).update(copy.deepcopy(dict(sources)))
        if self.errors:
            return None, data
        scenario = self._validated(sk, data)
        if scenario is None:
            return None, data
        deadline = state.deadline
        if "deadline" in body.get("truce", {}):
            deadline = self.date(body["truce"]["deadline"], f"{sk}.truce.deadline")
        hazard = self._hazard(sk, body.get("hazard"), data, scenario, state.hazard)
        recorded = self._recorded(sk, body.get("recorded"), data)
        cited = self._recorded_sources(sk, body, scenario)
        if date is None or self.errors:
            return None, data
        state.date, state.date_key, state.deadline, state.hazard = date, key, deadline, hazard
        stage = Stage(
            key=key, date=date, title=str(body.get("title", key)), scenario=scenario,
            recorded=recorded, recorded_sources=cited, hazard=dict(hazard), deadline=deadline,
            changes=tuple(k for k in body if k not in {"date", "title", "note"}),
            note=str(body.get("note", "")),
        )
        return stage, data

    def _check_targets(self, sk: str, body: Mapping[str, Any], base: Mapping[str, Any]) -> None:
        levers = lever_levels(base)
        removed = body.get("remove_levers", [])
        if not isinstance(removed, list) or not all(isinstance(x, str) for x in removed):
            self.err(f"{sk}.remove_levers", "expected a list of lever names")
            removed = []
        for lever in removed:
            if lever not in levers:
                self.err(f"{sk}.remove_levers", f"names '{lever}', which is not a lever "
                                                f"(known: {some_names(levers) or 'none'})")
        for section in ("levels", "remove_levels"):
            for lever, levels in self.table(body.get(section), f"{sk}.{section}").items():
                if lever not in levers:
                    self.err(f"{sk}.{section}.{lever}", f"'{lever}' is not a lever (known: "
                                                       f"{some_names(levers) or 'none'})")
                elif section == "remove_levels":
                    for level in levels if isinstance(levels, list) else [levels]:
                        if level not in levers[lever][1]:
                            self.err(f"{sk}.{section}.{lever}",
                                     f"'{level}' is not a level of {lever}")

    def _check_truce_levers(self, sk: str, body: Mapping[str, Any], base: Mapping[str, Any],
                            data: Mapping[str, Any]) -> None:
        """A lever or level a stage removes must not be in its truce profile."""
        profile = truce_profile(data if "profile" in body.get("truce", {}) else base)
        if not profile:
            return
        used = {(lv, lvl) for choice in profile.values() for lv, lvl in choice.items()}
        for lever in body.get("remove_levers", []):
            if lever in {lv for lv, _ in used}:
                self.err(f"{sk}.remove_levers", f"removes '{lever}', which the truce profile "
                         f"uses; expected the stage to set truce.profile without it")
        for lever, levels in (body.get("remove_levels") or {}).items():
            for level in levels if isinstance(levels, list) else [levels]:
                if (lever, level) in used:
                    self.err(f"{sk}.remove_levels.{lever}", f"removes {lever}={level}, which "
                             "the truce profile uses; expected the stage to set truce.profile")

    def _validated(self, sk: str, data: Mapping[str, Any]) -> Scenario | None:
        try:
            return parse_scenario(data, path=self.path, text="", grid=self.grid)
        except ScenarioErrors as exc:
            for e in exc.errors:
                self.err(sk, f"after this stage's changes, [{e.key}] {e.expected}")
            return None

    def _hazard(self, sk: str, raw: Any, data: Mapping[str, Any], scenario: Scenario,
                inherited: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], float]:
        """``{(lever, level): h}``: a number, or the name of a fact or assumption."""
        levers = lever_levels(data)
        values = scenario.quantities()
        out = {k: h for k, h in inherited.items()
               if k[0] in levers and k[1] in levers[k[0]][1]}
        for lever, levels in self.table(raw, f"{sk}.hazard").items():
            key = f"{sk}.hazard.{lever}"
            if lever not in levers:
                self.err(key, f"'{lever}' is not a lever (known: {some_names(levers)})")
                continue
            for level, h in self.table(levels, key).items():
                if isinstance(h, str) and h in values:
                    h = values[h]
                if level not in levers[lever][1]:
                    self.err(f"{key}.{level}", f"'{level}' is not a level of {lever}")
                elif isinstance(h, bool) or not isinstance(h, int | float) or not 0 <= h < 1:
                    self.err(f"{key}.{level}", f"got {h!r}; expected a probability per "
                                               "period in [0, 1) or the name of a fact or "
                                               "assumption")
                else:
                    out[(lever, level)] = float(h)
        return out

    def _recorded(self, sk: str, raw: Any, data: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        levers = player_levers(data)
        out: dict[str, dict[str, str]] = {p: dict.fromkeys(own, UNKNOWN)
                                          for p, own in levers.items()}
        for player, choice in self.table(raw, f"{sk}.recorded").items():
            key = f"{sk}.recorded.{player}"
            if player not in out:
                self.err(key, f"'{player}' is not a player (known: {some_names(out)})")
                continue
            if isinstance(choice, str) and len(out[player]) == 1:
                choice = {next(iter(out[player])): choice}
            for lever, level in self.table(choice, key).items():
                if lever not in out[player]:
                    self.err(f"{key}.{lever}", f"'{lever}' is not a lever of {player} (known: "
                                               f"{some_names(out[player]) or 'none'})")
                elif level != UNKNOWN and level not in levers[player][lever]:
                    self.err(f"{key}.{lever}", f"got {level!r}; expected '?' or one of the "
                             f"levels {some_names(levers[player][lever], ordered=False)}")
                else:
                    out[player][lever] = level
        return out

    def _recorded_sources(self, sk: str, body: Mapping[str, Any],
                          scenario: Scenario) -> tuple[str, ...]:
        ids = body.get("recorded_sources", [])
        if isinstance(ids, str):
            ids = [ids]
        known = any(lvl != UNKNOWN for choice in (body.get("recorded") or {}).values()
                    for lvl in (choice.values() if isinstance(choice, dict) else [choice]))
        if known and not ids:
            self.err(f"{sk}.recorded", "cites no source; expected recorded_sources = "
                                       "[source ids]")
        for s in ids:
            if s not in scenario.sources:
                self.err(f"{sk}.recorded_sources", f"names '{s}', which is not a source "
                         f"(known: {some_names(scenario.sources) or 'none'})")
        return tuple(ids)
