"""Query engines behind one interface.

Results always use pyoxigraph's term types (:class:`pyoxigraph.NamedNode`, ``BlankNode``,
``Literal``) whatever engine produced them, so formatting, labels and tests do not care which
engine ran the query. Every engine refuses unsafe queries (see :mod:`kgtool.sparql`) before
running anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union

from kgtool.errors import EngineError, QueryError
from kgtool.graph import load_rdflib, load_store

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
    rows: tuple[tuple["Term | None", ...], ...] = ()
    boolean: bool | None = None
    triples: tuple["pyoxigraph.Triple", ...] = field(default=())


class Engine(Protocol):
    """What every engine offers. ``bindings`` map variable names (without ``?``) to terms."""

    name: str

    def query(self, sparql: str, bindings: Mapping[str, "Term"] | None = None) -> QueryResult: ...


def _check(sparql: str) -> None:
    from kgtool.sparql import check_read_only

    check_read_only(sparql)


def _syntax_error(error: SyntaxError) -> QueryError:
    return QueryError(f"SPARQL syntax error: {error}", hint="check the query text near that position")


@dataclass
class OxigraphEngine:
    """pyoxigraph, in memory (or over a store opened elsewhere). Fast to load and query."""

    store: "pyoxigraph.Store"
    name: str = "oxigraph"

    @classmethod
    def from_files(cls, files: Iterable[Path]) -> "OxigraphEngine":
        """Parse ``files`` into a new in-memory store. :raises DataError: on a bad file."""
        return cls(load_store(files))

    def query(self, sparql: str, bindings: Mapping[str, "Term"] | None = None) -> QueryResult:
        import pyoxigraph

        from kgtool.sparql import inline_bindings

        _check(sparql)
        try:
            result = self.store.query(inline_bindings(sparql, bindings or {}), use_default_graph_as_union=True)
        except SyntaxError as error:
            raise _syntax_error(error) from None
        except OSError as error:
            raise EngineError(f"the query failed: {error}") from None
        if isinstance(result, pyoxigraph.QueryBoolean):
            return QueryResult(QueryKind.ASK, boolean=bool(result))
        if isinstance(result, pyoxigraph.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows = tuple(tuple(solution[v] for v in variables) for solution in result)
            return QueryResult(QueryKind.SELECT, variables=variables, rows=rows)
        return QueryResult(QueryKind.GRAPH, triples=tuple(result))


def to_oxigraph(term: "rdflib.term.Node | None") -> "Term | None":
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


def to_rdflib(term: "Term") -> "rdflib.term.Node":
    """Convert a pyoxigraph term to rdflib (for binding parameters on the rdflib engine)."""
    import pyoxigraph
    import rdflib

    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


@dataclass
class RdflibEngine:
    """rdflib's in-memory engine: pure Python, slower, the reference implementation."""

    dataset: "rdflib.Dataset"
    name: str = "rdflib"

    @classmethod
    def from_files(cls, files: Iterable[Path]) -> "RdflibEngine":
        """Parse ``files`` into a new rdflib Dataset. :raises DataError: on a bad file."""
        return cls(load_rdflib(files))

    def query(self, sparql: str, bindings: Mapping[str, "Term"] | None = None) -> QueryResult:
        from pyparsing import ParseException

        _check(sparql)
        init = {name: to_rdflib(term) for name, term in (bindings or {}).items()}
        try:
            result = self.dataset.query(sparql, initBindings=init)
        except ParseException as error:
            raise QueryError(
                f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}",
                hint="check the query text near that position",
            ) from None
        if result.type == "ASK":
            return QueryResult(QueryKind.ASK, boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars)
            rows = tuple(tuple(to_oxigraph(row[i]) for i in range(len(variables))) for row in result)
            return QueryResult(QueryKind.SELECT, variables=variables, rows=rows)
        import pyoxigraph

        triples = tuple(pyoxigraph.Triple(*(to_oxigraph(t) for t in triple)) for triple in result.graph)
        return QueryResult(QueryKind.GRAPH, triples=triples)


ENGINE_NAMES = ("oxigraph", "rdflib")


@dataclass(frozen=True)
class EngineOptions:
    """How to run queries: which engine (``--engine``)."""

    engine: str = "oxigraph"


def open_engine(project: "Project", options: EngineOptions = EngineOptions()) -> Engine:
    """An engine over the project's data files (ontology, graph/ and ``--data``).

    :raises DataError: on a bad file. :raises EngineError: for an unknown engine name.
    """
    if options.engine == "oxigraph":
        return OxigraphEngine.from_files(project.data_files)
    if options.engine == "rdflib":
        return RdflibEngine.from_files(project.data_files)
    raise EngineError(f"unknown engine {options.engine!r}", hint="choose one of: " + ", ".join(ENGINE_NAMES))
