"""The package builds as a wheel that carries the bundled scenarios, so that after
``pip install`` the documentation's commands work from any folder.

The wheel is built offline (``--no-build-isolation``, no index) from a copy of the sources,
unpacked, and run from an empty folder with only the unpacked wheel on the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.relative_to(ROOT / "scenarios").as_posix()
                   for p in (ROOT / "scenarios").rglob("*.toml"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("setuptools", minversion="70.1")
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "sim", src / "sim", ignore=ignore)
    shutil.copytree(ROOT / "scenarios", src / "scenarios", ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PIP_NO_INDEX": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    (built,) = out.glob("tradesim-*.whl")
    return built


def test_the_wheel_carries_every_bundled_scenario(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [s for s in SCENARIOS if f"sim/scenarios/{s}" not in names]
    assert not missing
    assert "sim/serve/templates/base.html" in names


def test_the_installed_wheel_runs_the_docs_commands_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "100"}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=elsewhere, env=env, timeout=300,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    where = run("-c", "import sim, sim.scenario.bundled as b; print(sim.__file__); "
                      "print(b.bundled_dir())")
    assert where.split() == [str(site / "sim" / "__init__.py"), str(site / "sim" / "scenarios")]
    assert "lever rare_earths" in run("-m", "sim.cli", "show", "london-2025")
    out = run("-m", "sim.cli", "truce", "scenarios/london-2025.toml", "--runs", "20",
              "--no-figures")
    assert "Binding side: China" in out
    assert run("-c", "import sim; print(sim.load('prisoners-dilemma').name)").strip() == \
        "prisoners-dilemma"
