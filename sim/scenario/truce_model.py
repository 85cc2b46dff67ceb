"""Validation of the truce model's keys in ``[truce]`` (see docs/reference/scenario-format.md).

``[truce]`` may add, for :mod:`sim.solvers.truce_model`:

* ``noise_implementation_breach``, ``noise_perception_miss``: the reverse errors;
* ``renewal = "fixed" | "choice"`` and ``renewal_fallback`` (``"nash"`` or a profile);
* ``punishment_lengths``: the lengths (periods) a punishment may have;
* ``shock_samples``: how many equally likely shock samples per side;
* ``issues``: breach options, ``{issue = [levers]}`` (default: ``[bargaining.issues]``, else
  one issue per lever);
* ``[truce.shocks]``: ``assumption = "range" | { sd = X } | { low = A, high = B }``;
* ``[truce.punishments.<player>]``: ``levers = [...]``, ``lengths = [...]``: the family of
  punishments ``player`` may use;
* ``[truce.monitoring.<lever>]``: ``sd = X``, ``trigger = "optimal" | number``,
  ``noise = "normal" | "uniform"``: a public signal of a quantity lever.

Numbers may name a fact or assumption. Every problem is reported through the validator
``v`` (a one-line error naming the key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.errors import some_names

MODEL_KEYS = {
    "noise_implementation_breach",
    "noise_perception_miss",
    "renewal",
    "renewal_fallback",
    "punishment_lengths",
    "shock_samples",
    "issues",
    "shocks",
    "punishments",
    "monitoring",
}
MAX_LENGTH = 24
"""Longest finite punishment, in periods."""
MAX_SAMPLES = 100_000


def validate(
    v: Any,
    body: Mapping[str, Any],
    out: dict[str, Any],
    players: Any,
    profiles: Mapping[str, Any],
    quantities: Mapping[str, Any],
) -> None:
    """Check the model keys of ``body`` and copy the valid ones into ``out``."""
    for k in ("noise_implementation_breach", "noise_perception_miss"):
        if k in body:
            out[k] = v.ref(body[k], f"truce.{k}", quantities, lo=0, hi=1)
    if "renewal" in body:
        if body["renewal"] not in ("fixed", "choice"):
            v.err(
                "truce.renewal",
                f"got {body['renewal']!r}; expected 'fixed' "
                "(renewal_probability as given) or 'choice'",
            )
        out["renewal"] = body["renewal"]
    if "renewal_fallback" in body:
        ref = body["renewal_fallback"]
        if not isinstance(ref, str) or (ref != "nash" and ref not in profiles):
            v.err(
                "truce.renewal_fallback",
                f"got {ref!r}; expected 'nash' or a profile name from [profiles]",
            )
        out["renewal_fallback"] = ref
    if "punishment_lengths" in body:
        out["punishment_lengths"] = _lengths(
            v, body["punishment_lengths"], "truce.punishment_lengths"
        )
    if "shock_samples" in body:
        n = body["shock_samples"]
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLES:
            v.err(
                "truce.shock_samples", f"expected a whole number in 1..{MAX_SAMPLES:,}, got {n!r}"
            )
        out["shock_samples"] = n
    levers = {lv.name: p.name for p in players for lv in p.levers}
    if "issues" in body:
        out["issues"] = v.issues(body["issues"], set(levers), "truce.issues")
    if "shocks" in body:
        out["shocks"] = _shocks(v, body["shocks"], quantities)
    if "punishments" in body:
        out["punishments"] = _punishments(v, body["punishments"], players)
    if "monitoring" in body:
        out["monitoring"] = _monitoring(v, body["monitoring"], levers, quantities)


def _lengths(v: Any, raw: Any, key: str) -> tuple[int, ...]:
    if (
        not isinstance(raw, list)
        or not raw
        or not all(
            isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= MAX_LENGTH for x in raw
        )
    ):
        v.err(key, f"expected a non-empty list of whole numbers in 1..{MAX_LENGTH}, got {raw!r}")
        return ()
    return tuple(sorted(set(raw)))


def _shocks(v: Any, raw: Any, quantities: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    table = v.table(raw, "truce.shocks")
    out = {}
    for name, spec in table.items():
        key = f"truce.shocks.{name}"
        q = quantities.get(name)
        if q is None or q.kind != "assumption":
            v.err(key, f"names '{name}', which is not an assumption")
            continue
        if spec == "range":
            if q.range is None:
                v.err(key, f"'range' needs the assumption '{name}' to have a range")
                continue
            out[name] = {"kind": "range"}
        elif isinstance(spec, dict) and set(spec) == {"sd"}:
            out[name] = {"kind": "normal", "sd": v.ref(spec["sd"], f"{key}.sd", quantities, lo=0)}
        elif isinstance(spec, dict) and set(spec) == {"low", "high"}:
            low, high = v.number(spec["low"], f"{key}.low"), v.number(spec["high"], f"{key}.high")
            if low is not None and high is not None and low > high:
                v.err(key, f"expected low <= high, got {low:g} > {high:g}")
            out[name] = {"kind": "uniform", "low": low, "high": high}
        else:
            v.err(key, f"got {spec!r}; expected 'range', {{ sd = X }} or {{ low = A, high = B }}")
    return out


def _punishments(v: Any, raw: Any, players: Any) -> dict[str, dict[str, Any]]:
    table = v.table(raw, "truce.punishments")
    by_name = {p.name: p for p in players}
    out = {}
    for name, spec in table.items():
        key = f"truce.punishments.{name}"
        if name not in by_name:
            v.err(key, f"names unknown player '{name}'; expected one of: {some_names(by_name)}")
            continue
        body = v.table(spec, key)
        v.unknown(body, {"levers", "lengths"}, key)
        own = {lv.name for lv in by_name[name].levers}
        chosen = v.strings(body, "levers", key) if "levers" in body else tuple(sorted(own))
        for lv in chosen:
            if lv not in own:
                v.err(f"{key}.levers", f"names '{lv}', which is not a lever of {name}")
        entry: dict[str, Any] = {"levers": chosen}
        if "lengths" in body:
            entry["lengths"] = _lengths(v, body["lengths"], f"{key}.lengths")
        out[name] = entry
    return out


def _monitoring(
    v: Any, raw: Any, levers: Mapping[str, str], quantities: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    table = v.table(raw, "truce.monitoring")
    out = {}
    for lever, spec in table.items():
        key = f"truce.monitoring.{lever}"
        if lever not in levers:
            v.err(key, f"names unknown lever '{lever}'")
            continue
        body = v.table(spec, key)
        v.unknown(body, {"sd", "trigger", "noise"}, key)
        if "sd" not in body:
            v.err(f"{key}.sd", "is missing; expected the signal's standard deviation")
        entry: dict[str, Any] = {"sd": v.ref(body.get("sd", 0.0), f"{key}.sd", quantities, lo=0)}
        trigger = body.get("trigger", "optimal")
        if trigger != "optimal":
            trigger = v.ref(trigger, f"{key}.trigger", quantities)
        entry["trigger"] = trigger
        noise = body.get("noise", "normal")
        if noise not in ("normal", "uniform"):
            v.err(f"{key}.noise", f"got {noise!r}; expected 'normal' or 'uniform'")
        entry["noise"] = noise
        out[lever] = entry
    return out
