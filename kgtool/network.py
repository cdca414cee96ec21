"""The knowledge graph as a network: RDF projected onto a :class:`networkx.MultiDiGraph`.

Drawing every RDF triple gives a hairball; the projection keeps what a reader needs:

* **Nodes** are the entities of the story (IRIs). The ontology's own classes and properties,
  concept schemes and blank nodes are not nodes (``show_ontology=True`` draws the ontology).
* **Literal triples** become node attributes (labels in both languages, comments, values),
  never nodes.
* **rdf:type** becomes the node's ``classes``; its ``kind`` is the top class of the project's
  hierarchy (Actor, Technology, Measure …) and its ``group`` the class below that (Country,
  Company …, see :func:`assign_groups`), which the renderer uses for shape, colour and legend.
* **Claims** (``kgo:Claim`` and subclasses, scenarios included), their passages, selectors and
  scenario conditions are *folded*: each entity-to-entity edge carries the claims that are about
  both of its ends, with their verbatim quotes; each entity carries the claims about it. Values
  that only qualify claims (a modality, a metric) disappear with them. ``show_claims=True`` draws
  claims and passages as nodes instead.

The projection reads the data through the :class:`~kgtool.engines.Engine` interface with one
SPARQL query, so it gives the same network on every engine. Node and edge order is sorted, so
layouts and analytics computed from it are deterministic.

Node attributes: ``label_en``, ``label_ja`` (display labels; CURIE when missing), ``aliases``,
``classes`` (asserted class IRIs), ``types`` (classes with all superclasses), ``kind``, ``group``,
``lineage`` (classes from the kind down to the most specific one),
``comment_en``, ``comment_ja``, ``attributes`` (predicate CURIE → literal values), ``claims``
(claim records about the node), ``folded`` (True for claim and passage nodes).
Edge attributes (the key is the predicate IRI): ``predicate``, ``label_en``, ``label_ja``,
``claims`` (the claim records backing the edge) and ``quotes`` (their verbatim passages).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import EntityNotFoundError, QueryError
from kgtool.labels import LABEL_PREDICATES, LANGUAGES, choose_label
from kgtool.namespaces import (
    KGO,
    KGSH,
    OA,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SH,
    SKOS,
    SKOS_ALT_LABEL,
    shorten,
)

if TYPE_CHECKING:
    import networkx
    import pyoxigraph

    from kgtool.engines import Engine, QueryResult, Term


RDFS_SUBCLASS_OF = RDFS + "subClassOf"
RDFS_SUBPROPERTY_OF = RDFS + "subPropertyOf"
RDFS_COMMENT = RDFS + "comment"
SKOS_DEFINITION = SKOS + "definition"
OWL_CLASS = OWL + "Class"

KGO_CLAIM = KGO + "Claim"
KGO_ABOUT = KGO + "about"
PROV_WAS_DERIVED_FROM = PROV + "wasDerivedFrom"
OA_HAS_SELECTOR = OA + "hasSelector"
OA_HAS_SOURCE = OA + "hasSource"
OA_EXACT = OA + "exact"
OA_PREFIX = OA + "prefix"
OA_SUFFIX = OA + "suffix"
KGO_LOCAL_TEXT = KGO + "localText"
KGO_MODALITY = KGO + "modality"
KGO_TIME_NOTE = KGO + "timeNote"
OWL_SYMMETRIC = OWL + "SymmetricProperty"
#: Predicates that tie a document to who made it or what it shows: with documents (nodes that
#: have a local text, are quoted, or use these) they form the bibliographic cluster.
DOCUMENT_PREDICATES = frozenset(
    {
        "http://purl.org/dc/terms/creator",
        "http://purl.org/dc/terms/publisher",
        KGO + "sourceArticle",
        KGO + "depicts",
        KGO + "basedOnInformationFrom",
    }
)

#: Types whose instances are part of the ontology (or shapes), not of the story.
META_TYPES = frozenset(
    {
        OWL + "Class",
        RDFS + "Class",
        RDFS + "Datatype",
        RDF + "Property",
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        OWL + "SymmetricProperty",
        OWL + "TransitiveProperty",
        OWL + "FunctionalProperty",
        OWL + "InverseFunctionalProperty",
        OWL + "Ontology",
        OWL + "Restriction",
        SKOS + "ConceptScheme",
        SH + "NodeShape",
        SH + "PropertyShape",
    }
)
#: Predicates that relate ontology terms to each other.
SCHEMA_PREDICATES = frozenset(
    {
        RDFS_SUBCLASS_OF,
        RDFS_SUBPROPERTY_OF,
        RDFS + "domain",
        RDFS + "range",
        OWL + "equivalentClass",
        OWL + "equivalentProperty",
        OWL + "inverseOf",
        OWL + "disjointWith",
    }
)
#: Namespaces whose IRIs are vocabulary, never entities of the story.
VOCABULARY_NAMESPACES = (RDF, RDFS, OWL, PREFIXES["xsd"], SH, KGSH, KGO)
#: Predicates pointing outside the story (links, bookkeeping): kept as attributes, not edges.
LINK_PREDICATES = frozenset(
    {
        OWL + "sameAs",
        RDFS + "seeAlso",
        RDFS + "isDefinedBy",
        SKOS + "inScheme",
        SKOS + "topConceptOf",
        SKOS + "hasTopConcept",
        SKOS + "exactMatch",
        SKOS + "closeMatch",
        "https://schema.org/sameAs",
    }
)
#: Classes whose instances are folded into edges and tooltips unless ``show_claims``.
FOLDED_CLASSES = frozenset(
    {
        KGO_CLAIM,
        KGO + "Passage",
        KGO + "Caveat",
        KGO + "Condition",
        KGO + "Consequence",
        OA + "SpecificResource",
        OA + "TextQuoteSelector",
    }
)
#: Broad classes that say little about a node: another asserted class is preferred for its colour.
GENERIC_CLASSES = frozenset(
    {
        PROV + "Entity",
        PROV + "Agent",
        PROV + "Activity",
        OWL + "Thing",
        RDFS + "Resource",
        SKOS + "Concept",
    }
)
#: Key and predicate of the edges that stand for folded claims (see ``ProjectionOptions.claim_edges``).
CLAIM_EDGE = KGO_CLAIM
KGO_MAIN_SUBJECT = KGO + "mainSubject"
#: A legend group with this many nodes or more is split into its subclasses (see :func:`assign_groups`).
SPLIT_GROUP = 10
COMMENT_PREDICATES = (RDFS_COMMENT, SKOS_DEFINITION)

ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class ProjectionOptions:
    """What the projection keeps.

    :param show_claims: draw claims, passages and scenario parts as nodes instead of folding them.
    :param show_ontology: draw the ontology's classes and properties, with ``rdf:type`` and
        ``rdfs:subClassOf`` edges.
    :param claim_edges: when claims are folded, link a claim's main subject to each other entity
        the claim is about that no data edge already connects it to, with one edge (key
        :data:`CLAIM_EDGE`) carrying those claims — so an entity only claims mention is not left
        floating.
    :param text_root: the folder ``kgo:localText`` paths are relative to (a project's
        ``graph/``); the texts of quoted sources found inside it are kept in
        ``graph.graph["sources"]``. ``None`` reads no file.
    """

    show_claims: bool = False
    show_ontology: bool = False
    claim_edges: bool = True
    text_root: Path | None = None


@dataclass(frozen=True)
class PassageRecord:
    """A passage a claim derives from: its verbatim text, where it sits and in which source.

    ``exact``, ``prefix`` and ``suffix`` come from the passage's ``oa:TextQuoteSelector``;
    ``source`` is the ``oa:hasSource`` IRI (``""`` when none).
    """

    iri: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    source: str = ""


@dataclass(frozen=True)
class ClaimRecord:
    """A claim folded onto a node or an edge: what it is and the passages it comes from.

    ``quotes`` are the verbatim texts of ``passages`` (and of any ``oa:exact`` on the passage
    itself), without repeats.
    """

    iri: str
    kind_en: str
    kind_ja: str
    label_en: str
    label_ja: str
    stated_value: str = ""
    quotes: tuple[str, ...] = ()
    modality_en: str = ""
    modality_ja: str = ""
    time_en: str = ""
    time_ja: str = ""
    passages: tuple[PassageRecord, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (field order as declared)."""
        return {
            "iri": self.iri,
            "kind_en": self.kind_en,
            "kind_ja": self.kind_ja,
            "label_en": self.label_en,
            "label_ja": self.label_ja,
            "stated_value": self.stated_value,
            "quotes": list(self.quotes),
            "modality_en": self.modality_en,
            "modality_ja": self.modality_ja,
            "time_en": self.time_en,
            "time_ja": self.time_ja,
            "passages": [asdict(passage) for passage in self.passages],
        }


