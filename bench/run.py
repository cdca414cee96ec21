"""Measure kgtool's engines: load time, every saved query, peak memory; and cold CLI queries.

Two measurements, each printing a Markdown table with ratios against the rdflib engine:

``engines`` — every engine runs in its own subprocess (so peak memory is that process's own
``ru_maxrss``): load the project's data, then every saved query with its default parameters
(each query repeated while it takes under a second in total, at most 5 times; the fastest run
counts; a query still running after ``--query-timeout`` seconds is stopped and shown as ``>N``).
Engines: ``rdflib``; ``oxigraph`` in memory; ``store-build`` (a new ``--store`` folder, first
load) and ``store`` (a warm store reopened by a fresh process: no parsing).

``cold`` — the wall time of whole ``kgtool query NAME`` processes, as a user runs them: with
``--engine rdflib`` against a warm ``--store`` (built once beforehand). Median of ``--runs``.

Usage::

    python bench/generate.py --triples 1000000 --out /tmp/kg-1m
    python bench/run.py engines --root /tmp/kg-1m
    python bench/generate.py --copies 50 --out /tmp/kg-50x
    python bench/run.py cold --root /tmp/kg-50x
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ENGINES = ("rdflib", "oxigraph", "store-build", "store")


class QueryTimeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise QueryTimeout


def worker(root: Path, engine_name: str, store: Path | None, query_timeout: int) -> dict[str, Any]:
    """Load and run every saved query in this process; the result as a JSON-ready dict."""
    from kgtool.engines import EngineOptions, open_engine
    from kgtool.project import find_project
    from kgtool.queries import run_query, saved_queries

    project = find_project(root=root)
    engine_option = "rdflib" if engine_name == "rdflib" else "oxigraph"
    options = EngineOptions(
        engine=engine_option, store=store if engine_name.startswith("store") else None
    )
    started = time.perf_counter()
    engine = open_engine(project, options)
    load = time.perf_counter() - started
    signal.signal(signal.SIGALRM, _alarm)
    queries: dict[str, Any] = {}
    for query in saved_queries(project):
        runs: list[float] = []
        rows = None
        try:
            while not runs or (sum(runs) < 1.0 and len(runs) < 5):
                signal.alarm(query_timeout)
                started = time.perf_counter()
                result = run_query(engine, query)
                runs.append(time.perf_counter() - started)
                signal.alarm(0)
                rows = len(result.rows) if result.rows else (len(result.triples) or result.boolean)
            queries[query.name] = {"seconds": min(runs), "rows": rows}
        except QueryTimeout:
            queries[query.name] = {"seconds": None, "timeout": query_timeout}
        finally:
            signal.alarm(0)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine_name, "load": load, "peak_mib": peak_mib, "queries": queries}


def run_worker(root: Path, engine: str, store: Path | None, query_timeout: int) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "worker",
        "--root",
        str(root),
        "--engine",
        engine,
        "--query-timeout",
        str(query_timeout),
    ]
    if store is not None:
        command += ["--store", str(store)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{engine} worker failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.splitlines()[-1])


def _seconds(value: float | None, timeout: int | None = None) -> str:
    if value is None:
        return f">{timeout} s"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or reference is None or reference == 0:
        return "–"
    return f"{value / reference:.3f}x"


def engines_table(results: dict[str, dict[str, Any]], triples: int) -> str:
    """The engines measurement as Markdown: load and memory, then one row per query."""
    names = [e for e in ENGINES if e in results]
    reference = results.get("rdflib")
    lines = [f"Data: {triples:,} triples. Ratios are against rdflib (lower is better).", ""]
    lines.append("| | " + " | ".join(names) + " |")
    lines.append("|---" * (len(names) + 1) + "|")

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    def cell(value: float | None, ref: float | None, formatted: str, name: str) -> str:
        return (
            formatted
            if name == "rdflib" or reference is None
            else f"{formatted} ({_ratio(value, ref)})"
        )

    row(
        "load",
        [
            cell(
                results[n]["load"], reference and reference["load"], _seconds(results[n]["load"]), n
            )
            for n in names
        ],
    )
    row(
        "peak memory",
        [
            cell(
                results[n]["peak_mib"],
                reference and reference["peak_mib"],
                f"{results[n]['peak_mib']:.0f} MiB",
                n,
            )
            for n in names
        ],
    )
    for query in sorted(next(iter(results.values()))["queries"]):
        values = []
        for n in names:
            measured = results[n]["queries"].get(query, {})
            ref = reference["queries"].get(query, {}).get("seconds") if reference else None
            values.append(
                cell(
                    measured.get("seconds"),
                    ref,
                    _seconds(measured.get("seconds"), measured.get("timeout")),
                    n,
                )
            )
        row(f"`{query}`", values)
    worst = {}
    for n in names:
        if n == "rdflib" or reference is None:
            continue
        ratios = [
            results[n]["queries"][q]["seconds"] / reference["queries"][q]["seconds"]
            for q in results[n]["queries"]
            if results[n]["queries"][q].get("seconds")
            and reference["queries"].get(q, {}).get("seconds")
        ]
        worst[n] = max(ratios) if ratios else None
    if worst:
        row(
            "worst query ratio",
            [
                ("–" if n == "rdflib" else f"{worst[n]:.3f}x" if worst.get(n) else "–")
                for n in names
            ],
        )
    return "\n".join(lines)


def count_triples(root: Path) -> int:
    from kgtool.graph import load_store
    from kgtool.project import find_project

    return len(load_store(find_project(root=root).data_files))


def measure_engines(root: Path, engines: list[str], query_timeout: int) -> str:
    results: dict[str, dict[str, Any]] = {}
    store = Path(tempfile.mkdtemp(prefix="kgtool-bench-store-")) / "store"
    try:
        for engine in engines:
            if engine == "store" and "store-build" not in results:
                run_worker(root, "store-build", store, query_timeout)  # the store must be warm
            print(f"running {engine} …", file=sys.stderr)
            results[engine] = run_worker(
                root, engine, store if engine.startswith("store") else None, query_timeout
            )
    finally:
        shutil.rmtree(store.parent, ignore_errors=True)
    return engines_table(results, count_triples(root))


def _wall(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr.decode()[-2000:]}")
    return elapsed


def measure_cold(root: Path, queries: list[str], runs: int) -> str:
    """Whole ``kgtool query`` processes: rdflib engine vs a warm on-disk store."""
    kgtool = [sys.executable, "-m", "kgtool"]
    env = dict(os.environ)
    store = Path(tempfile.mkdtemp(prefix="kgtool-bench-store-")) / "store"
    lines = [
        f"Data: {count_triples(root):,} triples. Wall time of a whole `kgtool query NAME` process (stdout to a pipe: TSV or Turtle), median of {runs} runs.",
        "",
        "| query | `--engine rdflib` | `--store DIR` (warm) | ratio |",
        "|---|---|---|---|",
    ]
    try:
        build = _wall(
            [*kgtool, "query", queries[0], "--root", str(root), "--store", str(store)], env
        )
        print(f"store built in {build:.2f} s", file=sys.stderr)
        for name in queries:
            base = [*kgtool, "query", name, "--root", str(root)]
            rdflib_times, store_times = [], []
            for _ in range(runs):  # alternate, so machine load affects both alike
                rdflib_times.append(_wall([*base, "--engine", "rdflib"], env))
                store_times.append(_wall([*base, "--store", str(store)], env))
            a, b = statistics.median(rdflib_times), statistics.median(store_times)
            lines.append(f"| `{name}` | {a:.2f} s | {b:.3f} s | {b / a:.3f}x |")
            print(lines[-1], file=sys.stderr)
    finally:
        shutil.rmtree(store.parent, ignore_errors=True)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    engines = sub.add_parser("engines", help="load, every saved query and peak memory, per engine")
    engines.add_argument("--root", type=Path, required=True)
    engines.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="comma-separated subset of: " + ", ".join(ENGINES),
    )
    engines.add_argument("--query-timeout", type=int, default=600)
    cold = sub.add_parser("cold", help="whole kgtool query processes: rdflib vs a warm --store")
    cold.add_argument("--root", type=Path, required=True)
    cold.add_argument("--queries", help="comma-separated saved query names (default: all)")
    cold.add_argument("--runs", type=int, default=3)
    work = sub.add_parser("worker", help=argparse.SUPPRESS)
    work.add_argument("--root", type=Path, required=True)
    work.add_argument("--engine", choices=ENGINES, required=True)
    work.add_argument("--store", type=Path)
    work.add_argument("--query-timeout", type=int, default=600)
    args = parser.parse_args(argv)
    if args.command == "worker":
        print(json.dumps(worker(args.root, args.engine, args.store, args.query_timeout)))
    elif args.command == "engines":
        print(measure_engines(args.root, args.engines.split(","), args.query_timeout))
    else:
        names = (
            args.queries.split(",")
            if args.queries
            else sorted(p.stem for p in (args.root / "queries").glob("*.rq"))
        )
        print(measure_cold(args.root, names, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
