"""Writing query results: SPARQL result formats for SELECT/ASK, RDF formats for graphs.

SELECT and ASK results can be written as

* ``table`` — aligned columns for a terminal, IRIs shown by their ``rdfs:label`` (see
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

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING

from kgtool.engines import QueryKind, QueryResult
from kgtool.errors import FormatError
from kgtool.namespaces import PREFIXES, RDF_TYPE, XSD, shorten

if TYPE_CHECKING:
    from kgtool.engines import Engine, Term

XSD_STRING = XSD + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
#: Label languages offered by ``--lang``; the first is the default.
LANGUAGES = ("en", "ja")


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
#: Formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS = (OutputFormat.TURTLE, OutputFormat.NT, OutputFormat.JSONLD)
#: Formats that show IRIs by their labels.
LABELLED_FORMATS = (OutputFormat.TABLE, OutputFormat.MD)
FORMAT_NAMES = tuple(f.value for f in OutputFormat)


def default_format(kind: QueryKind, terminal: bool) -> OutputFormat:
    """The format used when ``--format`` is not given.

    ``table`` on a terminal, ``tsv`` when stdout is a pipe or file (one row per line, every
    term kept exactly), ``turtle`` for graph results.

    >>> default_format(QueryKind.SELECT, terminal=False).value
    'tsv'
    >>> default_format(QueryKind.GRAPH, terminal=True).value
    'turtle'
    """
    if kind is QueryKind.GRAPH:
        return OutputFormat.TURTLE
    return OutputFormat.TABLE if terminal else OutputFormat.TSV


def check_format(kind: QueryKind, output_format: OutputFormat) -> None:
    """Refuse a format that cannot hold this kind of result.

    :raises FormatError: e.g. ``turtle`` for a SELECT result, ``json`` for a CONSTRUCT result.

    >>> check_format(QueryKind.ASK, OutputFormat.JSON)
    >>> check_format(QueryKind.SELECT, OutputFormat.TURTLE)
    Traceback (most recent call last):
    ...
    kgtool.errors.FormatError: --format turtle cannot hold a SELECT result (hint: use one of: table, csv, tsv, json, xml, md)
    """
    allowed = GRAPH_FORMATS if kind is QueryKind.GRAPH else RESULT_FORMATS
    if output_format not in allowed:
        what = (
            "a CONSTRUCT/DESCRIBE"
            if kind is QueryKind.GRAPH
            else f"a{'n' if kind is QueryKind.ASK else ''} {kind.value.upper()}"
        )
        raise FormatError(
            f"--format {output_format.value} cannot hold {what} result",
            hint="use one of: " + ", ".join(f.value for f in allowed),
        )


def format_result(
    result: QueryResult,
    output_format: OutputFormat,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The result written in ``output_format``, ending with a newline.

    :param labels: IRI → display label, used by ``table`` and ``md`` (see :func:`fetch_labels`).
    :raises FormatError: when the format does not fit the result kind, or a value cannot be
        written in it (XML cannot hold control characters such as NUL).

    >>> import pyoxigraph
    >>> result = QueryResult(QueryKind.SELECT, ("n",), ((pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode(XSD + "integer")),),))
    >>> print(format_result(result, OutputFormat.TSV), end="")
    ?n
    1
    """
    check_format(result.kind, output_format)
    if result.kind is QueryKind.GRAPH:
        triples = _sorted_triples(result.triples)
        if output_format is OutputFormat.NT:
            return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        if output_format is OutputFormat.JSONLD:
            return _jsonld(triples)
        return _turtle(triples)
    rows = _rename_blank_nodes(result.rows)
    writer = {
        OutputFormat.TABLE: _table,
        OutputFormat.MD: _markdown,
        OutputFormat.CSV: _csv,
        OutputFormat.TSV: _tsv,
        OutputFormat.JSON: _json,
        OutputFormat.XML: _xml,
    }[output_format]
    return writer(result, rows, labels or {})


