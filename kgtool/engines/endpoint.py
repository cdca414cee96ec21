"""Running queries on a remote SPARQL 1.1 endpoint (``--endpoint URL``).

The query travels by the SPARQL 1.1 Protocol: ``POST`` with ``Content-Type:
application/sparql-query`` ("query via POST directly"), or, with ``--endpoint-post form``, as
a URL-encoded form (``query=…``; Virtuoso 7 never answers direct POSTs), asking for
``application/sparql-results+json`` (SELECT, ASK) or ``application/n-triples`` (CONSTRUCT,
DESCRIBE). The protocol has no way to bind variables, so parameters are written into the query
as a ``VALUES`` block (:func:`kgtool.rdf.sparql.inline_bindings`, canonical N-Triples terms; see
:func:`bind_for_endpoint` for OPTIONAL groups). The same read-only rules as the local engines
apply before anything is sent: no update, no FROM, and SERVICE only to the endpoints listed
with ``--allow-service``.

Credentials come only from the environment, never from the command line:
``KGTOOL_ENDPOINT_TOKEN`` (sent as ``Authorization: Bearer``) or ``KGTOOL_ENDPOINT_USER`` with
``KGTOOL_ENDPOINT_PASSWORD`` (HTTP Basic). Only the Python standard library (urllib) is used.
"""

from __future__ import annotations

import base64
import email.message
import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from kgtool.engines.base import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    QueryKind,
    QueryResult,
    QueryStream,
)
from kgtool.errors import EngineError, QueryError
from kgtool.rdf.sparql import PreparedQuery, Term, prepare, values_block, where_group
from kgtool.stoppable import DeadlineError, stoppable_call
from kgtool.tables import clip, escape_controls

if TYPE_CHECKING:
    import pyoxigraph


ENV_TOKEN = "KGTOOL_ENDPOINT_TOKEN"
ENV_USER = "KGTOOL_ENDPOINT_USER"
ENV_PASSWORD = "KGTOOL_ENDPOINT_PASSWORD"

