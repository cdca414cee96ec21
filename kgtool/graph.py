"""Moved to :mod:`kgtool.rdf.load`; this name stays importable for one release."""

from kgtool.rdf.load import (
    check_not_empty,
    graph_name,
    load_rdflib,
    load_store,
    oxigraph_format,
    parse_error,
)

__all__ = [
    "check_not_empty",
    "graph_name",
    "load_rdflib",
    "load_store",
    "oxigraph_format",
    "parse_error",
]
