"""The documentation builds as a static site with MkDocs in strict mode (no network needed)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from docblocks import ROOT


def test_mkdocs_builds_in_strict_mode(tmp_path):
    pytest.importorskip("mkdocs")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                           "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "exercises" / "03-tariff-chicken" / "index.html").exists()
