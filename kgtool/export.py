"""Exporting the knowledge graph for bulk-loading elsewhere: Turtle, N-Triples, N-Quads,
JSON-LD and GraphML.

The RDF formats carry every statement the engine holds. Turtle, N-Triples and JSON-LD hold the
union of all files (each statement once); N-Quads keeps each file's named graph (its ``file:``
IRI, see :func:`kgtool.graph.graph_name`). Blank nodes are canonicalised (RDFC-1.0) and
statements sorted, so exporting the same data twice gives the same bytes. GraphML holds the
entity network of :func:`kgtool.network.project_graph` (claims folded onto nodes and edges), for
graph tools such as Gephi, yEd or networkx; list and record attributes become JSON strings.

Writing a file is :func:`kgtool.fileio.write_atomic`'s job (``kgtool export -o``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from kgtool.engines.base import QuadSource
from kgtool.errors import EngineError, FormatError
from kgtool.rdf.serialize import turtle_with_prefixes

if TYPE_CHECKING:
    import networkx
    import pyoxigraph

    from kgtool.engines import Engine


class ExportFormat(str, Enum):
    """The formats of ``kgtool export --format``. ``ttl`` is accepted for ``turtle``.

    >>> ExportFormat("ttl") is ExportFormat.TURTLE is ExportFormat.TTL
    True
    """

    TURTLE = "turtle"
    TTL = "turtle"  # the older name, kept as an alias
    NT = "nt"
    NQ = "nq"
    JSONLD = "jsonld"
    GRAPHML = "graphml"

    @classmethod
    def _missing_(cls, value: object) -> ExportFormat | None:
        return cls.TURTLE if value == "ttl" else None


#: Every format name, for ``--format``.
FORMAT_NAMES = tuple(f.value for f in ExportFormat)


def engine_quads(engine: Engine) -> list[pyoxigraph.Quad]:
    """Every statement the engine holds, with its named graph where the engine keeps one.

    Each engine says how in its ``quads()`` (Oxigraph and rdflib give their quads; a remote
    endpoint the triples of its default graph), so no named graph is silently lost.

    :raises EngineError: when the engine cannot be read, or cannot list its statements.
    """
    if not isinstance(engine, QuadSource):
        raise EngineError(
            f"the {engine.name} engine cannot list its statements, so it cannot be exported",
            hint="give the engine a quads() method, or export with --engine oxigraph",
        )
    return engine.quads()


def _canonical(quads: list[pyoxigraph.Quad], keep_graphs: bool) -> list[pyoxigraph.Quad]:
    """Quads with canonical blank-node labels, without duplicates, sorted."""
    import pyoxigraph

    if not keep_graphs:
        quads = [pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads]
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(
        dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )


def _graphml_value(value: Any) -> Any:
    """A GraphML-compatible attribute value: scalars stay, lists and records become JSON text."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if value is None:
        return ""
    return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=False)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def graphml_network(engine: Engine) -> networkx.MultiDiGraph:
    """The entity network (see :mod:`kgtool.network`) with GraphML-compatible attributes."""
    import networkx

    # Imported here: `kgtool --help` imports this module, and the network module is heavy.
    from kgtool.network import project_graph

    projected = project_graph(engine)
    network = networkx.MultiDiGraph()
    for node, attributes in projected.nodes(data=True):
        network.add_node(node, **{k: _graphml_value(v) for k, v in sorted(attributes.items())})
    for source, target, key, attributes in projected.edges(keys=True, data=True):
        network.add_edge(
            source, target, key=key, **{k: _graphml_value(v) for k, v in sorted(attributes.items())}
        )
    return network


def export_bytes(engine: Engine, export_format: ExportFormat | str) -> bytes:
    """The engine's data serialised in ``export_format``.

    :raises FormatError: for an unknown format. :raises KgtoolError: when the engine fails.

    >>> import pyoxigraph
    >>> from kgtool.engines import OxigraphEngine
    >>> store = pyoxigraph.Store()
    >>> store.load(b'<urn:a> <urn:p> [ <urn:q> "x" ] .', format=pyoxigraph.RdfFormat.TURTLE)
    >>> print(export_bytes(OxigraphEngine(store), "nt").decode(), end="")
    <urn:a> <urn:p> _:c14n0 .
    _:c14n0 <urn:q> "x" .
    """
    import pyoxigraph

    try:
        chosen = ExportFormat(export_format)
    except ValueError:
        raise FormatError(
            f"unknown export format {export_format!r}",
            hint="choose one of: " + ", ".join(FORMAT_NAMES),
        ) from None
    if chosen is ExportFormat.GRAPHML:
        import io

        import networkx

        buffer = io.BytesIO()
        networkx.write_graphml(graphml_network(engine), buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    quads = _canonical(engine_quads(engine), keep_graphs=chosen is ExportFormat.NQ)
    if chosen is ExportFormat.TURTLE:
        return turtle_with_prefixes([q.triple for q in quads]).encode("utf-8")
    if chosen is ExportFormat.NQ:
        return _serialized(quads, pyoxigraph.RdfFormat.N_QUADS)
    if chosen is ExportFormat.NT:
        return _serialized([q.triple for q in quads], pyoxigraph.RdfFormat.N_TRIPLES)
    content = _serialized([q.triple for q in quads], pyoxigraph.RdfFormat.JSON_LD)
    return content if content.endswith(b"\n") else content + b"\n"


def _serialized(
    statements: Sequence[pyoxigraph.Quad] | Sequence[pyoxigraph.Triple],
    rdf_format: pyoxigraph.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """pyoxigraph's serialisation as bytes (written to a buffer: its return value is optional)."""
    import io

    import pyoxigraph

    buffer = io.BytesIO()
    pyoxigraph.serialize(statements, buffer, format=rdf_format, prefixes=prefixes)
    return buffer.getvalue()
