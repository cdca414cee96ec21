"""pyoxigraph terms to rdflib terms: how the rdflib engine gets its data after one parse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kgtool.errors import DataError
from kgtool.namespaces import XSD

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal

_XSD_STRING = XSD + "string"


def to_rdflib(term: Term | pyoxigraph.Triple) -> rdflib.term.Identifier:
    """Convert a pyoxigraph term to rdflib.

    An ``xsd:string`` literal becomes a plain rdflib literal: RDF 1.1 says they are the same
    term, but rdflib compares ``Literal("x")`` and ``Literal("x", datatype=XSD.string)`` as
    different, so a bound string parameter would match nothing read from Turtle.
    """
    import pyoxigraph
    import rdflib

    if isinstance(term, pyoxigraph.Triple):
        # rdflib has no quoted triples (RDF 1.2 / RDF-star).
        raise DataError(
            "a quoted triple (RDF 1.2) cannot be given to rdflib", hint="use --engine oxigraph"
        )
    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def add_quads(
    dataset: rdflib.Dataset, quads: Iterable[pyoxigraph.Quad], graph: rdflib.Graph
) -> None:
    """Add parsed ``quads`` to ``dataset``: a named graph's to that graph, the others to ``graph``.

    Blank nodes keep pyoxigraph's identifiers, which are unique to each parse.
    """
    import pyoxigraph
    import rdflib

    graphs: dict[str, rdflib.Graph] = {}

    def context(
        name: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph,
    ) -> rdflib.Graph:
        if isinstance(name, pyoxigraph.DefaultGraph):
            return graph
        key = str(name)
        if key not in graphs:
            identifier = (
                rdflib.URIRef(name.value)
                if isinstance(name, pyoxigraph.NamedNode)
                else rdflib.BNode(name.value)
            )
            graphs[key] = dataset.graph(identifier)
        return graphs[key]

    dataset.addN(
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), context(q.graph_name))
        for q in quads
    )


__all__ = ["add_quads", "to_rdflib"]
