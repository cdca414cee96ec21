"""kgtool: a knowledge graph of the US–China AI rivalry, and the tool that queries it.

The public API is re-exported here. Importing kgtool is cheap: heavy libraries (rdflib,
pyoxigraph, pyvis, networkx, pyshacl) are imported inside the functions that need them.
"""

from kgtool.engines import Engine, OxigraphEngine, QueryKind, QueryResult, RdflibEngine, open_engine
from kgtool.errors import (
    DataError,
    EngineError,
    EntityNotFoundError,
    ExitCode,
    KgtoolError,
    ParameterError,
    ProjectError,
    QueryError,
    UnsafeQueryError,
)
from kgtool.graph import load_rdflib, load_store
from kgtool.project import Project, find_project

__all__ = [
    "DataError",
    "Engine",
    "EngineError",
    "EntityNotFoundError",
    "ExitCode",
    "KgtoolError",
    "OxigraphEngine",
    "ParameterError",
    "Project",
    "ProjectError",
    "QueryError",
    "QueryKind",
    "QueryResult",
    "RdflibEngine",
    "UnsafeQueryError",
    "find_project",
    "load_rdflib",
    "load_store",
    "open_engine",
]
