"""`kgtool describe`: exact output on the small fixture project, name resolution, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from support import invoke

from kgtool.describe import describe
from kgtool.engines import Engine, open_engine
from kgtool.project import find_project

FIXTURE = Path(__file__).parent / "validate_fixtures" / "valid"
ROOT = ["--root", str(FIXTURE)]

ACME = """\
Acme (kgr:Acme)
  types:   Startup (kgo:Startup)
  labels:  Acme @en, アクメ @ja
  aliases: アクメ社 @ja

Outgoing (2):
  based in → Japan (kgr:Japan)
  competes with → Globex (kgr:Globex)

Incoming (0):
  (none)

Claims about it (1):
  Claim: Acme holds 40% of the market (kgr:claim-acme-share) [Share claim]
    fraction: 0.4
    「アクメは市場の4割を占める。」 (kgr:passage-acme-share)
"""


def run(*args: str) -> Result:
    return invoke("describe", *args)


@pytest.mark.parametrize(
    "name",
    ["Acme", "acme", "アクメ", "アクメ社", "kgr:Acme", "https://w3id.org/kgtool/resource/Acme"],
)
def test_describe_by_label_alias_curie_or_iri(name: str) -> None:
    result = run(name, *ROOT)
    assert (result.exit_code, result.stdout, result.stderr) == (0, ACME, "")


def test_describe_in_japanese_with_incoming_relations() -> None:
    result = run("Globex", *ROOT, "--lang", "ja")
    assert result.exit_code == 0
    assert (
        result.stdout
        == """\
グローベックス (kgr:Globex)
  types:   企業 (kgo:Company)
  labels:  グローベックス @ja, Globex @en

Outgoing (1):
  拠点 → 日本 (kgr:Japan)

Incoming (1):
  競合する ← アクメ (kgr:Acme)

Claims about it (0):
  (none)
"""
    )


def test_describe_a_claim_shows_blank_node_values(tmp_path: Path) -> None:
    root = tmp_path / "kg"
    shutil.copytree(FIXTURE, root)
    claims = root / "graph" / "claims.ttl"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            'kgo:fraction "0.4"^^xsd:decimal ;',
            'kgo:fraction "0.4"^^xsd:decimal ;\n    kgo:amount [ kgo:value 5 ; kgo:unit "USD" ] ;',
        ),
        encoding="utf-8",
    )
    result = run("kgr:Acme", "--root", str(root))
    assert result.exit_code == 0
    assert "    kgo:amount: [kgo:unit USD; kgo:value 5]\n    fraction: 0.4\n" in result.stdout


BASED_IN = {
    "iri": "https://w3id.org/kgtool/ontology#basedIn",
    "curie": "kgo:basedIn",
    "label": "based in",
}


def test_describe_json() -> None:
    result = run("kgr:Japan", *ROOT, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "iri": "https://w3id.org/kgtool/resource/Japan",
        "curie": "kgr:Japan",
        "label": "Japan",
        "types": [
            {
                "iri": "https://w3id.org/kgtool/ontology#Country",
                "curie": "kgo:Country",
                "label": "Country",
            }
        ],
        "labels": [
            {"value": "Japan", "language": "en", "datatype": None},
            {"value": "日本", "language": "ja", "datatype": None},
        ],
        "aliases": [],
        "outgoing": [],
        "incoming": [
            {
                "predicate": BASED_IN,
                "subject": {
                    "iri": "https://w3id.org/kgtool/resource/Acme",
                    "curie": "kgr:Acme",
                    "label": "Acme",
                },
            },
            {
                "predicate": BASED_IN,
                "subject": {
                    "iri": "https://w3id.org/kgtool/resource/Globex",
                    "curie": "kgr:Globex",
                    "label": "Globex",
                },
            },
        ],
        "claims": [],
        "quotes": [],
    }


def test_describe_a_claim_shows_its_own_quotes() -> None:
    result = run("kgr:claim-acme-share", *ROOT)
    assert result.exit_code == 0
    assert (
        result.stdout
        == """\
