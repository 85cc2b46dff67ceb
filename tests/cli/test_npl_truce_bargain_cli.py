"""``tradesim truce`` and ``tradesim bargain`` with three or more players: closed forms.

The games are n-player prisoner's dilemmas: complying costs side i c_i and gives every
other side b = 2, u_i = 2 x (others complying) - c_i x [i complies]. Breach dominates, so
all-breach (0, ..., 0) is the unique equilibrium; from all-comply a side gains c_i by
breaching and loses 2 (n - 1) once punished, so under grim trigger
delta*_i = c_i / (2 (n - 1)) whatever the punishment rule (dominant strategies).
"""

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
THREE_WAY = ROOT / "scenarios" / "classroom" / "three-way-truce.toml"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def _nested(arr: np.ndarray) -> str:
    return json.dumps(arr.tolist())


def dilemma(tmp_path: Path, costs: dict[str, float], *, discount: float = 0.8,
            noise: float = 0.0) -> Path:
    """An n-player prisoner's dilemma scenario with the players in ``costs``'s order."""
    names = list(costs)
    n = len(names)
    arrays = {p: np.zeros((2,) * n) for p in names}
    for s in itertools.product(range(2), repeat=n):
        for i, p in enumerate(names):
            others = sum(1 for j in range(n) if j != i and s[j] == 0)
            arrays[p][s] = 2 * others - (costs[p] if s[i] == 0 else 0)
    lines = [
        '[scenario]', 'name = "dilemma"', 'title = "n-player dilemma"',
        'description = "test game"', '',
        '[sources.textbook]', 'outlet = "x"', 'date = "2004"', 'title = "x"',
        'reliability = "textbook"', '',
        '[assumptions]',
        (f'discount = {{ value = {discount}, range = [0.1, 0.99], unit = "per period", '
        'why = "test", source = ["textbook"] }'),
        f'noise = {{ value = {noise}, range = [0.0, 0.5], unit = "per period", why = "test" }}',
        '', '[game]', f'players = {json.dumps(names)}',
        'strategies = { ' + ", ".join(f'{p} = ["comply", "breach"]' for p in names) + ' }',
        *[f"payoffs.{p} = {_nested(arrays[p])}" for p in names], '',
        '[profiles.all_comply]', *[f'{p} = "comply"' for p in names], '',
        '[truce]', 'profile = "all_comply"', 'discount = "discount"',
        'noise_implementation = "noise"', 'punishment = "nash"',
    ]
    path = tmp_path / f"dilemma-{'-'.join(names)}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def truce_json(*args) -> dict:
    r = invoke("truce", *args, "--no-figures", "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("costs", [{"US": 3, "China": 2, "EU": 1},
                                   {"US": 1, "China": 4, "EU": 2, "Japan": 3}])
def test_truce_thresholds_are_the_closed_form_under_every_rule(tmp_path, costs):
    n = len(costs)
    doc = truce_json(dilemma(tmp_path, costs))
    top = max(costs, key=costs.get)
    for key, table in doc["thresholds"].items():
        for p, c in costs.items():
            assert table["players"][p]["delta_star"] == pytest.approx(c / (2 * (n - 1))), key
        assert table["binding"] == [top], key
    assert doc["delta_star"] == pytest.approx(costs[top] / (2 * (n - 1)))
    assert doc["sustainable"] == (costs[top] / (2 * (n - 1)) <= 0.8)


def test_relabelling_the_sides_relabels_the_thresholds(tmp_path):
    a = truce_json(dilemma(tmp_path, {"US": 3, "China": 2, "EU": 1}))
    b = truce_json(dilemma(tmp_path, {"EU": 1, "US": 3, "China": 2}))
    for key in a["thresholds"]:
        for p in ("US", "China", "EU"):
            assert (a["thresholds"][key]["players"][p]["delta_star"]
                    == b["thresholds"][key]["players"][p]["delta_star"])


