"""Fuzzing the scenario loader and validator (issue #9, point 1).

Each example takes a bundled scenario (``scenarios/**/*.toml``, or ``tests/data/*.toml``
while no scenario is bundled), applies a few random mutations and loads the result from
disk with :func:`sim.scenario.load_scenario`, then builds its game. The only acceptable
outcomes are a valid scenario (and game) or the project's own errors: a
:class:`~sim.errors.ScenarioErrors` whose every entry is one printable line naming the file
(and, for well-formed TOML, the key), or a :class:`~sim.errors.LimitError`. Any other
exception fails the test.

Two families of mutations:

* **document** mutations on the parsed TOML (re-serialised with ``tomlw``): deleted keys,
  wrong types, huge/negative/NaN/inf numbers, unicode and hostile key names, duplicated
  levels, empty tables and lists, deeply nested tables and arrays;
* **byte** mutations of the file: truncation, non-UTF-8 and NUL bytes, deleted, duplicated
  and swapped lines.

Examples per test: ``TRADESIM_FUZZ_EXAMPLES`` (default 800; CI runs the default, about
2,400 in all).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardening import tomlw
from sim.errors import LimitError, ScenarioError, ScenarioErrors
from sim.render.text import inputs_markdown, show_text
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("TRADESIM_FUZZ_EXAMPLES", "800"))
MAX_CELLS = 200_000  # keep each example's game small; larger ones must give LimitError


def bundled_scenarios() -> list[Path]:
    bundled = sorted(p for p in (ROOT / "scenarios").rglob("*.toml") if "timelines" not in p.parts)
    return bundled or sorted((ROOT / "tests" / "data").glob("*.toml"))


BASES = {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in bundled_scenarios()}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- hostile values and keys

SPECIAL_NUMBERS = [0, -1, -0.0, 1e308, -1e308, 1e16, 10**30, -(10**30), 2**63, -(2**63) - 1,
                   10**400, 5e-324, math.nan, math.inf, -math.inf]
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
hostile_keys = st.one_of(
    unicode_text,
    st.sampled_from(["", " ", "__class__", "_x", "a.b", "1abc", "payoffs", "scenario",
                     "US", "China", "value", "levels", "ｅｘｐ", "\u202etxt", "a\nb", "é",
                     "title", "date", "description", "notes", "contradictions", "source",
                     "range", "unit", "why", "profile", "discount", "punishment",
                     "strategies", "issues", "disagreement", "move_order", "outside_options",
                     # issue #12: reserved words, bounded names, terminal controls
                     "True", "None", "lambda", "exp", "max", "and", "x" * 65,
                     "\x1b]0;t\x07", "\x1b[2J", "\x9b", "a\rb"]),
)
scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SPECIAL_NUMBERS),
    unicode_text,
    st.sampled_from(["__import__('os')", "9**9**9", "1/0", "log(-1)", "nan", "x" * 200,
                     "players", "w", "peak", "", ".", "..", "/tmp", "-", "x" * 65,
                     "max(" + ", ".join(["w"] * 300) + ")", " < ".join(["w"] * 300),
                     "\x1b]0;t\x07\x1b[2J"]),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
)


def nested(depth: int, kind: str) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value} if kind == "table" else [value]
    return value


hostile_values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(hostile_keys, scalars, max_size=3),
    st.builds(dict),  # fresh objects: a shared st.just({}) would be mutated across examples
    st.builds(list),
    # nesting stays below ~250 levels in all so that this file's own recursive helpers
    # (paths, the TOML writer) work; deeper TOML is tested in test_deeply_nested_toml_...
    st.builds(nested, st.integers(2, 60), st.sampled_from(["table", "array"])),
)


# ---------------------------------------------------------------- document mutations


def paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in a parsed TOML document (dict keys and list indices)."""
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths(v, (*prefix, i))
    return out


def parent_of(doc: Any, path: tuple) -> Any:
    node = doc
    for step in path[:-1]:
        node = node[step]
    return node


def mutate(doc: dict, data: st.DataObject) -> None:
    """Apply one random mutation to ``doc`` in place."""
    all_paths = paths(doc)
    if not all_paths:
        doc[data.draw(hostile_keys)] = data.draw(hostile_values)
        return
    path = data.draw(st.sampled_from(all_paths))
    parent, last = parent_of(doc, path), path[-1]
    op = data.draw(st.sampled_from(["delete", "replace", "rename", "empty", "duplicate",
                                    "add", "nest"]))
    if op == "delete":
        del parent[last]
    elif op == "replace":
        parent[last] = data.draw(hostile_values)
    elif op == "rename" and isinstance(parent, dict):
        parent[data.draw(hostile_keys)] = parent.pop(last)
    elif op == "empty":
        parent[last] = {} if isinstance(parent[last], dict) else []
    elif op == "duplicate" and isinstance(parent, dict):
        # the same value under a second name: duplicate levels, players, sources, facts
        parent[f"{last}{data.draw(st.sampled_from(['', '2', '_', 'Ｘ']))}x"] = parent[last]
    elif op == "add" and isinstance(parent[last], dict):
        parent[last][data.draw(hostile_keys)] = data.draw(hostile_values)
    elif op == "nest":
        parent[last] = nested(data.draw(st.integers(1, 40)), "table") | {"v": parent[last]}
    else:
        parent[last] = data.draw(hostile_values)