#: How the query is sent: "direct" (``application/sparql-query``) or "form" (URL-encoded).
POST_METHODS = ("direct", "form")
SELECT_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
_CREDENTIALS_HINT = f"set {ENV_TOKEN}, or {ENV_USER} and {ENV_PASSWORD}, in the environment"
_TAG = re.compile(r"<[^>]*>")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: they would resend the query (and credentials) to another address."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: email.message.Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def check_endpoint_url(url: str, option: str = "--endpoint") -> str:
    """Validate an endpoint URL: ``http(s)://host[:port]/path``, without credentials in it.

    :raises EngineError: for another scheme, a missing host or a ``user:password@`` part.

    >>> check_endpoint_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    >>> check_endpoint_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    kgtool.errors.EngineError: --endpoint file:///etc/passwd: not an http:// or https:// URL (hint: ...)
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EngineError(
            f"{option} {url}: not an http:// or https:// URL",
            hint="give the SPARQL endpoint's address, e.g. http://localhost:7878/query",
        )
    if parts.username is not None or parts.password is not None:
        raise EngineError(
            f"{option}: the URL must not hold credentials (they would show in process lists and logs)",
            hint=_CREDENTIALS_HINT,
        )
    return url


def credentials_header(environ: Mapping[str, str]) -> str | None:
    """The ``Authorization`` header value from the environment, or ``None``.

    :raises EngineError: when the variables are set inconsistently.

    >>> credentials_header({"KGTOOL_ENDPOINT_USER": "ann", "KGTOOL_ENDPOINT_PASSWORD": "pw"})
    'Basic YW5uOnB3'
    >>> credentials_header({"KGTOOL_ENDPOINT_TOKEN": "abc"})
    'Bearer abc'
    """
    token = environ.get(ENV_TOKEN)
    user = environ.get(ENV_USER)
    password = environ.get(ENV_PASSWORD)
    if token and (user or password):
        raise EngineError(
            f"both {ENV_TOKEN} and {ENV_USER}/{ENV_PASSWORD} are set", hint="set only one kind"
        )
    if token:
        return f"Bearer {token}"
    if bool(user) != bool(password):
        missing = ENV_PASSWORD if user else ENV_USER
        raise EngineError(
            f"{missing} is not set", hint=f"set both {ENV_USER} and {ENV_PASSWORD}, or neither"
        )
    if user and password:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return None


def _first_line(body: bytes, content_type: str) -> str:
    """The server's first meaningful line of an error body: shortened, tags stripped, control
    characters escaped (a body could otherwise clear the terminal or set its title)."""
    text = body.decode("utf-8", errors="replace")
    if "html" in content_type:
        text = _TAG.sub(" ", text)
    for line in text.splitlines():
        line = escape_controls(" ".join(line.split()))
        if line:
            return clip(line)
    return ""


def bind_for_endpoint(sparql: str | PreparedQuery, bindings: Mapping[str, Term]) -> str:
    """Bind parameters into the query text for an endpoint (the protocol has no bindings).

    :func:`kgtool.rdf.sparql.inline_bindings` puts a ``VALUES`` block at the start of the WHERE
    group. The same block is then repeated at the start of each OPTIONAL group that uses a
    parameter, when that OPTIONAL sits directly in a group that already has the block (the WHERE
    group, or such an OPTIONAL group): Virtuoso 7 evaluates an OPTIONAL group without the outer
    bindings, so ``OPTIONAL { ?x rdfs:label ?l FILTER(LANG(?l) = ?_lang) }`` would never match.
    The answers are the same by the SPARQL semantics: every solution on the OPTIONAL's left side
    already binds the parameter to that one value, so inner solutions with another value could
    never join. Groups under UNION, MINUS, GRAPH, EXISTS or a sub-SELECT are left alone.

    :raises QueryError: when the query has no WHERE group to bind into.

    >>> import pyoxigraph
    >>> bind_for_endpoint("SELECT * { ?s ?p ?o OPTIONAL { ?s ?q ?l FILTER(?l = ?_x) } }", {"_x": pyoxigraph.Literal("a")})
    'SELECT * { VALUES (?_x) { ("a") } ?s ?p ?o OPTIONAL { VALUES (?_x) { ("a") } ?s ?q ?l FILTER(?l = ?_x) } }'
    """
    query = prepare(sparql)
    if not bindings:
        return query.text
    tokens = query.tokens
    top = where_group(query)
    names = list(bindings)
    partner: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind == "other" and token.text == "{":
            stack.append(index)
        elif token.kind == "other" and token.text == "}" and stack:
            partner[stack.pop()] = index
    insertions: list[tuple[int, list[str]]] = [(top, names)]

    def visit(start: int, end: int) -> None:
        index = start + 1
        while index < end:
            if index in partner:
                close = partner[index]
                before = tokens[index - 1]
                if before.kind == "name" and before.text.upper() == "OPTIONAL":
                    inside = {t.text[1:] for t in tokens[index:close] if t.kind == "variable"}
                    used = [name for name in names if name in inside]
                    if used:
                        insertions.append((index, used))
                        visit(index, close)
                index = close
            index += 1

    visit(top, partner.get(top, len(tokens)))
    text = query.text
    for index, used in sorted(insertions, reverse=True):
        offset = tokens[index].offset + 1
        text = text[:offset] + values_block(used, bindings) + text[offset:]
    return text


def _materialised(result: pyoxigraph.QueryBoolean | pyoxigraph.QuerySolutions) -> QueryResult:
    """Read a parsed result to the end (pyoxigraph parses rows lazily, so errors show up here)."""
    import pyoxigraph

    if isinstance(result, pyoxigraph.QueryBoolean):
        return QueryResult(QueryKind.ASK, boolean=bool(result))
    variables = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in result)
    return QueryResult(QueryKind.SELECT, variables=variables, rows=rows)


def _valid_blank_nodes(body: bytes) -> bytes:
    """SPARQL JSON results with every blank-node label made a valid N-Triples label.

    Virtuoso labels blank nodes ``nodeID://b1234``, which pyoxigraph rejects; the labels only
    matter within one result, so each becomes ``b`` + the hex of its UTF-8 bytes (distinct
    labels stay distinct).

    >>> _valid_blank_nodes(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"bnode","value":"a:b"}}]}}')
    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "bnode", "value": "b613a62"}}]}}'
    """
    data = json.loads(body)
    for solution in data.get("results", {}).get("bindings", []):
        for term in solution.values():
            if isinstance(term, dict) and term.get("type") == "bnode":
                term["value"] = "b" + str(term.get("value", "")).encode("utf-8").hex()
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@dataclass
class EndpointEngine:
    """A remote SPARQL 1.1 endpoint, queried over HTTP(S).

    :param url: the endpoint's query URL (a ``default-graph-uri`` in its query string is kept).
    :param timeout: seconds the whole request may take: sending, waiting and reading the answer.
    :param max_bytes: the largest answer read (:data:`DEFAULT_MAX_RESPONSE_BYTES`).
    :param allow_service: endpoint IRIs SERVICE may reach (``--allow-service``).
    :param post: ``direct`` (``application/sparql-query``) or ``form`` (URL-encoded ``query=``).
    :param environ: where credentials are read from (default: ``os.environ``).
    """

    url: str
    timeout: float = DEFAULT_TIMEOUT
    allow_service: tuple[str, ...] = ()
    post: str = "direct"
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    environ: Mapping[str, str] | None = field(default=None, repr=False)
    name: str = "endpoint"

    def __post_init__(self) -> None:
        check_endpoint_url(self.url)
        if self.post not in POST_METHODS:
            raise EngineError(
                f"unknown --endpoint-post {self.post!r}",
                hint="choose one of: " + ", ".join(POST_METHODS),
            )
        if not self.timeout > 0:
            raise EngineError(f"--timeout must be a positive number of seconds, not {self.timeout}")
        credentials_header(self.environ if self.environ is not None else os.environ)

    def quads(self) -> list[pyoxigraph.Quad]:
        """The triples of the endpoint's default graph (a CONSTRUCT), in the default graph."""
        import pyoxigraph

        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in result.triples]

    def stream(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryStream:
        """:meth:`query`'s result as a stream (the response is read whole, within the size cap)."""
        result = self.query(sparql, bindings)
        return QueryStream(
            result.kind, result.variables, iter(result.rows), result.boolean, result.triples
        )

    def query(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryResult:
        """Run a read-only query on the endpoint.

        :raises UnsafeQueryError: the query could write or reach other sources.
        :raises QueryError: the query has no query form, or parameters cannot be bound.
        :raises EngineError: the endpoint is unreachable, refuses, is too slow, or answers
            something that is not a SPARQL result.
        """
        prepared = prepare(sparql).allowing(self.allow_service)
        prepared.check_safe()
        text = bind_for_endpoint(prepared, bindings or {})
        if prepared.base_iri is not None:
            text = f"BASE <{prepared.base_iri}>\n{text}"
        form = prepared.form
        if form is None:
            raise QueryError(
                "not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)", path="query"
            )
        graph = form in ("CONSTRUCT", "DESCRIBE")
        body, content_type = self._post(text, GRAPH_ACCEPT if graph else SELECT_ACCEPT)
        if graph:
            return self._graph(body, content_type)
        return self._solutions(body, content_type, form)

    def _post(self, text: str, accept: str) -> tuple[bytes, str]:
        if self.post == "form":
            content_type, body = (
                "application/x-www-form-urlencoded",
                urllib.parse.urlencode({"query": text}),
            )
        else:
            content_type, body = "application/sparql-query; charset=utf-8", text
        headers = {"Content-Type": content_type, "Accept": accept, "User-Agent": "kgtool"}
        authorization = credentials_header(self.environ if self.environ is not None else os.environ)
        if authorization:
            headers["Authorization"] = authorization
        request = urllib.request.Request(
            self.url, data=body.encode("utf-8"), headers=headers, method="POST"
        )
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if urllib.parse.urlsplit(self.url).hostname in _LOOPBACK:
            handlers.append(
                urllib.request.ProxyHandler({})
            )  # a proxy cannot reach our own loopback
        opener = urllib.request.build_opener(*handlers)
        # The socket timeout bounds each read, not the whole answer: a server trickling a byte
        # every few seconds would never trip it. The request runs in a worker thread and the
        # wait for it is what --timeout bounds (and what Ctrl-C interrupts).
        try:
            return stoppable_call(
                lambda: self._exchange(opener, request),
                self.timeout,
                f"the SPARQL endpoint {self.url}",
            )
        except DeadlineError:
            raise self._slow() from None

    def _exchange(
        self, opener: urllib.request.OpenerDirector, request: urllib.request.Request
    ) -> tuple[bytes, str]:
        """Send the request and read the answer, at most :attr:`max_bytes` of it."""
        try:
            with opener.open(request, timeout=self.timeout) as response:
                content_type = response.headers.get("Content-Type", "")
                chunks = []
                size = 0
                # read1: whatever has arrived, instead of blocking until 64 KB are there.
                while chunk := response.read1(1 << 16):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self._too_large()
                    chunks.append(chunk)
                return b"".join(chunks), content_type
        except urllib.error.HTTPError as error:
            raise self._http_error(error) from None
        except TimeoutError:
            raise self._slow() from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise self._slow() from None
            reason = (
                error.reason.strerror
                if isinstance(error.reason, OSError) and error.reason.strerror
                else error.reason
            )
            raise EngineError(
                f"cannot reach the SPARQL endpoint {self.url}: {str(reason).lower()}",
                hint="check the URL and that the server is running",
            ) from None
        except (OSError, ValueError) as error:  # connection reset, bad status line
            raise EngineError(
                f"the SPARQL endpoint {self.url} failed: {clip(escape_controls(str(error)))}",
                hint="try again later",
            ) from None

    def _too_large(self) -> EngineError:
        return EngineError(
            f"the SPARQL endpoint {self.url} sent more than {self.max_bytes // (1 << 20)} MB",
            hint="add a LIMIT to the query, or raise --max-response-mb",
        )

    def _slow(self) -> EngineError:
        return EngineError(
            f"the SPARQL endpoint {self.url} did not answer within {self.timeout:g} s",
            hint="raise --timeout, or try again when the server is less busy",
        )

    def _http_error(self, error: urllib.error.HTTPError) -> EngineError:
        try:
            body = error.read(65536) or b""
        except OSError:
            body = b""
        first = _first_line(body, error.headers.get("Content-Type", "") if error.headers else "")
        status = f"HTTP {error.code} {error.reason}".rstrip()
        message = f"the SPARQL endpoint {self.url} answered {status}" + (
            f": {first}" if first else ""
        )
        if error.code in (401, 403):
            hint = _CREDENTIALS_HINT
        elif 300 <= error.code < 400:
            location = error.headers.get("Location", "") if error.headers else ""
            hint = (
                f"use the address it redirects to: --endpoint {location}"
                if location
                else "use the final address"
            )
        elif error.code == 404:
            hint = "check the endpoint URL (often ending in /sparql or /query)"
        elif 400 <= error.code < 500:
            hint = "the server rejected the query; check it is valid SPARQL 1.1 for this server"
        else:
            hint = "the server failed; try again later or ask its operator"
        return EngineError(message, hint=hint)

    def _unreadable(self, what: str, error: Exception) -> EngineError:
        detail = " ".join(str(error).split())
        return EngineError(
            f"the SPARQL endpoint {self.url} sent {what} kgtool cannot read: {detail}",
            hint="check that the URL is a SPARQL endpoint",
        )

    def _solutions(self, body: bytes, content_type: str, form: str) -> QueryResult:
        import pyoxigraph

        media = content_type.split(";")[0].strip().lower()
        xml = media.endswith("xml")
        results_format = (
            pyoxigraph.QueryResultsFormat.XML if xml else pyoxigraph.QueryResultsFormat.JSON
        )
        try:
            try:
                result = _materialised(pyoxigraph.parse_query_results(body, format=results_format))
            except SyntaxError:
                if xml:
                    raise
                result = _materialised(
                    pyoxigraph.parse_query_results(_valid_blank_nodes(body), format=results_format)
                )
            if result.kind is QueryKind.ASK and form != "ASK":
                raise ValueError("a boolean answer to a SELECT query")
            if result.kind is QueryKind.SELECT and form == "ASK":
                raise ValueError("solutions answering an ASK query")
        except (SyntaxError, ValueError, OSError) as error:
            raise self._unreadable(f"a result ({media or 'no content type'})", error) from None
        return result

    def _graph(self, body: bytes, content_type: str) -> QueryResult:
        import pyoxigraph

        media = content_type.split(";")[0].strip().lower()
        rdf_format = pyoxigraph.RdfFormat.N_TRIPLES if media in ("", "text/plain") else None
        try:
            rdf_format = rdf_format or pyoxigraph.RdfFormat.from_media_type(media)
            if rdf_format is None:
                raise ValueError(f"unsupported content type {media}")
            triples = tuple(quad.triple for quad in pyoxigraph.parse(body, format=rdf_format))
        except (SyntaxError, ValueError, OSError) as error:
            raise self._unreadable(f"a graph ({media or 'no content type'})", error) from None
        return QueryResult(QueryKind.GRAPH, triples=triples)


__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_USER",
    "EndpointEngine",
    "GRAPH_ACCEPT",
    "POST_METHODS",
    "SELECT_ACCEPT",
    "bind_for_endpoint",
    "check_endpoint_url",
    "credentials_header",
]
