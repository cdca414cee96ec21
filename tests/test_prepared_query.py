"""A query is read once: the CLI, the query layer and the engines share one PreparedQuery."""

from __future__ import annotations

import collections
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from click.testing import CliRunner

import kgtool.rdf.sparql as sparql_module
from kgtool.cli import cli
from kgtool.errors import UnsafeQueryError
from kgtool.graph import load_store
from kgtool.project import find_project
from kgtool.rdf.sparql import QueryKind, prepare


@pytest.fixture
def tokenized(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Counts how often each text is tokenized."""
    calls: collections.Counter[str] = collections.Counter()
    original = sparql_module.tokenize

    def counting(text: str) -> list[sparql_module.Token]:
        calls[text] += 1
        return original(text)

    monkeypatch.setattr(sparql_module, "tokenize", counting)
    return calls


@pytest.mark.parametrize(
    "args",
    [
        ["query", "training-costs"],
        ["query", "training-costs", "--engine", "rdflib"],
        ["query", "rivals", "-p", "actor=DeepSeek", "--format", "md"],
        ["sparql", "SELECT ?s WHERE { ?s a ?_class_iri } LIMIT 1", "-p", "class=kgo:Company"],
    ],
)
def test_each_text_is_tokenized_once_per_run(
    repo: Path, tokenized: collections.Counter[str], args: list[str]
) -> None:
    result = CliRunner().invoke(cli, [*args, "--root", str(repo)])
    assert result.exit_code == 0, result.output
    user_text = args[1] if args[0] == "sparql" else (repo / "queries" / f"{args[1]}.rq").read_text()
    assert tokenized[user_text] == 1
    assert set(tokenized.values()) == {1}, tokenized.most_common(3)


def _servers() -> Any:
    """tests/servers.py, loaded once by path (the tests folder is not a package)."""
    name = "kgtool_test_servers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("servers.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def endpoint(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = load_store(find_project(root=repo).data_files)
    server = _servers().start_oxigraph(
        store.dump(format=pyoxigraph.RdfFormat.N_QUADS), tmp_path_factory.mktemp("oxigraph")
    )
    yield server.url
    server.stop()


@pytest.mark.server
def test_each_text_is_tokenized_once_on_an_endpoint(
    repo: Path, endpoint: str, tokenized: collections.Counter[str]
) -> None:
    args = ["query", "rivals", "-p", "actor=DeepSeek", "--endpoint", endpoint, "--root", str(repo)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert tokenized[(repo / "queries" / "rivals.rq").read_text()] == 1
    assert set(tokenized.values()) == {1}, tokenized.most_common(3)


def test_prepared_query_holds_form_variables_parameters_and_verdict() -> None:
    query = prepare("SELECT ?a WHERE { SERVICE <http://e/> { ?a ?p ?_x } }", source="q.rq")
    assert (query.form, query.kind, query.variables) == (
        "SELECT",
        QueryKind.SELECT,
        ("a", "p", "_x"),
    )
    assert [t.text for t in query.parameters] == ["?_x"]
    refusal = query.refusal
    assert isinstance(refusal, UnsafeQueryError)
    assert str(refusal).startswith("q.rq:1:19: SERVICE would query a remote endpoint")
    allowed = query.allowing(["http://e/"])
    assert allowed.refusal is None
    assert allowed.tokens is query.tokens  # judged again without reading the text again
