"""Helpers shared by the test modules (importable as ``support``: pyproject puts tests/ on the path).

The fixtures in conftest.py wrap these for tests that take them as arguments; module-level
helpers (``run = partial(invoke, "describe")``) and module-scoped fixtures call them directly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from kgtool.cli import cli
from kgtool.engines import OxigraphEngine

REPO = Path(__file__).resolve().parent.parent
#: A small project with registered source texts (tests of source, quote, coverage, conflicts).
SOURCES_FIXTURE = Path(__file__).parent / "sources_fixture"


def invoke(*args: str, stdin: str | None = None) -> Result:
    """Run ``kgtool ARGS`` in-process, stdout and stderr kept apart (``result.stdout``/``stderr``)."""
    return CliRunner().invoke(cli, list(args), input=stdin)


def write_project(
    root: Path,
    ontology: Mapping[str, str] | None = None,
    graph: Mapping[str, str] | None = None,
    queries: Mapping[str, str] | None = None,
) -> Path:
    """A knowledge-graph folder at ``root``: ``ontology/``, ``graph/`` and ``queries/``, each
    holding the given ``{file name: text}`` (UTF-8); returns ``root``."""
    for folder, files in (("ontology", ontology), ("graph", graph), ("queries", queries)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, text in (files or {}).items():
            (root / folder / name).write_text(text, encoding="utf-8")
    return root


def engine_from_turtle(folder: Path, turtle: str, name: str = "data.ttl") -> OxigraphEngine:
    """An in-memory Oxigraph engine over ``turtle``, written to ``folder/name`` first (so errors
    and named graphs carry a real file)."""
    path = folder / name
    path.write_text(turtle, encoding="utf-8")
    return OxigraphEngine.from_files([path])


def sources_project(tmp_path: Path) -> Path:
    """A copy of :data:`SOURCES_FIXTURE` with the real ontology and an empty queries/ folder."""
    root = tmp_path / "kg"
    shutil.copytree(SOURCES_FIXTURE, root)
    shutil.copytree(REPO / "ontology", root / "ontology")
    (root / "queries").mkdir()
    return root


def invoke_in(root: Path, *args: str) -> Result:
    """Run ``kgtool ARGS`` in-process from the folder ``root`` (paths relative to it)."""
    here = Path.cwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(here)