def test_the_binding_side_and_the_discount_factor(tmp_path):
    doc = truce_json(THREE_WAY)
    assert doc["binding"] == ["US"]
    assert doc["delta_star"] == pytest.approx(0.75)
    assert doc["sustainable"] is True
    assert truce_json(THREE_WAY, "--delta", "0.7")["sustainable"] is False
    equal = truce_json(dilemma(tmp_path, {"US": 3, "China": 3, "EU": 3}))
    assert equal["binding"] == ["US", "China", "EU"]


def test_noisy_survival_matches_the_closed_form():
    """Survival to the end is (1 - eps)^(n T): (0.98)^(3 x 13) for the three-way truce."""
    doc = truce_json(THREE_WAY, "--runs", "20000", "--seed", "4")
    s = doc["simulation"]
    assert s["expiry_closed_form"] == pytest.approx(0.98 ** (3 * 13))
    se = np.sqrt(s["expiry_closed_form"] * (1 - s["expiry_closed_form"]) / 20000)
    assert abs(s["expiry"] - s["expiry_closed_form"]) < 4 * se
    assert truce_json(THREE_WAY, "--seed", "4", "--runs", "20000") == doc


def bargain_json(*args) -> dict:
    r = invoke("bargain", *args, "--no-figures", "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_symmetric_bargain_is_everyone_complying(tmp_path):
    """Equal costs 3: total payoff is the number complying, at most 3, so the symmetric
    Nash solution from d = 0 is (1, 1, 1) by all complying; the Shapley value splits
    v(N) = 3 equally."""
    doc = bargain_json(dilemma(tmp_path, {"US": 3, "China": 3, "EU": 3}))
    assert doc["disagreement"] == {"US": 0, "China": 0, "EU": 0}
    for p in ("US", "China", "EU"):
        assert doc["nash"]["payoffs"][p] == pytest.approx(1.0, abs=1e-6)
        assert doc["coalitions"]["shapley"][p] == pytest.approx(1.0)
    assert doc["nash"]["lottery"][0]["probability"] == pytest.approx(1.0, abs=1e-6)


def test_asymmetric_bargain_satisfies_the_first_order_condition():
    """Three-way truce: the deal mixes all-comply (1, 2, 3) and the US breaching alone
    (4, 0, 1) with weight l on the latter, maximising log(1+3l) + log(2-2l) + log(3-2l):
    3 / (1 + 3l) = 1 / (1 - l) + 2 / (3 - 2l)."""
    doc = bargain_json(THREE_WAY)
    lottery = {item["label"]: item["probability"] for item in doc["nash"]["lottery"]}
    lam = lottery["US: breach | China: comply | EU: comply"]
    assert 3 / (1 + 3 * lam) == pytest.approx(1 / (1 - lam) + 2 / (3 - 2 * lam), rel=1e-4)
    pay = doc["nash"]["payoffs"]
    assert [pay["US"], pay["China"], pay["EU"]] == pytest.approx(
        [1 + 3 * lam, 2 - 2 * lam, 3 - 2 * lam], rel=1e-6)
    assert sum(doc["coalitions"]["shapley"].values()) == pytest.approx(6.0)
    security = bargain_json(THREE_WAY, "--disagreement", "security")
    assert security["disagreement"] == {"US": 0, "China": 0, "EU": 0}


def test_two_sided_options_are_one_line_errors():
    for args, expected in [(("truce", THREE_WAY, "--strategies", "tft"), "--strategies:"),
                           (("bargain", THREE_WAY, "--delta", "0.9"), "--delta:"),
                           (("bargain", THREE_WAY, "--disagreement", "rubinstein"),
                            "--disagreement: got 'rubinstein'")]:
        r = invoke(*args, "--no-figures")
        assert r.exit_code == 2, r.output
        assert expected in r.output
        assert len(r.output.strip().splitlines()) == 1
