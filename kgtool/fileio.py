"""Writing files so that a reader never sees half of one: :func:`write_atomic`.

Every file kgtool writes (``fmt``, ``new -o``, ``export -o``, ``view -o``) goes through this one
function, so they all keep the same promises: the old file or the new one, never a mix; an existing
file keeps its permissions; a new file gets ``0o666 & ~umask`` like any file the shell creates; the
data and the rename are on disk (``fsync``) before the function returns.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kgtool.errors import OutputError


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
    untouched.

    :param path: the file to create or replace; its folder must exist.
    :param content: the whole new content.
    :raises OutputError: when the folder is missing, ``path`` is a folder, or writing fails.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(target, "hello\\n")
    >>> target.read_text()
    'hello\\n'
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            f"no such folder: {folder}",
            path=path,
            hint="create the folder first or choose another -o path",
        )
    if path.is_dir():
        raise OutputError("is a folder, not a file", path=path, hint="give a file name instead")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()  # what open() would give a new file (mkstemp gives 0600)
    except OSError as error:
        raise OutputError(f"cannot write the file: {error.strerror}", path=path) from None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write the file: {error.strerror}", path=path) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OutputError(
                f"cannot write the file: {error.strerror or error}", path=path
            ) from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # Makes the rename durable. Some systems cannot open a folder for fsync; the file itself is
    # already complete on disk then, so this is best effort.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


__all__ = ["current_umask", "write_atomic"]
