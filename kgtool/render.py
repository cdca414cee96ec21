"""Drawing a network as one self-contained, offline, safe HTML page (vis-network): the explorer.

The page (``kgtool/templates/view.html.j2`` and ``view.js``; see docs/explorer.md) holds the
graph, a details panel with every claim and quote, the text of each quoted source with its
passages highlighted, filters, search, state in the URL fragment and exports — all from the data
:func:`view_data` embeds, so nothing re-runs the CLI. Class styles come from
:mod:`kgtool.styles`; Japanese labels are broken at BudouX phrase boundaries here, at build time.

This is the only module that imports pyvis (used for its vis-network option objects), so it can
be replaced. pyvis's own page generation is not used, because it links CDNs, leaves ids and the
heading unescaped and writes in the locale's encoding (see STYLE.md §4). Instead:

* positions come from a seeded networkx layout computed here, so the same data gives the same
  picture; above :attr:`RenderOptions.physics_threshold` nodes, physics is off and the page only
  draws those positions (a 5,000-node graph is interactive within seconds);
* nodes and edges are written straight to JSON (no per-node pyvis objects, which grow
  quadratically) as compact columns, from which the page builds vis-network's items (styles
  and tooltips follow from the class and the relation), embedded in a
  ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so
  no label can close the script;
* the page is rendered by a Jinja environment with autoescape on from
  ``kgtool/templates/view.html.j2``, with the vendored vis-network JS and CSS inlined; it makes
  no network request and works from ``file://``;
* tooltips are short strings vis-network sets with ``innerText``; the panel, search results,
  article pane and relation list are built with ``textContent`` (never HTML); labels are drawn
  on the canvas;
* a Content-Security-Policy allows only the page's own two scripts (by hash), inline styles and
  ``data:`` images: even an injected tag could neither run nor load anything;
* the file is written as UTF-8 whatever the locale, atomically (a temporary file in the same
  folder, then :func:`os.replace`). No ``lib/`` folder is written and no browser is opened.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import KgtoolError
from kgtool.labels import LANGUAGES
from kgtool.layout import Layout, positions
from kgtool.namespaces import KGO, shorten

if TYPE_CHECKING:
    import networkx

    from kgtool.network import ClaimRecord, PassageRecord

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "view.html.j2"
VENDOR_JS = TEMPLATES / "vendor" / "vis-network.min.js"
VENDOR_CSS = TEMPLATES / "vendor" / "vis-network.css"
APP_JS = TEMPLATES / "view.js"


UNTYPED = ""


@dataclass(frozen=True)
class RenderOptions:
    """How to draw.

    :param lang: node and edge labels in ``en`` or ``ja`` (tooltips show both).
    :param layout: the networkx layout that places the nodes.
    :param seed: the layout's random seed.
    :param title: the page heading.
    :param physics: let vis-network refine the layout and animate drags; ``None`` turns it on up
        to ``physics_threshold`` nodes.
    :param size_by: node attribute that sizes nodes (e.g. ``score``); ``None`` sizes by degree.
    :param color_by: node attribute whose values get a colour and a legend entry (e.g.
        ``community``); ``None`` colours and shapes nodes by class (see :mod:`kgtool.styles`).
    :param legend_title: heading of the legend for ``color_by``.
    """

    lang: str = "en"
    layout: Layout = Layout.SPRING
    seed: int = 42
    title: str = "kgtool: US–China AI knowledge graph"
    physics: bool | None = None
    physics_threshold: int = 300
    size_by: str | None = None
    color_by: str | None = None
    legend_title: str = ""


def _vis_options(physics: bool, large: bool, lang: str = "en") -> dict[str, Any]:
    """vis-network options: pyvis's option objects, completed for our pages."""
    from pyvis.options import Options

    options = Options()
    options.physics.enabled = physics
    # forceAtlas2: node mass grows with degree, so hubs push their neighbours apart.
    options.physics.use_force_atlas_2based(
        {
            "gravity": -140,
            "central_gravity": 0.012,
            "spring_length": 120,
            "spring_strength": 0.06,
            "damping": 0.5,
            "overlap": 0.9,
        }
    )
    # The page starts from the seeded layout: a bounded refinement, then physics is switched
    # off (view.js), so every view stops moving within seconds.
    options.physics.stabilization.iterations = 150
    options.physics.stabilization.updateInterval = 25
    options.edges.inherit_colors(False)
    options.edges.toggle_smoothness("continuous")
    result: dict[str, Any] = json.loads(options.to_json())
    result["physics"]["minVelocity"] = 1.0
    result["edges"]["smooth"]["enabled"] = not large
    result["edges"].update(
        {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#80868b", "highlight": "#202124", "hover": "#202124"},
            "font": {"size": 12, "color": "#3c4043", "strokeWidth": 4, "align": "middle"},
        }
    )
    result["nodes"] = {
        "borderWidth": 1,
        "borderWidthSelected": 5,  # wider than any class outline (3)
        "font": {
            "size": 18,
            "face": "system-ui, 'Noto Sans CJK JP', sans-serif",
            "color": "#202124",
            "strokeWidth": 4,
            "strokeColor": "#ffffff",
        },
        # Labels smaller than drawThreshold px on screen are not drawn (vis-network needs the
        # value spelt out here): the zoomed-out overview of a big graph draws no text.
        "scaling": {"label": {"enabled": False, "drawThreshold": 6, "maxVisible": 30}},
        "widthConstraint": {"maximum": 170},  # long labels wrap onto a second line
    }
    if lang == "ja" or large:
        # Labels come wrapped (Japanese at phrase boundaries, never mid-word; English of big
        # graphs at spaces, see view_data): vis-network's own wrapping measures every word of
        # every label at load, a second of a 20,000-node page.
        del result["nodes"]["widthConstraint"]
    result["interaction"].update(
        {
            # Hover tests every node on each mouse move: off for big graphs (smooth panning).
            "hover": not large,
            "tooltipDelay": 150,
            "navigationButtons": False,
            "keyboard": {"enabled": False},  # view.js has its own keys
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
        }
    )
    result["layout"] = {"improvedLayout": False, "randomSeed": 1}
    return result


