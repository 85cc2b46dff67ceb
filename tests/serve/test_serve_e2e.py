"""End to end in headless Chromium: a teacher and four students, each in their own browser
context, play a whole truce game and a bargaining round; the CSV export matches what they
clicked; the pages fit a phone (390 px) and a laptop (1280 px) and raise no console error.

Playwright drives Debian's ``/usr/bin/chromium`` (``executable_path``; no browser download).
Screenshots go to ``$TRADESIM_SCREENSHOTS`` when set (to look at them), else to tmp_path.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from live import Served, admin_key, free_port, wait_up

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is absent")
sync_api = pytest.importorskip("playwright.sync_api")

WAIT = 30_000  # ms: every wait is bounded
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def server(tmp_path):
    db = tmp_path / "class.sqlite"
    port = free_port()
    served = Served(db, port)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_up(base)
        yield base, admin_key(db)
    finally:
        served.stop()


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    out = Path(os.environ.get("TRADESIM_SCREENSHOTS") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, browser, viewport):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def fits(self) -> bool:
        """No horizontal scrolling: the page is no wider than the window."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def open_game(teacher: Watched, base: str, key: str, activity: str) -> str:
    page = teacher.page
    page.goto(f"{base}teach?key={key}")
    page.select_option("#scenario", "london-2025.toml")
    page.check(f"input[name=activity][value={activity}]")
    page.fill("#max_rounds", "2")
    page.fill("#continuation", "0.99")
    page.fill("#round_seconds", "0")
    page.fill("#seed", "11")
    page.click("#create")
    page.wait_for_url("**/t/**")
    page.wait_for_selector("#app[data-state=lobby]")
    return page.inner_text("#code").strip()


def join(student: Watched, base: str, code: str, nickname: str) -> None:
    page = student.page
    page.goto(f"{base}?code={code}")
    page.fill("#nickname", nickname)
    page.click("#join-button")
    page.wait_for_url("**/s/**")
    page.wait_for_selector("text=Waiting for the teacher")


def export_csv(teacher: Watched, base: str) -> list[dict[str, str]]:
    href = teacher.page.get_attribute("#csv-link", "href")
    r = teacher.context.request.get(base.rstrip("/") + href)
    assert r.ok
    return list(csv.DictReader(io.StringIO(r.text())))


def play_round(student: Watched, rnd: int, k: int) -> dict[str, str]:
    """Pick levels (each student differently), send them; return what was picked."""
    page = student.page
    page.wait_for_selector(f"#play h2:has-text('round {rnd}')")
    player = page.inner_text("#player").strip()
    choice = {}
    if player == "US" and (k + rnd) % 2 == 0:
        page.check("#m-chip_controls-eased")  # a partial concession
    if player == "China" and rnd == 2 and k == 1:
        page.check("#m-cn_tariff-war")  # a breach
    for box in page.query_selector_all("#move-form input[type=radio]:checked"):
        name = box.get_attribute("name").removeprefix("m-")
        choice[name] = box.get_attribute("value")
    page.click("#send")
    page.wait_for_function(
        f"() => document.querySelector('#moved') || Number(document.querySelector('#app')"
        f".dataset.round) > {rnd} || document.querySelector('#app').dataset.state == 'ended'")
    return choice


