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

``build`` — the first ``--store`` build (a whole ``kgtool query`` process) against the
``oxigraph load`` CLI (pyoxigraph's ``oxigraph`` package) on the same files, once in one call
into the default graph and once per file into the file's named graph (kgtool's layout), and
Jena TDB2's ``tdb2.tdbloader`` when Debian's ``libapache-jena-java`` is installed; then a warm
open (a fresh process, nothing parsed) against a script that only opens the store read-only and
runs the same query; and kgtool's check of the data files (size and mtime, hashing only what
they cannot vouch for) against hashing every file.

``store-queries`` — every saved query on a warm ``--store`` against kgtool's in-memory engine
(its whole load plus the query: what a user without a store waits for) and Jena TDB2
(``tdb2.tdbquery --time`` on a TDB2 database of the same files, when Jena is installed).

``rdflib`` — ``--engine rdflib``'s load (CPU seconds and peak memory of its own process) against
a plain rdflib load of the same files into one ``Dataset``.

Jena: Debian's ``libapache-jena-java`` 4.5 fails at start-up because its shaded xerces message
bundles sit under ``org/apache/jena/ext/xerces/…`` instead of ``xerces/impl/…``; the script
copies them to the expected path in a small jar in a temporary folder, put first on the class
path. Without the package (``apt-get install libapache-jena-java``) the Jena columns say so.

Without ``--root``, ``build``, ``store-queries`` and ``rdflib`` generate their data into a
temporary folder with ``bench/generate.py`` (``--triples``, default 1,000,000; ``--quick``:
10,000 triples, a smoke test for CI that finishes in well under a minute).

Usage::

    python bench/generate.py --triples 1000000 --out /tmp/kg-1m
    python bench/run.py engines --root /tmp/kg-1m
    python bench/generate.py --copies 50 --out /tmp/kg-50x
    python bench/run.py cold --root /tmp/kg-50x
    python bench/run.py build --root /tmp/kg-1m
    python bench/run.py store-queries --root /tmp/kg-1m
    python bench/run.py rdflib --root /tmp/kg-1m
    python bench/run.py build --quick
