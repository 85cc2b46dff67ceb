"""Atomic file output: every file the tool writes goes through here.

Guarantees (tested in ``tests/hardening/test_atomic_output.py``; see
``docs/explanation/hardening.md``):

* :func:`atomic_write_bytes` writes to a temporary file in the target's directory, flushes
  and fsyncs it, renames it over the target (:func:`os.replace`, atomic on POSIX) and
  fsyncs the directory. A reader sees the old file or the new one, never a part.
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
* Leftover staging directories of processes that no longer run are removed.

Files are created with the permissions the umask gives (not the 0600 of :mod:`tempfile`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Collection, Iterator
from pathlib import Path

from sim.errors import InputError


def _read_umask() -> int:
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: read it by setting it (once, at import)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename, fsync dir).

    Raises
    ------
    InputError
        If the file cannot be written (a directory in the way, no permission, disk full).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            msg = f"cannot write {path}: it is a directory"
            raise InputError(msg)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _cannot_write(path: Path, exc: OSError) -> InputError:
    where = exc.filename or path
    return InputError(f"cannot write {where}: {exc.strerror or exc}")


# --------------------------------------------------------------------------- directories


@contextlib.contextmanager
def staged_directory(
    target: str | Path, *, marker: str | None = None, known: Collection[str] = ()
) -> Iterator[Path]:
    """Build a directory's new contents in a temporary sibling, then swap it in whole.

    Parameters
    ----------
    target : the directory to create or replace.
    marker : a file name (e.g. ``"results.json"``) that an existing, non-empty ``target``
        must contain to be replaced, unless all its entries are ``known`` names (e.g. a
        ``figures`` folder another command wrote); otherwise the directory is not ours and
        is refused with an :class:`InputError` before any work is done.

    On success the old ``target`` (if any) is replaced by the new one atomically (see the
    module docstring); on any exception, including KeyboardInterrupt, the staging directory
    is removed and ``target`` is left as it was.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _recover(target)
        check_replaceable(target, marker=marker, known=known)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp",
                                      dir=target.parent))
        os.chmod(stage, DIR_MODE)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        yield stage
        _fsync_tree(stage)
        with _signals_held():
            _swap_in(stage, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)  # after a swap this holds the old contents
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc) from None
        raise
    shutil.rmtree(stage, ignore_errors=True)


def check_replaceable(
    target: str | Path, *, marker: str | None = None, known: Collection[str] = ()
) -> None:
    """Raise :class:`InputError` unless :func:`staged_directory` may (re)place ``target``.

    Commands call it before their analysis so that a bad output location fails first.
    """
    target = Path(target)
    for parent in (target.parent, *target.parent.parents):
        if parent.exists():
            if not parent.is_dir():
                msg = f"cannot write {target}: {parent} is a file, not a directory"
                raise InputError(msg)
            break
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        msg = f"cannot write {target}: it exists and is not a directory"
        raise InputError(msg)
    if not marker or not target.is_dir() or (target / marker).exists():
        return
    if any(entry.name not in known for entry in target.iterdir()):
        msg = (f"{target} exists and has no {marker}, so it is not a tradesim results "
               "directory; refusing to replace it (choose another --out)")
        raise InputError(msg)


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
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".old",
                                    dir=target.parent))
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

    lock = target.parent / f".{target.name}.lock"
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
        if not m or m["name"] != target.name or _alive(int(m["pid"])):
            continue
        if m["kind"] == "old" and not os.path.lexists(target):
            with contextlib.suppress(OSError):
                os.rename(entry, target)
                continue
        shutil.rmtree(entry, ignore_errors=True)


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


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/file system can fsync a dir
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(root: Path) -> None:
    """fsync every directory under ``root`` (files were fsynced when written)."""
    for dirpath, _dirs, _files in os.walk(root):
        _fsync_dir(Path(dirpath))
