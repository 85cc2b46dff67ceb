"""Terminal safety (issue #12, point 8): control characters in a file's text (a title that
sets the terminal's window title, a level name that clears the screen, a bidirectional
override) never reach the terminal raw, on standard output or standard error; they are
written as ``\\uXXXX`` escapes, so JSON output stays valid and reads back to the same text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.terminal import escape

ROOT = Path(__file__).resolve().parents[2]
SMALL = (ROOT / "tests" / "data" / "small.toml").read_text(encoding="utf-8")
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e\x9b31m\r"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    text = SMALL.replace('name = "t"', f'name = "t"\ntitle = "Trade {json.dumps(HOSTILE)[1:-1]}"')
    text = text.replace(
        "levels = { held = 1, open = 0 }",
        f'levels = {{ held = 1, "op{json.dumps(HOSTILE)[1:-1]}en" = 0 }}',
    )
    text = text.replace(
        'China = { rare = "open" }', f'China = {{ rare = "op{json.dumps(HOSTILE)[1:-1]}en" }}'
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["show"],
        ["solve"],
        ["validate"],
        ["truce", "--runs", "2", "--no-figures"],
        ["bargain", "--no-figures"],
        ["run", "--no-figures"],
        ["learn"],
        ["play", "--as", "US", "--against", "grim", "--rounds", "1"],
    ],
)
def test_no_control_character_reaches_the_terminal(hostile, args):
    result = CliRunner().invoke(app, [args[0], str(hostile), *args[1:]], input="comply\n")
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout), repr(RAW.search(result.stdout))
    assert not RAW.search(result.stderr), repr(RAW.search(result.stderr))


def test_json_output_stays_valid_and_keeps_the_text(hostile):
    result = CliRunner().invoke(app, ["solve", str(hostile), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert any(f"op{HOSTILE}en" in text for text in strings(doc))


def strings(doc: object) -> list[str]:
    if isinstance(doc, dict):
        return [*doc, *(s for v in doc.values() for s in strings(v))]
    if isinstance(doc, list):
        return [s for v in doc for s in strings(v)]
    return [doc] if isinstance(doc, str) else []


def test_escape_keeps_text_and_layout():
    assert escape("tariff × 145 % δ*\n\tok") == "tariff × 145 % δ*\n\tok"
    assert escape("\x1b[2J") == "\\u001b[2J"
    assert escape("\u202eabc") == "\\u202eabc"
    assert escape("\U000e0041") == "\\udb40\\udc41"
    assert json.loads('"' + escape("a\x9b\x1b\u202e") + '"') == "a\x9b\x1b\u202e"


def test_a_hostile_timeline_title_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    timeline = ROOT / "scenarios" / "timelines" / "us-china-2025.toml"
    text = timeline.read_text(encoding="utf-8").replace(
        'title = "US-China', f'title = "{json.dumps(HOSTILE)[1:-1]} US-China', 1
    )
    text = text.replace('base = "../geneva-truce-2025.toml"',
                        f'base = "{ROOT / "scenarios" / "geneva-truce-2025.toml"}"')
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["timeline", str(path)])
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout), repr(RAW.search(result.stdout))


def test_exported_text_is_exact_when_not_on_a_terminal(hostile):
    """Data written to a pipe or file is not altered; only a terminal gets escapes."""
    result = CliRunner().invoke(app, ["export", str(hostile), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert any(f"op{HOSTILE}en" in text for text in strings(json.loads(result.stdout)))
