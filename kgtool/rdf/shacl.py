"""SHACL paths as text, the one way ``validate`` (findings) and ``new`` (stub notes) print them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kgtool.namespaces import SH, shorten

if TYPE_CHECKING:
    import rdflib


def path_text(graph: rdflib.Graph, path: Any, name: Callable[[str], str] = shorten) -> str:
    """A SHACL property path in SPARQL property-path syntax.

    ``kgo:amount/schema:value`` (sequence), ``^kgo:about`` (inverse), ``(kgo:a|kgo:b)``
    (alternatives), ``(kgo:p)*``, ``(kgo:p)+``, ``(kgo:p)?``; a node that is none of these is
    ``(a complex path)``.

    :param graph: the graph holding the path's blank nodes.
    :param name: how an IRI is written (default: :func:`kgtool.namespaces.shorten`).

    >>> import rdflib
    >>> g = rdflib.Graph().parse(format="turtle", data='''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kgo: <https://w3id.org/kgtool/ontology#> .
    ...   kgo:s sh:path ( [ sh:alternativePath ( kgo:a [ sh:inversePath kgo:b ] ) ] kgo:c ) .''')
    >>> path_text(g, g.value(rdflib.URIRef("https://w3id.org/kgtool/ontology#s"), rdflib.URIRef("http://www.w3.org/ns/shacl#path")))
    '(kgo:a|^kgo:b)/kgo:c'
    """
    import rdflib
    import rdflib.collection

    def text(node: Any) -> str:
        if isinstance(node, rdflib.URIRef):
            return name(str(node))
        if (inverse := graph.value(node, rdflib.URIRef(SH + "inversePath"))) is not None:
            return "^" + text(inverse)
        for key, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
            if (inner := graph.value(node, rdflib.URIRef(SH + key))) is not None:
                return f"({text(inner)}){mark}"
        if (alternatives := graph.value(node, rdflib.URIRef(SH + "alternativePath"))) is not None:
            members = rdflib.collection.Collection(graph, alternatives)
            return "(" + "|".join(text(p) for p in members) + ")"
        if graph.value(node, rdflib.RDF.first) is not None:
            return "/".join(text(p) for p in rdflib.collection.Collection(graph, node))
        return "(a complex path)"

    return text(path)


__all__ = ["path_text"]
