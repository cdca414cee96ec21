"""Checks on the shipped knowledge graph (ontology/ and graph/)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kgtool import namespaces

ROOT = Path(__file__).resolve().parent.parent
GRAPH_DIR = ROOT / "graph"
ONTOLOGY = ROOT / "ontology" / "kgtool.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
TTL_FILES = sorted([*(ROOT / "ontology").glob("*.ttl"), *GRAPH_DIR.glob("*.ttl")])

KGO = Namespace(namespaces.KGO)
KGR = Namespace(namespaces.KGR)
OA = Namespace(namespaces.OA)
PROV = Namespace(namespaces.PROV)
SKOS = Namespace(namespaces.SKOS)
SH = Namespace(namespaces.SH)
ARTICLE = KGR["article-pictet-digital-decoupling"]

CLAIMS_QUERY = """
SELECT DISTINCT ?claim WHERE {
  ?claim a ?cls .
  ?cls rdfs:subClassOf* kgo:Claim .
}"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for path in sorted(GRAPH_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def merged(ontology: Graph, data: Graph) -> Graph:
    return ontology + data


@pytest.fixture(scope="module")
def claims(merged: Graph) -> set[URIRef]:
    rows = merged.query(CLAIMS_QUERY, initNs={"kgo": KGO, "rdfs": RDFS})
    return {row.claim for row in rows}


@pytest.fixture(scope="module")
def article_text(data: Graph) -> str:
    local = data.value(ARTICLE, KGO.localText)
    assert local is not None, "the article must register kgo:localText"
    return (GRAPH_DIR / str(local)).read_text(encoding="utf-8")


# --- Parsing ---------------------------------------------------------------------


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_with_rdflib(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_with_pyoxigraph(path: Path) -> None:
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert triples


# --- SHACL -------------------------------------------------------------------------


def test_data_conforms_to_shapes(data: Graph, ontology: Graph) -> None:
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    # Warnings count too: the shipped data must be clean.
    assert conforms, text


# --- Claims and passages -----------------------------------------------------------


def test_there_are_claims_and_scenarios(claims: set[URIRef], data: Graph) -> None:
    scenarios = set(data.subjects(RDF.type, KGO.Scenario))
    assert scenarios == {
        KGR["scenario-fragmented-world"],
        KGR["scenario-continued-us-dominance"],
        KGR["scenario-china-rapid-progress"],
    }
    assert len(claims) >= 60


def test_every_claim_has_a_passage(claims: set[URIRef], data: Graph) -> None:
    missing = [
        c
        for c in claims
        if not any((p, RDF.type, KGO.Passage) in data for p in data.objects(c, PROV.wasDerivedFrom))
    ]
    assert missing == []


def test_every_claim_states_its_main_subject_with_about(claims: set[URIRef], data: Graph) -> None:
    bad = [
        c
        for c in claims
        if not all((c, KGO.about, m) in data for m in data.objects(c, KGO.mainSubject))
    ]
    assert bad == []


def test_every_passage_is_from_the_article(data: Graph) -> None:
    passages = set(data.subjects(RDF.type, KGO.Passage))
    assert passages
    assert [p for p in passages if data.value(p, OA.hasSource) != ARTICLE] == []


def test_every_quote_is_verbatim(data: Graph, article_text: str) -> None:
    quotes = {
        p: data.value(data.value(p, OA.hasSelector), OA.exact)
        for p in data.subjects(RDF.type, KGO.Passage)
    }
    not_found = {
        str(p): str(q) for p, q in quotes.items() if q is None or str(q) not in article_text
    }
    assert not_found == {}


def test_every_passage_is_used(data: Graph) -> None:
    used = set(data.objects(None, PROV.wasDerivedFrom))
    assert [p for p in data.subjects(RDF.type, KGO.Passage) if p not in used] == []


# --- Labels -------------------------------------------------------------------------


def _labelled_nodes(data: Graph, ontology: Graph) -> dict[URIRef, Graph]:
    nodes: dict[URIRef, Graph] = {}
    for term in set(data.subjects()) | set(data.objects()):
        if isinstance(term, URIRef) and str(term).startswith(str(KGR)):
            nodes[term] = data
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, URIRef):  # skip anonymous union classes used as domains
                nodes[term] = ontology
    return nodes


def test_exactly_one_label_per_language(data: Graph, ontology: Graph) -> None:
    bad = {}
    for node, graph in _labelled_nodes(data, ontology).items():
        langs = sorted(label.language or "" for label in graph.objects(node, RDFS.label))
        if langs != ["en", "ja"]:
            bad[str(node)] = langs
    assert bad == {}


def test_ontology_terms_are_defined_in_both_languages(ontology: Graph) -> None:
    bad = {}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if not isinstance(term, URIRef):
                continue
            langs = sorted(text.language for text in ontology.objects(term, SKOS.definition))
            if langs != ["en", "ja"]:
                bad[str(term)] = langs
    assert bad == {}


def test_no_duplicate_english_labels(data: Graph) -> None:
    counts = Counter(
        str(label)
        for s, label in data.subject_objects(RDFS.label)
        if isinstance(s, URIRef) and label.language == "en"
    )
    assert {label: n for label, n in counts.items() if n > 1} == {}


def test_every_referenced_resource_is_described(data: Graph) -> None:
    subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
    dangling = {
        str(o)
        for o in data.objects()
        if isinstance(o, URIRef) and str(o).startswith(str(KGR)) and o not in subjects
    }
    assert dangling == set()


# --- Vocabulary -----------------------------------------------------------------------


def test_every_kgo_term_used_in_graph_is_declared(data: Graph, ontology: Graph) -> None:
    declared = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(KGO))}
    used = {
        t
        for triple in data
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(str(KGO))
    }
    assert used - declared == set()


def test_numbers_are_typed_literals(data: Graph) -> None:
    expected = {
        KGO.fraction: XSD.decimal,
        KGO.count: XSD.integer,
        KGO.rank: XSD.integer,
        URIRef("https://schema.org/value"): XSD.decimal,
    }
    bad = [
        (str(s), str(p), repr(o))
        for p, datatype in expected.items()
        for s, o in data.subject_objects(p)
        if not isinstance(o, Literal) or o.datatype != datatype
    ]
    assert bad == []


def test_no_gyear_literals(data: Graph) -> None:
    assert [o for o in data.objects() if isinstance(o, Literal) and o.datatype == XSD.gYear] == []


# --- Shortcut edges ------------------------------------------------------------------


def test_every_shortcut_edge_is_backed_by_a_claim(data: Graph, ontology: Graph) -> None:
    shortcuts = set(ontology.subjects(RDF.type, KGO.ShortcutProperty))
    assert KGO.developed in shortcuts and KGO.basedIn in shortcuts
    about: dict[URIRef, set[URIRef]] = {}
    for claim, entity in data.subject_objects(KGO.about):
        about.setdefault(entity, set()).add(claim)
    unbacked = [
        (str(s), str(p), str(o))
        for p in shortcuts
        for s, o in data.subject_objects(p)
        if not (about.get(s, set()) & about.get(o, set()))
    ]
    assert unbacked == []
    assert sum(1 for p in shortcuts for _ in data.subject_objects(p)) >= 50
