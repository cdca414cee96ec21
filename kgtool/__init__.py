"""kgtool: a knowledge graph of the US–China AI rivalry, and the tool that queries it.

The public API is re-exported here. Importing kgtool is cheap: the names below are imported
on first use (PEP 562), and heavy libraries (rdflib, pyoxigraph, pyvis, networkx, pyshacl) only
inside the functions that need them — every command's start-up pays for what it uses only.

>>> import kgtool
>>> kgtool.ENGINE_NAMES
('auto', 'oxigraph', 'rdflib')
>>> sorted(kgtool.__all__) == sorted(_EXPORTS) and all(getattr(kgtool, n) for n in __all__)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real imports, for type checkers and editors
    from kgtool.analysis import centrality, communities, neighbors, shortest_paths
    from kgtool.conflicts import find_conflicts
    from kgtool.coverage import coverage
    from kgtool.describe import Description, describe
    from kgtool.diff import GraphDiff, compare
    from kgtool.engines.base import Engine, EngineOptions, QueryKind, QueryResult
    from kgtool.engines.endpoint import EndpointEngine
    from kgtool.engines.oxigraph import OxigraphEngine
    from kgtool.engines.rdflib import RdflibEngine
    from kgtool.engines.registry import ENGINE_NAMES, engine_class, open_engine
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
    from kgtool.fileio import write_atomic
    from kgtool.network import ProjectionOptions, project_graph
    from kgtool.output import OutputFormat, format_result
    from kgtool.project import Project, find_project
    from kgtool.queries import Parameter, ParamType, SavedQuery, find_saved_query, run_query
    from kgtool.rdf.load import load_rdflib, load_store
    from kgtool.rdf.sparql import PreparedQuery
    from kgtool.render import RenderOptions, render_html
    from kgtool.scaffold import Stub, claim_stub, entity_stub
    from kgtool.sentences import split_sentences
    from kgtool.sources import add_source, find_quote
    from kgtool.stats import Stats, compute_stats
    from kgtool.turtle_format import FormatResult, format_paths, format_turtle
    from kgtool.validation import Finding, Severity, ValidationReport, validate

#: Public name → the module that defines it; add a line here (and to ``__all__``) to export a name.
_EXPORTS: dict[str, str] = {
    "centrality": "kgtool.analysis",
    "communities": "kgtool.analysis",
    "neighbors": "kgtool.analysis",
    "shortest_paths": "kgtool.analysis",
    "find_conflicts": "kgtool.conflicts",
    "coverage": "kgtool.coverage",
    "Description": "kgtool.describe",
    "describe": "kgtool.describe",
    "GraphDiff": "kgtool.diff",
    "compare": "kgtool.diff",
    "Engine": "kgtool.engines.base",
    "EngineOptions": "kgtool.engines.base",
    "QueryKind": "kgtool.engines.base",
    "QueryResult": "kgtool.engines.base",
    "EndpointEngine": "kgtool.engines.endpoint",
    "OxigraphEngine": "kgtool.engines.oxigraph",
    "RdflibEngine": "kgtool.engines.rdflib",
    "ENGINE_NAMES": "kgtool.engines.registry",
    "engine_class": "kgtool.engines.registry",
    "open_engine": "kgtool.engines.registry",
    "StoreEngine": "kgtool.engines.store",
    "open_store": "kgtool.engines.store",
    "DataError": "kgtool.errors",
    "EngineError": "kgtool.errors",
    "EntityNotFoundError": "kgtool.errors",
    "ExitCode": "kgtool.errors",
    "FormatError": "kgtool.errors",
    "KgtoolError": "kgtool.errors",
    "ParameterError": "kgtool.errors",
    "ProjectError": "kgtool.errors",
    "QueryError": "kgtool.errors",
    "UnsafeQueryError": "kgtool.errors",
    "ExportFormat": "kgtool.export",
    "export_bytes": "kgtool.export",
    "write_atomic": "kgtool.fileio",
    "ProjectionOptions": "kgtool.network",
    "project_graph": "kgtool.network",
    "OutputFormat": "kgtool.output",
    "format_result": "kgtool.output",
    "Project": "kgtool.project",
    "find_project": "kgtool.project",
    "ParamType": "kgtool.queries",
    "Parameter": "kgtool.queries",
    "SavedQuery": "kgtool.queries",
    "find_saved_query": "kgtool.queries",
    "run_query": "kgtool.queries",
    "load_rdflib": "kgtool.rdf.load",
    "load_store": "kgtool.rdf.load",
    "PreparedQuery": "kgtool.rdf.sparql",
    "RenderOptions": "kgtool.render",
    "render_html": "kgtool.render",
    "Stub": "kgtool.scaffold",
    "claim_stub": "kgtool.scaffold",
    "entity_stub": "kgtool.scaffold",
    "split_sentences": "kgtool.sentences",
    "add_source": "kgtool.sources",
    "find_quote": "kgtool.sources",
    "Stats": "kgtool.stats",
    "compute_stats": "kgtool.stats",
    "FormatResult": "kgtool.turtle_format",
    "format_paths": "kgtool.turtle_format",
    "format_turtle": "kgtool.turtle_format",
    "Finding": "kgtool.validation",
    "Severity": "kgtool.validation",
    "ValidationReport": "kgtool.validation",
    "validate": "kgtool.validation",
}

__all__ = [
    "DataError",
    "Description",
    "ENGINE_NAMES",
    "EndpointEngine",
    "Engine",
    "EngineError",
    "EngineOptions",
    "EntityNotFoundError",
    "ExitCode",
    "ExportFormat",
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
    "PreparedQuery",
    "Project",
    "ProjectError",
    "ProjectionOptions",
    "QueryError",
    "QueryKind",
    "QueryResult",
    "RdflibEngine",
    "RenderOptions",
    "SavedQuery",
    "Severity",
    "Stats",
    "StoreEngine",
    "Stub",
    "UnsafeQueryError",
    "ValidationReport",
    "add_source",
    "centrality",
    "claim_stub",
    "communities",
    "compare",
    "compute_stats",
    "coverage",
    "describe",
    "engine_class",
    "entity_stub",
    "export_bytes",
    "find_conflicts",
    "find_project",
    "find_quote",
    "find_saved_query",
    "format_paths",
    "format_result",
    "format_turtle",
    "load_rdflib",
    "load_store",
    "neighbors",
    "open_engine",
    "open_store",
    "project_graph",
    "render_html",
    "run_query",
    "shortest_paths",
    "split_sentences",
    "validate",
    "write_atomic",
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
