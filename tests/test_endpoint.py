"""Remote SPARQL endpoints (--endpoint): the SPARQL 1.1 Protocol request, result parsing,
credentials from the environment, one-line errors, and the read-only / SERVICE rules.

A small fake endpoint (stdlib http.server on 127.0.0.1) records each request and answers what
the test asks; real servers (oxigraph serve, Virtuoso) are exercised by test_engines_agree.py.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.endpoint import (
    EndpointEngine,
    bind_for_endpoint,
    check_endpoint_url,
    credentials_header,
)
from kgtool.engines import EngineOptions, QueryKind, open_engine
from kgtool.errors import EngineError, UnsafeQueryError
from kgtool.project import find_project
from kgtool.sparql import check_read_only

SELECT_JSON = {
    "head": {"vars": ["s", "label", "n"]},
    "results": {
        "bindings": [
            {
                "s": {"type": "uri", "value": "https://w3id.org/kgtool/resource/DeepSeek"},
                "label": {"type": "literal", "value": "ディープシーク", "xml:lang": "ja"},
                "n": {
                    "type": "literal",
                    "value": "3",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                },
            },
            {"s": {"type": "bnode", "value": "nodeID://b10001"}},
        ]
    },
}


@dataclass
class Reply:
    status: int = 200
    content_type: str = "application/sparql-results+json"
    body: bytes = json.dumps(SELECT_JSON).encode()
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: str


class FakeEndpoint:
    """A SPARQL endpoint on 127.0.0.1 that answers ``reply`` and records every request."""

    def __init__(self) -> None:
        self.reply = Reply()
        self.requests: list[Seen] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                fake.requests.append(
                    Seen("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                reply = fake.reply
                time.sleep(reply.delay)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST  # noqa: N815 - SERVICE clients may GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # a client that timed out hung up
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeEndpoint]:
    endpoint = FakeEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture(autouse=True)
def fresh(fake: FakeEndpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.reply = Reply()
    fake.requests.clear()
    for name in ("KGTOOL_ENDPOINT_TOKEN", "KGTOOL_ENDPOINT_USER", "KGTOOL_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the request -------------------------------------------------------------------------------


def test_select_is_posted_directly_and_parsed_into_pyoxigraph_terms(fake: FakeEndpoint) -> None:
    result = EndpointEngine(fake.url).query(
        "SELECT ?s ?label ?n WHERE { ?s ?p ?_name }",
        {"_name": pyoxigraph.Literal('a "quoted" name', language="en")},
    )
    assert result.kind is QueryKind.SELECT
    assert result.variables == ("s", "label", "n")
    assert result.rows[0] == (
        pyoxigraph.NamedNode("https://w3id.org/kgtool/resource/DeepSeek"),
        pyoxigraph.Literal("ディープシーク", language="ja"),
        pyoxigraph.Literal(
            "3", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        ),
    )
    # Virtuoso's "nodeID://" blank-node labels are made valid
    assert isinstance(result.rows[1][0], pyoxigraph.BlankNode) and result.rows[1][1:] == (
        None,
        None,
    )
    [request] = fake.requests
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/sparql-query; charset=utf-8"
    assert request.headers["accept"].startswith("application/sparql-results+json")
    assert (
        request.body
        == 'SELECT ?s ?label ?n WHERE { VALUES (?_name) { ("a \\"quoted\\" name"@en) } ?s ?p ?_name }'
    )


def test_form_post_sends_an_urlencoded_query(fake: FakeEndpoint) -> None:
    EndpointEngine(fake.url + "?default-graph-uri=urn%3Ag", post="form").query(
        "SELECT * WHERE { ?s ?p 'é' }"
    )
    [request] = fake.requests
    assert request.path == "/sparql?default-graph-uri=urn%3Ag"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(request.body) == {"query": ["SELECT * WHERE { ?s ?p 'é' }"]}


def test_ask_and_construct(fake: FakeEndpoint) -> None:
    fake.reply = Reply(body=b'{"head": {}, "boolean": true}')
    assert EndpointEngine(fake.url).query("ASK { ?s ?p ?o }").boolean is True
    fake.reply = Reply(content_type="application/n-triples", body=b'<urn:a> <urn:p> "x"@en .\n')
    result = EndpointEngine(fake.url).query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert result.kind is QueryKind.GRAPH
    assert result.triples == (
        pyoxigraph.Triple(
            pyoxigraph.NamedNode("urn:a"),
            pyoxigraph.NamedNode("urn:p"),
            pyoxigraph.Literal("x", language="en"),
        ),
    )
    assert fake.requests[-1].headers["accept"].startswith("application/n-triples")


def test_bindings_reach_optional_groups(fake: FakeEndpoint) -> None:
    """Virtuoso evaluates OPTIONAL groups without the outer VALUES; the block is repeated there."""
    sparql = (
        "SELECT ?s ?l WHERE { ?s a ?_class_iri OPTIONAL { ?s <urn:label> ?l FILTER(LANG(?l) = ?__lang_lang) "
        "OPTIONAL { ?l <urn:x> ?__lang_lang } } { ?a ?b ?__lang_lang } UNION { OPTIONAL { ?c ?d ?__lang_lang } } "
        "VALUES ?z { 1 } }"
    )
    bound = bind_for_endpoint(
        sparql,
        {"__lang_lang": pyoxigraph.Literal("ja"), "_class_iri": pyoxigraph.NamedNode("urn:C")},
    )
    assert bound == (
        'SELECT ?s ?l WHERE { VALUES (?__lang_lang ?_class_iri) { ("ja" <urn:C>) } ?s a ?_class_iri OPTIONAL { '
        'VALUES (?__lang_lang) { ("ja") } ?s <urn:label> ?l FILTER(LANG(?l) = ?__lang_lang) '
        'OPTIONAL { VALUES (?__lang_lang) { ("ja") } ?l <urn:x> ?__lang_lang } } { ?a ?b ?__lang_lang } '
        "UNION { OPTIONAL { ?c ?d ?__lang_lang } } VALUES ?z { 1 } }"
    )
    assert bind_for_endpoint("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


# --- credentials ---------------------------------------------------------------------------------


ASK_TRUE = Reply(body=b'{"head": {}, "boolean": true}')


def test_token_from_the_environment(fake: FakeEndpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.reply = ASK_TRUE
    monkeypatch.setenv("KGTOOL_ENDPOINT_TOKEN", "s3cret")
    EndpointEngine(fake.url).query("ASK { ?s ?p ?o }")
    assert fake.requests[0].headers["authorization"] == "Bearer s3cret"


def test_user_and_password_from_the_environment(
    fake: FakeEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KGTOOL_ENDPOINT_USER", "ann")
    monkeypatch.setenv("KGTOOL_ENDPOINT_PASSWORD", "pw")
    fake.reply = ASK_TRUE
    EndpointEngine(fake.url).query("ASK { ?s ?p ?o }")
    assert fake.requests[0].headers["authorization"] == "Basic YW5uOnB3"


def test_no_credentials_no_header(fake: FakeEndpoint) -> None:
    fake.reply = ASK_TRUE
    EndpointEngine(fake.url).query("ASK { ?s ?p ?o }")
    assert "authorization" not in fake.requests[0].headers


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"KGTOOL_ENDPOINT_USER": "ann"},
            "KGTOOL_ENDPOINT_PASSWORD is not set (hint: set both KGTOOL_ENDPOINT_USER and KGTOOL_ENDPOINT_PASSWORD, or neither)",
        ),
        (
            {"KGTOOL_ENDPOINT_TOKEN": "t", "KGTOOL_ENDPOINT_PASSWORD": "pw"},
            "both KGTOOL_ENDPOINT_TOKEN and KGTOOL_ENDPOINT_USER/KGTOOL_ENDPOINT_PASSWORD are set (hint: set only one kind)",
        ),
    ],
)
def test_inconsistent_credentials(environ: dict[str, str], message: str) -> None:
    with pytest.raises(EngineError) as raised:
        credentials_header(environ)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "--endpoint file:///etc/passwd: not an http:// or https:// URL"),
        ("localhost:7878/query", "--endpoint localhost:7878/query: not an http:// or https:// URL"),
        (
            "http://ann:pw@example.org/sparql",
            "--endpoint: the URL must not hold credentials (they would show in process lists and logs)",
        ),
    ],
)
def test_bad_endpoint_urls(url: str, message: str) -> None:
    with pytest.raises(EngineError) as raised:
        check_endpoint_url(url)
    assert str(raised.value).startswith(message + " (hint: ")


# --- errors -------------------------------------------------------------------------------------


def test_http_error_shows_the_servers_first_line(fake: FakeEndpoint) -> None:
    fake.reply = Reply(
        status=400,
        content_type="text/plain",
        body=b"\nVirtuoso 37000 Error SP030: syntax error\n\nSPARQL query:\n...",
    )
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value) == (
        f"the SPARQL endpoint {fake.url} answered HTTP 400 Bad Request: Virtuoso 37000 Error SP030: syntax error "
        "(hint: the server rejected the query; check it is valid SPARQL 1.1 for this server)"
    )


def test_refusing_endpoint_asks_for_credentials(fake: FakeEndpoint) -> None:
    fake.reply = Reply(
        status=401,
        content_type="text/html",
        body=b"<html><body><h1>Unauthorized</h1></body></html>",
    )
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value) == (
        f"the SPARQL endpoint {fake.url} answered HTTP 401 Unauthorized: Unauthorized "
        "(hint: set KGTOOL_ENDPOINT_TOKEN, or KGTOOL_ENDPOINT_USER and KGTOOL_ENDPOINT_PASSWORD, in the environment)"
    )


def test_server_failure(fake: FakeEndpoint) -> None:
    fake.reply = Reply(status=503, content_type="text/plain", body=b"")
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value) == (
        f"the SPARQL endpoint {fake.url} answered HTTP 503 Service Unavailable "
        "(hint: the server failed; try again later or ask its operator)"
    )


def test_redirects_are_not_followed(fake: FakeEndpoint) -> None:
    fake.reply = Reply(
        status=302,
        content_type="text/plain",
        body=b"",
        headers={"Location": "http://elsewhere.example/sparql"},
    )
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value).endswith(
        "(hint: use the address it redirects to: --endpoint http://elsewhere.example/sparql)"
    )
    assert len(fake.requests) == 1


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    with pytest.raises(EngineError) as raised:
        EndpointEngine(url).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value) == (
        f"cannot reach the SPARQL endpoint {url}: connection refused (hint: check the URL and that the server is running)"
    )


def test_slow_endpoint_times_out(fake: FakeEndpoint) -> None:
    fake.reply = Reply(delay=1.0)
    started = time.monotonic()
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url, timeout=0.2).query("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - started < 0.9
    assert str(raised.value) == (
        f"the SPARQL endpoint {fake.url} did not answer within 0.2 s "
        "(hint: raise --timeout, or try again when the server is less busy)"
    )


def test_an_answer_that_is_not_a_sparql_result(fake: FakeEndpoint) -> None:
    fake.reply = Reply(content_type="text/html", body=b"<html>Welcome</html>")
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value).startswith(
        f"the SPARQL endpoint {fake.url} sent a result (text/html) kgtool cannot read: "
    )


# --- read-only and SERVICE ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sparql",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_unsafe_queries_are_refused_before_any_request(fake: FakeEndpoint, sparql: str) -> None:
    with pytest.raises(UnsafeQueryError):
        EndpointEngine(fake.url).query(sparql)
    assert fake.requests == []


def test_allow_service_opens_exactly_the_listed_endpoints(fake: FakeEndpoint) -> None:
    allowed = "http://example.org/sparql"
    engine = EndpointEngine(fake.url, allow_service=(allowed,))
    engine.query(f"SELECT * WHERE {{ SERVICE SILENT <{allowed}> {{ ?s ?p ?o }} }}")
    assert len(fake.requests) == 1
    for other in (
        "SERVICE <http://example.org/other> { ?s ?p ?o }",
        "SERVICE ?endpoint { ?s ?p ?o }",
    ):
        with pytest.raises(UnsafeQueryError, match="SERVICE would query a remote endpoint"):
            engine.query(f"SELECT * WHERE {{ {other} }}")


def test_check_read_only_allowlist() -> None:
    check_read_only("SELECT * { SERVICE <http://a/> { ?s ?p ?o } }", allow_service=["http://a/"])
    with pytest.raises(UnsafeQueryError) as raised:
        check_read_only(
            "SELECT * { SERVICE <http://a/> { ?s ?p ?o } SERVICE <http://b/> { ?s ?p ?o } }",
            ["http://a/"],
        )
    assert raised.value.column == 45
    with pytest.raises(UnsafeQueryError):  # an escaped keyword is no way around the list
        check_read_only("SELECT * { \\u0053ERVICE <http://b/> { ?s ?p ?o } }", ["http://a/"])


def test_allow_service_on_the_embedded_engine(fake: FakeEndpoint, tmp_path: Path) -> None:
    """With --allow-service, embedded Oxigraph's SERVICE reaches exactly that endpoint."""
    root = make_project(tmp_path)
    fake.reply = Reply(
        body=json.dumps(
            {
                "head": {"vars": ["o"]},
                "results": {"bindings": [{"o": {"type": "literal", "value": "remote"}}]},
            }
        ).encode()
    )
    result = CliRunner().invoke(
        cli,
        [
            "sparql",
            f"SELECT ?o WHERE {{ SERVICE <{fake.url}> {{ ?s ?p ?o }} }}",
            "--root",
            str(root),
            "--allow-service",
            fake.url,
            "--format",
            "tsv",
        ],
    )
    assert (result.exit_code, result.stdout) == (0, '?o\n"remote"\n')
    assert len(fake.requests) == 1


