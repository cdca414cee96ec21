"""Checks on the shipped knowledge graph (ontology/ and graph/)."""

from __future__ import annotations

import re
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
def passages(data: Graph) -> set[URIRef]:
    """Every passage, excluded ones included (kgo:ExcludedPassage ⊑ kgo:Passage)."""
    return set(data.subjects(RDF.type, KGO.Passage)) | set(
        data.subjects(RDF.type, KGO.ExcludedPassage)
    )


@pytest.fixture(scope="module")
def excluded(data: Graph) -> set[URIRef]:
    return set(data.subjects(RDF.type, KGO.ExcludedPassage))


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


def test_every_quote_is_verbatim(data: Graph, passages: set[URIRef], article_text: str) -> None:
    quotes = {p: data.value(data.value(p, OA.hasSelector), OA.exact) for p in passages}
    not_found = {
        str(p): str(q) for p, q in quotes.items() if q is None or str(q) not in article_text
    }
    assert not_found == {}


def _occurrences(data: Graph, passage: URIRef, text: str) -> list[tuple[int, int]]:
    """Where the passage's selector matches the text: exact, with its prefix and suffix if given."""
    selector = data.value(passage, OA.hasSelector)
    exact = str(data.value(selector, OA.exact))
    prefix, suffix = data.value(selector, OA.prefix), data.value(selector, OA.suffix)
    found = []
    for match in re.finditer(re.escape(exact), text):
        before, after = text[: match.start()], text[match.end() :]
        if (prefix is None or before.endswith(str(prefix))) and (
            suffix is None or after.startswith(str(suffix))
        ):
            found.append(match.span())
    return found


def test_every_quote_selects_exactly_one_place(
    data: Graph, passages: set[URIRef], article_text: str
) -> None:
    counts = {str(p): len(_occurrences(data, p, article_text)) for p in passages}
    assert {p: n for p, n in counts.items() if n != 1} == {}


def test_every_passage_is_used(data: Graph, excluded: set[URIRef]) -> None:
    used = set(data.objects(None, PROV.wasDerivedFrom))
    assert [p for p in data.subjects(RDF.type, KGO.Passage) if p not in used] == []
    assert excluded, "the article's left-out stretches are recorded as kgo:ExcludedPassage"


def test_nothing_derives_from_an_excluded_passage(data: Graph, excluded: set[URIRef]) -> None:
    derived = [
        (str(s), str(p)) for s, p in data.subject_objects(PROV.wasDerivedFrom) if p in excluded
    ]
    assert derived == []


def test_every_excluded_passage_gives_its_reason_in_both_languages(
    data: Graph, excluded: set[URIRef]
) -> None:
    bad = {
        str(p): sorted(r.language or "" for r in data.objects(p, KGO.exclusionReason))
        for p in excluded
    }
    assert {p: langs for p, langs in bad.items() if langs != ["en", "ja"]} == {}


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


# --- Faithfulness: points a careful reading found (issue 11) ---------------------------


def _claims_quoting(data: Graph, claims: set[URIRef], words: str) -> set[URIRef]:
    return {
        c
        for c in claims
        for p in data.objects(c, PROV.wasDerivedFrom)
        if words in str(data.value(data.value(p, OA.hasSelector), OA.exact))
    }


def _en(data: Graph, node: URIRef) -> str:
    return next(str(lbl) for lbl in data.objects(node, RDFS.label) if lbl.language == "en")


@pytest.mark.parametrize(
    ("words", "label_says"),
    [
        ("中国の対応は迅速かつ断固たるもので", "swift and decisive"),
        ("この変化する状況の中心にあるのはリソースの問題です", "question of resources"),
        ("最先端AIへのアクセスが広く開放され", "access to frontier AI"),
        ("これは中国のモデルとは対照的です", "contrasts with China's model"),
        ("新たな世界の到来を告げました", "new world"),
        ("これは重大な結果をもたらすことになる複雑な判断なのです", "complex judgement"),
    ],
)
def test_statements_once_missing_have_their_own_claim(
    data: Graph, claims: set[URIRef], words: str, label_says: str
) -> None:
    labels = [_en(data, c) for c in _claims_quoting(data, claims, words)]
    assert [label for label in labels if label_says in label], labels


