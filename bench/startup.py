"""Cold start-up of ``kgtool query NAME`` against ``python -c 'import click'``.

Each sample is a fresh process (wall time of ``subprocess.run``); the two commands alternate so
that load on the machine affects both alike. Prints both medians and their ratio; the goal is a
ratio of at most 3. With ``--check`` the exit code is 1 when the ratio is above ``--limit``.

Usage::

    python bench/startup.py                    # 15 alternating runs of each, default query
    python bench/startup.py --runs 31 --query actors-by-country --check
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_QUERY = "training-costs"


def bytecode_environment(cache: str) -> dict[str, str]:
    """The environment for both commands: bytecode caches on, kept in ``cache``.

    An installed kgtool has compiled ``.pyc`` files, as click has. With
    PYTHONDONTWRITEBYTECODE set (as in some CI and sandbox shells) every run would compile
    kgtool's modules from source, which measures the compiler rather than start-up; so both
    commands run with bytecode writing on, caches in a temporary folder (PYTHONPYCACHEPREFIX)
    rather than in the source tree, filled by the untimed warm-up run.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def wall_time(command: list[str], env: dict[str, str]) -> float:
    """Seconds one run of ``command`` takes, output discarded; fails loudly if it fails."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, env=env)
    return time.perf_counter() - start


def kgtool_command() -> list[str]:
    """The ``kgtool`` console script next to this interpreter, else ``python -m kgtool``."""
    script = Path(sys.executable).with_name("kgtool")
    if script.exists():
        return [str(script)]
    found = shutil.which("kgtool")
    return [found] if found else [sys.executable, "-m", "kgtool"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="samples of each command (default 15)")
    parser.add_argument(
        "--query", default=DEFAULT_QUERY, help=f"saved query to run (default {DEFAULT_QUERY})"
    )
    parser.add_argument(
        "--limit", type=float, default=3.0, help="the ratio to stay under (default 3)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the ratio is above --limit"
    )
    args = parser.parse_args()

    baseline = [sys.executable, "-c", "import click"]
    command = [*kgtool_command(), "query", args.query, "--format", "tsv"]
    click_times, kgtool_times = [], []
    with tempfile.TemporaryDirectory(prefix="kgtool-bench-") as cache:
        env = bytecode_environment(cache)
        wall_time(baseline, env), wall_time(command, env)  # fill the caches; not counted
        for _ in range(args.runs):
            click_times.append(wall_time(baseline, env))
            kgtool_times.append(wall_time(command, env))
    click_ms = statistics.median(click_times) * 1000
    kgtool_ms = statistics.median(kgtool_times) * 1000
    ratio = kgtool_ms / click_ms
    print(f"python -c 'import click'   median {click_ms:6.1f} ms over {args.runs} runs")
    print(
        f"{' '.join(['kgtool', *command[-4:]]):<26} median {kgtool_ms:6.1f} ms over {args.runs} runs"
    )
    print(f"ratio {ratio:.2f} (limit {args.limit:g})")
    return 1 if args.check and ratio > args.limit else 0


if __name__ == "__main__":
    sys.exit(main())