# --- labels -----------------------------------------------------------------------------------

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?entity ?label WHERE {
  VALUES ?entity { %s }
  ?entity rdfs:label ?label .
}
"""


def iris_to_label(result: QueryResult) -> list[str]:
    """IRIs a labelled format shows by label: those in columns without a ``?xLabel`` companion.

    A column ``?actor`` next to ``?actorLabel`` already has its label beside it; it is shown
    as a CURIE instead.
    """
    import pyoxigraph

    columns = [i for i, v in enumerate(result.variables) if f"{v}Label" not in result.variables]
    found = {
        row[i].value
        for row in result.rows
        for i in columns
        if isinstance(row[i], pyoxigraph.NamedNode)
    }
    return sorted(found)


def fetch_labels(engine: Engine, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """IRI → its ``rdfs:label`` in ``lang``, else in the other language, else any label.

    When an IRI has several labels in the chosen language the smallest (by code point) wins,
    so the choice is deterministic. IRIs without a label are left out.

    :param lang: ``en`` or ``ja``.
    """
    import pyoxigraph

    iris = list(iris)
    if not iris:
        return {}
    values = " ".join(str(pyoxigraph.NamedNode(iri)) for iri in iris)
    order = [lang, *(other for other in LANGUAGES if other != lang)]
    best: dict[str, tuple[int, str]] = {}
    for entity, label in engine.query(_LABELS % values).rows:
        tag = (label.language or "") if isinstance(label, pyoxigraph.Literal) else ""
        rank = order.index(tag) if tag in order else len(order)
        candidate = (rank, label.value)
        if entity.value not in best or candidate < best[entity.value]:
            best[entity.value] = candidate
    return {iri: best[iri][1] for iri in sorted(best)}


# --- SELECT / ASK writers ------------------------------------------------------------------------


def _rename_blank_nodes(rows: Sequence[Sequence[Term | None]]) -> list[list[Term | None]]:
    """Blank nodes renamed b0, b1, … in order of appearance, so output does not vary by run."""
    import pyoxigraph

    names: dict[str, pyoxigraph.BlankNode] = {}
    renamed = []
    for row in rows:
        new_row: list[Term | None] = []
        for term in row:
            if isinstance(term, pyoxigraph.BlankNode):
                term = names.setdefault(term.value, pyoxigraph.BlankNode(f"b{len(names)}"))
            new_row.append(term)
        renamed.append(new_row)
    return renamed


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
    result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]
) -> list[list[str]]:
    use = [f"{v}Label" not in result.variables for v in result.variables]
    return [[_display(term, labels, use[i]) for i, term in enumerate(row)] for row in rows]


def _width(text: str) -> int:
    """Terminal columns ``text`` takes: East Asian wide and fullwidth characters count two."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
        for ch in text
    )


_CONTROL = r"[\x00-\x1f\x7f]"


def _one_line(text: str) -> str:
    """Control characters shown as escapes, so each row stays on one line."""
    return re.sub(
        _CONTROL,
        lambda m: {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(
            m.group(), f"\\x{ord(m.group()):02x}"
        ),
        text,
    )


def _table(result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]) -> str:
    if result.kind is QueryKind.ASK:
        return f"{str(result.boolean).lower()}\n"
    header = list(result.variables)
    body = [[_one_line(cell) for cell in row] for row in _display_rows(result, rows, labels)]
    widths = [max([_width(h), *(_width(row[i]) for row in body)]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return (
            "  ".join(
                cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells)
            ).rstrip()
            + "\n"
        )

    text = line(header) + line(["-" * w for w in widths]) + "".join(line(row) for row in body)
    count = len(body)
    return text + f"({count} row{'' if count == 1 else 's'})\n"


def _markdown_cell(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return _one_line(text.replace("\r\n", "<br>").replace("\n", "<br>"))


def _markdown(result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]) -> str:
    if result.kind is QueryKind.ASK:
        return f"{str(result.boolean).lower()}\n"
    lines = [
        "| " + " | ".join(result.variables) + " |",
        "|" + "|".join(" --- " for _ in result.variables) + "|",
    ]
    for row in _display_rows(result, rows, labels):
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"


def _csv(result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]) -> str:
    if result.kind is QueryKind.ASK:
        return f"{str(result.boolean).lower()}\r\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in rows:
        writer.writerow(
            ["" if t is None else f"_:{t.value}" if _kind(t) == "bnode" else t.value for t in row]
        )
    return buffer.getvalue()


_TURTLE_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
}


def _turtle_term(term: Term | None) -> str:
    """A term in Turtle syntax for TSV; numbers written bare when Turtle reads them back alike."""
    if term is None:
        return ""
    if _kind(term) == "literal" and term.language is None:
        pattern = _TURTLE_NUMBER.get(term.datatype.value)
        if pattern and pattern.fullmatch(term.value):
            return term.value
    return str(term)


