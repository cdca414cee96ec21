"""The HTML renderer (kgtool.render): self-contained, offline, escaped, atomic, deterministic."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx
import pytest

from kgtool.errors import KgtoolError, OutputError
from kgtool.layout import KAMADA_KAWAI_LIMIT, Layout, positions
from kgtool.namespaces import KGO
from kgtool.network import ClaimRecord, PassageRecord, SourceText, attach_coverage
from kgtool.render import UI_TEXT, RenderOptions, page_html, render_html, script_json, view_data

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<!--",
    "a&b\u2028c\u2029d",
    "href",
]


def node(
    graph: networkx.MultiDiGraph,
    iri: str,
    label: str,
    kind: str = "Actor",
    group: str = "Company",
    **extra: object,
) -> None:
    graph.add_node(
        iri,
        label_en=label,
        label_ja=extra.pop("label_ja", label + "(日本語)"),
        aliases=[],
        classes=[KGO + group],
        types=[KGO + group, KGO + kind],
        kind=KGO + kind,
        group=KGO + group,
        lineage=[KGO + kind, KGO + group] if kind != group else [KGO + kind],
        comment_en=str(extra.pop("comment_en", "")),
        comment_ja="",
        attributes={},
        claims=list(extra.pop("claims", [])),
        folded=False,
    )


def edge(
    graph: networkx.MultiDiGraph,
    source: str,
    target: str,
    predicate: str,
    label: str,
    claims: list[ClaimRecord] = (),
) -> None:
    graph.add_edge(
        source,
        target,
        key=KGO + predicate,
        predicate=KGO + predicate,
        label_en=label,
        label_ja=label + "(日)",
        claims=list(claims),
        quotes=[q for c in claims for q in c.quotes],
    )


CLAIM = ClaimRecord(
    "urn:claim:1",
    "Development claim",
    "開発に関する主張",
    "Claim: Acme built M1",
    "主張",
    "一つ",
    ("アクメはM1を作った。",),
)


def small_graph() -> networkx.MultiDiGraph:
    """Acme (a hub) developed M1 and is based in Freedonia; Freedonia hosts Beta."""
    graph = networkx.MultiDiGraph()
    graph.graph["classes"] = {
        KGO + "Actor": {"label_en": "Actor", "label_ja": "行為主体"},
        KGO + "Company": {"label_en": "Company", "label_ja": "企業"},
        KGO + "Country": {"label_en": "Country", "label_ja": "国"},
        KGO + "Technology": {"label_en": "Technology", "label_ja": "技術"},
        KGO + "AIModel": {"label_en": "AI model", "label_ja": "AIモデル"},
    }
    node(graph, "urn:acme", "Acme", comment_en="A maker.", claims=[CLAIM])
    node(graph, "urn:beta", "Beta")
    node(graph, "urn:freedonia", "Freedonia", group="Country")
    node(graph, "urn:m1", "M1", kind="Technology", group="AIModel")
    edge(graph, "urn:acme", "urn:freedonia", "basedIn", "based in")
    edge(graph, "urn:acme", "urn:freedonia", "competesWith", "competes with")
    edge(graph, "urn:acme", "urn:m1", "developed", "developed", [CLAIM])
    edge(graph, "urn:beta", "urn:freedonia", "basedIn", "based in")
    return graph


def hostile_graph() -> networkx.MultiDiGraph:
    graph = networkx.MultiDiGraph()
    graph.graph["classes"] = {KGO + "Evil": {"label_en": HOSTILE[0], "label_ja": HOSTILE[1]}}
    for text in HOSTILE:
        node(
            graph, f"urn:x:{text}", text, kind="Evil", group="Evil", label_ja=text, comment_en=text
        )
    edge(
        graph,
        "urn:x:" + HOSTILE[0],
        "urn:x:" + HOSTILE[1],
        "p",
        HOSTILE[1],
        [ClaimRecord(HOSTILE[0], *HOSTILE[:4], "x", (HOSTILE[1],))],
    )
    return graph


def test_script_json_cannot_close_the_script_and_round_trips() -> None:
    data = {"label": HOSTILE[1] + HOSTILE[2] + HOSTILE[3], "n": 1}
    text = script_json(data)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == data


def test_page_has_no_raw_hostile_text_anywhere() -> None:
    html = page_html(hostile_graph(), RenderOptions(title=HOSTILE[0] + HOSTILE[1]))
    for text in HOSTILE[:2]:
        assert text not in html
    assert "<img" not in html
    # The JSON data, vis-network and the page's own script (vis-network's code holds the text too).
    vendored = (
        Path(__file__).resolve().parent.parent / "kgtool/templates/vendor/vis-network.min.js"
    ).read_text(encoding="utf-8")
    assert html.count("<script") == 3 + vendored.count("<script")
    assert '<h1 id="kgtool-title">&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;' in html
    assert "<title>&lt;img src=x onerror=alert(1)&gt;" in html
    # The legend is escaped by the template too.
    assert '<span class="label">&lt;img src=x onerror=alert(1)&gt;</span>' in html
    assert 'data-kind="&lt;img src=x onerror=alert(1)&gt;"' in html


def test_page_loads_nothing_from_the_network() -> None:
    html = page_html(small_graph())
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.IGNORECASE)
    assert "<link" not in html
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrap"):
        assert cdn not in html.lower()
    assert "@import" not in html


def test_content_security_policy_allows_exactly_the_page_scripts() -> None:
    import base64
    import hashlib

    html = page_html(small_graph())
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "unsafe-inline' " not in policy.split("style-src")[0]  # scripts: hashes only


def test_vendored_vis_network_keeps_its_licence_header() -> None:
    html = page_html(small_graph())
    assert "* vis-network\n * https://visjs.github.io/vis-network/" in html
    assert "vis.js is dual licensed under both" in html


def test_view_data_nodes_edges_legend_and_sizes() -> None:
    data = view_data(small_graph())
    assert [n["iri"] for n in data["info"]] == ["urn:acme", "urn:beta", "urn:freedonia", "urn:m1"]
    nodes, edges = data["nodes"], data["edges"]
    assert {column: len(values) for column, values in nodes.items()} == dict.fromkeys(
        ("label", "x", "y", "size"), 4
    )
    sizes = dict(zip(nodes["label"], nodes["size"], strict=True))
    assert sizes["Acme"] == max(sizes.values())  # the hub is biggest
    assert [
        (source, target, data["predicates"][link["p"]]["label"])
        for source, target, link in zip(edges["from"], edges["to"], data["links"], strict=True)
    ] == [
        (0, 2, "based in"),
        (0, 2, "competes with"),
        (0, 3, "developed"),
        (1, 2, "based in"),
    ]
    # The parallel Acme–Freedonia edge is numbered: the page curves it, so both labels stay visible.
    assert edges["curve"] == [0, 1, 0, 0]
    assert [(e["label"], e["shape"], e["count"], e["kind"]) for e in data["legend"]] == [
        ("Company", "dot", 2, "Actor"),
        ("Country", "dot", 1, "Actor"),
        ("AI model", "diamond", 1, "Technology"),
    ]
    assert len({(e["color"], e["shape"]) for e in data["legend"]}) == 3
    assert [n["legend"] for n in data["info"]] == [0, 0, 1, 2]


def test_the_panel_data_holds_every_claim_and_quote_and_leaves_out_empty_fields() -> None:
    data = view_data(small_graph())
    acme = data["info"][0]
    assert (acme["en"], acme["ja"], acme["classes"], acme["comment"]) == (
        "Acme",
        "Acme(日本語)",
        ["Company"],
        "A maker.",
    )
    claim = data["claims"][acme["claims"][0]]
    assert (claim["label"], claim["kind"], claim["value"], claim["quotes"]) == (
        "Claim: Acme built M1",
        "Development claim",
        "一つ",
        ["アクメはM1を作った。"],
    )
    assert data["links"][2]["claims"] == acme["claims"]
    assert claim["nodes"] == [0]
    # Beta has no alias, comment, attribute, quote or claim; a link without claims, no list,
    # and its label is its predicate's (view.js puts them back).
    assert set(data["info"][1]) == {"iri", "en", "ja", "classes", "legend"}
    assert data["links"][0] == {"p": 0}


def test_japanese_labels_wrap_at_phrase_boundaries_and_the_interface_is_translated() -> None:
    graph = small_graph()
    graph.nodes["urn:m1"]["label_ja"] = "米国の半導体輸出規制の強化と中国の対応"
    data = view_data(graph, RenderOptions(lang="ja"))
    assert data["nodes"]["label"][0] == "Acme(日本語)"
    assert data["nodes"]["label"][3] == "米国の半導体\n輸出規制の強化と\n中国の対応"
    assert data["info"][3]["ja"] == "米国の半導体輸出規制の強化と中国の対応"  # search sees it whole
    assert data["predicates"][data["links"][0]["p"]]["label"] == "based in(日)"
    assert data["legend"][0]["label"] == "企業"
    assert data["text"]["reset"] == "リセット"
    assert set(UI_TEXT["en"]) == set(UI_TEXT["ja"])
    html = page_html(graph, RenderOptions(lang="ja", title="日本語の題"))
    assert "<title>日本語の題</title>" in html and ">凡例</h2>" in html and "Legend" not in html


def test_symmetric_relations_have_no_arrowhead_and_edges_are_coloured_by_family() -> None:
    graph = small_graph()
    graph.graph["symmetric"] = [KGO + "competesWith"]
    data = view_data(graph)
    # view.js draws an edge in its predicate's family colour, without arrowhead if symmetric
    # (tests/test_views_browser.py checks the drawn items).
    predicates = [data["predicates"][link["p"]] for link in data["links"]]
    assert [p["symmetric"] for p in predicates] == [False, True, False, False]
    assert [p["family"] for p in predicates[1:3]] == ["rivalry", "technology"]
    families = {f["key"]: f["color"] for f in data["families"]}
    assert len(set(families.values())) == len(families)


def test_quoted_passages_are_located_in_their_source_text_with_prefix_and_suffix() -> None:
    source = "甲。アクメはM1を作った。乙。アクメはM1を作った。😀アクメ"
    passage = PassageRecord("urn:p", "アクメはM1を作った。", prefix="乙。", source="urn:s")
    claim = ClaimRecord(
        "urn:c", "Claim", "主張", "c", "c", "", (passage.exact,), passages=(passage,)
    )
    graph = small_graph()
    graph.nodes["urn:acme"]["claims"] = [claim]
    graph.graph["sources"] = {"urn:s": SourceText("urn:s", "s.txt", source, "S", "S")}
    attach_coverage(graph, {"urn:s": [(0, 2, "uncovered"), (2, 13, "covered")], "urn:other": []})
    data = view_data(graph)
    located = data["passages"][0]
    assert (located["start"], located["end"]) == (15, 26)  # the second one, after 乙。
    assert data["sources"][0]["text"] == source
    assert data["sources"][0]["sentences"] == [[0, 2, "uncovered"], [2, 13, "covered"]]
    with pytest.raises(ValueError, match="bad coverage span"):
        attach_coverage(graph, {"urn:s": [(0, 99, "uncovered")]})
    # Offsets are JavaScript (UTF-16) indices: the emoji counts twice.
    tail = PassageRecord("urn:q", "アクメ", prefix="😀", source="urn:s")
    graph.nodes["urn:beta"]["claims"] = [
        ClaimRecord("urn:d", "Claim", "主張", "d", "d", "", ("アクメ",), passages=(tail,))
    ]
    assert view_data(graph)["passages"][1]["start"] == len(source) + 1 - 3


def test_physics_on_for_small_graphs_off_above_the_threshold() -> None:
    assert view_data(small_graph())["options"]["physics"]["enabled"] is True
    large = view_data(small_graph(), RenderOptions(physics_threshold=3))
    assert large["physics"] is False
    assert large["options"]["physics"]["enabled"] is False
    assert large["options"]["edges"]["smooth"]["enabled"] is False
    assert view_data(small_graph(), RenderOptions(physics=False))["physics"] is False


@pytest.mark.parametrize("layout", list(Layout))
def test_layouts_are_seeded_and_deterministic(layout: Layout) -> None:
    graph = small_graph()
    first = positions(graph, layout, seed=1)
    assert first == positions(graph, layout, seed=1)
    assert set(first) == set(graph)
    assert len(set(first.values())) == len(first)  # no two nodes on the same spot


def test_spring_layout_depends_on_the_seed() -> None:
    assert positions(small_graph(), Layout.SPRING, 1) != positions(small_graph(), Layout.SPRING, 2)


def test_big_graphs_get_the_fast_spring_layout_deterministically() -> None:
    graph = networkx.MultiDiGraph()
    graph.add_edges_from((f"n{i:04d}", f"n{(i * 7 + 3) % 900:04d}") for i in range(900))
    first = positions(graph)
    assert first == positions(graph) and len(first) == graph.number_of_nodes()


def test_kamada_kawai_is_refused_for_huge_graphs() -> None:
    graph = networkx.MultiDiGraph()
    graph.add_nodes_from(range(KAMADA_KAWAI_LIMIT + 1))
    with pytest.raises(KgtoolError, match="the kamada-kawai layout is too slow for 2001 nodes"):
        positions(graph, Layout.KAMADA_KAWAI)


def test_render_writes_utf8_atomically_and_no_lib_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "out" / "graph.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    render_html(small_graph(), target, RenderOptions(lang="ja"))
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "アクメはM1を作った。" in text
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "graph.html",
        "out",
    ]  # no temp file, no lib/


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "graph.html"
    target.write_text("old", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError) as error:
        render_html(small_graph(), target)
    assert str(error.value) == f"{target}: cannot write the file: No space left on device"
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as error:
        render_html(small_graph(), tmp_path / "nope" / "graph.html")
    assert str(error.value) == (
        f"{tmp_path / 'nope' / 'graph.html'}: no such folder: {tmp_path / 'nope'} "
        "(hint: create the folder first or choose another -o path)"
    )


def test_written_as_utf8_under_an_ascii_locale(tmp_path: Path) -> None:
    target = tmp_path / "graph.html"
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]); from test_render import small_graph; "
        "from kgtool.render import render_html, RenderOptions; "
        "render_html(small_graph(), sys.argv[1], RenderOptions(lang='ja'))"
    )
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}
    subprocess.run(
        [sys.executable, "-c", code, str(target), str(Path(__file__).parent)], check=True, env=env
    )
    assert "アクメ" in target.read_bytes().decode("utf-8")


def test_pyvis_is_imported_by_render_only() -> None:
    package = Path(__file__).resolve().parent.parent / "kgtool"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(?:from|import)\s+pyvis", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert importers == ["render.py"]


def test_cli_layout_choices_come_from_the_renderer() -> None:
    from kgtool.cli import cli

    layout = next(p for p in cli.commands["view"].params if p.name == "layout")
    assert tuple(layout.type.choices) == tuple(layout.value for layout in Layout)
