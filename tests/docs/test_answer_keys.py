"""Every number marked in an exercise's answer key is recomputed with the tool.

A key writes ``**0.5**<!-- pd: delta_star -->`` where ``pd`` names the JSON printed by a
``tradesim`` command given in the key (``<!-- answers pd -->`` before its ```sh block). The
test runs the command, reads the path, and fails when the written number does not round from
the tool's value: a key can never drift from what the tool computes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docblocks import ROOT, agrees, blocks, commands, evaluate, marks, parse_json, tradesim_args
from typer.testing import CliRunner

from sim.cli import app

EXERCISES = sorted((ROOT / "docs" / "exercises").glob("[0-9]*.md"))
KEYS = sorted((ROOT / "docs" / "instructor").glob("[0-9]*.md"))


def test_there_are_at_least_six_exercises_with_scenarios():
    assert len(EXERCISES) >= 6
    for page in EXERCISES:
        text = page.read_text(encoding="utf-8")
        for heading in ("## Questions", "## Hints"):
            assert heading in text, f"{page.name} has no '{heading}'"
        named = re.findall(r"scenarios/[\w/.-]+\.toml", text)
        assert named, f"{page.name} names no bundled scenario"
        assert all((ROOT / n).is_file() for n in named), named


def test_answer_keys_live_apart_from_the_questions():
    """A student handout holds no key and no command that prints the key's JSON; each
    exercise has an instructor page with the key, a debrief and variants."""
    assert [p.name for p in KEYS] == [p.name for p in EXERCISES]
    for page in EXERCISES:
        text = page.read_text(encoding="utf-8")
        assert "## Answer key" not in text, page.name
        assert "<!-- answers" not in text, f"{page.name} carries a key command"
        assert not marks(page), f"{page.name} carries key numbers"
        assert f"../instructor/{page.name}" in text, f"{page.name} does not point to its notes"
    for page in KEYS:
        text = page.read_text(encoding="utf-8")
        for heading in ("## Answer key", "## Debrief", "## Variants", "## Figures to project"):
            assert heading in text, f"instructor/{page.name} has no '{heading}'"
        assert f"../exercises/{page.name}" in text


@pytest.mark.parametrize("page", EXERCISES, ids=lambda p: p.name)
def test_every_question_has_a_keyed_answer(page):
    """As many numbered answers in the key as numbered questions in the handout."""
    def numbered(text: str) -> int:
        return len(re.findall(r"^\d+\. ", text, flags=re.MULTILINE))

    questions = page.read_text(encoding="utf-8").split("## Questions")[1].split("## Hints")[0]
    key = (ROOT / "docs" / "instructor" / page.name).read_text(encoding="utf-8")
    key = key.split("## Answer key")[1].split("## Debrief")[0]
    assert numbered(questions) == numbered(key), page.name


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("keys")
    shutil.copytree(ROOT / "scenarios", d / "scenarios")
    return d


def _sources(page: Path, workdir: Path, monkeypatch) -> dict[str, object]:
    monkeypatch.chdir(workdir)
    out = {}
    for b in blocks(page):
        if b.source is None:
            continue
        (command,) = commands(b.body)
        r = CliRunner().invoke(app, tradesim_args(command))
        assert r.exit_code == 0, f"{b.id}: {command}\n{r.output}"
        out[b.source] = parse_json(r.stdout)
    return out


@pytest.mark.parametrize("page", KEYS, ids=lambda p: p.name)
def test_answer_key_numbers_come_from_the_tool(page, workdir, monkeypatch):
    sources = _sources(page, workdir, monkeypatch)
    found = marks(page)
    assert len(found) >= 3, f"{page.name}: an answer key needs at least 3 checked numbers"
    wrong = []
    for m in found:
        assert m.source in sources, f"{page.name}:{m.line}: no '<!-- answers {m.source} -->'"
        value = evaluate(sources[m.source], m.expr)
        if not agrees(m.shown, value):
            wrong.append(f"{page.name}:{m.line}: key says {m.shown}, tool gives {value!r} "
                         f"({m.source}: {m.expr})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("shown", "value", "ok"), [
    ("0.5", 0.5, True), ("0.29", 0.2857, True), ("0.28", 0.2857, False), ("40%", 0.4, True),
    ("11.4%", 0.1143, True), ("-0.857", -0.857142, True), ("−3", -3.0, True), ("5", 5.4, True),
    ("5", 5.6, False), ("yes", True, True), ("no", True, False), ("never", None, True),
    ("US", "US", True),
])
def test_agreement_rule(shown, value, ok):
    assert agrees(shown, value) is ok


def test_paths_and_arithmetic():
    data = {"a": [{"label": "x / y", "v": {"p": 0.4}}, {"label": "z", "v": {"p": 0.5}}]}
    assert evaluate(data, "a[label=x / y].v.p") == 0.4
    assert evaluate(data, "a[1].v.p") == 0.5
    assert evaluate(data, "{a[0].v.p} * {a[1].v.p}") == pytest.approx(0.2)
    with pytest.raises(ValueError, match="arithmetic"):
        evaluate(data, "{a[0].v.p} + __import__")
