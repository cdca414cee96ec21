"""W3C SPARQL 1.1 query-evaluation tests (vendored in tests/w3c/sparql11), on both engines.

Each default-graph test runs twice per engine: on the raw engine (a pyoxigraph.Store or an
rdflib.Dataset holding the test data in its default graph, data and query parsed against their
``file:`` URIs) and through ``kgtool sparql -f QUERY --data DATA`` in an otherwise empty project.
Both answers are compared with the expected results (as bags, blank nodes up to renaming, in
order only under an outer ORDER BY). ``tests/w3c/expected_failures.toml`` lists what fails and
why: ``sparql.ENGINE`` for the engine itself, ``sparql.kgtool-ENGINE`` where the raw engine
passes and kgtool does not. A new failure and a test that starts passing both fail here.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from w3c import suite  # tests/w3c/suite.py (pyproject puts tests/ on the path)

from kgtool.cli import cli

TESTS = {test.id: test for test in suite.sparql_tests()}
EXPECTED = suite.expected_failures()
ENGINES = ("oxigraph", "rdflib")


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with no statements, so only the test's data is queried."""
    root = tmp_path_factory.mktemp("empty-project")
    for part in ("ontology", "graph"):
        (root / part).mkdir()
        (root / part / "empty.ttl").write_text("# no statements\n", encoding="utf-8")
    (root / "queries").mkdir()
    return root


def run_raw(test: suite.SparqlTest, expected: suite.Answer, engine: str) -> suite.Answer:
    query = test.query.read_text(encoding="utf-8")
    graphs = [(test.data, None)] if test.data is not None else []
    graphs += [(path, path.as_uri()) for path in test.graph_data]
    if engine == "oxigraph":
        store = pyoxigraph.Store()
        for path, name in graphs:
            store.load(
                path=str(path),
                format=pyoxigraph.RdfFormat.from_extension(path.suffix.lstrip(".")),
                base_iri=path.as_uri(),
                to_graph=pyoxigraph.NamedNode(name) if name else pyoxigraph.DefaultGraph(),
            )
        return suite.oxigraph_answer(store.query(query, base_iri=test.query.as_uri()))
    dataset = rdflib.Dataset()
    for path, name in graphs:
        graph = dataset.graph(rdflib.URIRef(name)) if name else dataset.default_graph
        graph.parse(path, publicID=path.as_uri(), format=suite.RDFLIB_FORMATS[path.suffix])
    return suite.rdflib_answer(dataset.query(query, base=test.query.as_uri()))


def kgtool_format(test: suite.SparqlTest, expected: suite.Answer) -> str:
    """The format kgtool writes: N-Triples for graphs; the expected file's own for CSV and TSV,
    so kgtool's writers for them are checked too; JSON (lossless) for the rest."""
    if expected.graph is not None:
        return "nt"
    result_format = suite.result_format(test.result)
    return result_format if result_format in ("csv", "tsv") else "json"


def run_kgtool(
    test: suite.SparqlTest,
    expected: suite.Answer,
    engine: str,
    root: Path,
    store: Path | None = None,
) -> suite.Answer:
    output_format = kgtool_format(test, expected)
    args = ["sparql", "-f", str(test.query), "--root", str(root), "--engine", engine]
    args += ["--store", str(store)] if store is not None else []
    args += ["--format", output_format]
    for path in ([test.data] if test.data is not None else []) + list(test.graph_data):
        args += ["--data", str(path)]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}")
    if result.exit_code != 0:
        raise AssertionError(f"exit {result.exit_code}: {result.stderr.strip()[:300]}")
    if output_format == "nt":
        triples = pyoxigraph.parse(result.stdout.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
        return suite.Answer(
            graph=suite.triples_graph(
                suite.from_oxigraph(t)
                for triple in triples
                for t in (triple.subject, triple.predicate, triple.object)
            )
        )
    if output_format == "json":
        return suite.json_answer(result.stdout)
    parsed = rdflib.query.Result.parse(io.BytesIO(result.stdout.encode()), format=output_format)
    return suite.rdflib_answer(parsed)


def outcome(
    run: object, test: suite.SparqlTest, expected: suite.Answer, *args: object
) -> str | None:
    """None when the run gives the expected answer, else what went wrong."""
    try:
        answer = run(test, expected, *args)  # type: ignore[operator]
    except Exception as error:  # an engine's own failure is a result here, not a crash
        return f"error: {type(error).__name__}: {str(error).strip().splitlines()[0][:200] if str(error).strip() else ''}"
    query = test.query.read_text(encoding="utf-8")
    lossy = suite.result_format(test.result) == "csv"
    if suite.same_answer(answer, expected, query, lossy=lossy):
        return None
    return f"wrong answer: {answer.describe()}, expected {expected.describe()}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("test_id", sorted(TESTS))
def test_sparql(test_id: str, engine: str, empty_project: Path) -> None:
    test = TESTS[test_id]
    expected = suite.expected_answer(test)
    raw = outcome(run_raw, test, expected, engine)
    through_kgtool = outcome(run_kgtool, test, expected, engine, empty_project)
    raw_known = EXPECTED.get(f"sparql.{engine}", {}).get(test_id)
    kgtool_known = EXPECTED.get(f"sparql.kgtool-{engine}", {}).get(test_id)
    assert (raw is not None) == (raw_known is not None), (
        f"raw {engine}: {raw or 'now passes: remove it from expected_failures.toml'}"
    )
    assert not (raw_known and kgtool_known), (
        "list a test under the engine or under kgtool, not both"
    )
    kgtool_fails = raw is not None or kgtool_known is not None
    assert (through_kgtool is not None) == kgtool_fails, (
        f"kgtool on {engine}: {through_kgtool or 'now passes: remove it from expected_failures.toml'}"
        f" (raw engine: {raw or 'passes'})"
    )


ORDERED = sorted(i for i, t in TESTS.items() if suite.ordered(t.query.read_text(encoding="utf-8")))


@pytest.mark.parametrize("test_id", ORDERED)
def test_ordered_queries_on_the_store(test_id: str, empty_project: Path, tmp_path: Path) -> None:
    """The on-disk store sorts ORDER BY rows itself (kgtool.engines.ordering): every test with an
    outer ORDER BY gives the answer kgtool gives in memory, in the expected order."""
    test = TESTS[test_id]
    expected = suite.expected_answer(test)
    in_memory = outcome(run_kgtool, test, expected, "oxigraph", empty_project)
    on_disk = outcome(run_kgtool, test, expected, "oxigraph", empty_project, tmp_path / "store")
    assert on_disk == in_memory


def test_expected_failures_name_real_tests() -> None:
    """A misspelt or stale id in the table would silently expect nothing."""
    sections = {f"sparql.{name}" for name in ENGINES} | {
        f"sparql.kgtool-{name}" for name in ENGINES
    }
    listed = {section: ids for section, ids in EXPECTED.items() if section.startswith("sparql.")}
    assert set(listed) <= sections
    for section, ids in listed.items():
        assert set(ids) <= set(TESTS), (section, sorted(set(ids) - set(TESTS)))
        assert all(reason.strip() for reason in ids.values()), section
