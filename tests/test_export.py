"""`kgtool export`: every format, deterministic bytes, atomic writes. Small in-code fixtures,
plus one clearly named group on the real graph/ data."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx
import pyoxigraph
import pytest
from click.testing import Result
from support import invoke

from kgtool.cli import cli
from kgtool.engines import EngineOptions, OxigraphEngine, RdflibEngine, open_engine
from kgtool.errors import FormatError, OutputError
from kgtool.export import FORMAT_NAMES, export_bytes
from kgtool.fileio import write_atomic
from kgtool.graph import graph_name, load_rdflib, load_store
from kgtool.project import find_project

REPO = Path(__file__).resolve().parent.parent

ONTOLOGY = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
kgo:Company a owl:Class ; rdfs:label "Company"@en .
"""
DATA = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix kgr: <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kgr:DeepSeek a kgo:Company ; rdfs:label "DeepSeek"@en , "ディープシーク"@ja ; kgo:competesWith kgr:OpenAI ;
    kgo:cost [ schema:value "5560000"^^xsd:decimal ; schema:currency "USD" ] .
kgr:OpenAI a kgo:Company ; rdfs:label "OpenAI"@en .
"""

EXPECTED_NT = """\
<https://w3id.org/kgtool/ontology#Company> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .
<https://w3id.org/kgtool/ontology#Company> <http://www.w3.org/2000/01/rdf-schema#label> "Company"@en .
<https://w3id.org/kgtool/resource/DeepSeek> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kgtool/ontology#Company> .
<https://w3id.org/kgtool/resource/DeepSeek> <http://www.w3.org/2000/01/rdf-schema#label> "DeepSeek"@en .
<https://w3id.org/kgtool/resource/DeepSeek> <http://www.w3.org/2000/01/rdf-schema#label> "ディープシーク"@ja .
<https://w3id.org/kgtool/resource/DeepSeek> <https://w3id.org/kgtool/ontology#competesWith> <https://w3id.org/kgtool/resource/OpenAI> .
<https://w3id.org/kgtool/resource/DeepSeek> <https://w3id.org/kgtool/ontology#cost> _:c14n0 .
<https://w3id.org/kgtool/resource/OpenAI> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kgtool/ontology#Company> .
<https://w3id.org/kgtool/resource/OpenAI> <http://www.w3.org/2000/01/rdf-schema#label> "OpenAI"@en .
_:c14n0 <https://schema.org/currency> "USD" .
_:c14n0 <https://schema.org/value> "5560000"^^<http://www.w3.org/2001/XMLSchema#decimal> .
"""

EXPECTED_TTL = """\
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix kgr: <https://w3id.org/kgtool/resource/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .

