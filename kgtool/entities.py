"""Naming entities the way users do: by IRI, CURIE or label in any language; finding them by
part of a label (``kgtool entities``) and suggesting the closest labels when a name is unknown."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kgtool.errors import EntityNotFoundError, ParameterError
from kgtool.labels import LABEL_PREDICATES, choose_label
from kgtool.namespaces import PREFIXES, RDF_TYPE, iri_from_text, shorten
from kgtool.tables import clip, escape_controls, listing

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

    text = checked_utf8(text, "the entity name").strip()
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
        close = closest_entities(engine, text, class_iri)
        hint = (
            # Labels are data: escaped, as the message reaches the terminal.
            "did you mean "
            + " or ".join(f"{escape_controls(e.label or '')} ({e.curie})" for e in close)
            + "?"
            if close
            else "give an IRI, a CURIE ("
            + ", ".join(f"{p}:" for p in list(PREFIXES)[:2])
            + ") or an exact label"
        )
        raise EntityNotFoundError(f"no entity is labelled {clip(repr(text), 80)}{where}", hint=hint)
    if len(matches) > 1:
        candidates = listing([shorten(m.value) for m in matches], MAX_SHOWN)
        raise EntityNotFoundError(
            f"{clip(repr(text), 80)} is ambiguous{where}: {candidates}",
            hint="use one of these CURIEs",
        )
    return matches[0]


#: At most this many candidates are named in a message (an ambiguous label may have thousands).
MAX_SHOWN = 10
#: Above this many labels, an unknown name gets no did-you-mean (see :func:`closest_entities`).
MAX_SUGGESTION_LABELS = 50_000
_LABEL_COUNT = f"""
SELECT (COUNT(*) AS ?n) WHERE {{
  ?entity <{LABEL_PREDICATES[0]}>|<{LABEL_PREDICATES[1]}>|<{PREFIXES["skos"]}altLabel> ?label
}}
"""


def checked_utf8(text: str, what: str) -> str:
    """``text`` unchanged when it is valid Unicode; Click hands over undecodable argument bytes
    as lone surrogates, which would fail deep inside an engine.

    >>> checked_utf8("ディープシーク", "the name")
    'ディープシーク'

    :raises ParameterError: naming the byte offset of the first invalid byte.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raw = text.encode("utf-8", "surrogateescape")
        offset = len(text[: error.start].encode("utf-8", "surrogateescape"))
        raise ParameterError(
            f"{what} is not valid UTF-8 (byte 0x{raw[offset]:02x} at byte offset {offset})",
            hint="pass the text in UTF-8 (check the terminal's or script's encoding)",
        ) from None
    return text


# Entities of the story, as kgtool stats counts and kgtool entities lists them: typed IRIs that
# are neither claims, passages, editorial notes (kgo:Caveat and their kinds, folded by the view
# too), vocabulary schemes nor ontology terms. The one place both read, so they agree.
ENTITY_FILTER = """
  FILTER(isIRI(?entity))
  MINUS { ?entity a ?claimClass . ?claimClass rdfs:subClassOf* kgo:Claim }
  MINUS { ?entity a ?passageClass . ?passageClass rdfs:subClassOf* kgo:Passage }
  MINUS { ?entity a ?note . VALUES ?note { kgo:Caveat kgo:CaveatKind skos:ConceptScheme } }
  MINUS {
    ?entity a ?meta .
    VALUES ?meta { owl:Class rdfs:Class rdf:Property owl:ObjectProperty owl:DatatypeProperty
                   owl:AnnotationProperty owl:Ontology rdfs:Datatype }
  }
"""
_LIST = (
    "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("kgo", "rdf", "rdfs", "owl", "skos"))
    + """
SELECT ?entity ?property ?label WHERE {
  %SELECT%
  OPTIONAL {
    VALUES ?property { rdf:type rdfs:label skos:prefLabel skos:altLabel }
    ?entity ?property ?label
  }
}
"""
)


