"""What ``-o`` names is respected (issue 10 appendix): links, FIFOs, devices, ``-``, folders
that are missing or read-only, and temporary files a killed run left behind."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest
from support import invoke

from kgtool.errors import OutputError
from kgtool.fileio import STALE_TEMPORARY_SECONDS, remove_stale_temporaries, write_atomic

MESSY = "<http://a/s> <http://a/p> 1 .\n"
TIDY = "<http://a/s>\n    <http://a/p> 1 .\n"


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.ttl"
    real.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(real.name)
    assert invoke("fmt", str(link)).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == "real.ttl"
    assert real.read_text(encoding="utf-8") == TIDY
    dangling = tmp_path / "new.nt"
    dangling.symlink_to("made.nt")
    write_atomic(dangling, "x\n")
    assert dangling.is_symlink() and (tmp_path / "made.nt").read_text() == "x\n"


def test_a_fifo_reader_gets_the_data(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_character_device_is_written_not_replaced() -> None:
    write_atomic("/dev/null", b"gone")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if os.path.exists("/dev/full"):
        with pytest.raises(OutputError, match="/dev/full: cannot write the file: No space left"):
            write_atomic("/dev/full", b"x")
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="cannot be written safely"):
            write_atomic(path, b"x")
    assert stat.S_ISSOCK(path.stat().st_mode)


def test_dash_means_stdout(tmp_path: Path) -> None:
    root = tmp_path / "p"
    for part in ("ontology", "graph", "queries"):
        (root / part).mkdir(parents=True)
    (root / "graph" / "a.ttl").write_text(MESSY, encoding="utf-8")
    (root / "ontology" / "o.ttl").write_text("", encoding="utf-8")
    result = invoke("export", "--format", "nt", "--root", str(root), "-o", "-")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("<http://a/s> <http://a/p> ")
    assert not (tmp_path / "-").exists() and not Path("-").exists()


def test_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.ttl"
    result = invoke("new", "kgo:Company", "Minato AI", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {target}: no such folder: {target.parent} "
        "(hint: create the folder first or choose another -o path)\n"
    )


def test_a_folder_that_refuses_the_temporary_file_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkstemp sits inside the try: its failure is an OutputError (the CI runs as root, so an
    unwritable folder is simulated)."""
    path = tmp_path / "a.ttl"
    path.write_text(MESSY, encoding="utf-8")

    def refuse(**_: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kgtool.fileio.tempfile.mkstemp", refuse)
    result = invoke("fmt", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}: cannot write the file: Permission denied\n",
    )
    assert path.read_text(encoding="utf-8") == MESSY


def test_stale_temporary_files_are_removed_on_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "kg.nt"
    old = tmp_path / ".kg.nt.ab12cd_9.tmp"  # what a run killed with -9 leaves
    young = tmp_path / ".kg.nt.zz12cd_9.tmp"  # a run still writing
    other = tmp_path / ".other.nt.ab12cd_9.tmp"
    for leftover in (old, young, other):
        leftover.write_bytes(b"half")
    past = time.time() - STALE_TEMPORARY_SECONDS - 60
    for leftover in (old, other):
        os.utime(leftover, (past, past))
    write_atomic(target, b"new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".kg.nt.zz12cd_9.tmp",
        ".other.nt.ab12cd_9.tmp",
        "kg.nt",
    ]
    assert remove_stale_temporaries(tmp_path / "other.nt") == [other]
