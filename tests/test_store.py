"""The persistent store (--store): bulk load, reopen without parsing, reload only changed files,
rebuild stores it cannot trust, and stay consistent when a file is bad. Small in-code fixtures."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.cli.base import StderrObserver
from kgtool.engines import store as store_module
from kgtool.errors import DataError, EngineError
from kgtool.graph import graph_name
from kgtool.store import (
    LOADING_NAME,
    MANIFEST_NAME,
    open_store,
    plan_sync,
    status_lines,
    versions,
)

PREFIXES = "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
A = PREFIXES + 'kgr:A rdfs:label "A"@en .\n'
B = PREFIXES + 'kgr:B rdfs:label "B"@en ; rdfs:seeAlso [ rdfs:label "blank"@en ] .\n'
LABELS = (
    "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
)


class Recorder:
    """An observer that keeps what it is told."""

    def __init__(self) -> None:
        self.notices: list[str] = []
        self.progress_calls: list[tuple[int, int]] = []

    def notice(self, message: str) -> None:
        self.notices.append(message)

    def progress(self, done: int, total: int) -> None:
        self.progress_calls.append((done, total))


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    (tmp_path / "data").mkdir()
    a, b = tmp_path / "data" / "a.ttl", tmp_path / "data" / "b.ttl"
    a.write_text(A, encoding="utf-8")
    b.write_text(B, encoding="utf-8")
    return [a, b]


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the store parses, in order."""
    seen: list[str] = []
    original = store_module._load_file

    def spy(store, path, graph, advance):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return original(store, path, graph, advance)

    monkeypatch.setattr(store_module, "_load_file", spy)
    return seen


def labels(engine) -> list[str]:  # type: ignore[no-untyped-def]
    return [row[0].value for row in engine.query(LABELS).rows]


def test_first_open_loads_every_file_and_writes_the_manifest(
    tmp_path: Path, files: list[Path], loads: list[str]
) -> None:
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files, recorder)
    assert labels(engine) == ["A", "B", "blank"]
    assert loads == ["a.ttl", "b.ttl"]
    assert recorder.notices == [f"store {tmp_path / 'store'}: loading 2 file(s) into a new store"]
    manifest = json.loads((tmp_path / "store" / MANIFEST_NAME).read_text())
    kgtool_version, oxigraph_version = versions()
    assert manifest["format"] == 1
    assert (manifest["kgtool"], manifest["pyoxigraph"]) == (kgtool_version, oxigraph_version)
    assert manifest["files"][graph_name(files[0])] == {
        "sha256": store_module.file_sha256(files[0]),
        "size": len(A),
        "mtime_ns": files[0].stat().st_mtime_ns,
    }
    assert not (tmp_path / "store" / LOADING_NAME).exists()


def test_unchanged_files_reopen_without_parsing(
    tmp_path: Path, files: list[Path], loads: list[str]
) -> None:
    open_store(tmp_path / "store", files)
    loads.clear()
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files, recorder)
    assert loads == [] and recorder.notices == []
    assert labels(engine) == ["A", "B", "blank"]


def test_a_changed_file_is_reloaded_alone(
    tmp_path: Path, files: list[Path], loads: list[str]
) -> None:
    open_store(tmp_path / "store", files)
    loads.clear()
    files[1].write_text(B.replace('"B"@en', '"B2"@en'), encoding="utf-8")
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files, recorder)
    assert loads == ["b.ttl"]
    assert recorder.notices == [f"store {tmp_path / 'store'}: loading b.ttl (changed)"]
    # the old statements are gone, the blank node is not duplicated
    assert labels(engine) == ["A", "B2", "blank"]


def test_touching_a_file_without_changing_it_reloads_nothing(
    tmp_path: Path, files: list[Path], loads: list[str]
) -> None:
    open_store(tmp_path / "store", files)
    loads.clear()
    files[0].write_text(A, encoding="utf-8")
    assert plan_sync(tmp_path / "store", files).up_to_date
    open_store(tmp_path / "store", files)
    assert loads == []


