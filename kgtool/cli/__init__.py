"""Command-line interface. Each sibling module registers its commands on :data:`cli`."""

from kgtool.cli.base import cli, main
from kgtool.cli import check  # noqa: F401  (validate, describe, stats)
from kgtool.cli import query  # noqa: F401  (queries, query, sparql)
from kgtool.cli import export  # noqa: F401  (export, store status, store rebuild)
from kgtool.cli import edit  # noqa: F401  (new, fmt, diff)
from kgtool.cli import view  # noqa: F401  (view, analyze, path, neighbors, communities)

__all__ = ["cli", "main"]
