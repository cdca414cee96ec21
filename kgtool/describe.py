"""Everything the graph says about one entity: types, labels, relations, claims and their quotes.

:func:`describe` gathers it through the :class:`~kgtool.engines.Engine` interface (plain SPARQL,
so both engines give the same answer); :func:`format_description` renders it as text and
:meth:`Description.to_dict` as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgtool.labels import LANGUAGES as LANGUAGES  # re-export: describe.LANGUAGES was public
from kgtool.labels import choose_label, language_order
from kgtool.namespaces import (
    KGO,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT_LABEL,
    SKOS_PREF_LABEL,
    shorten,
)
from kgtool.rdf.terms import bound, literal
from kgtool.tables import escape_control

if TYPE_CHECKING:
    from kgtool.engines import Engine, Term

_HIDDEN = {RDF_TYPE, RDFS_LABEL, SKOS_PREF_LABEL, SKOS_ALT_LABEL}
_ABOUT = KGO + "about"
_DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"

_PREFIXES = f"""
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX kgo: <{KGO}>
PREFIX prov: <{PREFIXES["prov"]}>
PREFIX oa: <{PREFIXES["oa"]}>
"""
_OUTGOING = """
SELECT ?predicate ?object ?innerPredicate ?innerObject WHERE {
  ?_node ?predicate ?object .
  OPTIONAL { ?object ?innerPredicate ?innerObject FILTER(isBlank(?object)) }
}
"""
_INCOMING = (
    _PREFIXES
    + """
SELECT ?predicate ?subject ?innerPredicate ?innerObject WHERE {
  ?subject ?predicate ?_node .
  FILTER NOT EXISTS { ?subject kgo:about ?_node }
  OPTIONAL { ?subject ?innerPredicate ?innerObject FILTER(isBlank(?subject)) }
}
"""
)
_CLAIMS = _PREFIXES + "SELECT DISTINCT ?claim WHERE { ?claim kgo:about ?_node }"
_CLAIM_KINDS = (
    _PREFIXES
    + """
SELECT DISTINCT ?kind WHERE { ?_node a ?kind . ?kind rdfs:subClassOf* kgo:Claim }
"""
)
_QUOTES = (
    _PREFIXES
    + """
SELECT DISTINCT ?passage ?exact WHERE {
  ?_node prov:wasDerivedFrom ?passage .
  ?passage oa:hasSelector/oa:exact ?exact .
}
"""
)
_LABELS = """
SELECT ?node ?property ?label WHERE {
  VALUES ?node { %NODES% }
  VALUES ?property { <%LABEL%> <%PREF%> }
  ?node ?property ?label .
}
""".replace("%LABEL%", RDFS_LABEL).replace("%PREF%", SKOS_PREF_LABEL)


@dataclass(frozen=True)
class Node:
    """An IRI, literal or blank node as shown to the user.

    :param kind: ``iri``, ``literal`` or ``blank``.
    :param value: the IRI, the literal's lexical form, or the blank node id.
    :param curie: the IRI's CURIE (``<iri>`` when no prefix covers it); ``None`` otherwise.
    :param label: the IRI's label in the chosen language (falling back), else ``None``.
    :param language: a literal's language tag. :param datatype: a typed literal's datatype CURIE.
    :param properties: a blank node's own statements (e.g. an amount's value and currency).
    """

    kind: str
    value: str
    curie: str | None = None
    label: str | None = None
    language: str | None = None
    datatype: str | None = None
    properties: tuple[Relation, ...] = ()

    def text(self) -> str:
        """``Label (curie)`` for an IRI, the lexical form for a literal, ``[p v; …]`` for a blank node.

        >>> Node("iri", "https://w3id.org/kgtool/resource/China", "kgr:China", "China").text()
        'China (kgr:China)'
        >>> Node("literal", "USD").text()
        'USD'
        """
        if self.kind == "iri":
            return f"{self.label} ({self.curie})" if self.label else str(self.curie)
        if self.kind == "literal":
            return self.value
        inner = "; ".join(
            f"{'a' if relation.predicate.value == RDF_TYPE else relation.predicate.short()} {relation.node.short()}"
            for relation in self.properties
        )
        return f"[{inner}]"

    def short(self) -> str:
        """The label alone for an IRI (else its CURIE); like :meth:`text` otherwise."""
        if self.kind == "iri":
            return self.label or str(self.curie)
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """JSON form: IRIs ``{iri, curie, label}``, literals ``{value, language, datatype}``, blank nodes
        ``{properties}``."""
        if self.kind == "iri":
            return {"iri": self.value, "curie": self.curie, "label": self.label}
        if self.kind == "literal":
            return {"value": self.value, "language": self.language, "datatype": self.datatype}
        return {"properties": [relation.to_dict("object") for relation in self.properties]}


@dataclass(frozen=True)
class Relation:
    """A predicate and the node at its other end (the object going out, the subject coming in)."""

    predicate: Node
    node: Node

    def to_dict(self, role: str) -> dict[str, Any]:
        return {"predicate": self.predicate.to_dict(), role: self.node.to_dict()}


@dataclass(frozen=True)
class Quote:
    """A verbatim passage a claim is derived from."""

    passage: Node
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"passage": self.passage.to_dict(), "text": self.text}


@dataclass(frozen=True)
class ClaimSummary:
    """A claim about the entity: its kinds (claim classes), values (all other statements) and quotes."""

    claim: Node
    kinds: tuple[Node, ...]
    values: tuple[Relation, ...]
    quotes: tuple[Quote, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.claim.to_dict(),
            "kinds": [kind.to_dict() for kind in self.kinds],
            "values": [value.to_dict("object") for value in self.values],
            "quotes": [quote.to_dict() for quote in self.quotes],
        }


@dataclass(frozen=True)
class Description:
    """What the graph says about one entity (see :func:`describe`)."""

    entity: Node
    types: tuple[Node, ...]
    labels: tuple[Node, ...]
    aliases: tuple[Node, ...]
    outgoing: tuple[Relation, ...]
    incoming: tuple[Relation, ...]
    claims: tuple[ClaimSummary, ...]
    #: The entity's own verbatim sources, when it is itself derived from passages (a claim).
    quotes: tuple[Quote, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; keys in the order of the text output."""
        return {
            **self.entity.to_dict(),
            "types": [node.to_dict() for node in self.types],
            "labels": [node.to_dict() for node in self.labels],
            "aliases": [node.to_dict() for node in self.aliases],
            "outgoing": [relation.to_dict("object") for relation in self.outgoing],
            "incoming": [relation.to_dict("subject") for relation in self.incoming],
            "claims": [claim.to_dict() for claim in self.claims],
            "quotes": [quote.to_dict() for quote in self.quotes],
        }


