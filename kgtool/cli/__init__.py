"""Command-line interface. Each sibling module registers its commands on :data:`cli`."""

from kgtool.cli import (
    check,  # noqa: F401  (validate, describe, stats)
    edit,  # noqa: F401  (new, fmt, diff)
    export,  # noqa: F401  (export, store status, store rebuild)
    query,  # noqa: F401  (queries, query, sparql)
    sources,  # noqa: F401  (source add, quote, coverage, conflicts)
    view,  # noqa: F401  (view, analyze, path, neighbors, communities)
)
from kgtool.cli.base import cli, main

__all__ = ["cli", "main"]
