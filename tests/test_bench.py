"""Smoke tests of the benchmark scripts: each runs with ``--quick`` and prints its table.

These check that the scripts work (exit 0, a table with the expected rows); they assert no
timing: benchmarks are scripts that print figures, never timed tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench(*arguments: str) -> str:
    """Run a benchmark script; its stdout. Fails with its stderr when it exits non-zero."""
    done = subprocess.run(
        [sys.executable, *arguments], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project of about 10,000 triples, shared by the run.py smoke tests."""
    root = tmp_path_factory.mktemp("bench") / "kg"
    bench(str(BENCH / "generate.py"), "--triples", "10000", "--out", str(root))
    return root


def test_run_build_quick(small_project: Path) -> None:
    out = bench(str(BENCH / "run.py"), "build", "--quick", "--root", str(small_project))
    assert "| kgtool first `--store` build |" in out
    assert "| `oxigraph load`, one call, default graph |" in out
    assert "| kgtool `--store` (warm) |" in out
    assert "| kgtool's check of the data files against the manifest (`plan_sync`) |" in out
    assert "Jena TDB2: not measured" in out  # --quick leaves Jena out


def test_run_store_queries_quick(small_project: Path) -> None:
    out = bench(str(BENCH / "run.py"), "store-queries", "--quick", "--root", str(small_project))
    names = sorted(p.stem for p in (small_project / "queries").glob("*.rq"))
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == names
    assert "| worst |" in out


def test_run_rdflib_quick(small_project: Path) -> None:
    out = bench(str(BENCH / "run.py"), "rdflib", "--quick", "--root", str(small_project))
    assert "| plain rdflib" in out and "| kgtool `--engine rdflib` |" in out


def test_startup_quick() -> None:
    # --before: here this same checkout, measured again as "before".
    out = bench(str(BENCH / "startup.py"), "--quick", "--before", str(BENCH.parent))
    for row in (
        "import click",
        "floor query",
        "kgtool query training-costs",
        "kgtool query training-costs, before",
        "kgtool --help",
        "kgtool --help, before",
    ):
        assert f"| `{row}` |" in out
    assert "PYTHONDONTWRITEBYTECODE=1" in out


def test_views_quick() -> None:
    out = bench(str(BENCH / "views.py"), "--quick")
    lines = out.splitlines()
    assert lines[0].split() == ["nodes", "edges", "layout", "s", "build", "s", "pyvis", "s",
                                "ratio", "size", "MB", "ready", "s", "search", "ms", "pan", "ms",
                                "zoom", "ms", "redraw", "ms"]  # fmt: skip
    assert [line.split()[0] for line in lines[1:]] == ["300", "1000"]
