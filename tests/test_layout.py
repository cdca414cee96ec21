"""The view layouts (kgtool.layout): the mesh spring layout for big graphs is seeded and sound."""

from __future__ import annotations

import math
import statistics

import networkx

from kgtool.layout import SMALL_SPRING, Layout, positions


def two_communities(size: int) -> networkx.MultiDiGraph:
    """Two dense random communities of ``size`` nodes each, joined by a single edge."""
    graph = networkx.MultiDiGraph()
    for side in ("a", "b"):
        part = networkx.gnm_random_graph(size, 4 * size, seed=3)
        graph.add_edges_from((f"{side}{u:04d}", f"{side}{v:04d}") for u, v in part.edges())
    graph.add_edge("a0000", "b0000")
    return graph


def test_big_layouts_are_the_same_picture_for_the_same_data() -> None:
    graph = two_communities(SMALL_SPRING)
    first = positions(graph, Layout.SPRING, seed=5)
    assert first == positions(two_communities(SMALL_SPRING), Layout.SPRING, seed=5)
    assert first != positions(graph, Layout.SPRING, seed=6)
    assert set(first) == set(graph)


def test_big_layouts_keep_communities_apart() -> None:
    graph = two_communities(SMALL_SPRING)
    places = positions(graph)

    def centre(side: str) -> tuple[float, float]:
        points = [xy for node, xy in places.items() if node.startswith(side)]
        return statistics.fmean(x for x, _ in points), statistics.fmean(y for _, y in points)

    spread = statistics.fmean(math.dist(xy, centre(node[0])) for node, xy in places.items())
    assert math.dist(centre("a"), centre("b")) > 1.5 * spread


def test_big_layouts_spread_unconnected_nodes_without_overlaps() -> None:
    graph = networkx.MultiDiGraph()
    graph.add_nodes_from(f"n{i:04d}" for i in range(2 * SMALL_SPRING))
    places = list(positions(graph).values())
    nearest = [
        min(math.dist(p, q) for j, q in enumerate(places) if j != i) for i, p in enumerate(places)
    ]
    assert min(nearest) > 20  # pixels: no two nodes drawn on top of each other
    assert statistics.median(nearest) > 100
