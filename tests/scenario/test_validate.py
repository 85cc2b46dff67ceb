"""Scenario loading: one test per validation error, each naming file, key, line and the fix."""

from pathlib import Path

import numpy as np
import pytest

from sim.errors import LimitError, ScenarioErrors
from sim.scenario import load_scenario
from sim.scenario.build import build_game

DATA = Path(__file__).resolve().parents[1] / "data"

GOOD = """\
[scenario]
name = "t"

[sources.a]
outlet = "Outlet"
title = "Title"

[facts]
peak = { value = 145, unit = "%", source = ["a"] }

[assumptions]
w = { value = 0.5, range = [0, 1], why = "a judgement call" }

[players.US.levers.tariff]
levels = { war = "peak", low = 10 }

[players.China.levers.rare]
levels = { held = 1, open = 0 }

[payoffs]
US = "-tariff / 100 * w - 3 * rare"
China = "tariff / 100 + rare"
"""


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def errors_of(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioErrors) as info:
        build_game(load_scenario(path))
    return [e.one_line() for e in info.value.errors], path


def test_good_file_loads_and_cites(tmp_path):
    s = load_scenario(write(tmp_path, GOOD))
    assert s.facts["peak"].sources == ("a",)
    assert s.assumptions["w"].range == (0.0, 1.0)
    assert s.lever("tariff").values == (145.0, 10.0)
    g = build_game(s)
    np.testing.assert_allclose(g.A, [[-3.725, -0.725], [-3.05, -0.05]])


@pytest.mark.parametrize(
    ("old", "new", "key", "line", "fragment"),
    [
        ('name = "t"', 'name = "t"\ntitel = "x"', "scenario.titel", 3, "unknown key 'titel'"),
        ('peak = { value = 145, unit = "%", source = ["a"] }', 'peak = { value = 145 }',
         "facts.peak.source", 9, "must cite at least one source"),
        ('source = ["a"]', 'source = ["nope"]', "facts.peak.source", 9,
         "unknown source 'nope'"),
        ("value = 0.5", "value = 2", "assumptions.w.value", 12, "outside its range"),
        ("value = 0.5", 'value = "half"', "assumptions.w.value", 12, "expected a number"),
        ('US = "-tariff', 'US = "zz -tariff', "payoffs.US", 21, "unknown name 'zz'"),
        ('US = "-tariff / 100', 'US = "__import__(1) -tariff / 100', "payoffs.US", 21,
         "'__import__'"),
        ("levels = { held = 1, open = 0 }", "levels = { held = true, open = 0 }",
         "players.China.levers.rare.levels.held", 18, "expected a number"),
        ("levels = { war = \"peak\"", "levels = { war = \"pk\"",
         "players.US.levers.tariff.levels.war", 15, "not a fact or assumption"),
    ],
)
def test_each_error_names_key_line_and_expectation(tmp_path, old, new, key, line, fragment):
    assert old in GOOD
    msgs, path = errors_of(tmp_path, GOOD.replace(old, new, 1))
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(f"{path}:{line}: [{key}]")
    assert fragment in msgs[0]


def test_fewer_than_two_players(tmp_path):
    text = GOOD.split("[players.China")[0] + '[payoffs]\nUS = "tariff"\n'
    msgs, _ = errors_of(tmp_path, text)
    assert any("[players] expected at least 2 players, got 1" in m for m in msgs)


def test_all_errors_are_collected(tmp_path):
    text = GOOD.replace('name = "t"', 'name = "t"\ntitel = "x"').replace("value = 0.5", "value = 9")
    text = text.replace(', source = ["a"]', "")
    msgs, _ = errors_of(tmp_path, text)
    assert len(msgs) == 3


def test_nan_payoff_names_the_profile(tmp_path):
    msgs, path = errors_of(tmp_path, GOOD.replace('China = "tariff / 100 + rare"',
                                                  'China = "log(rare - 1) + tariff"'))
    assert len(msgs) == 1
    assert msgs[0].startswith(f"{path}:22: [payoffs.China] evaluates to")
    assert "US: tariff=war | China: rare=held" in msgs[0]


def test_infinite_payoff_refused(tmp_path):
    msgs, _ = errors_of(tmp_path, GOOD.replace('China = "tariff / 100 + rare"',
                                               'China = "1 / rare"'))
    assert "evaluates to inf" in msgs[0]


def test_invalid_toml_gives_line(tmp_path):
    msgs, path = errors_of(tmp_path, GOOD.replace("[facts]", "[facts"))
    assert msgs[0].startswith(f"{path}:8:")
    assert "not valid TOML" in msgs[0]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "is empty"), (b"\x00\x01\x02", "binary"), (b"\xff\xfe[a]", "not UTF-8")],
)
def test_unreadable_files(tmp_path, content, fragment):
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioErrors, match=fragment):
        load_scenario(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ScenarioErrors, match="no such file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioErrors, match="is a directory"):
        load_scenario(tmp_path)


def test_strategy_space_limit_checked_before_allocation(tmp_path):
    levels = ", ".join(f"l{i} = {i}" for i in range(60))
    text = GOOD.replace("levels = { war = \"peak\", low = 10 }", f"levels = {{ {levels} }}")
    text = text.replace("[players.China", f"[players.US.levers.b]\nlevels = {{ {levels} }}\n"
                        f"[players.US.levers.c]\nlevels = {{ {levels} }}\n[players.China")
    s = load_scenario(write(tmp_path, text))
    with pytest.raises(LimitError, match="over the limit of 100,000") as caught:
        build_game(s, max_cells=100_000)
    assert caught.value.limit == "max_cells"  # the command line adds `--max-cells`


def test_classroom_matrix_form():
    s = load_scenario(DATA / "bos.toml")
    g = build_game(s)
    assert g.strategies == (("opera", "football"), ("opera", "football"))
    np.testing.assert_array_equal(g.B, [[1, 0], [0, 2]])
    assert g.profile_index(s.profiles["both_opera"]) == (0, 0)


def test_matrix_form_shape_checked(tmp_path):
    text = (DATA / "bos.toml").read_text().replace("Column = [[1, 0], [0, 2]]",
                                                   "Column = [[1, 0, 3], [0, 2]]")
    msgs, _ = errors_of(tmp_path, text)
    assert any("[game.payoffs.Column] expected a 2 x 2 array" in m for m in msgs)
