"""Every saved query gives the same answers on every engine (real graph/ data).

Engines: rdflib (the reference), embedded Oxigraph in memory and over a persistent ``--store``,
a real ``oxigraph serve`` and a private Virtuoso Open Source, both started by this module on
127.0.0.1 (see ``tests/servers.py``) and queried through :class:`kgtool.endpoint.EndpointEngine`.

Results are compared as multisets of rows, and as sequences when the query has ORDER BY (saved
queries promise deterministic output, so their ORDER BY must be total). The only normalisations
are purely representational, each documented in :func:`canonical_term`:

* blank-node labels are engine-local: every blank node compares equal to every other;
* Virtuoso writes booleans as ``"1"``/``"0"``: xsd:boolean compares by value (``true``/``false``).

Everything else (a missing label, a different datatype, a missing row) is a real difference to be
fixed in the query, not here.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

from kgtool.endpoint import EndpointEngine
from kgtool.engines import OxigraphEngine, QueryKind, QueryResult, RdflibEngine
from kgtool.engines.registry import ENGINES as REGISTERED
from kgtool.engines.registry import engine_class
from kgtool.graph import load_rdflib, load_store
from kgtool.project import find_project
from kgtool.queries import load_saved_query, run_query
from kgtool.sparql import tokenize
from kgtool.store import open_store

REPO = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
#: Registered local engines other than the two built below are compared too, from their files.
OTHER_LOCAL = tuple(name for name in REGISTERED if name not in ("oxigraph", "rdflib"))
ENGINES = ("oxigraph-memory", "oxigraph-store", "oxigraph-serve", "virtuoso", *OTHER_LOCAL)
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _servers() -> Any:
    """tests/servers.py, loaded once by path (the tests folder is not a package)."""
    name = "kgtool_test_servers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("servers.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def data_files() -> list[Path]:
    return find_project(root=REPO).data_files


@pytest.fixture(scope="module")
def memory_store(data_files: list[Path]) -> pyoxigraph.Store:
    return load_store(data_files)


@pytest.fixture(scope="module")
def oxigraph_serve(memory_store: pyoxigraph.Store, tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = _servers().start_oxigraph(
        memory_store.dump(format=pyoxigraph.RdfFormat.N_QUADS), tmp_path_factory.mktemp("oxigraph")
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso(memory_store: pyoxigraph.Store, tmp_path_factory: pytest.TempPathFactory) -> Any:
    triples = pyoxigraph.serialize(
        [q.triple for q in memory_store], format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    server = _servers().start_virtuoso(triples, tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def engines(
    data_files: list[Path],
    memory_store: pyoxigraph.Store,
    oxigraph_serve: Any,
    virtuoso: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    return {
        "rdflib": RdflibEngine(load_rdflib(data_files)),
        "oxigraph-memory": OxigraphEngine(memory_store),
        "oxigraph-store": open_store(tmp_path_factory.mktemp("store") / "store", data_files),
        "oxigraph-serve": EndpointEngine(oxigraph_serve.url, post=oxigraph_serve.post),
        "virtuoso": EndpointEngine(virtuoso.url, post=virtuoso.post),
        **{name: engine_class(name).from_files(data_files) for name in OTHER_LOCAL},
    }


@pytest.fixture(scope="module")
def reference() -> dict[str, QueryResult]:
    """rdflib's result per query, computed once."""
    return {}


def canonical_term(term: Any) -> str:
    """A term as compared across engines (see the module docstring for each normalisation)."""
    if term is None:
        return "UNBOUND"
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:blank"  # blank-node labels are local to one result
    if isinstance(term, pyoxigraph.Literal) and term.datatype.value == XSD_BOOLEAN:
        value = {"1": "true", "0": "false"}.get(term.value, term.value)  # Virtuoso writes 1/0
        return f'"{value}"^^<{XSD_BOOLEAN}>'
    return str(term)


def has_order_by(sparql: str) -> bool:
    words = [t.text.upper() for t in tokenize(sparql) if t.kind == "name"]
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:], strict=False))


def canonical(result: QueryResult, ordered: bool) -> Any:
    """What must be equal: the variables and rows (in order when ordered), the boolean or the graph."""
    if result.kind is QueryKind.ASK:
        return ("ask", result.boolean)
    if result.kind is QueryKind.GRAPH:
        dataset = pyoxigraph.Dataset(
            pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in result.triples
        )
        dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
        return ("graph", sorted(str(q) for q in dataset))
    rows = [tuple(canonical_term(t) for t in row) for row in result.rows]
    return ("select", result.variables, rows if ordered else sorted(Counter(rows).items()))


def describe_difference(expected: Any, actual: Any) -> str:
    if expected[0] != "select" or actual[0] != "select" or expected[1] != actual[1]:
        return f"expected {expected!r}\n got {actual!r}"
    want, got = Counter(map(tuple, expected[2])), Counter(map(tuple, actual[2]))
    if want == got:
        return "same rows in another order: make the query's ORDER BY total"
    missing, extra = list((want - got).elements()), list((got - want).elements())
    return f"{len(missing)} row(s) missing, e.g. {missing[:2]}\n{len(extra)} row(s) extra, e.g. {extra[:2]}"


def test_saved_queries_exist() -> None:
    assert len(QUERY_FILES) >= 10


@pytest.mark.server
@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("query_file", QUERY_FILES, ids=lambda p: p.stem)
def test_saved_query_agrees_with_rdflib(
    query_file: Path, engine_name: str, engines: dict[str, Any], reference: dict[str, QueryResult]
) -> None:
    query = load_saved_query(query_file)
    ordered = has_order_by(query.sparql)
    if query.name not in reference:
        reference[query.name] = run_query(engines["rdflib"], query)
    expected = canonical(reference[query.name], ordered)
    actual = canonical(run_query(engines[engine_name], query), ordered)
    assert actual == expected, f"{query.name} on {engine_name}: " + describe_difference(
        expected, actual
    )


@pytest.mark.server
def test_virtuoso_result_rows_are_not_capped(engines: dict[str, Any]) -> None:
    """Virtuoso's default ResultSetMaxRows (10,000) silently truncates; the test server lifts it."""
    query = "SELECT ?s ?p ?o ?n WHERE { ?s ?p ?o VALUES ?n { 1 2 3 4 5 } }"
    expected = len(engines["oxigraph-memory"].query(query).rows)
    assert expected > 10_000
    assert len(engines["virtuoso"].query(query).rows) == expected
