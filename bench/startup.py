"""Cold start-up: ``kgtool query NAME`` and ``kgtool --help`` against their floors.

Each sample is a fresh process (wall time of ``subprocess.run``, output discarded); the commands
of one table alternate, so that load on the machine affects them alike. Rows:

* ``import click``: ``python -c 'import click'``, the floor of any Click CLI;
* ``floor query``: a script that imports click and pyoxigraph, loads the same data files into an
  in-memory store (each file in its own named graph, as kgtool does) and runs the same query text,
  printing TSV: the floor of ``kgtool query NAME``;
* ``kgtool query NAME`` and ``kgtool --help``.

Every row is measured with bytecode caches (as after ``pip install``, which compiles them) and
with ``PYTHONDONTWRITEBYTECODE=1`` and no cache, where an editable install (or a source checkout)
recompiles every kgtool module it imports on every run. The installs compared:

* ``editable``: this checkout (``python -m kgtool`` with this checkout first on ``sys.path``);
* ``wheel``: a wheel built from this checkout (``pip wheel``; its build backend, hatchling, comes
  from PyPI or pip's cache) installed into a temporary venv with ``--system-site-packages`` (the
  dependencies come from this interpreter). ``--no-wheel`` skips it.

``--before DIR`` adds the two kgtool rows of another checkout (an earlier commit, e.g. from
``git archive``), installed the same way and measured in the same alternation against the same
data: before and after from one run, on a machine whose load drifts.

Usage::

    python bench/startup.py                  # 15 runs of each, training-costs, both installs
    python bench/startup.py --quick          # 3 runs, editable only (CI smoke test)
    python bench/startup.py --runs 31 --query actors-by-country
    git archive HEAD~3 | tar -x -C /tmp/before && python bench/startup.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

DEFAULT_QUERY = "training-costs"
#: The row suffix of the ``--before`` checkout's commands.
BEFORE = ", before"
REPOSITORY = Path(__file__).resolve().parent.parent

FLOOR = """\
import sys
import click, pyoxigraph
store = pyoxigraph.Store()
for path in sys.argv[2:]:
    store.load(path=path, to_graph=pyoxigraph.NamedNode("file://" + path))
