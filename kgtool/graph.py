"""Moved to :mod:`kgtool.rdf.load`; this name stays importable for one release."""

from kgtool.rdf.load import (
    graph_name,
    load_rdflib,
    load_store,
    oxigraph_format,
    parse_error,
)

__all__ = [
    "graph_name",
    "load_rdflib",
    "load_store",
    "oxigraph_format",
    "parse_error",
]