Claim: Acme holds 40% of the market (kgr:claim-acme-share)
  types:   Share claim (kgo:ShareClaim)
  labels:  Claim: Acme holds 40% of the market @en, 主張:アクメの市場シェアは4割 @ja

Outgoing (3):
  about → Acme (kgr:Acme)
  fraction → 0.4
  prov:wasDerivedFrom → Passage: Acme's share (kgr:passage-acme-share)

Incoming (0):
  (none)

Quotes (1):
  「アクメは市場の4割を占める。」 (kgr:passage-acme-share)

Claims about it (0):
  (none)
"""
    )


def test_unknown_entity_exits_2() -> None:
    result = run("Initech", *ROOT)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: no entity is labelled 'Initech' (hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)\n"
    )


def test_unknown_curie_exits_2() -> None:
    result = run("kgr:Initech", *ROOT)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: kgr:Initech does not occur in the graph (hint: check the spelling)\n",
    )


def test_ambiguous_name_lists_candidates(tmp_path: Path) -> None:
    extra = tmp_path / "brand.ttl"
    extra.write_text(
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kgr:AcmeBrand rdfs:label "ACME"@en .\n',
        encoding="utf-8",
    )
    result = run("acme", *ROOT, "--data", str(extra))
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: 'acme' is ambiguous: kgr:Acme, kgr:AcmeBrand (hint: use one of these CURIEs)\n"
    )


def test_engines_agree_on_the_fixture() -> None:
    from kgtool.engines import EngineOptions

    project = find_project(FIXTURE)
    engines = [open_engine(project, EngineOptions(engine=name)) for name in ("oxigraph", "rdflib")]
    descriptions = [describe(engine, "Acme") for engine in engines]
    assert descriptions[0] == descriptions[1]


# --- the shipped graph -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_engine(repo: Path) -> Engine:
    return open_engine(find_project(repo))


@pytest.mark.parametrize("name", ["DeepSeek", "ディープシーク", "kgr:DeepSeek"])
def test_shipped_deepseek_by_label_alias_and_curie(shipped_engine: Engine, name: str) -> None:
    description = describe(shipped_engine, name)
    assert description.entity.curie == "kgr:DeepSeek"
    assert "kgo:Startup" in [t.curie for t in description.types]
    assert ("ディープシーク", "ja") in [(a.value, a.language) for a in description.aliases]
    assert description.claims, "DeepSeek has claims about it"
    assert all(claim.quotes for claim in description.claims), "every claim has a verbatim quote"


def test_shipped_deepseek_quotes_are_verbatim(shipped_engine: Engine, repo: Path) -> None:
    text = (repo / "graph" / "sources" / "pictet-digital-decoupling.ja.txt").read_text(
        encoding="utf-8"
    )
    description = describe(shipped_engine, "DeepSeek")
    quotes = [quote.text for claim in description.claims for quote in claim.quotes]
    assert quotes and all(quote in text for quote in quotes)


def test_shipped_describe_cli_text(repo: Path) -> None:
    result = run("ディープシーク", "--root", str(repo))
    assert result.exit_code == 0
    assert result.stdout.startswith("DeepSeek (kgr:DeepSeek)\n  types:   Startup (kgo:Startup)\n")


def test_escape_sequences_in_the_data_are_shown_escaped(tmp_path: Path) -> None:
    """A label that would clear the screen and set the window title prints as visible escapes."""
    data = tmp_path / "evil.ttl"
    data.write_text(
        "<https://w3id.org/kgtool/resource/Evil> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Evil\\u001b[2J\\u001b]0;pwned\\u0007\\nnext"@en .\n',
        encoding="utf-8",
    )
    result = run("kgr:Evil", *ROOT, "--data", str(data))
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.splitlines()[0] == "Evil\\x1b[2J\\x1b]0;pwned\\x07\\nnext (kgr:Evil)"


def test_unknown_name_gets_a_did_you_mean_one_line_exit_2() -> None:
    result = run("Acme Inc", *ROOT)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: no entity is labelled 'Acme Inc' (hint: did you mean Acme (kgr:Acme)?)\n",
    )


def test_entities_lists_and_searches_labels_in_every_language() -> None:
    result = invoke("entities", *ROOT)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "entity       label        classes\n"
        "-----------  -----------  -------------\n"
        "kgr:Acme     Acme         kgo:Startup\n"
        "kgr:Globex   Globex       kgo:Company\n"
        "kgr:Japan    Japan        kgo:Country\n"
        "kgr:article  The article  schema:Report\n"
        "(4 rows)\n"
    )
    result = invoke("entities", "アクメ", "--lang", "ja", *ROOT)
    assert result.stdout == (
        "entity    label   classes      matched\n"
        "--------  ------  -----------  -------\n"
        "kgr:Acme  アクメ  kgo:Startup  アクメ\n"
        "(1 row)\n"
    )
    result = invoke("entities", "--class", "Company", "--format", "json", *ROOT)
    assert [(e["curie"], e["classes"]) for e in json.loads(result.stdout)] == [
        ("kgr:Acme", ["kgo:Startup"]),
        ("kgr:Globex", ["kgo:Company"]),
    ]
    result = invoke("entities", "--class", "Nothing", *ROOT)
    assert result.exit_code == 2 and result.stderr.startswith("Error: no entity is labelled")


ACME_WHERE = """\
Acme (kgr:Acme)  # graph/entities.ttl:11
  types:   Startup (kgo:Startup)
  labels:  Acme @en, アクメ @ja
  aliases: アクメ社 @ja

