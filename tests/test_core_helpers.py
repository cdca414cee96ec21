"""The one-of-each helpers: labels, tables, IRI-from-text, SHACL paths, and the file mode of `new -o`."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.diff import diff_graphs, load_side
from kgtool.fileio import current_umask
from kgtool.labels import LANGUAGE_NAMES, LANGUAGES, choose_label, language_order
from kgtool.namespaces import KGO, KGR, RDFS_LABEL, SKOS_PREF_LABEL, iri_from_text
from kgtool.rdf.shacl import path_text
from kgtool.tables import align, display_width, format_table

# --------------------------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------------------------


def test_language_constants_agree() -> None:
    assert LANGUAGES == tuple(LANGUAGE_NAMES) == ("en", "ja")
    assert language_order("en") == ("en", "ja")


@pytest.mark.parametrize(
    ("candidates", "preferred", "expected"),
    [
        ([(RDFS_LABEL, "ja", "中国"), (RDFS_LABEL, "en", "China")], "ja", "中国"),
        ([(RDFS_LABEL, "ja", "中国"), (RDFS_LABEL, "fr", "Chine")], "en", "中国"),
        ([(RDFS_LABEL, "fr", "Chine"), (RDFS_LABEL, None, "CN")], "en", "CN"),
        ([(SKOS_PREF_LABEL, "en", "A"), (RDFS_LABEL, "EN", "B")], "en", "B"),
        ([(RDFS_LABEL, "en", "b"), (RDFS_LABEL, "en", "a")], "en", "a"),
        ([], "en", None),
    ],
)
def test_choose_label(
    candidates: list[tuple[str, str | None, str]], preferred: str, expected: str | None
) -> None:
    assert choose_label(candidates, preferred) == expected


def test_diff_and_describe_name_a_node_by_the_same_rule(tmp_path: Path) -> None:
    # Before one rule: diff took the smallest label of any language after English ('Chine'),
    # describe the Japanese one.
    old = tmp_path / "old.ttl"
    new = tmp_path / "new.ttl"
    labels = '"Chine"@fr, "中国"@ja'
    old.write_text(f"<{KGR}China> <{RDFS_LABEL}> {labels} .\n", encoding="utf-8")
    new.write_text(f"<{KGR}China> <{RDFS_LABEL}> {labels} ; <{KGO}note> 1 .\n", encoding="utf-8")
    result = diff_graphs(load_side(str(old), tmp_path), load_side(str(new), tmp_path))
    assert [s.label for s in result.subjects] == ["中国"]


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------


def test_table_columns_line_up_with_wide_characters() -> None:
    assert display_width("ＡＩ中国") == 8
    assert format_table(["国", "n"], [["中国", "1"], ["US", "12"]]) == (
        "国    n\n----  --\n中国  1\nUS    12\n(2 rows)\n"
    )
    assert align([["1", "a", ""], ["10", "bb", "x"]], right={0}) == [" 1  a", "10  bb  x"]


# --------------------------------------------------------------------------------------------
# IRI from text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kgr:DeepSeek", KGR + "DeepSeek"),
        (" <http://e/x> ", "http://e/x"),
        ("https://e/x", "https://e/x"),
        ("urn:isbn:1", "urn:isbn:1"),
        ("DeepSeek", None),
        ("unknown:x", None),
        ("ディープシーク", None),
    ],
)
def test_iri_from_text(text: str, expected: str | None) -> None:
    assert iri_from_text(text) == expected


# --------------------------------------------------------------------------------------------
# SHACL paths
# --------------------------------------------------------------------------------------------

SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kgo: <{KGO}> .
kgo:a sh:path [ sh:zeroOrMorePath kgo:p ] .
kgo:b sh:path [ sh:oneOrMorePath [ sh:inversePath kgo:p ] ] .
kgo:c sh:path ( kgo:p [ sh:zeroOrOnePath kgo:q ] ) .
kgo:d sh:path [ sh:alternativePath ( kgo:p kgo:q ) ] .
kgo:e sh:path [ kgo:unknown kgo:p ] .
"""


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("a", "(kgo:p)*"),
        ("b", "(^kgo:p)+"),
        ("c", "kgo:p/(kgo:q)?"),
        ("d", "(kgo:p|kgo:q)"),
        ("e", "(a complex path)"),
    ],
)
def test_shacl_path_text(shape: str, expected: str) -> None:
    graph = rdflib.Graph().parse(data=SHAPES, format="turtle")
    path = graph.value(rdflib.URIRef(KGO + shape), rdflib.URIRef("http://www.w3.org/ns/shacl#path"))
    assert path_text(graph, path) == expected


# --------------------------------------------------------------------------------------------
# new -o: file mode (was 0600 before kgtool.fileio)
# --------------------------------------------------------------------------------------------


def test_new_output_file_gets_the_usual_mode(tmp_path: Path) -> None:
    stub = tmp_path / "stub.ttl"
    result = CliRunner().invoke(
        cli, ["new", "kgo:Startup", "Minato AI", "--lang-label", "ja=ミナトAI", "-o", str(stub)]
    )
    assert result.exit_code == 0, result.output
    assert stub.stat().st_mode & 0o777 == 0o666 & ~current_umask()


# --------------------------------------------------------------------------------------------
# Turtle with the project's prefixes
# --------------------------------------------------------------------------------------------


def test_turtle_with_prefixes_declares_what_it_uses_in_prefixes_order() -> None:
    import pyoxigraph

    from kgtool.rdf.serialize import turtle_with_prefixes

    a = pyoxigraph.NamedNode(KGR + "A")
    label = pyoxigraph.NamedNode(RDFS_LABEL)
    kind = pyoxigraph.NamedNode(KGO + "Company")
    triples = [
        pyoxigraph.Triple(a, label, pyoxigraph.Literal("A", language="en")),
        pyoxigraph.Triple(a, label, kind),
    ]
    assert turtle_with_prefixes(triples).splitlines()[:4] == [
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .",
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
    ]  # no rdf: for the language-tagged literal's rdf:langString
    assert turtle_with_prefixes([]) == ""


def test_escape_control_escapes_c0_c1_and_del_only() -> None:
    from kgtool.tables import escape_controls

    text = "a\tb\r\nc\x00\x1b[2J\x7f\x9b中国 é"
    assert escape_controls(text) == "a\\tb\\r\\nc\\x00\\x1b[2J\\x7f\\x9b中国 é"
