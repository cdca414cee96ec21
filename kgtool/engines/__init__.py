"""Query engines behind one interface.

=================  ==============================================================================
``base``           result terms, :class:`QueryResult`, the :class:`Engine` protocol, options
``registry``       engine name → ``"module:Class"`` (imported on first use), :func:`open_engine`
``oxigraph``       pyoxigraph in memory
``rdflib``         rdflib's SPARQL engine, and rdflib ↔ pyoxigraph term conversion
``endpoint``       a remote SPARQL 1.1 endpoint over HTTP
``store``          a persistent Oxigraph store on disk that reloads only changed files
=================  ==============================================================================

The names below are re-exported from those modules, each imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgtool.engines.base import (
        Engine,
        EngineOptions,
        QuadSource,
        QueryKind,
        QueryResult,
        QueryStream,
        RowLimit,
        StoreObserver,
        Term,
    )
    from kgtool.engines.endpoint import EndpointEngine
    from kgtool.engines.oxigraph import OxigraphEngine
    from kgtool.engines.rdflib import RdflibEngine, to_oxigraph, to_rdflib
    from kgtool.engines.registry import ENGINE_NAMES, engine_class, open_engine
    from kgtool.engines.store import StoreEngine, open_store

_EXPORTS: dict[str, str] = {
    "Engine": "kgtool.engines.base",
    "EngineOptions": "kgtool.engines.base",
    "QuadSource": "kgtool.engines.base",
    "QueryKind": "kgtool.engines.base",
    "QueryResult": "kgtool.engines.base",
    "QueryStream": "kgtool.engines.base",
    "RowLimit": "kgtool.engines.base",
    "StoreObserver": "kgtool.engines.base",
    "Term": "kgtool.engines.base",
    "EndpointEngine": "kgtool.engines.endpoint",
    "OxigraphEngine": "kgtool.engines.oxigraph",
    "RdflibEngine": "kgtool.engines.rdflib",
    "to_oxigraph": "kgtool.engines.rdflib",
    "to_rdflib": "kgtool.engines.rdflib",
    "ENGINE_NAMES": "kgtool.engines.registry",
    "engine_class": "kgtool.engines.registry",
    "open_engine": "kgtool.engines.registry",
    "StoreEngine": "kgtool.engines.store",
    "open_store": "kgtool.engines.store",
}

__all__ = [
    "Engine",
    "EngineOptions",
    "QuadSource",
    "QueryKind",
    "QueryResult",
    "QueryStream",
    "RowLimit",
    "StoreObserver",
    "Term",
    "EndpointEngine",
    "OxigraphEngine",
    "RdflibEngine",
    "to_oxigraph",
    "to_rdflib",
    "ENGINE_NAMES",
    "engine_class",
    "open_engine",
    "StoreEngine",
    "open_store",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kgtool.engines' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