Outgoing (2):
  based in → Japan (kgr:Japan)  # graph/entities.ttl:15
  competes with → Globex (kgr:Globex)  # graph/entities.ttl:16

Incoming (0):
  (none)

Claims about it (1):
  Claim: Acme holds 40% of the market (kgr:claim-acme-share) [Share claim]  # graph/claims.ttl:8
    fraction: 0.4  # graph/claims.ttl:12
    「アクメは市場の4割を占める。」 (kgr:passage-acme-share)
"""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_where_gives_the_file_and_line_of_each_statement(engine: str) -> None:
    result = run("Acme", "--where", *ROOT, "--engine", engine)
    assert (result.exit_code, result.stdout, result.stderr) == (0, ACME_WHERE, "")
    document = json.loads(run("Globex", "--where", "--format", "json", *ROOT).stdout)
    assert document["where"] == ["graph/entities.ttl:18"]
    assert [(r["subject"]["curie"], r["where"]) for r in document["incoming"]] == [
        ("kgr:Acme", ["graph/entities.ttl:16"])
    ]
    assert "where" not in json.loads(run("Globex", "--format", "json", *ROOT).stdout)


def test_statement_lines_follow_prefixes_lists_and_nesting() -> None:
    from kgtool.describe import statement_lines

    text = (
        "@prefix e: <http://e/> .\ne:s e:p [ e:q e:x ] ;\n    e:r ( e:y ) , e:z .\n<s2> a e:C .\n"
    )
    assert statement_lines(text, "http://e/") == {
        ("http://e/s",): 2,
        ("http://e/s", "http://e/p"): 2,
        ("http://e/s", "http://e/r"): 3,
        ("http://e/s", "http://e/r", "http://e/z"): 3,
        ("http://e/s2",): 4,
        ("http://e/s2", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"): 4,
        ("http://e/s2", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://e/C"): 4,
    }


def test_statement_lines_resolve_iris_like_the_parser() -> None:
    """RFC 3986 (kgtool.rdf.turtle.resolve_iri), as pyoxigraph does: an empty fragment stays."""
    from kgtool.describe import statement_lines

    assert statement_lines("<#> <p#> <?> .\n", "http://e/a") == {
        ("http://e/a#",): 1,
        ("http://e/a#", "http://e/p#"): 1,
        ("http://e/a#", "http://e/p#", "http://e/a?"): 1,
    }
