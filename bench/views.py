"""Benchmark the network views on synthetic graphs: build time, file size, time-to-ready.

For each size it builds a seeded random network shaped like the projected knowledge graph
(typed nodes with labels in two languages, about 1.5 edges per node, claims on some edges),
then measures:

* ``layout``: the seeded networkx layout alone;
* ``build``: the whole page (layout, JSON, template) written to disk, as ``kgtool view`` does;
* ``pyvis``: the plain-pyvis baseline on the same graph: ``add_node`` and ``add_edge`` for every
  node and edge (what ``Network.from_nx`` does), then ``write_html`` of one self-contained page
  (``cdn_resources="in_line"``; its own physics layout runs in the browser, so this is all it
  does at build time);
* ``ratio``: build / pyvis, measured side by side in the same process (both with their imports
  done by a warm-up);
* ``size``: the HTML file size;
* ``ready``: from ``page.goto`` in headless chromium until the page says it is interactive
  (the network has drawn; ``body[data-ready=true]``), then a check that the vis DataSets hold
  every node and edge;
* ``search``: typing a query into the search box until its result list is filled (ms);
* ``pan``/``zoom``: the longest gap between two animation frames (ms) while dragging the
  picture with the mouse (30 moves), then while zooming with the wheel (10 notches): a stall
  shows as a long gap;
* ``redraw``: one full drawing of the fitted picture, edges included (ms), as happens once
  when a gesture ends.

Run:  python bench/views.py            (1,000, 5,000 and 20,000 nodes)
      python bench/views.py 1000 5000 10000 --no-pyvis
      python bench/views.py --quick       (300 and 1,000 nodes: a smoke test for CI)
      python bench/views.py 5000 20000 --no-browser --no-pyvis --keep DIR
                                          (write the pages to DIR/bench-N.html and keep them)
      python bench/views.py --compare before.html after.html --runs 7
                                          (``ready`` of written pages, loaded in turn, side by side)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx

from kgtool.layout import SMALL_SPRING, positions
from kgtool.network import ClaimRecord
from kgtool.render import CHROMIUM_ARGS, CHROMIUM_PATH, RenderOptions, render_html

KGO = "https://w3id.org/kgtool/ontology#"
KINDS = {
    KGO + "Actor": [KGO + "Company", KGO + "Country", KGO + "Person"],
    KGO + "Technology": [KGO + "AIModel", KGO + "Chip"],
    KGO + "Measure": [KGO + "GovernmentPolicy"],
    KGO + "Concept": [KGO + "Concept"],
}
PREDICATES = [KGO + p for p in ("developed", "competesWith", "basedIn", "targets", "uses")]


def synthetic_graph(count: int, seed: int = 7) -> networkx.MultiDiGraph:
    """A seeded random network with the node and edge attributes of :func:`project_graph`."""
    rng = random.Random(seed)
    graph = networkx.MultiDiGraph()
    graph.graph["classes"] = {
        iri: {"label_en": iri.rsplit("#", 1)[1], "label_ja": iri.rsplit("#", 1)[1]}
        for kind, groups in KINDS.items()
        for iri in [kind, *groups]
    }
    kinds = list(KINDS)
    for index in range(count):
        kind = kinds[index % len(kinds)]
        group = KINDS[kind][index % len(KINDS[kind])]
        graph.add_node(
            f"urn:node:{index:06d}",
            label_en=f"Entity {index}",
            label_ja=f"実体{index}",
            aliases=[],
            classes=[group],
            types=[group, kind],
            kind=kind,
            group=group,
            lineage=[kind, group] if group != kind else [kind],
            comment_en="",
            comment_ja="",
            attributes={},
            claims=[],
            folded=False,
        )
    nodes = list(graph.nodes)
    claim = ClaimRecord("urn:claim", "Claim", "主張", "A claim", "主張", "", ("引用された一文。",))
    for index, node in enumerate(nodes[1:], 1):
        # A preferential-attachment tree plus extra random edges: hubs, like the real graph.
        target = nodes[int(index * rng.random() ** 2)]
        edges = [(node, target)] + ([(node, rng.choice(nodes))] if rng.random() < 0.5 else [])
        for source, other in edges:
            predicate = rng.choice(PREDICATES)
            graph.add_edge(
                source,
                other,
                key=predicate,
                predicate=predicate,
                label_en=predicate.rsplit("#", 1)[1],
                label_ja=predicate.rsplit("#", 1)[1],
                claims=[claim] if rng.random() < 0.3 else [],
                quotes=list(claim.quotes),
            )
    return graph


def pyvis_baseline(graph: networkx.MultiDiGraph, folder: Path) -> float:
    """Seconds for plain pyvis to add the nodes and edges one by one and write its HTML page."""
    from pyvis.network import Network

    start = time.perf_counter()
    # in_line: one self-contained page like kgtool's, and no lib/ folder in the working directory.
    net = Network(directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        net.add_node(node, label=data["label_en"])
    for source, target, data in graph.edges(data=True):
        net.add_edge(source, target, label=data["label_en"])
    net.write_html(str(folder / "pyvis.html"), open_browser=False)
    return time.perf_counter() - start


#: Records the longest gap between animation frames until ``window.stopFrames()``.
FRAME_RECORDER = """() => {
  let last = performance.now(), worst = 0, running = true;
  function frame(now) { worst = Math.max(worst, now - last); last = now; if (running) requestAnimationFrame(frame); }
  requestAnimationFrame(frame);
  window.stopFrames = () => { running = false; return worst; };
}"""
SEARCH = """(query) => {
  const box = document.getElementById("kgtool-search");
  const start = performance.now();
  box.value = query;
  box.dispatchEvent(new Event("input"));
  const found = document.querySelectorAll("#kgtool-results [role=option][data-node]").length;
  return [performance.now() - start, found];
}"""


def interaction(browser: object, path: Path) -> tuple[float, float, float, float]:
    """Milliseconds: a search; the longest frame gap while panning, then while zooming (edges
    hidden above the physics threshold); and one full redraw (edges included), which follows
    the end of each gesture."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    search, found = page.evaluate(SEARCH, "entity 99")
    if found < 1:
        raise SystemExit(f"{path}: search found nothing")
    page.evaluate("() => document.getElementById('kgtool-search').blur()")
    page.wait_for_timeout(300)
    gaps = []
    for gesture in ("pan", "zoom"):
        page.mouse.move(800, 500)
        page.wait_for_timeout(300)
        page.evaluate(FRAME_RECORDER)
        if gesture == "pan":
            page.mouse.down()
            for step in range(30):
                page.mouse.move(800 - 10 * step, 500 - 5 * step)
            gaps.append(page.evaluate("() => window.stopFrames()"))
            page.mouse.up()
        else:
            for _ in range(10):
                page.mouse.wheel(0, -120)
                page.wait_for_timeout(30)
            gaps.append(page.evaluate("() => window.stopFrames()"))
        page.wait_for_timeout(500)
    redraw = page.evaluate(
        """() => { const net = window.kgtool.network; net.fit({ animation: false });
                   const start = performance.now(); for (let i = 0; i < 5; i++) net.redraw();
                   return (performance.now() - start) / 5; }"""
    )
    page.close()
    return search, gaps[0], gaps[1], redraw