#: Coverage status of one sentence of a source text (see :func:`attach_coverage`).
SENTENCE_STATUSES = ("covered", "excluded", "uncovered")


@dataclass(frozen=True)
class SourceText:
    """The text of a source some passage of the network quotes, read from the project folder.

    ``sentences`` holds ``(start, end, status)`` character spans of the text with a status from
    :data:`SENTENCE_STATUSES`; empty until :func:`attach_coverage` fills it.
    """

    iri: str
    path: str
    text: str
    label_en: str
    label_ja: str
    sentences: tuple[tuple[int, int, str], ...] = ()


def _term_key(term: Term) -> str:
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    return term.value


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


@dataclass
class _Index:
    """Every triple of the data, indexed for the projection."""

    out: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    literals: dict[str, list[tuple[str, pyoxigraph.Literal]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    supers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    super_properties: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    predicates: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Term | None]]) -> _Index:
        import pyoxigraph

        index = cls()
        for s, p, o in rows:
            if s is None or p is None or o is None:
                continue
            subject, predicate = _term_key(s), p.value
            index.predicates.add(predicate)
            index.subjects.add(subject)
            if isinstance(o, pyoxigraph.Literal):
                index.literals[subject].append((predicate, o))
                continue
            obj = _term_key(o)
            index.objects.add(obj)
            index.out[subject].append((predicate, obj))
            if predicate == RDF_TYPE:
                index.types[subject].add(obj)
            elif predicate == RDFS_SUBCLASS_OF:
                index.supers[subject].add(obj)
            elif predicate == RDFS_SUBPROPERTY_OF:
                index.super_properties[subject].add(obj)
        for subject in index.out:
            index.out[subject].sort()
        for subject in index.literals:
            index.literals[subject].sort(
                key=lambda pair: (pair[0], pair[1].language or "", pair[1].value)
            )
        return index

    def ancestors(self, cls: str) -> frozenset[str]:
        """``cls`` with all its superclasses (cycles tolerated)."""
        if cls in self._ancestors:
            return self._ancestors[cls]
        seen: set[str] = set()
        stack = [cls]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(self.supers.get(current, ()))
        self._ancestors[cls] = frozenset(seen)
        return self._ancestors[cls]

    def all_types(self, node: str) -> frozenset[str]:
        """Every class of ``node``: asserted ones and their superclasses."""
        result: set[str] = set()
        for cls in self.types.get(node, ()):
            result |= self.ancestors(cls)
        return frozenset(result)

    def sub_properties_of(self, prop: str) -> frozenset[str]:
        """``prop`` and every property declared below it."""
        result = {prop}
        changed = True
        while changed:
            changed = False
            for sub, supers in self.super_properties.items():
                if sub not in result and supers & result:
                    result.add(sub)
                    changed = True
        return frozenset(result)

    def has_label(self, node: str) -> bool:
        """Whether the node has an rdfs:label or skos:prefLabel in English or Japanese."""
        return any(
            predicate in LABEL_PREDICATES and (literal.language or "").lower() in LANGUAGES
            for predicate, literal in self.literals.get(node, ())
        )

    def display_labels(self, node: str) -> tuple[str, str]:
        """English and Japanese labels by the one rule of :func:`kgtool.labels.choose_label`
        (each falling back to the other, then any label), else the CURIE."""
        candidates = [
            (predicate, literal.language, literal.value)
            for predicate, literal in self.literals.get(node, ())
            if predicate in LABEL_PREDICATES
        ]
        fallback = shorten(node) if not node.startswith("_:") else node
        return (
            choose_label(candidates, "en") or fallback,
            choose_label(candidates, "ja") or fallback,
        )

    def texts(self, node: str, predicates: Iterable[str]) -> list[tuple[str, str]]:
        """(language, text) of the node's literals for ``predicates``."""
        wanted = set(predicates)
        return [
            (lit.language or "", lit.value) for p, lit in self.literals.get(node, ()) if p in wanted
        ]


