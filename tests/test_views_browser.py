"""The written pages in a real browser: Debian's chromium driven by Playwright (no browser
download). No skips: without /usr/bin/chromium these tests fail (scripts/test installs it).

Every page must load with no console error, request nothing but its own file:// URL, hold
exactly the expected nodes and edges in its vis DataSets, show a legend, and show tooltips as
text: hovering a node labelled ``<img src=x onerror=alert(1)>`` shows that text literally and
creates no image; no dialog ever opens.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx
import pytest
from support import invoke, write_project

from kgtool.engines import OxigraphEngine
from kgtool.namespaces import KGR
from kgtool.network import ego_graph, project_graph
from kgtool.project import find_project
from kgtool.render import CHROMIUM_ARGS, CHROMIUM_PATH, Layout, RenderOptions, render_html

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
CLASS_IMG = "<img src=y onerror=alert(3)>"

#: Hostile labels, comment and class label, linked to DeepSeek so they show in every view.
HOSTILE = f"""\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .

kgo:EvilClass a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "{CLASS_IMG}"@en , "{SCRIPT}"@ja .
kgr:Evil a kgo:EvilClass ;
    rdfs:label "{IMG}"@en , "{SCRIPT}"@ja ;
    rdfs:comment "<a href=javascript:alert(4)>href</a> <!-- &amp; \u2028"@en ;
    kgo:rivalOf kgr:DeepSeek .
"""

#: A small project with two saved graph queries, for the query views.
QUERY_ONTOLOGY = """\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
kgo:Actor a owl:Class ; rdfs:label "Actor"@en , "行為主体"@ja .
kgo:Company a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "Company"@en , "企業"@ja .
kgo:Country a owl:Class ; rdfs:subClassOf kgo:Actor ; rdfs:label "Country"@en , "国"@ja .
kgo:competesWith a owl:ObjectProperty ; rdfs:label "competes with"@en , "競合する"@ja .
kgo:basedIn a owl:ObjectProperty ; rdfs:label "based in"@en , "拠点国"@ja .
"""
QUERY_STORY = f"""\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kgr:Alpha a kgo:Company ; rdfs:label "{IMG}"@en , "アルファ"@ja ; kgo:competesWith kgr:Bravo , kgr:Charlie ; kgo:basedIn kgr:Westland .
kgr:Bravo a kgo:Company ; rdfs:label "Bravo"@en ; kgo:basedIn kgr:Westland .
kgr:Charlie a kgo:Company ; rdfs:label "Charlie"@en ; kgo:basedIn kgr:Westland .
kgr:Westland a kgo:Country ; rdfs:label "Westland"@en .
"""
RIVALS_QUERY = """\
#+ summary: Who competes with whom
#+ description: Competition between companies, as a network.
#+ kgtool:
#+   view: graph
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
CONSTRUCT { ?a kgo:competesWith ?b } WHERE { ?a kgo:competesWith ?b }
"""
EDGES_QUERY = """\
#+ summary: Where companies are based
#+ description: Company to country, as source, edge and target.
#+ kgtool:
#+   view: graph
PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?source ?edge ?target WHERE { ?source ?edge ?target FILTER(?edge = kgo:basedIn) } ORDER BY ?source
"""


@dataclass
class View:
    """An open page and everything it did."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def counts(self) -> list[int]:
        return self.page.evaluate("() => [window.kgtool.nodes.length, window.kgtool.edges.length]")

    def hover(self, iri: str) -> str:
        """Move the mouse onto the node with this IRI; return the tooltip's text."""
        x, y = self.page.evaluate(
            """(iri) => {
                const network = window.kgtoolNetwork;
                const node = window.kgtool.nodes.get({ filter: (n) => n.iri === iri })[0];
                const at = network.canvasToDOM(network.getPositions([node.id])[node.id]);
                const box = document.getElementById("kgtool-network").getBoundingClientRect();
                return [at.x + box.left, at.y + box.top];
            }""",
            iri,
        )
        self.page.mouse.move(x - 3, y - 3)
        self.page.mouse.move(x, y)
        tooltip = self.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        return tooltip.inner_text()

    def check_clean(self) -> None:
        """No console error, no request but the page itself, no dialog, a legend."""
        self.page.wait_for_timeout(250)  # let any (would-be) injected handler fire first
        assert self.errors == []
        assert self.requests == [self.url]
        assert self.dialogs == []
        assert self.page.locator("#kgtool-legend li.entry").count() >= 1


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM_PATH).is_file(), (
        f"{CHROMIUM_PATH} is missing: apt-get install chromium (scripts/test does)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
        )
        yield launched
        launched.close()


def open_view(browser: Any, path: Path) -> View:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    view = View(page, path.resolve().as_uri())
    page.on(
        "console",
        lambda message: view.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: view.errors.append(str(error)))
    page.on("request", lambda request: view.requests.append(request.url))

    def dialog(d: Any) -> None:
        view.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(view.url)
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    return view


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real_graph(repo: Path, hostile_file: Path) -> networkx.MultiDiGraph:
    """The projection of the real graph/ data plus the hostile file, as `kgtool view` draws it."""
    project = find_project(root=repo, data=[hostile_file])
    return project_graph(OxigraphEngine.from_files(project.data_files))


@pytest.fixture(scope="module")
def query_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(
        tmp_path_factory.mktemp("query-project"),
        ontology={"onto.ttl": QUERY_ONTOLOGY},
        graph={"story.ttl": QUERY_STORY},
        queries={"rivals.rq": RIVALS_QUERY, "based-in.rq": EDGES_QUERY},
    )


