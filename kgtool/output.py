"""Writing query results: SPARQL result formats for SELECT/ASK, RDF formats for graphs.

SELECT and ASK results can be written as

* ``table`` — aligned columns for a terminal, IRIs shown by their label (see
  :func:`fetch_labels`), else as CURIEs;
* ``md`` — a Markdown table, with the same display values as ``table``;
* ``tsv`` and ``csv`` — the W3C *SPARQL 1.1 Query Results CSV and TSV Formats*
  (TSV keeps every term in Turtle syntax, one row per line; CSV has plain values, RFC 4180);
* ``json`` — the W3C *SPARQL 1.1 Query Results JSON Format*;
* ``xml`` — the W3C *SPARQL Query Results XML Format*.

CONSTRUCT and DESCRIBE results are written as ``turtle`` (with the project's prefixes), ``nt``
(N-Triples) or ``jsonld`` (JSON-LD with a prefix ``@context``).

Output is deterministic: columns in projection order, blank nodes renamed ``b0``, ``b1``… in
order of appearance, graph triples sorted. Nothing here imports pyoxigraph at module level.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from kgtool.engines.base import Engine, QueryKind, QueryResult, QueryStream
from kgtool.errors import FormatError
from kgtool.labels import LABEL_PREDICATES, choose_label
from kgtool.labels import LANGUAGES as LANGUAGES  # re-export: output.LANGUAGES was public
from kgtool.namespaces import PREFIXES, RDF_TYPE, XSD, shorten
from kgtool.rdf.serialize import turtle_with_prefixes, used_prefixes
from kgtool.rdf.sparql import Term
from kgtool.tables import escape_controls, format_table

if TYPE_CHECKING:
    import pyoxigraph

XSD_STRING = XSD + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class OutputFormat(str, Enum):
    """Every output format, by the name given to ``--format``."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    MD = "md"
    TURTLE = "turtle"
    NT = "nt"
    JSONLD = "jsonld"


#: Formats for SELECT and ASK results.
RESULT_FORMATS = (
    OutputFormat.TABLE,
    OutputFormat.CSV,
    OutputFormat.TSV,
    OutputFormat.JSON,
    OutputFormat.XML,
    OutputFormat.MD,
)
#: Formats for ASK results: the W3C CSV and TSV results formats define no form for a boolean.
ASK_FORMATS = (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.XML, OutputFormat.MD)
#: Formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS = (OutputFormat.TURTLE, OutputFormat.NT, OutputFormat.JSONLD)
#: Formats that show IRIs by their labels.
LABELLED_FORMATS = (OutputFormat.TABLE, OutputFormat.MD)
FORMAT_NAMES = tuple(f.value for f in OutputFormat)


def default_format(kind: QueryKind, terminal: bool) -> OutputFormat:
    """The format used when ``--format`` is not given.

    ``table`` on a terminal, ``tsv`` when stdout is a pipe or file (one row per line, every
    term kept exactly), ``turtle`` for graph results; an ASK answer is ``table`` everywhere (a
    bare ``true`` or ``false``: TSV has no boolean form).

    >>> default_format(QueryKind.SELECT, terminal=False).value
    'tsv'
    >>> default_format(QueryKind.GRAPH, terminal=True).value
    'turtle'
    """
    if kind is QueryKind.GRAPH:
        return OutputFormat.TURTLE
    return OutputFormat.TABLE if terminal or kind is QueryKind.ASK else OutputFormat.TSV


def check_format(kind: QueryKind, output_format: OutputFormat) -> None:
    """Refuse a format that cannot hold this kind of result.

    :raises FormatError: e.g. ``turtle`` for a SELECT result, ``json`` for a CONSTRUCT result,
        ``csv`` or ``tsv`` for an ASK result (the W3C CSV/TSV results format has no boolean form).

    >>> check_format(QueryKind.ASK, OutputFormat.JSON)
    >>> check_format(QueryKind.ASK, OutputFormat.CSV)
    Traceback (most recent call last):
    ...
    kgtool.errors.FormatError: --format csv cannot hold an ASK result (the W3C CSV/TSV results formats define no form for a boolean) (hint: use one of: table, json, xml, md)
    >>> check_format(QueryKind.SELECT, OutputFormat.TURTLE)
    Traceback (most recent call last):
    ...
    kgtool.errors.FormatError: --format turtle cannot hold a SELECT result (hint: use one of: table, csv, tsv, json, xml, md)
    """
    allowed = (
        GRAPH_FORMATS
        if kind is QueryKind.GRAPH
        else ASK_FORMATS
        if kind is QueryKind.ASK
        else RESULT_FORMATS
    )
    if output_format not in allowed:
        what = (
            "a CONSTRUCT/DESCRIBE"
            if kind is QueryKind.GRAPH
            else f"a{'n' if kind is QueryKind.ASK else ''} {kind.value.upper()}"
        )
        why = (
            " (the W3C CSV/TSV results formats define no form for a boolean)"
            if kind is QueryKind.ASK and output_format in RESULT_FORMATS
            else ""
        )
        raise FormatError(
            f"--format {output_format.value} cannot hold {what} result{why}",
            hint="use one of: " + ", ".join(f.value for f in allowed),
        )