@dataclass
class _Projector:
    """Builds the network from an :class:`_Index`."""

    index: _Index
    options: ProjectionOptions

    def __post_init__(self) -> None:
        index = self.index
        meta = {
            t
            for t in {c for types in index.types.values() for c in types}
            if index.ancestors(t) & META_TYPES
        }
        self.classes: set[str] = (
            {c for types in index.types.values() for c in types}
            | set(index.supers)
            | {s for s, types in index.types.items() if types & {OWL_CLASS, RDFS + "Class"}}
        )
        self.vocabulary: set[str] = set(index.predicates) | self.classes
        for node, types in index.types.items():
            if types & meta or types & META_TYPES:
                self.vocabulary.add(node)
        for subject, pairs in index.out.items():
            for predicate, obj in pairs:
                if predicate in SCHEMA_PREDICATES:
                    self.vocabulary.update((subject, obj))
        self.about_predicates = index.sub_properties_of(KGO_ABOUT)
        self.claims = sorted(n for n in index.types if KGO_CLAIM in index.all_types(n))
        self.folded = {n for n in index.types if index.all_types(n) & FOLDED_CLASSES}
        self._claim_records: dict[str, ClaimRecord] = {}
        self.claim_links: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.referrers: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for subject, pairs in index.out.items():
            for predicate, obj in pairs:
                if predicate != RDF_TYPE:
                    self.referrers[obj].append((subject, predicate))

    # --- which resources are nodes -------------------------------------------------------

    def is_vocabulary(self, node: str) -> bool:
        return node in self.vocabulary or node.startswith(VOCABULARY_NAMESPACES)

    def is_drawable(self, node: str) -> bool:
        """Whether ``node`` may be a node of the network at all."""
        if node.startswith("_:"):
            return False
        if self.is_vocabulary(node) and not self.options.show_ontology:
            return False
        return self.options.show_claims or node not in self.folded

    # --- node and claim descriptions ------------------------------------------------------

    def primary_class(self, node: str) -> str | None:
        """The node's most specific asserted class (ties broken by IRI)."""
        asserted = sorted(self.index.types.get(node, ()))
        if not asserted:
            return None
        specific = [c for c in asserted if c not in GENERIC_CLASSES] or asserted
        depth = max(len(self.index.ancestors(c)) for c in specific)
        return min(c for c in specific if len(self.index.ancestors(c)) == depth)

    def kind_and_group(self, node: str) -> tuple[str, str]:
        """(kind, group) class IRIs of a node: the top of its primary class's hierarchy within the
        class's namespace (e.g. kgo:Actor), and the class one level below it (e.g. kgo:Organization).
        ``("", "")`` for an untyped node."""
        primary = self.primary_class(node)
        if primary is None:
            return "", ""
        namespace = _namespace(primary)
        chain = {c for c in self.index.ancestors(primary) if _namespace(c) == namespace}
        kind = min(c for c in chain if not (self.index.supers.get(c, set()) & (chain - {c})))
        children = sorted(c for c in chain if c != kind and kind in self.index.supers.get(c, set()))
        return kind, (children[0] if children else kind)

    def lineage(self, node: str) -> list[str]:
        """Classes from the node's kind down to its primary class, one level at a time."""
        primary = self.primary_class(node)
        if primary is None:
            return []
        kind, _ = self.kind_and_group(node)
        chain = [primary]
        while chain[-1] != kind:
            parents = sorted(
                c
                for c in self.index.supers.get(chain[-1], set())
                if kind in self.index.ancestors(c) and c not in chain
            )
            if not parents:
                break
            chain.append(parents[0])
        return list(reversed(chain))

    def claim_record(self, claim: str) -> ClaimRecord:
        """The claim's kind, labels, stated value, modality, time note and passages (cached)."""
        if claim in self._claim_records:
            return self._claim_records[claim]
        index = self.index
        primary = self.primary_class(claim) or KGO_CLAIM
        kind_en, kind_ja = index.display_labels(primary)
        label_en, label_ja = index.display_labels(claim)
        stated = "; ".join(text for _, text in index.texts(claim, [KGO + "statedValue"]))
        modality = [o for p, o in index.out.get(claim, ()) if p == KGO_MODALITY]
        modality_en, modality_ja = index.display_labels(modality[0]) if modality else ("", "")
        times = index.texts(claim, [KGO_TIME_NOTE])
        time_en = "; ".join(t for lang, t in times if lang != "ja")
        time_ja = "; ".join(t for lang, t in times if lang == "ja") or time_en
        quotes: list[str] = []
        passages: list[PassageRecord] = []
        for predicate, passage in index.out.get(claim, ()):
            if predicate != PROV_WAS_DERIVED_FROM:
                continue
            quotes.extend(text for _, text in index.texts(passage, [OA_EXACT]))
            sources = [o for p, o in index.out.get(passage, ()) if p == OA_HAS_SOURCE]
            for selector_predicate, selector in index.out.get(passage, ()):
                if selector_predicate != OA_HAS_SELECTOR:
                    continue
                for _, exact in index.texts(selector, [OA_EXACT]):
                    quotes.append(exact)
                    passages.append(
                        PassageRecord(
                            passage,
                            exact,
                            "".join(t for _, t in index.texts(selector, [OA_PREFIX])),
                            "".join(t for _, t in index.texts(selector, [OA_SUFFIX])),
                            sources[0] if sources else "",
                        )
                    )
        record = ClaimRecord(
            claim,
            kind_en,
            kind_ja,
            label_en,
            label_ja,
            stated,
            tuple(dict.fromkeys(quotes)),
            modality_en if modality else "",
            modality_ja if modality else "",
            time_en,
            time_ja,
            tuple(passages),
        )
        self._claim_records[claim] = record
        return record

    def about(self, claim: str) -> set[str]:
        """Entities a claim is about (``kgo:about`` and its sub-properties)."""
        return {
            obj
            for predicate, obj in self.index.out.get(claim, ())
            if predicate in self.about_predicates
        }

    def attributes(self, node: str) -> dict[str, list[str]]:
        """Literal values by predicate CURIE (labels and comments excluded); blank-node values flattened."""
        skip = {*LABEL_PREDICATES, SKOS_ALT_LABEL, *COMMENT_PREDICATES}
        result: dict[str, list[str]] = defaultdict(list)
        for predicate, literal in self.index.literals.get(node, ()):
            if predicate not in skip:
                suffix = f"@{literal.language}" if literal.language else ""
                result[shorten(predicate)].append(literal.value + suffix)
        for predicate, obj in self.index.out.get(node, ()):
            if obj.startswith("_:") and predicate != RDF_TYPE:
                parts = [f"{shorten(p)} {lit.value}" for p, lit in self.index.literals.get(obj, ())]
                if parts:
                    result[shorten(predicate)].append("; ".join(parts))
            elif predicate in LINK_PREDICATES:
                result[shorten(predicate)].append(shorten(obj))
        return dict(result)

    def node_attributes(self, node: str) -> dict[str, Any]:
        index = self.index
        label_en, label_ja = index.display_labels(node)
        kind, group = self.kind_and_group(node)
        comments = dict(reversed(index.texts(node, COMMENT_PREDICATES)))
        return {
            "label_en": label_en,
            "label_ja": label_ja,
            "aliases": [text for _, text in index.texts(node, [SKOS_ALT_LABEL])],
            "classes": sorted(index.types.get(node, ())),
            "types": sorted(index.all_types(node)),
            "kind": kind,
            "group": group,
            "lineage": self.lineage(node),
            "comment_en": comments.get("en", comments.get("", "")),
            "comment_ja": comments.get("ja", ""),
            "attributes": self.attributes(node),
            "claims": [],
            "folded": node in self.folded,
        }

    def class_labels(self, iris: Iterable[str]) -> dict[str, dict[str, str]]:
        result = {}
        for iri in sorted(set(iris) - {""}):
            en, ja = self.index.display_labels(iri)
            if not self.index.has_label(iri):
                local = iri[len(_namespace(iri)) :] or iri
                en = ja = local
            result[iri] = {"label_en": en, "label_ja": ja}
        return result

    # --- building ------------------------------------------------------------------------

    def edge_candidates(self) -> list[tuple[str, str, str]]:
        """(subject, predicate, object) triples between resources, as the data states them."""
        show_ontology = self.options.show_ontology
        result = []
        for subject in sorted(self.index.out):
            for predicate, obj in self.index.out[subject]:
                if predicate in LINK_PREDICATES or (predicate == RDF_TYPE and not show_ontology):
                    continue
                result.append((subject, predicate, obj))
        return result

    def build(self, triples: Sequence[tuple[str, str, str]] | None = None) -> networkx.MultiDiGraph:
        """The network over ``triples`` (default: every triple of the data)."""
        import networkx

        if triples is not None:  # a query view draws exactly what the query returns
            edges = sorted(set(triples))
            nodes = {n for s, _, o in edges for n in (s, o)}
        else:
            edges = [
                (s, p, o)
                for s, p, o in self.edge_candidates()
                if self.is_drawable(s) and self.is_drawable(o)
            ]
            about = {e for claim in self.claims for e in self.about(claim)}
            nodes = {n for s, _, o in edges for n in (s, o)}
            nodes |= {
                n
                for n in self.index.subjects | about
                if self.is_drawable(n) and not self._only_qualifies(n)
            }
            if self.options.claim_edges and not self.options.show_claims:
                edges += self.claim_edge_triples(edges, nodes)
        graph = networkx.MultiDiGraph()
        claims_about: dict[str, list[str]] = defaultdict(list)
        for claim in self.claims:
            for entity in sorted(self.about(claim)):
                claims_about[entity].append(claim)
        for node in sorted(nodes):
            attributes = self.node_attributes(node)
            attributes["claims"] = [self.claim_record(c) for c in claims_about.get(node, ())]
            if node in self.folded and node in self.claims:
                attributes["quotes"] = list(self.claim_record(node).quotes)
            graph.add_node(node, **attributes)
        for subject, predicate, obj in edges:
            both = set(claims_about.get(subject, ())) & set(claims_about.get(obj, ()))
            records = [self.claim_record(c) for c in sorted(both)] if subject != obj else []
            if predicate == CLAIM_EDGE:
                records = [self.claim_record(c) for c in sorted(self.claim_links[(subject, obj)])]
                label_en, label_ja = _claim_edge_labels(records)
            elif ":" not in predicate:  # a relation name from a query's ?edge literal
                label_en = label_ja = predicate
            else:
                label_en, label_ja = self.index.display_labels(predicate)
            graph.add_edge(
                subject,
                obj,
                key=predicate,
                predicate=predicate,
                label_en=label_en,
                label_ja=label_ja,
                claims=records,
                quotes=list(dict.fromkeys(q for r in records for q in r.quotes)),
            )
        assign_groups(graph)
        used = {c for n in graph for c in (graph.nodes[n]["kind"], *graph.nodes[n]["lineage"])}
        graph.graph["classes"] = self.class_labels(
            used | {c for n in graph for c in graph.nodes[n]["classes"]} | set(self.class_kinds)
        )
        graph.graph["class_kinds"] = self.class_kinds
        graph.graph["symmetric"] = sorted(
            p for p, types in self.index.types.items() if OWL_SYMMETRIC in types
        )
        graph.graph["documents"] = self.documents(graph)
        graph.graph["sources"] = self.source_texts(graph)
        return graph

    @cached_property
    def class_kinds(self) -> dict[str, str]:
        """Every class of the data (ontology classes included) → its kind, the top of its
        hierarchy within its namespace. Drawings style nodes by this, so every view agrees."""
        result = {}
        for cls in sorted(self.classes):
            if cls.startswith("_:") or cls in META_TYPES or self.index.ancestors(cls) & META_TYPES:
                continue
            namespace = _namespace(cls)
            chain = {c for c in self.index.ancestors(cls) if _namespace(c) == namespace}
            result[cls] = min(
                c for c in chain if not (self.index.supers.get(c, set()) & (chain - {c}))
            )
        return result

    def documents(self, graph: networkx.MultiDiGraph) -> list[str]:
        """The bibliographic cluster of the network: documents (nodes with a local text, the
        source of a passage, or the subject of a :data:`DOCUMENT_PREDICATES` edge) and what they
        alone lead to (their makers, what a chart depicts and its parts) — hidden by the
        page's "story only" switch."""
        index = self.index
        quoted = {o for p in index.out.values() for q, o in p if q == OA_HAS_SOURCE}
        documents = {
            n
            for n in graph
            if n in quoted
            or any(p == KGO_LOCAL_TEXT for p, _ in index.literals.get(n, ()))
            or any(p in DOCUMENT_PREDICATES for p, _ in index.out.get(n, ()))
        }
        cluster, stack = set(documents), sorted(documents)
        while stack:
            node = stack.pop()
            for _, target, key in graph.out_edges(node, keys=True):
                if key != CLAIM_EDGE and target not in cluster:
                    cluster.add(target)
                    stack.append(target)
        # A node the story also points at (a data edge from outside the cluster) stays in it.
        changed = True
        while changed:
            changed = False
            for node in sorted(cluster - documents):
                if any(
                    key != CLAIM_EDGE and source not in cluster
                    for source, _, key in graph.in_edges(node, keys=True)
                ) or any(
                    key != CLAIM_EDGE and target not in cluster
                    for _, target, key in graph.out_edges(node, keys=True)
                ):
                    cluster.discard(node)
                    changed = True
        return sorted(cluster)

    def source_texts(self, graph: networkx.MultiDiGraph) -> dict[str, SourceText]:
        """The texts of the sources quoted in ``graph``, read from ``options.text_root`` only
        (a ``kgo:localText`` path leading outside that folder, or a missing or undecodable
        file, is skipped: ``kgtool check`` reports those)."""
        root = self.options.text_root
        if root is None:
            return {}
        root = Path(root).resolve()
        claims = set(self.claims)
        records = [r for n in graph for r in graph.nodes[n].get("claims", ())]
        records += [r for *_, data in graph.edges(data=True) for r in data.get("claims", ())]
        records += [self.claim_record(n) for n in graph if n in claims]  # --show-claims
        quoted = {passage.source for record in records for passage in record.passages}
        quoted |= {o for n in graph for p, o in self.index.out.get(n, ()) if p == OA_HAS_SOURCE}
        result = {}
        for source in sorted(quoted):
            for predicate, literal in self.index.literals.get(source, ()):
                if predicate != KGO_LOCAL_TEXT:
                    continue
                path = (root / literal.value).resolve()
                if not path.is_relative_to(root) or not path.is_file():
                    continue
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                label_en, label_ja = self.index.display_labels(source)
                result[source] = SourceText(source, literal.value, text, label_en, label_ja)
                break
        return result

    def claim_edge_triples(
        self, edges: list[tuple[str, str, str]], nodes: set[str]
    ) -> list[tuple[str, str, str]]:
        """Edges (subject, :data:`CLAIM_EDGE`, object) from each claim's main subject to the other
        entities it is about, where no data edge links the two; fills ``self.claim_links``."""
        linked = {frozenset((s, o)) for s, _, o in edges}
        self.claim_links = defaultdict(set)
        for claim in self.claims:
            about = sorted(e for e in self.about(claim) if e in nodes)
            main = sorted(
                o for p, o in self.index.out.get(claim, ()) if p == KGO_MAIN_SUBJECT and o in nodes
            )
            hub = main[0] if main else (about[0] if about else None)
            for other in about:
                if hub is not None and other != hub and frozenset((hub, other)) not in linked:
                    self.claim_links[(hub, other)].add(claim)
        return sorted((s, CLAIM_EDGE, o) for s, o in self.claim_links)

    def _only_qualifies(self, node: str) -> bool:
        """True when only folded nodes point at ``node``, never as what a claim is about, and the
        node itself points at nothing drawable: a modality, a metric, a likelihood level."""
        if self.options.show_claims:
            return False
        if any(
            not (o.startswith("_:") or self.is_vocabulary(o))
            for p, o in self.index.out.get(node, ())
            if p != RDF_TYPE
        ):
            return False
        referrers = self.referrers.get(node, [])
        return bool(referrers) and all(
            s in self.folded and p not in self.about_predicates for s, p in referrers
        )


