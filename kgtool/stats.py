"""How big the graph is: triples, entities per class, claims per kind, passages, sources, files.

Everything is counted with SPARQL through the :class:`~kgtool.engines.Engine` interface, so both
engines agree. Definitions:

- *triples*: distinct triples over all loaded files (a triple written in two files counts once);
- *entities*: IRIs with an ``rdf:type`` that are neither claims, passages nor ontology terms
  (classes, properties, the ontology itself), counted per asserted class (an entity with two
  types counts under both, once in the total);
- *claims*: instances of ``kgo:Claim`` or a subclass (scenarios included), per asserted class;
- *passages*: instances of ``kgo:Passage``;
- *sources*: documents passages are taken from (``oa:hasSource``) or whose text is registered
  (``kgo:localText``), with their number of passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgtool.entities import ENTITY_FILTER
from kgtool.namespaces import PREFIXES, shorten

if TYPE_CHECKING:
    from kgtool.engines import Engine

_PREFIXES = "".join(
    f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("kgo", "rdf", "rdfs", "owl", "oa", "skos")
)

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_ENTITIES = (
    _PREFIXES
    + "SELECT (COUNT(DISTINCT ?entity) AS ?n) WHERE { ?entity a ?class ."
    + ENTITY_FILTER
    + "}"
)
_ENTITIES_PER_CLASS = (
    _PREFIXES
    + "SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE { ?entity a ?class ."
    + ENTITY_FILTER
    + "} GROUP BY ?class"
)
_CLAIMS = (
    _PREFIXES
    + "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a/rdfs:subClassOf* kgo:Claim }"
)
_CLAIMS_PER_CLASS = (
    _PREFIXES
    + """
SELECT ?class (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a ?class . ?class rdfs:subClassOf* kgo:Claim }
GROUP BY ?class
"""
)
_PASSAGES = (
    _PREFIXES
    + "SELECT (COUNT(DISTINCT ?passage) AS ?n) WHERE { ?passage a/rdfs:subClassOf* kgo:Passage }"
)
_SOURCES = (
    _PREFIXES
    + """
SELECT ?source (COUNT(DISTINCT ?passage) AS ?n) WHERE {
  { ?passage oa:hasSource ?source } UNION { ?source kgo:localText ?text }
  FILTER(isIRI(?source))
}
GROUP BY ?source
"""
)


@dataclass(frozen=True)
class Count:
    """How many things a class (or a source) has, with the class's CURIE and label."""

    iri: str
    curie: str
    label: str | None
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "curie": self.curie, "label": self.label, "count": self.count}


@dataclass(frozen=True)
class Stats:
    """The numbers ``kgtool stats`` prints (see the module doc for what is counted).

    Per-class counts are sorted by count (largest first), then CURIE.
    """

    files: tuple[str, ...]
    triples: int
    entities: int
    entities_per_class: tuple[Count, ...]
    claims: int
    claims_per_class: tuple[Count, ...]
    passages: int
    sources: tuple[Count, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``sources`` counts are passages per source)."""
        return {
            "files": list(self.files),
            "triples": self.triples,
            "entities": self.entities,
            "entities_per_class": [c.to_dict() for c in self.entities_per_class],
            "claims": self.claims,
            "claims_per_class": [c.to_dict() for c in self.claims_per_class],
            "passages": self.passages,
            "sources": [c.to_dict() for c in self.sources],
        }


def _number(engine: Engine, sparql: str) -> int:
    rows = engine.query(sparql).rows
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


def _counts(engine: Engine, sparql: str, lang: str) -> tuple[Count, ...]:
    from kgtool.describe import Labeller

    rows = [
        (node, int(n.value))
        for node, n in engine.query(sparql).rows
        if node is not None and n is not None
    ]
    labeller = Labeller(engine, lang)
    labeller.fetch(node for node, _ in rows)
    counts = [
        Count(node.value, shorten(node.value), labeller.node(node).label, n) for node, n in rows
    ]
    return tuple(sorted(counts, key=lambda c: (-c.count, c.curie)))


def compute_stats(engine: Engine, files: Sequence[str] = (), lang: str = "en") -> Stats:
    """Count the graph behind ``engine``.

    :param engine: an engine over the loaded data.
    :param files: the files loaded (reported as they are given).
    :param lang: ``en`` or ``ja``: the language of class and source labels.
    :return: the :class:`Stats`.
    :raises EngineError: when the engine fails.

    >>> import pyoxigraph
    >>> from kgtool.engines import OxigraphEngine
    >>> from kgtool.namespaces import KGO
    >>> store = pyoxigraph.Store()
    >>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(KGO + "a"), pyoxigraph.NamedNode(KGO + "p"), pyoxigraph.Literal("x")))
    >>> compute_stats(OxigraphEngine(store)).triples
    1
    """
    return Stats(
        files=tuple(files),
        triples=_number(engine, _TRIPLES),
        entities=_number(engine, _ENTITIES),
        entities_per_class=_counts(engine, _ENTITIES_PER_CLASS, lang),
        claims=_number(engine, _CLAIMS),
        claims_per_class=_counts(engine, _CLAIMS_PER_CLASS, lang),
        passages=_number(engine, _PASSAGES),
        sources=_counts(engine, _SOURCES, lang),
    )


def format_stats(stats: Stats) -> str:
    """The text form printed by ``kgtool stats`` (ends with a newline)."""

    from kgtool.tables import align, escape_controls

    def table(counts: tuple[Count, ...]) -> list[str]:
        rows = [
            [str(c.count), escape_controls(c.curie), escape_controls(c.label or "")] for c in counts
        ]
        return ["  " + line for line in align(rows, right={0})]

    lines = [
        f"files:    {len(stats.files)}",
        *(f"  {name}" for name in stats.files),
        f"triples:  {stats.triples}",
        f"entities: {stats.entities}",
        *table(stats.entities_per_class),
        f"claims:   {stats.claims}",
        *table(stats.claims_per_class),
        f"passages: {stats.passages}",
        f"sources:  {len(stats.sources)} (passages per source)",
        *table(stats.sources),
    ]
    return "\n".join(lines) + "\n"
