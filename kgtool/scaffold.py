"""Turtle stubs for new entities and claims, built from the SHACL shapes: ``kgtool new``.

A stub is a block of Turtle the user fills in. It is derived from every ``sh:NodeShape`` whose
``sh:targetClass`` is the class or one of its superclasses (``ontology/shapes.ttl``):

* a proposed IRI: ``kgr:`` + the LABEL in PascalCase for entities (``"Minato AI"`` →
  ``kgr:MinatoAI``), ``kgr:claim-…`` and ``kgr:passage-…`` in kebab-case for claims;
* ``rdfs:label`` in ``@en`` (LABEL) and in every ``--lang-label`` language (``ja=…``);
* every required property (``sh:minCount ≥ 1``) with a placeholder and, as a comment, its
  expected type and count; properties only a ``sh:Warning`` shape asks for are "recommended";
* the optional properties, commented out at the end of the block.

Placeholders are designed to **fail** ``kgtool validate`` until replaced, each at its own line:
``kgr:TODO-<Class>`` IRIs (wrong class, and never described: ``dangling-iri``),
``"TODO"^^xsd:date`` and other ill-typed literals, a plain ``"TODO …"`` where language-tagged
text is expected, ``"TODO …"@en`` where a plain string is expected. Values that are blank nodes
in the data (:data:`VALUE_CLASSES`: money amounts, quote selectors) are nested as ``[ … ]`` with
their own required properties. Stubs are written in ``kgtool fmt`` layout.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kgtool.errors import DataError, EntityNotFoundError, KgtoolError, ProjectError
from kgtool.namespaces import KGO, KGR, OA, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SH, XSD
from kgtool.project import display_path

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from kgtool.project import Project

F = TypeVar("F", bound=Callable[..., Any])


RDFS_LABEL = RDFS + "label"
RDF_LANG_STRING = RDF + "langString"
CLAIM = KGO + "Claim"
PASSAGE = KGO + "Passage"
#: Classes whose instances are written as nested blank nodes, not as named entities.
VALUE_CLASSES = (SCHEMA + "MonetaryAmount", OA + "TextQuoteSelector")
#: Datatypes for which the literal "TODO" is ill-typed (so a placeholder fails validation).
CHECKED_DATATYPES = frozenset(
    XSD + name
    for name in (
        "date", "dateTime", "time", "gYear", "gYearMonth", "decimal", "integer", "int", "long",
        "nonNegativeInteger", "positiveInteger", "double", "float", "duration",
    )
)  # fmt: skip
PLACEHOLDER = "TODO"
JA_LABEL_PLACEHOLDER = "TODO: 日本語のラベル"
QUOTE_PLACEHOLDER = "TODO: the verbatim quote, copied from the source text"
#: Label prefixes the graph uses for claims and passages, by language.
CLAIM_LABEL = {"en": "Claim: ", "ja": "主張:"}
PASSAGE_LABEL = {"en": "Passage: ", "ja": "引用:"}

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*\Z")


@dataclass(frozen=True)
class PropertySpec:
    """What the shapes of a class say about one property (merged over all its shapes)."""

    path: str
    min_count: int = 0  # from sh:Violation shapes: required
    should_count: int = 0  # from sh:Warning shapes: recommended
    max_count: int | None = None
    classes: tuple[str, ...] = ()
    datatype: str | None = None
    node_kind: str | None = None
    values: tuple[Any, ...] = ()
    pattern: str | None = None
    languages: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many values a complete description has at least."""
        return max(self.min_count, self.should_count)