def assign_groups(graph: networkx.MultiDiGraph) -> None:
    """Set each node's ``group`` (its colour and legend entry) and the graph's stable orders.

    A node's group is the class one level below its kind (Organization, Country …); a class
    holding :data:`SPLIT_GROUP` nodes or more is split one level further (Company, Government
    body …), so big groups stay informative. ``graph.graph["kinds"]`` lists kinds biggest first,
    ``graph.graph["groups"]`` lists groups kind by kind, biggest first: drawings of any part of
    this graph (a focus view, a filter) keep the same colours and shapes.
    """
    lineages = {
        n: list(graph.nodes[n].get("lineage") or [graph.nodes[n].get("kind", "")]) for n in graph
    }
    first = {n: lineage[1] if len(lineage) > 1 else lineage[0] for n, lineage in lineages.items()}
    sizes = Counter(first.values())
    for node in graph:
        lineage = lineages[node]
        graph.nodes[node]["group"] = (
            lineage[2] if sizes[first[node]] >= SPLIT_GROUP and len(lineage) > 2 else first[node]
        )
    kinds = Counter(graph.nodes[n].get("kind", "") for n in graph)
    kind_order = [k for k, _ in sorted(kinds.items(), key=lambda item: (-item[1], item[0]))]
    groups = Counter((graph.nodes[n].get("kind", ""), graph.nodes[n]["group"]) for n in graph)
    ordered = sorted(
        groups.items(), key=lambda item: (kind_order.index(item[0][0]), -item[1], item[0][1])
    )
    graph.graph["kinds"] = kind_order
    graph.graph["groups"] = list(dict.fromkeys(group for (_, group), _ in ordered))


