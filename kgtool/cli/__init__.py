"""Command-line interface. Each sibling module registers its commands on :data:`cli`."""

from kgtool.cli.base import cli, main

__all__ = ["cli", "main"]
