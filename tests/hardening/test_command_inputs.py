"""Every command against unusable input files (issue #9, point 6).

Each command of the ``tradesim`` app is given a missing file, a directory, an empty file,
a binary file, a file that is not UTF-8 and a file it may not read. Each must exit with
code 2, print exactly one line on standard error that starts with ``error:`` and names the
file, print no traceback, and write nothing.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXTRA_ARGS = {  # options a command needs before it looks at its file
    "play": ["--as", "US", "--against", "grim"],
}
NO_FILE_ARGUMENT = {"serve"}  # takes no file: uploads are checked in tests/serve/
COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands
            if (c.name or c.callback.__name__) not in NO_FILE_ARGUMENT]
BAD_FILES = {
    "missing.toml": None,
    "folder.toml": "dir",
    "empty.toml": b"",
    "blank.toml": b"  \n\t\n",
    "binary.toml": bytes(range(256)) * 4,
    "latin1.toml": "[scenario]\nname = \"caf\xe9\"\n".encode("latin-1"),
    "missing.nfg": None,
    "folder.nfg": "dir",
    "empty.nfg": b"",
    "binary.nfg": bytes(range(256)) * 4,
    # issue #12: special files are refused, never read for ever; large files are cut short
    "fifo.toml": "fifo",
    "zero.toml": "/dev/zero",
    "huge.toml": "huge",
    "fifo.nfg": "fifo",
    "zero.nfg": "/dev/zero",
    "huge.nfg": "huge",
}


def make(tmp: Path, name: str) -> Path:
    path = tmp / name
    content = BAD_FILES[name]
    if content == "dir":
        path.mkdir()
    elif content == "fifo":
        os.mkfifo(path)  # nobody writes to it: a plain read blocks for ever
    elif content == "/dev/zero":
        path.symlink_to(content)  # endless
    elif content == "huge":
        with open(path, "wb") as fh:  # 100 MB, sparse
            fh.truncate(100_000_000)
    elif content is not None:
        path.write_bytes(content)
    return path


def assert_one_clean_line(code: int, stderr: str, stdout: str, name: str) -> None:
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert name in lines[0]
    assert "Traceback" not in stderr + stdout


def test_every_command_is_covered():
    assert {"run", "solve", "validate", "show"} <= set(COMMANDS)


@pytest.mark.parametrize("name", list(BAD_FILES))
@pytest.mark.parametrize("command", COMMANDS)
def test_bad_input_file(tmp_path, monkeypatch, command, name):
    if name.endswith(".nfg") and command not in {"solve", "validate", "export", "show", "learn"}:
        pytest.skip(f"{command} reads scenario files only")
    path = make(tmp_path, name)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, [command, *EXTRA_ARGS.get(command, []), name], input="")
    assert_one_clean_line(result.exit_code, result.stderr, result.stdout, path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def _drop_file_read_override() -> None:
    """In the child: give up CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH so root obeys chmod."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone after exec too
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture(scope="module")
def unreadable_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding ``secret.toml`` (mode 000) that the child cannot read."""
    if not sys.platform.startswith("linux"):
        pytest.skip("dropping root's file-read capability needs Linux")
    tmp = tmp_path_factory.mktemp("unreadable")
    secret = tmp / "secret.toml"
    secret.write_text((ROOT / "tests" / "data" / "small.toml").read_text())
    secret.chmod(0)
    probe = subprocess.run([sys.executable, "-c", "open('secret.toml').read()"], cwd=tmp,
                           preexec_fn=_drop_file_read_override, capture_output=True,
                           check=False)
    if probe.returncode == 0 or b"PermissionError" not in probe.stderr:
        pytest.skip("cannot make a file unreadable for this user (root without "
                    f"CAP_SETPCAP?): {probe.stderr[-200:]!r}")
    return tmp


@pytest.mark.parametrize("command", COMMANDS)
def test_unreadable_file(unreadable_env, command):
    before = sorted(p.name for p in unreadable_env.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", command, *EXTRA_ARGS.get(command, []),
         "secret.toml"],
        cwd=unreadable_env, env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_drop_file_read_override, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )
    assert_one_clean_line(proc.returncode, proc.stderr, proc.stdout, "secret.toml")
    assert "not readable" in proc.stderr or "permission denied" in proc.stderr
    assert sorted(p.name for p in unreadable_env.iterdir()) == before