def attach_coverage(
    graph: networkx.MultiDiGraph, coverage: Mapping[str, Sequence[tuple[int, int, str]]]
) -> None:
    """Record per-sentence coverage of the network's source texts, for the page's text pane
    (which marks uncovered sentences). ``coverage`` maps a source IRI to ``(start, end,
    status)`` spans in characters of its text; sources not in the network are ignored.

    :raises ValueError: for a status outside :data:`SENTENCE_STATUSES` or a span outside the text.
    """
    from dataclasses import replace

    # A new mapping, so copies of the graph (which share the old one) are left as they were.
    sources = dict(graph.graph.get("sources", {}))
    for iri, spans in coverage.items():
        if iri not in sources:
            continue
        length = len(sources[iri].text)
        for start, end, status in spans:
            if status not in SENTENCE_STATUSES or not 0 <= start <= end <= length:
                raise ValueError(f"bad coverage span {(start, end, status)!r} for {iri}")
        sources[iri] = replace(sources[iri], sentences=tuple(sorted(spans)))
    graph.graph["sources"] = sources


def _claim_edge_labels(records: list[ClaimRecord]) -> tuple[str, str]:
    """Edge labels for folded claims: what they are (their kinds), and how many when several.

    >>> r = ClaimRecord("urn:c", "Cost claim", "コストに関する主張", "", "")
    >>> _claim_edge_labels([r]), _claim_edge_labels([r, r])
    (('cost claim', 'コストに関する主張'), ('2 claims: cost claim', '主張2件:コストに関する主張'))
    """
    english = list(dict.fromkeys(r.kind_en[:1].lower() + r.kind_en[1:] for r in records))
    japanese = list(dict.fromkeys(r.kind_ja for r in records))
    if len(records) == 1:
        return english[0], japanese[0]
    return (
        f"{len(records)} claims: {', '.join(english)}",
        f"主張{len(records)}件:{'、'.join(japanese)}",
    )


