"""Reading the vendored W3C test manifests and comparing query results (test helper).

Loaded by path from the W3C test modules (the tests folder is not a package). Manifests are
parsed with pyoxigraph against their ``file:`` URI, so every action and result is a local path.
Terms are compared as plain tuples: ``("I", iri)``, ``("B", id)``, ``("L", lexical, datatype,
language)``; a simple literal is an ``xsd:string`` (RDF 1.1) and language tags are lower-cased.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph
import rdflib
import tomllib
from rdflib.compare import isomorphic

HERE = Path(__file__).resolve().parent
TURTLE_DIR = HERE / "turtle"
SPARQL_DIR = HERE / "sparql11"
#: The folders of the SPARQL 1.1 suite that are vendored (query evaluation only).
SPARQL_FOLDERS = (
    "aggregates",
    "bind",
    "bindings",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
)
#: Where the Turtle suite lives; each file's base IRI is its IRI there (see turtle/README).
TURTLE_BASE = "http://www.w3.org/2013/TurtleTests/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RDFT = "http://www.w3.org/ns/rdftest#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = RDF + "langString"

Term = tuple[str, ...]
Row = dict[str, Term]


@dataclass(frozen=True)
class TurtleTest:
    name: str
    kind: str  # TestTurtleEval, TestTurtlePositiveSyntax, TestTurtleNegativeSyntax, TestTurtleNegativeEval
    action: Path
    result: Path | None

    @property
    def positive(self) -> bool:
        return self.kind in ("TestTurtleEval", "TestTurtlePositiveSyntax")

    @property
    def base(self) -> str:
        return TURTLE_BASE + self.action.name


@dataclass(frozen=True)
class SparqlTest:
    id: str  # folder/name
    kind: str  # QueryEvaluationTest or CSVResultFormatTest
    query: Path
    data: Path | None
    #: Files loaded as named graphs, each named by its ``file:`` URI (as kgtool names them).
    graph_data: tuple[Path, ...]
    result: Path


def _manifest(path: Path) -> tuple[dict[str, dict[str, list[Any]]], list[str]]:
    """Subject → predicate → objects of a manifest, and its entries in order."""
    triples: dict[str, dict[str, list[Any]]] = {}
    first: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for triple in pyoxigraph.parse(path=str(path), base_iri=path.as_uri()):
        subject = str(triple.subject)
        triples.setdefault(subject, {}).setdefault(triple.predicate.value, []).append(triple.object)
        if triple.predicate.value == RDF + "first":
            first[subject] = triple.object
        elif triple.predicate.value == RDF + "rest":
            rest[subject] = triple.object
    manifest = next(
        s
        for s, p in triples.items()
        if pyoxigraph.NamedNode(MF + "Manifest") in p.get(RDF + "type", [])
    )
    node = triples[manifest][MF + "entries"][0]
    entries: list[str] = []
    while str(node) != f"<{RDF}nil>":
        entries.append(str(first[str(node)]))
        node = rest[str(node)]
    return triples, entries


def _path(term: Any) -> Path:
    return Path(unquote(term.value.removeprefix("file://")))


def turtle_tests() -> list[TurtleTest]:
    triples, entries = _manifest(TURTLE_DIR / "manifest.ttl")
    tests = []
    for entry in entries:
        props = triples[entry]
        result = props.get(MF + "result")
        tests.append(
            TurtleTest(
                name=entry.rpartition("#")[2].rstrip(">"),
                kind=props[RDF + "type"][0].value.rpartition("#")[2],
                action=_path(props[MF + "action"][0]),
                result=_path(result[0]) if result else None,
            )
        )
    return tests


def sparql_tests() -> list[SparqlTest]:
    """The query-evaluation tests of the vendored folders."""
    tests = []
    for folder in SPARQL_FOLDERS:
        triples, entries = _manifest(SPARQL_DIR / folder / "manifest.ttl")
        for entry in entries:
            props = triples[entry]
            kind = props[RDF + "type"][0].value.rpartition("#")[2]
            if kind not in ("QueryEvaluationTest", "CSVResultFormatTest"):
                continue
            action = triples[str(props[MF + "action"][0])]
            data = action.get(QT + "data")
            tests.append(
                SparqlTest(
                    id=f"{folder}/{entry.rpartition('#')[2].rstrip('>')}",
                    kind=kind,
                    query=_path(action[QT + "query"][0]),
                    data=_path(data[0]) if data else None,
                    graph_data=tuple(_path(g) for g in action.get(QT + "graphData", [])),
                    result=_path(props[MF + "result"][0]),
                )
            )
    return tests


#: rdflib's parser name for each data file suffix in the suites.
RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}


def expected_failures() -> dict[str, dict[str, str]]:
    """``expected_failures.toml``: section → test id → reason."""
    with (HERE / "expected_failures.toml").open("rb") as file:
        table = tomllib.load(file)
    return {
        f"{group}.{section}": entries
        for group, sections in table.items()
        for section, entries in sections.items()
    }


# --- terms -----------------------------------------------------------------------------------


def literal(value: str, datatype: str | None, language: str | None) -> Term:
    if language:
        return ("L", value, RDF_LANG_STRING, language.lower())
    return ("L", value, datatype or XSD_STRING, "")


def from_oxigraph(term: Any) -> Term:
    if isinstance(term, pyoxigraph.NamedNode):
        return ("I", term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("B", term.value)
    if isinstance(term, pyoxigraph.Literal):
        return literal(term.value, term.datatype.value, term.language)
    raise TypeError(f"unexpected term {term!r}")


def from_rdflib(term: Any) -> Term:
    if isinstance(term, rdflib.URIRef):
        return ("I", str(term))
    if isinstance(term, rdflib.BNode):
        return ("B", str(term))
    if isinstance(term, rdflib.Literal):
        return literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(f"unexpected term {term!r}")


def from_json(term: dict[str, str]) -> Term:
    """A term of the SPARQL 1.1 JSON results format."""
    if term["type"] == "uri":
        return ("I", term["value"])
    if term["type"] == "bnode":
        return ("B", term["value"])
    return literal(term["value"], term.get("datatype"), term.get("xml:lang"))


def csv_lossy(term: Term) -> Term:
    """A term as it survives CSV and as rdflib's CSV parser reads it back."""
    if term[0] == "I" and not term[1].startswith(("http://", "https://")):
        return literal(term[1], None, None)
    if term[0] == "L":
        return literal(term[1], None, None)
    return term