"""

from __future__ import annotations

import argparse
import contextlib
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
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ENGINES = ("rdflib", "oxigraph", "store-build", "store")
JAVA = Path("/usr/share/java")
JENA_JARS = [
    *(f"jena-{name}" for name in (
        "arq", "base", "cmds", "core", "dboe-base", "dboe-index", "dboe-storage",
        "dboe-trans-data", "dboe-transaction", "iri", "tdb2", "rdfconnection",
    )),
    "slf4j-api", "slf4j-nop", "commons-io", "commons-lang3", "commons-codec", "commons-compress",
    "commons-csv", "commons-cli", "dexx.collection", "thrift", "protobuf", "gson", "jsonld-java",
    "titanium-json-ld", "jakarta.json-api", "jackson-core", "jackson-databind",
    "jackson-annotations", "httpclient", "httpcore", "guava",
]  # fmt: skip


class QueryTimeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise QueryTimeout


def worker(
    root: Path,
    engine_name: str,
    store: Path | None,
    query_timeout: int,
    queries_too: bool = True,
    only: str | None = None,
) -> dict[str, Any]:
    """Load and run every saved query in this process; the result as a JSON-ready dict."""
    from kgtool.engines import EngineOptions, open_engine
    from kgtool.project import find_project
    from kgtool.queries import run_query, saved_queries

    project = find_project(root=root)
    if engine_name == "rdflib-plain":
        return plain_rdflib(project.data_files)
    engine_option = "rdflib" if engine_name == "rdflib" else "oxigraph"
    options = EngineOptions(
        engine=engine_option, store=store if engine_name.startswith("store") else None
    )
    started = time.perf_counter()
    engine = open_engine(project, options)
    load = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    texts: dict[str, str] = {}
    engine = _Recorder(engine, texts)
    signal.signal(signal.SIGALRM, _alarm)
    queries: dict[str, Any] = {}
    for query in saved_queries(project) if queries_too else []:
        if only is not None and query.name != only:
            continue
        runs: list[float] = []
        rows = None
        try:
            while not runs or (sum(runs) < 1.0 and len(runs) < 5):
                signal.alarm(query_timeout)
                started = time.perf_counter()
                result = run_query(engine, query)  # type: ignore[arg-type]
                runs.append(time.perf_counter() - started)
                signal.alarm(0)
                rows = len(result.rows) if result.rows else (len(result.triples) or result.boolean)
            queries[query.name] = {"seconds": min(runs), "rows": rows, "text": texts["last"]}
        except QueryTimeout:
            queries[query.name] = {"seconds": None, "timeout": query_timeout}
        finally:
            signal.alarm(0)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine_name,
        "load": load,
        "load_cpu": cpu,
        "peak_mib": peak_mib,
        "queries": queries,
    }


class _Recorder:
    """An engine wrapper that keeps the text of the last query with its parameters inlined."""

    def __init__(self, engine: Any, texts: dict[str, str]) -> None:
        self._engine, self._texts = engine, texts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def _record(self, sparql: Any, bindings: Any) -> None:
        from kgtool.rdf.sparql import inline_bindings

        self._texts["last"] = inline_bindings(sparql, bindings or {})

    def query(self, sparql: Any, bindings: Any = None) -> Any:
        self._record(sparql, bindings)
        return self._engine.query(sparql, bindings)

    def stream(self, sparql: Any, bindings: Any = None) -> Any:
        self._record(sparql, bindings)
        return self._engine.stream(sparql, bindings)


def plain_rdflib(files: list[Path]) -> dict[str, Any]:
    """A plain rdflib load of ``files``, each into its own graph of one Dataset: the floor."""
    import rdflib

    from kgtool.project import RDF_SUFFIXES
    from kgtool.rdf.load import graph_name

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    for path in files:
        dataset.graph(rdflib.URIRef(graph_name(path))).parse(
            str(path), format=RDF_SUFFIXES[path.suffix.lower()]
        )
    load = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "engine": "rdflib-plain",
        "load": load,
        "load_cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "triples": len(dataset),
        "queries": {},
    }


def run_worker(
    root: Path,
    engine: str,
    store: Path | None,
    query_timeout: int,
    queries: bool = True,
    only: str | None = None,
) -> dict[str, Any]:
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
        *(["--no-queries"] if not queries else []),
        *(["--only", only] if only else []),
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
    from kgtool.project import find_project
    from kgtool.rdf.load import load_store

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


@contextlib.contextmanager
def project_root(root: Path | None, triples: int) -> Iterator[Path]:
    """``root``, or a temporary project of about ``triples`` triples from bench/generate.py."""
    if root is not None:
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="kgtool-bench-data-") as folder:
        print(f"generating {triples:,} triples …", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("generate.py")), "--triples",
             str(triples), "--out", folder],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        yield Path(folder)


def jena_classpath(folder: Path) -> str | None:
    """Debian's Jena 4.5 class path with the xerces message bundles fixed, or ``None``."""
    jars = [JAVA / f"{name}.jar" for name in JENA_JARS]
    if not shutil.which("java") or not all(jar.exists() for jar in jars):
        return None
    fix = folder / "jena-xerces-bundles.jar"
    prefix = "org/apache/jena/ext/"
    with zipfile.ZipFile(JAVA / "jena-core.jar") as core, zipfile.ZipFile(fix, "w") as out:
        for name in core.namelist():
            if name.startswith(prefix + "xerces/") and name.endswith(".properties"):
                out.writestr(name[len(prefix) :], core.read(name))
    return ":".join(str(p) for p in [fix, *jars])


