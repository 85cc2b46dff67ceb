"""The scenarios that ship with tradesim, found by name from any folder.

A wheel carries them inside the package (``sim/scenarios/``, copied there at build time by
``setup.py``); a source checkout or an editable install reads the repository's
``scenarios/``. :func:`resolve` turns what a user typed into a file: an existing path as it
is; else a bundled scenario by name (``london-2025``, ``prisoners-dilemma``), or by its path
in the repository (``scenarios/london-2025.toml``), so the documentation's commands work
outside a checkout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def bundled_dir() -> Path | None:
    """The folder of the bundled scenarios, or ``None`` when there is none."""
    for d in (PACKAGE / "scenarios", PACKAGE.parent / "scenarios"):
        if (d / "london-2025.toml").is_file():
            return d
    return None


def names() -> list[str]:
    """Every bundled scenario's name (its file name without ``.toml``), sorted."""
    d = bundled_dir()
    if d is None:
        return []
    return sorted({p.stem for p in d.rglob("*.toml")})


def resolve(path: str | Path) -> Path:
    """``path`` if it exists, else the bundled scenario it names, else ``path`` unchanged
    (so that reading it reports the missing file as usual)."""
    given = Path(path)
    d = bundled_dir()
    try:
        if given.exists() or d is None:
            return given
    except OSError:  # e.g. a name longer than the file system allows: reading reports it
        return given
    parts = given.parts
    if len(parts) > 1 and parts[0] == "scenarios":
        inside = d.joinpath(*parts[1:])
        try:
            return inside if inside.is_file() else given
        except OSError:
            return given
    if len(parts) == 1:
        stem = given.stem if given.suffix == ".toml" else given.name
        hits = sorted(d.rglob(f"{stem}.toml"), key=lambda p: len(p.parts))
        if hits:
            return hits[0]
    return given