def kgtool(*args: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr


def test_whole_view_of_the_real_graph(
    browser: Any, repo: Path, hostile_file: Path, real_graph: networkx.MultiDiGraph, tmp_path: Path
) -> None:
    out = tmp_path / "graph.html"
    kgtool("view", "-o", str(out), "--root", str(repo), "--data", str(hostile_file))
    view = open_view(browser, out)
    assert view.counts() == [real_graph.number_of_nodes(), real_graph.number_of_edges()]
    assert (
        view.page.evaluate("() => window.kgtoolNetwork.body.data.nodes.length")
        == real_graph.number_of_nodes()
    )
    tip = view.hover(KGR + "Evil")
    assert IMG in tip and CLASS_IMG in tip and SCRIPT in tip
    deepseek = view.hover(KGR + "DeepSeek")
    assert deepseek.startswith("DeepSeek\n") and "「" in deepseek  # the article's quotes
    assert view.page.evaluate("() => document.querySelectorAll('img, a, b').length") == 0
    view.check_clean()
    view.page.close()


def test_focus_view_of_the_real_graph(
    browser: Any, repo: Path, hostile_file: Path, real_graph: networkx.MultiDiGraph, tmp_path: Path
) -> None:
    out = tmp_path / "focus.html"
    kgtool(
        "view",
        "-o",
        str(out),
        "--focus",
        "ディープシーク",
        "--depth",
        "1",
        "--root",
        str(repo),
        "--data",
        str(hostile_file),
    )
    expected = ego_graph(real_graph, KGR + "DeepSeek", 1)
    view = open_view(browser, out)
    assert view.counts() == [expected.number_of_nodes(), expected.number_of_edges()]
    assert view.page.inner_text("#kgtool-title") == "Around DeepSeek (1 hop)"
    assert IMG in view.hover(KGR + "Evil")
    assert view.page.evaluate("() => document.querySelectorAll('img').length") == 0
    view.check_clean()
    view.page.close()


def test_hostile_labels_on_the_real_graph_stay_text_in_heading_menu_legend_and_tooltips(
    browser: Any, repo: Path, hostile_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "evil.html"
    kgtool(
        "view",
        "-o",
        str(out),
        "--focus",
        "kgr:Evil",
        "--lang",
        "ja",
        "--root",
        str(repo),
        "--data",
        str(hostile_file),
    )
    view = open_view(browser, out)
    page = view.page
    assert page.inner_text("#kgtool-title") == f"Around {SCRIPT} (1 hop)"
    assert page.title() == f"Around {SCRIPT} (1 hop)"
    assert SCRIPT in page.locator("#kgtool-find option").all_inner_texts()
    assert SCRIPT in page.locator("#kgtool-legend li.entry .label").all_inner_texts()
    tip = view.hover(KGR + "Evil")
    assert SCRIPT in tip and "<a href=javascript:alert(4)>href</a>" in tip
    page.select_option("#kgtool-find", label=SCRIPT)  # the search menu focuses the node
    page.wait_for_timeout(600)
    assert page.evaluate("() => window.kgtoolNetwork.getSelectedNodes().length") == 1
    assert page.evaluate("() => document.querySelectorAll('img, a').length") == 0
    assert page.locator("script").count() == 3  # nothing injected
    view.check_clean()
    page.close()


def test_query_view_of_a_construct(browser: Any, query_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "rivals.html"
    kgtool("view", "--query", "rivals", "-o", str(out), "--root", str(query_project))
    view = open_view(browser, out)
    assert view.counts() == [3, 2]
    assert view.page.inner_text("#kgtool-title") == "Who competes with whom"
    tip = view.hover(KGR + "Alpha")
    assert tip.startswith(IMG + "\nアルファ")
    assert view.page.evaluate("() => document.querySelectorAll('img').length") == 0
    view.check_clean()
    view.page.close()


def test_query_command_view_of_a_source_edge_target_select(
    browser: Any, query_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "based-in.html"
    kgtool("query", "based-in", "--view", str(out), "--root", str(query_project))
    view = open_view(browser, out)
    assert view.counts() == [4, 3]
    assert IMG in view.hover(KGR + "Alpha")
    view.check_clean()
    view.page.close()


def test_a_5000_node_graph_is_interactive_within_seconds(browser: Any, tmp_path: Path) -> None:
    graph = networkx.MultiDiGraph()
    for index in range(5000):
        graph.add_node(
            f"urn:n:{index:05d}",
            label_en=f"Node {index}",
            label_ja=f"ノード{index}",
            kind="",
            group="",
            lineage=[],
        )
    for index in range(1, 5000):
        graph.add_edge(
            f"urn:n:{index:05d}", f"urn:n:{index // 3:05d}", key="urn:p", label_en="p", label_ja="p"
        )
    out = tmp_path / "big.html"
    render_html(graph, out, RenderOptions(layout=Layout.CIRCULAR))
    start = time.perf_counter()
    view = open_view(browser, out)
    elapsed = time.perf_counter() - start
    assert view.counts() == [5000, 4999]
    assert view.page.evaluate("() => window.kgtoolNetwork.physics.physicsEnabled") is False
    assert elapsed < 10, f"took {elapsed:.1f} s to become interactive"
    view.check_clean()
    view.page.close()


def test_an_empty_view_still_becomes_ready(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    render_html(networkx.MultiDiGraph(), out)
    view = open_view(browser, out)
    assert view.counts() == [0, 0]
    assert (view.errors, view.requests, view.dialogs) == ([], [view.url], [])
    view.page.close()
