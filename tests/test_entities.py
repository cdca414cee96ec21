"""Resolving IRIs, CURIEs and labels to entities, on a small in-code graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgtool.engines import OxigraphEngine
from kgtool.entities import resolve_entity
from kgtool.errors import EntityNotFoundError
from kgtool.namespaces import KGO, KGR

DATA = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix kgr: <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kgo:Startup rdfs:subClassOf kgo:Company .
kgr:DeepSeek a kgo:Startup ; rdfs:label "DeepSeek"@en, "DeepSeek"@ja ; skos:altLabel "ディープシーク"@ja .
kgr:Mercury a kgo:Company ; rdfs:label "Mercury"@en .
kgr:MercuryPlanet a kgo:Planet ; rdfs:label "mercury"@en .
"""


@pytest.fixture()
def engine(turtle_engine: Callable[..., OxigraphEngine]) -> OxigraphEngine:
    return turtle_engine(DATA)


@pytest.mark.parametrize(
    "text",
    [
        "kgr:DeepSeek",
        f"<{KGR}DeepSeek>",
        f"{KGR}DeepSeek",
        "DeepSeek",
        "deepseek",
        "ディープシーク",
        " DeepSeek ",
    ],
)
def test_resolves_every_way_of_naming(engine: OxigraphEngine, text: str) -> None:
    assert resolve_entity(engine, text).value == KGR + "DeepSeek"


def test_class_restricts_and_follows_subclasses(engine: OxigraphEngine) -> None:
    assert resolve_entity(engine, "mercury", KGO + "Company").value == KGR + "Mercury"
    assert resolve_entity(engine, "DeepSeek", KGO + "Company").value == KGR + "DeepSeek"


def test_ambiguous_label_lists_candidates(engine: OxigraphEngine) -> None:
    with pytest.raises(EntityNotFoundError) as caught:
        resolve_entity(engine, "Mercury")
    assert (
        str(caught.value)
        == "'Mercury' is ambiguous: kgr:Mercury, kgr:MercuryPlanet (hint: use one of these CURIEs)"
    )


def test_unknown_label_and_iri(engine: OxigraphEngine) -> None:
    with pytest.raises(EntityNotFoundError, match="no entity is labelled 'Nvidia'"):
        resolve_entity(engine, "Nvidia")
    with pytest.raises(EntityNotFoundError, match="kgr:Nvidia does not occur in the graph"):
        resolve_entity(engine, "kgr:Nvidia")
    with pytest.raises(EntityNotFoundError, match="kgr:MercuryPlanet is not a kgo:Company"):
        resolve_entity(engine, "kgr:MercuryPlanet", KGO + "Company")


def test_rdflib_engine_binds_a_string_parameter_equal_to_a_plain_literal(tmp_path: Path) -> None:
    import pyoxigraph

    from kgtool.engines import RdflibEngine

    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    sparql = "SELECT ?s WHERE { ?s ?p ?_text }"
    for engine in (RdflibEngine.from_files([path]), OxigraphEngine.from_files([path])):
        rows = engine.query(sparql, {"_text": pyoxigraph.Literal("DeepSeek", language="en")}).rows
        assert [row[0].value for row in rows] == [KGR + "DeepSeek"]
    plain = tmp_path / "plain.ttl"
    plain.write_text('<urn:a> <urn:p> "x" .', encoding="utf-8")
    for engine in (RdflibEngine.from_files([plain]), OxigraphEngine.from_files([plain])):
        rows = engine.query(sparql, {"_text": pyoxigraph.Literal("x")}).rows
        assert [row[0].value for row in rows] == ["urn:a"], engine.name


def test_a_labelled_blank_node_is_not_an_entity(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(DATA + '[] rdfs:label "Venus"@en .\n', encoding="utf-8")
    with pytest.raises(EntityNotFoundError, match="no entity is labelled 'Venus'"):
        resolve_entity(OxigraphEngine.from_files([path]), "Venus")