# --- results ---------------------------------------------------------------------------------


@dataclass
class Answer:
    """A query's answer, comparable with the expected one."""

    boolean: bool | None = None
    variables: tuple[str, ...] = ()
    rows: list[Row] | None = None
    graph: rdflib.Graph | None = None

    def describe(self) -> str:
        if self.boolean is not None:
            return f"ASK {self.boolean}"
        if self.graph is not None:
            return f"graph of {len(self.graph)} triples"
        return f"{len(self.rows or [])} rows {self.variables}"


def result_format(path: Path) -> str:
    return {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}.get(path.suffix, "ttl")


def expected_answer(test: SparqlTest) -> Answer:
    fmt = result_format(test.result)
    if fmt == "ttl":
        graph = rdflib.Graph()
        graph.parse(test.result, format="turtle", publicID=test.result.as_uri())
        return Answer(graph=graph)
    with test.result.open("rb") as file:
        parsed = rdflib.query.Result.parse(file, format=fmt)
    return rdflib_answer(parsed)


def rdflib_answer(result: Any) -> Answer:
    if result.type == "ASK":
        return Answer(boolean=bool(result.askAnswer))
    if result.type == "SELECT":
        variables = tuple(str(v) for v in result.vars)
        rows = [
            {str(v): from_rdflib(row[v]) for v in result.vars if row.get(v) is not None}
            for row in result.bindings
        ]
        return Answer(variables=variables, rows=rows)
    graph = rdflib.Graph()
    for triple in result.graph:
        graph.add(triple)
    return Answer(graph=graph)


def to_rdflib_term(term: Term) -> Any:
    if term[0] == "I":
        return rdflib.URIRef(term[1])
    if term[0] == "B":
        return rdflib.BNode(term[1])
    if term[3]:
        return rdflib.Literal(term[1], lang=term[3])
    datatype = None if term[2] == XSD_STRING else rdflib.URIRef(term[2])
    return rdflib.Literal(term[1], datatype=datatype)


def oxigraph_answer(result: Any) -> Answer:
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Answer(boolean=bool(result))
    if isinstance(result, pyoxigraph.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = [
            {v: from_oxigraph(solution[v]) for v in variables if solution[v] is not None}
            for solution in result
        ]
        return Answer(variables=variables, rows=rows)
    return Answer(
        graph=triples_graph(
            from_oxigraph(t)
            for triple in result
            for t in (triple.subject, triple.predicate, triple.object)
        )
    )


def triples_graph(terms: Iterable[Term]) -> rdflib.Graph:
    graph = rdflib.Graph()
    flat = list(terms)
    for i in range(0, len(flat), 3):
        graph.add(tuple(to_rdflib_term(t) for t in flat[i : i + 3]))  # type: ignore[arg-type]
    return graph


def json_answer(text: str) -> Answer:
    data = json.loads(text)
    if "boolean" in data:
        return Answer(boolean=bool(data["boolean"]))
    rows = [
        {v: from_json(t) for v, t in binding.items()} for binding in data["results"]["bindings"]
    ]
    return Answer(variables=tuple(data["head"]["vars"]), rows=rows)


def ordered(query: str) -> bool:
    """True when the outer query has ORDER BY (after the last closing brace)."""
    return re.search(r"\border\s+by\b", query.rpartition("}")[2], re.IGNORECASE) is not None


def _match_rows(actual: Sequence[Row], expected: Sequence[Row], in_order: bool) -> bool:
    """Bag (or sequence) equality of solution rows up to a renaming of blank nodes."""
    if len(actual) != len(expected):
        return False

    def fits(a: Row, e: Row, mapping: dict[str, str]) -> dict[str, str] | None:
        if a.keys() != e.keys():
            return None
        new = dict(mapping)
        for key, e_term in e.items():
            a_term = a[key]
            if e_term[0] == "B" and a_term[0] == "B":
                if new.setdefault(e_term[1], a_term[1]) != a_term[1]:
                    return None
            elif a_term != e_term:
                return None
        if len(set(new.values())) != len(new):
            return None
        return new

    def search(i: int, used: frozenset[int], mapping: dict[str, str]) -> bool:
        if i == len(expected):
            return True
        candidates = [i] if in_order else range(len(actual))
        for j in candidates:
            if j in used:
                continue
            new = fits(actual[j], expected[i], mapping)
            if new is not None and search(i + 1, used | {j}, new):
                return True
        return False

    return search(0, frozenset(), {})


def same_answer(actual: Answer, expected: Answer, query: str, lossy: bool = False) -> bool:
    if expected.boolean is not None:
        return actual.boolean == expected.boolean
    if expected.graph is not None:
        return actual.graph is not None and isomorphic(actual.graph, expected.graph)
    if actual.rows is None:
        return False
    rows = actual.rows
    if lossy:
        rows = [{k: csv_lossy(t) for k, t in row.items()} for row in rows]
    return _match_rows(rows, expected.rows or [], ordered(query))