# --- through the CLI ------------------------------------------------------------------------------


def make_project(tmp_path: Path) -> Path:
    root = tmp_path / "kg"
    for part in ("ontology", "graph", "queries"):
        (root / part).mkdir(parents=True)
    (root / "ontology" / "kgtool.ttl").write_text("<urn:a> <urn:p> <urn:b> .\n")
    (root / "graph" / "a.ttl").write_text("<urn:a> <urn:p> <urn:c> .\n")
    (root / "queries" / "labels.rq").write_text(
        "#+ summary: Labels\n#+ description: Every label.\n"
        "SELECT ?s ?label ?n WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s\n"
    )
    return root


def test_cli_saved_query_on_an_endpoint(fake: FakeEndpoint, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = CliRunner().invoke(
        cli, ["query", "labels", "--root", str(root), "--endpoint", fake.url, "--format", "tsv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "?s\t?label\t?n",
        '<https://w3id.org/kgtool/resource/DeepSeek>\t"ディープシーク"@ja\t3',
    ]
    assert fake.requests[0].body.startswith("#+ summary: Labels")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--endpoint", "file:///etc/passwd"],
            "Error: --endpoint file:///etc/passwd: not an http:// or https:// URL (hint: give the SPARQL endpoint's address, e.g. http://localhost:7878/query)",
        ),
        (
            ["--endpoint", "http://127.0.0.1:1/q", "--engine", "rdflib"],
            "Error: --engine rdflib cannot be combined with --endpoint: the endpoint runs the query (hint: drop --engine, or drop --endpoint to query the local files)",
        ),
        (
            ["--endpoint", "http://127.0.0.1:1/q", "--store", "st"],
            "Error: --store cannot be combined with --endpoint (hint: use one of them)",
        ),
        (
            ["--endpoint", "http://127.0.0.1:1/q", "--data", "."],
            "Error: --data cannot be combined with --endpoint: kgtool does not upload files (hint: load the files into the endpoint's own store, or drop --endpoint)",
        ),
        (
            ["--allow-service", "ftp://x/"],
            "Error: --allow-service ftp://x/: not an http:// or https:// URL (hint: give the SPARQL endpoint's address, e.g. http://localhost:7878/query)",
        ),
    ],
)
def test_cli_endpoint_option_errors(tmp_path: Path, args: list[str], error: str) -> None:
    root = make_project(tmp_path)
    result = CliRunner().invoke(
        cli, ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--root", str(root), *args]
    )
    assert (result.exit_code, result.stderr) == (2, error + "\n")


