"""Query engines behind one interface.

Results always use pyoxigraph's term types (:class:`pyoxigraph.NamedNode`, ``BlankNode``,
``Literal``) whatever engine produced them, so formatting, labels and tests do not care which
engine ran the query. Every engine refuses unsafe queries (see :mod:`kgtool.sparql`) before
running anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Union

from kgtool.errors import EngineError, QueryError
from kgtool.graph import load_rdflib, load_store
from kgtool.namespaces import XSD

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from kgtool.project import Project

    Term = Union[pyoxigraph.NamedNode, pyoxigraph.BlankNode, pyoxigraph.Literal]
else:
    Term = object


class QueryKind(str, Enum):
    """The result shape of a query."""

    SELECT = "select"
    ASK = "ask"
    GRAPH = "graph"  # CONSTRUCT and DESCRIBE


@dataclass(frozen=True)
class QueryResult:
    """A fully materialised query result.

    ``rows`` hold one tuple per solution, aligned with ``variables``; ``None`` marks an
    unbound variable. ``boolean`` is set for ASK, ``triples`` for CONSTRUCT/DESCRIBE.
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[pyoxigraph.Triple, ...] = field(default=())


class Engine(Protocol):
    """What every engine offers. ``bindings`` map variable names (without ``?``) to terms."""

    name: str

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult: ...


def _check(sparql: str, allow_service: tuple[str, ...] = ()) -> None:
    from kgtool.sparql import check_read_only

    check_read_only(sparql, allow_service)


_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")


def _syntax_error(error: SyntaxError, sparql: str = "") -> QueryError:
    """A one-line :class:`QueryError` at the line and column pyoxigraph reports.

    The path is ``query``; callers that know the file the query came from replace it.
    """
    text = " ".join(str(error).split())
    line = column = None
    hint = "check the query text near that position"
    if match := _OXIGRAPH_POSITION.match(text):
        line, column = int(match.group(1)), int(match.group(2))
        text = text[match.end() :]
    if "Prefix not found" in text:
        lines = sparql.split("\n")
        before = lines[line - 1][: column - 1] if line and line <= len(lines) and column else ""
        found = _PREFIXED_NAME_END.search(before)
        prefix = (found.group(1) or "") if found else "?"
        column = found.start() + 1 if found else column  # the start of the prefixed name
        text = f"prefix '{prefix}:' is not declared"
        hint = f"add 'PREFIX {prefix}: <…>' at the top of the query"
    return QueryError(
        f"SPARQL syntax error: {text}", path="query", line=line, column=column, hint=hint
    )


@dataclass
class OxigraphEngine:
    """pyoxigraph, in memory (or over a store opened elsewhere). Fast to load and query."""

    store: pyoxigraph.Store
    name: str = "oxigraph"
    #: Endpoints SERVICE may query (``--allow-service``); SERVICE is refused otherwise.
    allow_service: tuple[str, ...] = ()

    @classmethod
    def from_files(cls, files: Iterable[Path]) -> OxigraphEngine:
        """Parse ``files`` into a new in-memory store. :raises DataError: on a bad file."""
        return cls(load_store(files))

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        import pyoxigraph

        from kgtool.sparql import inline_bindings

        _check(sparql, self.allow_service)
        try:
            result = self.store.query(
                inline_bindings(sparql, bindings or {}), use_default_graph_as_union=True
            )
            # Solutions are computed lazily: read them here, so errors (e.g. from SERVICE) are caught.
            if isinstance(result, pyoxigraph.QueryBoolean):
                return QueryResult(QueryKind.ASK, boolean=bool(result))
            if isinstance(result, pyoxigraph.QuerySolutions):
                variables = tuple(v.value for v in result.variables)
                rows = tuple(tuple(solution[v] for v in variables) for solution in result)
                return QueryResult(QueryKind.SELECT, variables=variables, rows=rows)
            return QueryResult(QueryKind.GRAPH, triples=tuple(result))
        except SyntaxError as error:
            raise _syntax_error(error, sparql) from None
        except OSError as error:
            first_line = next(
                (line.strip() for line in str(error).splitlines() if line.strip()), ""
            )
            raise EngineError(f"the query failed: {first_line}") from None


def to_oxigraph(term: rdflib.term.Node | None) -> Term | None:
    """Convert an rdflib term to the pyoxigraph term used in results."""
    import pyoxigraph
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        datatype = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
        return pyoxigraph.Literal(str(term), datatype=datatype)
    raise EngineError(f"unsupported RDF term in a result: {term!r}")


_XSD_STRING = XSD + "string"


def to_rdflib(term: Term) -> rdflib.term.Node:
    """Convert a pyoxigraph term to rdflib.

    An ``xsd:string`` literal becomes a plain rdflib literal: RDF 1.1 says they are the same
    term, but rdflib compares ``Literal("x")`` and ``Literal("x", datatype=XSD.string)`` as
    different, so a bound string parameter would match nothing read from Turtle.
    """
    import pyoxigraph
    import rdflib

    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


