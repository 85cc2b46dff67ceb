"""Every code and shell example in docs/ runs as written.

* ```` ```sh ```` blocks run in bash (``set -euo pipefail``) with the installed ``tradesim``
  on the PATH and must exit 0;
* ```` ```console ```` blocks run each ``$ command`` and every non-empty line shown after it
  must appear in the output, in order (so an example may leave lines out, but not change
  them);
* ```` ```python ```` blocks of a page run in order in one namespace, like a notebook.

Each page gets its own working directory holding a copy of ``scenarios/`` (examples write
``results/`` there, never into the repository). Blocks after ``<!-- no-test: why -->`` (install
steps) and answer-key sources (run by ``test_answer_keys.py``) are not run here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docblocks import ROOT, Block, blocks, commands, doc_pages

SHELL = {"sh", "bash", "shell"}
BIN = Path(sys.executable).parent


def _runnable(b: Block) -> bool:
    return not b.skip and b.source is None


SHELL_BLOCKS = [b for p in doc_pages() for b in blocks(p) if b.lang in SHELL and _runnable(b)]
CONSOLE_BLOCKS = [b for p in doc_pages() for b in blocks(p) if b.lang == "console"
                  and _runnable(b)]
PYTHON_PAGES = [p for p in doc_pages() if any(b.lang == "python" and _runnable(b)
                                              for b in blocks(p))]

_dirs: dict[Path, Path] = {}


@pytest.fixture
def page_dir(request, tmp_path_factory):
    page = request.node.callspec.params.get("block", None)
    page = page.path if page is not None else request.node.callspec.params["page"]
    if page not in _dirs:
        d = tmp_path_factory.mktemp(page.stem)
        shutil.copytree(ROOT / "scenarios", d / "scenarios")
        _dirs[page] = d
    return _dirs[page]


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "MPLBACKEND": "Agg", "COLUMNS": "100", "PYTHONWARNINGS": "ignore"}


def _bash(script: str, cwd: Path, *, merged: bool = False) -> subprocess.CompletedProcess:
    """Run ``script``; with ``merged``, standard error goes into standard output in the order
    a terminal would show them (unbuffered)."""
    return subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                          text=True, timeout=600, env={**_env(), "PYTHONUNBUFFERED": "1"},
                          check=False)


def test_the_docs_have_examples_of_each_kind():
    assert len(SHELL_BLOCKS) >= 10
    assert CONSOLE_BLOCKS
    assert PYTHON_PAGES


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=lambda b: b.id)
def test_shell_example_runs(block, page_dir):
    if not (BIN / "tradesim").exists():
        pytest.skip("the tradesim console script is not installed next to the interpreter")
    done = _bash(block.body, page_dir)
    assert done.returncode == 0, f"{block.id} failed:\n{block.body}\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("block", CONSOLE_BLOCKS, ids=lambda b: b.id)
def test_console_example_prints_what_it_shows(block, page_dir):
    if not (BIN / "tradesim").exists():
        pytest.skip("the tradesim console script is not installed next to the interpreter")
    for command, expected in _console_steps(block.body):
        done = _bash(command, page_dir, merged=True)
        output = done.stdout.splitlines()
        missing = _missing_in_order(expected, output)
        assert missing is None, (f"{block.id}: `{command}` did not print\n  {missing}\n"
                                 "in that order; it printed:\n" + "\n".join(output))


def _console_steps(body: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps and line.strip() and line.strip() not in {"...", "…"}:
            steps[-1][1].append(line.rstrip())
    return steps


def _missing_in_order(expected: list[str], output: list[str]) -> str | None:
    pos = 0
    for line in expected:
        while pos < len(output) and output[pos].rstrip() != line:
            pos += 1
        if pos == len(output):
            return line
        pos += 1
    return None


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples_run(page, page_dir, monkeypatch):
    monkeypatch.chdir(page_dir)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for b in blocks(page):
        if b.lang == "python" and _runnable(b):
            code = compile(b.body, b.id, "exec")
            exec(code, namespace)  # noqa: S102 - the docs' own examples


def test_commands_helper_joins_continuations():
    assert commands("# c\ntradesim a \\\n  --b 1\n\ntradesim c\n") == ["tradesim a    --b 1",
                                                                     "tradesim c"]
