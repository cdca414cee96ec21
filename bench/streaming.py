"""Memory of ``kgtool sparql`` while it writes a result with no end, and Ctrl-C latency.

The query is a cartesian product over 2,000 statements (8·10⁹ rows), written to /dev/null for
``--seconds``; the resident set size of the kgtool process is sampled every half second. A
streamed format keeps it flat; ``table`` needs every row first (to align the columns), so it
grows until --timeout stops it. Then SIGINT is sent and the time until exit is measured.

Usage::

    python bench/streaming.py --seconds 10
    python bench/streaming.py --engine rdflib --format tsv --format table
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def project(folder: Path) -> Path:
    for part in ("ontology", "graph", "queries"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    (folder / "ontology" / "empty.ttl").write_text("# no statements\n", encoding="utf-8")
    lines = ["@prefix : <http://x/> ."] + [f":s{i} :p {i} ." for i in range(2000)]
    (folder / "graph" / "data.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(root: Path, engine: str, output_format: str, seconds: float) -> None:
    command = [sys.executable, "-m", "kgtool", "sparql", QUERY, "--root", str(root)]
    command += ["--engine", engine, "--format", output_format, "--timeout", str(seconds * 4)]
    with open("/dev/null", "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        samples = []
        started = time.monotonic()
        while time.monotonic() - started < seconds and process.poll() is None:
            time.sleep(0.5)
            samples.append(rss_mb(process.pid))
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait()
        latency = time.monotonic() - sent
    shown = " ".join(f"{mb:.0f}" for mb in samples[1::2])
    print(
        f"{engine:8} {output_format:6} RSS MB every 1 s: {shown}  "
        f"(first {samples[1]:.0f}, last {samples[-1]:.0f}); "
        f"Ctrl-C: exit {process.returncode} after {latency:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--engine", action="append", choices=["oxigraph", "rdflib"])
    parser.add_argument("--format", action="append", dest="formats")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = project(Path(folder))
        for engine in args.engine or ["oxigraph", "rdflib"]:
            for output_format in args.formats or ["tsv", "csv", "json", "xml", "table"]:
                measure(root, engine, output_format, args.seconds)


if __name__ == "__main__":
    main()
