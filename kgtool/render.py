"""Drawing a network as one self-contained, offline, safe HTML page (vis-network).

This is the only module that imports pyvis (used for its vis-network option objects), so it can
be replaced. pyvis's own page generation is not used, because it links CDNs, leaves ids and the
heading unescaped and writes in the locale's encoding (see STYLE.md §4). Instead:

* positions come from a seeded networkx layout computed here, so the same data gives the same
  picture; above :attr:`RenderOptions.physics_threshold` nodes, physics is off and the page only
  draws those positions (a 5,000-node graph is interactive within seconds);
* nodes and edges are written straight to JSON (no per-node pyvis objects, which grow
  quadratically), embedded in a ``<script type="application/json">`` with ``<``, ``>``, ``&``,
  U+2028 and U+2029 escaped, so no label can close the script;
* the page is rendered by a Jinja environment with autoescape on from
  ``kgtool/templates/view.html.j2``, with the vendored vis-network JS and CSS inlined; it makes
  no network request and works from ``file://``;
* tooltips are DOM elements built with ``textContent`` (never HTML), the search menu's options
  likewise; labels are drawn on the canvas;
* a Content-Security-Policy allows only the page's own two scripts (by hash), inline styles and
  ``data:`` images: even an injected tag could neither run nor load anything;
* the file is written as UTF-8 whatever the locale, atomically (a temporary file in the same
  folder, then :func:`os.replace`). No ``lib/`` folder is written and no browser is opened.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import KgtoolError, OutputError
from kgtool.layout import Layout, positions
from kgtool.namespaces import KGO, shorten

if TYPE_CHECKING:
    import networkx

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "view.html.j2"
VENDOR_JS = TEMPLATES / "vendor" / "vis-network.min.js"
VENDOR_CSS = TEMPLATES / "vendor" / "vis-network.css"
APP_JS = TEMPLATES / "view.js"

#: At most this many claims are listed in one tooltip.
TOOLTIP_CLAIMS = 6


#: Shapes for the project's top classes (kinds); other kinds take the next free shape.
KIND_SHAPES = {
    KGO + "Actor": "dot",
    KGO + "Technology": "diamond",
    KGO + "Measure": "triangle",
    KGO + "Concept": "hexagon",
    KGO + "Sector": "square",
    KGO + "Event": "star",
    KGO + "Claim": "square",
    KGO + "Passage": "triangleDown",
}
SHAPES = ("dot", "diamond", "triangle", "hexagon", "square", "star", "triangleDown")
#: A qualitative palette (Okabe–Ito and Tableau colours), readable on white.
PALETTE = (
    "#1f77b4", "#e6550d", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
    "#31a354", "#756bb1", "#636363", "#e7969c",
)  # fmt: skip
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
    :param color_by: node attribute whose values get a colour and a legend entry.
    :param legend_title: heading of the legend for ``color_by``.
    """

    lang: str = "en"
    layout: Layout = Layout.SPRING
    seed: int = 42
    title: str = "kgtool: US–China AI knowledge graph"
    physics: bool | None = None
    physics_threshold: int = 300
    size_by: str | None = None
    color_by: str = "group"
    legend_title: str = ""