def test_added_and_removed_files(tmp_path: Path, files: list[Path], loads: list[str]) -> None:
    open_store(tmp_path / "store", files[:1])
    loads.clear()
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files[1:], recorder)
    assert loads == ["b.ttl"]
    assert recorder.notices == [
        f"store {tmp_path / 'store'}: loading b.ttl (new); dropping 1 removed file(s)"
    ]
    assert labels(engine) == ["B", "blank"]
    manifest = json.loads((tmp_path / "store" / MANIFEST_NAME).read_text())
    assert list(manifest["files"]) == [graph_name(files[1])]


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("pyoxigraph", "0.0.1", "it was built by pyoxigraph 0.0.1, this is pyoxigraph {oxigraph}"),
        ("kgtool", "0.0.1", "it was built by kgtool 0.0.1, this is kgtool {kgtool}"),
        ("format", 99, "it has store format 99, this kgtool writes format 1"),
    ],
)
def test_a_store_from_another_version_is_rebuilt(
    tmp_path: Path, files: list[Path], loads: list[str], key: str, value: object, reason: str
) -> None:
    open_store(tmp_path / "store", files)
    manifest_path = tmp_path / "store" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest[key] = value
    manifest_path.write_text(json.dumps(manifest))
    loads.clear()
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files, recorder)
    kgtool_version, oxigraph_version = versions()
    expected = reason.format(kgtool=kgtool_version, oxigraph=oxigraph_version)
    assert recorder.notices == [
        f"store {tmp_path / 'store'}: {expected}; rebuilding it from 2 file(s)"
    ]
    assert loads == ["a.ttl", "b.ttl"]
    assert labels(engine) == ["A", "B", "blank"]
    assert json.loads(manifest_path.read_text())["pyoxigraph"] == oxigraph_version


def test_a_changed_nquads_file_rebuilds_the_store(tmp_path: Path, files: list[Path]) -> None:
    quads = tmp_path / "data" / "c.nq"
    quads.write_text(
        '<urn:c> <http://www.w3.org/2000/01/rdf-schema#label> "C"@en <urn:graph:c> .\n'
    )
    open_store(tmp_path / "store", [*files, quads])
    quads.write_text(
        '<urn:c> <http://www.w3.org/2000/01/rdf-schema#label> "C2"@en <urn:graph:c> .\n'
    )
    recorder = Recorder()
    engine = open_store(tmp_path / "store", [*files, quads], recorder)
    assert recorder.notices == [
        f"store {tmp_path / 'store'}: c.nq changed or was removed, and an N-Quads or TriG file can fill any graph; "
        "rebuilding it from 3 file(s)"
    ]
    assert labels(engine) == ["A", "B", "C2", "blank"]  # the old quad in <urn:graph:c> is gone


