"""Drawing a saved query's result: the library side of ``kgtool query NAME --view`` and
``kgtool view --query NAME``.

A saved query can be drawn when it is a CONSTRUCT/DESCRIBE, or a SELECT projecting
``?source ?edge ?target`` (:func:`kgtool.network.project_result` turns either into a network).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kgtool.engines.base import Engine, QueryKind
from kgtool.errors import QueryError
from kgtool.network import ProjectionOptions, attach_coverage, project_graph, project_result
from kgtool.queries import SavedQuery, run_query

if TYPE_CHECKING:
    import networkx

    from kgtool.project import Project

#: The columns a SELECT must project to be drawn.
EDGE_COLUMNS = frozenset({"source", "edge", "target"})


def check_drawable(query: SavedQuery) -> None:
    """Refuse, before any data is loaded, a query whose result cannot be drawn.

    :raises QueryError: when the query is neither a CONSTRUCT nor a SELECT projecting
        ``?source ?edge ?target``.
    """
    kind = query.kind
    if kind is QueryKind.GRAPH or (
        kind is QueryKind.SELECT and EDGE_COLUMNS <= set(query.prepared.variables)
    ):
        return
    why = f"its default view is {query.view}"
    if query.view == "graph":
        why = "it says its default view is graph, but it is a SELECT without ?source ?edge ?target"
    raise QueryError(
        f"query '{query.name}' cannot be drawn: {why}",
        path=query.source,
        hint="draw a CONSTRUCT, or a SELECT projecting ?source ?edge ?target, marked '#+ kgtool: {view: graph}'",
    )


def entity_network(
    engine: Engine, project: Project, *, show_claims: bool = False, show_ontology: bool = False
) -> networkx.MultiDiGraph:
    """The network ``kgtool view`` draws, with its source texts and their sentence coverage."""
    options = ProjectionOptions(
        show_claims=show_claims, show_ontology=show_ontology, text_root=project.graph_dir
    )
    graph = project_graph(engine, options)
    mark_coverage(engine, project, graph)
    return graph


def query_network(
    engine: Engine,
    project: Project,
    query: SavedQuery,
    values: Mapping[str, str],
    lang: str = "en",
) -> networkx.MultiDiGraph:
    """Run a drawable query and project its result onto the entity network.

    :raises ParameterError: for unknown, missing or invalid parameters.
    :raises QueryError: when the result cannot be drawn.
    """
    result = run_query(engine, query, values, lang)
    graph = project_result(engine, result, ProjectionOptions(text_root=project.graph_dir))
    mark_coverage(engine, project, graph)
    return graph


def mark_coverage(engine: Engine, project: Project, graph: networkx.MultiDiGraph) -> None:
    """Give the page's text pane each sentence's status (covered, excluded or uncovered)."""
    from kgtool.coverage import coverage

    texts = graph.graph.get("sources", {})
    if not texts:
        return
    spans = {
        found.source: [(s.sentence.start, s.sentence.end, s.status.value) for s in found.sentences]
        for found in coverage(engine, project, tuple(texts))
    }
    attach_coverage(graph, spans)


def page_summary(graph: networkx.MultiDiGraph, path: object) -> str:
    """The line that says a page was written: ``wrote PATH (N nodes, M edges)``."""
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    return f"wrote {path} ({nodes} node{'s' if nodes != 1 else ''}, {edges} edge{'s' if edges != 1 else ''})"