def _vis_options(physics: bool, large: bool) -> dict[str, Any]:
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
    options.physics.stabilization.iterations = 400
    options.physics.stabilization.updateInterval = 25
    options.edges.inherit_colors(False)
    options.edges.toggle_smoothness("continuous")
    result: dict[str, Any] = json.loads(options.to_json())
    result["edges"]["smooth"]["enabled"] = not large
    result["edges"].update(
        {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9aa0a6", "highlight": "#202124", "hover": "#202124"},
            "font": {"size": 11, "color": "#5f6368", "strokeWidth": 3, "align": "middle"},
            # Edge labels appear once zoomed in enough to read them: the overview stays clean.
            "scaling": {"label": {"enabled": False, "drawThreshold": 7}},
        }
    )
    result["nodes"] = {
        "borderWidth": 1,
        "font": {
            "size": 18,
            "face": "system-ui, sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"enabled": False}},
        "widthConstraint": {"maximum": 170},  # long labels wrap onto a second line
    }
    result["interaction"].update(
        {
            "hover": True,
            "tooltipDelay": 150,
            "navigationButtons": False,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        }
    )
    result["layout"] = {"improvedLayout": False, "randomSeed": 1}
    return result


def _group_styles(
    graph: networkx.MultiDiGraph, color_by: str
) -> tuple[dict[Any, Any], dict[Any, dict[str, Any]]]:
    """Each node's legend key (its ``color_by`` attribute), and per key a colour, a shape (by
    kind, for ``color_by="group"``) and a count, in legend order.

    Colours follow ``graph.graph["groups"]`` and shapes ``graph.graph["kinds"]`` when the
    projection stored them (see :func:`kgtool.network.assign_groups`), so a focus view or a
    filtered view keeps the whole graph's colours; other keys follow, biggest first.
    """
    keys = {node: graph.nodes[node].get(color_by, UNTYPED) for node in graph}
    members: dict[Any, Counter[Any]] = defaultdict(Counter)
    for node in graph:
        members[keys[node]][graph.nodes[node].get("kind", UNTYPED)] += 1
    kind_of = {key: counter.most_common(1)[0][0] for key, counter in members.items()}
    sizes = Counter(graph.nodes[n].get("kind", UNTYPED) for n in graph)
    kind_order = list(graph.graph.get("kinds", ()))
    kind_order += [
        k for k in sorted(sizes, key=lambda k: (-sizes[k], str(k))) if k not in kind_order
    ]
    free = iter([s for s in SHAPES if s not in KIND_SHAPES.values()] * 3 + list(SHAPES) * 10)
    shapes = {k: KIND_SHAPES.get(k) or next(free) for k in kind_order}
    by_kind = color_by == "group"
    stored = list(graph.graph.get("groups", ())) if by_kind else []
    rest = sorted(
        (k for k in members if k not in stored),
        key=lambda k: (
            kind_order.index(kind_of[k]) if by_kind else 0,
            -sum(members[k].values()),
            str(k),
        ),
    )
    palette_order = stored + rest
    legend_order = [k for k in palette_order if k in members]
    if by_kind:
        legend_order.sort(
            key=lambda k: kind_order.index(kind_of[k])
        )  # stable: keeps the order within a kind
    styles = {
        key: {
            "color": PALETTE[palette_order.index(key) % len(PALETTE)],
            "shape": shapes[kind_of[key]] if by_kind else "dot",
            "count": sum(members[key].values()),
            "kind": kind_of[key],
        }
        for key in legend_order
    }
    return keys, styles


def _label(graph: networkx.MultiDiGraph, iri: Any, lang: str) -> str:
    classes = graph.graph.get("classes", {})
    if iri in classes:
        return classes[iri][f"label_{lang}"]
    if iri == UNTYPED:
        return "untyped" if lang == "en" else "型なし"
    return shorten(str(iri)) if isinstance(iri, str) and "://" in iri else str(iri)


def _claim_lines(claims: list[Any], lang: str) -> list[list[str]]:
    lines: list[list[str]] = []
    for record in claims[:TOOLTIP_CLAIMS]:
        kind = record.kind_en if lang == "en" else record.kind_ja
        label = record.label_en if lang == "en" else record.label_ja
        lines.append(["c", label])
        lines.append(["m", f"{kind} · {record.stated_value}" if record.stated_value else kind])
        lines.extend(["q", f"「{quote}」"] for quote in record.quotes)
    if len(claims) > TOOLTIP_CLAIMS:
        more = len(claims) - TOOLTIP_CLAIMS
        lines.append(["m", f"… and {more} more claims" if lang == "en" else f"…ほか{more}件の主張"])
    return lines


def _node_tip(graph: networkx.MultiDiGraph, node: Any, lang: str) -> list[list[str]]:
    data = graph.nodes[node]
    other = "ja" if lang == "en" else "en"
    lines = [["h", data.get(f"label_{lang}", str(node))]]
    if data.get(f"label_{other}") and data.get(f"label_{other}") != lines[0][1]:
        lines.append(["t", data[f"label_{other}"]])
    classes = ", ".join(_label(graph, c, lang) for c in data.get("classes", ()))
    if classes:
        lines.append(["m", ("class: " if lang == "en" else "クラス: ") + classes])
    lines.append(["m", shorten(str(node)) if "://" in str(node) else str(node)])
    if data.get("aliases"):
        lines.append(["m", ("also: " if lang == "en" else "別名: ") + ", ".join(data["aliases"])])
    comment = data.get(f"comment_{lang}") or data.get(f"comment_{other}")
    if comment:
        lines.append(["t", comment])
    for key, values in sorted(data.get("attributes", {}).items()):
        lines.append(["m", f"{key}: {', '.join(values)}"])
    for key in ("score", "community"):
        if key in data:
            lines.append(["m", f"{key}: {data[key]}"])
    if data.get("quotes"):
        lines.extend(["q", f"「{quote}」"] for quote in data["quotes"])
    claims = data.get("claims", [])
    if claims:
        lines.append(
            [
                "s",
                f"{len(claims)} claims about it"
                if lang == "en"
                else f"この実体についての主張 {len(claims)}件",
            ]
        )
        lines.extend(_claim_lines(claims, lang))
    return lines


def _edge_tip(
    graph: networkx.MultiDiGraph, source: Any, target: Any, data: dict[str, Any], lang: str
) -> list[list[str]]:
    label = data.get(f"label_{lang}", "")
    head = f"{graph.nodes[source].get(f'label_{lang}', source)} → {label} → {graph.nodes[target].get(f'label_{lang}', target)}"
    lines = [["h", head], ["m", shorten(str(data.get("predicate", "")))]]
    claims = data.get("claims", [])
    if claims:
        lines.append(
            [
                "s",
                f"backed by {len(claims)} claims"
                if lang == "en"
                else f"根拠となる主張 {len(claims)}件",
            ]
        )
        lines.extend(_claim_lines(claims, lang))
    return lines


def view_data(
    graph: networkx.MultiDiGraph, options: RenderOptions = RenderOptions()
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data: nodes, edges, vis options and the legend.

    Node ids are integers (0…n-1 in graph order); each node keeps its IRI in ``iri``.

    :raises KgtoolError: when the layout cannot be computed.
    """
    if options.lang not in ("en", "ja"):
        raise KgtoolError(f"unknown language {options.lang!r}", hint="use en or ja")
    lang = options.lang
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
    keys, styles = _group_styles(graph, options.color_by)
    nodes = []
    for node in graph.nodes:
        data = graph.nodes[node]
        style = styles[keys[node]]
        x, y = places[node]
        item: dict[str, Any] = {
            "id": ids[node],
            "iri": str(node),
            "label": str(data.get(f"label_{lang}", node)),
            "x": x,
            "y": y,
            "shape": style["shape"],
            "color": style["color"],
            "size": round(8 + 22 * math.sqrt(max(weights[node], 0.0) / top), 1),
            "tip": _node_tip(graph, node, lang),
        }
        nodes.append(item)
    edges = []
    parallel: Counter[frozenset[Any]] = Counter()
    for index, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        pair = frozenset((source, target))
        rank = parallel[pair]
        parallel[pair] += 1
        claim_edge = data.get("predicate") == KGO + "Claim"
        edge: dict[str, Any] = {
            "id": index,
            "from": ids[source],
            "to": ids[target],
            "label": str(data.get(f"label_{lang}", shorten(str(key)))),
            "width": round(1 + min(len(data.get("claims", ())), 4) * 0.5, 1),
            "tip": _edge_tip(graph, source, target, data, lang),
        }
        if claim_edge:
            edge["dashes"] = True
            edge["color"] = {"color": "#c7cbd1", "highlight": "#202124", "hover": "#202124"}
            edge["arrows"] = {"to": {"enabled": False}}
        if rank and not large:
            edge["smooth"] = {
                "enabled": True,
                "type": "curvedCW" if rank % 2 else "curvedCCW",
                "roundness": 0.2 * ((rank + 1) // 2),
            }
        edges.append(edge)
    legend = [
        {
            "label": _label(graph, group, lang),
            "other": _label(graph, group, "ja" if lang == "en" else "en"),
            "color": style["color"],
            "shape": style["shape"],
            "count": style["count"],
            "kind": _label(graph, style["kind"], lang),
        }
        for group, style in styles.items()
    ]
    return {
        "title": options.title,
        "lang": lang,
        "physics": physics,
        "counts": {"nodes": count, "edges": graph.number_of_edges()},
        "legend": legend,
        "nodes": nodes,
        "edges": edges,
        "options": _vis_options(physics, large),
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
    legend_title = options.legend_title or ("Legend" if options.lang == "en" else "凡例")
    vis_js, app_js = _vendor(VENDOR_JS, "</script"), _vendor(APP_JS, "</script")
    return template.render(
        title=data["title"],
        lang=data["lang"],
        counts=data["counts"],
        legend=data["legend"],
        legend_title=legend_title,
        legend_kinds=options.color_by == "group",
        claim_edges=any(e.get("dashes") for e in data["edges"]),
        data_json=Markup(
            script_json({k: data[k] for k in ("nodes", "edges", "options", "physics", "lang")})
        ),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        script_hashes=Markup(" ".join(_script_hash(text) for text in (vis_js, app_js))),
        vis_css=Markup(_vendor(VENDOR_CSS, "</style")),
    )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 (whatever the locale), atomically: a temporary file
    in the same folder, then :func:`os.replace`. On failure the old file is left intact.

    :raises OutputError: when the folder is missing or the file cannot be written.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            f"no such folder: {folder}",
            path=path,
            hint="create the folder first or choose another -o path",
        )
    if path.is_dir():
        raise OutputError(
            "is a folder, not a file", path=path, hint="give a file name such as graph.html"
        )
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write here: {error.strerror}", path=path) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write the file: {error.strerror}", path=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def render_html(
    graph: networkx.MultiDiGraph, path: Path, options: RenderOptions = RenderOptions()
) -> Path:
    """Draw ``graph`` into the HTML file ``path`` (see the module docstring) and return the path.

    :raises OutputError: when the file cannot be written.
    :raises KgtoolError: when the layout cannot be computed.
    """
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
