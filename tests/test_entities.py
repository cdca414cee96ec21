"""Resolving IRIs, CURIEs and labels to entities, on a small in-code graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgtool.engines import OxigraphEngine
from kgtool.entities import find_entities, resolve_entity
from kgtool.errors import EntityNotFoundError, ParameterError
from kgtool.namespaces import KGO, KGR, RDFS_LABEL

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


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Deep Seek", "did you mean DeepSeek (kgr:DeepSeek)?"),
        ("ディープシーク社", "did you mean ディープシーク (kgr:DeepSeek)?"),
        ("Mercuri", "did you mean Mercury (kgr:Mercury) or mercury (kgr:MercuryPlanet)?"),
        (
            "Nvidia",
            "give an IRI, a CURIE (kgo:, kgr:) or an exact label",
        ),
    ],
)
def test_unknown_label_suggests_the_closest_labels(
    engine: OxigraphEngine, text: str, hint: str
) -> None:
    with pytest.raises(EntityNotFoundError) as caught:
        resolve_entity(engine, text)
    assert str(caught.value) == f"no entity is labelled {text!r} (hint: {hint})"


def test_ambiguous_label_names_at_most_ten_candidates(
    turtle_engine: Callable[..., OxigraphEngine],
) -> None:
    many = "".join(f'kgr:e{i:04} <{RDFS_LABEL}> "same" .\n' for i in range(2000))
    with pytest.raises(EntityNotFoundError) as caught:
        resolve_entity(turtle_engine(DATA + many), "same")
    names = ", ".join(f"kgr:e{i:04}" for i in range(10))
    assert str(caught.value) == (
        f"'same' is ambiguous: {names} and 1990 more (hint: use one of these CURIEs)"
    )


def test_invalid_utf8_in_a_name_is_one_line_with_the_byte_offset(engine: OxigraphEngine) -> None:
    # Click passes undecodable argument bytes on as lone surrogates (surrogateescape).
    name = b"Deep\xffSeek".decode("utf-8", "surrogateescape")
    with pytest.raises(ParameterError) as caught:
        resolve_entity(engine, name)
    assert str(caught.value) == (
        "the entity name is not valid UTF-8 (byte 0xff at byte offset 4) "
        "(hint: pass the text in UTF-8 (check the terminal's or script's encoding))"
    )


def test_find_entities_by_part_of_any_label_and_class(engine: OxigraphEngine) -> None:
    found = find_entities(engine, "ーク")
    assert [(e.curie, e.label, e.matched, e.classes) for e in found] == [
        ("kgr:DeepSeek", "DeepSeek", "ディープシーク", ("kgo:Startup",))
    ]
    assert [e.curie for e in find_entities(engine, "MERC")] == ["kgr:Mercury", "kgr:MercuryPlanet"]
    assert [e.curie for e in find_entities(engine, None, KGO + "Company")] == [
        "kgr:DeepSeek",
        "kgr:Mercury",
    ]
    assert [e.curie for e in find_entities(engine)] == [
        "kgr:DeepSeek",
        "kgr:Mercury",
        "kgr:MercuryPlanet",
    ]
    assert find_entities(engine, "nothing like it") == []


def test_no_suggestion_above_the_label_limit(
    engine: OxigraphEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kgtool.entities

    monkeypatch.setattr(kgtool.entities, "MAX_SUGGESTION_LABELS", 4)  # DATA holds 5 labels
    with pytest.raises(EntityNotFoundError) as caught:
        resolve_entity(engine, "Deep Seek")
    assert str(caught.value).endswith("(hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)")
    monkeypatch.setattr(kgtool.entities, "MAX_SUGGESTION_LABELS", 5)
    with pytest.raises(EntityNotFoundError, match="did you mean DeepSeek"):
        resolve_entity(engine, "Deep Seek")


def test_suggested_labels_are_escaped(turtle_engine: Callable[..., OxigraphEngine]) -> None:
    engine = turtle_engine(DATA + "kgr:Evil <" + RDFS_LABEL + '> "Evil\\u001b[2J"@en .\n')
    with pytest.raises(EntityNotFoundError) as caught:
        resolve_entity(engine, "Evil[2J")
    assert "did you mean Evil\\x1b[2J (kgr:Evil)?" in str(caught.value)


def test_editorial_notes_and_schemes_are_not_entities_of_the_story(
    turtle_engine: Callable[..., OxigraphEngine],
) -> None:
    engine = turtle_engine(
        DATA
        + 'kgr:caveat-spelling a kgo:Caveat ; rdfs:label "DeepSeek\'s spelling varies"@en ;'
        + " kgo:caveatKind kgr:typo .\n"
        + 'kgr:typo a kgo:CaveatKind ; rdfs:label "Probable typo"@en .\n'
        + 'kgr:kinds a skos:ConceptScheme ; rdfs:label "Deep kinds"@en .\n'
        + "kgr:DeepSeek kgo:hasCaveat kgr:caveat-spelling .\n"
    )
    assert [e.curie for e in find_entities(engine)] == [
        "kgr:DeepSeek",
        "kgr:Mercury",
        "kgr:MercuryPlanet",
    ]
    assert [e.curie for e in find_entities(engine, "deep")] == ["kgr:DeepSeek"]
    # Asked for by class, they are listed: the filter only keeps them out of the story's count.
    assert [e.curie for e in find_entities(engine, None, KGO + "Caveat")] == ["kgr:caveat-spelling"]
