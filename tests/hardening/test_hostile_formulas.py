"""Hostile payoff formulas, each evaluated in a resource-limited child process (issue #9).

The corpus is ``data/hostile-formulas.toml`` (attribute access, calls outside the whitelist,
exponent towers, huge literals, division by zero, unicode look-alikes, ...) plus the
generated cases below (100 kB formulas, deep nesting, long chains). The child
(``formula_sandbox.py``) runs under an address-space and a CPU-time limit, with an audit hook
that turns any code execution, file access, process start or import into an error, and a
per-case CPU alarm. The test asserts, for every case: the expected outcome (refused with a
:class:`~sim.errors.FormulaError` naming the reason, or evaluated to finite / non-finite
floats), the CPU and memory bounds, and that nothing ran (no audit event, no file created).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "data" / "hostile-formulas.toml"
SANDBOX = HERE / "formula_sandbox.py"
ADDRESS_SPACE_BYTES = 3 * 2**30  # the whole child: Python, numpy and every case
CHILD_CPU_SECONDS = 120
CASE_CPU_SECONDS = 1.0  # the bound asserted per case (the child's alarm is at 2 s)
CASE_MEMORY_MB = 200  # growth of the child's peak resident memory per case
SELF_TEST = "<audit self-test: open a file>"


def generated() -> list[dict]:
    """Cases too large or too regular to write out in the corpus file."""
    return [
        {"formula": "x + " * 25_000 + "1", "expect": "refuse", "reason": "characters long"},
        {"formula": "x" * 100_000, "expect": "refuse", "reason": "characters long"},
        {"formula": "(" * 1000 + "x" + ")" * 1000, "expect": "refuse", "reason": "nested"},
        {"formula": "(" * 41 + "x" + ")" * 41, "expect": "refuse", "reason": "nested"},
        {"formula": "(" * 30 + "x" + ")" * 30, "expect": "finite"},
        {"formula": "-" * 5000 + "x", "expect": "refuse", "reason": "nested"},
        {"formula": "not " * 2000 + "x", "expect": "refuse", "reason": "parts"},
        {"formula": "+".join(["x"] * 60), "expect": "refuse", "reason": "nested deeper"},
        {"formula": "+".join(["x"] * 40), "expect": "finite"},
        {"formula": "exp(" * 41 + "x" + ")" * 41, "expect": "refuse", "reason": "nested"},
        {"formula": " < ".join(["x"] * 400), "expect": "finite"},
        {"formula": " < ".join(["x"] * 2000), "expect": "refuse", "reason": "parts"},
        {"formula": "max(" + ", ".join(["z"] * 600) + ")", "expect": "finite"},
        {"formula": "max(" + ", ".join(["z"] * 3000) + ")", "expect": "refuse",
         "reason": "parts"},
        {"formula": "1" * 5000, "expect": "refuse", "reason": "not a valid expression"},
        {"formula": "1." + "0" * 9000, "expect": "finite"},
        {"formula": "x if a else " * 500 + "y", "expect": "refuse", "reason": "parts"},
        {"formula": "x if a else " * 100 + "y", "expect": "refuse", "reason": "nested"},
        {"formula": "(" * 40 + "x" + ")" * 40 + " ** 64 " * 1, "expect": "finite"},
    ]


def cases() -> list[dict]:
    with CORPUS.open("rb") as fh:
        corpus = tomllib.load(fh)["attack"]
    return [*corpus, *generated()]


def limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the child may not write any file


@pytest.fixture(scope="module")
def sandbox_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path]:
    work = tmp_path_factory.mktemp("sandbox")
    texts = [c["formula"] for c in cases()] + [SELF_TEST]
    (work / "cases.json").write_text(json.dumps(texts), encoding="utf-8")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": str(HERE.parents[1])}
    proc = subprocess.run(
        [sys.executable, str(SANDBOX), "cases.json"], cwd=work, env=env,
        capture_output=True, text=True, timeout=CHILD_CPU_SECONDS * 2,
        preexec_fn=limit_child, check=False,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    last = proc.stderr.strip().splitlines()[-1:] or ["(none)"]
    assert proc.returncode == 0, (
        f"sandbox died (code {proc.returncode}) during case {last[0]}: {proc.stderr[-2000:]}")
    assert len(results) == len(texts)
    return results, work


def test_audit_hook_catches_a_direct_file_open(sandbox_results):
    results, work = sandbox_results
    assert results[-1]["outcome"] == "escaped"
    assert "open" in results[-1]["message"]
    assert not (work / "CANARY").exists()


@pytest.mark.parametrize(("index", "case"), list(enumerate(cases())),
                         ids=lambda v: repr(v["formula"][:40]) if isinstance(v, dict) else "")
def test_hostile_formula(sandbox_results, index, case):
    results, work = sandbox_results
    got = results[index]
    assert got["outcome"] == case["expect"], got["message"]
    if case["expect"] == "refuse":
        assert case["reason"] in got["message"]
        assert "\n" not in got["message"]
    assert got["cpu_seconds"] < CASE_CPU_SECONDS
    assert got["peak_rss_growth_mb"] < CASE_MEMORY_MB
    assert sorted(p.name for p in work.iterdir()) == ["cases.json"]  # no CANARY, nothing else
