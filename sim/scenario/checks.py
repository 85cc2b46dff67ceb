"""The validator's building blocks: one error per problem, typed reads of TOML values.

:class:`Checks` records every problem with its key path and line (nothing stops at the
first); the tables of allowed keys per section live here too.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError, ScenarioErrors
from sim.scenario.formula import FUNCTIONS
from sim.scenario.lines import BARE_KEY, LineIndex
from sim.scenario.truce_model import MODEL_KEYS

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_SCENARIO_NAME = 64
"""Longest ``[scenario] name``: it names the results directory ``results/<name>/``."""
MAX_PLAYERS = 32
"""Most players of a game (numpy arrays have at most 64 axes; the payoffs have one more)."""
MAX_LEVERS = 32
"""Most levers of one player."""
RESERVED_NAMES = frozenset(keyword.kwlist) | frozenset(FUNCTIONS)
"""Names a formula cannot refer to: Python's keywords (``True``, ``None``, ``lambda``...)
and the formula functions (``exp``, ``max``...); refused for facts, levers and terms."""
MAX_NAME = 64
"""Longest name of a player, lever, fact, assumption or term (they name output folders
and columns)."""


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
_SCENARIO_KEYS = {"name", "title", "date", "description", "notes", "contradictions",
                  "payoff_unit"}
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
    *MODEL_KEYS,
}
BARGAINING_KEYS = {"disagreement", "outside_options", "issues", "move_order"}
_PROBABILITY_KEYS = {"renewal_probability", "noise_implementation", "noise_perception"}



class Checks:
    def __init__(self, path: Path | None, text: str, grid: int = 5) -> None:
        self.grid = grid
        self.path = path
        self.text = text
        self.lines = LineIndex(text)
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
                shown = k if BARE_KEY.match(k) else '"' + k.replace('"', '\\"') + '"'
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
