"""Whole output directories, staged and swapped in (``results/<name>/``, sweeps, figures).

Guarantees (tested in ``tests/hardening/test_atomic_output.py`` and ``test_data_loss.py``;
see ``docs/explanation/hardening.md``):

* :func:`staged_directory` builds a directory's new contents in a temporary sibling
  (``.NAME.PID.*.tmp``) and swaps it in as a whole. On Linux the swap is one
  ``renameat2(RENAME_EXCHANGE)`` system call, so at every moment ``NAME`` is either the
  previous complete directory or the new complete one, never missing or mixed, even if the
  process is killed with SIGKILL; two processes swapping into the same ``NAME`` each swap a
  complete directory, and the last swap wins. Where that call is missing (other systems,
  some file systems) the swap is two renames under a lock; a crash between them leaves the
  previous directory as ``.NAME.PID.*.old``, which the next run puts back.
* SIGINT and SIGTERM are held back during the swap, so an interruption lands before it
  (the previous directory stays) or after it (the new one is in place).
* Leftover staging directories of processes that no longer run are removed, even when
  the previous results were made read-only.
* A staged directory carries a manifest (:data:`MANIFEST`) listing every file written into
  it. An existing directory is only ever replaced when every file under it is listed in a
  manifest (or it is empty): a directory the tool did not write, or one where the user has
  put a file of their own, is refused before any work (:func:`check_replaceable`).
* :func:`write_files` adds a group of files (a command's figures) to a directory: staged,
  then renamed in; on failure nothing is added.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from sim.errors import InputError, printable
from sim.io import (
    DIR_MODE,
    FILE_MODE,
    atomic_write_bytes,
    atomic_write_text,
    cannot_write,
    check_output_dir,
    check_output_file,
    fsync_dir,
    fsync_tree,
    read_bounded,
    stage_label,
)

MANIFEST = ".tradesim-manifest.json"
"""The file in every directory :func:`staged_directory` writes, listing the files in it."""
MAX_MANIFEST_BYTES = 1_000_000
"""Largest manifest read back when deciding whether a directory may be replaced."""
MAX_CHECKED_ENTRIES = 100_000
"""Most entries examined under a directory before refusing to replace it."""
# --------------------------------------------------------------------------- directories


@contextlib.contextmanager
def staged_directory(target: str | Path) -> Iterator[Path]:
    """Build a directory's new contents in a temporary sibling, then swap it in whole.

    Parameters
    ----------
    target : the directory to create or replace. An existing one is replaced only if the
        tool wrote everything in it (see :func:`check_replaceable`); otherwise an
        :class:`InputError` is raised before any work is done.

    On success a manifest (:data:`MANIFEST`) listing every file is written into the new
    directory, and the old ``target`` (if any) is replaced by the new one atomically (see
    the module docstring); on any exception, including KeyboardInterrupt, the staging
    directory is removed and ``target`` is left as it was.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _recover(target)
        check_replaceable(target)
        stage = Path(
            tempfile.mkdtemp(
                prefix=f".{stage_label(target.name)}.{os.getpid()}.",
                suffix=".tmp",
                dir=target.parent,
            )
        )
        os.chmod(stage, DIR_MODE)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        yield stage
        _write_manifest(stage)
        fsync_tree(stage)
        with _signals_held():
            _swap_in(stage, target)
        fsync_dir(target.parent)
    except BaseException as exc:
        _remove_tree(stage)  # after a swap this holds the old contents
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from None
        raise
    _remove_tree(stage)