class Labeller:
    """Labels IRIs by :func:`kgtool.labels.choose_label` (cached): ``lang``, then the other
    language, then any label; ``rdfs:label`` before ``skos:prefLabel``; then the smallest text."""

    def __init__(self, engine: Engine, lang: str) -> None:
        self.engine = engine
        self.lang = lang
        self.order = list(language_order(lang))
        self.cache: dict[str, str | None] = {}

    def fetch(self, terms: Iterable[Term | None]) -> None:
        """Look up the labels of all IRIs among ``terms`` in one query."""
        import pyoxigraph

        iris = sorted(
            {t.value for t in terms if isinstance(t, pyoxigraph.NamedNode)} - set(self.cache)
        )
        if not iris:
            return
        nodes = " ".join(str(pyoxigraph.NamedNode(iri)) for iri in iris)
        found: dict[str, list[tuple[str, str | None, str]]] = {iri: [] for iri in iris}
        for node, prop, label in self.engine.query(_LABELS.replace("%NODES%", nodes)).rows:
            text = literal(label)
            found[bound(node).value].append((bound(prop).value, text.language, text.value))
        for iri, candidates in found.items():
            self.cache[iri] = choose_label(candidates, self.lang)

    def node(self, term: Term) -> Node:
        """The :class:`Node` for a term, labelled."""
        import pyoxigraph

        if isinstance(term, pyoxigraph.NamedNode):
            self.fetch([term])
            return Node("iri", term.value, shorten(term.value), self.cache[term.value])
        if isinstance(term, pyoxigraph.Literal):
            datatype = None if term.language else shorten(term.datatype.value)
            return Node("literal", term.value, language=term.language, datatype=datatype)
        return Node("blank", "")


def _sort_key(relation: Relation) -> tuple[str, str, str]:
    return (str(relation.predicate.curie), relation.node.kind, relation.node.text())


def _relations(
    labeller: Labeller, rows: Iterable[tuple[Term | None, ...]], hidden: set[str]
) -> tuple[Relation, ...]:
    """Relations from (predicate, node, inner predicate, inner object) rows.

    A blank node shows its own statements (the inner columns, bound only for blank nodes).
    """
    rows = [row for row in rows if row[0] is not None and row[0].value not in hidden]
    labeller.fetch(term for row in rows for term in row)
    inner: dict[tuple[Any, Any], set[Relation]] = {}
    for predicate, term, inner_predicate, inner_object in rows:
        found = inner.setdefault((predicate, term), set())
        if inner_predicate is not None and inner_object is not None:
            found.add(Relation(labeller.node(inner_predicate), labeller.node(inner_object)))
    relations = set()
    for (predicate, term), properties in inner.items():
        node = labeller.node(term)
        if node.kind == "blank":
            node = Node("blank", "", properties=tuple(sorted(properties, key=_sort_key)))
        relations.add(Relation(labeller.node(predicate), node))
    return tuple(sorted(relations, key=_sort_key))


