"""Saved and ad-hoc queries (kgtool.queries and `kgtool queries|query|sparql`) on a small project.

Every test builds its own tiny knowledge-graph folder under tmp_path and passes it with --root,
so exact outputs do not depend on the shipped data (tests/test_saved_queries.py covers that).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import invoke, write_project

from kgtool.cli import cli
from kgtool.engines import OxigraphEngine
from kgtool.errors import ParameterError, QueryError
from kgtool.namespaces import KGO, KGR, PREFIXES
from kgtool.queries import (
    ParamType,
    adhoc_query,
    bind_parameters,
    discover_parameters,
    parse_assignments,
    parse_saved_query,
)

ONTOLOGY = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kgo:Company rdfs:subClassOf kgo:Organization ; rdfs:label "Company"@en, "企業"@ja .
kgo:Lab rdfs:subClassOf kgo:Organization ; rdfs:label "Lab"@en, "研究所"@ja .
"""

DATA = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix kgr: <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kgr:DeepSeek a kgo:Company ; rdfs:label "DeepSeek"@en, "DeepSeek"@ja ; skos:altLabel "ディープシーク"@ja ;
    kgo:competesWith kgr:OpenAI .
kgr:OpenAI a kgo:Company ; rdfs:label "OpenAI"@en, "オープンAI"@ja .
kgr:MercuryInc a kgo:Company ; rdfs:label "Mercury"@en, "マーキュリー社"@ja .
kgr:MercuryLab a kgo:Lab ; rdfs:label "Mercury"@en, "マーキュリー研究所"@ja .
kgr:USA a kgo:Country ; rdfs:label "United States"@en, "米国"@ja .
kgr:cost-v3 a kgo:CostClaim ; kgo:about kgr:DeepSeek ; kgo:amount "5560000"^^xsd:decimal ;
    kgo:date "2025-01-20"^^xsd:date ; kgo:note "V3 training" .
kgr:cost-gpt4 a kgo:CostClaim ; kgo:about kgr:OpenAI ; kgo:amount "63000000"^^xsd:decimal ;
    kgo:date "2023-03-14"^^xsd:date ; kgo:note "GPT-4 training" .
