"""Local SPARQL servers for tests: ``oxigraph serve`` and Virtuoso Open Source.

Both listen on free ports of 127.0.0.1 only, live in a temporary folder, and are loaded with
the data they are given. Starting waits a bounded time for the endpoint to answer; ``stop()``
terminates the server and kills it if it does not exit in time. Each server is also started
with PR_SET_PDEATHSIG, so it dies with the test process even if that is killed.

* ``oxigraph serve`` comes with the PyPI package ``oxigraph`` (the test extra): its binary sits
  next to the Python interpreter. It runs in memory with ``--union-default-graph`` and receives
  the data as N-Quads (each file in its own graph) through the Graph Store Protocol.
* Virtuoso (Debian ``virtuoso-opensource``) gets its own ``virtuoso.ini``: no Unix socket, both
  ports on 127.0.0.1, ``ResultSetMaxRows`` raised from the default 10,000 (which silently
  truncates results). The data goes into one graph with the bulk loader (``ld_dir`` +
  ``rdf_loader_run``) through ``isql``; queries name it as the default graph with
  ``?default-graph-uri=``, since Virtuoso's own default graph is the union of all graphs,
  system graphs included. Virtuoso 7 never answers a direct ``application/sparql-query`` POST
  (openlink/virtuoso-opensource#842), so it is queried with URL-encoded POSTs (``form``).
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
VIRTUOSO_GRAPH = "urn:kgtool:test-data"


@dataclass
class Server:
    """A running local SPARQL server."""

    name: str
    url: str  # the query endpoint, as given to --endpoint
    post: str  # how queries must be sent: "direct" or "form"
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """Terminate the server (kill it after a bounded wait). Safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _popen(command: list[str], log: Path, cwd: Path) -> subprocess.Popen:
    with open(log, "wb") as output:
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )


def _wait_for(server: Server, probe_url: str, timeout: float = START_TIMEOUT) -> None:
    """Poll ``probe_url`` until it answers HTTP (any status); stop the server and fail otherwise."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log.read_text()[-2000:]}"
            )
        try:
            opener.open(probe_url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(
        f"{server.name} did not answer within {timeout:.0f} s:\n{server.log.read_text()[-2000:]}"
    )


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary installed by the PyPI package ``oxigraph``."""
    candidate = Path(sysconfig.get_path("scripts")) / "oxigraph"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError(
            "the oxigraph server binary is missing: pip install oxigraph (in the test extra)"
        )
    return found


def start_oxigraph(nquads: bytes, workdir: Path) -> Server:
    """``oxigraph serve`` in memory on 127.0.0.1, loaded with ``nquads``."""
    port = free_port()
    log = workdir / "oxigraph.log"
    process = _popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        log,
        workdir,
    )
    server = Server("oxigraph serve", f"http://127.0.0.1:{port}/query", "direct", process, log)
    try:
        _wait_for(server, f"http://127.0.0.1:{port}/")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/store",
            data=nquads,
            headers={"Content-Type": "application/n-quads"},
            method="POST",
        )
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            request, timeout=30
        ).close()
    except BaseException:
        server.stop()
        raise
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
EnabledGzipContent = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
"""


def virtuoso_binaries() -> tuple[str, str]:
    """``virtuoso-t`` and its ``isql`` (Debian: ``isql-vt``)."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    if not server or not isql:
        raise RuntimeError(
            "Virtuoso is missing: apt-get install virtuoso-opensource (scripts/test installs it)"
        )
    return server, isql


def start_virtuoso(ntriples: bytes, workdir: Path) -> Server:
    """A private Virtuoso on 127.0.0.1, with ``ntriples`` bulk-loaded into one graph."""
    server_binary, isql = virtuoso_binaries()
    sql_port, http_port = free_port(), free_port()
    (workdir / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port)
    )
    (workdir / "data.nt").write_bytes(ntriples)
    log = workdir / "virtuoso-stdout.log"
    process = _popen(
        [server_binary, "+foreground", "+configfile", str(workdir / "virtuoso.ini")], log, workdir
    )
    graph = urllib.parse.quote(VIRTUOSO_GRAPH, safe="")
    url = f"http://127.0.0.1:{http_port}/sparql?default-graph-uri={graph}"
    server = Server("virtuoso", url, "form", process, log)
    try:
        _wait_for(server, f"http://127.0.0.1:{http_port}/sparql")
        script = (
            f"ld_dir('{workdir}', 'data.nt', '{VIRTUOSO_GRAPH}'); rdf_loader_run(); checkpoint; "
            "select ll_file, ll_error from DB.DBA.load_list where ll_error is not null;"
        )
        loaded = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={script}"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=workdir,
        )
        if loaded.returncode != 0 or "0 Rows." not in loaded.stdout:
            raise RuntimeError(
                f"Virtuoso bulk load failed:\n{loaded.stdout[-2000:]}\n{loaded.stderr[-2000:]}"
            )
    except BaseException:
        server.stop()
        raise
    return server
