"""The rdflib engine: rdflib's in-memory SPARQL, and term conversion to and from pyoxigraph."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from kgtool.engines.base import (
    QueryResult,
    QueryStream,
    StoreObserver,
    column_order,
    failure_hint,
    stoppable_result,
)
from kgtool.errors import EngineError, KgtoolError, QueryError
from kgtool.rdf.convert import to_rdflib
from kgtool.rdf.load import load_rdflib
from kgtool.rdf.sparql import PreparedQuery, Term, prepare
from kgtool.stoppable import Stopped
from kgtool.tables import clip, escape_controls

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


@overload
def to_oxigraph(term: rdflib.term.Node) -> Term: ...


@overload
def to_oxigraph(term: None) -> None: ...


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


@dataclass
class RdflibEngine:
    """rdflib's in-memory engine: pure Python, slower, the reference implementation."""

    dataset: rdflib.Dataset
    name: str = "rdflib"
    #: Endpoints SERVICE may query (``--allow-service``); SERVICE is refused otherwise.
    allow_service: tuple[str, ...] = ()
    #: Seconds a query may spend evaluating (``--timeout``); ``None``: no limit.
    timeout: float | None = None

    @classmethod
    def from_files(
        cls, files: Iterable[Path], observer: StoreObserver | None = None
    ) -> RdflibEngine:
        """Parse ``files`` into a new rdflib Dataset; ``observer`` is told the bytes read.

        :raises DataError: on a bad file.
        """
        return cls(load_rdflib(files, observer.progress if observer else None))

    @classmethod
    def from_store(cls, store: pyoxigraph.Store) -> RdflibEngine:
        """A Dataset copied from ``store``, one rdflib graph per named graph."""
        import rdflib

        dataset = rdflib.Dataset(default_union=True)
        graphs: dict[str, rdflib.Graph] = {}
        # rdflib logs a traceback for each ill-typed literal; validation reports them itself.
        logger = logging.getLogger("rdflib.term")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        try:
            for quad in store:
                name = quad.graph_name.value
                if name not in graphs:
                    graphs[name] = dataset.graph(rdflib.URIRef(name))
                graphs[name].add(
                    (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                )
        finally:
            logger.setLevel(level)
        return cls(dataset)

    def quads(self) -> list[pyoxigraph.Quad]:
        """Every statement, with its named graph (the default graph for unnamed ones)."""
        import pyoxigraph

        quads = []
        for s, p, o, graph in self.dataset.quads((None, None, None, None)):
            name = getattr(graph, "identifier", graph)
            graph_term = (
                pyoxigraph.NamedNode(str(name)) if name is not None else pyoxigraph.DefaultGraph()
            )
            quads.append(pyoxigraph.Quad(*_statement(s, p, o), graph_term))
        return quads

    def query(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryResult:
        return self.stream(sparql, bindings).materialised()

    def stream(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryStream:
        prepared = prepare(sparql).allowing(self.allow_service)
        prepared.check_safe()
        init = {name: to_rdflib(term) for name, term in (bindings or {}).items()}
        return stoppable_result(lambda: self._evaluate(prepared, init), self.timeout)

    def _evaluate(
        self, prepared: PreparedQuery, init: Mapping[str, rdflib.term.Identifier]
    ) -> Iterator[object]:
        """The head, then the rows or triples (see :func:`~kgtool.engines.base.stoppable_result`).

        rdflib evaluates lazily, so every step that reads the result sits inside the ``try``.
        """
        import pyoxigraph
        from pyparsing import ParseException
        from rdflib.term import Variable

        try:
            result = self.dataset.query(
                prepared.text, initBindings=dict(init), base=prepared.base_iri
            )
            if result.type == "ASK":
                yield bool(result.askAnswer)
            elif result.type == "SELECT":
                variables = column_order(prepared, [str(v) for v in result.vars or ()])
                yield variables
                keys = [Variable(v) for v in variables]
                # Not ``for row in result``: rdflib's iterator skips solutions that bind no
                # variable (an aggregate over an empty group has one), and keeps every row it
                # read. Its lazy solutions, when it has them, stream; ``bindings`` is a list.
                solutions = getattr(result, "_genbindings", None) or result.bindings
                for binding in solutions:
                    yield tuple(to_oxigraph(binding.get(key)) for key in keys)
            else:
                yield None
                for triple in result.graph or ():
                    yield pyoxigraph.Triple(*_statement(*triple))
        except Stopped:
            raise
        except ParseException as error:
            raise QueryError(
                f"SPARQL syntax error: {' '.join(str(error.msg).split())}",
                path="query",
                line=error.lineno,
                column=error.col,
                hint="check the query text near that position",
            ) from None
        except KgtoolError:
            raise
        except re.error as error:  # rdflib compiles REGEX/REPLACE patterns as it meets them
            raise QueryError(
                f"invalid regular expression {clip(escape_controls(repr(error.pattern)), 80)}: {error.msg}",
                path="query",
                hint='escape special characters with \\\\ (e.g. "\\\\(")',
            ) from None
        except Exception as error:  # rdflib raises bare Exceptions, re.error, NotImplementedError…
            message = " ".join(str(error).split()) or type(error).__name__
            if prefix := message.partition("Unknown namespace prefix : ")[2]:
                raise QueryError(
                    f"SPARQL syntax error: prefix '{prefix}:' is not declared",
                    path="query",
                    hint=f"add 'PREFIX {prefix}: <…>' at the top of the query",
                ) from None
            raise EngineError(
                f"rdflib cannot evaluate this query: {clip(escape_controls(message))}",
                hint=failure_hint(prepared, "try --engine oxigraph"),
            ) from None


def _statement(
    subject: rdflib.term.Node, predicate: rdflib.term.Node, obj: rdflib.term.Node
) -> tuple[pyoxigraph.NamedNode | pyoxigraph.BlankNode, pyoxigraph.NamedNode, Term]:
    """An rdflib statement's terms in pyoxigraph's types, as a Triple or Quad takes them."""
    import pyoxigraph

    s, p = to_oxigraph(subject), to_oxigraph(predicate)
    if isinstance(s, pyoxigraph.Literal) or not isinstance(p, pyoxigraph.NamedNode):
        raise EngineError(f"not an RDF statement: {subject!r} {predicate!r} {obj!r}")
    return s, p, to_oxigraph(obj)
