"""``--exact`` evaluates payoff formulas in rational arithmetic (sim/scenario/formula_exact.py).

The float evaluator gives ``0.1 * 3 = 0.30000000000000004``, so a formula that should tie
with ``0.3`` did not, and ``solve --exact`` lost the equilibria that rest on the tie.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.scenario.formula_exact import evaluate_exact, exact_inputs, exact_payoffs

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").rglob("*.toml") if "timelines" not in p.parts)

TIE = """
[scenario]
name = "decimal-tie"
title = "A tie that only exact decimals keep"
[sources.a]
outlet = "X"
title = "Y"
[assumptions]
w = { value = 0.1, range = [0, 1], why = "a decimal" }
[players.Row.levers.move]
levels = { up = 1, down = 0 }
[players.Column.levers.guess]
levels = { up = 1, down = 0 }
[payoffs]
Row = "w * 3 if move == 1 else 0.3"
Column = "1 if guess == move else 0"
"""


def env(**values):
    return {k: np.asarray(v, dtype=object) for k, v in values.items()}


@pytest.mark.parametrize(("text", "value"), [
    ("0.1 * 3", Fraction(3, 10)),
    ("a * 3 == 0.3", Fraction(1)),
    ("1e3 + 1_000 - 2.5", Fraction(3995, 2)),
    ("min(a, 0.2, 0.05) + max(a, 0.3)", Fraction(7, 20)),
    ("sqrt(0.25) + abs(-a) + clip(a, 0.2, 1)", Fraction(4, 5)),
    ("a ** 2 - 2 ** -1", Fraction(-49, 100)),
    ("7 // 2 + 7 % 2 + 7 / 2", Fraction(15, 2)),
    ("not a or (a > 0 and a < 1)", Fraction(1)),
    ("1 / a if a != 0 else 0", Fraction(10)),
    ("exp(0) + log(1)", Fraction(1)),
])
def test_exact_values(text, value):
    assert evaluate_exact(text, env(a=Fraction(1, 10)))[()] == value


@pytest.mark.parametrize("text", ["exp(a)", "log(a)", "sqrt(a)", "a ** 0.5"])
def test_irrational_values_are_floats(text):
    assert isinstance(evaluate_exact(text, env(a=Fraction(1, 10)))[()], float)


def test_a_branch_not_taken_may_divide_by_zero():
    x = np.array([Fraction(0), Fraction(2)], dtype=object)
    out = evaluate_exact("1 / x if x != 0 else 0", {"x": x})
    assert out.tolist() == [Fraction(0), Fraction(1, 2)]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_exact_payoffs_agree_with_the_float_game(path):
    scenario = load_scenario(path)
    if scenario.trade:
        assert "[trade] markets" in exact_inputs(scenario)[1]
        return
    exact = np.array(exact_payoffs(scenario).payoffs, dtype=object).astype(float)
    np.testing.assert_allclose(exact, build_game(scenario).payoffs, rtol=1e-12, atol=1e-12)


def test_london_is_not_exactly_representable_and_says_why():
    # London's trade welfare comes from [trade] markets (#16), computed in floating point
    payoffs, note = exact_inputs(load_scenario(ROOT / "scenarios" / "london-2025.toml"))
    assert payoffs is None
    assert "not exactly representable: the [trade] markets" in note


def test_solve_exact_keeps_the_equilibria_of_a_decimal_tie(scenario_file):
    """Row is indifferent (0.1 * 3 = 0.3), Column matches Row: the extreme equilibria are
    (up, up), (down, down) and Row mixing 1/2 with either pure column reply."""
    path = scenario_file(TIE, "tie.toml")
    r = CliRunner().invoke(app, ["solve", str(path), "--exact", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    found = {(tuple(e["exact_strategies"]["Row"]), tuple(e["exact_strategies"]["Column"]))
             for e in doc["equilibria"]}
    assert found == {(("1", "0"), ("1", "0")), (("0", "1"), ("0", "1")),
                     (("1/2", "1/2"), ("1", "0")), (("1/2", "1/2"), ("0", "1"))}
    assert "not exactly representable" not in doc.get("message", "")


def test_solve_exact_on_london_says_it_is_not_exactly_representable():
    r = CliRunner().invoke(app, ["solve", str(ROOT / "scenarios" / "london-2025.toml"),
                                 "--exact"])
    assert r.exit_code == 0, r.output
    assert "not exactly representable: the [trade] markets" in r.stdout


def test_solve_exact_prints_fractions():
    bos = ROOT / "scenarios" / "classroom" / "battle-of-the-sexes.toml"
    r = CliRunner().invoke(app, ["solve", str(bos), "--exact"])
    assert r.exit_code == 0, r.output
    assert ("Row plays 2/3×[opera] + 1/3×[football]; Column plays 1/3×[opera] + "
            "2/3×[football] — payoffs: Row 2/3, Column 2/3") in r.stdout
    assert "0.6667" not in r.stdout