"""

RIVALS = """\
#+ summary: Who competes with whom
#+ description: >-
#+   Rivals of one organisation,
#+   with labels.
#+ tags: [competition]
#+ defaults:
#+   - actor: kgr:DeepSeek
#+ kgtool:
#+   view: graph
#+   params:
#+     actor: {class: kgo:Organization, description: the organisation}
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?actor ?rival ?rivalLabel WHERE {
  ?actor kgo:competesWith ?rival .
  FILTER(?actor = ?_actor_iri)
  OPTIONAL { ?rival rdfs:label ?rivalLabel FILTER(LANG(?rivalLabel) = ?__lang_lang) }
}
ORDER BY ?rival
"""

COSTS = """\
#+ summary: Costs above a minimum
#+ description: Cost claims, optionally above a minimum amount or after a date.
#+ enumerate:
#+   - lang: [en, ja]
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?claim ?amount ?date WHERE {
  ?claim a kgo:CostClaim ; kgo:amount ?amount ; kgo:date ?date .
  FILTER(!BOUND(?__min_number) || ?amount >= ?__min_number)
  FILTER(!BOUND(?__since_xsd_date) || ?date >= ?__since_xsd_date)
  FILTER(!BOUND(?__lang_lang) || ?__lang_lang != "xx")
}
ORDER BY ?amount
"""

SEARCH = """\
#+ summary: Claims whose note contains a text
#+ description: Case-insensitive search in claim notes.
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?claim ?note WHERE {
  ?claim kgo:note ?note .
  FILTER(CONTAINS(LCASE(?note), LCASE(?_text)))
}
ORDER BY ?claim
"""

HAS_COMPANY = """\
#+ summary: Is there a company?
#+ description: An ASK query.
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
ASK { ?company a kgo:Company }
"""

NETWORK = """\
#+ summary: The competition network
#+ description: A CONSTRUCT query.
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
CONSTRUCT { ?a kgo:competesWith ?b } WHERE { ?a kgo:competesWith ?b }
"""


def make_project(root: Path, queries: dict[str, str] | None = None) -> Path:
    """A tiny knowledge-graph folder: ontology, one data file and saved queries."""
    default = {
        "rivals": RIVALS,
        "costs": COSTS,
        "search": SEARCH,
        "has-company": HAS_COMPANY,
        "network": NETWORK,
    }
    return write_project(
        root,
        ontology={"kgtool.ttl": ONTOLOGY},
        graph={"data.ttl": DATA},
        queries={
            f"{name}.rq": text for name, text in (default if queries is None else queries).items()
        },
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "kg")


run = invoke


# --- library ------------------------------------------------------------------------------------


def test_discover_parameters_reads_grlc_names() -> None:
    params = discover_parameters(COSTS + RIVALS)
    assert [(p.name, p.type, p.required, p.datatype) for p in params] == [
        ("min", ParamType.NUMBER, False, None),
        ("since", ParamType.DATE, False, "http://www.w3.org/2001/XMLSchema#date"),
        ("lang", ParamType.LANGUAGE, False, None),
        ("actor", ParamType.IRI, True, None),
    ]


def test_unknown_type_suffix_names_the_position() -> None:
    with pytest.raises(QueryError) as caught:
        discover_parameters("SELECT ?x WHERE {\n  ?x ?p ?_actor_url }", "q.rq")
    assert str(caught.value) == (
        "q.rq:2:9: parameter variable ?_actor_url has an unknown type suffix '_url' (hint: end it with one of: "
        "_iri, _literal, _xsd_string, _number, _xsd_integer, _xsd_decimal, _xsd_double, _xsd_date, _lang "
        "(or nothing, for a string))"
    )


def test_saved_query_record_is_normalised() -> None:
    query = parse_saved_query(RIVALS, "rivals", "queries/rivals.rq")
    assert query.summary == "Who competes with whom"
    assert query.description == "Rivals of one organisation, with labels."
    assert query.tags == ("competition",)
    assert query.view == "graph"
    actor = query.parameter("actor")
    assert actor is not None
    assert (actor.class_iri, actor.default, actor.description) == (
        KGO + "Organization",
        "kgr:DeepSeek",
        "the organisation",
    )
    with pytest.raises(AttributeError):
        query.name = "other"  # type: ignore[misc]  # frozen


def test_parse_assignments_errors() -> None:
    with pytest.raises(ParameterError) as caught:
        parse_assignments(["actor"])
    assert str(caught.value) == "-p 'actor' is not NAME=VALUE (hint: write e.g. -p actor=DeepSeek)"
    with pytest.raises(ParameterError) as caught:
        parse_assignments(["a=1", "a=2"])
    assert str(caught.value) == "parameter 'a' is given twice (hint: give each -p NAME=VALUE once)"


def test_bind_parameters_builds_typed_terms(project: Path) -> None:
    engine = OxigraphEngine.from_files(
        [project / "graph" / "data.ttl", project / "ontology" / "kgtool.ttl"]
    )
    costs = parse_saved_query(COSTS, "costs")
    bound = bind_parameters(engine, costs, {"min": "10.5", "since": "2024-01-01"}, lang="ja")
    assert {k: str(v) for k, v in bound.items()} == {
        "__min_number": '"10.5"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        "__since_xsd_date": '"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>',
        "__lang_lang": '"ja"',
    }
    rivals = parse_saved_query(RIVALS, "rivals")
    assert (
        str(bind_parameters(engine, rivals, {"actor": "オープンAI"})["_actor_iri"])
        == f"<{KGR}OpenAI>"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"min": "ten"}, "parameter 'min': 'ten' is not a number (hint: write e.g. 42 or 0.5)"),
        (
            {"since": "2024-02-30"},
            "parameter 'since': '2024-02-30' is not a date (hint: write YYYY-MM-DD, e.g. 2025-01-20)",
        ),
        (
            {"since": "2024"},
            "parameter 'since': '2024' is not a date (hint: write YYYY-MM-DD, e.g. 2025-01-20)",
        ),
        ({"lang": "fr"}, "parameter 'lang': 'fr' is not an allowed value (hint: allowed: en, ja)"),
    ],
)
def test_bad_values_are_parameter_errors(
    project: Path, values: dict[str, str], message: str
) -> None:
    engine = OxigraphEngine.from_files([project / "graph" / "data.ttl"])
    with pytest.raises(ParameterError) as caught:
        bind_parameters(engine, parse_saved_query(COSTS, "costs"), values)
    assert str(caught.value) == message


def test_adhoc_query_ignores_metadata_and_refuses_empty_text() -> None:
    assert adhoc_query("#+ nonsense: [\nASK { ?s ?p ?o }").summary == ""
    with pytest.raises(QueryError) as caught:
        adhoc_query("  \n# only a comment\n")
    assert str(caught.value) == (
        "query: not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE "
        "(hint: kgtool runs read-only queries; write e.g. SELECT ?s WHERE { ?s ?p ?o })"
    )
    with pytest.raises(QueryError) as caught:
        adhoc_query("   ")
    assert str(caught.value) == "the query is empty (hint: give a SPARQL query)"


# --- kgtool queries ----------------------------------------------------------------------------------


def test_queries_table(project: Path) -> None:
    result = run("queries", "--root", str(project))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "costs        Costs above a minimum\n"
        "    Cost claims, optionally above a minimum amount or after a date.\n"
        "    -p min: number, optional\n"
        "    -p since: xsd:date, optional\n"
        "    -p lang: language, optional, default: the --lang value, one of en | ja\n"
        "\n"
        "has-company  Is there a company?\n"
        "    An ASK query.\n"
        "\n"
        "network      The competition network\n"
        "    A CONSTRUCT query.\n"
        "\n"
        "rivals       Who competes with whom\n"
        "    Rivals of one organisation, with labels.\n"
        "    -p actor: iri of kgo:Organization, required, default kgr:DeepSeek — the organisation\n"
        "    -p lang: language, optional, default: the --lang value\n"
        "\n"
        "search       Claims whose note contains a text\n"
        "    Case-insensitive search in claim notes.\n"
        "    -p text: string, required\n"
    )


def test_queries_json(project: Path) -> None:
    result = run("queries", "--root", str(project), "--format", "json")
    assert result.exit_code == 0, result.stderr
    catalogue = json.loads(result.stdout)
    assert [q["name"] for q in catalogue] == ["costs", "has-company", "network", "rivals", "search"]
    assert all(list(q) == ["name", "summary", "description", "parameters"] for q in catalogue)
    assert catalogue[3]["parameters"] == [
        {
            "name": "actor",
            "type": "iri",
            "required": True,
            "default": "kgr:DeepSeek",
            "allowed": [],
            "class": "kgo:Organization",
        },
        {
            "name": "lang",
            "type": "language",
            "required": False,
            "default": None,
            "allowed": [],
            "class": None,
        },
    ]


# --- metadata errors: one line naming the file and line --------------------------------------------------

BODY = "SELECT ?x WHERE { ?x ?p ?_actor_iri } ORDER BY ?x\n"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "#+ summary: fine\n#+ description: [unclosed\n",
            "2:17: bad YAML in the #+ metadata: expected ',' or ']', but got '<stream end>' "
            "(hint: metadata lines read '#+ key: value' and must form valid YAML)",
        ),
        (
            "#+ description: no summary here\n",
            "1: missing 'summary' in the #+ metadata (hint: add a line '#+ summary: …' at the top of the file)",
        ),
        (
            "",
            "1: missing 'summary' in the #+ metadata (hint: add a line '#+ summary: …' at the top of the file)",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ sumary: typo\n",
            "3:4: unknown metadata key 'sumary' (hint: did you mean 'summary'? known keys: summary, description, "
            "tags, defaults, enumerate, kgtool)",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ defaults:\n#+   - actr: kgr:OpenAI\n",
            "4:8: defaults: the query has no parameter 'actr' (hint: did you mean 'actor'? parameters: actor)",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ kgtool:\n#+   view: chart\n",
            "4:12: kgtool.view must be one of: table, graph (not 'chart') (hint: write 'view: table')",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ kgtool:\n#+   params:\n#+     actor: {klass: kgo:Company}\n",
            "5:16: unknown key 'kgtool.params.actor.klass' (hint: did you mean 'class'? known keys: class, description)",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ enumerate:\n#+   - actor\n",
            "4:8: enumerate: give the allowed values of 'actor' (hint: write '#+   - actor: [value1, value2]')",
        ),
        (
            "#+ summary: x: y\n#+ description: d\n",
            "1:14: bad YAML in the #+ metadata: mapping values are not allowed here "
            "(hint: metadata lines read '#+ key: value' and must form valid YAML)",
        ),
        (
            "#+ summary: ''\n#+ description: d\n",
            "1:13: 'summary' must be a non-empty text (hint: write '#+ summary: …')",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ kgtool:\n#+   params:\n#+     actor: {class: kg:Company}\n",
            "5:8: kgtool.params: class 'kg:Company' is neither a CURIE with a known prefix nor an IRI "
            "(hint: known prefixes: " + ", ".join(PREFIXES) + ")",
        ),
        (
            "\n#+ summary: 2024-02-31\n#+ description: d\n",
            "2: bad YAML in the #+ metadata: day is out of range for month "
            "(hint: quote the value to keep it a text)",
        ),
    ],
    ids=[
        "bad-yaml",
        "missing-summary",
        "no-header",
        "unknown-key",
        "unknown-default",
        "bad-view",
        "unknown-param-key",
        "enumerate-without-values",
        "bad-yaml-colon",
        "empty-summary",
        "unknown-class-prefix",
        "impossible-date",
    ],
)
def test_bad_metadata_is_one_line_with_file_and_line(
    tmp_path: Path, header: str, message: str
) -> None:
    root = make_project(tmp_path / "kg", {"bad": header + BODY})
    path = root / "queries" / "bad.rq"
    for args in (["queries", "--root", str(root)], ["query", "bad", "--root", str(root)]):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"Error: {path}:{message}\n"


@pytest.mark.parametrize(
    ("written", "iri"),
    [
        ("kgo:Company", KGO + "Company"),
        ("<https://example.org/C>", "https://example.org/C"),
        ("https://example.org/C", "https://example.org/C"),
        ("urn:example:C", "urn:example:C"),
    ],
)
def test_a_parameter_class_is_read_like_every_iri(written: str, iri: str) -> None:
    """kgtool.namespaces.iri_from_text: <…>, a CURIE, or a bare http(s) or urn IRI."""
    header = (
        "#+ summary: s\n#+ description: d\n#+ kgtool:\n#+   params:\n"
        f"#+     actor: {{class: '{written}'}}\n"
    )
    query = parse_saved_query(header + BODY, "q")
    assert [param.class_iri for param in query.parameters] == [iri]


# --- kgtool query --------------------------------------------------------------------------------------


def test_query_default_parameters_tsv(project: Path) -> None:
    result = run("query", "rivals", "--root", str(project))
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout
        == f'?actor\t?rival\t?rivalLabel\n<{KGR}DeepSeek>\t<{KGR}OpenAI>\t"OpenAI"@en\n'
    )


def test_query_lang_drives_label_parameter_and_table(project: Path) -> None:
    result = run("query", "rivals", "--root", str(project), "--lang", "ja", "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "actor     rival       rivalLabel\n"
        "--------  ----------  ----------\n"
        "DeepSeek  kgr:OpenAI  オープンAI\n"
        "(1 row)\n"
    )


def test_query_iri_parameter_by_japanese_alias_and_json(project: Path) -> None:
    result = run(
        "query", "rivals", "-p", "actor=ディープシーク", "--root", str(project), "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"][0]["rival"] == {
        "type": "uri",
        "value": KGR + "OpenAI",
    }
    result = run(
        "query", "rivals", "-p", "actor=kgr:OpenAI", "--root", str(project), "--format", "csv"
    )
    assert (result.exit_code, result.stdout_bytes.decode()) == (0, "actor,rival,rivalLabel\r\n")


def test_query_typed_parameters_filter(project: Path) -> None:
    result = run("query", "costs", "-p", "min=6000000", "--root", str(project), "--format", "csv")
    assert (result.exit_code, result.stdout_bytes.decode()) == (
        0,
        f"claim,amount,date\r\n{KGR}cost-gpt4,63000000,2023-03-14\r\n",
    )
    result = run(
        "query", "costs", "-p", "since=2024-01-01", "--root", str(project), "--format", "md"
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "| claim | amount | date |\n| --- | --- | --- |\n| kgr:cost-v3 | 5560000 | 2025-01-20 |\n",
    )


def test_query_ask_and_construct(project: Path) -> None:
    assert run("query", "has-company", "--root", str(project)).stdout == "true\n"
    result = run("query", "network", "--root", str(project), "--format", "nt")
    assert (result.exit_code, result.stdout) == (
        0,
        f"<{KGR}DeepSeek> <{KGO}competesWith> <{KGR}OpenAI> .\n",
    )
    result = run("query", "network", "--root", str(project))
    assert result.stdout == (
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .\n"
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "\n"
        "kgr:DeepSeek kgo:competesWith kgr:OpenAI .\n"
    )


def test_query_show(project: Path) -> None:
    result = run("query", "rivals", "--show", "--root", str(project))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "name: rivals\n"
        f"file: {project / 'queries' / 'rivals.rq'}\n"
        "summary: Who competes with whom\n"
        "description: Rivals of one organisation, with labels.\n"
        "kind: select\n"
        "view: graph\n"
        "tags: competition\n"
        "parameters:\n"
        "  actor: iri of kgo:Organization, required, default kgr:DeepSeek — the organisation\n"
        "  lang: language, optional, default: the --lang value\n"
        "\n" + RIVALS
    )
    shown = json.loads(
        run("query", "rivals", "--show", "--format", "json", "--root", str(project)).stdout
    )
    assert list(shown) == ["name", "summary", "description", "parameters", "file", "sparql"]
    assert shown["sparql"] == RIVALS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "rival"],
            "no saved query named 'rival' (hint: did you mean 'rivals'? run 'kgtool queries' for the list)",
        ),
        (["query", "zzz"], "no saved query named 'zzz' (hint: run 'kgtool queries' for the list)"),
        (
            ["query", "rivals", "-p", "actr=OpenAI"],
            "query 'rivals' has no parameter 'actr' (hint: did you mean 'actor'? parameters: actor, lang)",
        ),
        (
            ["query", "has-company", "-p", "x=1"],
            "query 'has-company' takes no parameters (got 'x') (hint: remove -p x=…)",
        ),
        (
            ["query", "search"],
            "query 'search' needs parameter 'text' (string) (hint: add -p text=VALUE)",
        ),
        (
            ["query", "rivals", "-p", "actor"],
            "-p 'actor' is not NAME=VALUE (hint: write e.g. -p actor=DeepSeek)",
        ),
        (
            ["query", "rivals", "-p", "actor=Mercury"],
            "parameter 'actor': 'Mercury' is ambiguous among kgo:Organization entities: kgr:MercuryInc, kgr:MercuryLab "
            "(hint: use one of these CURIEs)",
        ),
        (
            ["query", "rivals", "-p", "actor=United States"],
            "parameter 'actor': no entity is labelled 'United States' among kgo:Organization entities "
            "(hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)",
        ),
        (
            ["query", "rivals", "-p", "actor=kgr:Nobody"],
            "parameter 'actor': kgr:Nobody does not occur in the graph (hint: check the spelling)",
        ),
        (
            ["query", "rivals", "-p", "actor=kgr:USA"],
            "parameter 'actor': kgr:USA is not a kgo:Organization",
        ),
        (
            ["query", "rivals", "--format", "turtle"],
            "--format turtle cannot hold a SELECT result (hint: use one of: table, csv, tsv, json, xml, md)",
        ),
        (
            ["query", "network", "--format", "json"],
            "--format json cannot hold a CONSTRUCT/DESCRIBE result (hint: use one of: turtle, nt, jsonld)",
        ),
        (
            ["query", "has-company", "--format", "jsonld"],
            "--format jsonld cannot hold an ASK result (hint: use one of: table, json, xml, md)",
        ),
    ],
    ids=[
        "misspelt-query",
        "unknown-query",
        "misspelt-param",
        "no-params",
        "missing-param",
        "not-assignment",
        "ambiguous-label",
        "wrong-class-label",
        "unknown-curie",
        "wrong-class-curie",
        "select-as-turtle",
        "construct-as-json",
        "ask-as-jsonld",
    ],
)
def test_query_errors(project: Path, args: list[str], message: str) -> None:
    result = run(*args, "--root", str(project))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {message}\n"


# --- kgtool sparql ----------------------------------------------------------------------------------------

SIMPLE = "PREFIX kgo: <https://w3id.org/kgtool/ontology#>\nSELECT ?c WHERE { ?c a kgo:Company } ORDER BY ?c"


def test_sparql_text_table_with_labels(project: Path) -> None:
    result = run("sparql", SIMPLE, "--root", str(project), "--format", "table", "--lang", "ja")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("c\n--------------\nDeepSeek\nマーキュリー社\nオープンAI\n(3 rows)\n")


def test_sparql_from_stdin_and_file(project: Path, tmp_path: Path) -> None:
    result = run("sparql", "-", "--root", str(project), stdin="ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (0, "true\n")
    path = tmp_path / "q.rq"
    path.write_text(SIMPLE, encoding="utf-8")
    result = run("sparql", "-f", str(path), "--root", str(project), "--format", "csv")
    assert (result.exit_code, result.stdout_bytes.decode()) == (
        0,
        f"c\r\n{KGR}DeepSeek\r\n{KGR}MercuryInc\r\n{KGR}OpenAI\r\n",
    )
    result = run(
        "sparql",
        "-f",
        "-",
        "--root",
        str(project),
        "--format",
        "json",
        stdin="ASK { ?s a <urn:x:none> }",
    )
    assert (result.exit_code, result.stdout) == (0, '{\n  "head": {},\n  "boolean": false\n}\n')


def test_sparql_refuses_stdin_that_is_not_utf8(project: Path) -> None:
    """Read as bytes like a file: one line, exit 2, never a traceback."""
    for args in (["sparql", "-"], ["sparql", "-f", "-"]):
        result = CliRunner().invoke(cli, [*args, "--root", str(project)], input=b"ASK {\xff}")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "Error: stdin:1:6: the file is not valid UTF-8 (byte 0xff) (hint: save it as UTF-8)\n"
        )


def test_a_query_file_that_is_not_utf8_is_located_by_line_and_column(tmp_path: Path) -> None:
    """The column counts characters after a byte-order mark, as an editor shows them."""
    from kgtool.queries import decode_query

    data = '\ufeffSELECT * {\n  ?s ?p "é'.encode() + b'\xff"\n}'
    with pytest.raises(QueryError) as raised:
        decode_query(data, "q.rq")
    assert (raised.value.line, raised.value.column) == (2, 11)
    assert "byte 0xff" in str(raised.value)


def test_sparql_parameters(project: Path) -> None:
    query = (
        "SELECT ?rival WHERE { ?_actor_iri <https://w3id.org/kgtool/ontology#competesWith> ?rival }"
    )
    result = run("sparql", query, "-p", "actor=DeepSeek", "--root", str(project))
    assert (result.exit_code, result.stdout) == (0, f"?rival\n<{KGR}OpenAI>\n")


def test_sparql_syntax_error_in_file_names_file_and_line(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#>\nSELECT ?c WHERE {\n  ?c a kgo:Company\n",
        encoding="utf-8",
    )
    result = run("sparql", "-f", str(path), "--root", str(project))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {path}:4:1: SPARQL syntax error: ")
    assert result.stderr.endswith(" (hint: check the query text near that position)\n")
    assert result.stderr.count("\n") == 1


def test_sparql_undeclared_prefix(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "prefix.rq"
    path.write_text("SELECT ?c WHERE {\n  ?c a kgo:Company }\n", encoding="utf-8")
    result = run("sparql", "-f", str(path), "--root", str(project))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}:2:8: SPARQL syntax error: prefix 'kgo:' is not declared "
        "(hint: add 'PREFIX kgo: <…>' at the top of the query)\n",
    )


def test_sparql_syntax_error_in_text_and_stdin(project: Path) -> None:
    result = run("sparql", "SELECT ?x WHERE { ?x ?p }", "--root", str(project))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: query:1:")
    result = run("sparql", "-", "--root", str(project), stdin="SELECT ?x\nWHERE { ?x ?p }")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: stdin:2:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "give exactly one query: as text, with -f FILE, or '-' to read stdin (hint: e.g. kgtool sparql 'ASK { ?s ?p ?o }')",
        ),
        (
            ["ASK {}", "-f", "x.rq"],
            "give exactly one query: as text, with -f FILE, or '-' to read stdin (hint: e.g. kgtool sparql 'ASK { ?s ?p ?o }')",
        ),
        (
            ["-f", "no-such-file.rq"],
            "no-such-file.rq: cannot read the query file: No such file or directory",
        ),
        (
            ["hello"],
            "query: not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE (hint: kgtool runs read-only queries; write e.g. SELECT ?s WHERE { ?s ?p ?o })",
        ),
        (["   "], "the query is empty (hint: give a SPARQL query)"),
        (
            ["SELECT * WHERE { ?s ?p ?_o }"],
            "the query needs parameter 'o' (string) (hint: add -p o=VALUE)",
        ),
        (
            ["CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"],
            "--format csv cannot hold a CONSTRUCT/DESCRIBE result (hint: use one of: turtle, nt, jsonld)",
        ),
    ],
    ids=[
        "no-query",
        "two-queries",
        "missing-file",
        "not-a-query",
        "empty",
        "missing-param",
        "construct-as-csv",
    ],
)
def test_sparql_errors(project: Path, args: list[str], message: str) -> None:
    result = run("sparql", *args, "--root", str(project))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")


def test_engines_agree_on_a_saved_query(project: Path) -> None:
    outputs = {
        engine: run(
            "query", "costs", "--engine", engine, "--root", str(project), "--format", "json"
        ).stdout
        for engine in ("oxigraph", "rdflib")
    }
    assert outputs["oxigraph"] == outputs["rdflib"]
    assert len(json.loads(outputs["oxigraph"])["results"]["bindings"]) == 2


# --- long values echoed in messages (issue 10 appendix) ------------------------------------------


def test_a_huge_parameter_value_is_echoed_cut(project_factory: Callable[..., Path]) -> None:
    root = project_factory(
        ontology={"empty.ttl": "# no statements\n"},
        graph={"data.ttl": "<http://x/a> <http://x/p> 1 .\n"},
    )
    value = "9x" * 60_000
    result = invoke(
        "sparql", "SELECT ?n WHERE { ?s ?p ?n FILTER(?n > ?_min_number) }",
        "--root", str(root), "-p", f"min={value}",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: parameter 'min': '{value[:79]}… (119922 more characters) is not a number "
        "(hint: write e.g. 42 or 0.5)\n"
    )


def test_an_ambiguous_label_lists_ten_candidates(project_factory: Callable[..., Path]) -> None:
    lines = [
        f'<http://x/e{i:04}> <http://www.w3.org/2000/01/rdf-schema#label> "Same" .'
        for i in range(2000)
    ]
    root = project_factory(
        ontology={"empty.ttl": "# no statements\n"}, graph={"data.nt": "\n".join(lines) + "\n"}
    )
    result = invoke(
        "sparql", "SELECT ?x WHERE { BIND(?_who_iri AS ?x) }", "--root", str(root), "-p", "who=Same"
    )
    assert result.exit_code == 2
    shown = ", ".join(f"<http://x/e{i:04}>" for i in range(10))
    assert result.stderr == (
        f"Error: parameter 'who': 'Same' is ambiguous: {shown} and 1990 more "
        "(hint: use one of these CURIEs)\n"
    )
