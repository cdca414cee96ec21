"""The one Turtle lexer (kgtool.rdf.turtle) and the atomic write (kgtool.fileio)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kgtool.errors import DataError, OutputError
from kgtool.fileio import current_umask, write_atomic
from kgtool.rdf.turtle import BlankNodeNumbers, LayoutReader, index_text, tokens

ESCAPED = (
    "@prefix ex: <http://e/> .\n<http://e/a\\u0041> ex:p ex:o .\nex:b ex:p <http://e/a\\u0041> .\n"
)


def test_an_escaped_iri_is_one_token() -> None:
    assert [(t.kind, t.text) for t in tokens(ESCAPED, "x.ttl")][4:7] == [
        ("iri", "<http://e/a\\u0041>"),
        ("word", "ex:p"),
        ("word", "ex:o"),
    ]


def test_index_and_layout_agree_on_an_escaped_iri() -> None:
    found = index_text(ESCAPED, "http://e/")
    assert found.prefixes == {"ex": "http://e/"}
    assert found.starts["http://e/aA"] == (2, 1)
    assert found.starts["http://e/b"] == (3, 1)
    assert found.mentions["http://e/o"] == (2, 25)
    assert "http://e/a\\u0041" not in found.mentions
    layout = LayoutReader(ESCAPED, "x.ttl", "http://e/").read()
    assert layout.prefixes == found.prefixes
    assert [s.subjects for s in layout.sections] == [["http://e/aA", "http://e/b"]]


def test_index_follows_trig_graphs_base_and_sparql_prefixes() -> None:
    text = "BASE <http://e/>\nPREFIX ex: <ns/>\nex:g { <s> ex:p [ ex:q <n> ] . ex:t ex:p 1 }\n"
    found = index_text(text, "file:///x.trig")
    assert found.prefixes == {"ex": "http://e/ns/"}
    assert found.starts == {
        "http://e/ns/g": (3, 1),
        "http://e/s": (3, 8),
        "http://e/ns/t": (3, 32),
    }
    assert found.mentions["http://e/n"] == (3, 24)


def test_the_lexer_refuses_or_skips_what_it_cannot_read() -> None:
    with pytest.raises(DataError) as raised:
        list(tokens("ex:a ex:p <http://e/a b> .", "x.ttl"))
    assert str(raised.value) == "x.ttl:1:11: cannot read this part of the file"
    lenient = [t.kind for t in tokens("ex:a ex:p <http://e/a b> .", "x.ttl", strict=False)]
    assert lenient[:3] == ["word", "word", "other"]


def test_blank_node_numbers_are_shared_across_texts() -> None:
    numbers = BlankNodeNumbers()
    mark = "\ue000"
    assert numbers(f"_:{mark}z{mark}") == "_:b1"
    assert numbers(f"[ _:{mark}a{mark} _:{mark}z{mark} ]") == "[ _:b2 _:b1 ]"


# --------------------------------------------------------------------------------------------
# write_atomic
# --------------------------------------------------------------------------------------------


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    target = tmp_path / "new.ttl"
    write_atomic(target, "text\n")
    assert target.read_bytes() == b"text\n"
    assert target.stat().st_mode & 0o777 == 0o666 & ~current_umask()


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "old.bin"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_atomic(target, b"new")
    assert (target.read_bytes(), target.stat().st_mode & 0o777) == (b"new", 0o604)


def test_the_file_and_its_folder_are_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.path.isdir(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "a.txt", "a")
    assert synced == [False, True]


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kg.nt"
    target.write_text("old content")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError) as raised:
        write_atomic(target, "new content")
    assert str(raised.value) == f"{target}: cannot write the file: No space left on device"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.nt"]
    assert target.read_text() == "old content"


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as raised:
        write_atomic(tmp_path / "no" / "a.txt", "a")
    assert str(raised.value) == (
        f"{tmp_path / 'no' / 'a.txt'}: no such folder: {tmp_path / 'no'} "
        "(hint: create the folder first or choose another -o path)"
    )