def _quotes(engine: Engine, labeller: Labeller, node: Term) -> tuple[Quote, ...]:
    """The verbatim quotes of the passages ``node`` is derived from, by passage."""
    rows = engine.query(_QUOTES, {"_node": node}).rows
    labeller.fetch(row[0] for row in rows)
    quotes = {Quote(labeller.node(bound(passage)), bound(exact).value) for passage, exact in rows}
    return tuple(sorted(quotes, key=lambda q: (q.passage.value, q.text)))


def describe(engine: Engine, entity: str, lang: str = "en") -> Description:
    """Describe the entity ``entity`` names (an IRI, a CURIE, or a label or alias in any language).

    :param engine: the engine over the project's data.
    :param entity: how the user names it, resolved by :func:`kgtool.entities.resolve_entity`.
    :param lang: ``en`` or ``ja``: the language of labels (falling back to the other one).
    :return: the entity's types, labels and aliases, outgoing and incoming relations (sorted by
        predicate, then node), its own quotes (when it is a claim), and the claims about it
        (``kgo:about``) with their verbatim quotes.
    :raises EntityNotFoundError: when nothing, or more than one entity, has that name.
    """
    import pyoxigraph

    from kgtool.entities import resolve_entity

    node = resolve_entity(engine, entity)
    labeller = Labeller(engine, lang)
    bindings = {"_node": node}
    own = engine.query(_OUTGOING, bindings).rows
    labeller.fetch([node] + [term for row in own for term in row])
    types = sorted(
        {labeller.node(bound(row[1])) for row in own if bound(row[0]).value == RDF_TYPE},
        key=lambda n: str(n.curie),
    )

    def literals(predicate: str) -> tuple[Node, ...]:
        found = {
            labeller.node(o)
            for p, o, *_ in own
            if bound(p).value == predicate and isinstance(o, pyoxigraph.Literal)
        }
        order = {language: index for index, language in enumerate(labeller.order)}
        return tuple(
            sorted(
                found, key=lambda n: (order.get(n.language or "", 99), n.language or "", n.value)
            )
        )

    claims = []
    for (row_claim,) in engine.query(_CLAIMS, bindings).rows:
        claim = bound(row_claim)
        claim_bindings = {"_node": claim}
        kinds = [bound(row[0]) for row in engine.query(_CLAIM_KINDS, claim_bindings).rows]
        labeller.fetch(kinds)
        values = _relations(
            labeller,
            engine.query(_OUTGOING, claim_bindings).rows,
            _HIDDEN | {_ABOUT, _DERIVED_FROM},
        )
        claims.append(
            ClaimSummary(
                labeller.node(claim),
                tuple(sorted({labeller.node(k) for k in kinds}, key=lambda n: str(n.curie))),
                values,
                _quotes(engine, labeller, claim),
            )
        )
    return Description(
        entity=labeller.node(node),
        types=tuple(types),
        labels=literals(RDFS_LABEL) + literals(SKOS_PREF_LABEL),
        aliases=literals(SKOS_ALT_LABEL),
        outgoing=_relations(labeller, own, _HIDDEN),
        incoming=_relations(labeller, engine.query(_INCOMING, bindings).rows, set()),
        claims=tuple(sorted(claims, key=lambda c: c.claim.value)),
        quotes=_quotes(engine, labeller, node),
    )


def _language(node: Node) -> str:
    return f"{node.value} @{node.language}" if node.language else node.value


def format_description(description: Description) -> str:
    """The text form printed by ``kgtool describe`` (ends with a newline); control characters
    from the data are escaped (:func:`kgtool.tables.escape_control`)."""
    entity = description.entity
    lines = [f"{entity.label} ({entity.curie})" if entity.label else str(entity.curie)]
    lines.append("  types:   " + (", ".join(t.text() for t in description.types) or "(none)"))
    lines.append("  labels:  " + (", ".join(_language(n) for n in description.labels) or "(none)"))
    if description.aliases:
        lines.append("  aliases: " + ", ".join(_language(n) for n in description.aliases))
    sections = (
        ("Outgoing", [f"  {r.predicate.short()} → {r.node.text()}" for r in description.outgoing]),
        ("Incoming", [f"  {r.predicate.short()} ← {r.node.text()}" for r in description.incoming]),
    )
    for title, rows in sections:
        lines += ["", f"{title} ({len(rows)}):", *(rows or ["  (none)"])]
    if description.quotes:
        lines += ["", f"Quotes ({len(description.quotes)}):"]
        lines += [f"  「{quote.text}」 ({quote.passage.curie})" for quote in description.quotes]
    lines += ["", f"Claims about it ({len(description.claims)}):"]
    for claim in description.claims:
        kinds = ", ".join(kind.short() for kind in claim.kinds)
        lines.append(f"  {claim.claim.text()}" + (f" [{kinds}]" if kinds else ""))
        lines += [f"    {value.predicate.short()}: {value.node.text()}" for value in claim.values]
        lines += [f"    「{quote.text}」 ({quote.passage.curie})" for quote in claim.quotes]
    if not description.claims:
        lines.append("  (none)")
    return "".join(escape_control(line) + "\n" for line in lines)
