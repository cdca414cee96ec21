"""Graph analytics over the projected network (see :mod:`kgtool.network`): centrality, shortest
connections, neighbourhoods and communities.

Every function takes the :class:`networkx.MultiDiGraph` from :func:`kgtool.network.project_graph`
and returns frozen records, ordered deterministically (score, then label, then IRI), so the CLI
output is stable. Connections are followed in both directions: "DeepSeek is based in China" links
China to DeepSeek as much as the other way round.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from kgtool.errors import ExitCode, KgtoolError
from kgtool.namespaces import shorten

if TYPE_CHECKING:
    import networkx

    from kgtool.network import ClaimRecord


class AnalysisError(KgtoolError):
    """An analysis cannot run with these arguments (e.g. ``--top 0``)."""


class NoPathError(AnalysisError):
    """The two entities are not connected within the allowed number of hops.

    This is a *finding*, not an input error: the command ran and the answer is "no connection",
    so it exits with 1 (like ``grep`` finding nothing), leaving 2 for bad input.
    """

    exit_code = ExitCode.FINDINGS


class Metric(str, Enum):
    """Centrality measures (``--metric``)."""

    DEGREE = "degree"
    BETWEENNESS = "betweenness"
    PAGERANK = "pagerank"


@dataclass(frozen=True)
class Ranked:
    """One entity with its centrality score (``rank`` starts at 1)."""

    rank: int
    node: str
    label_en: str
    label_ja: str
    kind: str
    score: float


@dataclass(frozen=True)
class Statement:
    """One edge of the network as a triple, with the claims that back it."""

    subject: str
    predicate: str
    object: str
    subject_label: str
    predicate_label: str
    object_label: str
    claims: tuple[ClaimRecord, ...] = ()

    @property
    def via(self) -> str:
        """``triple`` for an edge the data states, ``claims`` for an edge standing for claims
        about both ends (see :data:`kgtool.network.CLAIM_EDGE`)."""
        from kgtool.network import CLAIM_EDGE

        return "claims" if self.predicate == CLAIM_EDGE else "triple"


@dataclass(frozen=True)
class Hop:
    """One step of a path: from ``source`` to ``target``, with every edge between them."""

    source: str
    target: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Path:
    """A shortest connection between two entities."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]


@dataclass(frozen=True)
class Neighbor:
    """An entity ``distance`` hops away, reached through ``statement`` from the previous ring."""

    distance: int
    node: str
    label: str
    kind: str
    statement: Statement


@dataclass(frozen=True)
class Member:
    """An entity of a community, with its degree in the whole network."""

    node: str
    label: str
    kind: str
    degree: int


@dataclass(frozen=True)
class Community:
    """A community (``index`` starts at 1, biggest first)."""

    index: int
    members: tuple[Member, ...]

    @property
    def name(self) -> str:
        """``Community N: <best-connected member>``."""
        return (
            f"Community {self.index}: {self.members[0].label}"
            if self.members
            else f"Community {self.index}"
        )


def _label(graph: networkx.MultiDiGraph, node: str, lang: str) -> str:
    return str(graph.nodes[node].get(f"label_{lang}", node))


def _kind(graph: networkx.MultiDiGraph, node: str, lang: str) -> str:
    """The label of the node's most specific class (its lineage's last entry), else its CURIE."""
    data = graph.nodes[node]
    lineage = data.get("lineage") or data.get("classes") or []
    if not lineage:
        return ""
    iri = lineage[-1]
    return graph.graph.get("classes", {}).get(iri, {}).get(f"label_{lang}", shorten(iri))


def _undirected(graph: networkx.MultiDiGraph) -> networkx.Graph:
    """A simple undirected graph with the same nodes in the same order (self-loops dropped)."""
    import networkx

    simple = networkx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v}))
    return simple


def _check_node(graph: networkx.MultiDiGraph, node: str) -> None:
    if node not in graph:
        raise AnalysisError(
            f"{shorten(node)} is not an entity of the network",
            hint="claims, passages and ontology terms are folded into edges; name an entity",
        )


