"""Data files as other people write them (issue 10): relative IRIs, RDF/XML ``rdf:about=""``, a
byte-order mark, empty files, and which named graphs ``GRAPH ?g`` sees — on every engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import invoke, write_project

ENGINES = ("oxigraph", "rdflib")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project whose own files hold no statement (one comment-only, one empty)."""
    return write_project(
        tmp_path / "project", ontology={"o.ttl": "# nothing yet\n"}, graph={"g.ttl": ""}
    )


def sparql(root: Path, engine: str, query: str, *data: Path, store: Path | None = None) -> str:
    args = ["sparql", query, "--root", str(root), "--engine", engine, "--format", "tsv"]
    args += [arg for path in data for arg in ("--data", str(path))]
    args += ["--store", str(store)] if store else []
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("engine", ENGINES)
def test_relative_iris_resolve_against_the_file(root: Path, tmp_path: Path, engine: str) -> None:
    turtle = tmp_path / "rel.ttl"
    turtle.write_text("<a> <#p> <../b> .\n", encoding="utf-8")
    rdfxml = tmp_path / "about.rdf"
    rdfxml.write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about=""><e:q rdf:resource="x"/></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    here = tmp_path.resolve().as_uri()
    rows = sparql(root, engine, "SELECT ?s ?o { ?s ?p ?o } ORDER BY ?s", turtle, rdfxml)
    assert rows.splitlines()[1:] == [
        f"<{here}/a>\t<{tmp_path.parent.resolve().as_uri()}/b>",
        f"<{here}/about.rdf>\t<{here}/x>",
    ]
    result = invoke("validate", "--root", str(root), "--data", str(turtle), "--data", str(rdfxml))
    assert result.exit_code == 0, result.stdout