def _tsv(result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]) -> str:
    if result.kind is QueryKind.ASK:
        return f"{str(result.boolean).lower()}\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_turtle_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def json_term(term: Term) -> dict[str, str]:
    """A term as an RDF term object of the SPARQL 1.1 Query Results JSON Format."""
    kind = _kind(term)
    if kind != "literal":
        return {"type": kind, "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def result_json(result: QueryResult) -> dict[str, object]:
    """The result as a SPARQL 1.1 Query Results JSON object; unbound variables are left out."""
    if result.kind is QueryKind.ASK:
        return {"head": {}, "boolean": bool(result.boolean)}
    rows = _rename_blank_nodes(result.rows)
    bindings = [
        {var: json_term(term) for var, term in zip(result.variables, row) if term is not None}
        for row in rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json(result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]) -> str:
    return json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n"


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


def _xml(result: QueryResult, rows: list[list[Term | None]], labels: Mapping[str, str]) -> str:
    out = ['<?xml version="1.0"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
    if result.kind is QueryKind.ASK:
        out += ["  <head/>", f"  <boolean>{str(result.boolean).lower()}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("  <head>")
    out += [f'    <variable name="{_xml_text(v)}"/>' for v in result.variables]
    out += ["  </head>", "  <results>"]
    for row in rows:
        out.append("    <result>")
        for var, term in zip(result.variables, row):
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
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


# --- graph writers -----------------------------------------------------------------------------


def _sorted_triples(triples: Iterable[object]) -> list:
    """Triples sorted, blank nodes renamed b0, b1, … in that order, then sorted again."""
    import pyoxigraph

    def key(triple: pyoxigraph.Triple, blank: str = "") -> tuple[str, str, str]:
        return tuple(
            blank if isinstance(t, pyoxigraph.BlankNode) and blank else str(t) for t in triple
        )  # type: ignore[return-value]

    ordered = sorted(set(triples), key=lambda t: (key(t, "_:"), key(t)))
    names: dict[str, pyoxigraph.BlankNode] = {}

    def rename(term: Term) -> Term:
        if isinstance(term, pyoxigraph.BlankNode):
            return names.setdefault(term.value, pyoxigraph.BlankNode(f"b{len(names)}"))
        return term

    renamed = [
        pyoxigraph.Triple(rename(t.subject), rename(t.predicate), rename(t.object)) for t in ordered
    ]
    return sorted(renamed, key=key)


def _used_prefixes(triples: Sequence[object]) -> dict[str, str]:
    import pyoxigraph

    iris: set[str] = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
            elif isinstance(term, pyoxigraph.Literal) and not term.language:
                iris.add(term.datatype.value)
    used = {shorten(iri).split(":", 1)[0] for iri in iris if not shorten(iri).startswith("<")}
    return {prefix: ns for prefix, ns in PREFIXES.items() if prefix in used}


def _turtle(triples: list) -> str:
    import pyoxigraph

    prefixes = _used_prefixes(triples)
    text = pyoxigraph.serialize(
        triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes
    ).decode("utf-8")
    body = [line for line in text.splitlines() if not line.startswith("@prefix ")]
    header = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in prefixes.items()]
    return (
        "\n".join([*header, *([""] if header and body else []), *body]) + "\n"
        if header or body
        else ""
    )


def _jsonld_node(term: Term) -> str:
    return f"_:{term.value}" if _kind(term) == "bnode" else _compact(term.value)


def _compact(iri: str) -> str:
    short = shorten(iri)
    return iri if short.startswith("<") else short


def _jsonld(triples: list) -> str:
    nodes: dict[str, dict[str, object]] = {}
    for triple in triples:
        subject = _jsonld_node(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate.value == RDF_TYPE and _kind(triple.object) == "uri":
            node.setdefault("@type", []).append(_compact(triple.object.value))  # type: ignore[union-attr]
            continue
        obj = triple.object
        if _kind(obj) != "literal":
            value: dict[str, str] = {"@id": _jsonld_node(obj)}
        elif obj.language:
            value = {"@value": obj.value, "@language": obj.language}
        elif obj.datatype.value == XSD_STRING:
            value = {"@value": obj.value}
        else:
            value = {"@value": obj.value, "@type": _compact(obj.datatype.value)}
        node.setdefault(_compact(triple.predicate.value), []).append(value)  # type: ignore[union-attr]
    document = {"@context": _used_prefixes(triples), "@graph": list(nodes.values())}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "FORMAT_NAMES",
    "GRAPH_FORMATS",
    "LABELLED_FORMATS",
    "LANGUAGES",
    "OutputFormat",
    "RESULT_FORMATS",
    "check_format",
    "default_format",
    "fetch_labels",
    "iris_to_label",
    "json_term",
    "format_result",
    "result_json",
]