def _projector(engine: Engine, options: ProjectionOptions) -> _Projector:
    return _Projector(_Index.from_rows(engine.query(ALL_TRIPLES).rows), options)


def project_graph(
    engine: Engine, options: ProjectionOptions = ProjectionOptions()
) -> networkx.MultiDiGraph:
    """Project the whole knowledge graph onto a network (see the module docstring).

    :param engine: any :class:`~kgtool.engines.Engine`; the data is read with one SELECT.
    :param options: whether to draw claims and the ontology as nodes.
    :returns: a MultiDiGraph whose nodes are IRIs and whose edge keys are predicate IRIs.
    :raises KgtoolError: when the engine fails.

    >>> from kgtool.engines import OxigraphEngine
    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.load(b'<urn:a> <urn:p> <urn:b> ; <urn:q> "x" .', format=pyoxigraph.RdfFormat.TURTLE)
    >>> graph = project_graph(OxigraphEngine(store))
    >>> sorted(graph.edges(keys=True)), graph.nodes["urn:a"]["attributes"]
    ([('urn:a', 'urn:b', 'urn:p')], {'<urn:q>': ['x']})
    """
    return _projector(engine, options).build()


def project_result(
    engine: Engine, result: QueryResult, options: ProjectionOptions = ProjectionOptions()
) -> networkx.MultiDiGraph:
    """Project a query result: the triples of a CONSTRUCT, or the rows of a SELECT that
    projects ``?source ?edge ?target``. Labels, classes and claims come from the whole data.

    :raises QueryError: when the result is neither (e.g. an ASK, or a SELECT without those columns).
    """
    import pyoxigraph

    from kgtool.engines import QueryKind

    triples: list[tuple[str, str, str]] = []
    projector = _projector(engine, options)
    if result.kind == QueryKind.GRAPH:
        rows: Iterable[Sequence[Any]] = [(t.subject, t.predicate, t.object) for t in result.triples]
    elif result.kind == QueryKind.SELECT and {"source", "edge", "target"} <= set(result.variables):
        positions = [result.variables.index(v) for v in ("source", "edge", "target")]
        rows = [tuple(row[i] for i in positions) for row in result.rows]
    else:
        raise QueryError(
            "this query cannot be drawn as a network",
            hint="draw a CONSTRUCT query, or a SELECT that projects ?source ?edge ?target",
        )
    for s, p, o in rows:
        if s is None or p is None or o is None:
            continue
        if isinstance(o, pyoxigraph.Literal) or isinstance(s, pyoxigraph.Literal):
            continue  # literal values are attributes, already read from the data
        if p.value == RDF_TYPE:
            continue
        # ?edge may be a literal (a relation name): it keys and labels the edge as it is.
        triples.append(
            (
                _term_key(s),
                p.value if isinstance(p, pyoxigraph.Literal) else _term_key(p),
                _term_key(o),
            )
        )
    return projector.build(triples)


