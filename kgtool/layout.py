"""Where the nodes of a network view go: seeded, deterministic layouts in page pixels.

:func:`positions` is the one entry point (``kgtool view --layout``); the same graph (same node
order) and seed always give the same positions, so the same data draws the same picture.
numpy, scipy and networkx are imported only inside the functions that need them.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import TYPE_CHECKING, Any

from kgtool.errors import KgtoolError

if TYPE_CHECKING:
    import networkx


class Layout(str, Enum):
    """Seeded networkx layouts (``--layout``)."""

    SPRING = "spring"
    KAMADA_KAWAI = "kamada-kawai"
    CIRCULAR = "circular"
    SHELL = "shell"


#: Up to this many nodes, networkx's spring layout; above, :func:`_spring_mesh`.
SMALL_SPRING = 500
#: :func:`_spring_mesh`: pairs closer than this many mesh cells repel exactly; their list is
#: refreshed every :data:`PAIR_REFRESH` steps (a k-d tree costs more than a step).
PAIR_RADIUS = 1.5
PAIR_REFRESH = 5
#: Pull towards the middle, so separate parts and lone nodes stay in view.
GRAVITY = 4.0
#: kamada-kawai holds an n×n distance matrix: refuse it beyond this many nodes.
KAMADA_KAWAI_LIMIT = 2000


def positions(
    graph: networkx.MultiDiGraph, layout: Layout = Layout.SPRING, seed: int = 42
) -> dict[Any, tuple[float, float]]:
    """Node positions in page pixels, computed by a seeded networkx layout.

    The same graph (same node order) and seed always give the same positions.

    :raises KgtoolError: for kamada-kawai on more than :data:`KAMADA_KAWAI_LIMIT` nodes.
    """
    import networkx

    simple = networkx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    count = simple.number_of_nodes()
    if count == 0:
        return {}
    if count == 1:
        return {next(iter(simple)): (0.0, 0.0)}
    layout = Layout(layout)
    if layout is Layout.SPRING and count <= SMALL_SPRING:
        raw = networkx.spring_layout(simple, seed=seed, k=1.6 / math.sqrt(count), iterations=100)
    elif layout is Layout.SPRING:
        raw = _spring_mesh(simple, seed)
    elif layout is Layout.KAMADA_KAWAI:
        if count > KAMADA_KAWAI_LIMIT:
            raise KgtoolError(
                f"the kamada-kawai layout is too slow for {count} nodes",
                hint=f"use --layout spring above {KAMADA_KAWAI_LIMIT} nodes",
            )
        raw = _kamada_kawai(simple)
    elif layout is Layout.CIRCULAR:
        raw = networkx.circular_layout(simple)
    else:
        raw = networkx.shell_layout(simple, _shells(simple))
    scale = 90.0 * math.sqrt(count)
    return {
        node: (round(float(x) * scale, 1), round(float(y) * scale, 1))
        for node, (x, y) in raw.items()
    }


def _spring_mesh(simple: networkx.Graph, seed: int, iterations: int = 60) -> dict[Any, Any]:
    """A fast Fruchterman–Reingold for big graphs, in numpy: O(n + m log m) per step, not O(n²).

    Repulsion between all nodes is computed particle–mesh style: each node's mass is spread over
    the 4 corners of its cell in a mesh of about √n × √n cells, convolved with the repulsion
    kernel by FFT, and read back at each node with the same weights (so a node never pushes
    itself). The mesh blurs repulsion closer than one cell; pairs that close (found with a k-d
    tree) get the exact remainder. Attraction along edges is exact. networkx's own spring layout
    is a per-node Python loop above 500 nodes (a minute for 5,000). Seeded and deterministic.
    """
    import numpy
    from scipy.spatial import cKDTree

    nodes = list(simple)
    count = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = numpy.array(
        [(index[u], index[v]) for u, v in simple.edges()], dtype=numpy.int64
    ).reshape(-1, 2)
    place = numpy.random.default_rng(seed).random((count, 2))
    k = 1 / math.sqrt(count)
    cells = max(16, min(256, math.isqrt(count)))
    side = 2 * cells  # zero-padded, so the FFT's wrap-around never reaches a node
    corners = (0, 1, side, side + 1)
    kernel: tuple[Any, Any] | None = None
    kernel_cell = 0.0
    pairs = numpy.zeros((0, 2), dtype=numpy.int64)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for step in range(iterations):
        low = place.min(axis=0)
        cell = (float((place.max(axis=0) - low).max()) + 1e-9) / (cells - 1)
        if kernel is None or abs(cell - kernel_cell) > 0.05 * kernel_cell:
            kernel, kernel_cell = _mesh_kernel(side, cell, k), cell
        # Far field: mass to the mesh (cloud in cell), convolution by FFT, force back to nodes.
        grid = (place - low) / cell
        corner = numpy.minimum(grid.astype(numpy.int64), cells - 2)
        fx, fy = (grid - corner).T
        weights = ((1 - fx) * (1 - fy), (1 - fx) * fy, fx * (1 - fy), fx * fy)
        flat = corner[:, 0] * side + corner[:, 1]
        mass = numpy.zeros(side * side)
        for weight, offset in zip(weights, corners, strict=True):
            mass += numpy.bincount(flat + offset, weight, side * side)
        spectrum = numpy.fft.rfft2(mass.reshape(side, side))
        shift = numpy.empty_like(place)
        for axis in (0, 1):
            field = numpy.fft.irfft2(spectrum * kernel[axis], s=(side, side)).ravel()
            shift[:, axis] = sum(
                weight * field[flat + offset]
                for weight, offset in zip(weights, corners, strict=True)
            )
        # Near field: the exact repulsion minus the mesh's blurred one, for close pairs.
        if step % PAIR_REFRESH == 0:
            pairs = cKDTree(place).query_pairs(PAIR_RADIUS * cell, output_type="ndarray")
        if len(pairs):
            dx, dy = _differences(place, pairs)
            squared = dx * dx + dy * dy
            excess = (
                k
                * k
                * (
                    1 / numpy.maximum(squared, (0.01 * k) ** 2)
                    - 1 / numpy.maximum(squared, cell * cell)
                )
            )
            _add_pair_forces(shift, pairs, dx * excess, dy * excess)
        # Attraction along edges.
        if len(edges):
            dx, dy = _differences(place, edges)
            pull = -numpy.sqrt(dx * dx + dy * dy) / k
            _add_pair_forces(shift, edges, dx * pull, dy * pull)
        shift -= GRAVITY * (place - place.mean(axis=0))
        length = numpy.maximum(numpy.sqrt((shift * shift).sum(axis=1)), 1e-12)
        place += shift * (numpy.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    place -= place.mean(axis=0)
    place /= max(float(numpy.abs(place).max()), 1e-12)
    return dict(zip(nodes, place, strict=True))


def _mesh_kernel(side: int, cell: float, k: float) -> tuple[Any, Any]:
    """The FFT of the repulsion ``k² d / |d|²`` (softened within one cell) on a periodic mesh."""
    import numpy

    offset = numpy.fft.fftfreq(side, 1.0 / side) * cell  # 0, 1, 2, …, -2, -1 cells
    dx, dy = numpy.meshgrid(offset, offset, indexing="ij")
    squared = numpy.maximum(dx * dx + dy * dy, cell * cell)
    return numpy.fft.rfft2(k * k * dx / squared), numpy.fft.rfft2(k * k * dy / squared)


def _differences(place: Any, pairs: Any) -> tuple[Any, Any]:
    """x and y of ``place[first] - place[second]`` for each pair (1-D arrays: fewer passes)."""
    first, second = pairs[:, 0], pairs[:, 1]
    return place[first, 0] - place[second, 0], place[first, 1] - place[second, 1]


def _add_pair_forces(shift: Any, pairs: Any, fx: Any, fy: Any) -> None:
    """Add the force (fx, fy) to the first node of each pair and its opposite to the second."""
    import numpy

    count = len(shift)
    for axis, force in ((0, fx), (1, fy)):
        shift[:, axis] += numpy.bincount(pairs[:, 0], force, count) - numpy.bincount(
            pairs[:, 1], force, count
        )


def _kamada_kawai(simple: networkx.Graph) -> dict[Any, Any]:
    """kamada-kawai per connected component, components placed side by side by size."""
    import networkx

    components = sorted(
        networkx.connected_components(simple), key=lambda c: (-len(c), min(map(str, c)))
    )
    placed: dict[Any, Any] = {}
    offset = 0.0
    for component in components:
        sub = simple.subgraph(sorted(component, key=str))
        size = math.sqrt(len(component)) / math.sqrt(simple.number_of_nodes())
        part = (
            networkx.kamada_kawai_layout(sub, scale=size)
            if len(component) > 2
            else networkx.circular_layout(sub, scale=size)
        )
        for node, (x, y) in part.items():
            placed[node] = (x + offset + size, y)
        offset += 2 * size + 0.1
    width = offset / 2
    return {node: (x - width, y) for node, (x, y) in placed.items()}


def _shells(simple: networkx.Graph) -> list[list[Any]]:
    """Shells by degree: hubs inside, leaves outside."""
    degrees = dict(simple.degree())
    ranked = sorted(simple, key=lambda n: (-degrees[n], str(n)))
    shells, start, width = [], 0, 1
    while start < len(ranked):
        shells.append(ranked[start : start + width])
        start += width
        width *= 3
    return shells
