"""Safe file input and output: every file the tool reads or writes goes through here.

Guarantees (tested in ``tests/hardening/``; see ``docs/explanation/hardening.md``):

* :func:`atomic_write_bytes` writes to a temporary file in the target's directory, flushes
  and fsyncs it, renames it over the target (:func:`os.replace`, atomic on POSIX) and
  fsyncs the directory. A reader sees the old file or the new one, never a part.
* :func:`write_output` is the one writer of single output files: regular files or new
  paths only (``-`` means standard output); FIFOs, devices, sockets and directories are
  refused (:func:`check_output_file`, called before the work).
* :func:`read_bounded` reads an input file with a size bound that does not trust
  ``st_size``; anything but a regular file is refused, so a FIFO or a device never hangs it.

Whole directories are staged and swapped in by :mod:`sim.staging`. Files are created with
the permissions the umask gives (not the 0600 of :mod:`tempfile`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import tempfile
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


MAX_STAGE_LABEL = 100
"""Longest part of a target's name used in its staging name (kept within NAME_MAX)."""
STDOUT = "-"
"""The output path meaning standard output."""


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename, fsync dir).

    ``path`` must be a new path or a regular file (a symbolic link to one is followed);
    see :func:`check_output_file`.

    Raises
    ------
    InputError
        If the file cannot be written (a directory or a special file in the way, no
        permission, disk full).
    """
    path = check_output_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{stage_label(path.name)}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def check_output_file(path: str | Path) -> Path:
    """The path a single output file will be written to; raise unless it is safe.

    Safe means a new path or an existing regular file (after following symbolic links,
    whose target is then written). Directories, FIFOs, devices and sockets are refused with
    an :class:`InputError` (exit code 2): the tool never replaces what is not a file it
    could have written. Commands call it before their work so a bad path fails first.
    """
    path = Path(path)
    if str(path) == STDOUT:
        msg = f"cannot write {STDOUT} here: this output cannot go to standard output"
        raise InputError(msg)
    try:
        if path.is_symlink():
            path = Path(os.path.realpath(path))
        st = os.stat(path)
    except FileNotFoundError:
        _check_parent(path)
        return path
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        msg = f"cannot write {path}: it is a directory"
        raise InputError(msg)
    if not stat.S_ISREG(st.st_mode):
        msg = (
            f"cannot write {path}: it is {_file_kind(st.st_mode)}, not a regular file "
            f"(to write to standard output or a pipe, give {STDOUT})"
        )
        raise InputError(msg)
    return path


def write_output(path: str | Path, data: bytes | str) -> str:
    """Write one output file safely, or to standard output when ``path`` is ``-``.

    Returns what was written, for the command's message: the path, or ``"standard output"``.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if str(path) == STDOUT:
        if isinstance(data, str) and sys.stdout.isatty():
            from sim.terminal import escape

            raw = escape(data).encode("utf-8")  # text read from a file, on a terminal
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:
            sys.stdout.write(raw.decode("utf-8", errors="replace"))
        else:
            stream.write(raw)
            stream.flush()
        return "standard output"
    return str(atomic_write_bytes(path, raw))


def _nearest_existing(path: Path, start: Path) -> tuple[Path, os.stat_result] | None:
    """The nearest of ``start`` and its parents that exists, with its status (an unreadable
    one is an error naming ``path``); ``None`` when none exists."""
    for d in (start, *start.parents):
        try:
            return d, os.stat(d)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise cannot_write(path, exc) from None
    return None


def _check_parent(path: Path) -> None:
    found = _nearest_existing(path, path.parent)
    if found is not None and not stat.S_ISDIR(found[1].st_mode):
        msg = f"cannot write {path}: {found[0]} is not a directory"
        raise InputError(msg)


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def cannot_write(path: Path, exc: OSError) -> InputError:
    where = exc.filename or path
    return InputError(f"cannot write {where}: {exc.strerror or exc}")


# --------------------------------------------------------------------------- reading


def read_bounded(path: str | Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a regular file; raise :class:`InputError` otherwise.

    The size is not taken from ``st_size`` (which ``/proc`` files and growing files get
    wrong): at most ``limit + 1`` bytes are read. Anything but a regular file (a FIFO, a
    device such as ``/dev/zero``, a socket, a directory) is refused before it is read, so
    a read never blocks or runs on for ever. Messages say what is wrong without the path
    (the caller names the file).
    """
    path = Path(path)
    try:
        st = os.stat(path)  # before opening: opening some devices has side effects
        if not stat.S_ISREG(st.st_mode):
            raise InputError(_not_a_file(st.st_mode))
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        msg = "no such file"
        raise InputError(msg) from None
    except PermissionError:
        msg = "cannot be read (permission denied)"
        raise InputError(msg) from None
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror or type(exc).__name__})"
        raise InputError(msg) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between stat and open
            raise InputError(_not_a_file(st.st_mode))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror or type(exc).__name__})"
        raise InputError(msg) from None
    finally:
        os.close(fd)
    if size > limit:
        msg = f"is larger than the limit of {limit:,} bytes"
        raise InputError(msg)
    return b"".join(chunks)


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory, expected a file"
    return f"is {_file_kind(mode)}, expected a regular file"


def check_output_dir(directory: str | Path) -> Path:
    """Raise :class:`InputError` unless ``directory`` is a directory or a new path."""
    directory = Path(directory)
    found = _nearest_existing(directory, directory)
    if found is not None and not stat.S_ISDIR(found[1].st_mode):
        d, st = found
        msg = f"cannot write {directory}: {d} is {_file_kind(st.st_mode)}, not a directory"
        raise InputError(msg)
    return directory


def stage_label(name: str) -> str:
    """``name``, or a shortened form with a hash, so staging names stay within NAME_MAX."""
    if len(name.encode("utf-8")) <= MAX_STAGE_LABEL:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    short = name.encode("utf-8", "surrogateescape")[: MAX_STAGE_LABEL - 13]
    return short.decode("utf-8", "ignore") + "~" + digest


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/file system can fsync a dir
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every directory under ``root`` (files were fsynced when written)."""
    for dirpath, _dirs, _files in os.walk(root):
        fsync_dir(Path(dirpath))