#: The fields of a node's ``info`` that the page data leaves out when empty (view.js puts them
#: back); a link (edge) likewise leaves out ``claims`` when empty and ``label`` when it is its
#: predicate's.
OMITTED_WHEN_EMPTY = ("aliases", "comment", "attributes", "quotes", "claims", "document")

#: A Japanese label line holds at most this many full-width characters (BudouX phrases).
JA_LINE = 9
#: An English label line of a big graph holds at most this many characters (about the 170 px
#: that vis-network's wrapping gives smaller graphs).
EN_LINE = 20

#: Every text of the page's interface, in both languages.
UI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "nodes": "nodes",
        "edges": "edges",
        "search": "Search labels and aliases",
        "search_placeholder": "Search (en/ja)…",
        "no_match": "No match",
        "legend": "Legend",
        "classes": "Classes",
        "relations": "Relations",
        "story_only": "Story only (hide sources and authorship)",
        "physics": "Live physics",
        "all_labels": "Show all relation names",
        "focus": "Focus on selection",
        "hops": "hops",
        "reset": "Reset",
        "export": "Export",
        "png": "PNG picture",
        "turtle": "Visible subgraph as Turtle",
        "csv": "Visible subgraph as CSV",
        "details": "Details",
        "close": "Close",
        "text": "Article text",
        "show_text": "Show the article",
        "hide_text": "Hide the article",
        "class": "Class",
        "aliases": "Also called",
        "iri": "IRI",
        "claims": "Claims",
        "quote": "Quote",
        "go_to_text": "Show in the text",
        "not_in_text": "(not found in the text)",
        "value": "Stated value",
        "modality": "Modality",
        "time": "Time",
        "no_selection": "Select a node or an edge (click, or search) to see its relations, "
        "claims and quotes.",
        "relation_list": "All visible relations, as text",
        "visible": "visible",
        "uncovered": "not yet in the graph",
        "excluded": "deliberately left out",
        "covered": "covered by a claim",
        "shortcuts": "Keys: / search · Esc close · n/p next/previous neighbour · f focus · "
        "r reset · t text · on the graph: arrows pan, + and - zoom",
        "legend_toggle": "Legend and filters",
        "size_note": "Size: number of connections (or score). Shape: top class. "
        "Dashed: folded claims; no arrowhead: symmetric relation.",
        "claims_count": "claims",
        "relations_count": "relations",
        "passage_selects": "Select the claims of this passage",
        "untyped": "untyped",
    },
    "ja": {
        "nodes": "ノード",
        "edges": "エッジ",
        "search": "ラベルと別名を検索",
        "search_placeholder": "検索(英語・日本語)…",
        "no_match": "該当なし",
        "legend": "凡例",
        "classes": "クラス",
        "relations": "関係",
        "story_only": "記事の内容のみ(出典・作成者を隠す)",
        "physics": "物理シミュレーション",
        "all_labels": "すべての関係名を表示",
        "focus": "選択の周辺のみ",
        "hops": "ホップ",
        "reset": "リセット",
        "export": "書き出し",
        "png": "PNG画像",
        "turtle": "表示中の部分グラフ(Turtle)",
        "csv": "表示中の部分グラフ(CSV)",
        "details": "詳細",
        "close": "閉じる",
        "text": "記事本文",
        "show_text": "記事を表示",
        "hide_text": "記事を隠す",
        "class": "クラス",
        "aliases": "別名",
        "iri": "IRI",
        "claims": "主張",
        "quote": "引用",
        "go_to_text": "本文で表示",
        "not_in_text": "(本文に見つかりません)",
        "value": "記載値",
        "modality": "叙述様態",
        "time": "時期",
        "no_selection": "ノードかエッジを選ぶ(クリックまたは検索)と、関係・主張・引用が表示されます。",
        "relation_list": "表示中のすべての関係(テキスト)",
        "visible": "表示中",
        "uncovered": "まだグラフにない文",
        "excluded": "意図的に除外",
        "covered": "主張あり",
        "shortcuts": "キー: / 検索 · Esc 閉じる · n/p 次・前の隣接ノード · f 周辺 · r リセット · t 本文 · "
        "グラフ上で矢印キーで移動・+ と - で拡大縮小",
        "legend_toggle": "凡例とフィルター",
        "size_note": "大きさ:つながりの数(またはスコア)。形:上位クラス。"
        "破線:折りたたんだ主張。矢印なし:対称な関係。",
        "claims_count": "件の主張",
        "relations_count": "件の関係",
        "passage_selects": "この引用の主張を選択",
        "untyped": "型なし",
    },
}