def test_a_class_plays_a_truce_game_and_a_bargaining_round(server, browser, shots):
    base, key = server
    teacher = Watched(browser, LAPTOP)
    students = [Watched(browser, PHONE if k % 2 == 0 else LAPTOP) for k in range(4)]
    names = ["ana", "ben", "cai", "dee"]

    # ---------------------------------------------------------------- a broken upload
    teacher.page.goto(f"{base}teach?key={key}")
    teacher.page.set_input_files("#upload", files=[{
        "name": "mine.toml", "mimeType": "text/plain",
        "buffer": b'[scenario]\nname = "x"\ntitel = "typo"\n'}])
    teacher.page.click("#create")
    teacher.page.wait_for_selector("#create-error:has-text('mine.toml')")
    assert "titel" in teacher.page.inner_text("#create-error")  # as tradesim validate says
    assert "/teach" in teacher.page.url
    teacher.errors.clear()  # the refused request is a 400 in the console, as it should be

    # ---------------------------------------------------------------- the truce
    code = open_game(teacher, base, key, "truce")
    for s, n in zip(students, names, strict=True):
        join(s, base, code, n)
    teacher.page.wait_for_function("() => document.querySelectorAll('#seats tbody tr').length == 4")
    teacher.page.click("#btn-start")
    picked: dict[tuple[str, int], dict[str, str]] = {}
    students[0].page.wait_for_selector("#move-form")
    students[0].page.screenshot(path=shots / "student-move-390.png", full_page=True)
    students[1].page.wait_for_selector("#move-form")
    students[1].page.screenshot(path=shots / "student-move-1280.png", full_page=True)
    for rnd in (1, 2):
        for k, (s, n) in enumerate(zip(students, names, strict=True)):
            picked[n, rnd] = play_round(s, rnd, k)
    teacher.page.wait_for_selector("#app[data-state=ended]")
    for s in students:
        s.page.wait_for_selector("text=The game has ended")
        s.page.wait_for_selector("#history tbody tr >> nth=1")
    students[0].page.screenshot(path=shots / "student-truce-390.png", full_page=True)
    students[1].page.screenshot(path=shots / "student-truce-1280.png", full_page=True)
    teacher.page.wait_for_function(
        "() => document.querySelector('#figure').complete && "
        "document.querySelector('#figure').naturalWidth > 0")
    teacher.page.screenshot(path=shots / "teacher-truce-1280.png", full_page=True)
    teacher.page.set_viewport_size(PHONE)
    teacher.page.screenshot(path=shots / "teacher-truce-390.png", full_page=True)
    assert teacher.fits()
    assert all(s.fits() for s in students)

    rows = export_csv(teacher, base)
    assert len(rows) == 8  # four students, two rounds
    for (n, rnd), levels in picked.items():
        row = next(r for r in rows if r["seat"] == n and r["round"] == str(rnd))
        assert row["played"] == "; ".join(f"{k}={v}" for k, v in levels.items())
        assert row["auto"] == "0"
    broke = next(r for r in rows if r["round"] == "2" and "cn_tariff=war" in r["played"])
    assert broke["kept"] == "0"

    # the debrief page renders, with the figure
    teacher.page.set_viewport_size(LAPTOP)
    teacher.page.click("#debrief-link")
    teacher.page.wait_for_selector(".slide img")
    teacher.page.wait_for_function("() => document.querySelector('.slide img').naturalWidth > 0")
    teacher.page.screenshot(path=shots / "debrief-1280.png", full_page=True)

    # ---------------------------------------------------------------- bargaining
    code = open_game(teacher, base, key, "bargain")
    for s, n in zip(students, names, strict=True):
        join(s, base, code, n + "2")
    teacher.page.wait_for_function("() => document.querySelectorAll('#seats tbody tr').length == 4")
    teacher.page.click("#btn-start")
    offered = {}
    for s, n in zip(students, names, strict=True):
        s.page.wait_for_selector("#bargain h2")
        if s.page.inner_text("#player").strip() == "US":
            s.page.check("#o0-chip_controls-eased")
            s.page.check("#o1-rare_earths-released")
            s.page.click("#propose")
            s.page.wait_for_selector("#bargain td:has-text('you')")
            offered[n] = True
    assert len(offered) == 2
    students[1].page.screenshot(path=shots / "student-offer-1280.png", full_page=True)
    for s in students:
        if s.page.inner_text("#player").strip() == "China":
            s.page.click("button.accept")
            s.page.wait_for_selector("#deal")
    teacher.page.wait_for_selector("#app[data-state=ended]")
    students[0].page.wait_for_selector("#deal")
    students[0].page.wait_for_selector("text=The game has ended")
    students[0].page.screenshot(path=shots / "student-bargain-390.png", full_page=True)
    teacher.page.wait_for_function(
        "() => document.querySelector('#figure').src.includes('ended') && "
        "document.querySelector('#figure').complete")
    teacher.page.screenshot(path=shots / "teacher-bargain-1280.png", full_page=True)
    rows = export_csv(teacher, base)
    assert len(rows) == 4  # two pairs, two sides each
    assert all(r["agreed"] == "1" for r in rows)
    for r in rows:
        if r["player"] == "US":
            assert "chip_controls=eased" in r["played"]
        else:
            assert "rare_earths=released" in r["played"]

    for w in (teacher, *students):
        assert w.errors == [], w.errors
        w.context.close()
