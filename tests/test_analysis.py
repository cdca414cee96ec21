"""Graph analytics (kgtool.analysis) and the view/analytics commands, on a small in-code
project; a clearly separated group at the end runs them on the real graph/ data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import invoke, write_project

from kgtool.analysis import (
    AnalysisError,
    NoPathError,
    centrality,
    communities,
    communities_graph,
    neighbors,
    paths_subgraph,
    shortest_paths,
)
from kgtool.cli import cli
from kgtool.engines import OxigraphEngine
from kgtool.errors import ExitCode
from kgtool.namespaces import KGO, KGR
from kgtool.network import project_graph

ONTOLOGY = """\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

kgo:Actor a owl:Class ; rdfs:label "Actor"@en , "行為主体"@ja .
kgo:Company a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "Company"@en , "企業"@ja .
kgo:Country a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "Country"@en , "国"@ja .
kgo:Claim a owl:Class ; rdfs:subClassOf prov:Entity ; rdfs:label "Claim"@en , "主張"@ja .
kgo:CompetitionClaim a owl:Class ; rdfs:subClassOf kgo:Claim ; rdfs:label "Competition claim"@en , "競争に関する主張"@ja .
kgo:about a owl:ObjectProperty ; rdfs:label "about"@en , "対象"@ja .
kgo:competesWith a owl:ObjectProperty ; rdfs:label "competes with"@en , "競合する"@ja .
kgo:basedIn a owl:ObjectProperty ; rdfs:label "based in"@en , "拠点国"@ja .
"""

#: Two triangles (West: Alpha, Bravo, Westland; East: Charlie, Delta, Eastland) bridged by
#: Alpha competes with Charlie (backed by a quoted claim), and Zed on its own.
STORY = """\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .

kgr:Alpha a kgo:Company ; rdfs:label "Alpha"@en , "アルファ"@ja ; kgo:basedIn kgr:Westland ; kgo:competesWith kgr:Bravo , kgr:Charlie .
kgr:Bravo a kgo:Company ; rdfs:label "Bravo"@en , "ブラボー"@ja ; kgo:basedIn kgr:Westland .
kgr:Charlie a kgo:Company ; rdfs:label "Charlie"@en , "チャーリー"@ja ; kgo:basedIn kgr:Eastland ; kgo:competesWith kgr:Delta .
kgr:Delta a kgo:Company ; rdfs:label "Delta"@en , "デルタ"@ja ; kgo:basedIn kgr:Eastland .
kgr:Westland a kgo:Country ; rdfs:label "Westland"@en , "西国"@ja .
kgr:Eastland a kgo:Country ; rdfs:label "Eastland"@en , "東国"@ja .
kgr:Zed a kgo:Country ; rdfs:label "Zed"@en , "ゼッド"@ja .

kgr:claim-alpha-charlie a kgo:CompetitionClaim ;
    rdfs:label "Claim: Alpha competes with Charlie"@en ;
    kgo:about kgr:Alpha , kgr:Charlie ;
    prov:wasDerivedFrom [ a oa:SpecificResource ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "アルファはチャーリーと競う。"@ja ] ] .
