"""Queries are read-only and never leave the loaded data: UPDATE, SERVICE, FROM and LOAD are
refused before anything runs, no connection is attempted, data files stay byte-for-byte
unchanged, and hostile parameter values cannot change a query."""

from __future__ import annotations

import select
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import invoke

from kgtool.errors import UnsafeQueryError
from kgtool.sparql import check_read_only

HINT = "(hint: kgtool runs read-only queries over the loaded data only; load files with --data)"
UPDATE = "SPARQL Update is refused: kgtool queries are read-only"

DATA = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix kgr: <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kgr:DeepSeek a kgo:Company ; rdfs:label "DeepSeek"@en, "ディープシーク"@ja ; kgo:competesWith kgr:OpenAI ;
    kgo:note "V3 training" .
kgr:OpenAI a kgo:Company ; rdfs:label "OpenAI"@en, "オープンAI"@ja ; kgo:note "GPT-4 training" .
"""
SEARCH = """\
#+ summary: Notes containing a text
#+ description: A string parameter.
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?thing ?note WHERE {
  ?thing kgo:note ?note .
  FILTER(CONTAINS(?note, ?_text))
}
ORDER BY ?thing
"""
RIVALS = """\
#+ summary: Rivals of an organisation
#+ description: An IRI parameter.
#+ kgtool: {params: {actor: {class: kgo:Company}}}
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?rival WHERE { ?_actor_iri kgo:competesWith ?rival }
ORDER BY ?rival
"""


@pytest.fixture()
def project(project_factory: Callable[..., Path]) -> Path:
    ontology = (
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kgo:Company rdfs:label "Company"@en .\n'
    )
    return project_factory(
        ontology={"kgtool.ttl": ontology},
        graph={"data.ttl": DATA},
        queries={"search.rq": SEARCH, "rivals.rq": RIVALS},
    )


run = invoke


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- UPDATE ----------------------------------------------------------------------------------------

UPDATES = {
    "insert-data": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "delete-data": "DELETE DATA { <https://w3id.org/kgtool/resource/DeepSeek> ?p ?o }",
    "delete-where": "DELETE WHERE { ?s ?p ?o }",
    "delete-insert": "PREFIX kgo: <https://w3id.org/kgtool/ontology#>\nDELETE { ?s ?p ?o } INSERT { ?s kgo:x 1 } WHERE { ?s ?p ?o }",
    "with": "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "drop-all": "DROP ALL",
    "drop-silent": "drop silent default",
    "clear": "CLEAR DEFAULT",
    "load": "LOAD <file:///etc/passwd>",
    "create": "CREATE GRAPH <urn:g>",
    "copy": "COPY DEFAULT TO <urn:g>",
    "move": "MOVE DEFAULT TO <urn:g>",
    "add": "ADD DEFAULT TO <urn:g>",
    "escaped": "\\u0044ROP ALL",
    "after-select": "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_update_attempts_are_refused_and_leave_files_unchanged(
    project: Path, tmp_path: Path, engine: str
) -> None:
    before = snapshot(project)
    for name, update in UPDATES.items():
        result = run("sparql", update, "--engine", engine, "--root", str(project))
        assert result.exit_code == 2, name
        assert result.stdout == ""
        message = "LOAD would read a document" if name == "load" else UPDATE
        assert result.stderr.startswith("Error: query:") and result.stderr.endswith(
            f": {message} {HINT}\n"
        ), (name, result.stderr)
        file = tmp_path / f"{name}.ru"
        file.write_text(update, encoding="utf-8")
        result = run("sparql", "-f", str(file), "--engine", engine, "--root", str(project))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: {file}:"), result.stderr
    assert snapshot(project) == before


def test_update_message_names_the_keyword_position() -> None:
    with pytest.raises(UnsafeQueryError) as caught:
        check_read_only("PREFIX ex: <urn:x:>\n  DELETE WHERE { ?s ?p ?o }")
    assert str(caught.value) == f"query:2:3: {UPDATE} {HINT}"


@pytest.mark.parametrize(
    "sparql",
    [
        'SELECT * WHERE { ?s ?p "DROP ALL; SERVICE <http://x/> {}" }',
        "PREFIX ex: <urn:x:>\nSELECT * WHERE { ?s ex:from ex:service }",
        "PREFIX : <urn:x:>\nSELECT * WHERE { ?s :FROM :LOAD }",
        "SELECT ?insert ?from WHERE { ?insert ?from <urn:x:delete> } # DELETE DATA",
        "SELECT * WHERE { ?s ?p '''multi\nline INSERT''' }",
    ],
)
def test_keywords_in_strings_names_and_comments_are_not_refused(sparql: str) -> None:
    check_read_only(sparql)


# --- SERVICE, FROM, LOAD: no connection is ever attempted -------------------------------------------------


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def accepted(server: socket.socket) -> int:
    """Connections waiting on the listener (each would be a request kgtool made)."""
    count = 0
    while select.select([server], [], [], 0.05)[0]:
        connection, _ = server.accept()
        connection.close()
        count += 1
    return count


def test_listener_sees_connections(listener: socket.socket) -> None:
    """The probe works: a real connection is counted."""
    socket.create_connection(listener.getsockname(), timeout=1).close()
    assert accepted(listener) == 1


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_and_from_make_no_connection(
    project: Path, listener: socket.socket, engine: str
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    cases = {
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}": "query:1:18: SERVICE would query a remote endpoint",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}": "query:1:18: SERVICE would query a remote endpoint",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}": "query:1:18: SERVICE would query a remote endpoint",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}": "query:1:10: FROM / FROM NAMED would read other documents",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}": "query:1:10: FROM / FROM NAMED would read other documents",
        f"ASK FROM <{url}> {{ ?s ?p ?o }}": "query:1:5: FROM / FROM NAMED would read other documents",
        "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/hostname> WHERE { ?s ?p ?o }": "query:1:24: FROM / FROM NAMED would read other documents",
        f"LOAD <{url}>": "query:1:1: LOAD would read a document",
    }
    for sparql, message in cases.items():
        result = run("sparql", sparql, "--engine", engine, "--root", str(project))
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"Error: {message} {HINT}\n",
        ), sparql
    assert accepted(listener) == 0


def test_saved_query_with_service_is_refused_before_loading(
    project: Path, listener: socket.socket
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    path = project / "queries" / "remote.rq"
    path.write_text(
        f"#+ summary: remote\n#+ description: refused\nSELECT * WHERE {{\n  SERVICE <{url}> {{ ?s ?p ?o }}\n}}\n",
        encoding="utf-8",
    )
    (project / "graph" / "broken.ttl").write_text(
        "this is not turtle", encoding="utf-8"
    )  # never loaded
    result = run("query", "remote", "--root", str(project))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}:4:3: SERVICE would query a remote endpoint {HINT}\n",
    )
    assert accepted(listener) == 0


# --- injection: hostile parameter values are bound as terms ---------------------------------------------------

HOSTILE = [
    "'",
    '"',
    '") || true || ("',
    '") } UNION { ?thing ?p ?note } #',
    "} ; DROP ALL ; {",
    'training" . ?thing ?p ?note . "',
    "line one\nline two",
    "nul\x00byte",
    "> <",
    "<https://w3id.org/kgtool/resource/DeepSeek>",
    "\\",
    "\\u0022) || (\\u0022",
]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_values_return_no_extra_rows(project: Path, engine: str, value: str) -> None:
    result = run(
        "query",
        "search",
        "-p",
        f"text={value}",
        "--engine",
        engine,
        "--root",
        str(project),
        "--format",
        "tsv",
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "?thing\t?note\n", "")


def test_string_parameter_still_matches_normally(project: Path) -> None:
    result = run("query", "search", "-p", "text=V3", "--root", str(project), "--format", "tsv")
    assert (
        result.stdout
        == '?thing\t?note\n<https://w3id.org/kgtool/resource/DeepSeek>\t"V3 training"\n'
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("value", [v for v in HOSTILE if not v.startswith("<https:")])
def test_hostile_iri_values_are_refused_in_one_line(project: Path, engine: str, value: str) -> None:
    result = run(
        "query", "rivals", "-p", f"actor={value}", "--engine", engine, "--root", str(project)
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: parameter 'actor': ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_bracketed_iri_value_is_an_iri(project: Path) -> None:
    result = run(
        "query",
        "rivals",
        "-p",
        "actor=<https://w3id.org/kgtool/resource/DeepSeek>",
        "--root",
        str(project),
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "?rival\n<https://w3id.org/kgtool/resource/OpenAI>\n",
    )


def test_hostile_iri_value_exact_messages(project: Path) -> None:
    cases = {
        "} ; DROP ALL ; {": "no entity is labelled '} ; DROP ALL ; {' among kgo:Company entities "
        "(hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)",
        "line one\nline two": "no entity is labelled 'line one\\nline two' among kgo:Company entities "
        "(hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)",
        "kgr:x> <y": "'kgr:x> <y' is not a valid IRI: Invalid IRI code point '>' (hint: check the spelling)",
        "https://w3id.org/kgtool/resource/DeepSeek> } ; DROP ALL": "'https://w3id.org/kgtool/resource/DeepSeek> } ; DROP ALL' "
        "is not a valid IRI: Invalid IRI code point '>' (hint: check the spelling)",
    }
    for value, message in cases.items():
        result = run("query", "rivals", "-p", f"actor={value}", "--root", str(project))
        assert (result.exit_code, result.stderr) == (2, f"Error: parameter 'actor': {message}\n")
