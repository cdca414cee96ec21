"""`kgtool stats`: exact numbers on the small fixture; the shipped graph against independent counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from support import invoke

from kgtool.engines import EngineOptions, open_engine
from kgtool.project import find_project
from kgtool.stats import compute_stats

FIXTURE = Path(__file__).parent / "validate_fixtures" / "valid"


def run(*args: str) -> Result:
    return invoke("stats", *args)


def test_stats_text_on_the_fixture() -> None:
    result = run("--root", str(FIXTURE))
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == """\
files:    3
  ontology/kgtool.ttl
  graph/claims.ttl
  graph/entities.ttl
triples:  67
entities: 4
  1  kgo:Company    Company
  1  kgo:Country    Country
  1  kgo:Startup    Startup
  1  schema:Report
claims:   1
  1  kgo:ShareClaim  Share claim
passages: 1
sources:  1 (passages per source)
  1  kgr:article  The article
"""
    )


def test_stats_json_counts_a_triple_in_two_files_once(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .\n"
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "kgr:Acme kgo:basedIn kgr:Japan .\n"  # already in graph/entities.ttl
        "kgr:Initech a kgo:Company, kgo:Startup .\n",
        encoding="utf-8",
    )
    result = run("--root", str(FIXTURE), "--data", str(extra), "--format", "json", "--lang", "ja")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["files"] == [
        "ontology/kgtool.ttl",
        "graph/claims.ttl",
        "graph/entities.ttl",
        str(extra),
    ]
    assert (data["triples"], data["entities"], data["claims"], data["passages"]) == (69, 5, 1, 1)
    assert [(c["curie"], c["label"], c["count"]) for c in data["entities_per_class"]] == [
        ("kgo:Company", "企業", 2),
        ("kgo:Startup", "スタートアップ", 2),
        ("kgo:Country", "国", 1),
        ("schema:Report", None, 1),
    ]
    assert data["sources"] == [
        {
            "iri": "https://w3id.org/kgtool/resource/article",
            "curie": "kgr:article",
            "label": "記事",
            "count": 1,
        }
    ]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_engines_agree(engine: str) -> None:
    stats = compute_stats(open_engine(find_project(FIXTURE), EngineOptions(engine=engine)))
    assert (stats.triples, stats.entities, stats.claims, stats.passages) == (67, 4, 1, 1)


# --- the shipped graph -----------------------------------------------------------------------------


def test_shipped_stats_match_independent_counts(repo: Path) -> None:
    """Recount with rdflib (a different engine) and plain Python over the parsed triples."""
    import rdflib

    from kgtool.graph import load_rdflib

    project = find_project(repo)
    stats = compute_stats(open_engine(project))
    dataset = load_rdflib(project.data_files)
    triples = set(dataset.triples((None, None, None)))
    kgo = rdflib.Namespace("https://w3id.org/kgtool/ontology#")
    subclass_of = rdflib.RDFS.subClassOf

    def below(root: rdflib.URIRef) -> set[rdflib.term.Node]:
        found = {root}
        while True:
            more = {s for s, _, o in triples if o in found and _ == subclass_of} - found
            if not more:
                return found
            found |= more

    claim_classes = below(kgo.Claim)
    typed = [(s, o) for s, p, o in triples if p == rdflib.RDF.type]
    claims = {s for s, o in typed if o in claim_classes}
    passages = {s for s, o in typed if o in below(kgo.Passage)}
    assert stats.triples == len(triples)
    assert stats.claims == len(claims) > 50
    assert stats.passages == len(passages) > 50
    assert sum(c.count for c in stats.claims_per_class) == sum(
        1 for s, o in typed if o in claim_classes
    )
    sources = {o for s, p, o in triples if p == rdflib.URIRef("http://www.w3.org/ns/oa#hasSource")}
    assert {c.iri for c in stats.sources} >= {str(s) for s in sources}
    assert stats.files == ()
    meta = {
        rdflib.OWL.Class,
        rdflib.RDFS.Class,
        rdflib.RDF.Property,
        rdflib.OWL.ObjectProperty,
        rdflib.OWL.DatatypeProperty,
        rdflib.OWL.AnnotationProperty,
        rdflib.OWL.Ontology,
        rdflib.RDFS.Datatype,
    }
    # Editorial notes and vocabulary schemes are not entities of the story.
    notes = {kgo.Caveat, kgo.CaveatKind, rdflib.SKOS.ConceptScheme}
    not_entities = claims | passages | {s for s, o in typed if o in meta | notes}
    entities = {s for s, _ in typed if isinstance(s, rdflib.URIRef)} - not_entities
    assert stats.entities == len(entities) > 100
    assert not {c.curie for c in stats.entities_per_class} & {
        "kgo:Caveat",
        "kgo:CaveatKind",
        "skos:ConceptScheme",
    }
    per_class = {(s, o) for s, o in typed if s in entities}
    assert sum(c.count for c in stats.entities_per_class) == len(per_class)