def _label(graph: networkx.MultiDiGraph, iri: Any, lang: str) -> str:
    classes = graph.graph.get("classes", {})
    if iri in classes:
        return str(classes[iri][f"label_{lang}"])
    if iri == UNTYPED:
        return UI_TEXT[lang]["untyped"]
    return shorten(str(iri)) if isinstance(iri, str) and "://" in iri else str(iri)


def _display_class(graph: networkx.MultiDiGraph, node: Any) -> str:
    """The class a node is drawn as: its most specific class in its lineage, else untyped."""
    data = graph.nodes[node]
    lineage = list(data.get("lineage") or ())
    if lineage:
        return str(lineage[-1])
    classes = list(data.get("classes") or ())
    return str(classes[0]) if classes else UNTYPED


def _width(char: str) -> float:
    import unicodedata

    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5


def wrap_japanese(label: str, width: float = JA_LINE) -> str:
    """A Japanese label broken into lines at BudouX phrase boundaries, each at most ``width``
    full-width characters where a phrase allows (vis-network wraps only at spaces).

    >>> wrap_japanese("ディープシーク")
    'ディープシーク'
    >>> wrap_japanese("米国の半導体輸出規制の強化と中国の対応")
    '米国の半導体\\n輸出規制の強化と\\n中国の対応'
    """
    if sum(_width(c) for c in label) <= width or "\n" in label:
        return label
    lines: list[str] = []
    current = ""
    for phrase in _budoux_parser().parse(label):
        if current and sum(_width(c) for c in current + phrase) > width:
            lines.append(current)
            current = phrase
        else:
            current += phrase
    lines.append(current)
    return "\n".join(lines)


@functools.cache
def _budoux_parser() -> Any:
    """BudouX's Japanese model, loaded once (it is imported only for Japanese pages)."""
    import budoux

    return budoux.load_default_japanese_parser()


def _utf16(text: str, index: int) -> int:
    """A character index of ``text`` as a JavaScript (UTF-16) string index."""
    return index + sum(1 for c in text[:index] if ord(c) > 0xFFFF)


def _locate(text: str, passage: PassageRecord) -> tuple[int, int]:
    """Where a passage's exact text sits in its source: the occurrence whose prefix and suffix
    match (the first one when the selector has neither), as (start, end); (-1, -1) if absent."""
    start = text.find(passage.exact)
    while start >= 0:
        end = start + len(passage.exact)
        if text[:start].endswith(passage.prefix) and text[end:].startswith(passage.suffix):
            return start, end
        start = text.find(passage.exact, start + 1)
    return -1, -1


