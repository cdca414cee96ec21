"""Shared fixtures. With CI=true a skipped test fails the run: a skip is not a pass."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
