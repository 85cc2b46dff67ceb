"""The reference keeps up with the code: every command and option, every scenario key."""

from __future__ import annotations

import re

import pytest
from docblocks import DOCS
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import checks as sc

CLI = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
FORMAT = (DOCS / "reference" / "scenario-format.md").read_text(encoding="utf-8")


def _help(*args: str) -> str:
    r = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    return r.stdout


def commands() -> list[str]:
    text = _help()
    block = text.split("Commands:", 1)[1]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ")
            and line.split()]


def options(help_text: str) -> set[str]:
    block = help_text.split("Options:", 1)[1] if "Options:" in help_text else ""
    return set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", block)) - {"--help"}


def section(text: str, heading: str) -> str:
    """The text under a ``## heading`` up to the next ``## ``."""
    start = text.index(heading)
    nxt = text.find("\n## ", start + len(heading))
    return text[start:] if nxt < 0 else text[start:nxt]


def test_every_command_is_in_the_reference_and_its_table():
    names = commands()
    assert {"run", "solve", "validate", "show", "truce", "bargain", "play"} <= set(names)
    for name in names:
        assert f"## `tradesim {name}`" in CLI, f"docs/reference/cli.md has no section for {name}"
        assert f"[`tradesim {name}`]" in section(CLI, "# Command-line reference"), name


@pytest.mark.parametrize("name", commands())
def test_every_option_of_a_command_is_in_its_section(name):
    text = section(CLI, f"## `tradesim {name}`")
    missing = [opt for opt in sorted(options(_help(name))) if f"`{opt}" not in text
               and f"{opt} " not in text and f"[{opt}" not in text]
    assert not missing, f"tradesim {name}: options missing from docs/reference/cli.md: {missing}"


def test_every_command_help_has_an_example():
    for name in commands():
        assert "Example" in _help(name), name


def test_global_options_are_documented():
    assert options(_help()) <= set(re.findall(r"`(--[\w-]+)`", section(CLI, "## Global options")))


@pytest.mark.parametrize(("heading", "keys"), [
    ("## `[scenario]`", sc._SCENARIO_KEYS),
    ("## `[sources.<id>]`", sc._SOURCE_KEYS),
    ("## `[facts]`", sc._FACT_KEYS),
    ("## `[assumptions]`", sc._ASSUMPTION_KEYS),
    ("## `[players.<P>]`", sc._PLAYER_KEYS | sc._LEVER_KEYS),
    ("## `[truce]`", sc.TRUCE_KEYS),
    ("## `[bargaining]`", sc.BARGAINING_KEYS),
    ("## `[game]`", sc._GAME_KEYS),
])
def test_every_scenario_key_is_in_the_format_reference(heading, keys):
    text = section(FORMAT, heading)
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"{heading} of docs/reference/scenario-format.md lacks {missing}"


def test_every_top_level_table_has_a_section():
    for key in sc._TOP_KEYS:
        assert f"`[{key}" in FORMAT, key