@dataclass
class RdflibEngine:
    """rdflib's in-memory engine: pure Python, slower, the reference implementation."""

    dataset: rdflib.Dataset
    name: str = "rdflib"
    #: Endpoints SERVICE may query (``--allow-service``); SERVICE is refused otherwise.
    allow_service: tuple[str, ...] = ()

    @classmethod
    def from_files(cls, files: Iterable[Path]) -> RdflibEngine:
        """Parse ``files`` into a new rdflib Dataset. :raises DataError: on a bad file."""
        return cls(load_rdflib(files))

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        from pyparsing import ParseException

        _check(sparql, self.allow_service)
        init = {name: to_rdflib(term) for name, term in (bindings or {}).items()}
        try:
            result = self.dataset.query(sparql, initBindings=init)
        except ParseException as error:
            raise QueryError(
                f"SPARQL syntax error: {' '.join(str(error.msg).split())}",
                path="query",
                line=error.lineno,
                column=error.col,
                hint="check the query text near that position",
            ) from None
        except Exception as error:  # rdflib raises a bare Exception for an undeclared prefix
            prefix = str(error).partition("Unknown namespace prefix : ")[2]
            if not prefix:
                raise
            raise QueryError(
                f"SPARQL syntax error: prefix '{prefix}:' is not declared",
                path="query",
                hint=f"add 'PREFIX {prefix}: <…>' at the top of the query",
            ) from None
        if result.type == "ASK":
            return QueryResult(QueryKind.ASK, boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars)
            rows = tuple(
                tuple(to_oxigraph(row[i]) for i in range(len(variables))) for row in result
            )
            return QueryResult(QueryKind.SELECT, variables=variables, rows=rows)
        import pyoxigraph

        triples = tuple(
            pyoxigraph.Triple(*(to_oxigraph(t) for t in triple)) for triple in result.graph
        )
        return QueryResult(QueryKind.GRAPH, triples=triples)


#: Values of ``--engine``. ``auto`` is the remote endpoint when ``--endpoint`` is given, else Oxigraph.
ENGINE_NAMES = ("auto", "oxigraph", "rdflib")


@dataclass(frozen=True)
class EngineOptions:
    """How to run queries.

    :param engine: ``auto``, ``oxigraph`` or ``rdflib`` (``--engine``); ``auto`` means Oxigraph,
        or the remote endpoint when one is given.
    :param store: a folder for a persistent Oxigraph store (``--store``); ``None``: in memory.
    :param endpoint: a remote SPARQL endpoint URL (``--endpoint``); nothing is loaded locally.
    :param timeout: seconds a remote query may take (``--timeout``).
    :param allow_service: endpoint IRIs that SERVICE may query (``--allow-service``).
    :param endpoint_post: how a query is sent to the endpoint (``--endpoint-post``): ``direct``
        (``application/sparql-query``) or ``form`` (URL-encoded).
    :param observer: told about store builds and load progress (see :mod:`kgtool.store`).
    """

    engine: str = "auto"
    store: Path | None = None
    endpoint: str | None = None
    timeout: float = 30.0
    allow_service: tuple[str, ...] = ()
    endpoint_post: str = "direct"
    observer: Any = field(default=None, compare=False, repr=False)


def open_engine(project: Project, options: EngineOptions = EngineOptions()) -> Engine:
    """An engine over the project's data files (ontology, graph/ and ``--data``), or the endpoint.

    :raises DataError: on a bad file.
    :raises EngineError: for an unknown engine name, options that do not go together, an
        unusable store folder or endpoint URL.
    """
    if options.engine not in ENGINE_NAMES:
        raise EngineError(
            f"unknown engine {options.engine!r}", hint="choose one of: " + ", ".join(ENGINE_NAMES)
        )
    allow_service: tuple[str, ...] = ()
    if options.allow_service:
        from kgtool.endpoint import check_endpoint_url

        allow_service = tuple(
            check_endpoint_url(url, "--allow-service") for url in options.allow_service
        )
    if options.endpoint is not None:
        if options.engine != "auto":
            raise EngineError(
                f"--engine {options.engine} cannot be combined with --endpoint: the endpoint runs the query",
                hint="drop --engine, or drop --endpoint to query the local files",
            )
        if options.store is not None:
            raise EngineError("--store cannot be combined with --endpoint", hint="use one of them")
        if project.extra_data:
            raise EngineError(
                "--data cannot be combined with --endpoint: kgtool does not upload files",
                hint="load the files into the endpoint's own store, or drop --endpoint",
            )
        from kgtool.endpoint import EndpointEngine

        return EndpointEngine(
            options.endpoint,
            timeout=options.timeout,
            allow_service=allow_service,
            post=options.endpoint_post,
        )
    if options.store is not None:
        if options.engine == "rdflib":
            raise EngineError(
                "--store needs the oxigraph engine", hint="drop --engine rdflib, or drop --store"
            )
        from kgtool.store import open_store

        engine = open_store(options.store, project.data_files, options.observer)
        engine.allow_service = allow_service
        return engine
    if options.engine == "rdflib":
        return RdflibEngine(load_rdflib(project.data_files), allow_service=allow_service)
    return OxigraphEngine(load_store(project.data_files), allow_service=allow_service)
