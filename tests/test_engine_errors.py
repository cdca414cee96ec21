"""What the engines answer for queries they cannot evaluate, solutions that bind nothing, and
``SELECT *`` column order (issue 10 points 4 and 6, and the rdflib empty-solution bug).

Each error is one line on stderr with exit code 2 and no traceback, on every engine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import invoke, write_project

from kgtool.engines import OxigraphEngine, RdflibEngine

DATA = "@prefix : <http://x/> .\n:a :p :b .\n:b :p :c .\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "kg", ontology={"empty.ttl": "# no statements\n"}, graph={"data.ttl": DATA}
    )


def sparql(project: Path, query: str, *options: str) -> tuple[int, str, str]:
    result = invoke("sparql", query, "--root", str(project), *options)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "path",
    ["!(^<http://x/p>)", "!(^<http://x/p>|<http://x/q>)", "!(^a)"],
    ids=["nps_inverse", "nps_direct_and_inverse", "nps_a_inverse"],
)
def test_rdflib_negated_inverse_paths_are_one_line_errors(project: Path, path: str) -> None:
    code, out, err = sparql(
        project, f"SELECT * WHERE {{ ?s {path} ?o }}", "--engine", "rdflib", "--format", "tsv"
    )
    assert (code, out) == (2, "")
    assert err.startswith("Error: rdflib cannot evaluate this query: Invalid path in NegatedPath")
    assert err.endswith("(hint: try --engine oxigraph)\n") and err.count("\n") == 1


def test_oxigraph_answers_what_rdflib_cannot(project: Path) -> None:
    code, out, _ = sparql(
        project, "SELECT * WHERE { ?s !(^<http://x/p>) ?o }", "--engine", "oxigraph"
    )
    assert code == 0 and out.startswith("?s\t?o\n")


@pytest.mark.parametrize(
    "query",
    [
        'SELECT (REPLACE("a", "(", "b") AS ?x) {}',
        'SELECT * { ?s ?p ?o FILTER regex(str(?o), "[") }',
    ],
)
def test_rdflib_invalid_regex_is_a_one_line_query_error(project: Path, query: str) -> None:
    code, out, err = sparql(project, query, "--engine", "rdflib")
    assert (code, out) == (2, "")
    assert err.startswith("Error: query: invalid regular expression '")
    assert err.count("\n") == 1


def test_oxigraph_unknown_function_is_a_one_line_query_error(project: Path) -> None:
    code, out, err = sparql(project, "SELECT (<http://x/f>(1) AS ?x) {}")
    assert (code, out) == (2, "")
    assert err == (
        "Error: query: Oxigraph cannot evaluate this query: The custom function <http://x/f> "
        "is not supported (hint: kgtool queries may call only the SPARQL 1.1 built-in functions)\n"
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Each query has one solution that binds no variable; rdflib's row iterator skipped it.
        ("SELECT ?x WHERE { OPTIONAL { ?s <http://x/none> ?x } }", "?x\n\n"),
        ("SELECT (1 AS ?a) ?b WHERE {} ", "?a\t?b\n1\t\n"),
        ('SELECT ?x WHERE { BIND(IF(false, "y", ?unbound) AS ?x) }', "?x\n\n"),
    ],
)
def test_solutions_binding_nothing_are_kept(
    project: Path, engine: str, query: str, expected: str
) -> None:
    code, out, _ = sparql(project, query, "--engine", engine, "--format", "tsv")
    assert (code, out) == (0, expected)


def test_empty_group_has_one_row_on_rdflib(tmp_path: Path) -> None:
    # W3C agg-empty-group: an aggregate over no solutions still gives one (empty) solution.
    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    engine = RdflibEngine.from_files([path])
    result = engine.query("SELECT ?x (MAX(?v) AS ?m) WHERE { ?x <http://x/none> ?v } GROUP BY ?x")
    assert (result.variables, result.rows) == (("x", "m"), ((None, None),))


STAR = "SELECT * WHERE { ?zeta <http://x/p> ?alpha . OPTIONAL { ?alpha <http://x/p> ?mid } }"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_select_star_columns_in_order_of_appearance(project: Path, engine: str) -> None:
    code, out, _ = sparql(project, STAR, "--engine", engine, "--format", "tsv")
    assert code == 0 and out.splitlines()[0] == "?zeta\t?alpha\t?mid"


def test_select_star_columns_do_not_depend_on_the_hash_seed(project: Path) -> None:
    # rdflib takes SELECT * columns from a set: its order changed with PYTHONHASHSEED.
    heads = set()
    for seed in ("0", "1", "2", "3"):
        completed = subprocess.run(
            [sys.executable, "-m", "kgtool", "sparql", "SELECT * { ?s ?p ?o }"]
            + ["--engine", "rdflib", "--root", str(project), "--format", "tsv"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        heads.add(completed.stdout.splitlines()[0])
    assert heads == {"?s\t?p\t?o"}


def test_explicit_projection_keeps_its_order(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    for engine in (OxigraphEngine.from_files([path]), RdflibEngine.from_files([path])):
        result = engine.query("SELECT ?o ?s WHERE { ?s ?p ?o }")
        assert result.variables == ("o", "s")