def test_new_world_names_its_three_stakes(data: Graph) -> None:
    stakes = {
        s
        for s in data.objects(KGR["claim-new-world-of-hard-choices"], KGO.about)
        if (s, RDF.type, KGO.Concept) in data
    }
    assert stakes == {KGR.TechnologicalIndependence, KGR.PoliticalAlliances, KGR.EconomicFuture}


def test_us_tech_giants_invest_in_custom_chips_but_are_not_said_to_have_developed_them(
    data: Graph,
) -> None:
    assert (KGR.USTechGiants, KGO.developed, KGR.CustomAIChips) not in data
    assert list(data.subjects(KGO.developed, KGR.CustomAIChips)) == []
    assert (KGR.USTechGiants, KGO.investsIn, KGR.CustomAIChips) in data
    assert "investing capital in developing" in _en(data, KGR["claim-us-tech-giants-custom-chips"])


def test_the_proposal_is_by_services_such_as_perplexity(data: Graph) -> None:
    claim = KGR["claim-perplexity-proposal"]
    group = data.value(claim, PROV.wasAttributedTo)
    assert (group, RDF.type, KGO.ActorGroup) in data
    assert (group, KGO.namedExample, KGR.Perplexity) in data
    assert {str(lbl) for lbl in data.objects(group, RDFS.label)} == {
        "Services such as Perplexity",
        "Perplexityのようなサービス",
    }


def test_perplexity_is_a_service_not_a_company(data: Graph) -> None:
    types = set(data.objects(KGR.Perplexity, RDF.type))
    assert types == {KGO.Technology}
    assert list(data.subjects(PROV.wasAttributedTo, KGR.Perplexity)) == []


def test_the_us_servers_rationale_is_the_articles_own_explanation(
    data: Graph, claims: set[URIRef]
) -> None:
    rationale = "これにより、中国の検閲を排除してユーザーデータが中国に渡らないようにすることが可能になるからです。"
    quoting = _claims_quoting(data, claims, rationale)
    assert quoting == {KGR["claim-us-servers-rationale"]}
    assert set(data.objects(KGR["claim-us-servers-rationale"], PROV.wasAttributedTo)) == {
        KGR.PictetJapan
    }


def test_the_index_has_only_the_articles_name(data: Graph) -> None:
    index = data.value(KGR["chart-frontier-model-intelligence"], KGO.depicts)
    names = {str(n) for p in (RDFS.label, SKOS.altLabel) for n in data.objects(index, p)}
    assert names == {"AI分析指数", "AI Analysis Index"}
    outside = [
        (str(s), str(o))
        for s, o in data.subject_objects()
        if "artificial analysis" in str(o).lower() or "artificialanalysis" in str(s).lower()
    ]
    assert outside == []


def test_hardware_is_not_mapped_to_advanced_semiconductors(data: Graph) -> None:
    """Passages that speak of ハードウェア but not of 半導体 back nothing about advanced chips."""
    hardware_only = {
        p
        for p in data.subjects(RDF.type, KGO.Passage)
        if "ハードウェア" in (q := str(data.value(data.value(p, OA.hasSelector), OA.exact)))
        and "半導体" not in q
    }
    assert hardware_only
    wrong = [
        str(node)
        for p in hardware_only
        for node in data.subjects(PROV.wasDerivedFrom, p)
        if {KGR.AdvancedSemiconductors}
        & (set(data.objects(node, KGO.about)) | set(data.objects(node, KGO.involves)))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("condition", "involved"),
    [
        ("condition-rising-geopolitical-tension", "GeopoliticalTension"),
        ("condition-domestic-innovation-pace", "DomesticInnovation"),
    ],
)
def test_conditions_name_no_party_the_article_does_not(
    data: Graph, merged: Graph, condition: str, involved: str
) -> None:
    """Rising tension (between whom?) and 自国 innovation (whose?) involve no actor."""
    involves = set(data.objects(KGR[condition], KGO.involves))
    actor_classes = set(merged.transitive_subjects(RDFS.subClassOf, KGO.Actor))
    assert involves == {KGR[involved]}
    assert [e for e in involves if set(data.objects(e, RDF.type)) & actor_classes] == []


