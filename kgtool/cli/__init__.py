"""Command-line interface: the ``kgtool`` group (:mod:`kgtool.cli.base`), shared options
(:mod:`kgtool.cli.options`) and one module per family of commands, each imported only when one
of its commands runs (see :data:`kgtool.cli.base.COMMANDS`)."""

from kgtool.cli.base import cli, main

__all__ = ["cli", "main"]
