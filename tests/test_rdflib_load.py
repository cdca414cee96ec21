"""The rdflib engine's load parses each file once (pyoxigraph), converting terms for rdflib."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kgtool.graph import graph_name, load_rdflib

EX = "http://example.org/"


def test_each_file_is_parsed_once_by_pyoxigraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib parsed a file")

    monkeypatch.setattr(rdflib.Graph, "parse", refuse)
    turtle = tmp_path / "a.ttl"
    turtle.write_text(
        f'@prefix : <{EX}> .\n:a :n 7 ; :label "A"@en, "plain", "x"^^<http://www.w3.org/2001/XMLSchema#string> ; :b [ :c :d ] .\n',
        encoding="utf-8",
    )
    trig = tmp_path / "b.trig"
    trig.write_text(f"<{EX}e> <{EX}f> <{EX}g> .\n<{EX}G> {{ <{EX}h> <{EX}i> <{EX}j> }}\n")
    dataset = load_rdflib([turtle, trig])
    a = dataset.graph(rdflib.URIRef(graph_name(turtle)))
    ex = rdflib.Namespace(EX)
    assert set(a.objects(ex.a, ex.label)) == {
        rdflib.Literal("A", lang="en"),
        rdflib.Literal("plain"),
        rdflib.Literal("x"),  # xsd:string is the plain literal, as pyoxigraph reads it
    }
    assert a.value(ex.a, ex.n) == rdflib.Literal(7)
    blank = a.value(ex.a, ex.b)
    assert isinstance(blank, rdflib.BNode) and a.value(blank, ex.c) == ex.d
    assert (ex.e, ex.f, ex.g) in dataset.default_context
    assert (ex.h, ex.i, ex.j) in dataset.graph(ex.G)
    assert len(dataset) == 8  # the union default graph: every statement once