def test_the_store_resolves_relative_iris_too(root: Path, tmp_path: Path) -> None:
    turtle = tmp_path / "rel.ttl"
    turtle.write_text("<a> <http://e/p> 1 .\n", encoding="utf-8")
    rows = sparql(root, "oxigraph", "SELECT ?s { ?s ?p ?o }", turtle, store=tmp_path / "st")
    assert rows.splitlines()[1:] == [f"<{tmp_path.resolve().as_uri()}/a>"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_query_file_is_the_base_of_its_relative_iris(
    root: Path, tmp_path: Path, engine: str
) -> None:
    """``sparql -f FILE``: relative IRIs in the query resolve against FILE's URI, as in the W3C
    tests exists03, pp34 and pp35 (rdflib answered 0 rows, exit 0, before)."""
    data = tmp_path / "d.ttl"
    data.write_text("<a> <http://e/p> 1 .\n", encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("ASK { <a> <http://e/p> 1 }\n", encoding="utf-8")
    result = invoke(
        "sparql", "-f", str(query), "--root", str(root), "--engine", engine, "--data", str(data)
    )
    assert (result.exit_code, result.stdout) == (0, "true\n"), result.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_a_byte_order_mark_is_skipped(root: Path, tmp_path: Path, engine: str) -> None:
    data = tmp_path / "bom.nt"
    data.write_bytes(b"\xef\xbb\xbf<http://a/s> <http://a/p> <http://a/o> .\n")
    assert sparql(root, engine, "SELECT ?s { ?s ?p ?o }", data) == "?s\n<http://a/s>\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_files_are_empty_graphs_and_graph_ranges_over_files_with_statements(
    root: Path, tmp_path: Path, engine: str
) -> None:
    """``GRAPH ?g`` ranges over the loaded files that hold statements, named by their ``file:``
    URI — the same on every engine (rdflib counted the comment-only and empty files before)."""
    empty = tmp_path / "empty.nt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.ttl"
    blank.write_text("  \n# a comment\n", encoding="utf-8")
    full = tmp_path / "full.ttl"
    full.write_text("<http://a/s> <http://a/p> 1 .\n", encoding="utf-8")
    rows = sparql(root, engine, "SELECT DISTINCT ?g { GRAPH ?g {} }", empty, blank, full)
    assert rows == f"?g\n<{full.resolve().as_uri()}>\n"


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [\n <!ENTITY l0 "ha">\n'
    + "".join(f' <!ENTITY l{i} "{f"&l{i - 1};" * 10}">\n' for i in range(1, 10))
    + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
    '<rdf:Description rdf:about="http://e/s"><e:p>&l9;</e:p></rdf:Description></rdf:RDF>\n'
)


@pytest.mark.parametrize(
    "command",
    [
        ("sparql", "ASK {}", "--engine", "oxigraph"),
        ("sparql", "ASK {}", "--engine", "rdflib"),
        ("sparql", "ASK {}", "--store", "STORE"),
        ("validate",),
    ],
)
def test_entity_expansion_is_refused_fast_with_little_memory(
    root: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A 1 KB "billion laughs" RDF/XML file (3 GB once expanded) fails in a moment under a
    2 GB address-space limit, with one line naming the file. (Not lower: an on-disk store's
    RocksDB threads reserve their stacks' address space, and on a busy machine a tighter limit
    made thread creation fail before the file was read.)"""
    import resource
    import subprocess
    import sys

    bomb = tmp_path / "laughs.rdf"
    bomb.write_text(LAUGHS, encoding="utf-8")
    assert len(LAUGHS) < 1100

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    args = [a.replace("STORE", str(tmp_path / "store")) for a in command]
    result = subprocess.run(
        [sys.executable, "-m", "kgtool", *args, "--root", str(root), "--data", str(bomb)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
    )
    output = result.stderr + result.stdout
    assert result.returncode == 2, output
    assert "laughs.rdf:7:2:" in output  # validate writes "FILE:LINE:COL: error: …"
    assert "the DTD entity 'l4' expands to more than 10,000 characters" in output
    assert "Traceback" not in output


def test_entity_expansion_is_refused_by_diff(tmp_path: Path) -> None:
    old, new = tmp_path / "old.rdf", tmp_path / "new.rdf"
    old.write_text(LAUGHS, encoding="utf-8")
    new.write_text(LAUGHS.replace("http://e/s", "http://e/t"), encoding="utf-8")
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 2
    assert "expands to more than 10,000 characters" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_harmless_entities_are_read() -> None:
    from kgtool.rdf.load import check_entities

    check_entities(b'<!DOCTYPE r [<!ENTITY e "http://e/"><!ENTITY f "&e;x">]><r/>', "ok.rdf")


def test_an_endpoint_gets_the_query_files_base_as_a_base_line(tmp_path: Path) -> None:
    import http.server
    import threading

    bodies: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            reply = b'{"head": {}, "boolean": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        query = tmp_path / "q.rq"
        query.write_text("ASK { <a> ?p ?o }\n", encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        result = invoke("sparql", "-f", str(query), "--endpoint", url)
    finally:
        server.shutdown()
        server.server_close()
    assert (result.exit_code, result.stdout) == (0, "true\n"), result.stderr
    assert bodies == [f"BASE <{query.resolve().as_uri()}>\nASK {{ <a> ?p ?o }}\n"]


def test_linked_folders_inside_a_data_folder_are_followed_once(root: Path, tmp_path: Path) -> None:
    """A symbolic link to a folder was skipped without notice; a link cycle must still end."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "sub" / "x.ttl").write_text("<http://a/s> <http://a/p> 1 .\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "link").symlink_to(real)
    (real / "loop").symlink_to(data)  # data/link/loop/link/… would never end
    rows = sparql(root, "oxigraph", "SELECT ?s { ?s ?p ?o }", data)
    assert rows == "?s\n<http://a/s>\n"
    result = invoke("fmt", "--check", str(data))
    assert (result.exit_code, result.stdout) == (1, f"would reformat {data}/link/sub/x.ttl\n")


def test_an_ill_typed_literal_logs_no_traceback_on_rdflib(root: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    data = tmp_path / "bad.ttl"
    data.write_text(
        '<http://a/s> <http://a/p> "abc"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "kgtool", "sparql", "SELECT ?s { ?s ?p ?o }", "--root", str(root)]
        + ["--engine", "rdflib", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "?s\n<http://a/s>\n", "")


def test_the_store_names_the_same_graphs(root: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.nt"
    empty.write_bytes(b"")
    full = tmp_path / "full.ttl"
    full.write_text("<http://a/s> <http://a/p> 1 .\n", encoding="utf-8")
    query = "SELECT DISTINCT ?g { GRAPH ?g {} }"
    for _ in ("load", "reopen"):
        rows = sparql(root, "oxigraph", query, empty, full, store=tmp_path / "store")
        assert rows == f"?g\n<{full.resolve().as_uri()}>\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r/>',
            "x.rdf:1:14: the DTD entity 'a'",
        ),
        (
            b'<!DOCTYPE r [<!ENTITY a SYSTEM "file:///etc/passwd">]><r/>',
            "x.rdf:1:14: the file's DTD",
        ),
        (b'<!DOCTYPE r [<!ENTITY % a "x">]><r/>', "x.rdf:1:14: the file's DTD declares"),
        # a DOCTYPE hidden behind a prolog longer than what is checked
        (
            b"<!-- <a> " + b"x" * (1 << 20) + b'--><!DOCTYPE r [<!ENTITY a "&a;">]><r/>',
            "x.rdf: the XML prolog",
        ),
    ],
)
def test_entity_cycles_external_entities_and_long_prologs_are_refused(
    content: bytes, message: str
) -> None:
    from kgtool.errors import DataError
    from kgtool.rdf.load import check_entities

    with pytest.raises(DataError) as raised:
        check_entities(content, "x.rdf")
    assert str(raised.value).startswith(message)