# ---------------------------------------------------------------- byte mutations


def mutate_bytes(raw: bytes, data: st.DataObject) -> bytes:
    lines = raw.splitlines(keepends=True)
    op = data.draw(st.sampled_from(["truncate", "insert", "delete_line", "duplicate_line",
                                    "swap_lines", "flip"]))
    if op == "truncate":
        return raw[: data.draw(st.integers(0, len(raw)))]
    if op == "insert":
        at = data.draw(st.integers(0, len(raw)))
        junk = data.draw(st.one_of(
            st.binary(min_size=1, max_size=8),
            st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xef\xbb\xbf", b"\xed\xa0\x80",
                             b"[[", b"]", b'"""', b"=", b"\r", b"\\u0000"]),
        ))
        return raw[:at] + junk + raw[at:]
    if op == "flip" and raw:
        at = data.draw(st.integers(0, len(raw) - 1))
        return raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255))]) + raw[at + 1:]
    if not lines:
        return raw
    i = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete_line":
        del lines[i]
    elif op == "duplicate_line":
        lines.insert(i, lines[i])
    else:
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


# ---------------------------------------------------------------- the oracle


def check_clean(path: Path, *, need_key: bool) -> str:
    """Load ``path`` and build its game; only a valid game or our own clean errors pass."""
    try:
        scenario = load_scenario(path)
        game = build_game(scenario, max_cells=MAX_CELLS)
        show_text(scenario, game, max_rows=5)  # the text `show` prints, with every label
        "\n".join(inputs_markdown(scenario))  # the inputs part of summary.md
    except ScenarioErrors as exc:
        errors = exc.errors
    except LimitError as exc:
        limit = str(exc)
        assert_one_line(limit)
        assert "--max-" in limit
        return "limit"
    else:
        return "valid"
    assert errors, "ScenarioErrors without errors"
    for e in errors:
        assert isinstance(e, ScenarioError)
        assert_one_line(e.one_line())
        assert e.path == path
        assert e.one_line().startswith(str(path))
        if need_key:
            assert e.key, f"no key named in: {e.one_line()}"
    return "error"


def assert_one_line(message: str) -> None:
    assert message.strip(), "empty message"
    assert message.isprintable(), f"message is not one printable line: {message!r}"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzzed.toml"


def test_bundled_scenarios_are_valid():
    assert BASES, "no scenario to fuzz"
    for name in BASES:
        assert check_clean(ROOT / name, need_key=True) == "valid", name


@FUZZ
@given(base=st.sampled_from(sorted(BASES)), data=st.data())
def test_document_mutations_give_a_scenario_or_clean_errors(scratch, base, data):
    doc = tomllib.loads(BASES[base].decode("utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        mutate(doc, data)
    text = tomlw.dumps(doc)
    scratch.write_text(text, encoding="utf-8")
    check_clean(scratch, need_key=bool(text.strip()))


@FUZZ
@given(base=st.sampled_from(sorted(BASES)), data=st.data())
def test_byte_mutations_give_a_scenario_or_clean_errors(scratch, base, data):
    raw = BASES[base]
    for _ in range(data.draw(st.integers(1, 3))):
        raw = mutate_bytes(raw, data)
    scratch.write_bytes(raw)
    check_clean(scratch, need_key=False)


@FUZZ
@given(doc=st.dictionaries(hostile_keys, hostile_values, max_size=6))
def test_arbitrary_documents_give_clean_errors(scratch, doc):
    text = tomlw.dumps(doc)
    scratch.write_text(text, encoding="utf-8")
    check_clean(scratch, need_key=bool(text.strip()))


@pytest.mark.parametrize("depth", [50, 500, 5_000])
@pytest.mark.parametrize("kind", ["table", "array"])
def test_deeply_nested_toml_is_a_clean_error(tmp_path, depth, kind):
    text = ("x = " + "{a = " * depth + "1" + "}" * depth if kind == "table"
            else "x = " + "[" * depth + "1" + "]" * depth) + "\n"
    path = tmp_path / "deep.toml"
    path.write_text(text)
    assert check_clean(path, need_key=False) == "error"


def test_a_truce_length_of_zero_from_a_fact_is_a_clean_error(tmp_path):
    # found by the fuzzer: a bound of None was formatted with :g
    text = (ROOT / "tests" / "data" / "small.toml").read_text()
    text = text.replace('peak = { value = 145,', 'peak = { value = 0,')
    text += 'length_days = "peak"\n'
    path = tmp_path / "zero.toml"
    path.write_text(text)
    with pytest.raises(ScenarioErrors, match=r"\[truce.length_days\] 0 is outside \(0, inf\)"):
        load_scenario(path)