def centrality(
    graph: networkx.MultiDiGraph,
    metric: Metric | str = Metric.DEGREE,
    classes: tuple[str, ...] = (),
    top: int = 10,
    lang: str = "en",
) -> list[Ranked]:
    """The ``top`` most central entities.

    Scores are computed on the whole network (connections both ways; parallel edges count once
    for degree and betweenness, as weights for PageRank), then filtered to instances of
    ``classes`` (subclasses included) when given.

    :param metric: ``degree`` (share of other entities linked), ``betweenness`` (share of
        shortest paths passing through) or ``pagerank``.
    :raises AnalysisError: when ``top`` is below 1 or the metric is unknown.
    """
    import networkx

    if top < 1:
        raise AnalysisError(f"--top must be at least 1, not {top}", hint="e.g. --top 10")
    try:
        metric = Metric(metric)
    except ValueError:
        raise AnalysisError(
            f"unknown metric {metric!r}", hint="use degree, betweenness or pagerank"
        ) from None
    simple = _undirected(graph)
    if simple.number_of_nodes() == 0:
        return []
    if metric is Metric.DEGREE:
        scores = (
            networkx.degree_centrality(simple)
            if simple.number_of_nodes() > 1
            else {n: 0.0 for n in simple}
        )
    elif metric is Metric.BETWEENNESS:
        scores = networkx.betweenness_centrality(simple, normalized=True)
    else:
        weighted = networkx.Graph()
        weighted.add_nodes_from(graph.nodes)
        for u, v in graph.edges():
            if u != v:
                weight = weighted[u][v]["weight"] + 1 if weighted.has_edge(u, v) else 1
                weighted.add_edge(u, v, weight=weight)
        scores = networkx.pagerank(weighted, weight="weight")
    wanted = set(classes)
    candidates = [n for n in graph if not wanted or wanted & set(graph.nodes[n].get("types", ()))]
    ordered = sorted(candidates, key=lambda n: (-round(scores[n], 12), _label(graph, n, lang), n))
    return [
        Ranked(
            rank,
            node,
            _label(graph, node, "en"),
            _label(graph, node, "ja"),
            _kind(graph, node, lang),
            round(float(scores[node]), 6),
        )
        for rank, node in enumerate(ordered[:top], 1)
    ]


def _statements(graph: networkx.MultiDiGraph, a: str, b: str, lang: str) -> tuple[Statement, ...]:
    """Every edge between ``a`` and ``b`` in either direction, as statements."""
    found = []
    for source, target in ((a, b), (b, a)):
        for key, data in sorted((graph.get_edge_data(source, target) or {}).items()):
            found.append(
                Statement(
                    source,
                    str(key),
                    target,
                    _label(graph, source, lang),
                    str(data.get(f"label_{lang}", shorten(str(key)))),
                    _label(graph, target, lang),
                    tuple(data.get("claims", ())),
                )
            )
    return tuple(found)


def shortest_paths(
    graph: networkx.MultiDiGraph,
    source: str,
    target: str,
    max_hops: int = 4,
    limit: int = 5,
    lang: str = "en",
) -> list[Path]:
    """The shortest connections between two entities (at most ``limit`` of them, all of the same
    length), each hop with its statements and the claims and quotes behind them.

    :raises AnalysisError: for an entity that is not in the network, the same entity twice, or
        ``max_hops``/``limit`` below 1.
    :raises NoPathError: when no path of at most ``max_hops`` hops exists (exit code 1).
    """
    import networkx

    for name, value in (("--max-hops", max_hops), ("--limit", limit)):
        if value < 1:
            raise AnalysisError(f"{name} must be at least 1, not {value}")
    _check_node(graph, source)
    _check_node(graph, target)
    if source == target:
        raise AnalysisError(f"both ends are {shorten(source)}", hint="give two different entities")
    simple = _undirected(graph)
    a, b = _label(graph, source, lang), _label(graph, target, lang)
    try:
        length = networkx.shortest_path_length(simple, source, target)
    except networkx.NetworkXNoPath:
        raise NoPathError(
            f"{a} and {b} are not connected", hint="they lie in separate parts of the network"
        ) from None
    if length > max_hops:
        raise NoPathError(
            f"no path between {a} and {b} within {max_hops} hops (the shortest has {length})",
            hint=f"raise --max-hops to {length}",
        )
    found = list(itertools.islice(networkx.all_shortest_paths(simple, source, target), limit * 20))
    found.sort(key=lambda nodes: ([_label(graph, n, lang) for n in nodes], nodes))
    paths = []
    for nodes in found[:limit]:
        hops = tuple(
            Hop(u, v, _statements(graph, u, v, lang)) for u, v in itertools.pairwise(nodes)
        )
        paths.append(Path(tuple(nodes), hops))
    return paths


