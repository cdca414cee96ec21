"""A query is read once: the CLI, the query layer and the engines share one PreparedQuery."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from click.testing import CliRunner

import kgtool.rdf.sparql as sparql_module
from kgtool.cli import cli
from kgtool.errors import UnsafeQueryError
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