def ego_graph(graph: networkx.MultiDiGraph, node: str, depth: int) -> networkx.MultiDiGraph:
    """The part of ``graph`` within ``depth`` hops of ``node``, edges followed both ways.

    :raises EntityNotFoundError: when ``node`` is not a node of the network (e.g. a claim,
        which is folded into edges).
    """
    import networkx

    if node not in graph:
        raise EntityNotFoundError(
            f"{shorten(node)} is not drawn in the network",
            hint="claims, passages and ontology terms are folded; pick an entity, or use --show-claims",
        )
    return induced_subgraph(graph, networkx.ego_graph(graph, node, radius=depth, undirected=True))


def filter_classes(graph: networkx.MultiDiGraph, classes: Iterable[str]) -> networkx.MultiDiGraph:
    """The subgraph of nodes that are instances of any of ``classes`` (subclasses included)."""
    wanted = set(classes)
    return induced_subgraph(graph, [n for n in graph if wanted & set(graph.nodes[n]["types"])])


def induced_subgraph(graph: networkx.MultiDiGraph, nodes: Iterable[Any]) -> networkx.MultiDiGraph:
    """A copy of ``graph`` restricted to ``nodes``, in the graph's own node and edge order.

    Not ``graph.subgraph(nodes).copy()``: networkx iterates a node set smaller than half the
    graph in set order, which changes with the hash seed, so the same data would give a
    different page on every run.
    """
    keep = set(nodes)
    sub = type(graph)()
    sub.graph.update(graph.graph)
    sub.add_nodes_from((n, data) for n, data in graph.nodes(data=True) if n in keep)
    sub.add_edges_from(
        (u, v, key, data)
        for u, v, key, data in graph.edges(keys=True, data=True)
        if u in keep and v in keep
    )
    return sub


def resolve_class(engine: Engine, text: str) -> str:
    """The class IRI ``text`` names (IRI, CURIE or label in any language).

    :raises EntityNotFoundError: when nothing matches or the match is not a class.
    """
    from kgtool.entities import resolve_entity

    try:
        return resolve_entity(engine, text, OWL_CLASS).value
    except EntityNotFoundError:
        pass
    iri = resolve_entity(engine, text).value
    import pyoxigraph

    is_class = engine.query(
        "ASK { { ?x a ?_class } UNION { ?_class <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?y } }",
        {"_class": pyoxigraph.NamedNode(iri)},
    ).boolean
    if not is_class:
        raise EntityNotFoundError(
            f"{shorten(iri)} is not a class", hint="give a class such as kgo:Company or 'Country'"
        )
    return iri
