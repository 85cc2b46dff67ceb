"""Reading a scenario file: size and encoding checks, TOML, then the validator.

:func:`load_scenario` collects *every* problem of a file and raises one
:class:`~sim.errors.ScenarioErrors` naming the file, key path, line and what was expected.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import InputError, ScenarioError, ScenarioErrors
from sim.io import read_bounded
from sim.scenario.levers import grid_points
from sim.scenario.model import Scenario
from sim.scenario.validate import Validator

MAX_FILE_BYTES = 2_000_000
"""Largest scenario file read, in bytes."""


def load_scenario(path: str | Path, *, grid: int | None = None) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioErrors` listing every problem.

    Continuous levers (``range = [lo, hi]``) are discretised for the finite-game analyses
    into ``grid`` evenly spaced values plus the file's named levels (``None``:
    :data:`sim.scenario.levers.DEFAULT_GRID`; the command line passes ``tradesim --grid N``).
    A path that does not exist is looked up among the bundled scenarios
    (:func:`sim.scenario.bundled.resolve`: ``london-2025`` or ``scenarios/london-2025.toml``
    work from any folder).
    """
    from sim.scenario.bundled import resolve

    path = resolve(path)
    return loads_scenario(read_text(path), path, grid=grid)


def loads_scenario(text: str, path: Path, *, grid: int | None = None) -> Scenario:
    """Validate a scenario given as text (e.g. an upload); ``path`` names it in errors."""
    return parse_scenario(parse_toml(text, path), path=path, text=text, grid=grid)


def parse_toml(text: str, path: Path | None) -> dict[str, Any]:
    """The TOML document of ``text``; one-line :class:`ScenarioErrors` (never Python's own
    exception text) when it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ScenarioErrors(
            [ScenarioError(path, "", line, f"is not valid TOML ({_toml_reason(exc)})")]
        ) from None
    except ValueError:  # an integer literal of more than 4300 digits (Python's own limit)
        raise ScenarioErrors(
            [ScenarioError(path, "", None, "is not valid TOML (a number with thousands of "
                           "digits; expected a number of at most 1e15 in size)")]
        ) from None
    except RecursionError:  # tomllib recurses once per level of nested tables/arrays
        raise ScenarioErrors(
            [ScenarioError(path, "", None, "nests tables or arrays too deeply; expected a "
                           "scenario (a few levels of tables)")]
        ) from None


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file with one-line errors for every way that can fail.

    At most ``max_bytes`` are read (:func:`sim.io.read_bounded`: regular files only, at most
    the limit + 1 bytes whatever ``st_size`` says), so a FIFO, ``/dev/zero`` or a 100 MB
    file is refused at once rather than read for ever.
    """

    def fail(what: str) -> ScenarioErrors:
        return ScenarioErrors([ScenarioError(path, "", None, what)])

    try:
        raw = read_bounded(path, max_bytes)
    except InputError as exc:
        raise fail(str(exc)) from None
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
    """Validate an already-parsed TOML document (``dict``) into a :class:`Scenario`; a
    ``[set]`` table (``tradesim --set``) first replaces the values it names."""
    from sim.scenario.sets import apply_sets

    v = Validator(path, text, grid_points(grid))
    scenario = v.scenario(apply_sets(data))
    v.raise_if_any()
    assert scenario is not None  # raise_if_any returned, so there were no errors
    return scenario
