"""Reading data files given with --data: each bad input gets its own one-line error, exit 2."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.rdf.load import PROGRESS_STEP, load_rdflib, load_store

REPO = Path(__file__).resolve().parent.parent


def run_with_data(path: Path | str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["query", "training-costs", "--format", "tsv", "--root", str(REPO), "--data", str(path)],
    )
    return result.exit_code, result.stderr


def test_json_ld_remote_context_is_never_fetched(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        data = tmp_path / "remote.jsonld"
        data.write_text(
            f'{{"@context": "http://127.0.0.1:{port}/ctx.jsonld", "@id": "http://e/a", "name": "x"}}'
        )
        code, error = run_with_data(data)
        with pytest.raises(socket.timeout):
            listener.accept()
    assert code == 2
    assert error == (
        f"Error: {data}: JSON-LD remote @context is not fetched (kgtool never reads the network) "
        "(hint: inline the @context object in the file)\n"
    )


def test_missing_data_path(tmp_path: Path) -> None:
    assert run_with_data(tmp_path / "nope.ttl") == (
        2,
        f"Error: no such file or folder: {tmp_path / 'nope.ttl'} (hint: check the path given with --data)\n",
    )


def test_unknown_suffix(tmp_path: Path) -> None:
    data = tmp_path / "notes.txt"
    data.write_text("hello", encoding="utf-8")
    assert run_with_data(data) == (
        2,
        f"Error: {data}: unknown RDF file type '.txt' (hint: use one of: .jsonld .nq .nt .owl .rdf .trig .ttl)\n",
    )


def test_folder_without_rdf_files(tmp_path: Path) -> None:
    assert run_with_data(tmp_path) == (
        2,
        f"Error: no RDF files in folder {tmp_path} (hint: RDF files end in one of: .jsonld .nq .nt .owl .rdf .trig .ttl)\n",
    )


def test_unexpected_end_of_file_names_the_position(tmp_path: Path) -> None:
    data = tmp_path / "cut.ttl"
    data.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b", encoding="utf-8")
    assert run_with_data(data) == (
        2,
        f"Error: {data}:3:10: Unexpected end (hint: fix the statement at this position)\n",
    )


@pytest.mark.parametrize("loader", [load_store, load_rdflib])
def test_progress_is_told_within_large_files_only(tmp_path: Path, loader: Any) -> None:
    """Files under PROGRESS_STEP are read without the counting reader (it would call nothing
    within them): the calls are the same, a call per step inside larger files and one at the end."""
    small, large = tmp_path / "small.nt", tmp_path / "large.nt"
    small.write_text("<http://e/s> <http://e/p> <http://e/o> .\n")
    line = '<http://e/s> <http://e/p> "' + "x" * 60 + '" .\n'
    large.write_text(line * (PROGRESS_STEP * 5 // 2 // len(line)))
    sizes = small.stat().st_size, large.stat().st_size
    calls: list[tuple[int, int]] = []
    loader([small, large], progress=lambda done, total: calls.append((done, total)))
    total = sum(sizes)
    assert calls == [
        (sizes[0] + PROGRESS_STEP, total),
        (sizes[0] + 2 * PROGRESS_STEP, total),
        (total, total),
    ]
