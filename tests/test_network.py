"""The RDF → networkx projection (kgtool.network) on a small in-code graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgtool.engines import OxigraphEngine, QueryKind, QueryResult, RdflibEngine
from kgtool.errors import EntityNotFoundError, QueryError
from kgtool.namespaces import KGO, KGR, RDF_TYPE, RDFS
from kgtool.network import (
    CLAIM_EDGE,
    ClaimRecord,
    PassageRecord,
    ProjectionOptions,
    attach_coverage,
    ego_graph,
    filter_classes,
    project_graph,
    project_result,
    resolve_class,
)

SUBCLASS = RDFS + "subClassOf"

#: A tiny ontology and story: a company based in a country developed a model (a claim with a
#: quote backs that edge); a second claim links the company to a country nothing else links.
FIXTURE = """\
@prefix kgo:    <https://w3id.org/kgtool/ontology#> .
@prefix kgr:    <https://w3id.org/kgtool/resource/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix oa:     <http://www.w3.org/ns/oa#> .
@prefix schema: <https://schema.org/> .

kgo:Actor a owl:Class ; rdfs:label "Actor"@en , "行為主体"@ja .
kgo:Organization a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "Organization"@en , "組織"@ja .
kgo:Company a owl:Class ; rdfs:subClassOf kgo:Organization ; rdfs:label "Company"@en , "企業"@ja .
kgo:Country a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "Country"@en , "国"@ja .
kgo:Technology a owl:Class ; rdfs:subClassOf prov:Entity ; rdfs:label "Technology"@en , "技術"@ja .
kgo:AIModel a owl:Class ; rdfs:subClassOf kgo:Technology ; rdfs:label "AI model"@en , "AIモデル"@ja .
kgo:Claim a owl:Class ; rdfs:subClassOf prov:Entity ; rdfs:label "Claim"@en , "主張"@ja .
kgo:DevelopmentClaim a owl:Class ; rdfs:subClassOf kgo:Claim ; rdfs:label "Development claim"@en , "開発に関する主張"@ja .
kgo:Passage a owl:Class ; rdfs:subClassOf oa:SpecificResource ; rdfs:label "Passage"@en , "引用箇所"@ja .
kgo:Modality a owl:Class ; rdfs:label "Modality"@en , "叙述様態"@ja .
kgo:about a owl:ObjectProperty ; rdfs:label "about"@en , "対象"@ja .
kgo:mainSubject a owl:ObjectProperty ; rdfs:subPropertyOf kgo:about ; rdfs:label "main subject"@en , "主題"@ja .
kgo:developed a owl:ObjectProperty ; rdfs:label "developed"@en , "開発した"@ja .
kgo:basedIn a owl:ObjectProperty ; rdfs:label "based in"@en , "拠点国"@ja .
kgo:employees a owl:DatatypeProperty ; rdfs:label "employees"@en .

kgr:Acme a kgo:Company ;
    rdfs:label "Acme"@en , "アクメ"@ja ;
    skos:altLabel "ACME Corp"@en ;
    rdfs:comment "A maker of models."@en ;
    kgo:employees 42 ;
    kgo:basedIn kgr:Freedonia ;
    kgo:developed kgr:Model-1 .
kgr:Freedonia a kgo:Country ; rdfs:label "Freedonia"@en , "フリードニア"@ja .
kgr:Sylvania a kgo:Country ; rdfs:label "Sylvania"@en , "シルヴァニア"@ja .
kgr:Model-1 a kgo:AIModel ; rdfs:label "Model-1"@en ; owl:sameAs <http://www.wikidata.org/entity/Q1> .

kgr:claim-dev a kgo:DevelopmentClaim ;
    rdfs:label "Claim: Acme developed Model-1"@en , "主張:アクメがモデル1を開発"@ja ;
    kgo:mainSubject kgr:Acme ;
    kgo:about kgr:Acme , kgr:Model-1 ;
    kgo:statedValue "一つ"@ja ;
    kgo:modality kgr:modality-asserted ;
    prov:wasDerivedFrom kgr:passage-dev .
