"""Writing files so that a reader never sees half of one: :func:`write_atomic`.

Every file kgtool writes (``fmt``, ``new -o``, ``export -o``, ``view -o``) goes through this one
function, so they all keep the same promises: the old file or the new one, never a mix; an existing
file keeps its permissions; a new file gets ``0o666 & ~umask`` like any file the shell creates; the
data and the rename are on disk (``fsync``) before the function returns.

What ``-o`` names is respected: ``-`` is standard output; a symbolic link is followed and its
target replaced (the link stays a link); a FIFO or a character device (``/dev/null``, a terminal)
is written directly, as a shell redirection would; a socket or a block device is refused.
A temporary file left behind by a killed run (``.NAME.xxxxxxxx.tmp``) is removed by the next write
to the same file once it is older than :data:`STALE_TEMPORARY_SECONDS`.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from kgtool.errors import OutputError

#: ``-o -``: write to standard output.
STDOUT = "-"
#: A temporary file of ours untouched for this long belongs to a run that was killed.
STALE_TEMPORARY_SECONDS = 15 * 60


def utf8_error_position(data: bytes, error: UnicodeDecodeError) -> tuple[int, int]:
    """The line and column (1-based, in characters) of the byte ``error`` found in ``data``: pass
    the bytes that were decoded (after a byte-order mark, if it was dropped).

    >>> data = "ア\\nxy".encode() + b"\\xff"
    >>> utf8_error_position(data, UnicodeDecodeError("utf-8", data, 6, 7, "invalid start byte"))
    (2, 3)
    """
    before = data[: error.start].decode("utf-8", errors="replace")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def current_umask() -> int:
    """The process's umask (reading it needs setting it; it is set straight back).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` (text is written as UTF-8 with ``\\n`` line ends).

    The content goes to a temporary file in the same folder, is flushed to disk, and then
    replaces ``path`` with :func:`os.replace`; the folder is fsynced so the rename survives a
    crash. On any failure (including Ctrl-C) the temporary file is removed and the old file is
    untouched. ``-``, FIFOs, character devices and symbolic links: see the module docstring.

    :param path: the file to create or replace; its folder must exist.
    :param content: the whole new content.
    :raises OutputError: when the folder is missing, ``path`` is a folder, a socket or a block
        device, or writing fails.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(target, "hello\\n")
    >>> target.read_text()
    'hello\\n'
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if str(path) == STDOUT:
        _write_stream(sys.stdout.buffer, data, STDOUT)
        return
    # A link is followed to the file it names (a dangling one to the file it would create).
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    folder = path.parent
    try:
        status: os.stat_result | None = path.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise OutputError(f"cannot write the file: {error.strerror}", path=path) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise OutputError("is a folder, not a file", path=path, hint="give a file name instead")
    if status is not None and (stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode)):
        _write_device(path, data)
        return
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise OutputError(
            "is not a regular file, a FIFO or a character device: it cannot be written safely",
            path=path,
            hint="choose another -o path",
        )
    if not folder.is_dir():
        raise OutputError(
            f"no such folder: {folder}",
            path=path,
            hint="create the folder first or choose another -o path",
        )
    mode = status.st_mode & 0o7777 if status is not None else 0o666 & ~current_umask()
    remove_stale_temporaries(path)
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if isinstance(error, OSError):
            raise OutputError(
                f"cannot write the file: {error.strerror or error}", path=path
            ) from None
        raise
    _sync_folder(folder)


def remove_stale_temporaries(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of :func:`write_atomic` for ``path`` that a killed run left
    behind (untouched for :data:`STALE_TEMPORARY_SECONDS`); return them.

    Only names :func:`tempfile.mkstemp` makes for ``path`` are touched (``.NAME.`` + 8 random
    characters + ``.tmp``); one a live run is writing is younger and stays.
    """
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
    limit = (time.time() if now is None else now) - STALE_TEMPORARY_SECONDS
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            with contextlib.suppress(OSError):
                if (
                    pattern.fullmatch(entry.name)
                    and entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < limit
                ):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _write_device(path: Path, data: bytes) -> None:
    """Write to a FIFO or character device as a shell redirection would (no rename possible)."""
    try:
        with open(path, "wb") as stream:
            _write_stream(stream, data, path)
    except OSError as error:
        raise OutputError(f"cannot write the file: {error.strerror or error}", path=path) from None


def _write_stream(stream: BinaryIO, data: bytes, name: str | Path) -> None:
    try:
        stream.write(data)
        stream.flush()
    except BrokenPipeError:
        raise  # the reader left: the CLI ends quietly, as for any output
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror or error}", path=name) from None


def _sync_folder(folder: Path) -> None:
    # Makes the rename durable. Some systems cannot open a folder for fsync; the file itself is
    # already complete on disk then, so this is best effort.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


__all__ = [
    "STALE_TEMPORARY_SECONDS",
    "STDOUT",
    "current_umask",
    "remove_stale_temporaries",
    "write_atomic",
]
