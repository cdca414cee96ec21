"""Result formats (kgtool.output) on small in-code results: exact text for every format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest

from kgtool.cli import cli
from kgtool.engines import OxigraphEngine, QueryKind, QueryResult
from kgtool.errors import FormatError
from kgtool.namespaces import KGR, XSD
from kgtool.output import (
    FORMAT_NAMES,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    OutputFormat,
    check_format,
    default_format,
    fetch_labels,
    format_result,
    iris_to_label,
)


def iri(local: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(KGR + local)


def lit(value: str, datatype: str | None = None, language: str | None = None) -> pyoxigraph.Literal:
    if datatype:
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + datatype))
    return pyoxigraph.Literal(value, language=language) if language else pyoxigraph.Literal(value)


SELECT = QueryResult(
    QueryKind.SELECT,
    ("actor", "actorLabel", "cost", "note", "other"),
    (
        (
            iri("DeepSeek"),
            lit("DeepSeek", language="en"),
            lit("5560000", "decimal"),
            lit('say "hi", ok'),
            pyoxigraph.BlankNode("zz9"),
        ),
        (
            iri("OpenAI"),
            lit("オープンAI", language="ja"),
            lit("63000000", "integer"),
            lit("tab\there\nline"),
            None,
        ),
        (
            pyoxigraph.NamedNode("http://example.org/x"),
            None,
            lit("1.5e3", "double"),
            lit("a|b<c>&"),
            pyoxigraph.BlankNode("zz9"),
        ),
    ),
)
ASK = QueryResult(QueryKind.ASK, boolean=True)


def test_cli_format_choices_come_from_the_library() -> None:
    for command in ("query", "sparql"):
        option = next(p for p in cli.commands[command].params if p.name == "output_format")
        assert tuple(option.type.choices) == FORMAT_NAMES


def test_json_is_the_w3c_results_format_in_projection_order() -> None:
    text = format_result(SELECT, OutputFormat.JSON)
    document = json.loads(text)
    assert list(document) == ["head", "results"]
    assert document["head"] == {"vars": ["actor", "actorLabel", "cost", "note", "other"]}
    first, second, third = document["results"]["bindings"]
    assert list(first) == ["actor", "actorLabel", "cost", "note", "other"]
    assert first == {
        "actor": {"type": "uri", "value": KGR + "DeepSeek"},
        "actorLabel": {"type": "literal", "value": "DeepSeek", "xml:lang": "en"},
        "cost": {"type": "literal", "value": "5560000", "datatype": XSD + "decimal"},
        "note": {"type": "literal", "value": 'say "hi", ok'},
        "other": {"type": "bnode", "value": "b0"},
    }
    assert "other" not in second  # unbound: left out
    assert third["other"] == {"type": "bnode", "value": "b0"}  # same blank node, same name
    assert "オープンAI" in text  # UTF-8, not \u escapes


def test_ask_json_and_xml() -> None:
    assert json.loads(format_result(ASK, OutputFormat.JSON)) == {"head": {}, "boolean": True}
    assert format_result(ASK, OutputFormat.XML) == (
        '<?xml version="1.0"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        "  <head/>\n"
        "  <boolean>true</boolean>\n"
        "</sparql>\n"
    )
    assert format_result(QueryResult(QueryKind.ASK, boolean=False), OutputFormat.TABLE) == "false\n"


def test_xml_results_format() -> None:
    one_row = QueryResult(SELECT.kind, SELECT.variables, SELECT.rows[:1])
    assert format_result(one_row, OutputFormat.XML) == (
        '<?xml version="1.0"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        "  <head>\n"
        '    <variable name="actor"/>\n'
        '    <variable name="actorLabel"/>\n'
        '    <variable name="cost"/>\n'
        '    <variable name="note"/>\n'
        '    <variable name="other"/>\n'
        "  </head>\n"
        "  <results>\n"
        "    <result>\n"
        f'      <binding name="actor"><uri>{KGR}DeepSeek</uri></binding>\n'
        '      <binding name="actorLabel"><literal xml:lang="en">DeepSeek</literal></binding>\n'
        f'      <binding name="cost"><literal datatype="{XSD}decimal">5560000</literal></binding>\n'
        '      <binding name="note"><literal>say &quot;hi&quot;, ok</literal></binding>\n'
        '      <binding name="other"><bnode>b0</bnode></binding>\n'
        "    </result>\n"
        "  </results>\n"
        "</sparql>\n"
    )


def test_xml_refuses_characters_xml_cannot_hold() -> None:
    result = QueryResult(QueryKind.SELECT, ("x",), ((lit("a\x00b"),),))
    with pytest.raises(FormatError) as caught:
        format_result(result, OutputFormat.XML)
    assert str(caught.value) == (
        "the value 'a\\x00b' holds the character U+0000, which XML cannot contain (hint: use --format json or tsv)"
    )


def test_tsv_is_w3c_tsv_one_row_per_line() -> None:
    assert format_result(SELECT, OutputFormat.TSV) == (
        "?actor\t?actorLabel\t?cost\t?note\t?other\n"
        f'<{KGR}DeepSeek>\t"DeepSeek"@en\t"5560000"^^<{XSD}decimal>\t"say \\"hi\\", ok"\t_:b0\n'
        f'<{KGR}OpenAI>\t"オープンAI"@ja\t63000000\t"tab\\there\\nline"\t\n'
        '<http://example.org/x>\t\t1.5e3\t"a|b<c>&"\t_:b0\n'
    )


def test_csv_is_w3c_csv_with_crlf() -> None:
    assert format_result(SELECT, OutputFormat.CSV) == (
        "actor,actorLabel,cost,note,other\r\n"
        f'{KGR}DeepSeek,DeepSeek,5560000,"say ""hi"", ok",_:b0\r\n'
        f'{KGR}OpenAI,オープンAI,63000000,"tab\there\nline",\r\n'
        "http://example.org/x,,1.5e3,a|b<c>&,_:b0\r\n"
    )


def test_table_aligns_wide_characters_and_uses_labels() -> None:
    labels = {KGR + "DeepSeek": "ディープシーク"}
    result = QueryResult(
        QueryKind.SELECT,
        ("company", "n"),
        ((iri("DeepSeek"), lit("1", "integer")), (iri("OpenAI"), lit("22", "integer"))),
    )
    assert format_result(result, OutputFormat.TABLE, labels) == (
        "company         n\n--------------  --\nディープシーク  1\nkgr:OpenAI      22\n(2 rows)\n"
    )


def test_table_shows_curies_next_to_label_columns_and_escapes_control_characters() -> None:
    labels = {KGR + "DeepSeek": "should not be used", KGR + "OpenAI": "not used either"}
    assert format_result(SELECT, OutputFormat.TABLE, labels) == (
        "actor                   actorLabel  cost      note             other\n"
        "----------------------  ----------  --------  ---------------  -----\n"
        'kgr:DeepSeek            DeepSeek    5560000   say "hi", ok     _:b0\n'
        "kgr:OpenAI              オープンAI  63000000  tab\\there\\nline\n"
        "<http://example.org/x>              1.5e3     a|b<c>&          _:b0\n"
        "(3 rows)\n"
    )


def test_markdown_escapes_pipes_and_html() -> None:
    assert format_result(SELECT, OutputFormat.MD) == (
        "| actor | actorLabel | cost | note | other |\n"
        "| --- | --- | --- | --- | --- |\n"
        '| kgr:DeepSeek | DeepSeek | 5560000 | say "hi", ok | _:b0 |\n'
        "| kgr:OpenAI | オープンAI | 63000000 | tab\\there<br>line |  |\n"
        "| &lt;http://example.org/x&gt; |  | 1.5e3 | a\\|b&lt;c&gt;&amp; | _:b0 |\n"
    )


GRAPH = QueryResult(
    QueryKind.GRAPH,
    triples=(
        pyoxigraph.Triple(
            iri("OpenAI"),
            pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            lit("OpenAI", language="en"),
        ),
        pyoxigraph.Triple(
            iri("DeepSeek"),
            pyoxigraph.NamedNode("https://w3id.org/kgtool/ontology#competesWith"),
            iri("OpenAI"),
        ),
        pyoxigraph.Triple(
            iri("DeepSeek"),
            pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            pyoxigraph.NamedNode("https://w3id.org/kgtool/ontology#Startup"),
        ),
        pyoxigraph.Triple(
            iri("DeepSeek"), pyoxigraph.NamedNode("https://schema.org/value"), lit("5", "decimal")
        ),
        pyoxigraph.Triple(
            iri("DeepSeek"),
            pyoxigraph.NamedNode("https://schema.org/amount"),
            pyoxigraph.BlankNode("q1"),
        ),
    ),
)


def test_turtle_uses_the_project_prefixes_in_order() -> None:
    assert format_result(GRAPH, OutputFormat.TURTLE) == (
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .\n"
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "\n"
        "kgr:DeepSeek a kgo:Startup ;\n"
        "\tschema:amount _:b0 ;\n"
        '\tschema:value "5"^^xsd:decimal ;\n'
        "\tkgo:competesWith kgr:OpenAI .\n"
        'kgr:OpenAI rdfs:label "OpenAI"@en .\n'
    )


def test_ntriples_are_sorted() -> None:
    lines = format_result(GRAPH, OutputFormat.NT).splitlines()
    assert lines == sorted(lines)
    assert (
        lines[0]
        == f"<{KGR}DeepSeek> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kgtool/ontology#Startup> ."
    )
    assert len(lines) == 5


def test_jsonld_has_a_prefix_context_and_round_trips(tmp_path: Path) -> None:
    text = format_result(GRAPH, OutputFormat.JSONLD)
    document = json.loads(text)
    assert document["@context"]["kgr"] == KGR
    assert document["@graph"][0]["@id"] == "kgr:DeepSeek"
    assert document["@graph"][0]["@type"] == ["kgo:Startup"]
    parsed = {
        q.triple for q in pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.JSON_LD)
    }
    assert len(parsed) == 5
    assert (
        pyoxigraph.Triple(
            iri("DeepSeek"), pyoxigraph.NamedNode("https://schema.org/value"), lit("5", "decimal")
        )
        in parsed
    )


@pytest.mark.parametrize("output_format", RESULT_FORMATS)
def test_graph_results_refuse_result_formats(output_format: OutputFormat) -> None:
    with pytest.raises(FormatError) as caught:
        check_format(QueryKind.GRAPH, output_format)
    assert str(caught.value) == (
        f"--format {output_format.value} cannot hold a CONSTRUCT/DESCRIBE result (hint: use one of: turtle, nt, jsonld)"
    )


@pytest.mark.parametrize("output_format", GRAPH_FORMATS)
def test_ask_refuses_graph_formats(output_format: OutputFormat) -> None:
    with pytest.raises(FormatError) as caught:
        format_result(ASK, output_format)
    assert str(caught.value) == (
        f"--format {output_format.value} cannot hold an ASK result (hint: use one of: table, json, xml, md)"
    )


@pytest.mark.parametrize("output_format", [OutputFormat.CSV, OutputFormat.TSV])
def test_ask_refuses_csv_and_tsv(output_format: OutputFormat) -> None:
    # The W3C CSV/TSV results formats have no boolean form: a bare "true" reads back as nothing.
    with pytest.raises(FormatError) as caught:
        format_result(ASK, output_format)
    assert str(caught.value) == (
        f"--format {output_format.value} cannot hold an ASK result (the W3C CSV/TSV results "
        "formats define no form for a boolean) (hint: use one of: table, json, xml, md)"
    )


def test_default_formats() -> None:
    assert default_format(QueryKind.SELECT, terminal=True) is OutputFormat.TABLE
    assert default_format(QueryKind.ASK, terminal=False) is OutputFormat.TABLE
    assert default_format(QueryKind.GRAPH, terminal=False) is OutputFormat.TURTLE


def test_output_is_deterministic_across_blank_node_ids() -> None:
    other = QueryResult(
        GRAPH.kind,
        triples=tuple(
            pyoxigraph.Triple(t.subject, t.predicate, pyoxigraph.BlankNode("other7"))
            if isinstance(t.object, pyoxigraph.BlankNode)
            else t
            for t in reversed(GRAPH.triples)
        ),
    )
    for output_format in GRAPH_FORMATS:
        assert format_result(other, output_format) == format_result(GRAPH, output_format)


def test_labels_prefer_the_chosen_language_then_the_other(
    turtle_engine: Callable[..., OxigraphEngine],
) -> None:
    engine = turtle_engine(
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kgr:A rdfs:label "A"@en, "エー"@ja .\n'
        'kgr:B rdfs:label "ビー"@ja .\n'
        'kgr:C rdfs:label "C (no language)" .\n',
        "d.ttl",
    )
    iris = [KGR + x for x in "ABCD"]
    assert fetch_labels(engine, iris, "en") == {
        KGR + "A": "A",
        KGR + "B": "ビー",
        KGR + "C": "C (no language)",
    }
    assert fetch_labels(engine, iris, "ja") == {
        KGR + "A": "エー",
        KGR + "B": "ビー",
        KGR + "C": "C (no language)",
    }
    assert fetch_labels(engine, [], "en") == {}


def test_labels_follow_the_one_label_rule(turtle_engine: Callable[..., OxigraphEngine]) -> None:
    """kgtool.labels.choose_label: skos:prefLabel counts, after rdfs:label in the same
    language; language tags compare ignoring case; the smallest text wins a tie."""
    engine = turtle_engine(
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'kgr:A skos:prefLabel "A pref"@en ; rdfs:label "A label"@en .\n'
        'kgr:B skos:prefLabel "B pref"@en ; rdfs:label "ビー"@ja .\n'
        'kgr:C skos:prefLabel "C only" .\n'
        'kgr:D rdfs:label "D upper"@EN , "D ja"@ja .\n'
        'kgr:E rdfs:label "E2"@en , "E1"@en .\n',
        "d.ttl",
    )
    assert fetch_labels(engine, [KGR + x for x in "ABCDE"], "en") == {
        KGR + "A": "A label",
        KGR + "B": "B pref",
        KGR + "C": "C only",
        KGR + "D": "D upper",
        KGR + "E": "E1",
    }


def test_iris_to_label_skips_columns_with_a_label_companion() -> None:
    assert iris_to_label(SELECT) == []
    result = QueryResult(QueryKind.SELECT, ("a", "b", "bLabel"), ((iri("X"), iri("Y"), lit("y")),))
    assert iris_to_label(result) == [KGR + "X"]