kgr:passage-dev a kgo:Passage ;
    oa:hasSource kgr:article ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "アクメはモデル1を開発した。"@ja ] .
kgr:claim-rival a kgo:Claim ;
    rdfs:label "Claim: Acme eyes Sylvania"@en ;
    kgo:mainSubject kgr:Acme ;
    kgo:about kgr:Acme , kgr:Sylvania ;
    kgo:modality kgr:modality-asserted ;
    prov:wasDerivedFrom kgr:passage-rival .
kgr:passage-rival a kgo:Passage ;
    oa:hasSource kgr:article ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "アクメはシルヴァニアを見ている。"@ja ;
        oa:prefix "。"@ja ; oa:suffix "以上"@ja ] .
kgr:modality-asserted a kgo:Modality ; rdfs:label "asserted"@en , "断定"@ja .
kgr:article a schema:Report ; rdfs:label "The article"@en .
"""
#: A local text, a publisher and a symmetric relation, on top of :data:`FIXTURE`.
BIBLIOGRAPHY = """\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
kgr:article kgo:localText "article.txt" ; <http://purl.org/dc/terms/publisher> kgr:Acme-press .
kgr:Acme-press a kgo:Company ; rdfs:label "Acme Press"@en .
kgo:competesWith a owl:ObjectProperty , owl:SymmetricProperty ; rdfs:label "competes with"@en .
kgr:outside a schema:Report ; kgo:localText "../secret.txt" .
kgr:claim-x a kgo:Claim ; kgo:about kgr:Acme ; <http://www.w3.org/ns/prov#wasDerivedFrom> kgr:passage-x .
kgr:passage-x a kgo:Passage ; <http://www.w3.org/ns/oa#hasSource> kgr:outside ;
    <http://www.w3.org/ns/oa#hasSelector> [ a <http://www.w3.org/ns/oa#TextQuoteSelector> ;
        <http://www.w3.org/ns/oa#exact> "secret"@ja ] .
