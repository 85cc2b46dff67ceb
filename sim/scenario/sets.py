"""``tradesim --set NAME=VALUE``: change a fact or assumption for one run.

The command line appends the values to the scenario's text as a ``[set]`` table
(:func:`with_sets`), so every process that re-reads the text (parallel sweeps) sees the
same scenario, and the results record it. Reading a document, :func:`apply_sets` moves each
value into its fact or assumption before validation, so a set value is checked exactly like
one written in the file; an assumption set outside its range has the range widened to
include it (with a note in ``[scenario] notes``), and :func:`set_warnings` says so.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.errors import InputError

SET_TABLE = "set"


def parse_set(spec: str) -> tuple[str, float]:
    """``"elasticity=1.5"`` as ``("elasticity", 1.5)``; one-line :class:`InputError` else."""
    name, sep, raw = spec.partition("=")
    name = name.strip()
    if not sep or not name:
        msg = f"--set {spec!r}: expected NAME=VALUE, e.g. --set elasticity=1.5"
        raise InputError(msg)
    try:
        value = float(raw)
    except ValueError:
        msg = f"--set {spec!r}: expected a number after '=', got {raw.strip()!r}"
        raise InputError(msg) from None
    if not math.isfinite(value):
        msg = f"--set {spec!r}: expected a finite number"
        raise InputError(msg)
    return name, value


def _where(data: Mapping[str, Any], name: str) -> str | None:
    for table in ("facts", "assumptions"):
        body = data.get(table)
        if isinstance(body, Mapping) and isinstance(body.get(name), Mapping):
            return table
    return None


def check_sets(data: Mapping[str, Any], sets: Sequence[tuple[str, float]],
               label: str) -> list[str]:
    """Refuse names that are neither facts nor assumptions of the document (``label`` names
    the file); the warnings for values outside an assumption's range."""
    warnings = []
    for name, value in sets:
        table = _where(data, name)
        if table is None:
            known = sorted({*data.get("facts", {}), *data.get("assumptions", {})})
            msg = (f"--set {name}={value:g}: {label} has no fact or assumption {name!r}; "
                   f"expected one of: {', '.join(known)}")
            raise InputError(msg)
        rng = data[table][name].get("range")
        if table == "assumptions" and _outside(value, rng):
            warnings.append(f"--set {name}={value:g} lies outside the assumption's range "
                            f"[{rng[0]:g}, {rng[1]:g}]; the range is widened to include it "
                            "for this run")
    return warnings


def _outside(value: float, rng: Any) -> bool:
    return (isinstance(rng, list) and len(rng) == 2
            and all(isinstance(x, int | float) for x in rng) and not rng[0] <= value <= rng[1])


def with_sets(text: str, sets: Sequence[tuple[str, float]]) -> str:
    """The scenario text with a ``[set]`` table of the values appended."""
    if not sets:
        return text
    lines = [f"{name} = {value!r}" for name, value in dict(sets).items()]
    return text.rstrip("\n") + "\n\n[set]  # tradesim --set: this run only\n" + \
        "\n".join(lines) + "\n"


def apply_sets(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document with its ``[set]`` values moved into their facts and assumptions.

    A name that is neither, or a value that is not a number, is left in ``[set]`` for the
    validator to report as an unknown key or bad value."""
    sets = data.get(SET_TABLE)
    if not isinstance(sets, Mapping) or not sets:
        return data
    out = copy.deepcopy(dict(data))
    rest, notes = {}, []
    for name, value in sets.items():
        table = _where(out, name)
        if table is None or isinstance(value, bool) or not isinstance(value, int | float):
            rest[name] = value
            continue
        body = out[table][name]
        notes.append(f"{name} = {value:g} for this run (tradesim --set; the file says "
                     f"{body.get('value')})")
        body["value"] = value
        rng = body.get("range")
        if table == "assumptions" and _outside(value, rng):
            body["range"] = [min(rng[0], value), max(rng[1], value)]
    out[SET_TABLE] = rest
    if not rest:
        del out[SET_TABLE]
    head = out.setdefault("scenario", {})
    if isinstance(head, dict):
        old = head.get("notes", [])
        head["notes"] = [*([old] if isinstance(old, str) else list(old)), *notes] \
            if isinstance(old, str | list) else old
    return out