def test_cli_unreachable_endpoint_is_one_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    result = CliRunner().invoke(
        cli, ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--root", str(root), "--endpoint", url]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: cannot reach the SPARQL endpoint {url}: connection refused (hint: check the URL and that the server is running)\n",
    )


def test_open_engine_gives_an_endpoint_engine(fake: FakeEndpoint, tmp_path: Path) -> None:
    engine = open_engine(
        find_project(make_project(tmp_path)),
        EngineOptions(endpoint=fake.url, timeout=5, endpoint_post="form"),
    )
    assert isinstance(engine, EndpointEngine)
    assert (engine.url, engine.timeout, engine.post) == (fake.url, 5, "form")
    assert fake.requests == []  # nothing is loaded or sent before a query


# --- limits and hostile servers (issue 10 appendix) ------------------------------------------------


class Trickler:
    """A server on 127.0.0.1 that answers with a byte every ``interval`` seconds, forever."""

    def __init__(self, interval: float) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/sparql"
        self.interval = interval
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n"
            for byte in head + b" " * 1000:
                if self.stop.wait(self.interval):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


def test_timeout_is_a_total_deadline_against_a_trickling_server() -> None:
    # Every read gets a byte well within the socket timeout; only a total deadline stops it.
    trickler = Trickler(interval=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(EngineError) as raised:
            EndpointEngine(trickler.url, timeout=1.0).query("SELECT * WHERE { ?s ?p ?o }")
        elapsed = time.monotonic() - started
    finally:
        trickler.close()
    assert elapsed < 1.6, f"took {elapsed:.1f} s"
    assert str(raised.value) == (
        f"the SPARQL endpoint {trickler.url} did not answer within 1 s "
        "(hint: raise --timeout, or try again when the server is less busy)"
    )


def test_an_answer_larger_than_the_cap_is_refused(fake: FakeEndpoint) -> None:
    fake.reply = Reply(body=b" " * (3 << 20))
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url, max_bytes=1 << 20).query("SELECT * WHERE { ?s ?p ?o }")
    assert str(raised.value) == (
        f"the SPARQL endpoint {fake.url} sent more than 1 MB "
        "(hint: add a LIMIT to the query, or raise --max-response-mb)"
    )


