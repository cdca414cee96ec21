"""Triples as Turtle with the project's prefixes: one way for ``export --format ttl`` and
``query --format turtle``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kgtool.namespaces import PREFIXES, shorten

if TYPE_CHECKING:
    import pyoxigraph


def used_prefixes(triples: Iterable[pyoxigraph.Triple]) -> dict[str, str]:
    """The known prefixes (:data:`kgtool.namespaces.PREFIXES`, in its order) that
    :func:`~kgtool.namespaces.shorten` writes for an IRI of ``triples``: a subject, predicate or
    object, or the datatype of a literal without a language tag (``rdf:langString`` is never
    written)."""
    import pyoxigraph

    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
            elif isinstance(term, pyoxigraph.Literal) and not term.language:
                iris.add(term.datatype.value)
    curies = (shorten(iri) for iri in iris)
    used = {curie.split(":", 1)[0] for curie in curies if not curie.startswith("<")}
    return {prefix: ns for prefix, ns in PREFIXES.items() if prefix in used}


def turtle_with_prefixes(triples: list[pyoxigraph.Triple]) -> str:
    """``triples`` as Turtle: ``@prefix`` lines in :data:`~kgtool.namespaces.PREFIXES` order
    (pyoxigraph's own order is not fixed), a blank line, then the statements as pyoxigraph
    writes them, in the order given (no blank line when no prefix is used). No triples give an
    empty text.

    >>> import pyoxigraph
    >>> a = pyoxigraph.NamedNode("https://w3id.org/kgtool/resource/A")
    >>> print(turtle_with_prefixes([pyoxigraph.Triple(a, a, pyoxigraph.Literal("x"))]), end="")
    @prefix kgr: <https://w3id.org/kgtool/resource/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <BLANKLINE>
    kgr:A kgr:A "x" .
    >>> e = pyoxigraph.NamedNode("http://example.org/e")
    >>> turtle_with_prefixes([pyoxigraph.Triple(e, e, e)])
    '<http://example.org/e> <http://example.org/e> <http://example.org/e> .\\n'
    """
    import pyoxigraph

    if not triples:
        return ""
    prefixes = used_prefixes(triples)
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None  # serialize returns bytes when given no output file
    text = data.decode("utf-8")
    statements = "\n".join(line for line in text.split("\n") if not line.startswith("@prefix "))
    header = "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in prefixes.items())
    return header + ("\n" if header else "") + statements.lstrip("\n")


__all__ = ["turtle_with_prefixes", "used_prefixes"]
