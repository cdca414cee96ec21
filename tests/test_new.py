"""`kgtool new`: Turtle stubs built from the SHACL shapes, which fail validation until filled in.

Stubs are built against the real ontology and shapes; validation runs on the real graph plus the
stub (``--data``), so these tests also check that the shipped shapes and the stubs agree.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support import invoke

from kgtool.turtle_format import format_turtle

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "kgr:article-pictet-digital-decoupling"


run = invoke


def parses(text: str) -> int:
    import pyoxigraph

    return len(list(pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)))


def findings(output: str, path: Path) -> dict[int, list[str]]:
    """Validation findings about ``path``: line number → messages."""
    found: dict[int, list[str]] = {}
    for line in output.splitlines():
        match = re.match(rf"^{re.escape(str(path))}:(\d+):\d+: (\w+): (.*)$", line)
        if match:
            found.setdefault(int(match.group(1)), []).append(f"{match.group(2)}: {match.group(3)}")
    return found


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def active(text: str) -> str:
    """The stub without its comments."""
    return "\n".join(
        line.split(" # ")[0] for line in text.splitlines() if not line.lstrip().startswith("#")
    )


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------

STARTUP = """\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

# New kgo:Startup "Minato AI" (kgtool new): replace every TODO, then run kgtool fmt and kgtool validate.
kgr:MinatoAI
    a kgo:Startup ;
    rdfs:label "Minato AI"@en , "ミナトAI"@ja ; # required (2..2): text @en @ja
    kgo:basedIn kgr:TODO-Country ; # required (1..1): kgo:Country
    # optional:
    # kgo:competesWith kgr:TODO-Actor ; # optional (0..*): kgo:Actor
    # kgo:concernedAbout kgr:TODO-Concept ; # optional (0..*): kgo:Concept
    # kgo:developed kgr:TODO-Technology ; # optional (0..*): kgo:Technology
    # kgo:isUnnamed "TODO"@en ; # optional (0..1): xsd:boolean
    # kgo:openSourced kgr:TODO-AIModel ; # optional (0..*): kgo:AIModel
    # kgo:proposes kgr:TODO-Measure ; # optional (0..*): kgo:Measure
    # kgo:provides kgr:TODO-APIService ; # optional (0..*): kgo:APIService
    # kgo:rivalOf kgr:TODO-Actor ; # optional (0..*): kgo:Actor
    # skos:altLabel "TODO"@en ; # optional (0..*): text with a language tag (@en, @ja)
    .
