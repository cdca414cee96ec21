"""Everything the graph says about one entity: types, labels, relations, claims and their quotes.

:func:`describe` gathers it through the :class:`~kgtool.engines.Engine` interface (plain SPARQL,
so both engines give the same answer); :func:`format_description` renders it as text and
:meth:`Description.to_dict` as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from urllib.request import url2pathname

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
from kgtool.project import display_path
from kgtool.rdf.terms import bound, literal
from kgtool.tables import escape_controls

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
    """A predicate and the node at its other end (the object going out, the subject coming in).

    :param where: with ``describe(..., where=True)``, the files holding the statement, each as
        ``FILE:LINE`` (the line where the statement's subject block starts) or ``FILE``.
    """

    predicate: Node
    node: Node
    where: tuple[str, ...] = ()

    def to_dict(self, role: str) -> dict[str, Any]:
        found = {"predicate": self.predicate.to_dict(), role: self.node.to_dict()}
        return {**found, "where": list(self.where)} if self.where else found


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
    #: With ``where``: the files (and lines) where the claim's statements are.
    where: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        found = {
            **self.claim.to_dict(),
            "kinds": [kind.to_dict() for kind in self.kinds],
            "values": [value.to_dict("object") for value in self.values],
            "quotes": [quote.to_dict() for quote in self.quotes],
        }
        return {**found, "where": list(self.where)} if self.where else found


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
    #: With ``where``: the files (and lines) where the entity's own statements are.
    where: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; keys in the order of the text output (``where`` keys only when asked)."""
        found = {
            **self.entity.to_dict(),
            "types": [node.to_dict() for node in self.types],
            "labels": [node.to_dict() for node in self.labels],
            "aliases": [node.to_dict() for node in self.aliases],
            "outgoing": [relation.to_dict("object") for relation in self.outgoing],
            "incoming": [relation.to_dict("subject") for relation in self.incoming],
            "claims": [claim.to_dict() for claim in self.claims],
            "quotes": [quote.to_dict() for quote in self.quotes],
        }
        return {**found, "where": list(self.where)} if self.where else found


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


_GRAPHS_OUT = "SELECT ?predicate ?other ?g WHERE { GRAPH ?g { ?_node ?predicate ?other } }"
_GRAPHS_IN = "SELECT ?predicate ?other ?g WHERE { GRAPH ?g { ?other ?predicate ?_node } }"


def statement_lines(text: str, base: str) -> dict[tuple[str, ...], int]:
    """Lines of the top-level statements of Turtle (or N-Triples) ``text`` that need not parse:
    ``(subject, predicate, object) → line`` for IRI objects, ``(subject, predicate) → line``
    of the predicate's first use, ``(subject,) → line`` of the subject's first block.

    >>> lines = statement_lines("@prefix e: <http://e/> .\\ne:s e:p e:o ;\\n  a e:C ,\\n    e:D .", "http://e/")
    >>> lines[("http://e/s",)], lines[("http://e/s", "http://e/p")]
    (2, 2)
    >>> lines[("http://e/s", RDF_TYPE, "http://e/D")]
    4
    """
    from kgtool.rdf.turtle import ResolvedTokens

    found: dict[tuple[str, ...], int] = {}
    subject: str | None = None
    predicate: str | None = None
    expect = "subject"  # what the next token at depth 0 is: subject, predicate or object
    depth = 0
    for token, iri in ResolvedTokens(text, base):
        if token.text == "a" and expect == "predicate":
            iri = RDF_TYPE
        if depth == 0:
            if expect == "subject" and token.text not in (".", "{", "}"):
                subject = iri
                if iri is not None:
                    found.setdefault((iri,), token.line)
                expect = "predicate"
            elif expect == "predicate" and token.text not in (";", "[", "("):
                predicate = iri
                if subject is not None and iri is not None:
                    found.setdefault((subject, iri), token.line)
                expect = "object"
                continue
            elif expect == "object" and subject and predicate and iri is not None:
                found.setdefault((subject, predicate, iri), token.line)
        if token.text in ("[", "("):
            depth += 1
        elif token.text in ("]", ")"):
            depth = max(depth - 1, 0)
        elif depth == 0 and token.text == ";":
            expect = "predicate"
        elif depth == 0 and token.text in (".", "{", "}"):
            expect, subject, predicate = "subject", None, None
    return found


class Locator:
    """Where statements come from: each loaded file is its own named graph (its ``file:`` URI);
    the line is the statement's object (an IRI), else its predicate, else its subject's block."""

    def __init__(self, engine: Engine, root: Path | None) -> None:
        self.engine = engine
        self.root = root
        self.indexes: dict[str, dict[tuple[str, ...], int]] = {}

    def _place(self, graph: str, statement: tuple[Term, Term, Term]) -> str:
        import pyoxigraph

        if not graph.startswith("file:"):
            return graph  # not a local file (e.g. an endpoint's named graph)
        path = Path(url2pathname(urlparse(graph).path))
        shown = display_path(path, self.root)
        if graph not in self.indexes:
            try:
                text = path.read_text(encoding="utf-8")
                turtle = path.suffix.lower() in (".ttl", ".trig", ".nt", ".nq")
                self.indexes[graph] = statement_lines(text, graph) if turtle else {}
            except (OSError, UnicodeDecodeError):
                self.indexes[graph] = {}
        iris = [t.value if isinstance(t, pyoxigraph.NamedNode) else "" for t in statement]
        lines = self.indexes[graph]
        for key in (tuple(iris), tuple(iris[:2]), tuple(iris[:1])):
            if key in lines:
                return f"{shown}:{lines[key]}"
        return shown

    def statements(
        self, node: Term, incoming: bool = False
    ) -> dict[tuple[str, str], tuple[str, ...]]:
        """``(predicate IRI, other end as N-Triples) → places`` for the statements of ``node``."""
        found: dict[tuple[str, str], set[str]] = {}
        rows = self.engine.query(_GRAPHS_IN if incoming else _GRAPHS_OUT, {"_node": node}).rows
        for predicate, other, graph in rows:
            ends = (bound(other), node) if incoming else (node, bound(other))
            places = found.setdefault((bound(predicate).value, str(other)), set())
            places.add(self._place(bound(graph).value, (ends[0], bound(predicate), ends[1])))
        return {key: tuple(sorted(places)) for key, places in found.items()}

    def subject(self, node: Term) -> tuple[str, ...]:
        """Where ``node``'s blocks start, one place per file."""
        rows = self.engine.query(_GRAPHS_OUT, {"_node": node}).rows
        graphs = sorted({bound(row[2]).value for row in rows})
        return tuple(self._place(graph, (node, node, node)) for graph in graphs)


def _relations(
    labeller: Labeller,
    rows: Iterable[tuple[Term | None, ...]],
    hidden: set[str],
    where: dict[tuple[str, str], tuple[str, ...]] | None = None,
) -> tuple[Relation, ...]:
    """Relations from (predicate, node, inner predicate, inner object) rows.

    A blank node shows its own statements (the inner columns, bound only for blank nodes).
    ``where`` places each statement (see :meth:`Locator.statements`).
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
        places = (where or {}).get((bound(predicate).value, str(term)), ())
        relations.add(Relation(labeller.node(predicate), node, places))
    return tuple(sorted(relations, key=_sort_key))


def _quotes(engine: Engine, labeller: Labeller, node: Term) -> tuple[Quote, ...]:
    """The verbatim quotes of the passages ``node`` is derived from, by passage."""
    rows = engine.query(_QUOTES, {"_node": node}).rows
    labeller.fetch(row[0] for row in rows)
    quotes = {Quote(labeller.node(bound(passage)), bound(exact).value) for passage, exact in rows}
    return tuple(sorted(quotes, key=lambda q: (q.passage.value, q.text)))


def describe(
    engine: Engine, entity: str, lang: str = "en", *, where: bool = False, root: Path | None = None
) -> Description:
    """Describe the entity ``entity`` names (an IRI, a CURIE, or a label or alias in any language).

    :param engine: the engine over the project's data.
    :param entity: how the user names it, resolved by :func:`kgtool.entities.resolve_entity`.
    :param lang: ``en`` or ``ja``: the language of labels (falling back to the other one).
    :param where: also say which file and line each statement comes from (the entity's, each
        relation's and each claim's :attr:`Relation.where` and ``*_where`` fields), with paths
        relative to ``root``.
    :return: the entity's types, labels and aliases, outgoing and incoming relations (sorted by
        predicate, then node), its own quotes (when it is a claim), and the claims about it
        (``kgo:about``) with their verbatim quotes.
    :raises EntityNotFoundError: when nothing, or more than one entity, has that name.
    """
    import pyoxigraph

    from kgtool.entities import resolve_entity

    node = resolve_entity(engine, entity)
    labeller = Labeller(engine, lang)
    locator = Locator(engine, root) if where else None
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
        claim_where = locator.statements(claim) if locator else None
        values = _relations(
            labeller,
            engine.query(_OUTGOING, claim_bindings).rows,
            _HIDDEN | {_ABOUT, _DERIVED_FROM},
            claim_where,
        )
        claims.append(
            ClaimSummary(
                labeller.node(claim),
                tuple(sorted({labeller.node(k) for k in kinds}, key=lambda n: str(n.curie))),
                values,
                _quotes(engine, labeller, claim),
                locator.subject(claim) if locator else (),
            )
        )
    return Description(
        entity=labeller.node(node),
        types=tuple(types),
        labels=literals(RDFS_LABEL) + literals(SKOS_PREF_LABEL),
        aliases=literals(SKOS_ALT_LABEL),
        outgoing=_relations(labeller, own, _HIDDEN, locator.statements(node) if locator else None),
        incoming=_relations(
            labeller,
            engine.query(_INCOMING, bindings).rows,
            set(),
            locator.statements(node, incoming=True) if locator else None,
        ),
        claims=tuple(sorted(claims, key=lambda c: c.claim.value)),
        quotes=_quotes(engine, labeller, node),
        where=locator.subject(node) if locator else (),
    )


def _where(places: tuple[str, ...]) -> str:
    return f"  # {', '.join(places)}" if places else ""


def _language(node: Node) -> str:
    return f"{node.value} @{node.language}" if node.language else node.value


def format_description(description: Description) -> str:
    """The text form printed by ``kgtool describe`` (ends with a newline); control characters
    from the data are escaped (:func:`kgtool.tables.escape_controls`)."""
    entity = description.entity
    lines = [
        (f"{entity.label} ({entity.curie})" if entity.label else str(entity.curie))
        + _where(description.where)
    ]
    lines.append("  types:   " + (", ".join(t.text() for t in description.types) or "(none)"))
    lines.append("  labels:  " + (", ".join(_language(n) for n in description.labels) or "(none)"))
    if description.aliases:
        lines.append("  aliases: " + ", ".join(_language(n) for n in description.aliases))
    sections = (
        (
            "Outgoing",
            [
                f"  {r.predicate.short()} → {r.node.text()}{_where(r.where)}"
                for r in description.outgoing
            ],
        ),
        (
            "Incoming",
            [
                f"  {r.predicate.short()} ← {r.node.text()}{_where(r.where)}"
                for r in description.incoming
            ],
        ),
    )
    for title, rows in sections:
        lines += ["", f"{title} ({len(rows)}):", *(rows or ["  (none)"])]
    if description.quotes:
        lines += ["", f"Quotes ({len(description.quotes)}):"]
        lines += [f"  「{quote.text}」 ({quote.passage.curie})" for quote in description.quotes]
    lines += ["", f"Claims about it ({len(description.claims)}):"]
    for claim in description.claims:
        kinds = ", ".join(kind.short() for kind in claim.kinds)
        lines.append(
            f"  {claim.claim.text()}" + (f" [{kinds}]" if kinds else "") + _where(claim.where)
        )
        lines += [
            f"    {value.predicate.short()}: {value.node.text()}{_where(value.where)}"
            for value in claim.values
        ]
        lines += [f"    「{quote.text}」 ({quote.passage.curie})" for quote in claim.quotes]
    if not description.claims:
        lines.append("  (none)")
    return "".join(escape_controls(line) + "\n" for line in lines)
