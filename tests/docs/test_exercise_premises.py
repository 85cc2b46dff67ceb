"""The premises of exercise questions hold by the tool's numbers, on several seeds.

An answer key whose numbers are recomputed (test_answer_keys.py) can still ask the wrong
question: exercise 4 once asked which *other* strategy recovers best under implementation
noise, while win-stay lose-shift still did. These tests recompute what each question takes
for granted, over seeds 1-4, so a change to the simulation cannot silently make a question
false.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docblocks import ROOT
from typer.testing import CliRunner

from sim.cli import app

PD = str(ROOT / "scenarios/classroom/prisoners-dilemma.toml")
EXERCISE_4 = ROOT / "docs/exercises/04-noise-and-forgiveness.md"
SEEDS = (1, 2, 3, 4)


def _pairs(tmp_path: Path, monkeypatch, impl: float, perc: float, seed: int) -> dict:
    """Exercise 4's answer-key command with the given noise and seed, by strategy."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, [
        "truce", PD, "--format", "json", "--no-figures",
        "--strategies", "grim,tft,gtft,wsls,ctft", "--noise-impl", str(impl),
        "--noise-perception", str(perc), "--runs", "20000", "--seed", str(seed)])
    assert r.exit_code == 0, r.output
    pairs = json.loads(r.stdout)["simulation"]["pairs"]
    # 'gtft:0.333 / gtft:0.333' -> 'gtft'
    return {p["label"].split(" / ")[0].split(":")[0]: p for p in pairs}


def _best(pairs: dict, value) -> str:
    ranked = sorted(pairs, key=lambda k: value(pairs[k]), reverse=True)
    assert value(pairs[ranked[0]]) > value(pairs[ranked[1]]), "a tie: the question has no answer"
    return ranked[0]


def _recovery(p: dict) -> float:
    return p["recovery"] if p["recovery"] is not None else -1.0


def _payoff(p: dict) -> float:
    return p["payoffs"]["US"]["mean"]


@pytest.mark.parametrize("seed", SEEDS)
def test_question_2_perception_noise(seed, tmp_path, monkeypatch):
    # "Which pair is most likely to reach day 90 intact? Which recovers best?"
    pairs = _pairs(tmp_path, monkeypatch, impl=0, perc=0.05, seed=seed)
    assert _best(pairs, lambda p: p["expiry"]["probability"]) == "gtft"
    assert _best(pairs, _recovery) == "wsls"


@pytest.mark.parametrize("seed", SEEDS)
def test_question_3_implementation_noise(seed, tmp_path, monkeypatch):
    # "is the best recoverer also the best earner?": the key says no, wsls recovers best
    # and ctft earns most; both must hold on every seed, or the question misleads
    pairs = _pairs(tmp_path, monkeypatch, impl=0.05, perc=0, seed=seed)
    assert _best(pairs, _recovery) == "wsls"
    assert _best(pairs, _payoff) == "ctft"
    # and the contrast with perception noise the key draws: ctft no longer recovers at all
    # there, while under implementation noise it comes second
    assert sorted(pairs, key=lambda k: _recovery(pairs[k]))[-2] == "ctft"


def test_question_3_does_not_promise_a_different_recoverer():
    text = EXERCISE_4.read_text(encoding="utf-8")
    questions = text.split("## Questions")[1].split("## Hints")[0]
    assert "why is it a different one" not in questions
    assert "is the best recoverer also the best earner" in questions
