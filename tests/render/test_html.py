"""report.html: self-contained, complete, and rendered with every figure by a real browser."""

from __future__ import annotations

import html
import json
import os
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


def test_markdown_is_rendered_by_markdown_it_escaped_with_headings_under_the_section():
    out = markdown_to_html(["## Title", "", "| a | b |", "|---|---|", "| 1 | `x<y` |", "",
                            "- one **bold**", "", "text <script>", "",
                            "```text", "  kept <as> is", "```", "", "### Sub"])
    assert "<h3>Title</h3>" in out  # the section is h2: its summary's top heading is h3
    assert "<h4>Sub</h4>" in out
    assert "<div class='wide'>\n<table>" in out
    assert "<td><code>x&lt;y</code></td>" in out
    assert "<li>one <strong>bold</strong></li>" in out
    assert "<p>text &lt;script&gt;</p>" in out
    assert "  kept &lt;as&gt; is" in out
    assert "<script>" not in out


def test_long_lists_and_tables_collapse():
    short = markdown_to_html([f"- item {i}" for i in range(12)])
    assert "<details>" not in short
    long = markdown_to_html([f"- item {i}" for i in range(44)])
    assert long.startswith("<details><summary>44 items (show)</summary>")
    table = markdown_to_html(["| a |", "|---|", *(f"| {i} |" for i in range(20))])
    assert "<summary>20 rows (show)</summary>" in table


def test_run_writes_a_self_contained_report_with_every_figure(report):
    page = (report / "report.html").read_text()
    figures = sorted(p.name for p in (report / "figures").glob("*.png"))
    assert len(figures) >= 6
    assert page.count('src="data:image/png;base64,') == len(figures)
    for name in figures:
        assert f"<figcaption>{name}: " in page  # each figure captioned with what it shows
    assert "<figcaption>tornado.png: how far each assumption" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing to fetch
    assert "Mini &lt;truce&gt; &amp; deal" in page
    for title in ("Truce stability", "Sensitivity: tornado, tipping points, robustness",
                  "Sources", "Assumptions (judgement calls, with ranges)"):
        assert title in page
    assert "<td>Wire</td><td>2025-06-01</td><td>A headline</td>" in page
    # key findings come first, in plain words: (t-3)/(t-1) = 0.5 <= 0.6, the deal (3, 3)
    assert page.index("Key findings") < page.index("The scenario") < page.index("Sources")
    text = html.unescape(page)  # the template escapes apostrophes
    assert "The truce is self-enforcing: each side's discount factor δ = 0.6 per 7-day " \
        "period is at least the δ* = 0.5 it needs" in text
    assert "The Nash bargaining deal is Row: m=cooperate | Col: n=cooperate" in text
    assert "Assumptions that flip a conclusion inside their ranges: t (" in text
    assert "<pre>" not in page
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


def chromium() -> Path:
    """Debian's chromium; in CI (.ci/run installs it) its absence fails, never skips."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("headless Chromium (/usr/bin/chromium) is missing; .ci/run installs it")
    pytest.skip("headless Chromium (/usr/bin/chromium) absent")
    raise AssertionError  # unreachable: skip raises


def test_report_renders_in_headless_chromium_with_every_figure(report, tmp_path):
    chromium()
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


@pytest.mark.parametrize(("width", "name"), [(1280, "laptop"), (390, "phone")])
def test_report_fits_laptop_and_phone_widths(report, tmp_path, width, name):
    """A real browser at a laptop's and a phone's width: nothing wider than the window (the
    full-page screenshot is exactly the window's width, and no element sticks out), the key
    findings on the first screen. TRADESIM_SCREENSHOTS=DIR keeps the screenshots."""
    exe = chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    out = Path(os.environ.get("TRADESIM_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    shot = out / f"report-{name}.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(exe),
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((report / "report.html").as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(shot), full_page=True)
            wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
                .filter(e => !e.closest('.wide, pre'))
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + ' ' + (e.id || e.className))""")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            findings = page.locator("#key-findings").bounding_box()
        finally:
            browser.close()
    from matplotlib.image import imread

    png = imread(shot)
    assert png.shape[1] == width, f"the page is {png.shape[1]} px wide in a {width} px window"
    assert scroll <= width
    assert not wide, wide[:5]
    assert findings is not None
    assert findings["y"] < 900, "the key findings are not on the first screen"