"""


def test_entity_stub_from_the_shapes() -> None:
    result = run("new", "kgo:Startup", "Minato AI", "--lang-label", "ja=ミナトAI")
    assert result.exit_code == 0
    assert result.stdout == STARTUP
    assert result.stderr == "kgr:MinatoAI: 1 TODO to fill in\n"
    assert parses(result.stdout) == 4
    assert format_turtle(result.stdout, "stub.ttl") == result.stdout  # already in fmt layout


@pytest.mark.parametrize(
    "name", ["Startup", "startup", "スタートアップ", "<https://w3id.org/kgtool/ontology#Startup>"]
)
def test_class_by_label_local_name_or_iri(name: str) -> None:
    result = run("new", name, "Minato AI", "--lang-label", "ja=ミナトAI")
    assert (result.exit_code, result.stdout) == (0, STARTUP)


def test_missing_japanese_label_is_a_placeholder() -> None:
    result = run("new", "kgo:Country", "Atlantis")
    assert result.exit_code == 0
    assert (
        '    rdfs:label "TODO: 日本語のラベル" , "Atlantis"@en ; # required (2..2): text @en @ja'
        in result.stdout
    )
    assert result.stderr == "kgr:Atlantis: 1 TODO to fill in\n"


def test_unfilled_stub_fails_validation_at_its_lines(tmp_path: Path) -> None:
    stub = tmp_path / "stub.ttl"
    assert (
        run(
            "new", "kgo:Startup", "Minato AI", "--lang-label", "ja=ミナトAI", "-o", str(stub)
        ).exit_code
        == 0
    )
    text = stub.read_text(encoding="utf-8")
    result = run("validate", "--data", str(stub))
    assert result.exit_code == 1
    found = findings(result.stdout, stub)
    assert any("kgo:basedIn" in message for message in found[line_of(text, "kgr:MinatoAI")])
    assert found[line_of(text, "kgo:basedIn kgr:TODO-Country")] == [
        "error: kgr:TODO-Country is used but never described (it is the subject of no triple) "
        "(hint: describe it in graph/ or fix the spelling)"
    ]


def test_filled_stub_validates(tmp_path: Path) -> None:
    stub = tmp_path / "stub.ttl"
    assert (
        run(
            "new", "kgo:Startup", "Minato AI", "--lang-label", "ja=ミナトAI", "-o", str(stub)
        ).exit_code
        == 0
    )
    stub.write_text(
        stub.read_text(encoding="utf-8").replace("kgr:TODO-Country", "kgr:China"), encoding="utf-8"
    )
    result = run("validate", "--data", str(stub))
    assert result.exit_code == 0, result.stdout


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------

FILLED_IN = {
    "kgr:TODO-about": "kgr:DeepSeek",
    "kgr:TODO-mainSubject": "kgr:DeepSeek-V3",
    "kgr:TODO-Metric": "kgr:metric-training-cost",
    "kgr:TODO-Modality": "kgr:modality-reported",
    "kgr:TODO-Agent": "kgr:PictetJapan",
    'schema:currency "TODO"@en': 'schema:currency "USD"',
    '"TODO"^^xsd:decimal': '"5560000"^^xsd:decimal',
    '"TODO: the verbatim quote, copied from the source text"': '"Deep Seekは、このモデルを根本から覆しました。"@ja',
    '    # kgo:comparator "TODO: one of exactly, atLeast, moreThan, atMost, lessThan, approximately" ;': (
        '    kgo:comparator "exactly" ;'
    ),
}


def claim_stub(tmp_path: Path) -> tuple[Path, str]:
    stub = tmp_path / "claim.ttl"
    result = run(
        "new", "claim", "cost", "Test training cost", "--lang-label", "ja=テストの学習コスト",
        "--source", ARTICLE, "-o", str(stub),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"added kgr:claim-test-training-cost, kgr:passage-test-training-cost to {stub}: 8 TODOs to fill in\n"
    )
    return stub, stub.read_text(encoding="utf-8")


def test_claim_stub_has_its_passage(tmp_path: Path) -> None:
    _, text = claim_stub(tmp_path)
    assert parses(text) == 20
    assert format_turtle(text, "claim.ttl") == text
    body = active(text)
    assert "kgr:claim-test-training-cost\n    a kgo:CostClaim ;" in body
    assert 'rdfs:label "Claim: Test training cost"@en , "主張:テストの学習コスト"@ja ;' in body
    assert "prov:wasDerivedFrom kgr:passage-test-training-cost ;" in body
    assert "kgr:passage-test-training-cost\n    a kgo:Passage ;" in body
    assert 'rdfs:label "Passage: Test training cost"@en , "引用:テストの学習コスト"@ja ;' in body
    assert (
        "    oa:hasSelector [\n        a oa:TextQuoteSelector ;\n"
        '        oa:exact "TODO: the verbatim quote, copied from the source text"\n    ] ;'
    ) in body
    assert f"oa:hasSource {ARTICLE} ;" in body
    assert "# note: A claim with kgo:referenceDate needs kgo:datePrecision" in text


def test_unfilled_claim_fails_and_filled_claim_validates(tmp_path: Path) -> None:
    stub, text = claim_stub(tmp_path)
    unfilled = run("validate", "--data", str(stub))
    assert unfilled.exit_code == 1
    found = findings(unfilled.stdout, stub)
    for placeholder in (
        "kgr:TODO-about",
        "kgr:TODO-mainSubject",
        "kgr:TODO-Metric",
        "kgr:TODO-Agent",
    ):
        assert line_of(text, placeholder) in found, placeholder
    passage = text.splitlines().index("kgr:passage-test-training-cost") + 1
    assert any("oa:exact" in message for message in found[passage])

    for placeholder, value in FILLED_IN.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    assert "TODO" not in active(text)
    stub.write_text(text, encoding="utf-8")
    filled = run("validate", "--data", str(stub))
    assert filled.exit_code == 0, filled.stdout


@pytest.mark.parametrize(
    ("kind", "iri"),
    [
        ("cost", "kgo:CostClaim"),
        ("Price", "kgo:PriceClaim"),
        ("scenario", "kgo:Scenario"),
        ("kgo:AdoptionClaim", "kgo:AdoptionClaim"),
    ],
)
def test_claim_kinds(kind: str, iri: str) -> None:
    result = run("new", "claim", kind)
    assert result.exit_code == 0
    name = re.sub(r"claim$", "", iri.split(":")[1].lower())
    assert f"kgr:claim-{name}-1\n    a {iri} ;" in result.stdout
    assert f"kgr:passage-{name}-1\n    a kgo:Passage ;" in result.stdout


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------


@pytest.fixture
def project(project_factory: Callable[..., Path]) -> Path:
    """A project with the real ontology and one small data file that defines kgr:Acme."""
    acme = (
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .\n"
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        'kgr:Acme a kgo:Company ;\n    rdfs:label "Acme"@en .\n'
    )
    root = project_factory(name="project", graph={"acme.ttl": acme})
    shutil.copytree(REPO / "ontology", root / "ontology", dirs_exist_ok=True)
    return root


def test_existing_iri_is_refused_naming_where_it_is_defined(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = run("new", "kgo:Company", "Acme")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: graph/acme.ttl:5: kgr:Acme already exists (hint: choose another LABEL, or give the IRI with --iri)\n"
    )
    other = run("new", "kgo:Company", "Acme", "--iri", "kgr:AcmeCorp")
    assert other.exit_code == 0
    assert "\nkgr:AcmeCorp\n    a kgo:Company ;" in other.stdout


def test_real_graph_iri_is_refused() -> None:
    result = run("new", "kgo:Company", "DeepSeek")
    assert result.exit_code == 2
    assert re.fullmatch(
        r"Error: \S*graph/actors\.ttl:\d+: kgr:DeepSeek already exists \(hint: .*\)\n",
        result.stderr,
    )


def test_output_file_appends_and_counts_as_existing(project: Path) -> None:
    target = project / "new.ttl"
    first = run("new", "kgo:Company", "Beta", "--root", str(project), "-o", str(target))
    assert first.exit_code == 0
    second = run("new", "kgo:Company", "Gamma", "--root", str(project), "-o", str(target))
    assert second.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("@prefix kgr:") == 1  # declared prefixes are not repeated
    assert parses(text) == 6
    again = run("new", "kgo:Company", "Beta", "--root", str(project), "-o", str(target))
    assert again.exit_code == 2
    assert again.stderr.startswith(f"Error: {target}:8: kgr:Beta already exists")
    assert target.read_text(encoding="utf-8") == text


def test_output_file_with_a_conflicting_prefix_is_left_alone(project: Path) -> None:
    target = project / "other.ttl"
    original = "@prefix kgr: <http://example.org/other/> .\nkgr:x kgr:p 1 .\n"
    target.write_text(original, encoding="utf-8")
    result = run("new", "kgo:Company", "Beta", "--root", str(project), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {target}: the file declares prefix 'kgr:' as <http://example.org/other/>, not "
        "<https://w3id.org/kgtool/resource/> (hint: rename that prefix in the file, or write the stub to another file)\n"
    )
    assert target.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Widget", "X"],
            "Error: no class is named 'Widget' (hint: give a CURIE such as kgo:Company (kgtool new --list))\n",
        ),
        (
            ["kgo:Widget", "X"],
            "Error: kgo:Widget is not a class of the ontology (hint: run: kgtool new --list)\n",
        ),
        (
            ["kgo:CostClaim", "X"],
            "Error: kgo:CostClaim is a claim class (hint: use: kgtool new claim cost LABEL)\n",
        ),
        (["claim", "gossip"], "Error: 'gossip' is not a kind of claim (hint: use one of: "),
        (
            ["kgo:Company", "ミナト"],
            "Error: cannot make an IRI from the label 'ミナト' (hint: give an English LABEL or --iri)\n",
        ),
        (
            ["kgo:Company", "X", "--lang-label", "ja"],
            "Error: --lang-label 'ja' is not LANG=TEXT (hint: write e.g. --lang-label ja=ミナトAI)\n",
        ),
        (
            ["claim", "cost", "X", "--source", "kgr:Nowhere"],
            "Error: kgr:Nowhere does not occur in the graph (hint: check the spelling)\n",
        ),
        (
            ["kgo:Company"],
            "Error: usage: kgtool new CLASS LABEL  (or: kgtool new claim KIND [LABEL])\n",
        ),
        (
            ["kgo:Company", "X", "--iri", "http://a b"],
            "Error: --iri 'http://a b' is not a valid IRI: Invalid IRI code point ' ' "
            '(hint: leave out spaces and <>"{}|^`\\ (e.g. --iri kgr:MinatoAI))\n',
        ),
        (
            ["claim", "cost", "X", "--iri", 'kgr:a"b'],
            "Error: --iri 'kgr:a\"b' is not a valid IRI: Invalid IRI code point '\"' ",
        ),
    ],
)
def test_bad_arguments_exit_2(args: list[str], message: str) -> None:
    result = run("new", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) or message in result.stderr


def test_list_classes_and_kinds() -> None:
    result = run("new", "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Classes (kgtool new CLASS LABEL):"
    assert "  kgo:Startup" in lines
    assert "  cost           kgo:CostClaim" in lines
    assert "  kgo:CostClaim" not in lines
