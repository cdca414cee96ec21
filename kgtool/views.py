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
from kgtool.network import project_result
from kgtool.queries import SavedQuery, run_query

if TYPE_CHECKING:
    import networkx

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


def query_network(
    engine: Engine, query: SavedQuery, values: Mapping[str, str], lang: str = "en"
) -> networkx.MultiDiGraph:
    """Run a drawable query and project its result onto the entity network.

    :raises ParameterError: for unknown, missing or invalid parameters.
    :raises QueryError: when the result cannot be drawn.
    """
    return project_result(engine, run_query(engine, query, values, lang))


def page_summary(graph: networkx.MultiDiGraph, path: object) -> str:
    """The line that says a page was written: ``wrote PATH (N nodes, M edges)``."""
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    return f"wrote {path} ({nodes} node{'s' if nodes != 1 else ''}, {edges} edge{'s' if edges != 1 else ''})"
