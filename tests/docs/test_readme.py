"""The README's examples work as written."""

import re
from pathlib import Path

from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]


def test_readme_scenario_example_loads_and_solves(tmp_path):
    text = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    path = tmp_path / "mini.toml"
    path.write_text(block)
    s = load_scenario(path)
    g = build_game(s)
    assert g.strategies == (("tariff=war", "tariff=geneva"), ("rare_earths=held", "rare_earths=released"))
    # US: 6 * released - 0.05 * tariff; at (geneva, released): 6 - 1.5
    assert g.A[g.profile_index(s.profiles["deal"])] == 4.5


def test_readme_quick_start_matches_ci():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make run" in readme
    assert ci.strip().splitlines()[-1] == "make test"