"""

ACME, FREEDONIA, SYLVANIA, MODEL = (KGR + n for n in ("Acme", "Freedonia", "Sylvania", "Model-1"))


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("network") / "story.ttl"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def engine(fixture_file: Path) -> OxigraphEngine:
    return OxigraphEngine.from_files([fixture_file])


@pytest.fixture(scope="module")
def graph(engine: OxigraphEngine):  # noqa: ANN201 - a networkx.MultiDiGraph
    return project_graph(engine)


def test_entities_are_nodes_and_ontology_terms_are_not(graph) -> None:  # noqa: ANN001
    # Claims, passages, the selector, the modality and the article (only referenced by folded
    # passages) are folded away; classes and properties are not drawn.
    assert list(graph.nodes) == [ACME, FREEDONIA, MODEL, SYLVANIA]


def test_object_triples_become_edges_keyed_by_predicate(graph) -> None:  # noqa: ANN001
    assert sorted(graph.edges(keys=True)) == [
        (ACME, FREEDONIA, KGO + "basedIn"),
        (ACME, MODEL, KGO + "developed"),
        (ACME, SYLVANIA, CLAIM_EDGE),
    ]
    assert graph.edges[ACME, FREEDONIA, KGO + "basedIn"]["label_en"] == "based in"
    assert graph.edges[ACME, FREEDONIA, KGO + "basedIn"]["label_ja"] == "拠点国"


def test_literal_triples_become_attributes_not_nodes(graph) -> None:  # noqa: ANN001
    acme = graph.nodes[ACME]
    assert acme["attributes"] == {"kgo:employees": ["42"]}
    assert acme["comment_en"] == "A maker of models."
    assert acme["aliases"] == ["ACME Corp"]
    assert not any(str(node).isdigit() for node in graph)


def test_links_out_of_the_story_are_attributes(graph) -> None:  # noqa: ANN001
    assert graph.nodes[MODEL]["attributes"] == {
        "owl:sameAs": ["<http://www.wikidata.org/entity/Q1>"]
    }
    assert "http://www.wikidata.org/entity/Q1" not in graph


def test_labels_in_both_languages_with_fallback(graph) -> None:  # noqa: ANN001
    assert (graph.nodes[ACME]["label_en"], graph.nodes[ACME]["label_ja"]) == ("Acme", "アクメ")
    # Model-1 has no Japanese label: the English one stands in.
    assert (graph.nodes[MODEL]["label_en"], graph.nodes[MODEL]["label_ja"]) == (
        "Model-1",
        "Model-1",
    )


def test_classes_kind_group_and_lineage(graph) -> None:  # noqa: ANN001
    acme = graph.nodes[ACME]
    assert acme["classes"] == [KGO + "Company"]
    assert set(acme["types"]) == {KGO + "Company", KGO + "Organization", KGO + "Actor"}
    assert (acme["kind"], acme["group"]) == (KGO + "Actor", KGO + "Organization")
    assert acme["lineage"] == [KGO + "Actor", KGO + "Organization", KGO + "Company"]
    assert graph.nodes[MODEL]["kind"] == KGO + "Technology"
    assert graph.graph["classes"][KGO + "Company"] == {"label_en": "Company", "label_ja": "企業"}


def test_claims_are_folded_onto_the_edge_they_back_with_their_quotes(graph) -> None:  # noqa: ANN001
    developed = graph.edges[ACME, MODEL, KGO + "developed"]
    assert developed["claims"] == [
        ClaimRecord(
            KGR + "claim-dev",
            "Development claim",
            "開発に関する主張",
            "Claim: Acme developed Model-1",
            "主張:アクメがモデル1を開発",
            "一つ",
            ("アクメはモデル1を開発した。",),
            "asserted",
            "断定",
            passages=(
                PassageRecord(
                    KGR + "passage-dev", "アクメはモデル1を開発した。", source=KGR + "article"
                ),
            ),
        )
    ]
    assert developed["quotes"] == ["アクメはモデル1を開発した。"]
    # No claim is about both Acme and Freedonia.
    assert graph.edges[ACME, FREEDONIA, KGO + "basedIn"]["claims"] == []


def test_a_claim_linking_entities_no_triple_links_becomes_a_claim_edge(graph) -> None:  # noqa: ANN001
    edge = graph.edges[ACME, SYLVANIA, CLAIM_EDGE]
    assert [c.iri for c in edge["claims"]] == [KGR + "claim-rival"]
    assert edge["quotes"] == ["アクメはシルヴァニアを見ている。"]
    assert (edge["label_en"], edge["label_ja"]) == ("claim", "主張")


def test_claim_records_carry_modality_time_and_located_passages(graph) -> None:  # noqa: ANN001
    (rival,) = graph.edges[ACME, SYLVANIA, CLAIM_EDGE]["claims"]
    assert (rival.modality_en, rival.modality_ja, rival.time_en) == ("asserted", "断定", "")
    assert rival.passages == (
        PassageRecord(
            KGR + "passage-rival", "アクメはシルヴァニアを見ている。", "。", "以上", KGR + "article"
        ),
    )


@pytest.fixture(scope="module")
def bibliography(fixture_file: Path) -> OxigraphEngine:
    extra = fixture_file.parent / "bibliography.ttl"
    extra.write_text(BIBLIOGRAPHY, encoding="utf-8")
    return OxigraphEngine.from_files([fixture_file, extra])


def test_symmetric_relations_class_kinds_and_the_bibliographic_cluster(
    bibliography: OxigraphEngine,
) -> None:
    graph = project_graph(bibliography)
    assert graph.graph["symmetric"] == [KGO + "competesWith"]
    kinds = graph.graph["class_kinds"]
    assert kinds[KGO + "Company"] == KGO + "Actor" and kinds[KGO + "Actor"] == KGO + "Actor"
    assert KGO + "Claim" in kinds  # every class of the ontology, drawn or not
    # The article and its publisher (which nothing else in the story points at) are the
    # bibliographic cluster; Acme is not.
    assert graph.graph["documents"] == [KGR + "Acme-press", KGR + "article"]
    assert graph.graph["sources"] == {}  # no text_root: no file is read


def test_source_texts_are_read_from_the_project_folder_only(
    bibliography: OxigraphEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "article.txt").write_text("前。アクメはモデル1を開発した。", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    graph = project_graph(bibliography, ProjectionOptions(text_root=folder))
    assert list(graph.graph["sources"]) == [KGR + "article"]  # ../secret.txt is never read
    source = graph.graph["sources"][KGR + "article"]
    assert (source.path, source.text, source.label_en) == (
        "article.txt",
        "前。アクメはモデル1を開発した。",
        "The article",
    )
    before = graph.copy()
    attach_coverage(graph, {KGR + "article": [(2, 16, "covered"), (0, 2, "uncovered")]})
    assert graph.graph["sources"][KGR + "article"].sentences == (
        (0, 2, "uncovered"),
        (2, 16, "covered"),
    )
    assert before.graph["sources"][KGR + "article"].sentences == ()  # copies keep their own
    with pytest.raises(ValueError, match="bad coverage span"):
        attach_coverage(graph, {KGR + "article": [(0, 2, "maybe")]})


def test_entities_carry_the_claims_about_them(graph) -> None:  # noqa: ANN001
    assert [c.iri for c in graph.nodes[ACME]["claims"]] == [KGR + "claim-dev", KGR + "claim-rival"]
    assert graph.nodes[FREEDONIA]["claims"] == []


def test_claim_edges_can_be_turned_off(engine: OxigraphEngine) -> None:
    graph = project_graph(engine, ProjectionOptions(claim_edges=False))
    assert CLAIM_EDGE not in {k for _, _, k in graph.edges(keys=True)}
    assert SYLVANIA in graph  # still an entity the data describes, now unconnected


def test_show_claims_draws_claims_and_passages(engine: OxigraphEngine) -> None:
    graph = project_graph(engine, ProjectionOptions(show_claims=True))
    assert {
        KGR + "claim-dev",
        KGR + "passage-dev",
        KGR + "modality-asserted",
        KGR + "article",
    } <= set(graph)
    assert (KGR + "claim-dev", ACME, KGO + "mainSubject") in graph.edges(keys=True)
    assert (
        KGR + "claim-dev",
        KGR + "passage-dev",
        "http://www.w3.org/ns/prov#wasDerivedFrom",
    ) in graph.edges(keys=True)
    assert CLAIM_EDGE not in {k for _, _, k in graph.edges(keys=True)}
    assert graph.nodes[KGR + "claim-dev"]["quotes"] == ["アクメはモデル1を開発した。"]
    assert not any(node.startswith("_:") for node in graph)  # blank nodes stay attributes


def test_show_ontology_draws_classes_types_and_subclasses(engine: OxigraphEngine) -> None:
    graph = project_graph(engine, ProjectionOptions(show_ontology=True))
    assert (ACME, KGO + "Company", RDF_TYPE) in graph.edges(keys=True)
    assert (KGO + "Company", KGO + "Organization", SUBCLASS) in graph.edges(keys=True)


def test_projection_is_the_same_on_every_engine(fixture_file: Path, graph) -> None:  # noqa: ANN001
    other = project_graph(RdflibEngine.from_files([fixture_file]))
    assert list(other.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(other.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))


def test_ego_graph_and_class_filter(graph) -> None:  # noqa: ANN001
    assert sorted(ego_graph(graph, FREEDONIA, 1)) == [ACME, FREEDONIA]
    assert sorted(ego_graph(graph, FREEDONIA, 2)) == [ACME, FREEDONIA, MODEL, SYLVANIA]
    assert sorted(filter_classes(graph, [KGO + "Actor"])) == [ACME, FREEDONIA, SYLVANIA]
    with pytest.raises(EntityNotFoundError, match="kgr:claim-dev is not drawn in the network"):
        ego_graph(graph, KGR + "claim-dev", 1)


@pytest.mark.parametrize(
    "text", ["Company", "企業", "kgo:Company", "<https://w3id.org/kgtool/ontology#Company>"]
)
def test_resolve_class_by_label_curie_or_iri(engine: OxigraphEngine, text: str) -> None:
    assert resolve_class(engine, text) == KGO + "Company"


def test_resolve_class_refuses_an_entity(engine: OxigraphEngine) -> None:
    with pytest.raises(EntityNotFoundError) as error:
        resolve_class(engine, "Acme")
    assert (
        str(error.value)
        == "kgr:Acme is not a class (hint: give a class such as kgo:Company or 'Country')"
    )


def test_project_result_of_a_construct(engine: OxigraphEngine) -> None:
    result = engine.query(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> "
        "CONSTRUCT { ?a kgo:basedIn ?c . ?a kgo:employees ?n } WHERE { ?a kgo:basedIn ?c ; kgo:employees ?n }"
    )
    graph = project_result(engine, result)
    assert list(graph.edges(keys=True)) == [(ACME, FREEDONIA, KGO + "basedIn")]
    assert graph.nodes[ACME]["label_ja"] == "アクメ"  # labels come from the whole data


def test_project_result_of_a_select_with_source_edge_target(engine: OxigraphEngine) -> None:
    result = engine.query(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> "
        "SELECT ?source ?edge ?target WHERE { ?source ?edge ?target FILTER(?edge IN (kgo:developed, kgo:basedIn)) }"
    )
    graph = project_result(engine, result)
    assert sorted(graph.edges(keys=True)) == [
        (ACME, FREEDONIA, KGO + "basedIn"),
        (ACME, MODEL, KGO + "developed"),
    ]
    assert [c.iri for c in graph.edges[ACME, MODEL, KGO + "developed"]["claims"]] == [
        KGR + "claim-dev"
    ]


def test_project_result_refuses_other_shapes(engine: OxigraphEngine) -> None:
    with pytest.raises(QueryError) as error:
        project_result(engine, QueryResult(QueryKind.SELECT, variables=("s",), rows=()))
    assert str(error.value) == (
        "this query cannot be drawn as a network "
        "(hint: draw a CONSTRUCT query, or a SELECT that projects ?source ?edge ?target)"
    )


def test_hostile_labels_pass_through_unchanged(
    turtle_engine: Callable[..., OxigraphEngine],
) -> None:
    # Escaping is the renderer's job; the projection keeps the text exactly.
    hostile = "</script><script>alert(1)</script>"
    engine = turtle_engine(
        f'<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "{hostile}"@en .\n<urn:x:a> <urn:x:p> <urn:x:b> .\n',
        "hostile.ttl",
    )
    graph = project_graph(engine)
    assert graph.nodes["urn:x:a"]["label_en"] == hostile


def test_project_result_with_an_edge_name_literal(engine: OxigraphEngine) -> None:
    result = engine.query(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> "
        'SELECT ?source ?edge ?target WHERE { ?source kgo:basedIn ?target BIND("home" AS ?edge) }'
    )
    graph = project_result(engine, result)
    assert list(graph.edges(keys=True, data="label_ja")) == [(ACME, FREEDONIA, "home", "home")]


def test_subgraphs_keep_the_graph_order_whatever_the_hash_seed(tmp_path: Path) -> None:
    # networkx's subgraph(...).copy() iterates a small node set in set order, so the same data
    # gave a different --focus / --view page under each PYTHONHASHSEED.
    import os
    import subprocess
    import sys

    script = (
        "import networkx\n"
        "from kgtool.network import induced_subgraph\n"
        "g = networkx.MultiDiGraph()\n"
        "g.add_edges_from((f'n{i}', f'n{i + 1}', 'p') for i in range(40))\n"
        "sub = induced_subgraph(g, {f'n{i}' for i in range(0, 12)})\n"
        "print(list(sub.nodes), list(sub.edges))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1
    assert outputs.pop().startswith("['n0', 'n1', 'n2',")
