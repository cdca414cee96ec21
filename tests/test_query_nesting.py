"""Queries the engines handle badly (issue 10 appendix): deep nesting is refused before any engine
sees it (~2,200 nested groups crashed Oxigraph with a segfault, 40 gave rdflib a 3,000-line
RecursionError), and Oxigraph's syntax errors are said in words."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from support import invoke, write_project

from kgtool.engines.oxigraph import OxigraphEngine
from kgtool.errors import QueryError
from kgtool.rdf.sparql import MAX_NESTING

ENGINES = ("oxigraph", "rdflib")


def groups(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth


def parentheses(depth: int) -> str:
    # the WHERE group and FILTER's own parentheses count too
    return (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (depth - 2) + "?o" + ")" * (depth - 2) + ") }"
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(
        tmp_path_factory.mktemp("nesting"),
        ontology={"o.ttl": ""},
        graph={"g.ttl": "<http://a/s> <http://a/p> true .\n"},
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("build", [groups, parentheses])
def test_the_limit_runs_and_one_more_is_refused(
    root: Path, engine: str, build: Callable[[int], str]
) -> None:
    ok = invoke("sparql", build(MAX_NESTING), "--root", str(root), "--engine", engine)
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.count("<http://a/s>") == 1
    deep = invoke("sparql", build(MAX_NESTING + 1), "--root", str(root), "--engine", engine)
    assert deep.exit_code == 2
    text = build(MAX_NESTING + 1)
    column = [i for i, char in enumerate(text) if char in "{("][MAX_NESTING] + 1
    assert deep.stderr.startswith(f"Error: query:1:{column}: the query nests groups")
    assert f"nests groups, parentheses or brackets more than {MAX_NESTING} deep" in deep.stderr
    assert len(deep.stderr.splitlines()) == 1


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", [groups(2200), parentheses(5000)])
def test_crashing_depths_get_one_line_not_a_crash(root: Path, engine: str, query: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kgtool", "sparql", "-", "--root", str(root), "--engine", engine],
        input=query,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr[-300:]
    assert result.stderr.startswith("Error: stdin:1:") or result.stderr.startswith(
        "Error: query:1:"
    )
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "SELECT * WHERE { ?s ?p ?o } ORDER BY",
            'query:1:37: SPARQL syntax error: expected one of "$", "(", ":", "<", "?", a name',
        ),
        (
            "SELECT * WHERE { ?s ?p }",
            "query:1:25: SPARQL syntax error: expected one of LATERAL, SERVICE",
        ),
        ('SELECT * WHERE { ?s ?p "a"@ }', "query:1:30: SPARQL syntax error: unexpected text"),
    ],
)
def test_syntax_errors_say_what_was_expected_in_words(query: str, expected: str) -> None:
    """Oxigraph lists character classes as ~600 characters of Unicode ranges; kgtool names them."""
    engine = OxigraphEngine(pyoxigraph.Store())
    with pytest.raises(QueryError) as raised:
        engine.query(query)
    message = str(raised.value)
    assert message.startswith(expected + " (hint:"), message
    assert "\\u{" not in message and len(message) < 200