def format_result(
    result: QueryResult | QueryStream,
    output_format: OutputFormat,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The result written in ``output_format``, ending with a newline (see :func:`result_chunks`).

    >>> import pyoxigraph
    >>> result = QueryResult(QueryKind.SELECT, ("n",), ((pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode(XSD + "integer")),),))
    >>> print(format_result(result, OutputFormat.TSV), end="")
    ?n
    1
    """
    return "".join(result_chunks(result, output_format, labels))


#: Formats written row by row as the engine produces them (memory stays flat); ``table`` and
#: ``md`` need every row first, to align columns and fetch labels.
STREAMED_FORMATS = (OutputFormat.CSV, OutputFormat.TSV, OutputFormat.JSON, OutputFormat.XML)


def result_chunks(
    result: QueryResult | QueryStream,
    output_format: OutputFormat,
    labels: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """The result written in ``output_format``, piece by piece; the whole ends with a newline.

    A :class:`QueryStream`'s rows are read once, as the pieces are asked for: for the
    :data:`STREAMED_FORMATS` one row at a time.

    :param labels: IRI → display label, used by ``table`` and ``md`` (see :func:`fetch_labels`).
    :raises FormatError: when the format does not fit the result kind, or a value cannot be
        written in it (XML cannot hold control characters such as NUL).
    """
    check_format(result.kind, output_format)
    if result.kind is QueryKind.GRAPH:
        triples = _sorted_triples(result.triples)
        if output_format is OutputFormat.NT:
            yield "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        elif output_format is OutputFormat.JSONLD:
            yield _jsonld(triples)
        else:
            yield turtle_with_prefixes(triples)
        return
    if result.kind is QueryKind.ASK:
        yield _boolean(result.boolean, output_format)
        return
    rows = _rename_blank_nodes(result.rows)
    variables = result.variables
    if output_format is OutputFormat.TABLE:
        yield _table(variables, list(rows), labels or {})
    elif output_format is OutputFormat.MD:
        yield _markdown(variables, list(rows), labels or {})
    elif output_format is OutputFormat.CSV:
        yield from _csv(variables, rows)
    elif output_format is OutputFormat.TSV:
        yield from _tsv(variables, rows)
    elif output_format is OutputFormat.JSON:
        yield from _json(variables, rows)
    else:
        yield from _xml(variables, rows)


# --- labels -----------------------------------------------------------------------------------

_LABELS = f"""
SELECT ?entity ?property ?label WHERE {{
  VALUES ?entity {{ %s }}
  VALUES ?property {{ {" ".join(f"<{p}>" for p in LABEL_PREDICATES)} }}
  ?entity ?property ?label .
}}
"""


def iris_to_label(result: QueryResult) -> list[str]:
    """IRIs a labelled format shows by label: those in columns without a ``?xLabel`` companion.

    A column ``?actor`` next to ``?actorLabel`` already has its label beside it; it is shown
    as a CURIE instead.
    """
    import pyoxigraph

    columns = [i for i, v in enumerate(result.variables) if f"{v}Label" not in result.variables]
    found = {
        term.value
        for row in result.rows
        for term in (row[i] for i in columns)
        if isinstance(term, pyoxigraph.NamedNode)
    }
    return sorted(found)


def fetch_labels(engine: Engine, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """IRI → its label by :func:`kgtool.labels.choose_label`: ``lang``, then the other language,
    then any; ``rdfs:label`` before ``skos:prefLabel``; then the smallest text. IRIs without a
    label are left out.

    :param lang: ``en`` or ``ja``.
    """
    import pyoxigraph

    iris = list(iris)
    if not iris:
        return {}
    values = " ".join(str(pyoxigraph.NamedNode(iri)) for iri in iris)
    found: dict[str, list[tuple[str, str | None, str]]] = {}
    for entity, prop, label in engine.query(_LABELS % values).rows:
        if entity is None or prop is None or label is None:  # bound by the query's pattern
            continue
        language = label.language if isinstance(label, pyoxigraph.Literal) else None
        found.setdefault(entity.value, []).append((prop.value, language, label.value))
    labels = {iri: choose_label(candidates, lang) for iri, candidates in found.items()}
    return {iri: label for iri, label in sorted(labels.items()) if label is not None}


# --- SELECT / ASK writers ------------------------------------------------------------------------


def _rename_blank_nodes(rows: Iterable[Sequence[Term | None]]) -> Iterator[list[Term | None]]:
    """Blank nodes renamed b0, b1, … in order of appearance, so output does not vary by run."""
    import pyoxigraph

    names: dict[str, pyoxigraph.BlankNode] = {}
    for row in rows:
        new_row: list[Term | None] = []
        for term in row:
            if isinstance(term, pyoxigraph.BlankNode):
                term = names.setdefault(term.value, pyoxigraph.BlankNode(f"b{len(names)}"))
            new_row.append(term)
        yield new_row


def _boolean(answer: bool | None, output_format: OutputFormat) -> str:
    if output_format is OutputFormat.JSON:
        import json

        return json.dumps({"head": {}, "boolean": bool(answer)}, indent=2) + "\n"
    if output_format is OutputFormat.XML:
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}">\n  <head/>\n'
            f"  <boolean>{str(bool(answer)).lower()}</boolean>\n</sparql>\n"
        )
    return f"{str(bool(answer)).lower()}\n"


def _kind(term: Term) -> str:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return "uri"
    if isinstance(term, pyoxigraph.BlankNode):
        return "bnode"
    return "literal"


def _display(term: Term | None, labels: Mapping[str, str], use_labels: bool) -> str:
    """What ``table`` and ``md`` show for a term: a label or CURIE, a literal's text, ``_:b0``."""
    if term is None:
        return ""
    kind = _kind(term)
    if kind == "uri":
        return labels.get(term.value, shorten(term.value)) if use_labels else shorten(term.value)
    if kind == "bnode":
        return f"_:{term.value}"
    return term.value