def write_files(directory: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Add ``files`` (name: contents) to ``directory`` as a group, e.g. a command's figures.

    Every file is written and fsynced into a staging sibling first (``.NAME.PID.*.tmp``),
    then renamed into place with signals held, and the directory's manifest is extended to
    list them. On any failure (a full disk, Ctrl-C) nothing is added, the staging directory
    is removed and so are directories this call created. Each name must be a new path or a
    regular file (:func:`check_output_file`), checked before anything is written.
    """
    directory = Path(directory)
    check_output_dir(directory)
    targets = [check_output_file(directory / name) for name in files]
    created = [d for d in (directory, *directory.parents) if not os.path.lexists(d)]
    stage: Path | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _recover(directory)
        stage = Path(
            tempfile.mkdtemp(
                prefix=f".{stage_label(directory.name)}.{os.getpid()}.",
                suffix=".tmp",
                dir=directory.parent,
            )
        )
        for name, data in files.items():
            atomic_write_bytes(stage / name, data)
        listed = _manifest_files(directory) | set(files)
        _write_manifest(stage, sorted(listed))
        with _signals_held():
            for name in files:
                os.replace(stage / name, directory / name)
            os.replace(stage / MANIFEST, directory / MANIFEST)
        fsync_dir(directory)
    except BaseException as exc:
        if stage is not None:
            _remove_tree(stage)
        for d in created:  # innermost first; only while still empty
            with contextlib.suppress(OSError):
                os.rmdir(d)
        if isinstance(exc, OSError):
            raise cannot_write(directory, exc) from None
        raise
    _remove_tree(stage)
    return targets


def check_replaceable(target: str | Path) -> None:
    """Raise :class:`InputError` unless :func:`staged_directory` may (re)place ``target``.

    ``target`` may be absent, an empty directory, or a directory in which every file is
    listed in the manifest of its own or an enclosing directory (up to ``target``): a
    directory the tool wrote and nobody added to. Commands call this before their
    analysis so that a bad output location fails first. The check reads at most
    :data:`MAX_CHECKED_ENTRIES` entries.
    """
    target = Path(target)
    # Another writer of ours may swap target mid-walk (its manifest read from one version,
    # its entries from the next): a vanished path or a foreign entry is looked at again, and
    # only an entry found foreign on three walks in a row refuses.
    foreign, walks = None, 0
    for _ in range(100):
        try:
            if target.is_symlink():
                msg = f"cannot write {target}: it is a symbolic link, not a directory"
                raise InputError(msg)
            check_output_dir(target)
            if not target.is_dir():
                return
            foreign = _foreign_entry(target, frozenset(), [0])
        except FileNotFoundError:
            continue
        except OSError as exc:  # e.g. a name longer than the file system allows
            raise cannot_write(target, exc) from None
        walks += 1
        if foreign is None or walks == 3:
            break
    else:
        msg = f"cannot write {target}: it keeps changing (another process is writing it)"
        raise InputError(msg)
    if foreign is not None:
        msg = (
            f"{target} exists and holds {printable(foreign)}, which tradesim did not write; "
            "refusing to replace it (move that away or choose another --out)"
        )
        raise InputError(msg)


def _foreign_entry(directory: Path, listed: frozenset[str], seen: list[int]) -> str | None:
    """The first entry under ``directory`` that no manifest lists, or ``None``."""
    listed = listed | _manifest_files(directory)
    with os.scandir(directory) as entries:
        for entry in entries:
            seen[0] += 1
            if seen[0] > MAX_CHECKED_ENTRIES:
                return f"more than {MAX_CHECKED_ENTRIES:,} entries"
            if entry.name == MANIFEST and entry.is_file(follow_symlinks=False):
                continue
            if entry.is_dir(follow_symlinks=False):
                inner = frozenset(
                    p.split("/", 1)[1] for p in listed if p.startswith(entry.name + "/")
                )
                found = _foreign_entry(Path(entry.path), inner, seen)
                if found is not None:
                    return f"{entry.name}/{found}"
            elif entry.name not in listed:
                return entry.name
    return None


def _manifest_files(directory: Path) -> frozenset[str]:
    try:
        doc = json.loads(read_bounded(directory / MANIFEST, MAX_MANIFEST_BYTES))
    except (InputError, ValueError):
        return frozenset()
    files = doc.get("files") if isinstance(doc, dict) and doc.get("tool") == "tradesim" else None
    if not isinstance(files, list):
        return frozenset()
    return frozenset(f for f in files if isinstance(f, str))


def _write_manifest(stage: Path, files: list[str] | None = None) -> None:
    if files is None:
        files = sorted(
            p.relative_to(stage).as_posix()
            for p in stage.rglob("*")
            if p.is_file() and p.name != MANIFEST
        )
    doc = {
        "tool": "tradesim",
        "note": "files written by tradesim; a run replaces this "
        "directory only while it holds nothing else",
        "files": files,
    }
    atomic_write_text(stage / MANIFEST, json.dumps(doc, indent=1) + "\n")


def _remove_tree(path: Path) -> None:
    """Remove a tree this process staged or swapped out, even if it was made read-only."""
    shutil.rmtree(path, ignore_errors=True)
    if os.path.lexists(path):
        _make_writable(path)
        shutil.rmtree(path, ignore_errors=True)


def _make_writable(path: Path | str) -> None:
    with contextlib.suppress(OSError):
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            os.chmod(path, stat.S_IMODE(st.st_mode) | stat.S_IRWXU)
            with os.scandir(path) as entries:
                for entry in entries:
                    _make_writable(entry.path)


def _swap_in(stage: Path, target: Path) -> None:
    """Put ``stage`` at ``target``; afterwards ``stage`` is gone or holds the old contents."""
    if _libc is None:
        _swap_by_two_renames(stage, target)
        return
    for _ in range(100):  # only loops while other processes create/remove target meanwhile
        if os.path.lexists(target):
            if _exchange(stage, target):
                return
            _swap_by_two_renames(stage, target)  # this file system cannot exchange
            return
        try:
            os.rename(stage, target)  # target absent: one atomic rename
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
    msg = f"cannot write {target}: it keeps changing (another process is writing it)"
    raise InputError(msg)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = None
if hasattr(os, "uname") and os.uname().sysname == "Linux":
    with contextlib.suppress(OSError, AttributeError, TypeError):
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        _libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                    ctypes.c_char_p, ctypes.c_uint]
EXCHANGE_AVAILABLE = _libc is not None
"""Whether the atomic directory exchange (Linux ``renameat2``) can be tried."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; ``False`` if this system or file system cannot."""
    if _libc is None:
        return False
    rc = _libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                         _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_by_two_renames(stage: Path, target: Path) -> None:
    """Fallback swap: target -> .old, stage -> target, under a lock; .old -> stage."""
    with _locked(target):
        old = Path(
            tempfile.mkdtemp(
                prefix=f".{stage_label(target.name)}.{os.getpid()}.",
                suffix=".old",
                dir=target.parent,
            )
        )
        os.rmdir(old)
        if os.path.lexists(target):
            os.replace(target, old)
        try:
            os.replace(stage, target)
        except BaseException:
            if os.path.lexists(old) and not os.path.lexists(target):
                os.replace(old, target)
            raise
        if os.path.lexists(old):
            os.replace(old, stage)  # the caller removes stage


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    import fcntl

    lock = target.parent / f".{stage_label(target.name)}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_STAGE_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?P<kind>tmp|old)$")


def _recover(target: Path) -> None:
    """Remove staging leftovers of dead processes; put back an ``.old`` if target is gone."""
    for entry in target.parent.iterdir():
        m = _STAGE_RE.match(entry.name)
        if not m or m["name"] != stage_label(target.name) or _alive(int(m["pid"])):
            continue
        if m["kind"] == "old" and not os.path.lexists(target):
            with contextlib.suppress(OSError):
                os.rename(entry, target)
                continue
        _remove_tree(entry)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back (delivered on exit) so no handler runs mid-swap."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)