result = store.query(open(sys.argv[1], encoding="utf-8").read(), use_default_graph_as_union=True)
out = [chr(9).join(str(v) for v in result.variables)]
out += [chr(9).join(str(row[v]) for v in result.variables) for row in result]
sys.stdout.write(chr(10).join(out) + chr(10))
"""


def environment(cache: str | None, pythonpath: str | None) -> dict[str, str]:
    """The environment of one install variant: bytecode in ``cache``, or none at all."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = cache
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def wall_time(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds one run of ``command`` takes, output discarded; fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def wheel_python(folder: Path, checkout: Path = REPOSITORY) -> Path:
    """Build a wheel of ``checkout`` and install it into a new venv; that venv's python."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(checkout)],
        check=True,
    )
    wheel = next(folder.glob("kgtool-*.whl"))
    venv.create(folder / "venv", system_site_packages=True, with_pip=False)
    python = folder / "venv" / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--force-reinstall", str(wheel)],
        check=True,
    )  # fmt: skip
    return python


def query_text(name: str) -> str:
    """The saved query's SPARQL as kgtool runs it with default parameters (none for the default)."""
    return (REPOSITORY / "queries" / f"{name}.rq").read_text(encoding="utf-8")


#: An install to run: its python, and what goes on PYTHONPATH (an editable checkout) or None.
Install = tuple[Path, str | None]


def measure(
    install: str, after: Install, before: Install | None, query: str, runs: int, folder: Path
) -> list[tuple[str, str, float]]:
    """(install, row, median seconds) for every row, with and without bytecode caches."""
    from kgtool.project import find_project

    files = [str(p) for p in find_project(root=REPOSITORY).data_files]
    query_file = folder / "query.rq"
    query_file.write_text(query_text(query), encoding="utf-8")
    floor_file = folder / "floor.py"
    floor_file.write_text(FLOOR, encoding="utf-8")
    root = ["--root", str(REPOSITORY)]
    python, pythonpath = after
    commands: dict[str, tuple[list[str], str | None]] = {
        "import click": ([str(python), "-c", "import click"], None),
        "floor query": ([str(python), str(floor_file), str(query_file), *files], None),
    }
    for suffix, (kgtool_python, kgtool_path) in [
        ("", after),
        *([(BEFORE, before)] if before else []),
    ]:
        commands[f"kgtool query {query}{suffix}"] = (
            [str(kgtool_python), "-m", "kgtool", "query", query, *root, "--format", "tsv"],
            kgtool_path,
        )
        commands[f"kgtool --help{suffix}"] = (
            [str(kgtool_python), "-m", "kgtool", "--help"],
            kgtool_path,
        )
    results = []
    for bytecode in (True, False):
        cache = tempfile.mkdtemp(prefix="kgtool-bench-pyc-", dir=folder) if bytecode else None
        times: dict[str, list[float]] = {row: [] for row in commands}
        for command, path in commands.values():
            wall_time(command, environment(cache, path or pythonpath), folder)  # fill the caches
        for _ in range(runs):
            for row, (command, path) in commands.items():
                times[row].append(
                    wall_time(command, environment(cache, path or pythonpath), folder)
                )
        label = f"{install}, {'bytecode cached' if bytecode else 'PYTHONDONTWRITEBYTECODE=1'}"
        results += [(label, row, statistics.median(t)) for row, t in times.items()]
    return results


def table(results: list[tuple[str, str, float]], query: str) -> str:
    """Markdown: one column per install variant; ratios against the two floors."""
    labels = list(dict.fromkeys(label for label, _, _ in results))
    value = {(label, row): seconds for label, row, seconds in results}
    lines = [
        "| | " + " | ".join(labels) + " |",
        "|---" * (len(labels) + 1) + "|",
    ]
    rows = [
        ("import click", None),
        ("floor query", None),
        *[
            (row + suffix, floor)
            for row, floor in ((f"kgtool query {query}", "floor query"), ("kgtool --help", "import click"))
            for suffix in ("", BEFORE)
        ],
    ]  # fmt: skip
    for row, floor in rows:
        if (labels[0], row) not in value:
            continue  # no --before
        cells = []
        for label in labels:
            seconds = value[(label, row)]
            ratio = f" ({seconds / value[(label, floor)]:.2f}x {floor})" if floor else ""
            cells.append(f"{seconds * 1000:.0f} ms{ratio}")
        lines.append(f"| `{row}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="samples of each command (default 15; 3 quick)")
    parser.add_argument("--query", default=DEFAULT_QUERY, help=f"default {DEFAULT_QUERY}")
    parser.add_argument("--no-wheel", action="store_true", help="measure the editable install only")
    parser.add_argument("--quick", action="store_true", help="3 runs, no wheel (CI smoke test)")
    parser.add_argument(
        "--before", type=Path, metavar="DIR", help="also measure the kgtool of this checkout"
    )
    args = parser.parse_args(argv)
    before = args.before.resolve() if args.before else None
    runs = args.runs or (3 if args.quick else 15)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kgtool-bench-") as temporary:
        folder = Path(temporary)
        python = Path(sys.executable)
        results = measure(
            "editable",
            (python, str(REPOSITORY)),
            (python, str(before)) if before else None,
            args.query,
            runs,
            folder,
        )
        if not (args.quick or args.no_wheel):
            wheel = wheel_python(folder / "wheel")
            wheel_before = wheel_python(folder / "wheel-before", before) if before else None
            results += measure(
                "wheel",
                (wheel, None),
                (wheel_before, None) if wheel_before else None,
                args.query,
                runs,
                folder,
            )
    # The machine is shared: the load says how far to trust the figures (ratios less than times).
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(
        f"Median wall time of {runs} fresh processes each, alternating; query {args.query}; {load}.\n"
    )
    print(table(results, args.query))
    return 0


if __name__ == "__main__":
    sys.exit(main())