def _display_rows(
    variables: Sequence[str], rows: list[list[Term | None]], labels: Mapping[str, str]
) -> list[list[str]]:
    use = [f"{v}Label" not in variables for v in variables]
    return [[_display(term, labels, use[i]) for i, term in enumerate(row)] for row in rows]


def _table(
    variables: Sequence[str], rows: list[list[Term | None]], labels: Mapping[str, str]
) -> str:
    body = [
        [escape_controls(cell) for cell in row] for row in _display_rows(variables, rows, labels)
    ]
    return format_table(variables, body)


def _markdown_cell(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return escape_controls(text.replace("\r\n", "<br>").replace("\n", "<br>"))


def _markdown(
    variables: Sequence[str], rows: list[list[Term | None]], labels: Mapping[str, str]
) -> str:
    lines = [
        "| " + " | ".join(variables) + " |",
        "|" + "|".join(" --- " for _ in variables) + "|",
    ]
    for row in _display_rows(variables, rows, labels):
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"


def _csv(variables: Sequence[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    import csv  # here and json below: only their formats need them (start-up of kgtool query)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: Sequence[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield line(variables)
    for row in rows:
        yield line(
            ["" if t is None else f"_:{t.value}" if _kind(t) == "bnode" else t.value for t in row]
        )


_TURTLE_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
}


def _turtle_term(term: Term | None) -> str:
    """A term in Turtle syntax for TSV; numbers written bare when Turtle reads them back alike."""
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Literal) and term.language is None:
        pattern = _TURTLE_NUMBER.get(term.datatype.value)
        if pattern and pattern.fullmatch(term.value):
            return term.value
    return str(term)


def _tsv(variables: Sequence[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in variables) + "\n"
    for row in rows:
        yield "\t".join(_turtle_term(t) for t in row) + "\n"


def json_term(term: Term) -> dict[str, str]:
    """A term as an RDF term object of the SPARQL 1.1 Query Results JSON Format."""
    import pyoxigraph

    if not isinstance(term, pyoxigraph.Literal):
        return {"type": _kind(term), "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def _binding(variables: Sequence[str], row: Sequence[Term | None]) -> dict[str, dict[str, str]]:
    return {
        var: json_term(term) for var, term in zip(variables, row, strict=True) if term is not None
    }


def result_json(result: QueryResult) -> dict[str, object]:
    """The result as a SPARQL 1.1 Query Results JSON object; unbound variables are left out."""
    if result.kind is QueryKind.ASK:
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [_binding(result.variables, row) for row in _rename_blank_nodes(result.rows)]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json(variables: Sequence[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    """The JSON results format written one binding at a time, indented as ``json.dumps(indent=2)``."""
    import json

    head = json.dumps({"vars": list(variables)}, ensure_ascii=False, indent=2)
    yield '{\n  "head": ' + head.replace("\n", "\n  ") + ',\n  "results": {\n    "bindings": ['
    separator = "\n"
    for row in rows:
        binding = json.dumps(_binding(variables, row), ensure_ascii=False, indent=2)
        yield separator + "      " + binding.replace("\n", "\n      ")
        separator = ",\n"
    yield ("\n    ]" if separator != "\n" else "]") + "\n  }\n}\n"


# Compiled on first use (re caches it): a class reaching \uffff takes milliseconds to compile.
_XML_INVALID = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _xml_text(text: str) -> str:
    if found := re.search(_XML_INVALID, text):
        raise FormatError(
            f"the value {text[:40]!r} holds the character U+{ord(found.group()):04X}, which XML cannot contain",
            hint="use --format json or tsv",
        )
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _xml(variables: Sequence[str], rows: Iterable[list[Term | None]]) -> Iterator[str]:
    yield f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}">\n  <head>\n'
    yield "".join(f'    <variable name="{_xml_text(v)}"/>\n' for v in variables)
    yield "  </head>\n  <results>\n"
    for row in rows:
        out = ["    <result>"]
        for var, term in zip(variables, row, strict=True):
            if term is None:
                continue
            kind = _kind(term)
            if kind == "literal":
                value = json_term(term)
                attribute = (
                    f' xml:lang="{_xml_text(value["xml:lang"])}"'
                    if "xml:lang" in value
                    else f' datatype="{_xml_text(value["datatype"])}"'
                    if "datatype" in value
                    else ""
                )
                element = f"<literal{attribute}>{_xml_text(term.value)}</literal>"
            else:
                element = f"<{kind}>{_xml_text(term.value)}</{kind}>"
            out.append(f'      <binding name="{_xml_text(var)}">{element}</binding>')
        out.append("    </result>\n")
        yield "\n".join(out)
    yield "  </results>\n</sparql>\n"


# --- graph writers -----------------------------------------------------------------------------


def _sorted_triples(triples: Iterable[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """Triples sorted, blank nodes renamed b0, b1, … in that order, then sorted again."""
    import pyoxigraph

    def key(triple: pyoxigraph.Triple, blank: str = "") -> tuple[str, str, str]:
        def text(term: object) -> str:
            return blank if isinstance(term, pyoxigraph.BlankNode) and blank else str(term)

        return text(triple.subject), text(triple.predicate), text(triple.object)

    ordered = sorted(set(triples), key=lambda t: (key(t, "_:"), key(t)))
    names: dict[str, pyoxigraph.BlankNode] = {}

    def renamed(triple: pyoxigraph.Triple) -> pyoxigraph.Triple:
        subject, obj = triple.subject, triple.object
        if isinstance(subject, pyoxigraph.BlankNode):
            subject = names.setdefault(subject.value, pyoxigraph.BlankNode(f"b{len(names)}"))
        if isinstance(obj, pyoxigraph.BlankNode):
            obj = names.setdefault(obj.value, pyoxigraph.BlankNode(f"b{len(names)}"))
        return pyoxigraph.Triple(subject, triple.predicate, obj)

    return sorted((renamed(t) for t in ordered), key=key)


def _jsonld_node(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Triple) -> str:
    import pyoxigraph

    if isinstance(term, pyoxigraph.Triple):  # RDF-star: kgtool's data has none
        raise FormatError("JSON-LD output cannot hold a quoted triple", hint="use --format nt")
    return f"_:{term.value}" if isinstance(term, pyoxigraph.BlankNode) else _compact(term.value)


def _compact(iri: str) -> str:
    short = shorten(iri)
    return iri if short.startswith("<") else short


def _jsonld(triples: list[pyoxigraph.Triple]) -> str:
    import json

    import pyoxigraph

    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        subject = _jsonld_node(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        obj = triple.object
        if triple.predicate.value == RDF_TYPE and isinstance(obj, pyoxigraph.NamedNode):
            node.setdefault("@type", []).append(_compact(obj.value))
            continue
        if not isinstance(obj, pyoxigraph.Literal):
            value: dict[str, str] = {"@id": _jsonld_node(obj)}
        elif obj.language:
            value = {"@value": obj.value, "@language": obj.language}
        elif obj.datatype.value == XSD_STRING:
            value = {"@value": obj.value}
        else:
            value = {"@value": obj.value, "@type": _compact(obj.datatype.value)}
        node.setdefault(_compact(triple.predicate.value), []).append(value)
    document = {"@context": used_prefixes(triples), "@graph": list(nodes.values())}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "ASK_FORMATS",
    "FORMAT_NAMES",
    "GRAPH_FORMATS",
    "LABELLED_FORMATS",
    "LANGUAGES",
    "OutputFormat",
    "RESULT_FORMATS",
    "STREAMED_FORMATS",
    "check_format",
    "default_format",
    "fetch_labels",
    "iris_to_label",
    "json_term",
    "format_result",
    "result_chunks",
    "result_json",
]
