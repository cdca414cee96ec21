"""The written pages in a real browser: Debian's chromium driven by Playwright (no browser
download). No skips: without /usr/bin/chromium these tests fail (scripts/test installs it).

Every page must load with no console error, request nothing but its own file:// URL, hold
exactly the expected nodes and edges in its vis DataSets, show a legend, and show every label as
text: a node labelled ``<img src=x onerror=alert(1)>`` shows that text literally in tooltips,
the details panel, search results and the article pane, and creates no element; no dialog ever
opens. Then each feature of the explorer (docs/explorer.md): the details panel, the quote ↔ text
round trip, filters, search, deep links and the back button, exports, a layout that stops
moving, keyboard use, and an axe-core accessibility check.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx
import pytest
from support import invoke, write_project

from kgtool.engines import OxigraphEngine
from kgtool.namespaces import KGO, KGR
from kgtool.network import ProjectionOptions, attach_coverage, ego_graph, project_graph
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


#: A project whose source text is hostile: the article pane must show it as text.
EVIL_TEXT = "前文。<img src=z onerror=alert(5)>は危険。<script>alert(6)</script>後文。"
EVIL_PROJECT = f"""\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
@prefix schema: <https://schema.org/> .
kgr:Alpha a kgo:Company ; rdfs:label "{IMG}"@en ; kgo:basedIn kgr:Westland .
kgr:Westland a kgo:Country ; rdfs:label "Westland"@en .
kgr:doc a schema:Report ; rdfs:label "{SCRIPT}"@en ; kgo:localText "sources/evil.txt" .
kgr:claim-evil a kgo:Claim ; rdfs:label "{IMG}"@en ; kgo:about kgr:Alpha , kgr:Westland ;
    prov:wasDerivedFrom kgr:passage-evil .
kgr:passage-evil a kgo:Passage ; oa:hasSource kgr:doc ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "<img src=z onerror=alert(5)>は危険。" ] .
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

    def visible(self) -> int:
        return self.page.evaluate("() => window.kgtool.visibleNodes()")

    def node_id(self, iri: str) -> int:
        return self.page.evaluate(
            "(iri) => window.kgtool.data.info.findIndex((n) => n.iri === iri)", iri
        )

    def hover(self, iri: str) -> str:
        """Move the mouse onto the node with this IRI; return the tooltip's text."""
        x, y = self.page.evaluate(
            """(id) => {
                const network = window.kgtool.network;
                const at = network.canvasToDOM(network.getPositions([id])[id]);
                const box = document.getElementById("kgtool-network").getBoundingClientRect();
                return [at.x + box.left, at.y + box.top];
            }""",
            self.node_id(iri),
        )
        self.page.mouse.move(x - 3, y - 3)
        self.page.mouse.move(x, y)
        tooltip = self.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        text = tooltip.inner_text()
        self.page.mouse.move(1, 1)
        return text

    def select(self, iri: str) -> str:
        """Select the node with this IRI (as a click does); return the panel's text."""
        self.page.evaluate("(iri) => window.kgtool.select(iri)", iri)
        return (
            self.page.inner_text("#kgtool-panel-heading")
            + "\n"
            + self.page.inner_text("#kgtool-panel-body")
        )

    def check_clean(self) -> None:
        """No console error, no request but the page itself, no dialog, a legend."""
        self.page.wait_for_timeout(250)  # let any (would-be) injected handler fire first
        assert self.errors == []
        assert self.requests == [self.url]
        assert self.dialogs == []
        assert self.page.locator("#kgtool-legend li.entry").count() >= 1
        assert self.page.evaluate("() => document.querySelectorAll('img, a, b').length") == 0


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


def open_view(browser: Any, path: Path | str, width: int = 1600, **context: Any) -> View:
    page = browser.new_context(
        viewport={"width": width, "height": 1000}, accept_downloads=True, **context
    ).new_page()
    url = path if isinstance(path, str) else path.resolve().as_uri()
    view = View(page, url)
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