@dataclass(frozen=True)
class ClassShape:
    """A class, with what its shapes require: properties and notes for the other constraints."""

    iri: str
    properties: tuple[PropertySpec, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stub:
    """A rendered stub: its Turtle text, the IRIs it defines and how many placeholders it holds."""

    text: str
    iris: tuple[str, ...]
    todo: int


@dataclass
class _Draft:
    """Triples and comments of a stub before rendering."""

    graph: rdflib.Graph
    leading: dict[str, list[str]] = field(default_factory=dict)
    trailing: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    end: dict[str, list[str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # namespaces named in comments


# --------------------------------------------------------------------------------------------
# Reading the ontology and the shapes
# --------------------------------------------------------------------------------------------


def load_schema(project: Project) -> rdflib.Graph:
    """The ontology and the SHACL shapes of ``project`` in one rdflib graph.

    :raises ProjectError: when ``ontology/shapes.ttl`` is missing. :raises DataError: on a bad file.
    """
    from kgtool.rdf.turtle import RdfSource, read_graph

    if not project.shapes_file.is_file():
        raise ProjectError(
            f"no SHACL shapes at {project.shapes_file}",
            hint="kgtool new builds stubs from ontology/shapes.ttl",
        )
    sources = []
    for path in [*project.ontology_files, project.shapes_file]:
        try:
            sources.append(
                RdfSource(
                    path.read_bytes(), str(path), path.resolve().as_uri(), path.suffix.lower()
                )
            )
        except OSError as error:
            raise DataError(f"cannot read the file: {error.strerror}", path=path) from None
    return read_graph(sources)


def _u(iri: str) -> rdflib.URIRef:
    import rdflib

    return rdflib.URIRef(iri)


def schema_classes(schema: rdflib.Graph) -> set[str]:
    """Every class: declared ``owl:Class``/``rdfs:Class`` (named), or targeted by a shape."""
    import rdflib

    found = set()
    for kind in (OWL + "Class", RDFS + "Class"):
        found |= {
            str(c)
            for c in schema.subjects(_u(RDF + "type"), _u(kind))
            if isinstance(c, rdflib.URIRef)
        }
    found |= {
        str(c) for c in schema.objects(None, _u(SH + "targetClass")) if isinstance(c, rdflib.URIRef)
    }
    return found


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _labels(schema: rdflib.Graph, iri: str) -> list[str]:
    return [
        str(o)
        for p in (RDFS_LABEL, PREFIXES["skos"] + "altLabel")
        for o in schema.objects(_u(iri), _u(p))
    ]


def resolve_schema_class(schema: rdflib.Graph, text: str) -> str:
    """The class IRI ``text`` names: an IRI, a CURIE, a label or alias (any language) or a
    local name, compared case-insensitively.

    :raises EntityNotFoundError: when no class or several classes match.
    """
    from kgtool.namespaces import iri_from_text, shorten

    classes = schema_classes(schema)
    text = text.strip()
    iri = iri_from_text(text)
    if iri is not None:
        if iri not in classes:
            raise EntityNotFoundError(
                f"{shorten(iri)} is not a class of the ontology", hint="run: kgtool new --list"
            )
        return iri
    wanted = text.casefold()
    matches = sorted(
        c
        for c in classes
        if wanted in {label.casefold() for label in _labels(schema, c)} | {_local(c).casefold()}
    )
    if not matches:
        raise EntityNotFoundError(
            f"no class is named {text!r}",
            hint="give a CURIE such as kgo:Company (kgtool new --list)",
        )
    if len(matches) > 1:
        raise EntityNotFoundError(
            f"{text!r} names several classes: " + ", ".join(shorten(m) for m in matches),
            hint="use one of these CURIEs",
        )
    return matches[0]


#: The old name, kept for one release: :func:`kgtool.network.resolve_class` resolves a class
#: among the data's (through an engine); this one among the ontology's (an rdflib graph).
resolve_class = resolve_schema_class


def superclasses(schema: rdflib.Graph, iri: str) -> list[str]:
    """``iri`` and all its superclasses (``rdfs:subClassOf*``), nearest first."""
    import rdflib

    order, todo = [iri], [iri]
    while todo:
        for parent in schema.objects(_u(todo.pop(0)), _u(RDFS + "subClassOf")):
            if isinstance(parent, rdflib.URIRef) and str(parent) not in order:
                order.append(str(parent))
                todo.append(str(parent))
    return order


def claim_kinds(schema: rdflib.Graph) -> list[str]:
    """Every subclass of ``kgo:Claim`` (the claim kinds ``kgtool new claim`` accepts), sorted."""
    return sorted(
        c for c in schema_classes(schema) if c != CLAIM and CLAIM in superclasses(schema, c)
    )


def resolve_claim_kind(schema: rdflib.Graph, text: str) -> str:
    """The claim class ``text`` names: ``cost`` → ``kgo:CostClaim``, ``scenario`` →
    ``kgo:Scenario``, or a CURIE/label of any subclass of ``kgo:Claim``.

    :raises EntityNotFoundError: naming the known kinds when nothing matches.
    """
    from kgtool.namespaces import shorten

    kinds = claim_kinds(schema)
    wanted = re.sub(r"[\s_-]", "", text).casefold()
    for kind in kinds:
        local = _local(kind).casefold()
        if wanted in (local, local.removesuffix("claim")) or wanted == f"{local}claim":
            return kind
    try:
        found = resolve_schema_class(schema, text)
    except EntityNotFoundError:
        found = None
    if found in kinds:
        return found
    names = ", ".join(kind_name(k) for k in kinds)
    raise EntityNotFoundError(
        f"{text!r} is not a kind of claim"
        + (f" ({shorten(found)} is not a kgo:Claim)" if found else ""),
        hint=f"use one of: {names}",
    )


@dataclass(frozen=True)
class Catalogue:
    """What ``kgtool new`` can make: entity classes and claim kinds (IRIs, sorted by CURIE)."""

    classes: tuple[str, ...]
    kinds: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``classes`` ``[{iri, curie}]``, ``claim_kinds`` ``[{kind, iri, curie}]``."""
        from kgtool.namespaces import shorten

        return {
            "classes": [{"iri": c, "curie": shorten(c)} for c in self.classes],
            "claim_kinds": [
                {"kind": kind_name(k), "iri": k, "curie": shorten(k)} for k in self.kinds
            ],
        }


def catalogue(project: Project) -> Catalogue:
    """The classes ``kgtool new CLASS`` takes (claim classes left out) and the claim kinds.

    :raises ProjectError: when the shapes are missing. :raises DataError: on a bad schema file.
    """
    from kgtool.namespaces import shorten

    schema = load_schema(project)
    kinds = claim_kinds(schema)
    classes = sorted(schema_classes(schema) - set(kinds) - {CLAIM}, key=shorten)
    return Catalogue(tuple(classes), tuple(kinds))


def kind_name(iri: str) -> str:
    """The short name of a claim kind, as ``kgtool new claim KIND`` takes it.

    >>> kind_name("https://example.org/kg/ontology#CostClaim")
    'cost'
    """
    local = _local(iri)
    return (local.removesuffix("Claim") or local).lower()


def _rdf_list(schema: rdflib.Graph, node: Any) -> list[Any]:
    import rdflib.collection

    return list(rdflib.collection.Collection(schema, node))


def class_shape(schema: rdflib.Graph, iri: str, curie: Any = None) -> ClassShape:
    """Merge the property shapes of every node shape targeting ``iri`` or a superclass.

    Property shapes with an IRI path become :class:`PropertySpec` records (the largest
    ``sh:minCount``, the smallest ``sh:maxCount``, all ``sh:class``…); a required property with
    another path (``^kgo:developed``) and node-level constraints with a ``sh:message`` become notes.
    """
    import rdflib

    from kgtool.namespaces import shorten
    from kgtool.rdf.shacl import path_text

    curie = curie or shorten
    targets = superclasses(schema, iri)
    shapes = sorted(
        {s for t in targets for s in schema.subjects(_u(SH + "targetClass"), _u(t))},
        key=lambda s: (
            targets.index(
                next(str(t) for t in schema.objects(s, _u(SH + "targetClass")) if str(t) in targets)
            ),
            str(s),
        ),
    )
    merged: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for shape in reversed(shapes):  # general shapes first, specific ones refine them
        for constraint in ("or", "and", "not", "xone", "sparql"):
            if (shape, _u(SH + constraint), None) in schema:
                message = schema.value(shape, _u(SH + "message"))
                if message is not None and str(message) not in notes:
                    notes.append(str(message))
                break
        for prop in schema.objects(shape, _u(SH + "property")):
            path = schema.value(prop, _u(SH + "path"))
            if path is None:
                continue
            severity = str(schema.value(prop, _u(SH + "severity")) or SH + "Violation")
            min_count = int(str(schema.value(prop, _u(SH + "minCount")) or 0))
            max_value = schema.value(prop, _u(SH + "maxCount"))
            if not isinstance(path, rdflib.URIRef):
                if min_count >= 1:
                    kind = ", ".join(curie(str(c)) for c in schema.objects(prop, _u(SH + "class")))
                    message = schema.value(prop, _u(SH + "message"))
                    note = f"{'required' if severity != SH + 'Warning' else 'recommended'}: {path_text(schema, path, curie)}"
                    note += f" ({kind})" if kind else ""
                    note += f": {message}" if message else ""
                    notes.append(note)
                continue
            entry = merged.setdefault(str(path), {"classes": [], "languages": [], "values": []})
            if severity == SH + "Warning":
                entry["should"] = max(entry.get("should", 0), min_count)
            else:
                entry["min"] = max(entry.get("min", 0), min_count)
            if max_value is not None:
                entry["max"] = min(entry.get("max", int(str(max_value))), int(str(max_value)))
            for key, predicate in (
                ("datatype", "datatype"),
                ("node_kind", "nodeKind"),
                ("pattern", "pattern"),
            ):
                value = schema.value(prop, _u(SH + predicate))
                if value is not None and severity != SH + "Warning":
                    entry[key] = str(value)
            # A qualified class (one TextQuoteSelector among a passage's selectors) is the one
            # a stub should show.
            qualified = [
                cls
                for shape_node in schema.objects(prop, _u(SH + "qualifiedValueShape"))
                for cls in schema.objects(shape_node, _u(SH + "class"))
            ]
            for cls in [*schema.objects(prop, _u(SH + "class")), *qualified]:
                if str(cls) not in entry["classes"]:
                    entry["classes"].insert(0, str(cls))  # the most specific first
            for languages in schema.objects(prop, _u(SH + "languageIn")):
                entry["languages"] = [str(v) for v in _rdf_list(schema, languages)]
            for values in schema.objects(prop, _u(SH + "in")):
                entry["values"] = _rdf_list(schema, values)
    properties = tuple(
        PropertySpec(
            path=path,
            min_count=entry.get("min", 0),
            should_count=entry.get("should", 0),
            max_count=entry.get("max"),
            classes=tuple(entry["classes"]),
            datatype=entry.get("datatype"),
            node_kind=entry.get("node_kind"),
            values=tuple(entry["values"]),
            pattern=entry.get("pattern"),
            languages=tuple(entry["languages"]),
        )
        for path, entry in merged.items()
    )
    return ClassShape(iri, properties, tuple(notes))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def _ascii_words(label: str) -> list[str]:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", text)


def entity_slug(label: str) -> str:
    """A readable IRI local name for an entity: the label's words in PascalCase.

    >>> entity_slug("Minato AI"), entity_slug("DeepSeek-R1"), entity_slug("Café société")
    ('MinatoAI', 'DeepSeek-R1', 'CafeSociete')
    """
    return "".join(word[0].upper() + word[1:] for word in _ascii_words(label))


def claim_slug(label: str) -> str:
    """A readable IRI local name for a claim or passage: the label's words in kebab-case.

    >>> claim_slug("Minato-1 training cost (2029)")
    'minato-1-training-cost-2029'
    """
    return "-".join(word.lower() for word in _ascii_words(label))


def parse_lang_labels(items: Iterable[str]) -> dict[str, str]:
    """``["ja=ミナトAI"]`` → ``{"ja": "ミナトAI"}``.

    :raises KgtoolError: for an item without ``=``, a bad language tag, or ``en`` (LABEL is the
        English label). :raises ParameterError: for text that is not valid UTF-8.
    """
    from kgtool.entities import checked_utf8

    labels: dict[str, str] = {}
    for item in items:
        lang, equals, text = checked_utf8(item, "--lang-label").partition("=")
        lang = lang.strip().lower()
        if not equals or not text.strip() or not _LANGUAGE_TAG.match(lang):
            raise KgtoolError(
                f"--lang-label {item!r} is not LANG=TEXT",
                hint="write e.g. --lang-label ja=ミナトAI",
            )
        if lang == "en":
            raise KgtoolError("--lang-label en=… is not needed: LABEL is the English label")
        labels[lang] = text.strip()
    return labels


# --------------------------------------------------------------------------------------------
# Existing data
# --------------------------------------------------------------------------------------------


@dataclass
class _Data:
    """The project's data (plus the target file), to check IRIs and resolve ``--source``."""

    store: pyoxigraph.Store
    files: dict[str, Path]  # named graph IRI → file

    def defined_at(self, iri: str) -> tuple[Path, int | None] | None:
        """The file (and line) where ``iri`` is described as a subject, if anywhere."""
        import pyoxigraph

        found = sorted(
            quad.graph_name.value
            for quad in self.store.quads_for_pattern(pyoxigraph.NamedNode(iri), None, None, None)
            if isinstance(quad.graph_name, pyoxigraph.NamedNode)  # every file is a named graph
        )
        if not found:
            return None
        path = self.files.get(found[0])
        if path is None:
            return None
        return path, _definition_line(path, iri)


def _definition_line(path: Path, iri: str) -> int | None:
    from kgtool.rdf.turtle import index_text

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    where = index_text(text, path.resolve().as_uri()).starts.get(iri)
    return where[0] if where else None


def _load_data(project: Project, target: Path | None) -> _Data:
    from kgtool.rdf.load import graph_name, load_store

    files = list(
        dict.fromkeys([*project.data_files, *([target] if target and target.exists() else [])])
    )
    store = load_store(files)
    return _Data(store, {graph_name(f): f for f in files})


def _refuse_existing(data: _Data, iris: Iterable[str]) -> None:
    from kgtool.namespaces import shorten

    for iri in iris:
        where = data.defined_at(iri)
        if where is not None:
            path, line = where
            raise DataError(
                f"{shorten(iri)} already exists",
                path=display_path(path),
                line=line,
                hint="choose another LABEL, or give the IRI with --iri",
            )


# --------------------------------------------------------------------------------------------
# Building the stub
# --------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, schema: rdflib.Graph) -> None:
        import rdflib

        self.rdflib = rdflib
        self.schema = schema
        self.draft = _Draft(rdflib.Graph())
        self.todo = 0

    def curie(self, iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            local = iri[len(namespace) :]
            if (
                iri.startswith(namespace)
                and local
                and re.fullmatch(r"[A-Za-z_][\w.-]*", local)
                and not local.endswith(".")
            ):
                self.draft.used.add(namespace)
                return f"{prefix}:{local}"
        return f"<{iri}>"

    def literal_text(self, value: Any) -> str:
        from kgtool.rdf.turtle import Layout, Writer

        return Writer(self.rdflib.Graph(), PREFIXES, Layout()).literal(value)

    def type_text(self, spec: PropertySpec) -> str:
        parts = []
        if spec.classes:
            parts.append(" and ".join(self.curie(c) for c in spec.classes))
        if spec.datatype == RDF_LANG_STRING:
            tags = " ".join(f"@{lang}" for lang in spec.languages)
            parts.append(f"text {tags}" if tags else "text with a language tag (@en, @ja)")
        elif spec.datatype:
            parts.append(self.curie(spec.datatype))
        if spec.values:
            shown = [
                self.literal_text(v) if isinstance(v, self.rdflib.Literal) else self.curie(str(v))
                for v in spec.values
            ]
            parts.append("one of " + " ".join(shown))
        if spec.node_kind and not spec.classes:
            kinds = {SH + "IRI": "an IRI", SH + "Literal": "a literal"}
            parts.append(
                kinds[spec.node_kind] if spec.node_kind in kinds else self.curie(spec.node_kind)
            )
        if spec.pattern:
            parts.append(f"matching {spec.pattern}")
        return ", ".join(parts) or "any value"

    def count_text(self, spec: PropertySpec, kind: str) -> str:
        low = spec.count if kind != "optional" else 0
        high = "*" if spec.max_count is None else str(spec.max_count)
        return f"{kind} ({low}..{high})"

    def placeholders(self, spec: PropertySpec, *, nested_ok: bool = True) -> list[Any]:
        """Values that stand for what the user must fill in, each failing validation."""
        rdflib = self.rdflib
        number = max(spec.count, 1)
        suffixes = [""] if number == 1 else [f"-{n}" for n in range(1, number + 1)]
        values: list[Any] = []
        for suffix in suffixes:
            self.todo += 1
            if spec.classes and spec.classes[0] in VALUE_CLASSES and nested_ok:
                self.todo -= 1  # the nested node counts its own placeholders
                values.append(self.value_node(spec.classes[0]))
            elif spec.classes:
                values.append(
                    rdflib.URIRef(f"{KGR}{PLACEHOLDER}-{_local(spec.classes[0])}{suffix}")
                )
            elif spec.values:
                literal = isinstance(spec.values[0], rdflib.Literal)
                shown = ", ".join(str(v) if literal else self.curie(str(v)) for v in spec.values)
                values.append(
                    rdflib.Literal(f"{PLACEHOLDER}: one of {shown}")
                    if literal
                    else rdflib.URIRef(f"{KGR}{PLACEHOLDER}-{_local(spec.path)}{suffix}")
                )
            elif spec.datatype == RDF_LANG_STRING:
                values.append(rdflib.Literal(f"{PLACEHOLDER}{suffix}"))  # no language tag: fails
            elif spec.datatype in CHECKED_DATATYPES:
                values.append(
                    rdflib.Literal(f"{PLACEHOLDER}{suffix}", datatype=rdflib.URIRef(spec.datatype))
                )
            elif spec.datatype:
                values.append(
                    rdflib.Literal(f"{PLACEHOLDER}{suffix}", lang="en")
                )  # wrong datatype: fails
            elif spec.node_kind == SH + "Literal":
                values.append(rdflib.Literal(f"{PLACEHOLDER}{suffix}", lang="en"))
            else:
                values.append(rdflib.URIRef(f"{KGR}{PLACEHOLDER}-{_local(spec.path)}{suffix}"))
        return values

    def value_node(self, cls: str) -> Any:
        """A nested blank node of class ``cls`` with placeholders for its required properties."""
        rdflib = self.rdflib
        node = rdflib.BNode()
        graph = self.draft.graph
        graph.add((node, rdflib.RDF.type, _u(cls)))
        for spec in class_shape(self.schema, cls, self.curie).properties:
            if spec.count >= 1:
                for value in self.placeholders(spec, nested_ok=False):
                    if (
                        spec.path == OA + "exact"
                        and isinstance(value, rdflib.Literal)
                        and not value.language
                    ):
                        value = rdflib.Literal(QUOTE_PLACEHOLDER)
                    graph.add((node, _u(spec.path), value))
        return node

    def nested_text(self, cls: str) -> str:
        """What a nested value node must hold, for the comment of the property that has it."""
        specs = [s for s in class_shape(self.schema, cls, self.curie).properties if s.count >= 1]
        inner = "; ".join(f"{self.curie(s.path)}: {self.type_text(s)}" for s in specs)
        return f"{self.curie(cls)} with {inner}" if inner else self.curie(cls)

    def subject(
        self,
        iri: str,
        cls: str,
        labels: Mapping[str, str | None],
        *,
        fixed: Mapping[str, list[Any]] | None = None,
        fixed_notes: Mapping[str, str] | None = None,
        headline: str,
    ) -> None:
        """Add one subject block: type, labels, required placeholders, optional ones commented."""
        rdflib = self.rdflib
        graph = self.draft.graph
        subject = rdflib.URIRef(iri)
        graph.add((subject, rdflib.RDF.type, _u(cls)))
        shape = class_shape(self.schema, cls, self.curie)
        fixed = dict(fixed or {})
        fixed_notes = dict(fixed_notes or {})
        optional: list[tuple[str, str]] = []
        leading = [headline] + [f"# note: {note}" for note in shape.notes]
        from kgtool.rdf.turtle import natural_key

        for spec in sorted(shape.properties, key=lambda s: natural_key(self.curie(s.path))):
            kind = (
                "required"
                if spec.min_count >= 1
                else "recommended"
                if spec.should_count >= 1
                else "optional"
            )
            nested = bool(spec.classes) and spec.classes[0] in VALUE_CLASSES
            type_text = self.nested_text(spec.classes[0]) if nested else self.type_text(spec)
            comment = f"# {self.count_text(spec, kind)}: {type_text}"
            if spec.path == RDFS_LABEL:
                for lang, text in labels.items():
                    if text is None:
                        self.todo += 1
                        graph.add(
                            (
                                subject,
                                _u(RDFS_LABEL),
                                rdflib.Literal(
                                    JA_LABEL_PLACEHOLDER if lang == "ja" else PLACEHOLDER
                                ),
                            )
                        )
                    else:
                        graph.add((subject, _u(RDFS_LABEL), rdflib.Literal(text, lang=lang)))
                self.draft.trailing[(iri, RDFS_LABEL)] = [comment]
                continue
            if spec.path in fixed:
                for value in fixed.pop(spec.path):
                    graph.add((subject, _u(spec.path), value))
                note = fixed_notes.get(spec.path)
                self.draft.trailing[(iri, spec.path)] = [comment + (f" — {note}" if note else "")]
                continue
            if kind == "optional":
                optional.append((self.curie(spec.path), f"{self.example(spec)} ; {comment}"))
                continue
            for value in self.placeholders(spec):
                graph.add((subject, _u(spec.path), value))
            self.draft.trailing[(iri, spec.path)] = [comment]
        for path, values in fixed.items():  # fixed values the shapes do not mention
            for value in values:
                graph.add((subject, _u(path), value))
            if path in fixed_notes:
                self.draft.trailing[(iri, path)] = [f"# {fixed_notes[path]}"]
        self.draft.leading[iri] = leading
        if optional:
            self.draft.end[iri] = ["# optional:"] + [f"# {path} {text}" for path, text in optional]

    def example(self, spec: PropertySpec) -> str:
        """A one-line example value for a commented-out optional property."""
        rdflib = self.rdflib
        if spec.classes and spec.classes[0] in VALUE_CLASSES:
            inner = [
                s
                for s in class_shape(self.schema, spec.classes[0], self.curie).properties
                if s.count >= 1
            ]
            parts = [f"a {self.curie(spec.classes[0])}"] + [
                f"{self.curie(s.path)} {self.one(self.placeholders(s, nested_ok=False)[0])}"
                for s in inner
            ]
            self.todo -= len(inner)
            return "[ " + " ; ".join(parts) + " ]"
        value = self.placeholders(spec)[0]
        self.todo -= 1
        if isinstance(value, rdflib.Literal) and spec.datatype == RDF_LANG_STRING:
            value = rdflib.Literal(PLACEHOLDER, lang=(spec.languages or ("en",))[0])
        return self.one(value)

    def one(self, value: Any) -> str:
        if isinstance(value, self.rdflib.Literal):
            text = self.literal_text(value)
            if value.datatype is not None:
                self.curie(str(value.datatype))
            return text
        return self.curie(str(value))

    def render(self) -> str:
        from kgtool.rdf.turtle import Layout, Writer

        graph = self.draft.graph
        used = set(self.draft.used)
        for triple in graph:
            for term in triple:
                if term == self.rdflib.RDF.type:
                    continue  # written "a"
                if isinstance(term, self.rdflib.URIRef):
                    self.curie(str(term))
                elif isinstance(term, self.rdflib.Literal) and term.datatype is not None:
                    self.curie(str(term.datatype))
        used |= self.draft.used
        layout = Layout()
        layout.prefixes = {
            prefix: namespace for prefix, namespace in PREFIXES.items() if namespace in used
        }
        for key, lines in self.draft.leading.items():
            layout.subject_leading[key] = lines
        for pair, lines in self.draft.trailing.items():
            layout.predicate_trailing[pair] = lines
        for key, lines in self.draft.end.items():
            layout.subject_end[key] = lines
        writer = Writer(graph, layout.prefixes, layout)
        return writer.render()


def _headline(cls: str, label: str | None) -> str:
    from kgtool.namespaces import shorten

    named = f' "{label}"' if label else ""
    return f"# New {shorten(cls)}{named} (kgtool new): replace every TODO, then run kgtool fmt and kgtool validate."


def _exact(function: F) -> F:
    """Run ``function`` with rdflib keeping literals as written (placeholders are ill-typed)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kgtool.rdf.turtle import exact_literals

        with exact_literals():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@_exact
def entity_stub(
    project: Project,
    class_text: str,
    label: str,
    lang_labels: Mapping[str, str] | None = None,
    *,
    iri: str | None = None,
    target: Path | None = None,
) -> Stub:
    """A stub for a new entity of the class ``class_text`` labelled ``label`` (@en).

    :param lang_labels: labels in other languages (``{"ja": "ミナトAI"}``); a missing ``ja``
        label gets a placeholder.
    :param iri: the IRI to use (CURIE or full) instead of ``kgr:`` + :func:`entity_slug`.
    :param target: the file the stub will be appended to (checked for the IRI too).
    :raises EntityNotFoundError: for an unknown class. :raises DataError: when the IRI is already
        described in the project's data (the message names the file and line).
    """
    from kgtool.entities import checked_utf8

    checked_utf8(label, "LABEL")
    schema = load_schema(project)
    cls = resolve_schema_class(schema, class_text)
    if CLAIM in superclasses(schema, cls):
        from kgtool.namespaces import shorten

        kind = kind_name(cls) if cls != CLAIM else "KIND"
        raise KgtoolError(
            f"{shorten(cls)} is a claim class", hint=f"use: kgtool new claim {kind} LABEL"
        )
    subject = _iri(iri, KGR + entity_slug(label), label)
    _refuse_existing(_load_data(project, target), [subject])
    builder = _Builder(schema)
    labels = {"en": label, **dict(lang_labels or {})}
    labels.setdefault("ja", None)  # type: ignore[arg-type]
    builder.subject(subject, cls, labels, headline=_headline(cls, label))
    return Stub(builder.render(), (subject,), builder.todo)


@_exact
def claim_stub(
    project: Project,
    kind: str,
    label: str | None = None,
    lang_labels: Mapping[str, str] | None = None,
    *,
    iri: str | None = None,
    source: str | None = None,
    target: Path | None = None,
) -> Stub:
    """A stub for a new claim of ``kind`` with the passage it is derived from.

    The claim is ``kgr:claim-<slug>`` (from ``label``, else ``<kind>-<n>``), labelled
    ``"Claim: <label>"@en``; its passage is ``kgr:passage-<slug>`` with an ``oa:TextQuoteSelector``
    whose ``oa:exact`` is a placeholder, and ``oa:hasSource`` the ``source`` document (a
    placeholder without it).

    :raises EntityNotFoundError: for an unknown kind or ``source``.
    :raises DataError: when an IRI is already described in the project's data.
    """
    import rdflib

    from kgtool.engines import OxigraphEngine
    from kgtool.entities import checked_utf8, resolve_entity

    checked_utf8(label or "", "LABEL")
    schema = load_schema(project)
    cls = resolve_claim_kind(schema, kind)
    data = _load_data(project, target)
    if iri is not None:
        claim = _iri(iri, "", label or "")
        slug = _local(claim).removeprefix("claim-")
    elif label:
        slug = claim_slug(label)
        if not slug:
            raise KgtoolError(
                f"cannot make an IRI from the label {label!r}",
                hint="give an English LABEL or --iri",
            )
        claim = f"{KGR}claim-{slug}"
    else:
        number = 1
        while data.defined_at(f"{KGR}claim-{kind_name(cls)}-{number}") or data.defined_at(
            f"{KGR}passage-{kind_name(cls)}-{number}"
        ):
            number += 1
        slug = f"{kind_name(cls)}-{number}"
        claim = f"{KGR}claim-{slug}"
    passage = f"{KGR}passage-{slug}"
    _refuse_existing(data, [claim, passage])
    source_node = None
    if source is not None:
        source_node = rdflib.URIRef(resolve_entity(OxigraphEngine(data.store), source).value)
    other = dict(lang_labels or {})

    def labelled(prefixes: Mapping[str, str]) -> dict[str, str | None]:
        labels: dict[str, str | None] = {"en": prefixes["en"] + label if label else None}
        for lang, text in other.items():
            labels[lang] = prefixes.get(lang, "") + text
        labels.setdefault("ja", None)
        return labels

    builder = _Builder(schema)
    builder.subject(
        claim,
        cls,
        labelled(CLAIM_LABEL),
        fixed={PROV + "wasDerivedFrom": [rdflib.URIRef(passage)]},
        fixed_notes={PROV + "wasDerivedFrom": "the passage below"},
        headline=_headline(cls, label),
    )
    builder.subject(
        passage,
        PASSAGE,
        labelled(PASSAGE_LABEL),
        fixed={OA + "hasSource": [source_node]} if source_node is not None else None,
        headline="# The passage the claim is derived from: quote the source verbatim in oa:exact (@ja).",
    )
    return Stub(builder.render(), (claim, passage), builder.todo)


def _iri(given: str | None, default: str, label: str) -> str:
    from kgtool.namespaces import iri_from_text

    if given is None:
        if default == KGR:
            raise KgtoolError(
                f"cannot make an IRI from the label {label!r}",
                hint="give an English LABEL or --iri",
            )
        return default
    import pyoxigraph

    from kgtool.errors import ParameterError

    iri = iri_from_text(given)
    if iri is None:
        raise ParameterError(
            f"--iri {given!r} is not an IRI or a CURIE with a known prefix",
            hint="e.g. --iri kgr:MinatoAI",
        )
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as error:  # a space, a quote, a bracket: it could not be written as <iri>
        raise ParameterError(
            f"--iri {given!r} is not a valid IRI: {error}",
            hint='leave out spaces and <>"{}|^`\\ (e.g. --iri kgr:MinatoAI)',
        ) from None
    return iri


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def append_stub(stub: Stub, target: Path) -> None:
    """Append ``stub`` to the Turtle file ``target`` (created if missing), atomically.

    Prefixes the file already declares are not repeated; the result is parsed before it replaces
    the file.

    :raises DataError: when ``target`` does not parse, declares a prefix of the stub with another
        IRI, or cannot be written.
    """
    from kgtool.fileio import write_atomic
    from kgtool.rdf.turtle import LayoutReader, RdfSource, read_graph

    target = Path(target)
    if target.suffix.lower() != ".ttl":
        raise DataError("stubs are Turtle: the output file must end in .ttl", path=target)
    existing = ""
    if target.exists():
        try:
            existing = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DataError(f"cannot read the file: {error}", path=target) from None
    text = stub.text
    if existing.strip():
        base = target.resolve().as_uri()
        read_graph([RdfSource(existing.encode("utf-8"), str(target), base)])
        declared = LayoutReader(existing, str(target), base).read().prefixes
        kept = []
        for line in text.splitlines(keepends=True):
            match = re.match(r"@prefix (\S*):\s+<([^>]*)> \.$", line.rstrip("\n"))
            if match and match.group(1) in declared:
                if declared[match.group(1)] != match.group(2):
                    raise DataError(
                        f"the file declares prefix '{match.group(1)}:' as <{declared[match.group(1)]}>, "
                        f"not <{match.group(2)}>",
                        path=target,
                        hint="rename that prefix in the file, or write the stub to another file",
                    )
                continue
            kept.append(line)
        text = existing.rstrip("\n") + "\n\n" + "".join(kept).lstrip("\n")
        read_graph([RdfSource(text.encode("utf-8"), str(target), base)])
    write_atomic(target, text)


__all__ = [
    "Catalogue",
    "ClassShape",
    "PropertySpec",
    "Stub",
    "VALUE_CLASSES",
    "append_stub",
    "catalogue",
    "claim_kinds",
    "claim_slug",
    "claim_stub",
    "class_shape",
    "kind_name",
    "entity_slug",
    "entity_stub",
    "load_schema",
    "parse_lang_labels",
    "resolve_claim_kind",
    "resolve_class",
    "resolve_schema_class",
    "schema_classes",
]