def test_ijou_is_at_least_in_every_label(data: Graph, claims: set[URIRef]) -> None:
    """Japanese 以上 is inclusive: the comparator is atLeast and no English label says 'more than'."""
    with_ijou = [c for c in claims if "以上" in str(data.value(c, KGO.statedValue))]
    assert len(with_ijou) == 3
    assert {str(data.value(c, KGO.comparator)) for c in with_ijou} == {"atLeast"}
    wrong = [_en(data, c) for c in with_ijou if re.search(r"more than|over USD", _en(data, c))]
    assert wrong == []
    assert all("at least" in _en(data, c) for c in with_ijou)


def test_compared_with_example_says_cheaper(ontology: Graph) -> None:
    definitions = {d.language: str(d) for d in ontology.objects(KGO.comparedWith, SKOS.definition)}
    assert "90% cheaper" in definitions["en"] and "expensive" not in definitions["en"]
    assert "90%安価" in definitions["ja"] and "高価" not in definitions["ja"]


def test_independence_and_self_reliance_are_distinct_concepts(data: Graph) -> None:
    def names(node: URIRef) -> set[str]:
        return {str(n) for p in (RDFS.label, SKOS.altLabel) for n in data.objects(node, p)}

    independence, self_reliance = (
        names(KGR.TechnologicalIndependence),
        names(KGR.TechnologicalSelfReliance),
    )
    assert "技術的独立性" in independence and "技術的自立" in self_reliance
    assert independence & self_reliance == set()
    assert "技術的独立性" not in self_reliance and "技術的自立" not in independence


def test_clever_alternatives_are_not_workarounds(data: Graph) -> None:
    condition = KGR["condition-china-clever-alternatives"]
    labels = {str(lbl) for lbl in data.objects(condition, RDFS.label)}
    assert "中国の巧妙な代替策" in labels
    assert not any("workaround" in lbl.lower() or "回避策" in lbl for lbl in labels)
    workarounds = set(data.subjects(RDF.type, KGO.Workaround))
    assert set(data.objects(condition, KGO.involves)) & workarounds == set()
    workaround_names = {str(lbl) for w in workarounds for lbl in data.objects(w, RDFS.label)}
    assert not any("代替策" in name for name in workaround_names)


def test_chart_source_is_recorded_as_written_and_flagged(data: Graph) -> None:
    passage = KGR["passage-chart-source"]
    assert str(data.value(data.value(passage, OA.hasSelector), OA.exact)).endswith("Management,")
    caveats = set(data.objects(KGR["claim-chart-source"], KGO.hasCaveat))
    assert {data.value(c, KGO.caveatKind) for c in caveats} == {KGR["caveat-possibly-truncated"]}


def test_article_date_is_as_written_with_a_typo_caveat(data: Graph) -> None:
    claim = KGR["claim-article-date"]
    assert str(data.value(claim, KGO.referenceDate)) == "2028-11-28"
    caveat = data.value(claim, KGO.hasCaveat)
    assert data.value(caveat, KGO.caveatKind) == KGR["caveat-probable-typo"]
    assert KGR["passage-chart-date"] in set(data.objects(caveat, PROV.wasDerivedFrom))


def test_caveats_live_in_data_not_in_comments(data: Graph) -> None:
    """Notes about the source's wording are kgo:Caveat nodes, not rdfs:comment text."""
    comments = [
        (str(s), str(c))
        for s, c in data.subject_objects(RDFS.comment)
        if re.search(r"sic|原文ママ|typo|誤記|does not (say|name|give)|記していない", str(c))
    ]
    assert comments == []


def test_caveats_and_excluded_passages_are_not_drawn_as_entities() -> None:
    """In the entity network caveats fold away like passages; excluded passages never show."""
    from kgtool.engines import OxigraphEngine
    from kgtool.network import project_graph

    network = project_graph(OxigraphEngine.from_files([ONTOLOGY, *sorted(GRAPH_DIR.glob("*.ttl"))]))
    drawn = {str(n).removeprefix(str(KGR)) for n in network.nodes}
    assert {"DeepSeek", "Hardware", "ServicesLikePerplexity"} <= drawn
    assert [n for n in drawn if n.startswith(("caveat-", "excluded-"))] == []
