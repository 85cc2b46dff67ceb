"""report.html: self-contained, complete, and rendered with every figure by a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.render.html import markdown_to_html

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

# A 2x2 truce game with a cited fact and two ranged assumptions: small enough to run fast,
# rich enough for every section (core, truce, bargaining, sensitivity).
GAME = """
[scenario]
name = "mini"
title = "Mini <truce> & deal"
date = "2025-06-09"
description = "A prisoner's dilemma with a cited number."
[sources.src]
outlet = "Wire"
title = "A headline"
date = "2025-06-01"
[facts]
reward = { value = 3, unit = "$bn", source = ["src"] }
[assumptions]
t = { value = 5, range = [3.5, 8], why = "temptation" }
slip = { value = 0.05, range = [0, 0.2], why = "noise" }
[players.Row.levers.m]
levels = { cooperate = 0, defect = 1 }
[players.Col.levers.n]
levels = { cooperate = 0, defect = 1 }
[payoffs]
Row = "(1-m)*(1-n)*reward + m*(1-n)*t + m*n*1"
Col = "(1-m)*(1-n)*reward + n*(1-m)*t + m*n*1"
[profiles]
truce = { Row = { m = "cooperate" }, Col = { n = "cooperate" } }
[truce]
profile = "truce"
discount = 0.6
length_days = 70
period_days = 7
noise_implementation = "slip"
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    path = tmp / "mini.toml"
    path.write_text(GAME)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp / "out")])
    assert result.exit_code == 0, result.output
    return tmp / "out" / "mini"


def test_markdown_subset():
    out = markdown_to_html(["## Title", "", "| a | b |", "|---|---|", "| 1 | `x<y` |", "",
                            "- one **bold**", "1. two", "", "text <script>", "",
                            "```text", "  kept <as> is", "```"])
    assert "<h3>Title</h3>" in out
    assert "<table><thead><tr><th>a</th><th>b</th></tr></thead>" in out
    assert "<td><code>x&lt;y</code></td>" in out
    assert "<ul><li>one <strong>bold</strong></li><li>two</li></ul>" in out
    assert "<p>text &lt;script&gt;</p>" in out
    assert "<pre>  kept &lt;as&gt; is</pre>" in out


def test_run_writes_a_self_contained_report_with_every_figure(report):
    page = (report / "report.html").read_text()
    figures = sorted(p.name for p in (report / "figures").glob("*.png"))
    assert len(figures) >= 6
    assert page.count('src="data:image/png;base64,') == len(figures)
    for name in figures:
        assert f"<figcaption>{name}</figcaption>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing to fetch
    assert "Mini &lt;truce&gt; &amp; deal" in page
    for title in ("Truce stability", "Sensitivity: tornado, tipping points, robustness",
                  "Sources", "Assumptions (judgement calls, with ranges)"):
        assert title in page
    assert "<td>Wire</td><td>2025-06-01</td><td>A headline</td>" in page
    assert "<td><code>t</code></td><td>5</td><td>3.5 to 8</td>" in page
    assert "the truce stops being sustainable when t crosses 6 (between" in page  # (t-3)/(t-1)=0.6


def test_sensitivity_section_in_results_json(report):
    doc = json.loads((report / "results.json").read_text())
    sens = doc["sensitivity"]
    assert sens["base"]["delta_star"] == pytest.approx(0.5)  # (5 - 3) / (5 - 1)
    bar = next(b for b in sens["tornado"] if b["name"] == "t")
    assert bar["at_low"]["delta_star"] == pytest.approx(0.2)
    assert bar["at_high"]["delta_star"] == pytest.approx(5 / 7)
    tp = next(t for t in sens["tipping_points"] if t["conclusion"] == "truce_sustainable")
    assert abs(tp["value"] - 6.0) <= tp["tolerance"]
    assert 0 < sens["robustness"]["discrepancy"] < 1  # one assumption: a 1-D design
    shares = {s["statement"]: s for s in sens["robustness"]["shares"]}
    # t ~ U[3.5, 8] by Latin hypercube: sustainable iff t <= 6, i.e. 2.5/4.5 of the samples
    s = shares["the truce is sustainable (delta >= delta*)"]
    assert abs(s["share"] - 2.5 / 4.5) <= 1 / sens["robustness"]["samples"] + 1e-9


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) absent")
def test_report_renders_in_headless_chromium_with_every_figure(report, tmp_path):
    n = len(list((report / "figures").glob("*.png")))
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--dump-dom",
           (report / "report.html").as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    body = re.search(r"<body[^>]*>", proc.stdout)
    assert body, proc.stdout[:500]
    assert f'data-figures="{n}"' in body[0]
    assert f'data-figures-rendered="{n}"' in body[0]
    shot = tmp_path / "shot.png"
    subprocess.run([*cmd[:-2], f"--screenshot={shot}", "--window-size=1200,1600",
                    (report / "report.html").as_uri()], capture_output=True, timeout=120,
                   check=False)
    assert shot.stat().st_size > 20_000
    shutil.rmtree(profile, ignore_errors=True)
