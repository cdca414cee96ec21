"""Naming entities the way users do: by IRI, CURIE or label in any language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgtool.errors import EntityNotFoundError
from kgtool.namespaces import PREFIXES, iri_from_text, shorten
from kgtool.tables import clip, listing

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.engines import Engine, Term

# Exact (case-insensitive) label matches, optionally among instances of a class and its subclasses.
# The label is bound as an RDF term (?_text), never pasted into the query.
_BY_LABEL = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity ?label WHERE {
  ?entity rdfs:label|skos:prefLabel|skos:altLabel ?matched .
  FILTER(LCASE(STR(?matched)) = LCASE(STR(?_text)))
  %CLASS%
  OPTIONAL { ?entity rdfs:label ?label FILTER(LANG(?label) = "en") }
}
ORDER BY STR(?entity)
"""
_CLASS_FILTER = "?entity a/rdfs:subClassOf* ?_class ."

_EXISTS = "ASK { { ?_entity ?p ?o } UNION { ?s ?p ?_entity } }"
_HAS_CLASS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { ?_entity a/rdfs:subClassOf* ?_class }
"""


def resolve_entity(engine: Engine, text: str, class_iri: str | None = None) -> pyoxigraph.NamedNode:
    """Find the one entity ``text`` names.

    ``text`` may be a full IRI (``https://…`` or ``<https://…>``), a CURIE with a known prefix
    (``kgr:DeepSeek``) or a label, alias or preferred label in any language (``DeepSeek``,
    ``ディープシーク``), matched case-insensitively. With ``class_iri`` only instances of that class
    (or its subclasses) count.

    :raises EntityNotFoundError: when nothing matches, or when a label matches several entities
        (the message lists the candidates as CURIEs).
    """
    import pyoxigraph

    text = text.strip()
    iri = iri_from_text(text)
    class_node = pyoxigraph.NamedNode(class_iri) if class_iri else None
    if iri is not None:
        try:
            node = pyoxigraph.NamedNode(iri)
        except ValueError as error:
            raise EntityNotFoundError(
                f"{clip(repr(text), 80)} is not a valid IRI: {error}", hint="check the spelling"
            ) from None
        if not engine.query(_EXISTS, {"_entity": node}).boolean:
            raise EntityNotFoundError(
                f"{shorten(iri)} does not occur in the graph", hint="check the spelling"
            )
        if (
            class_node
            and not engine.query(_HAS_CLASS, {"_entity": node, "_class": class_node}).boolean
        ):
            raise EntityNotFoundError(f"{shorten(iri)} is not a {shorten(class_node.value)}")
        return node

    bindings: dict[str, Term] = {"_text": pyoxigraph.Literal(text)}
    sparql = _BY_LABEL.replace("%CLASS%", _CLASS_FILTER if class_node else "")
    if class_node:
        bindings["_class"] = class_node
    rows = engine.query(sparql, bindings).rows
    # A labelled blank node is not an entity one can name again: only IRIs count.
    matches = list(
        dict.fromkeys(row[0] for row in rows if isinstance(row[0], pyoxigraph.NamedNode))
    )
    where = f" among {shorten(class_iri)} entities" if class_iri else ""
    if not matches:
        raise EntityNotFoundError(
            f"no entity is labelled {clip(repr(text), 80)}{where}",
            hint="give an IRI, a CURIE ("
            + ", ".join(f"{p}:" for p in list(PREFIXES)[:2])
            + ") or an exact label",
        )
    if len(matches) > 1:
        candidates = listing([shorten(m.value) for m in matches])
        raise EntityNotFoundError(
            f"{clip(repr(text), 80)} is ambiguous{where}: {candidates}",
            hint="use one of these CURIEs",
        )
    return matches[0]