def time_to_ready(browser: object, path: Path, nodes: int | None, edges: int | None) -> float:
    """Seconds from navigation until the page is interactive; checks that the DataSets hold
    ``nodes`` and ``edges`` items (``None``: as many as the page's data has)."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    start = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    elapsed = time.perf_counter() - start
    counts = page.evaluate("() => [window.kgtool.nodes.length, window.kgtool.edges.length]")
    expected = page.evaluate(
        "() => [window.kgtool.data.info.length, window.kgtool.data.links.length]"
    )
    page.close()
    if nodes is not None and edges is not None:
        expected = [nodes, edges]
    if errors or counts != expected:
        raise SystemExit(f"{path}: console errors {errors[:3]} or counts {counts} != {expected}")
    return elapsed


def compare(browser: object, pages: list[Path], runs: int) -> None:
    """Print the median, fastest and slowest ``ready`` of each page, loaded in turn."""
    times: dict[Path, list[float]] = {page: [] for page in pages}
    for _ in range(runs):
        for page in pages:
            times[page].append(time_to_ready(browser, page, None, None))
    print(f"load average {os.getloadavg()[0]:.1f} after {runs} runs of each page")
    print(f"{'page':<40} {'median s':>8} {'min s':>6} {'max s':>6}")
    for page, values in times.items():
        print(
            f"{str(page):<40} {statistics.median(values):>8.2f} {min(values):>6.2f} {max(values):>6.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="node counts (default 1000 5000 20000)")
    parser.add_argument("--quick", action="store_true", help="300 and 1,000 nodes (CI smoke test)")
    parser.add_argument("--no-pyvis", action="store_true", help="skip the pyvis add_node baseline")
    parser.add_argument("--no-browser", action="store_true", help="skip time-to-ready")
    parser.add_argument(
        "--compare", nargs="+", type=Path, metavar="PAGE", help="time these written pages instead"
    )
    parser.add_argument("--runs", type=int, default=5, help="loads of each page for --compare")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="write the pages to DIR and keep them"
    )
    args = parser.parse_args(argv)
    if args.compare:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
            )
            compare(launched, args.compare, args.runs)
            launched.close()
        return 0
    sizes = args.sizes or ([300, 1000] if args.quick else [1000, 5000, 20000])

    browser = playwright = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
        )
    with tempfile.TemporaryDirectory() as folder:
        # Warm up: the numpy, scipy, jinja2 and pyvis imports are not build time.
        warm = synthetic_graph(SMALL_SPRING + 1)
        render_html(warm, Path(folder) / "warm.html", RenderOptions())
        pyvis_baseline(warm, Path(folder))
    print(
        f"{'nodes':>6} {'edges':>6} {'layout s':>9} {'build s':>8} {'pyvis s':>8} {'ratio':>6}"
        f" {'size MB':>8} {'ready s':>8} {'search ms':>9} {'pan ms':>7} {'zoom ms':>7} {'redraw ms':>9}"
    )
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        with (
            contextlib.nullcontext(args.keep)
            if args.keep
            else tempfile.TemporaryDirectory() as folder
        ):
            for size in sizes:
                graph = synthetic_graph(size)
                start = time.perf_counter()
                positions(graph)
                layout = time.perf_counter() - start
                path = Path(folder) / f"bench-{size}.html"
                start = time.perf_counter()
                render_html(graph, path, RenderOptions(title=f"Synthetic graph of {size} nodes"))
                build = time.perf_counter() - start
                pyvis = None if args.no_pyvis else pyvis_baseline(graph, Path(folder))
                baseline = "-" if pyvis is None else f"{pyvis:.2f}"
                ratio = "-" if pyvis is None else f"{build / pyvis:.2f}x"
                megabytes = path.stat().st_size / 1e6
                ready = search = pan = zoom = redraw = "-"
                if browser is not None:
                    ready = f"{time_to_ready(browser, path, size, graph.number_of_edges()):.2f}"
                    search, pan, zoom, redraw = (f"{v:.0f}" for v in interaction(browser, path))
                print(
                    f"{size:>6} {graph.number_of_edges():>6} {layout:>9.2f} {build:>8.2f} {baseline:>8}"
                    f" {ratio:>6} {megabytes:>8.2f} {ready:>8} {search:>9} {pan:>7} {zoom:>7} {redraw:>9}"
                )
                sys.stdout.flush()
    finally:
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