"""

ALPHA, BRAVO, CHARLIE, DELTA, EASTLAND, WESTLAND, ZED = (
    KGR + n for n in ("Alpha", "Bravo", "Charlie", "Delta", "Eastland", "Westland", "Zed")
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(
        tmp_path_factory.mktemp("views-project"),
        ontology={"onto.ttl": ONTOLOGY},
        graph={"story.ttl": STORY},
    )


@pytest.fixture(scope="module")
def graph(project: Path):  # noqa: ANN201 - a networkx.MultiDiGraph
    return project_graph(
        OxigraphEngine.from_files(
            [project / "ontology" / "onto.ttl", project / "graph" / "story.ttl"]
        )
    )


def run(project: Path, *args: str) -> Result:
    return invoke(*args, "--root", str(project))


# --- library ------------------------------------------------------------------------------------


def test_degree_centrality_ranks_by_score_then_label(graph) -> None:  # noqa: ANN001
    ranked = centrality(graph, "degree", top=3)
    assert [(r.rank, r.label_en, r.kind, r.score) for r in ranked] == [
        (1, "Alpha", "Company", 0.5),
        (2, "Charlie", "Company", 0.5),
        (3, "Bravo", "Company", 0.333333),
    ]


def test_betweenness_finds_the_bridge(graph) -> None:  # noqa: ANN001
    assert [r.node for r in centrality(graph, "betweenness", top=2)] == [ALPHA, CHARLIE]


def test_centrality_filtered_by_class(graph) -> None:  # noqa: ANN001
    ranked = centrality(graph, "pagerank", classes=(KGO + "Country",), top=10)
    assert [r.label_en for r in ranked] == ["Eastland", "Westland", "Zed"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top": 0}, "--top must be at least 1, not 0"),
        ({"metric": "fame"}, "unknown metric 'fame'"),
    ],
)
def test_centrality_refuses_bad_arguments(graph, kwargs: dict, message: str) -> None:  # noqa: ANN001
    with pytest.raises(AnalysisError, match=message):
        centrality(graph, **kwargs)


def test_shortest_path_hops_carry_their_triples_and_quotes(graph) -> None:  # noqa: ANN001
    (path,) = shortest_paths(graph, BRAVO, DELTA)
    assert path.nodes == (BRAVO, ALPHA, CHARLIE, DELTA)
    assert [
        (s.subject_label, s.predicate_label, s.object_label)
        for hop in path.hops
        for s in hop.statements
    ] == [
        ("Alpha", "competes with", "Bravo"),
        ("Alpha", "competes with", "Charlie"),
        ("Charlie", "competes with", "Delta"),
    ]
    (claim,) = path.hops[1].statements[0].claims
    assert (claim.iri, claim.quotes) == (
        KGR + "claim-alpha-charlie",
        ("アルファはチャーリーと競う。",),
    )
    sub = paths_subgraph(graph, [path])
    assert sorted(sub.edges(keys=True)) == [
        (ALPHA, BRAVO, KGO + "competesWith"),
        (ALPHA, CHARLIE, KGO + "competesWith"),
        (CHARLIE, DELTA, KGO + "competesWith"),
    ]


def test_no_path_is_a_finding_with_exit_code_1(graph) -> None:  # noqa: ANN001
    with pytest.raises(NoPathError) as error:
        shortest_paths(graph, ALPHA, ZED)
    assert error.value.exit_code == ExitCode.FINDINGS
    with pytest.raises(NoPathError, match=r"within 2 hops \(the shortest has 3\)"):
        shortest_paths(graph, BRAVO, DELTA, max_hops=2)


def test_path_refuses_the_same_entity_twice(graph) -> None:  # noqa: ANN001
    with pytest.raises(AnalysisError, match="both ends are kgr:Alpha"):
        shortest_paths(graph, ALPHA, ALPHA)


def test_neighbors_ring_by_ring(graph) -> None:  # noqa: ANN001
    rows = neighbors(graph, ALPHA, depth=2)
    assert [
        (r.distance, r.label, r.statement.subject_label, r.statement.predicate_label) for r in rows
    ] == [
        (1, "Bravo", "Alpha", "competes with"),
        (1, "Charlie", "Alpha", "competes with"),
        (1, "Westland", "Alpha", "based in"),
        (2, "Delta", "Charlie", "competes with"),
        (2, "Eastland", "Charlie", "based in"),
    ]


def test_communities_are_deterministic(graph) -> None:  # noqa: ANN001
    found = communities(graph)
    assert [[m.label for m in c.members] for c in found] == [
        ["Alpha", "Bravo", "Westland"],
        ["Charlie", "Delta", "Eastland"],
        ["Zed"],
    ]
    assert found[0].name == "Community 1: Alpha"
    assert communities(graph) == found
    coloured = communities_graph(graph, found)
    assert coloured.nodes[DELTA]["community"] == "Community 2: Charlie"
    assert "community" not in graph.nodes[DELTA]  # the input graph is left alone


# --- commands -----------------------------------------------------------------------------------


def test_analyze_centrality_table(project: Path) -> None:
    result = run(project, "analyze", "centrality", "--top", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "rank  entity       label    class    degree\n"
        "----  -----------  -------  -------  --------\n"
        "1     kgr:Alpha    Alpha    Company  0.5\n"
        "2     kgr:Charlie  Charlie  Company  0.5\n"
        "3     kgr:Bravo    Bravo    Company  0.333333\n"
        "(3 rows)\n"
    )


def test_analyze_centrality_csv_json_and_class_by_label(project: Path) -> None:
    result = run(
        project,
        "analyze",
        "centrality",
        "--metric",
        "betweenness",
        "--class",
        "企業",
        "--top",
        "2",
        "--format",
        "csv",
    )
    assert (
        result.stdout
        == "rank,entity,label,class,betweenness\n1,kgr:Alpha,Alpha,Company,0.4\n2,kgr:Charlie,Charlie,Company,0.4\n"
    )
    result = run(project, "analyze", "centrality", "--top", "1", "--format", "json", "--lang", "ja")
    assert json.loads(result.stdout) == [
        {
            "rank": 1,
            "entity": ALPHA,
            "label_en": "Alpha",
            "label_ja": "アルファ",
            "class": "企業",
            "degree": 0.5,
        }
    ]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["analyze", "centrality", "--top", "0"],
            "Error: --top must be at least 1, not 0 (hint: e.g. --top 10)\n",
        ),
        (
            ["analyze", "centrality", "--class", "Alpha"],
            "Error: kgr:Alpha is not a class (hint: give a class such as kgo:Company or 'Country')\n",
        ),
        (
            ["neighbors", "Nobody"],
            "Error: no entity is labelled 'Nobody' (hint: give an IRI, a CURIE (kgo:, kgr:) or an exact label)\n",
        ),
        (
            ["path", "Alpha", "Alpha"],
            "Error: both ends are kgr:Alpha (hint: give two different entities)\n",
        ),
        (
            ["view", "-o", "x.html", "--depth", "2"],
            "Error: --depth needs --focus (hint: e.g. --focus DeepSeek --depth 2)\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(project: Path, args: list[str], error: str) -> None:
    result = run(project, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", error)


def test_path_command_prints_hops_triples_and_quotes(project: Path) -> None:
    result = run(project, "path", "Bravo", "デルタ")
    assert result.exit_code == 0
    assert result.stdout == (
        "Path 1 (3 hops)\n"
        "  1. Alpha —competes with→ Bravo\n"
        "      kgr:Alpha kgo:competesWith kgr:Bravo\n"
        "  2. Alpha —competes with→ Charlie\n"
        "      kgr:Alpha kgo:competesWith kgr:Charlie\n"
        "      Competition claim kgr:claim-alpha-charlie\n"
        "        「アルファはチャーリーと競う。」\n"
        "  3. Charlie —competes with→ Delta\n"
        "      kgr:Charlie kgo:competesWith kgr:Delta\n"
    )


def test_path_command_json_groups_statements_by_hop(project: Path) -> None:
    (record,) = json.loads(run(project, "path", "Bravo", "Delta", "--format", "json").stdout)
    assert (record["length"], record["nodes"]) == (3, [BRAVO, ALPHA, CHARLIE, DELTA])
    assert [(h["from"], h["to"], len(h["statements"])) for h in record["hops"]] == [
        (BRAVO, ALPHA, 1),
        (ALPHA, CHARLIE, 1),
        (CHARLIE, DELTA, 1),
    ]
    assert record["hops"][1]["statements"][0]["claims"][0]["quotes"] == [
        "アルファはチャーリーと競う。"
    ]


def test_no_path_exits_1_with_one_line(project: Path) -> None:
    result = run(project, "path", "Alpha", "Zed")
    assert (result.exit_code, result.stdout) == (1, "")
    assert (
        result.stderr
        == "No path: Alpha and Zed are not connected (hint: they lie in separate parts of the network)\n"
    )
    result = run(project, "path", "Bravo", "Delta", "--max-hops", "2")
    assert (result.exit_code, result.stderr) == (
        1,
        "No path: no path between Bravo and Delta within 2 hops (the shortest has 3) (hint: raise --max-hops to 3)\n",
    )


def test_neighbors_command(project: Path) -> None:
    result = run(project, "neighbors", "kgr:Charlie", "--format", "csv")
    assert result.stdout == (
        "distance,entity,label,class,subject,predicate,object,claims\n"
        "1,kgr:Alpha,Alpha,Company,Alpha,competes with,Charlie,1\n"
        "1,kgr:Delta,Delta,Company,Charlie,competes with,Delta,0\n"
        "1,kgr:Eastland,Eastland,Country,Charlie,based in,Eastland,0\n"
    )


def test_communities_command(project: Path) -> None:
    result = run(project, "communities", "--lang", "ja")
    assert result.exit_code == 0
    # Japanese characters take two terminal columns; the columns stay aligned.
    assert result.stdout.splitlines()[:5] == [
        "community  entity        label       class  degree",
        "---------  ------------  ----------  -----  ------",
        "1          kgr:Alpha     アルファ    企業   3",
        "1          kgr:Bravo     ブラボー    企業   2",
        "1          kgr:Westland  西国        国     2",
    ]


@pytest.mark.parametrize(
    ("args", "counts"),
    [
        (["view"], "7 nodes, 7 edges"),
        (["view", "--focus", "Zed"], "1 node, 0 edges"),
        (["view", "--focus", "アルファ", "--depth", "2"], "6 nodes, 7 edges"),
        (
            ["view", "--class", "Country", "--lang", "ja", "--layout", "kamada-kawai"],
            "3 nodes, 0 edges",
        ),
        (["view", "--show-claims"], "8 nodes, 9 edges"),  # + the claim and its two kgo:about edges
        (["analyze", "centrality", "--top", "2"], "2 nodes, 1 edge"),
        (["path", "Bravo", "Delta"], "4 nodes, 3 edges"),
        (["neighbors", "Alpha"], "4 nodes, 4 edges"),
        (["communities", "--format", "json"], "7 nodes, 7 edges"),
    ],
)
def test_view_options_write_a_page_and_say_so_on_stderr(
    project: Path, tmp_path: Path, args: list[str], counts: str
) -> None:
    out = tmp_path / "view.html"
    option = ["-o", str(out)] if args[0] == "view" else ["--view", str(out)]
    result = run(project, *args, *option)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote {out} ({counts})\n"
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["view"], "米中AIナレッジグラフ"),
        (["view", "--focus", "Alpha", "--depth", "2"], "アルファの周辺(2ホップ)"),
        (["analyze", "centrality", "--top", "2"], "degreeの上位2エンティティ"),
        (["path", "Bravo", "Delta"], "ブラボー ↔ デルタ"),
        (["neighbors", "Alpha"], "アルファの近傍(1ホップ)"),
        (["communities"], "コミュニティ(Louvain法、解像度1)"),
    ],
)
def test_japanese_pages_have_japanese_titles(
    project: Path, tmp_path: Path, args: list[str], title: str
) -> None:
    out = tmp_path / "view.html"
    option = ["-o", str(out)] if args[0] == "view" else ["--view", str(out)]
    result = run(project, *args, *option, "--lang", "ja")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    shown = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title in shown
    assert not any(word in shown for word in ("Top ", "Neighbours", "communities", "Around"))


def test_view_into_a_missing_folder(project: Path, tmp_path: Path) -> None:
    result = run(project, "view", "-o", str(tmp_path / "no" / "v.html"))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {tmp_path / 'no' / 'v.html'}: no such folder: {tmp_path / 'no'} (hint: create the folder first or choose another -o path)\n",
    )


# --- the real graph/ data -------------------------------------------------------------------------


def test_real_graph_path_deepseek_to_chips_act_quotes_the_article(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["path", "DeepSeek", "CHIPS Act", "--root", str(repo)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Path 1 (")
    assert "「" in result.stdout  # every hop on the way is backed by a quoted claim


def test_real_graph_centrality_and_communities(repo: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyze", "centrality", "--top", "3", "--format", "json", "--root", str(repo)]
    )
    ranked = json.loads(result.stdout)
    assert [r["rank"] for r in ranked] == [1, 2, 3]
    assert {"kgr:UnitedStates", "kgr:China"} & {r["entity"].replace(KGR, "kgr:") for r in ranked}
    result = CliRunner().invoke(cli, ["communities", "--format", "json", "--root", str(repo)])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["community"] == 1


def test_a_browser_opens_only_on_request(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url) or True)
    out = tmp_path / "v.html"
    assert run(project, "view", "-o", str(out)).exit_code == 0
    assert opened == []
    assert run(project, "view", "-o", str(out), "--open").exit_code == 0
    assert opened == [out.resolve().as_uri()]
