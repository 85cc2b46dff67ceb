"""Fuzzing the Gambit ``.nfg`` reader: a game or a clean one-line error, quickly.

Each example writes a bundled game (both ``.nfg`` forms), then replaces tokens with hostile
ones (huge or tiny numbers, ``1e999999999`` whose exact value would be a billion-digit
integer, zero denominators, strings, braces) or mutates the bytes, and reads it with
:func:`sim.formats.nfg.load_nfg`. Examples per test: ``TRADESIM_FUZZ_EXAMPLES`` / 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError, ScenarioErrors, TradesimError
from sim.formats.nfg import load_nfg, write_nfg
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("TRADESIM_FUZZ_EXAMPLES", "800")) // 2
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
GAMES = sorted((ROOT / "scenarios" / "classroom").glob("*.toml")) or [
    ROOT / "tests" / "data" / "bos.toml"]
TEXTS = [write_nfg(build_game(load_scenario(p)), form=form)
         for p in GAMES for form in ("outcome", "payoff")]
HOSTILE_TOKENS = ["1e999999999", "-1e99999", "1e400", "1/0", "0/0", "1" * 5000, "nan", "inf",
                  "1e-99999", "99999999999999999999/3", "{", "}", '"', '""', "NFG", "D",
                  "-", "+", ".", "1.", ".5", "3/", "/3", "\x00", "é", "1e15", "-0",
                  # issue #12: huge declared sizes, many players, terminal controls
                  "10000000", "9999999999", " ".join(['""'] * 33), '"\x1b]0;t\x07"']


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nfg") / "fuzzed.nfg"


def check(path: Path) -> None:
    try:
        load_nfg(path)
    except (ScenarioError, ScenarioErrors) as exc:
        message = str(exc)
    except TradesimError as exc:  # any other error of ours must still be one line
        message = str(exc)
    else:
        return
    assert message.isprintable() or "\n" not in message, message
    assert message.startswith(str(path)), message


@FUZZ
@given(text=st.sampled_from(TEXTS), data=st.data())
def test_token_substitutions_give_a_game_or_a_clean_error(scratch, text, data):
    tokens = text.split(" ")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(tokens) - 1))
        tokens[i] = data.draw(st.sampled_from(HOSTILE_TOKENS) | st.text(max_size=6))
    scratch.write_bytes(" ".join(tokens).encode("utf-8", "surrogatepass"))
    check(scratch)


@FUZZ
@given(text=st.sampled_from(TEXTS), data=st.data())
def test_byte_mutations_give_a_game_or_a_clean_error(scratch, text, data):
    raw = text.encode()
    at = data.draw(st.integers(0, len(raw)))
    if data.draw(st.booleans()):
        raw = raw[:at]
    else:
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=6)) + raw[at:]
    scratch.write_bytes(raw)
    check(scratch)