def _legend(
    graph: networkx.MultiDiGraph, options: RenderOptions
) -> tuple[dict[Any, int], list[dict[str, Any]]]:
    """Each node's legend entry (an index), and the entries in order: by class, styled from the
    ontology (:mod:`kgtool.styles`), or by the ``color_by`` attribute's values."""
    from kgtool.styles import PALETTE, SHAPES, Style, class_styles
    from kgtool.styles import UNTYPED as UNTYPED_STYLE

    lang, other = options.lang, "ja" if options.lang == "en" else "en"
    if options.color_by:
        values = {n: str(graph.nodes[n].get(options.color_by, "")) for n in graph}
        keys = sorted(
            set(values.values()), key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v)
        )
        heading = options.legend_title or options.color_by
        styles = {
            key: Style(PALETTE[i % len(PALETTE)], SHAPES[i // len(PALETTE) % len(SHAPES)])
            for i, key in enumerate(keys)
        }
        kinds = dict.fromkeys(keys, heading)
        labels = {key: (key, key) for key in keys}
    else:
        # Styles come from the ontology's classes, so every view of the same data agrees.
        class_kinds: dict[str, str] = dict(graph.graph.get("class_kinds", {}))
        for node in graph:
            for cls in graph.nodes[node].get("lineage") or ():
                class_kinds.setdefault(cls, graph.nodes[node].get("kind") or cls)
        styles = class_styles(class_kinds)
        values = {node: _display_class(graph, node) for node in graph}
        order = list(styles)
        keys = sorted(
            set(values.values()),
            key=lambda c: (
                order.index(class_kinds[c]) if class_kinds.get(c) in styles else -1,
                order.index(c) if c in styles else -1,
            ),
        )
        kinds = {key: _label(graph, class_kinds.get(key, key), lang) for key in keys}
        labels = {key: (_label(graph, key, lang), _label(graph, key, other)) for key in keys}
    members = Counter(values.values())
    legend = [
        {
            "key": str(key),
            "label": labels[key][0],
            "other": labels[key][1],
            "color": styles.get(key, UNTYPED_STYLE).color,
            "shape": styles.get(key, UNTYPED_STYLE).shape,
            "outline": styles.get(key, UNTYPED_STYLE).outline,
            "count": members[key],
            "kind": kinds[key],
        }
        for key in keys
    ]
    index = {key: i for i, key in enumerate(keys)}
    return {node: index[values[node]] for node in graph}, legend


def view_data(
    graph: networkx.MultiDiGraph, options: RenderOptions = RenderOptions()
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data (see docs/explorer.md for the fields).

    ``nodes`` (columns ``label``, ``x``, ``y``, ``size``) and ``edges`` (columns ``from``,
    ``to``, ``curve``: the rank among parallel edges) hold what vis-network's items need beyond
    ``info`` and ``links``; node and edge ids are their indices, 0…n-1 in graph order. ``info``,
    ``links``, ``claims``, ``passages`` and ``sources`` feed the details panel, the text pane,
    search and filters; empty fields are left out (:data:`OMITTED_WHEN_EMPTY`).

    :raises KgtoolError: when the layout cannot be computed.
    """
    from kgtool.styles import CLAIM_FAMILY, relation_family

    if options.lang not in LANGUAGES:
        raise KgtoolError(f"unknown language {options.lang!r}", hint="use en or ja")
    lang = options.lang
    other = "ja" if lang == "en" else "en"
    text = UI_TEXT[lang]
    count = graph.number_of_nodes()
    physics = options.physics if options.physics is not None else count <= options.physics_threshold
    large = count > options.physics_threshold
    places = positions(graph, options.layout, options.seed)
    ids = {node: index for index, node in enumerate(graph.nodes)}
    degree = dict(graph.degree())
    if options.size_by:
        weights = {n: float(graph.nodes[n].get(options.size_by, 0.0) or 0.0) for n in graph}
    else:
        weights = {n: float(degree[n]) for n in graph}
    top = max(weights.values(), default=0.0) or 1.0

    key_of, legend = _legend(graph, options)
    documents = set(graph.graph.get("documents", ()))
    sources = graph.graph.get("sources", {})
    source_ids = {iri: i for i, iri in enumerate(sources)}

    claims: list[dict[str, Any]] = []
    claim_ids: dict[str, int] = {}
    passages: list[dict[str, Any]] = []
    passage_ids: dict[tuple[str, str], int] = {}

    def claim_id(record: ClaimRecord) -> int:
        if record.iri in claim_ids:
            return claim_ids[record.iri]
        refs = []
        for passage in record.passages:
            key = (passage.iri, passage.exact)
            if key not in passage_ids:
                start = end = -1
                source = sources.get(passage.source)
                if source is not None:
                    start, end = _locate(source.text, passage)
                    if start >= 0:
                        start, end = _utf16(source.text, start), _utf16(source.text, end)
                passage_ids[key] = len(passages)
                passages.append(
                    {
                        "iri": passage.iri,
                        "exact": passage.exact,
                        "source": source_ids.get(passage.source, -1),
                        "start": start,
                        "end": end,
                        "claims": [],
                    }
                )
            passages[passage_ids[key]]["claims"].append(len(claims))
            refs.append(passage_ids[key])
        known = {passage.exact for passage in record.passages}
        claim_ids[record.iri] = len(claims)
        claims.append(
            {
                "iri": record.iri,
                "kind": getattr(record, f"kind_{lang}"),
                "label": getattr(record, f"label_{lang}"),
                "value": record.stated_value,
                "modality": getattr(record, f"modality_{lang}"),
                "time": getattr(record, f"time_{lang}"),
                "passages": refs,
                # Quotes recorded without a selector (oa:exact on the passage itself).
                "quotes": [q for q in record.quotes if q not in known],
                "nodes": [],
            }
        )
        return claim_ids[record.iri]

    # Columns, not one object per node: the page builds vis-network's items from them and from
    # `info` (tooltips, shape and colour by legend entry), so the JSON stays small to parse.
    nodes: dict[str, list[Any]] = {"label": [], "x": [], "y": [], "size": []}
    info = []
    for node in graph.nodes:
        data = graph.nodes[node]
        label = str(data.get(f"label_{lang}", node))
        x, y = places[node]
        own = [claim_id(r) for r in data.get("claims", ())]
        for c in own:
            claims[c]["nodes"].append(ids[node])
        classes = [_label(graph, c, lang) for c in data.get("classes", ())]
        nodes["label"].append(
            wrap_japanese(label)
            if lang == "ja"
            else textwrap.fill(label, EN_LINE, break_long_words=False)
            if large
            else label
        )
        nodes["x"].append(x)
        nodes["y"].append(y)
        nodes["size"].append(round(8 + 22 * math.sqrt(max(weights[node], 0.0) / top), 1))
        entry: dict[str, Any] = {
            "iri": str(node),
            "en": str(data.get("label_en", node)),
            "ja": str(data.get("label_ja", node)),
            "classes": classes,
            "legend": key_of[node],
            "aliases": [str(a) for a in data.get("aliases", ())],
            "comment": data.get(f"comment_{lang}") or data.get(f"comment_{other}") or "",
            "attributes": sorted(
                [str(k), ", ".join(map(str, v))] for k, v in data.get("attributes", {}).items()
            ),
            "quotes": [str(q) for q in data.get("quotes", ())],
            "claims": own,
            "document": node in documents,
            **{
                key: data[key]
                for key in ("score", "community")
                if key in data and isinstance(data[key], int | float | str)
            },
        }
        # Empty fields are left out (view.js puts them back): most nodes of a big graph have
        # no alias, comment, attribute, quote or claim.
        info.append({k: v for k, v in entry.items() if v or k not in OMITTED_WHEN_EMPTY})
    symmetric = set(graph.graph.get("symmetric", ()))
    families: dict[str, dict[str, Any]] = {}
    predicates: list[dict[str, Any]] = []
    predicate_ids: dict[str, int] = {}
    # Columns as for the nodes: width, colour, dashes, arrowhead and tooltip follow from `links`,
    # `predicates` and `families`; `curve` numbers the parallel edges between a pair of nodes.
    edges: dict[str, list[int]] = {"from": [], "to": [], "curve": []}
    links = []
    parallel: Counter[frozenset[Any]] = Counter()
    for source, target, key, data in graph.edges(keys=True, data=True):
        predicate = str(data.get("predicate", key))
        claim_edge = predicate == KGO + "Claim"
        family = CLAIM_FAMILY if claim_edge else relation_family(predicate)
        if family[0] not in families:
            families[family[0]] = {
                "key": family[0],
                "label": family[1] if lang == "en" else family[2],
                "color": family[3],
                "dashed": claim_edge,
            }
        label = str(data.get(f"label_{lang}", shorten(str(key))))
        if predicate not in predicate_ids or claim_edge:
            # Each claim edge has its own label (what its claims are), so its own entry.
            predicate_ids.setdefault(predicate, len(predicates))
            if predicate_ids[predicate] == len(predicates):
                predicates.append(
                    {
                        "iri": predicate,
                        "curie": shorten(predicate),
                        "label": label if not claim_edge else text["claims"],
                        "family": family[0],
                        "symmetric": predicate in symmetric,
                        "count": 0,
                    }
                )
        predicates[predicate_ids[predicate]]["count"] += 1
        pair = frozenset((source, target))
        edges["from"].append(ids[source])
        edges["to"].append(ids[target])
        edges["curve"].append(parallel[pair])
        parallel[pair] += 1
        record_ids = [claim_id(r) for r in data.get("claims", ())]
        link: dict[str, Any] = {"p": predicate_ids[predicate]}
        if label != predicates[predicate_ids[predicate]]["label"]:
            link["label"] = label  # else the predicate's (view.js fills it in)
        if record_ids:
            link["claims"] = record_ids
        links.append(link)
    return {
        "title": options.title,
        "lang": lang,
        "physics": physics,
        "large": large,
        "text": text,
        "counts": {"nodes": count, "edges": graph.number_of_edges()},
        "legend": legend,
        "families": sorted(families.values(), key=lambda f: f["key"] == "claims"),
        "predicates": predicates,
        "nodes": nodes,
        "edges": edges,
        "info": info,
        "links": links,
        "claims": claims,
        "passages": passages,
        "sources": [
            {
                "iri": source.iri,
                "label": getattr(source, f"label_{lang}"),
                "path": source.path,
                "text": source.text,
                "sentences": [
                    [_utf16(source.text, a), _utf16(source.text, b), status]
                    for a, b, status in source.sentences
                ],
            }
            for source in sources.values()
        ],
        "options": _vis_options(physics, large, lang),
    }


def script_json(data: Any) -> str:
    """JSON safe to embed in an HTML ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 are
    written as ``\\uXXXX`` escapes, so the text can never close the script or start a comment.

    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _vendor(path: Path, closing: str) -> str:
    text = path.read_text(encoding="utf-8")
    if closing in text.lower() or "<!--" in text:
        raise KgtoolError(f"{path} cannot be inlined: it contains {closing!r} or '<!--'")
    return text


def _script_hash(text: str) -> str:
    """A CSP source allowing exactly this inline script (so injected scripts or handlers cannot run)."""
    import base64
    import hashlib

    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def page_html(graph: networkx.MultiDiGraph, options: RenderOptions = RenderOptions()) -> str:
    """The complete HTML page for ``graph``: one string, no external resource.

    :raises KgtoolError: when the layout cannot be computed or a vendored file is unusable.
    """
    import jinja2
    from markupsafe import Markup

    data = view_data(graph, options)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    template = environment.get_template(TEMPLATE_NAME)
    text = data["text"]
    legend_title = options.legend_title or text["legend"]
    vis_js, app_js = _vendor(VENDOR_JS, "</script"), _vendor(APP_JS, "</script")
    page_data = {k: v for k, v in data.items() if k not in ("counts",)}
    page_data["colorBy"] = options.color_by or ""
    return template.render(
        title=data["title"],
        lang=data["lang"],
        text=text,
        counts=data["counts"],
        legend=data["legend"],
        legend_title=legend_title,
        families=data["families"],
        has_sources=bool(data["sources"]),
        data_json=Markup(script_json(page_data)),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        script_hashes=Markup(" ".join(_script_hash(text) for text in (vis_js, app_js))),
        vis_css=Markup(_vendor(VENDOR_CSS, "</style")),
    )


def render_html(
    graph: networkx.MultiDiGraph, path: Path, options: RenderOptions = RenderOptions()
) -> Path:
    """Draw ``graph`` into the HTML file ``path`` (see the module docstring) and return the path.

    :raises OutputError: when the file cannot be written.
    :raises KgtoolError: when the layout cannot be computed.
    """
    from kgtool.fileio import write_atomic

    write_atomic(Path(path), page_html(graph, options))
    return Path(path)


def open_in_browser(path: Path) -> None:
    """Open a written page in the default browser (only on explicit request, e.g. ``--open``)."""
    import webbrowser

    webbrowser.open(Path(path).resolve().as_uri())


#: Debian's chromium and the flags kgtool's browser tests, benchmark and screenshots use
#: (no browser download, no network, no first-run UI).
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