def neighbors(
    graph: networkx.MultiDiGraph, node: str, depth: int = 1, lang: str = "en"
) -> list[Neighbor]:
    """Entities within ``depth`` hops of ``node``: for each ring, every statement linking an
    entity of the previous ring to one of this ring, ordered by distance, label and predicate.

    :raises AnalysisError: for an entity not in the network, or ``depth`` below 1.
    """
    import networkx

    if depth < 1:
        raise AnalysisError(f"--depth must be at least 1, not {depth}")
    _check_node(graph, node)
    simple = _undirected(graph)
    distance = networkx.single_source_shortest_path_length(simple, node, cutoff=depth)
    rows = []
    for other, ring in distance.items():
        if ring == 0:
            continue
        for previous in simple.neighbors(other):
            if distance.get(previous) == ring - 1:
                for statement in _statements(graph, previous, other, lang):
                    rows.append(
                        Neighbor(
                            ring,
                            other,
                            _label(graph, other, lang),
                            _kind(graph, other, lang),
                            statement,
                        )
                    )
    rows.sort(
        key=lambda r: (
            r.distance,
            r.label,
            r.node,
            r.statement.subject_label,
            r.statement.predicate_label,
            r.statement.object,
        )
    )
    return rows


def communities(
    graph: networkx.MultiDiGraph, seed: int = 42, resolution: float = 1.0, lang: str = "en"
) -> list[Community]:
    """Communities of the network by Louvain modularity with a fixed seed (deterministic),
    biggest first; members by degree, then label.

    :raises AnalysisError: for a resolution that is not positive.
    """
    import networkx

    if resolution <= 0:
        raise AnalysisError(f"--resolution must be positive, not {resolution}")
    simple = _undirected(graph)
    if simple.number_of_nodes() == 0:
        return []
    parts = networkx.community.louvain_communities(simple, seed=seed, resolution=resolution)
    degree = dict(simple.degree())
    groups = []
    for part in parts:
        members = sorted(part, key=lambda n: (-degree[n], _label(graph, n, lang), n))
        groups.append(
            tuple(
                Member(n, _label(graph, n, lang), _kind(graph, n, lang), degree[n]) for n in members
            )
        )
    groups.sort(
        key=lambda members: (-len(members), -members[0].degree, members[0].label, members[0].node)
    )
    return [Community(index, members) for index, members in enumerate(groups, 1)]


# --- subgraphs to draw a result (--view) -----------------------------------------------------------


def centrality_subgraph(
    graph: networkx.MultiDiGraph, ranked: list[Ranked]
) -> networkx.MultiDiGraph:
    """The ranked entities and the edges among them, each node with its ``score``."""
    from kgtool.network import induced_subgraph

    sub = induced_subgraph(graph, [r.node for r in ranked])
    for record in ranked:
        sub.nodes[record.node]["score"] = record.score
    return sub


def paths_subgraph(graph: networkx.MultiDiGraph, paths: list[Path]) -> networkx.MultiDiGraph:
    """The entities on the paths and the edges of their hops."""
    import networkx

    sub = networkx.MultiDiGraph()
    sub.graph.update(graph.graph)
    nodes = sorted({n for path in paths for n in path.nodes})
    sub.add_nodes_from((n, graph.nodes[n]) for n in nodes)
    for statement in sorted(
        {s for path in paths for hop in path.hops for s in hop.statements}, key=_statement_key
    ):
        data = graph.get_edge_data(statement.subject, statement.object, statement.predicate)
        sub.add_edge(statement.subject, statement.object, key=statement.predicate, **data)
    return sub


def _statement_key(statement: Statement) -> tuple[str, str, str]:
    return statement.subject, statement.predicate, statement.object


def neighbors_subgraph(
    graph: networkx.MultiDiGraph, node: str, rows: list[Neighbor]
) -> networkx.MultiDiGraph:
    """The entity, its neighbours and every edge among them."""
    from kgtool.network import induced_subgraph

    return induced_subgraph(graph, [node, *(r.node for r in rows)])


def communities_graph(
    graph: networkx.MultiDiGraph, found: list[Community]
) -> networkx.MultiDiGraph:
    """A copy of the network whose nodes carry ``community`` (the community's name) for colouring."""
    copy = graph.copy()
    for community in found:
        for member in community.members:
            copy.nodes[member.node]["community"] = community.name
    return copy


def statement_record(statement: Statement) -> dict[str, Any]:
    """A JSON-ready dict for a statement (keys in a fixed order)."""
    return {
        "via": statement.via,
        "subject": statement.subject,
        "predicate": statement.predicate,
        "object": statement.object,
        "subject_label": statement.subject_label,
        "predicate_label": statement.predicate_label,
        "object_label": statement.object_label,
        "claims": [claim.as_dict() for claim in statement.claims],
    }
