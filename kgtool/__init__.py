"""kgtool: a knowledge graph of the US–China AI rivalry, and the tool that queries it.

The public API is re-exported here. Importing kgtool is cheap: the names below are imported
on first use (PEP 562), and heavy libraries (rdflib, pyoxigraph, pyvis, networkx, pyshacl) only
inside the functions that need them — every command's start-up pays for what it uses only.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real imports, for type checkers and editors
    from kgtool.analysis import centrality, communities, neighbors, shortest_paths
    from kgtool.describe import Description, describe
    from kgtool.diff import GraphDiff, compare
    from kgtool.engines.base import Engine, EngineOptions, QueryKind, QueryResult
    from kgtool.engines.endpoint import EndpointEngine
    from kgtool.engines.oxigraph import OxigraphEngine
    from kgtool.engines.rdflib import RdflibEngine
    from kgtool.engines.registry import open_engine
    from kgtool.engines.store import StoreEngine, open_store
    from kgtool.errors import (
        DataError,
        EngineError,
        EntityNotFoundError,
        ExitCode,
        FormatError,
        KgtoolError,
        ParameterError,
        ProjectError,
        QueryError,
        UnsafeQueryError,
    )
    from kgtool.export import ExportFormat, export_bytes
    from kgtool.graph import load_rdflib, load_store
    from kgtool.network import ProjectionOptions, project_graph
    from kgtool.output import OutputFormat, format_result
    from kgtool.project import Project, find_project
    from kgtool.queries import Parameter, ParamType, SavedQuery, find_saved_query, run_query
    from kgtool.rdf.sparql import PreparedQuery
    from kgtool.render import RenderOptions, render_html
    from kgtool.scaffold import Stub, claim_stub, entity_stub
    from kgtool.stats import Stats, compute_stats
    from kgtool.turtle_format import FormatResult, format_paths, format_turtle
    from kgtool.validation import Finding, Severity, ValidationReport, validate

#: Public name → the module that defines it; add a line here to export a new name.
_EXPORTS: dict[str, str] = {
    "DataError": "kgtool.errors",
    "Description": "kgtool.describe",
    "Engine": "kgtool.engines.base",
    "EngineError": "kgtool.errors",
    "EntityNotFoundError": "kgtool.errors",
    "ExitCode": "kgtool.errors",
    "Finding": "kgtool.validation",
    "FormatError": "kgtool.errors",
    "FormatResult": "kgtool.turtle_format",
    "GraphDiff": "kgtool.diff",
    "KgtoolError": "kgtool.errors",
    "OutputFormat": "kgtool.output",
    "OxigraphEngine": "kgtool.engines.oxigraph",
    "ParamType": "kgtool.queries",
    "Parameter": "kgtool.queries",
    "ParameterError": "kgtool.errors",
    "Project": "kgtool.project",
    "ProjectError": "kgtool.errors",
    "QueryError": "kgtool.errors",
    "QueryKind": "kgtool.engines.base",
    "QueryResult": "kgtool.engines.base",
    "PreparedQuery": "kgtool.rdf.sparql",
    "RdflibEngine": "kgtool.engines.rdflib",
    "SavedQuery": "kgtool.queries",
    "Severity": "kgtool.validation",
    "Stats": "kgtool.stats",
    "Stub": "kgtool.scaffold",
    "UnsafeQueryError": "kgtool.errors",
    "ValidationReport": "kgtool.validation",
    "claim_stub": "kgtool.scaffold",
    "compare": "kgtool.diff",
    "compute_stats": "kgtool.stats",
    "describe": "kgtool.describe",
    "entity_stub": "kgtool.scaffold",
    "find_project": "kgtool.project",
    "find_saved_query": "kgtool.queries",
    "format_paths": "kgtool.turtle_format",
    "format_turtle": "kgtool.turtle_format",
    "load_rdflib": "kgtool.graph",
    "load_store": "kgtool.graph",
    "open_engine": "kgtool.engines.registry",
    "format_result": "kgtool.output",
    "run_query": "kgtool.queries",
    "validate": "kgtool.validation",
    "ProjectionOptions": "kgtool.network",
    "project_graph": "kgtool.network",
    "RenderOptions": "kgtool.render",
    "render_html": "kgtool.render",
    "centrality": "kgtool.analysis",
    "communities": "kgtool.analysis",
    "neighbors": "kgtool.analysis",
    "shortest_paths": "kgtool.analysis",
    "EngineOptions": "kgtool.engines.base",
    "EndpointEngine": "kgtool.engines.endpoint",
    "ExportFormat": "kgtool.export",
    "export_bytes": "kgtool.export",
    "StoreEngine": "kgtool.engines.store",
    "open_store": "kgtool.engines.store",
}

__all__ = [
    "DataError",
    "Description",
    "Engine",
    "EngineError",
    "EntityNotFoundError",
    "ExitCode",
    "Finding",
    "FormatError",
    "FormatResult",
    "GraphDiff",
    "KgtoolError",
    "OutputFormat",
    "OxigraphEngine",
    "ParamType",
    "Parameter",
    "ParameterError",
    "Project",
    "ProjectError",
    "QueryError",
    "QueryKind",
    "QueryResult",
    "PreparedQuery",
    "RdflibEngine",
    "SavedQuery",
    "Severity",
    "Stats",
    "Stub",
    "UnsafeQueryError",
    "ValidationReport",
    "claim_stub",
    "compare",
    "compute_stats",
    "describe",
    "entity_stub",
    "find_project",
    "find_saved_query",
    "format_paths",
    "format_turtle",
    "load_rdflib",
    "load_store",
    "open_engine",
    "format_result",
    "run_query",
    "validate",
    "ProjectionOptions",
    "project_graph",
    "RenderOptions",
    "render_html",
    "centrality",
    "communities",
    "neighbors",
    "shortest_paths",
    "EngineOptions",
    "EndpointEngine",
    "ExportFormat",
    "export_bytes",
    "StoreEngine",
    "open_store",
]


def __getattr__(name: str) -> Any:
    """Import an exported name on first use (``kgtool.validate``, ``from kgtool import run_query``)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kgtool' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