def test_max_response_mb_reaches_the_engine(fake: FakeEndpoint, tmp_path: Path) -> None:
    fake.reply = Reply(body=b" " * (2 << 20))
    result = CliRunner().invoke(
        cli,
        ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--root", str(make_project(tmp_path))]
        + ["--endpoint", fake.url, "--max-response-mb", "1"],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the SPARQL endpoint {fake.url} sent more than 1 MB "
        "(hint: add a LIMIT to the query, or raise --max-response-mb)\n"
    )


def test_error_bodies_cannot_drive_the_terminal(fake: FakeEndpoint) -> None:
    fake.reply = Reply(
        status=500, content_type="text/plain", body="\x1b]0;owned\x07\x1b[2Jboom\x9b31m".encode()
    )
    with pytest.raises(EngineError) as raised:
        EndpointEngine(fake.url).query("SELECT * WHERE { ?s ?p ?o }")
    message = str(raised.value)
    assert "\\x1b]0;owned\\x07\\x1b[2Jboom\\x9b31m" in message
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in message)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("service", ["garbage", "down"])
def test_allowed_service_that_fails_is_one_line(
    fake: FakeEndpoint, tmp_path: Path, engine: str, service: str
) -> None:
    fake.reply = Reply(body=b"garbage, not JSON")
    url = fake.url if service == "garbage" else f"http://127.0.0.1:{closed_port()}/sparql"
    result = CliRunner().invoke(
        cli,
        ["sparql", f"SELECT ?o WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"]
        + ["--root", str(make_project(tmp_path)), "--allow-service", url, "--engine", engine],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert result.stderr.endswith(
        "(hint: check that the --allow-service endpoint is up and answers SPARQL results)\n"
    )


def test_failed_service_frees_oxigraph_results_on_their_thread(tmp_path: Path) -> None:
    # An error carried from the worker thread once kept pyoxigraph's QuerySolutions alive in
    # its frames; dropped on the main thread, pyo3 printed "... is unsendable" at exit.
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kgtool",
            "sparql",
            f"SELECT ?o {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        ]
        + ["--root", str(make_project(tmp_path)), "--allow-service", url],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1, completed.stderr