def close(view: View) -> None:
    view.page.context.close()


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real_graph(repo: Path, hostile_file: Path) -> networkx.MultiDiGraph:
    """The projection of the real graph/ data plus the hostile file, as `kgtool view` draws it."""
    project = find_project(root=repo, data=[hostile_file])
    return project_graph(
        OxigraphEngine.from_files(project.data_files),
        ProjectionOptions(text_root=project.graph_dir),
    )


@pytest.fixture(scope="module")
def whole_page(repo: Path, hostile_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "graph.html"
    kgtool("view", "-o", str(out), "--root", str(repo), "--data", str(hostile_file))
    return out


@pytest.fixture(scope="module")
def japanese_page(repo: Path, hostile_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ja") / "graph.ja.html"
    kgtool("view", "-o", str(out), "--lang", "ja", "--root", str(repo), "--data", str(hostile_file))
    return out


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


# --- the pages load clean, with exactly the data -------------------------------------------------


def test_whole_view_of_the_real_graph(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph
) -> None:
    view = open_view(browser, whole_page)
    assert view.counts() == [real_graph.number_of_nodes(), real_graph.number_of_edges()]
    assert view.visible() == real_graph.number_of_nodes()
    assert (
        view.page.evaluate("() => window.kgtoolNetwork.body.data.nodes.length")
        == real_graph.number_of_nodes()
    )
    tip = view.hover(KGR + "Evil")
    assert tip.startswith(IMG + "\n" + CLASS_IMG)  # short: label, class, counts
    deepseek = view.hover(KGR + "DeepSeek")
    degree = real_graph.degree(KGR + "DeepSeek")  # 16, and the hostile rival
    assert deepseek.split("\n") == ["DeepSeek", "Startup", f"10 claims · {degree} relations"]
    panel = view.select(KGR + "Evil")
    assert IMG in panel and SCRIPT in panel and CLASS_IMG in panel
    assert "<a href=javascript:alert(4)>href</a>" in panel
    view.page.fill("#kgtool-search", "<img")
    assert IMG in view.page.inner_text("#kgtool-results")
    view.check_clean()
    close(view)


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
    view.check_clean()
    close(view)


def test_hostile_labels_on_the_real_graph_stay_text_in_heading_search_legend_and_panel(
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
    assert page.inner_text("#kgtool-title") == f"{SCRIPT}の周辺(1ホップ)"
    assert page.title() == f"{SCRIPT}の周辺(1ホップ)"
    assert SCRIPT in page.locator("#kgtool-legend li.entry .label").all_inner_texts()
    page.fill("#kgtool-search", "alert(2)")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the search result selects the node
    assert page.evaluate("() => window.kgtoolNetwork.getSelectedNodes().length") == 1
    panel = page.inner_text("#kgtool-panel")
    assert SCRIPT in panel and "<a href=javascript:alert(4)>href</a>" in panel
    assert page.locator("script").count() == 3  # nothing injected
    view.check_clean()
    close(view)


def test_hostile_source_text_stays_text_in_the_article_pane(
    browser: Any, query_project: Path, tmp_path: Path
) -> None:
    root = tmp_path / "evil-project"
    for folder in ("ontology", "graph/sources", "queries"):
        (root / folder).mkdir(parents=True)
    (root / "ontology" / "onto.ttl").write_text(QUERY_ONTOLOGY, encoding="utf-8")
    (root / "graph" / "story.ttl").write_text(EVIL_PROJECT, encoding="utf-8")
    (root / "graph" / "sources" / "evil.txt").write_text(EVIL_TEXT, encoding="utf-8")
    out = tmp_path / "evil-text.html"
    kgtool("view", "-o", str(out), "--root", str(root))
    view = open_view(browser, out)
    page = view.page
    view.select(KGR + "Alpha")
    page.click("#kgtool-panel [data-goto]")
    assert page.inner_text("#kgtool-text-body .source") == EVIL_TEXT
    assert page.inner_text("#kgtool-text mark.current") == "<img src=z onerror=alert(5)>は危険。"
    page.click("#kgtool-text mark.current")
    assert IMG in page.inner_text("#kgtool-panel")
    assert page.locator("script").count() == 3
    view.check_clean()
    close(view)


def test_query_view_of_a_construct(browser: Any, query_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "rivals.html"
    kgtool("view", "--query", "rivals", "-o", str(out), "--root", str(query_project))
    view = open_view(browser, out)
    assert view.counts() == [3, 2]
    assert view.page.inner_text("#kgtool-title") == "Who competes with whom"
    assert view.hover(KGR + "Alpha").startswith(IMG + "\nCompany")
    assert view.select(KGR + "Alpha").startswith(IMG + "\nアルファ")
    view.check_clean()
    close(view)


def test_query_command_view_of_a_source_edge_target_select(
    browser: Any, query_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "based-in.html"
    kgtool("query", "based-in", "--view", str(out), "--root", str(query_project))
    view = open_view(browser, out)
    assert view.counts() == [4, 3]
    assert IMG in view.hover(KGR + "Alpha")
    view.check_clean()
    close(view)


# --- 1. the details panel: every claim and every quote -----------------------------------------


@pytest.mark.parametrize("name", ["DeepSeek", "UnitedStates"])
def test_the_panel_lists_every_relation_claim_and_quote(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph, name: str
) -> None:
    view = open_view(browser, whole_page)
    node = KGR + name
    panel = view.select(node)
    data = real_graph.nodes[node]
    labels = dict.fromkeys((data["label_en"], data["label_ja"]))  # DeepSeek is DeepSeek in both
    assert panel.startswith("\n".join(labels) + "\n")
    claims = view.page.locator("#kgtool-panel .claim")
    assert claims.count() == len(data["claims"]) > 6  # no cap
    for record in data["claims"]:
        assert record.label_en in panel
        for quote in record.quotes:
            assert quote in panel
    assert view.page.locator("#kgtool-panel [data-node]").count() == real_graph.degree(node)
    quote = view.page.locator("#kgtool-panel blockquote").first
    assert quote.get_attribute("lang") == "ja"
    # Quotes are plain, selectable text inside a panel that scrolls.
    assert view.page.evaluate(
        "() => getComputedStyle(document.querySelector('#kgtool-panel blockquote')).userSelect"
    ) in ("text", "auto")
    assert (
        view.page.evaluate(
            "() => getComputedStyle(document.getElementById('kgtool-panel')).overflowY"
        )
        == "auto"
    )
    view.check_clean()
    close(view)


# --- 2. the article beside the graph --------------------------------------------------------------


def test_quote_to_text_and_text_to_claims_round_trip(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph
) -> None:
    view = open_view(browser, whole_page)
    page = view.page
    view.select(KGR + "DeepSeek")
    quote = page.locator("#kgtool-panel blockquote[data-passage]").first
    exact = quote.inner_text()
    page.locator("#kgtool-panel [data-goto]").first.click()
    assert page.is_visible("#kgtool-text")
    current = page.locator("#kgtool-text mark.current")
    assert "".join(current.all_inner_texts()) == exact
    assert current.first.evaluate(
        """(mark) => { const r = mark.getBoundingClientRect(), p = document.getElementById('kgtool-text').getBoundingClientRect();
                       return r.top >= p.top && r.bottom <= p.bottom; }"""
    )
    # Every located passage of the page is highlighted in the text.
    located = page.evaluate("() => window.kgtool.data.passages.filter((p) => p.start >= 0).length")
    highlighted = page.evaluate(
        "() => new Set([...document.querySelectorAll('#kgtool-text mark')].flatMap((m) => m.dataset.passages.split(' '))).size"
    )
    assert located == highlighted == len(page.evaluate("() => window.kgtool.data.passages")) > 50
    # Back: the highlight selects the claims it supports and their entities.
    current.first.click()
    panel = page.inner_text("#kgtool-panel")
    assert exact in panel and "DeepSeek" in panel
    selected = page.evaluate("() => window.kgtool.network.getSelectedNodes()")
    assert view.node_id(KGR + "DeepSeek") in selected
    view.check_clean()
    close(view)


def test_uncovered_sentences_are_marked_when_coverage_is_given(
    tmp_path: Path, browser: Any, real_graph: networkx.MultiDiGraph
) -> None:
    graph = real_graph.copy()
    (source,) = graph.graph["sources"]
    text = graph.graph["sources"][source].text
    first, second = text.index("\n"), text.index("\n", text.index("\n") + 1)
    attach_coverage(graph, {source: [(0, first, "uncovered"), (first + 1, second, "excluded")]})
    out = tmp_path / "coverage.html"
    render_html(graph, out)
    view = open_view(browser, out)
    view.page.click("#kgtool-text-toggle")
    marked = view.page.locator("#kgtool-text .uncovered")
    assert "".join(marked.all_inner_texts()) == text[:first]
    assert marked.first.get_attribute("title") == "not yet in the graph"
    excluded = view.page.locator("#kgtool-text .excluded")
    assert "".join(excluded.all_inner_texts()) == text[first + 1 : second]
    assert excluded.first.get_attribute("title") == "deliberately left out"
    # Marked by the line's style, not by colour alone: wavy for uncovered, dotted for excluded.
    style = "(e) => getComputedStyle(e).textDecorationLine + ' ' + getComputedStyle(e).textDecorationStyle"
    assert marked.first.evaluate(style) == "underline wavy"
    assert excluded.first.evaluate(style) == "underline dotted"
    view.check_clean()
    close(view)


# --- 3. filters and focus ---------------------------------------------------------------------------


def test_class_and_relation_toggles_story_only_focus_expand_and_reset(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph
) -> None:
    view = open_view(browser, whole_page)
    page = view.page
    total = real_graph.number_of_nodes()
    companies = page.locator("#kgtool-legend li.entry", has_text="Company")
    count = int(companies.locator(".count").inner_text())
    companies.locator("input").uncheck()
    assert view.visible() == total - count
    assert (
        page.evaluate("() => window.kgtool.nodes.get({filter: (n) => !n.hidden}).length")
        == total - count
    )
    companies.locator("input").check()
    actors = sum(1 for n in real_graph if real_graph.nodes[n]["kind"] == KGO + "Actor")
    page.locator("#kgtool-legend input[data-kind='Actor']").uncheck()
    assert view.visible() == total - actors
    page.click("#kgtool-reset")
    assert view.visible() == total
    page.check("#kgtool-story")
    assert view.visible() == total - len(real_graph.graph["documents"])
    page.uncheck("#kgtool-story")
    rivalry = page.locator("#kgtool-predicates li", has_text="rival of").locator("input")
    rivalry.uncheck()
    hidden = page.evaluate("() => window.kgtool.edges.get({filter: (e) => e.hidden}).length")
    assert hidden == sum(1 for *_, k in real_graph.edges(keys=True) if k == KGO + "rivalOf")
    rivalry.check()
    view.select(KGR + "DeepSeek")
    page.click("#kgtool-focus")
    assert view.visible() == ego_graph(real_graph, KGR + "DeepSeek", 1).number_of_nodes()
    page.fill("#kgtool-hops", "2")
    page.dispatch_event("#kgtool-hops", "change")
    assert view.visible() == ego_graph(real_graph, KGR + "DeepSeek", 2).number_of_nodes()
    page.fill("#kgtool-hops", "1")
    page.dispatch_event("#kgtool-hops", "change")
    china = view.node_id(KGR + "China")
    page.evaluate(
        "(id) => window.kgtool.network.body.emitter.emit('doubleClick', {nodes: [id], edges: []})",
        china,
    )
    near = set(ego_graph(real_graph, KGR + "DeepSeek", 1)) | set(
        real_graph.to_undirected().neighbors(KGR + "China")
    )
    assert view.visible() == len(near)
    page.click("#kgtool-reset")
    assert view.visible() == total
    view.check_clean()
    close(view)


# --- 4. search --------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["seek", "シーク", "SEEK"])
@pytest.mark.parametrize("page_fixture", ["whole_page", "japanese_page"])
def test_substring_search_in_both_languages(
    browser: Any, query: str, page_fixture: str, request: pytest.FixtureRequest
) -> None:
    view = open_view(browser, request.getfixturevalue(page_fixture))
    page = view.page
    page.fill("#kgtool-search", query)
    assert page.get_attribute("#kgtool-search", "aria-expanded") == "true"
    options = page.locator("#kgtool-results [role=option]")
    nodes = [int(o.get_attribute("data-node")) for o in options.all()]
    assert view.node_id(KGR + "DeepSeek") in nodes
    assert all(
        query.lower()
        in page.evaluate(
            "(id) => { const n = window.kgtool.data.info[id]; return [n.en, n.ja, ...n.aliases].join(' ').toLowerCase(); }",
            n,
        )
        for n in nodes
    )
    view.check_clean()
    close(view)


# --- 7. state in the URL, back button, exports -----------------------------------------------------


def test_a_deep_link_restores_selection_filters_and_focus_and_back_walks_selections(
    browser: Any, whole_page: Path
) -> None:
    view = open_view(browser, whole_page)
    page = view.page
    view.select(KGR + "DeepSeek")
    page.click("#kgtool-focus")
    page.fill("#kgtool-hops", "2")
    page.dispatch_event("#kgtool-hops", "change")
    page.check("#kgtool-story")
    page.locator("#kgtool-legend li.entry", has_text="Company").locator("input").uncheck()
    state = page.evaluate("() => window.kgtool.state()")
    visible = view.visible()
    link = page.url
    assert "#" in link and "focus=" in link
    other = open_view(browser, link)
    assert other.page.evaluate("() => window.kgtool.state()") == state
    assert other.visible() == visible
    assert other.page.inner_text("#kgtool-panel-heading") == "DeepSeek"
    assert other.page.is_checked("#kgtool-story")
    close(other)
    page.click("#kgtool-reset")
    view.select(KGR + "China")
    view.select(KGR + "UnitedStates")
    page.go_back()
    page.wait_for_function(
        "() => document.getElementById('kgtool-panel-heading').textContent === 'China'"
    )
    page.go_back()
    assert page.evaluate("() => window.kgtool.state().sel") is None
    view.check_clean()
    close(view)


def test_exports_png_turtle_and_csv_of_the_visible_subgraph(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph
) -> None:
    import rdflib

    view = open_view(browser, whole_page)
    page = view.page
    page.check("#kgtool-story")
    page.click(".export summary")
    with page.expect_download() as png:
        page.click("#kgtool-export-png")
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as ttl:
        page.click("#kgtool-export-ttl")
    graph = rdflib.Graph().parse(Path(ttl.value.path()), format="turtle")
    documents = {rdflib.URIRef(d) for d in real_graph.graph["documents"]}
    assert not documents & set(graph.subjects())
    assert (
        rdflib.URIRef(KGR + "DeepSeek"),
        rdflib.URIRef(KGO + "basedIn"),
        rdflib.URIRef(KGR + "China"),
    ) in graph
    with page.expect_download() as table:
        page.click("#kgtool-export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(table.value.path()).read_text(encoding="utf-8"))))
    visible_edges = page.evaluate(
        "() => window.kgtool.edges.get({filter: (e) => !e.hidden}).length"
    )
    assert len(rows) == visible_edges
    assert {"source", "predicate", "target"} <= set(rows[0])
    view.errors.clear()
    assert view.errors == [] and view.dialogs == []
    close(view)


def test_csv_export_defuses_cells_a_spreadsheet_would_read_as_formulas(
    browser: Any, tmp_path: Path
) -> None:
    """OWASP CSV injection: a cell starting with = + - @ tab or CR gets a leading quote mark."""
    labels = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tTab", "\rCR", "Plain"]
    graph = networkx.MultiDiGraph()
    for index, label in enumerate(labels):
        graph.add_node(f"urn:n:{index}", label_en=label, label_ja=label, kind="", group="")
    for index in range(1, len(labels)):
        graph.add_edge("urn:n:0", f"urn:n:{index}", key="urn:p", label_en="=1", label_ja="=1")
    out = tmp_path / "formulas.html"
    render_html(graph, out)
    view = open_view(browser, out)
    page = view.page
    page.click(".export summary")
    with page.expect_download() as table:
        page.click("#kgtool-export-csv")
    text = Path(table.value.path()).read_bytes().decode("utf-8")  # keep the bare CR
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert sorted(row["target_label"] for row in rows) == sorted("'" + x for x in labels[1:-1]) + [
        "Plain"
    ]
    assert {row["source_label"] for row in rows} == {"'" + labels[0]}
    assert {row["relation"] for row in rows} == {"'=1"}
    view.check_clean()
    close(view)


# --- 6. layouts settle ------------------------------------------------------------------------------


def test_show_claims_stops_moving_within_10_seconds(
    browser: Any, repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "claims.html"
    kgtool("view", "-o", str(out), "--show-claims", "--root", str(repo))
    start = time.perf_counter()
    view = open_view(browser, out)
    assert view.counts()[0] > 200
    positions = "() => JSON.stringify(window.kgtool.network.getPositions())"
    first = view.page.evaluate(positions)
    view.page.wait_for_timeout(1500)
    assert view.page.evaluate(positions) == first
    assert time.perf_counter() - start < 10
    assert view.page.evaluate("() => window.kgtool.network.physics.physicsEnabled") is False
    view.check_clean()
    close(view)


# --- 8. keyboard, screen readers, accessibility, Japanese, small screens -------------------------------


def test_keyboard_only_search_select_panel_and_neighbour(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph
) -> None:
    view = open_view(browser, whole_page)
    page = view.page
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "kgtool-search"
    page.keyboard.type("deepseek")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#kgtool-search", "aria-activedescendant") == "kgtool-result-0"
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.kgtool.state().sel.id") == view.node_id(KGR + "DeepSeek")
    assert page.evaluate("() => document.activeElement.id") == "kgtool-panel-heading"
    # Tab into the panel to a relation and follow it.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.node !== undefined"):
            break
    target = page.evaluate("() => Number(document.activeElement.dataset.node)")
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.kgtool.state().sel.id") == target
    neighbours = {view.node_id(n) for n in real_graph.to_undirected().neighbors(KGR + "DeepSeek")}
    assert target in neighbours
    page.keyboard.press("n")  # next neighbour
    moved = page.evaluate("() => window.kgtool.state().sel.id")
    assert moved != target
    page.keyboard.press("Escape")
    assert page.evaluate("() => window.kgtool.state().sel") is None
    # Focus is visible.
    page.keyboard.press("/")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    view.check_clean()
    close(view)


def test_arrow_keys_pan_and_plus_minus_zoom_the_focused_graph(
    browser: Any, whole_page: Path
) -> None:
    view = open_view(browser, whole_page)
    page = view.page
    where = "() => [window.kgtool.network.getViewPosition(), window.kgtool.network.getScale()]"
    page.focus("#kgtool-network")
    (start, scale) = page.evaluate(where)
    page.keyboard.press("ArrowRight")
    (moved, same) = page.evaluate(where)
    assert moved["x"] > start["x"] and moved["y"] == pytest.approx(start["y"])
    assert same == pytest.approx(scale)
    page.keyboard.press("ArrowUp")
    assert page.evaluate(where)[0]["y"] < moved["y"]
    page.keyboard.press("+")
    assert page.evaluate(where)[1] == pytest.approx(scale * 1.25)
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert page.evaluate(where)[1] == pytest.approx(scale / 1.25)
    # Arrows typed in the search box move its cursor, not the graph.
    before = page.evaluate(where)
    page.focus("#kgtool-search")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(where) == before
    view.check_clean()
    close(view)


def test_classes_are_told_apart_by_outline_as_well_as_colour(
    browser: Any, whole_page: Path
) -> None:
    """On the canvas and in the legend, each class of a top class has its own outline."""
    from kgtool.styles import OUTLINES

    view = open_view(browser, whole_page)
    drawn = view.page.evaluate(
        """() => window.kgtool.data.legend.map((entry, index) => {
            const node = window.kgtool.nodes.get({filter: (n) => window.kgtool.data.info[n.id].legend === index})[0];
            const swatch = document.querySelector(`[data-class="${index}"] + svg > *`);
            return [entry.color, entry.shape, node.shapeProperties ? node.shapeProperties.borderDashes : null,
                    node.borderWidth || 0, swatch.getAttribute("stroke-dasharray"), swatch.getAttribute("stroke")];
        })"""
    )
    seen = set()
    for color, shape, dashes, width, swatch_dashes, stroke in drawn:
        outline = OUTLINES.get(color)
        if outline is None:
            assert (dashes, width, stroke) == (None, 0, None)
        else:
            assert width == 3 and stroke == "currentColor"
            assert dashes == (list(outline) or False)
            assert swatch_dashes == (" ".join(str(d / 2) for d in outline) or None)
        seen.add((shape, str(dashes)))
    assert len(seen) == len(drawn)  # shape and outline alone tell every class apart
    view.check_clean()
    close(view)


def test_each_drawn_edge_and_node_has_the_style_and_tooltip_of_its_relation_and_class(
    browser: Any, whole_page: Path, real_graph: networkx.MultiDiGraph
) -> None:
    """view.js builds vis-network's items from the page data's columns: an edge in its relation
    family's colour, dashed if it folds claims, without arrowhead if symmetric or folded, wider
    with more claims; a node in its class's shape and colour; both with a short tooltip."""
    from kgtool.namespaces import shorten
    from kgtool.styles import CLAIM_FAMILY, relation_family

    view = open_view(browser, whole_page)
    edges, nodes, legend = view.page.evaluate(
        """() => [
            window.kgtool.edges.get().map((e) => [e.from, e.to, e.title, e.width, e.color.color,
                e.dashes === true, Boolean(e.arrows && e.arrows.to.enabled === false)]),
            window.kgtool.nodes.get().map((n) => [n.title, n.shape, n.color.background || n.color]),
            window.kgtool.data.info.map((item) => window.kgtool.data.legend[item.legend]),
        ]"""
    )
    ids = {node: index for index, node in enumerate(real_graph)}
    symmetric = set(real_graph.graph["symmetric"])
    classes = real_graph.graph["classes"]

    def label(node: str) -> str:
        return str(real_graph.nodes[node]["label_en"])

    expected = []
    for source, target, key, data in real_graph.edges(keys=True, data=True):
        predicate = str(data.get("predicate", key))
        folded, count = predicate == KGO + "Claim", len(data.get("claims", ()))
        tip = f"{label(source)} → {data['label_en']} → {label(target)}\n"
        expected.append(
            [
                ids[source],
                ids[target],
                tip + (f"{count} claims" if count else shorten(predicate)),
                1 + min(count, 4) / 2,
                (CLAIM_FAMILY if folded else relation_family(predicate))[3],
                folded,
                folded or predicate in symmetric,
            ]
        )
    assert edges == expected
    assert {e[5] for e in edges} == {e[6] for e in edges} == {True, False}
    for node, (title, shape, color), entry in zip(real_graph, nodes, legend, strict=True):
        claims = len(real_graph.nodes[node].get("claims", ()))
        kinds = ", ".join(classes[c]["label_en"] for c in real_graph.nodes[node]["classes"])
        counts = (f"{claims} claims · " if claims else "") + f"{real_graph.degree(node)} relations"
        assert title == f"{label(node)}\n{kinds or 'untyped'}\n{counts}"
        assert (shape, color) == (entry["shape"], entry["color"])
    view.check_clean()
    close(view)


def test_accessibility_axe_finds_no_serious_or_critical_violation(
    browser: Any, whole_page: Path, japanese_page: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for path in (whole_page, japanese_page):
        view = open_view(browser, path)
        view.select(KGR + "DeepSeek")
        view.page.locator("#kgtool-panel [data-goto]").first.click()
        view.page.click("#kgtool-relations summary")
        results = Axe().run(view.page)
        serious = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        assert view.page.locator("#kgtool-relations li").count() == view.counts()[1]
        view.check_clean()
        close(view)


def test_japanese_mode_translates_the_interface_and_wraps_labels(
    browser: Any, japanese_page: Path
) -> None:
    view = open_view(browser, japanese_page)
    page = view.page
    assert page.title() == "米中AIナレッジグラフ"
    assert page.evaluate("() => document.documentElement.lang") == "ja"
    interface = page.inner_text("header") + page.inner_text("#kgtool-legend")
    for english in ("Legend", "Reset", "Story only", "Export", "Company", "Country"):
        assert english not in interface
    assert "企業" in interface and "リセット" in interface
    labels = page.evaluate("() => window.kgtool.nodes.get().map((n) => n.label)")
    assert any("\n" in label for label in labels)
    view.check_clean()
    close(view)


def test_dark_mode_and_drawers_on_a_phone(browser: Any, whole_page: Path) -> None:
    view = open_view(browser, whole_page, width=390, color_scheme="dark")
    page = view.page
    assert (
        page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(31, 31, 31)"
    )
    width = page.evaluate(
        "() => document.getElementById('kgtool-network').getBoundingClientRect().width"
    )
    assert width >= 380  # the graph keeps the screen
    assert not page.is_visible("#kgtool-legend")
    assert not page.is_visible("#kgtool-panel")  # the panel opens with a selection
    page.click("#kgtool-legend-toggle")
    assert page.is_visible("#kgtool-legend")
    page.click("#kgtool-legend-toggle")
    page.fill("#kgtool-search", "deepseek")
    page.keyboard.press("Enter")
    assert page.is_visible("#kgtool-panel")
    page.click("#kgtool-panel-close")
    assert not page.is_visible("#kgtool-panel")
    view.check_clean()
    close(view)


# --- 9. big graphs ------------------------------------------------------------------------------------


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
    view.page.fill("#kgtool-search", "ノード4999")
    assert view.page.locator("#kgtool-results [role=option]").count() == 1
    view.check_clean()
    close(view)


def test_a_big_graph_pans_and_zooms_a_bitmap_of_the_picture_then_redraws(
    browser: Any, tmp_path: Path
) -> None:
    """Above the physics threshold, a drag of the view or a wheel zoom hides the nodes and
    edges and draws one bitmap of the picture instead; the end of the gesture draws them all."""
    graph = networkx.MultiDiGraph()
    for index in range(1000):
        graph.add_node(f"urn:n:{index:04d}", label_en=f"N{index}", label_ja=f"N{index}", kind="")
    for index in range(1, 1000):
        graph.add_edge(f"urn:n:{index:04d}", f"urn:n:{index // 2:04d}", key="urn:p", label_en="p")
    out = tmp_path / "big.html"
    render_html(graph, out, RenderOptions(layout=Layout.CIRCULAR))
    view = open_view(browser, out, width=1000)
    page = view.page
    probe = """([dx, dy]) => {
        const net = window.kgtool.network, canvas = document.querySelector("#kgtool-network canvas");
        const at = net.canvasToDOM(net.getPositions([0])[0]), ratio = canvas.width / canvas.clientWidth;
        const pixel = canvas.getContext("2d").getImageData(Math.round((at.x + dx) * ratio), Math.round((at.y + dy) * ratio), 1, 1).data;
        return [net.renderer.dragging, net.renderer.options.hideNodesOnDrag, pixel[3] > 0];
    }"""
    box = page.locator("#kgtool-network").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate(probe, [0, 0]) == [False, False, True]
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] - 10, centre[1] - 5)
    page.mouse.move(centre[0] - 40, centre[1] - 20)
    page.wait_for_timeout(100)
    # Nodes are hidden, yet node 0 is still drawn where the drag moved it: from the bitmap.
    (dragging, hidden, drawn) = page.evaluate(probe, [0, 0])
    assert dragging and hidden and drawn
    page.mouse.up()
    page.wait_for_timeout(100)
    assert page.evaluate(probe, [0, 0]) == [False, False, True]
    page.mouse.wheel(0, -120)
    page.wait_for_timeout(50)
    assert page.evaluate(probe, [0, 0])[:2] == [True, True]
    page.wait_for_timeout(600)  # the zoom ends 250 ms after the last notch
    assert page.evaluate(probe, [0, 0]) == [False, False, True]
    view.check_clean()
    close(view)


def test_an_empty_view_still_becomes_ready(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    render_html(networkx.MultiDiGraph(), out)
    view = open_view(browser, out)
    assert view.counts() == [0, 0]
    assert (view.errors, view.requests, view.dialogs) == ([], [view.url], [])
    close(view)
