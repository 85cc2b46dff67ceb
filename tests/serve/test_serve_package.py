"""Every template and static file of the classroom ships in the wheel (package data)."""

from __future__ import annotations

import fnmatch
import tomllib

from conftest import ROOT


def test_package_data_covers_every_asset():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["sim.serve"]
    base = ROOT / "sim" / "serve"
    assets = [p.relative_to(base).as_posix() for d in ("templates", "static")
              for p in (base / d).rglob("*") if p.is_file()]
    assert len(assets) >= 10
    missing = [a for a in assets if not any(fnmatch.fnmatch(a, pat) for pat in patterns)]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_no_asset_is_loaded_from_another_site():
    base = ROOT / "sim" / "serve"
    for p in [*(base / "templates").glob("*.html"), *(base / "static").glob("*")]:
        text = p.read_text()
        assert "http://" not in text
        assert "https://" not in text, p.name
