"""Outputs never replace what is not a file the tool could have written (issue #12, points
2 and 9).

Every output option is pointed at a FIFO, at a character device (a copy of ``/dev/null``
made with ``mknod`` where that is allowed) and at a directory: each must exit 2 with one
``error:`` line and leave the special file as it was (as root, ``--out /dev/full`` used to
replace the system's ``/dev/full`` with a regular file). ``--out -`` writes to standard
output. Figures are written as a group: a full disk half-way leaves nothing behind.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim.staging
from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
BOS = ROOT / "scenarios" / "classroom" / "battle-of-the-sexes.toml"
SMALL = ROOT / "tests" / "data" / "small.toml"

FILE_OPTIONS = {  # a command writing one file at PATH
    "export --out": ["export", str(BOS), "--format", "nfg", "--out", "PATH"],
    "solve --plot": ["solve", str(BOS), "--method", "qre", "--plot", "PATH"],
    # commands added since the attack follow the same rule
    "continuous --plot": ["continuous", str(ROOT / "scenarios/classroom/tariff-war.toml"),
                          "--plot", "PATH"],
    "timeline --figure": ["timeline", str(ROOT / "scenarios/timelines/us-china-2025.toml"),
                          "--figure", "PATH"],
    "learn --plot": ["learn", str(BOS), "--plot", "PATH"],
}
DIR_OPTIONS = {  # a command writing a directory at PATH
    "truce --figures": ["truce", str(SMALL), "--runs", "2", "--figures", "PATH"],
    "bargain --figures": ["bargain", str(SMALL), "--figures", "PATH"],
    "run --out": ["run", str(SMALL), "--out", "PATH"],
    "sweep --out": [
        "sweep",
        str(SMALL),
        "--vary",
        "w=0.1:0.9:3",
        "--runs",
        "0",
        "--workers",
        "1",
        "--out",
        "PATH",
    ],
    "compare --out": [
        "compare",
        str(SMALL),
        str(BOS),
        "--runs",
        "0",
        "--workers",
        "1",
        "--out",
        "PATH",
    ],
}


def make_special(tmp: Path, kind: str) -> Path:
    path = tmp / f"special-{kind}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("cannot create a device node here (not root)")
    else:
        path.mkdir()
    return path


def kind_of(path: Path) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


def assert_refused(result, path: Path, mode: int) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot write"), result.stderr
    assert kind_of(path) == mode  # still the FIFO, device or directory it was


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
@pytest.mark.parametrize("option", list(FILE_OPTIONS))
def test_file_outputs_refuse_special_files(tmp_path, monkeypatch, option, kind):
    monkeypatch.chdir(tmp_path)
    path = make_special(tmp_path, kind)
    mode = kind_of(path)
    args = [str(path) if a == "PATH" else a for a in FILE_OPTIONS[option]]
    result = CliRunner().invoke(app, args)
    assert_refused(result, path, mode)
    assert result.stdout == ""  # refused before the work


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("option", list(DIR_OPTIONS))
def test_directory_outputs_refuse_special_files(tmp_path, monkeypatch, option, kind):
    monkeypatch.chdir(tmp_path)
    path = make_special(tmp_path, kind)
    mode = kind_of(path)
    args = [str(path) if a == "PATH" else a for a in DIR_OPTIONS[option]]
    result = CliRunner().invoke(app, args)
    assert_refused(result, path, mode)


@pytest.mark.parametrize("option", ["truce --figures", "bargain --figures"])
def test_a_figure_name_taken_by_a_fifo_is_refused(tmp_path, monkeypatch, option):
    monkeypatch.chdir(tmp_path)
    figures = tmp_path / "figs"
    ok = CliRunner().invoke(app, [str(figures) if a == "PATH" else a for a in DIR_OPTIONS[option]])
    assert ok.exit_code == 0, ok.stderr
    victim = next(p for p in figures.iterdir() if p.suffix == ".png")
    victim.unlink()
    os.mkfifo(victim)
    result = CliRunner().invoke(
        app, [str(figures) if a == "PATH" else a for a in DIR_OPTIONS[option]]
    )
    assert_refused(result, victim, stat.S_IFIFO)


def test_export_dash_means_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export", str(BOS), "--format", "nfg", "--out", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("NFG 1 R")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["truce --figures", "bargain --figures"])
def test_figures_on_a_full_disk_leave_nothing_behind(tmp_path, monkeypatch, option):
    """Item 9: `truce` wrote figures one at a time and left an empty figures directory."""
    monkeypatch.chdir(tmp_path)
    real = sim.staging.atomic_write_bytes
    calls = []

    def disk_fills_up(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data)

    monkeypatch.setattr(sim.staging, "atomic_write_bytes", disk_fills_up)
    figures = tmp_path / "out" / "figs"
    result = CliRunner().invoke(
        app, [str(figures) if a == "PATH" else a for a in DIR_OPTIONS[option]]
    )
    assert result.exit_code == 2, result.stderr
    assert "No space left on device" in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither figs/ nor out/ nor a hidden copy