def test_an_interrupted_load_is_detected_and_rebuilt(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = store_module._load_file

    def interrupted(store, path, graph, advance):  # type: ignore[no-untyped-def]
        if path.name == "b.ttl":
            raise KeyboardInterrupt
        return original(store, path, graph, advance)

    monkeypatch.setattr(store_module, "_load_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_store(tmp_path / "store", files)
    assert (tmp_path / "store" / LOADING_NAME).exists()
    monkeypatch.setattr(store_module, "_load_file", original)
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files, recorder)
    assert recorder.notices == [
        f"store {tmp_path / 'store'}: its last load was interrupted; rebuilding it from 2 file(s)"
    ]
    assert labels(engine) == ["A", "B", "blank"]
    assert not (tmp_path / "store" / LOADING_NAME).exists()


@pytest.mark.parametrize("bulk", [False, True], ids=["load", "bulk-load"])
def test_a_bad_file_reports_its_position_and_leaves_the_store_consistent(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr(store_module, "BULK_LOAD_BYTES", 0)
    open_store(tmp_path / "store", files)
    files[1].write_text(
        PREFIXES + 'kgr:B rdfs:label "B2"@en .\nkgr:C rdfs:label "C"@en kgr:D .\n', encoding="utf-8"
    )
    with pytest.raises(DataError) as raised:
        open_store(tmp_path / "store", files)
    assert str(raised.value).startswith(f"{files[1]}:4:")
    assert not (tmp_path / "store" / LOADING_NAME).exists()
    manifest = json.loads((tmp_path / "store" / MANIFEST_NAME).read_text())
    assert list(manifest["files"]) == [graph_name(files[0])]
    # the store holds exactly what the manifest says: a.ttl, and nothing of the bad b.ttl
    files[1].unlink()
    recorder = Recorder()
    assert labels(open_store(tmp_path / "store", files[:1], recorder)) == ["A"]
    assert recorder.notices == []


def test_a_bad_file_in_a_new_store_keeps_the_good_ones(
    tmp_path: Path, files: list[Path], loads: list[str]
) -> None:
    files[0].write_text(PREFIXES + "kgr:A rdfs:label .\n", encoding="utf-8")
    with pytest.raises(DataError):
        open_store(tmp_path / "store", files)
    files[0].write_text(A, encoding="utf-8")
    loads.clear()
    assert labels(open_store(tmp_path / "store", files)) == ["A", "B", "blank"]
    assert loads == ["a.ttl", "b.ttl"]  # b.ttl was never reached: it is loaded now, once


def test_an_empty_file_is_an_empty_graph(tmp_path: Path, files: list[Path]) -> None:
    files[0].write_text("", encoding="utf-8")
    assert labels(open_store(tmp_path / "store", files)) == ["B", "blank"]


def test_a_folder_with_other_files_is_refused(tmp_path: Path, files: list[Path]) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(EngineError) as raised:
        open_store(tmp_path / "mine", files)
    assert str(raised.value) == (
        f"{tmp_path / 'mine'} is not a kgtool store: it holds other files (notes.txt) "
        "(hint: give --store a new or empty folder; kgtool never deletes files it did not write)"
    )
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_busy_store_times_out(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(tmp_path / "store", files)
    files[0].write_text(A + 'kgr:A2 rdfs:label "A2"@en .\n', encoding="utf-8")
    monkeypatch.setattr(store_module, "LOCK_WAIT_SECONDS", 0.2)
    with open(tmp_path / "store" / "lock", "a+b") as other_process:
        fcntl.flock(other_process.fileno(), fcntl.LOCK_SH)  # a reader elsewhere holds the store
        recorder = Recorder()
        with pytest.raises(
            EngineError, match="the store .* is busy: another kgtool process has held it for 0 s"
        ):
            open_store(tmp_path / "store", files, recorder)
    assert recorder.notices == [
        f"store {tmp_path / 'store'}: waiting for another kgtool process to finish with it"
    ]


def test_loads_report_progress_after_each_file(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BULK_LOAD_BYTES", 0)  # bulk-load both, by path
    recorder = Recorder()
    engine = open_store(tmp_path / "store", files, recorder)
    total = len(A) + len(B)
    assert recorder.progress_calls == [(len(A), total), (total, total)]
    store = tmp_path / "store"
    assert recorder.notices[1:] == [
        f"store {store}: loading a.ttl ({len(A) / 1e6:.1f} MB)",
        f"store {store}: loading b.ttl ({len(B) / 1e6:.1f} MB)",
    ]
    assert labels(engine) == ["A", "B", "blank"]


def _age(paths: list[Path], seconds: float) -> None:
    for path in paths:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def test_a_warm_open_does_not_hash_files_whose_size_and_time_match(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _age(files, 60)  # older than the manifest by more than the racy margin
    open_store(tmp_path / "store", files)
    hashed: list[Path] = []
    original = store_module.file_sha256
    monkeypatch.setattr(
        store_module, "file_sha256", lambda path: hashed.append(path) or original(path)
    )
    assert plan_sync(tmp_path / "store", files).up_to_date
    assert hashed == []
    _age(files[:1], 1)  # another time, same bytes: hashed, still unchanged
    assert plan_sync(tmp_path / "store", files).up_to_date
    assert hashed == [files[0]]


def test_an_edit_in_the_same_second_with_the_same_size_is_detected(
    tmp_path: Path, files: list[Path]
) -> None:
    open_store(tmp_path / "store", files)
    before = files[1].stat()
    files[1].write_text(B.replace('"B"@en', '"C"@en'), encoding="utf-8")
    os.utime(files[1], ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    assert files[1].stat().st_size == before.st_size
    plan = plan_sync(tmp_path / "store", files)
    assert plan.load == (files[1],)
    assert labels(open_store(tmp_path / "store", files)) == ["A", "C", "blank"]


def test_changing_most_of_the_data_rebuilds_instead_of_dropping(
    tmp_path: Path, files: list[Path], loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "REBUILD_MIN_BYTES", 0)  # the rule for large stores
    open_store(tmp_path / "store", files)
    big = B + "".join(f'kgr:B{i} rdfs:label "B{i}"@en .\n' for i in range(20))
    files[1].write_text(big, encoding="utf-8")
    open_store(tmp_path / "store", files)
    files[1].write_text(big.replace('"B"@en', '"B2"@en'), encoding="utf-8")
    plan = plan_sync(tmp_path / "store", files)
    assert plan.rebuild == (
        "more than half of its data changed (rebuilding is faster than dropping it)"
    )
    assert plan.load == tuple(files) and plan.drop == ()
    loads.clear()
    files[0].write_text(A.replace('"A"@en', '"Z"@en'), encoding="utf-8")
    engine = open_store(tmp_path / "store", files)
    assert loads == ["a.ttl", "b.ttl"]
    assert labels(engine)[:3] == ["B0", "B1", "B10"] and "Z" in labels(engine)
    files[0].write_text(A, encoding="utf-8")
    small = plan_sync(tmp_path / "store", files)
    assert small.rebuild is None and small.load == (files[0],)


def test_status_says_another_process_is_loading(tmp_path: Path, files: list[Path]) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kgtool.engines import store\n"
        "original = store._load_file\n"
        "def held(*args):\n"
        "    print('loading', flush=True)\n"
        "    sys.stdin.readline()\n"
        "    return original(*args)\n"
        "store._load_file = held\n"
        "store.open_store(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])\n"
    )
    loader = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "store"), *map(str, files)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert loader.stdout is not None and loader.stdin is not None
        assert loader.stdout.readline() == "loading\n"
        lines, up_to_date = status_lines(tmp_path / "store", files)
        assert lines[-1] == "being loaded by another process: run this again when it has finished"
        assert not up_to_date
        loader.stdin.write("\n\n")
        loader.stdin.close()
        assert loader.wait(timeout=60) == 0
    finally:
        loader.kill()
    assert status_lines(tmp_path / "store", files) == (
        [
            f"store {tmp_path / 'store'}",
            f"built by kgtool {versions()[0]}, pyoxigraph {versions()[1]}, store format 1; 2 file(s)",
            "up to date (2 file(s))",
        ],
        True,
    )


def test_a_corrupted_store_is_not_up_to_date_and_is_rebuilt(
    tmp_path: Path, files: list[Path]
) -> None:
    open_store(tmp_path / "store", files)
    tables = list((tmp_path / "store" / store_module.DATA_NAME).glob("*.sst"))
    assert tables
    for table in tables:
        table.write_bytes(bytes(table.stat().st_size))
    lines, up_to_date = status_lines(tmp_path / "store", files)
    assert not up_to_date
    assert lines[-1].startswith("needs a rebuild: it cannot be read (Corruption: ")
    recorder = Recorder()
    assert labels(open_store(tmp_path / "store", files, recorder)) == ["A", "B", "blank"]
    assert "it cannot be opened (Corruption: " in recorder.notices[0]


def test_a_full_disk_is_a_one_line_engine_error(tmp_path: Path) -> None:
    error = store_module._os_error(OSError("No space left on device (os error 28)"), tmp_path)
    assert isinstance(error, EngineError)
    assert str(error).startswith("the disk holding the store is full while loading ")
    unreadable = store_module._os_error(
        PermissionError("Permission denied (os error 13)"), tmp_path
    )
    assert isinstance(unreadable, DataError)


class FakeTerminal:
    def __init__(self, tty: bool) -> None:
        self.text = ""
        self.tty = tty

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.tty


def test_the_progress_bar_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kgtool.cli.base.PROGRESS_MIN_BYTES", 10)
    terminal, pipe = FakeTerminal(tty=True), FakeTerminal(tty=False)
    for stream in (terminal, pipe):
        observer = StderrObserver(stream)
        observer.progress(50, 100)
        observer.progress(100, 100)
    assert "loading" in terminal.text and "100%" in terminal.text
    assert pipe.text == ""


# --- through the CLI ---------------------------------------------------------------------------


@pytest.fixture()
def project(project_factory: Callable[..., Path]) -> Path:
    return project_factory(
        ontology={"kgtool.ttl": PREFIXES + 'kgr:Ontology rdfs:label "ontology"@en .\n'},
        graph={"a.ttl": A},
    )


def test_cli_store_is_built_once_then_reused(project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "sparql",
        LABELS,
        "--root",
        str(project),
        "--store",
        str(tmp_path / "st"),
        "--format",
        "tsv",
    ]
    first = runner.invoke(cli, args)
    assert (first.exit_code, first.stdout) == (0, '?label\n"A"@en\n"ontology"@en\n')
    assert first.stderr == f"store {tmp_path / 'st'}: loading 2 file(s) into a new store\n"
    second = runner.invoke(cli, args)
    assert (second.exit_code, second.stdout, second.stderr) == (0, first.stdout, "")


def test_cli_store_status_and_rebuild(project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store_dir = tmp_path / "st"
    where = ["--store", str(store_dir), "--root", str(project)]
    missing = runner.invoke(cli, ["store", "status", *where])
    assert (missing.exit_code, missing.stdout) == (
        1,
        f"store {store_dir}: no store yet; the next run with --store builds it\n",
    )
    assert runner.invoke(cli, ["store", "rebuild", *where]).exit_code == 0
    fresh = runner.invoke(cli, ["store", "status", *where])
    kgtool_version, oxigraph_version = versions()
    assert (fresh.exit_code, fresh.stdout) == (
        0,
        f"store {store_dir}\nbuilt by kgtool {kgtool_version}, pyoxigraph {oxigraph_version}, store format 1; "
        "2 file(s)\nup to date (2 file(s))\n",
    )
    (project / "graph" / "a.ttl").write_text(A + 'kgr:A2 rdfs:label "A2"@en .\n')
    (project / "graph" / "b.ttl").write_text(B)
    stale = runner.invoke(cli, ["store", "status", *where])
    assert stale.exit_code == 1
    assert stale.stdout.splitlines()[2:] == [
        f"changed: {project / 'graph' / 'a.ttl'}",
        f"added: {project / 'graph' / 'b.ttl'}",
        "out of date: the next run reloads the files above",
    ]
    rebuilt = runner.invoke(cli, ["store", "rebuild", *where])
    assert rebuilt.exit_code == 0
    assert (
        rebuilt.stderr
        == f"store {store_dir}: a rebuild was requested; rebuilding it from 3 file(s)\n"
    )


def test_cli_store_with_rdflib_is_refused(project: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "sparql",
            LABELS,
            "--root",
            str(project),
            "--store",
            str(tmp_path / "st"),
            "--engine",
            "rdflib",
        ],
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --store needs the oxigraph engine (hint: drop --engine rdflib, or drop --store)\n",
    )


def test_cli_bad_file_with_store_names_file_line_column(project: Path, tmp_path: Path) -> None:
    bad = project / "graph" / "bad.ttl"
    bad.write_text(PREFIXES + "kgr:X kgr:p .\n")
    result = CliRunner().invoke(
        cli, ["sparql", LABELS, "--root", str(project), "--store", str(tmp_path / "st")]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(f"Error: {bad}:3:")
