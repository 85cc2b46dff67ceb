"""The notebook example (docs/how-to/notebook.ipynb) runs headless, from a folder that is not
the checkout, and shows complete HTML; its numbers are the tool's.

nbclient runs it on a local ipykernel (no network). The executed notebook's HTML outputs are
written next to the test's temporary files for a person to look at
(``NOTEBOOK_HTML=path pytest tests/test_notebook.py`` keeps a page of them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs/how-to/notebook.ipynb"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    where = tmp_path_factory.mktemp("anywhere")  # not the checkout: scenarios load by name
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(where)}})
    client.execute()
    keep = os.environ.get("NOTEBOOK_HTML")
    if keep:
        Path(keep).write_text("<html><body>" + "<hr>".join(
            o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if "text/html" in o.get("data", {})) + "</body></html>",
            encoding="utf-8")
    return nb


def _outputs(nb, source_start: str) -> list[dict]:
    """The outputs of the one code cell whose source is ``source_start`` or starts with it
    (the exact match wins)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    cells = [c for c in code if c.source == source_start] or [
        c for c in code if c.source.startswith(source_start)]
    assert len(cells) == 1, source_start
    return cells[0].outputs


def _html(nb, source_start: str) -> str:
    (out,) = [o for o in _outputs(nb, source_start) if "text/html" in o.get("data", {})]
    return out["data"]["text/html"]


def test_the_notebook_runs_without_errors(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if o["output_type"] == "error"]
    assert not errors, errors


def test_the_notebook_shows_what_the_tool_computes(executed):
    t = sim.truce("prisoners-dilemma", strategies=["tft", "wsls", "ctft"],
                  noise_implementation=0.05, noise_perception=0.0, runs=2000, seed=1)
    shown = _outputs(executed, "pd_truce = ")[0]["data"]["text/plain"]
    assert shown == repr((t.delta_star, t.binding))
    frame = _html(executed, 'pd_truce.to_dataframe("simulation")')
    wsls = next(p for p in t.simulation.pairs if p.label.startswith("wsls"))
    assert f"{wsls.recovery:.6f}" in frame
    nash = _outputs(executed, "deal = sim.bargain")[0]["data"]["text/plain"]
    assert "US" in nash
    assert str(round(sim.bargain("london-2025").solutions.nash.payoffs.China, 6))[:5] in nash


def test_the_html_views_are_complete(executed):
    scenario = _html(executed, "import sim")
    assert "Facts and assumptions" in scenario
    assert "rare_earths" in scenario
    assert len(scenario) < 20_000
    one = _html(executed, "eq[0]")
    assert "<th>strategy</th>" in one
    assert "us_tariff=baseline" in one
    truce = _html(executed, "pd_truce")
    for part in ("recovery", "Named profiles", "Best sustainable profile", "Simulation",
                 "the whole report as text"):
        assert part in truce, part
    deal = _html(executed, "deal")
    for part in ("Pareto-optimal pure profiles", "Bargaining solutions", "Rubinstein",
                 "Outside options", "Issue linkage", "Move order"):
        assert part in deal, part


def test_errors_in_the_notebook_name_keywords_not_options(executed):
    (out,) = _outputs(executed, "try:")
    assert out["text"].strip() == "delta must lie strictly between 0 and 1, got 1.5"