kgo:Company a owl:Class ;
\trdfs:label "Company"@en .
kgr:DeepSeek a kgo:Company ;
\trdfs:label "DeepSeek"@en , "ディープシーク"@ja ;
\tkgo:competesWith kgr:OpenAI ;
\tkgo:cost _:c14n0 .
kgr:OpenAI a kgo:Company ;
\trdfs:label "OpenAI"@en .
_:c14n0 schema:currency "USD" ;
\tschema:value "5560000"^^xsd:decimal .
"""


@pytest.fixture()
def project(project_factory: Callable[..., Path]) -> Path:
    return project_factory(
        ontology={"kgtool.ttl": ONTOLOGY},
        graph={
            "data.ttl": DATA,
            # the same statement in two files is exported once (except in N-Quads)
            "more.ttl": '<https://w3id.org/kgtool/resource/OpenAI> <http://www.w3.org/2000/01/rdf-schema#label> "OpenAI"@en .\n',
        },
    )


def run(*args: str) -> Result:
    return invoke("export", *args)


def test_cli_format_choices_come_from_the_library() -> None:
    option = next(p for p in cli.commands["export"].params if p.name == "export_format")
    assert tuple(option.type.choices) == FORMAT_NAMES == ("turtle", "nt", "nq", "jsonld", "graphml")


def test_ntriples_are_sorted_with_canonical_blank_nodes(project: Path) -> None:
    result = run("--format", "nt", "--root", str(project))
    assert (result.exit_code, result.stdout, result.stderr) == (0, EXPECTED_NT, "")


def test_turtle_uses_the_project_prefixes_in_order(project: Path) -> None:
    result = run("--format", "ttl", "--root", str(project))
    assert (result.exit_code, result.stdout) == (0, EXPECTED_TTL)


def test_nquads_keep_each_files_graph(project: Path) -> None:
    result = run("--format", "nq", "--root", str(project))
    lines = result.stdout.splitlines()
    openai_label = '<https://w3id.org/kgtool/resource/OpenAI> <http://www.w3.org/2000/01/rdf-schema#label> "OpenAI"@en'
    assert [line for line in lines if line.startswith(openai_label)] == [
        f"{openai_label} <{graph_name(project / 'graph' / 'data.ttl')}> .",
        f"{openai_label} <{graph_name(project / 'graph' / 'more.ttl')}> .",
    ]
    assert len(lines) == 12


def test_jsonld_holds_the_same_triples(project: Path) -> None:
    result = run("--format", "jsonld", "--root", str(project))
    json.loads(result.stdout)
    reparsed = pyoxigraph.parse(result.stdout.encode(), format=pyoxigraph.RdfFormat.JSON_LD)
    again = pyoxigraph.serialize(
        sorted((q.triple for q in reparsed), key=str), format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    assert len(again.decode().splitlines()) == len(EXPECTED_NT.splitlines())


def test_graphml_holds_the_entity_network(project: Path) -> None:
    result = run("--format", "graphml", "--root", str(project))
    assert result.exit_code == 0, result.stderr
    network = networkx.read_graphml(io.BytesIO(result.stdout_bytes))
    deepseek, openai = (
        "https://w3id.org/kgtool/resource/DeepSeek",
        "https://w3id.org/kgtool/resource/OpenAI",
    )
    assert network.nodes[deepseek]["label_en"] == "DeepSeek"
    assert network.nodes[deepseek]["label_ja"] == "ディープシーク"
    assert network.has_edge(deepseek, openai)


@pytest.mark.parametrize("export_format", FORMAT_NAMES)
def test_every_format_is_deterministic_and_engine_independent(
    project: Path, export_format: str
) -> None:
    files = find_project(project).data_files
    outputs = {
        export_bytes(OxigraphEngine(load_store(files)), export_format),
        export_bytes(OxigraphEngine(load_store(files)), export_format),
        export_bytes(RdflibEngine(load_rdflib(files)), export_format),
    }
    assert len(outputs) == 1


def test_output_file_is_written_atomically(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "kg.nt"
    target.parent.mkdir()
    target.write_text("old content")
    result = run("--format", "nt", "--root", str(project), "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.read_text(encoding="utf-8") == EXPECTED_NT
    assert [p.name for p in target.parent.iterdir()] == ["kg.nt"]  # no temporary file left behind


def test_a_missing_output_folder_is_a_one_line_error(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "kg.nt"
    result = run("--format", "nt", "--root", str(project), "-o", str(target))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {target}: no such folder: {target.parent} "
        "(hint: create the folder first or choose another -o path)\n"
    )


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kg.nt"
    target.write_text("old content")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kgtool.fileio.os.replace", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, b"new content")
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.nt"]


def test_unknown_format() -> None:
    with pytest.raises(FormatError) as raised:
        export_bytes(OxigraphEngine(pyoxigraph.Store()), "xml")
    assert (
        str(raised.value)
        == "unknown export format 'xml' (hint: choose one of: turtle, nt, nq, jsonld, graphml)"
    )


def test_export_needs_a_format(project: Path) -> None:
    result = run("--root", str(project))
    assert result.exit_code == 2
    assert "Missing option '--format'" in result.stderr


# --- real graph/ data ---------------------------------------------------------------------------------


def test_real_data_export_round_trips_every_statement() -> None:
    project = find_project(root=REPO)
    engine = open_engine(project, EngineOptions())
    exported = export_bytes(engine, "nq")
    reloaded = pyoxigraph.Store()
    reloaded.load(exported, format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(reloaded) == len(engine.store)
    triples = export_bytes(engine, "ttl")
    graph = pyoxigraph.Store()
    graph.load(triples, format=pyoxigraph.RdfFormat.TURTLE)

    def ground(quads) -> set:  # type: ignore[no-untyped-def]
        return {
            (q.subject, q.predicate, q.object)
            for q in quads
            if not isinstance(q.subject, pyoxigraph.BlankNode)
            and not isinstance(q.object, pyoxigraph.BlankNode)
        }

    union = {(q.subject, q.predicate, q.object) for q in engine.store}
    assert len(graph) == len(union)
    assert ground(graph) == ground(engine.store)