@dataclass(frozen=True)
class EntityEntry:
    """An entity as listed by :func:`find_entities`.

    :param label: its label in the chosen language (falling back), else ``None``.
    :param labels: every label and alias as ``(language, text)``, sorted.
    :param classes: its asserted classes as CURIEs, sorted.
    :param matched: the label or alias that matched the search text (``None`` without one).
    """

    iri: str
    curie: str
    label: str | None
    labels: tuple[tuple[str, str], ...]
    classes: tuple[str, ...]
    matched: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: iri, curie, label, labels ``[{language, text}]``, classes, matched."""
        return {
            "iri": self.iri,
            "curie": self.curie,
            "label": self.label,
            "labels": [{"language": lang, "text": text} for lang, text in self.labels],
            "classes": list(self.classes),
            "matched": self.matched,
        }


def _fold(text: str) -> str:
    """Text as compared in searches: NFKC, case-folded, without spaces, hyphens or dots."""
    return re.sub(r"[\s\-_‐-―・.]", "", unicodedata.normalize("NFKC", text).casefold())


def _entries(engine: Engine, class_iri: str | None, lang: str, every: bool) -> list[EntityEntry]:
    """Labelled entities (instances of ``class_iri`` when given; else, unless ``every``, those
    :data:`ENTITY_FILTER` keeps), with their labels and classes."""
    import pyoxigraph

    if class_iri is not None:
        select = "?entity a/rdfs:subClassOf* ?_class . FILTER(isIRI(?entity))"
    elif every:
        select = "?entity ?anyLabel ?anyText . VALUES ?anyLabel { rdfs:label skos:prefLabel skos:altLabel } FILTER(isIRI(?entity))"
    else:
        select = "?entity a ?class ." + ENTITY_FILTER
    bindings = {"_class": pyoxigraph.NamedNode(class_iri)} if class_iri else None
    found: dict[str, tuple[list[tuple[str, str | None, str]], set[str]]] = {}
    for entity, prop, value in engine.query(_LIST.replace("%SELECT%", select), bindings).rows:
        if entity is None:
            continue
        labels, classes = found.setdefault(entity.value, ([], set()))
        if prop is None or value is None:
            continue
        if prop.value == RDF_TYPE:
            classes.add(shorten(value.value))
        elif isinstance(value, pyoxigraph.Literal):
            labels.append((prop.value, value.language, value.value))
    entries = []
    for iri, (labels, classes) in found.items():
        if not labels:
            continue  # nothing to show or search by
        label_rows = {(language or "", text) for prop, language, text in labels}
        entries.append(
            EntityEntry(
                iri,
                shorten(iri),
                choose_label([row for row in labels if row[0] in LABEL_PREDICATES], lang),
                tuple(sorted(label_rows)),
                tuple(sorted(classes)),
            )
        )
    return entries


def find_entities(
    engine: Engine, text: str | None = None, class_iri: str | None = None, lang: str = "en"
) -> list[EntityEntry]:
    """Entities whose label, preferred label or alias (any language) contains ``text``.

    Matching ignores case, full-width/half-width forms, spaces and hyphens (``deepseek r1``
    finds ``DeepSeek-R1``). Without ``class_iri`` the entities are those ``kgtool stats`` counts
    (no claims, passages or ontology terms); with it, every instance of the class or a subclass.

    :param lang: the language of the label shown (falling back to the other one).
    :return: matches sorted by label (ignoring case), then CURIE.
    """
    entries = _entries(engine, class_iri, lang, every=False)
    if text:
        wanted = _fold(checked_utf8(text, "the search text"))
        matched = []
        for entry in entries:
            # The shown label when it matches, else the shortest label or alias that does.
            hits = sorted(
                (t for _, t in entry.labels if wanted in _fold(t)),
                key=lambda t: (t != entry.label, len(t), t),
            )
            if hits or wanted in _fold(entry.curie):
                matched.append(replace(entry, matched=hits[0] if hits else entry.curie))
        entries = matched
    return sorted(entries, key=lambda e: ((e.label or e.curie).casefold(), e.curie))


def closest_entities(
    engine: Engine, text: str, class_iri: str | None = None, limit: int = 3
) -> list[EntityEntry]:
    """The labelled IRIs (any kind, including claims) whose labels come closest to ``text``:
    a label that contains it or is contained in it, else a similar spelling (difflib ratio ≥ 0.7).
    Labels are compared as :func:`find_entities` does (``DeepSeek R1`` is ``DeepSeek-R1``).

    :return: at most ``limit`` entries, best first and within 0.1 of the best score, each with
        the label that matched; none when the graph has more than :data:`MAX_SUGGESTION_LABELS`
        labels (comparing them all would make an error message take seconds).
    """
    wanted = _fold(text)
    if not wanted:
        return []
    (count,) = engine.query(_LABEL_COUNT).rows[0]
    if count is None or int(count.value) > MAX_SUGGESTION_LABELS:
        return []
    scored: list[tuple[float, str, EntityEntry]] = []
    matcher = difflib.SequenceMatcher(None, b=wanted)  # caches what it learns about ``wanted``
    for entry in _entries(engine, class_iri, "en", every=class_iri is None):
        best, label = 0.0, entry.label
        for _, candidate in entry.labels:
            folded = _fold(candidate)
            matcher.set_seq1(folded)
            # The quick upper bounds skip the full comparison for most labels of a large graph.
            score = (
                matcher.ratio()
                if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7
                else 0.0
            )
            if folded and (wanted in folded or folded in wanted):
                score = max(score, 0.8)
            if score > best:
                best, label = score, candidate
        if best >= 0.7:
            scored.append((-best, entry.curie, replace(entry, label=label)))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [entry for score, _, entry in scored[:limit] if score <= scored[0][0] + 0.1]
