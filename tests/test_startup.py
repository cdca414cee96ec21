"""`kgtool --help` must stay fast: it may not import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kgtool.cli import cli

HEAVY = ("rdflib", "pyoxigraph", "pyvis", "networkx", "pyshacl", "yaml", "jinja2")

COMMAND_HELP = [[name, "--help"] for name in sorted(cli.commands)]


@pytest.mark.parametrize("args", [["--help"], ["--version"], *COMMAND_HELP])
def test_help_imports_no_heavy_module(args: list[str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kgtool", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines() if "|" in line
    }
    top_level = {name.split(".")[0] for name in imported}
    assert completed.stdout.startswith(("Usage: kgtool", "kgtool, version"))
    assert top_level.isdisjoint(HEAVY), sorted(top_level & set(HEAVY))