def jena(classpath: str, tool: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a Jena command-line tool (``tdb2.tdbloader``, ``tdb2.tdbquery``); fails loudly."""
    done = subprocess.run(
        ["java", "-Xmx4g", "-cp", classpath, tool, *arguments],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{tool} failed:\n{done.stderr[-2000:]}")
    return done


JENA_MISSING = (
    "Jena TDB2: not measured (`--no-jena`, `--quick`, or no `java` or `libapache-jena-java`)."
)


def measure_build(root: Path, use_jena: bool = True) -> str:
    """The first --store build and a warm open, against oxigraph load, Jena TDB2 and a floor."""
    from kgtool.project import find_project
    from kgtool.rdf.load import graph_name
    from kgtool.store import file_sha256, plan_sync

    files = find_project(root=root).data_files
    kgtool = [sys.executable, "-m", "kgtool", "query", "sectors", "--root", str(root)]
    rows: list[tuple[str, float]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kgtool-bench-build-") as temporary:
        folder = Path(temporary)
        # Bytecode cached, as after pip install: the warm open should not time the compiler.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        store = folder / "store"
        rows.append(("kgtool first `--store` build", _wall([*kgtool, "--store", str(store)], env)))
        rows.append(
            (
                "`oxigraph load`, one call, default graph",
                _wall(["oxigraph", "load", "--location", str(folder / "ox1"), "--file", *map(str, files)], env),
            )
        )  # fmt: skip
        started = time.perf_counter()
        for path in files:
            _wall(["oxigraph", "load", "--location", str(folder / "ox2"), "--file", str(path),
                   "--graph", graph_name(path)], env)  # fmt: skip
        rows.append(("`oxigraph load`, per file, named graphs", time.perf_counter() - started))
        classpath = jena_classpath(folder) if use_jena else None
        if classpath:
            started = time.perf_counter()
            jena(classpath, "tdb2.tdbloader", "--loc", str(folder / "tdb2"), *map(str, files))
            rows.append(("Jena TDB2 `tdb2.tdbloader`", time.perf_counter() - started))
        else:
            notes.append(JENA_MISSING)
        warm = [_wall([*kgtool, "--store", str(store)], env) for _ in range(4)][1:]
        floor_script = (
            "import sys, pyoxigraph; s = pyoxigraph.Store.read_only(sys.argv[1]); "
            "list(s.query(open(sys.argv[2]).read(), use_default_graph_as_union=True))"
        )
        query = str(root / "queries" / "sectors.rq")
        floor = [
            _wall([sys.executable, "-c", floor_script, str(store / "oxigraph"), query], env)
            for _ in range(4)
        ][1:]
        started = time.perf_counter()
        for path in files:
            file_sha256(path)
        hashing = time.perf_counter() - started
        started = time.perf_counter()
        plan_sync(store, files)
        checking = time.perf_counter() - started
    reference = rows[1][1]
    size = sum(p.stat().st_size for p in files) / 1e6
    lines = [
        f"Data: {count_triples(root):,} triples in {len(files)} files ({size:.1f} MB).",
        "",
        "| | seconds | ratio to `oxigraph load` (one call) |",
        "|---|---|---|",
    ]
    lines += [
        f"| {label} | {seconds:.2f} s | {seconds / reference:.2f}x |" for label, seconds in rows
    ]
    w, f = statistics.median(warm), statistics.median(floor)
    lines += [
        "",
        "| warm open (fresh process, `sectors`, bytecode cached), median of 3 | seconds | ratio |",
        "|---|---|---|",
        f"| kgtool `--store` (warm) | {w:.3f} s | {w / f:.2f}x the floor |",
        f"| floor: python, `Store.read_only` + the query | {f:.3f} s | 1.00x |",
        f"| kgtool's check of the data files against the manifest (`plan_sync`) | {checking:.3f} s | {checking / w:.2f}x of the warm open |",
        f"| hashing every data file (SHA-256), for comparison | {hashing:.3f} s | {hashing / w:.2f}x of the warm open |",
    ]
    return "\n".join(lines + ([""] + notes if notes else []))


def _jena_query(classpath: str, folder: Path, name: str, text: str) -> float:
    """Seconds Jena TDB2 takes for one query (one warm-up run, then the timed one)."""
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    done = jena(classpath, "tdb2.tdbquery", "--loc", str(folder / "tdb2"), "--time",
                "--repeat=1,1", "--results=tsv", "--query", str(path))  # fmt: skip
    found = [line for line in done.stderr.splitlines() if line.startswith("Time:")]
    return float(found[-1].split()[1])


def measure_store_queries(
    root: Path, query_timeout: int, use_jena: bool = True, rounds: int = 2
) -> str:
    """Every saved query on a warm store vs in-memory load+query vs Jena TDB2."""
    from kgtool.project import find_project

    files = find_project(root=root).data_files
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kgtool-bench-sq-") as temporary:
        folder = Path(temporary)
        store = folder / "store"
        print("building the store …", file=sys.stderr)
        run_worker(root, "store-build", store, query_timeout, queries=False)
        print("running oxigraph …", file=sys.stderr)
        memory = run_worker(root, "oxigraph", None, query_timeout)
        names = sorted(memory["queries"])
        classpath = jena_classpath(folder) if use_jena else None
        if classpath:
            print("loading Jena TDB2 …", file=sys.stderr)
            jena(classpath, "tdb2.tdbloader", "--loc", str(folder / "tdb2"), *map(str, files))
        else:
            notes.append(JENA_MISSING)
        # Each query on the warm store and on Jena one after the other, `rounds` times, the
        # fastest of each kept: the machine's load drifts, so the pair is measured side by side.
        warm: dict[str, dict[str, Any]] = {"queries": {}}
        jena_times: dict[str, float] = {}
        if not classpath:  # nothing to alternate with: every query in one process
            warm = run_worker(root, "store", store, query_timeout)
            names = []
        for name in names:
            print(f"store and Jena: {name} …", file=sys.stderr)
            for _ in range(rounds):
                result = run_worker(root, "store", store, query_timeout, only=name)["queries"]
                seconds = result[name].get("seconds")
                best = warm["queries"].get(name, {}).get("seconds")
                if best is None or (seconds is not None and seconds < best):
                    warm["queries"][name] = result[name]
                if classpath:
                    seconds = _jena_query(classpath, folder, name, memory["queries"][name]["text"])
                    jena_times[name] = min(jena_times.get(name, seconds), seconds)
    lines = [
        f"Data: {count_triples(root):,} triples. Warm store: the query alone, in a process that"
        " opened the store (fastest of up to 5 runs). In memory: kgtool's whole load"
        f" ({_seconds(memory['load'])}) plus the query. Jena: `tdb2.tdbquery --time`"
        " (one warm-up run, then the timed one, in one JVM; data in the default graph)."
        f" Each query on the store and on Jena one after the other, {rounds} rounds, the"
        " fastest of each.",
        "",
        "| query | warm `--store` | in memory (load + query) | store / in memory | Jena TDB2 | store / Jena |",
        "|---|---|---|---|---|---|",
    ]
    worst_memory = worst_jena = 0.0
    for name in sorted(warm["queries"]):
        s_time = warm["queries"][name].get("seconds")
        m_time = memory["queries"].get(name, {}).get("seconds")
        if s_time is None or m_time is None:
            lines.append(f"| `{name}` | timed out | | | | |")
            continue
        m_total = memory["load"] + m_time
        j_time = jena_times.get(name)
        worst_memory = max(worst_memory, s_time / m_total)
        jena_cells = "– | –"
        if j_time:
            worst_jena = max(worst_jena, s_time / j_time)
            jena_cells = f"{_seconds(j_time)} | {s_time / j_time:.2f}x"
        lines.append(
            f"| `{name}` | {_seconds(s_time)} | {_seconds(m_total)} | {s_time / m_total:.2f}x | {jena_cells} |"
        )
    lines.append(
        f"| worst | | | {worst_memory:.2f}x | | {f'{worst_jena:.2f}x' if jena_times else '–'} |"
    )
    return "\n".join(lines + ([""] + notes if notes else []))


def measure_rdflib(root: Path) -> str:
    """kgtool's rdflib engine load against a plain rdflib load: CPU and peak memory."""
    engine = run_worker(root, "rdflib", None, 600, queries=False)
    plain = run_worker(root, "rdflib-plain", None, 600, queries=False)
    lines = [
        f"Data: {plain['triples']:,} triples. Each load in its own process: CPU seconds"
        " (user + system, start-up included) and peak RSS.",
        "",
        "| | wall (load) | CPU | peak memory |",
        "|---|---|---|---|",
        f"| plain rdflib (`Dataset.graph(...).parse` per file) | {_seconds(plain['load'])} |"
        f" {plain['load_cpu']:.2f} s | {plain['peak_mib']:.0f} MiB |",
        f"| kgtool `--engine rdflib` | {_seconds(engine['load'])} | {engine['load_cpu']:.2f} s"
        f" ({engine['load_cpu'] / plain['load_cpu']:.2f}x) | {engine['peak_mib']:.0f} MiB"
        f" ({engine['peak_mib'] / plain['peak_mib']:.2f}x) |",
    ]
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
    generated = {}
    for name, text in (
        ("build", "first --store build and warm open vs oxigraph load and Jena TDB2"),
        ("store-queries", "every saved query: warm --store vs in-memory load+query vs Jena TDB2"),
        ("rdflib", "--engine rdflib load vs a plain rdflib load: CPU and memory"),
    ):
        generated[name] = sub.add_parser(name, help=text)
        generated[name].add_argument("--root", type=Path, help="default: generate --triples")
        generated[name].add_argument("--triples", type=int, default=1_000_000)
        generated[name].add_argument(
            "--quick", action="store_true", help="10,000 triples and no Jena (CI smoke test)"
        )
        generated[name].add_argument("--no-jena", action="store_true", help="skip Jena TDB2")
    generated["store-queries"].add_argument("--query-timeout", type=int, default=600)
    generated["store-queries"].add_argument(
        "--rounds", type=int, default=2, help="store and Jena runs of each query (fastest kept)"
    )
    work = sub.add_parser("worker", help=argparse.SUPPRESS)
    work.add_argument("--root", type=Path, required=True)
    work.add_argument("--engine", choices=[*ENGINES, "rdflib-plain"], required=True)
    work.add_argument("--no-queries", action="store_true")
    work.add_argument("--only", help="run this saved query only")
    work.add_argument("--store", type=Path)
    work.add_argument("--query-timeout", type=int, default=600)
    args = parser.parse_args(argv)
    if args.command == "worker":
        print(
            json.dumps(
                worker(
                    args.root,
                    args.engine,
                    args.store,
                    args.query_timeout,
                    not args.no_queries,
                    args.only,
                )
            )
        )
    elif args.command in ("build", "store-queries", "rdflib"):
        with project_root(args.root, 10_000 if args.quick else args.triples) as root:
            if args.command == "build":
                print(measure_build(root, not (args.quick or args.no_jena)))
            elif args.command == "rdflib":
                print(measure_rdflib(root))
            else:
                print(
                    measure_store_queries(
                        root, args.query_timeout, not (args.quick or args.no_jena), args.rounds
                    )
                )
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
