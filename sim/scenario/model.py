"""The scenario model: the validated content of a scenario file, as frozen dataclasses.

Numbers may still name facts or assumptions (:data:`Ref`); :meth:`Scenario.value` and
:meth:`Scenario.quantities` resolve them. Reading and checking a file is
:mod:`sim.scenario.load` and :mod:`sim.scenario.validate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError, ScenarioErrors
from sim.scenario.formula import Formula
from sim.scenario.levers import DEFAULT_GRID
from sim.scenario.lines import find_line
from sim.scenario.trade import MarketError, TradeMarket, trade_terms

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
    model: dict[str, Any] = field(default_factory=dict)  # the truce model's keys (#15)


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
    grid: int = DEFAULT_GRID  # values per continuous lever it was read with (levers.py)
    payoff_unit: str = ""  # [scenario] payoff_unit, e.g. "$bn/month": shown with every payoff

    @property
    def player_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.players)

    def __repr__(self) -> str:
        from sim.scenario.view import short

        return short(self)

    def _repr_html_(self) -> str:
        from sim.scenario.view import as_html

        return as_html(self)

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
