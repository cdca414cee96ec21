"""Shared fixtures. With CI=true a skipped test fails the run: a skip is not a pass.

The helpers behind them live in tests/support.py (``invoke`` runs the CLI in-process,
``write_project`` and ``engine_from_turtle`` for module-scoped fixtures).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from support import engine_from_turtle, write_project

from kgtool.engines import OxigraphEngine

REPO = Path(__file__).resolve().parent.parent

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") == "true" and _skipped:
        print(
            f"\nCI=true: {len(_skipped)} test(s) were skipped, which fails the run: {_skipped[:5]}"
        )
        session.exitstatus = 1


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root, which is also the bundled knowledge-graph folder."""
    return REPO


@pytest.fixture
def project_factory(tmp_path: Path) -> Callable[..., Path]:
    """Make a temporary project: ``project_factory(ontology={...}, graph={...}, queries={...})``
    with ``{file name: text}`` per folder; ``name=`` sets the folder under ``tmp_path`` ("kg")."""

    def make(name: str = "kg", **folders: dict[str, str]) -> Path:
        return write_project(tmp_path / name, **folders)

    return make


@pytest.fixture
def turtle_engine(tmp_path: Path) -> Callable[..., OxigraphEngine]:
    """``turtle_engine(TEXT, name="data.ttl")``: an Oxigraph engine over TEXT (a file in tmp_path)."""

    def make(turtle: str, name: str = "data.ttl") -> OxigraphEngine:
        return engine_from_turtle(tmp_path, turtle, name)

    return make
