"""Every console block of README.md and docs/*.md, run as a test.

Every ```console block is a session: lines starting with ``$ `` are commands, the lines after one
are its output (stdout and stderr as a terminal shows them). A line ``...`` stands for any number
of lines. A command ending in ``# exit N`` must exit with N (else 0). A fenced block right after
``<!-- file: PATH -->`` must be exactly the content of PATH.

Each page's blocks run in order in one copy of the project (a fresh git repository with one
commit). A plain ``kgtool …`` command runs in-process; any other command line (pipes, ``;``,
redirections, ``cp``, ``python``, ``oxigraph``) runs in ``bash`` with ``kgtool`` on ``PATH``.
A command ending in `` &`` starts a server in the background: the runner waits until its
``--bind`` address answers and stops it when the page is done. So that two runs never fight
over a port, the documented ports 7878 and 7879 stand for free ports the runner picks (7879 is
left unbound: the page shows what an unreachable endpoint looks like), and the copy's folder is
shown as ``/tmp/kg``. There is no way to skip a block: a page that shows a command it cannot run
here writes it in a ```sh block, without output, and a picture of a terminal that cannot be
reproduced (timings, a progress bar) is a ```text block whose paragraph says, visibly, that it
is "not a tested session" (:func:`test_untested_sessions_say_so`).

To refresh the outputs after a deliberate change: ``python tests/test_extending.py [PAGE…]``
(blocks that contain ``...`` are left for a human to edit; review every changed line).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from servers import die_with_parent

from kgtool.cli import cli

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "EXTENDING.md"
#: Every page whose console blocks run (docs/cli.md is generated from --help and has none).
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(
    r"^(?:<!-- file: (?P<file>\S+) -->\n)?```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$",
    re.DOTALL | re.MULTILINE,
)
#: Ports the pages use for a local endpoint (running) and for one that is not there (refused).
DOCUMENTED_PORTS = ("7878", "7879")
#: How the pages show the folder of the project copy.
DOCUMENTED_FOLDER = "/tmp/kg"
SERVER_START_TIMEOUT = 60.0
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass
class Step:
    command: str
    expected: list[str]
    exit_code: int


def sessions(markdown: str) -> list[list[Step]]:
    """The console blocks of ``markdown``, each a list of steps."""
    found = []
    for match in FENCE.finditer(markdown):
        if match.group("lang") != "console":
            continue
        steps: list[Step] = []
        for line in match.group("body").splitlines():
            if steps and not complete(steps[-1].command):
                steps[-1].command += "\n" + line  # a quote left open goes on to the next line
            elif line.startswith("$ "):
                code = re.search(r"#\s*exit (\d+)\s*$", line)
                steps.append(Step(line[2:], [], int(code.group(1)) if code else 0))
            else:
                assert steps, f"a console block must start with a `$ ` command: {line!r}"
                steps[-1].expected.append(line)
        found.append(steps)
    return found


def complete(command: str) -> bool:
    """Whether ``command`` is a whole command line (no quote left open)."""
    try:
        shlex.split(command)
    except ValueError:
        return False
    return True


def matches(expected: list[str], actual: str) -> bool:
    pattern = "".join(
        "(?:.*\n)*?" if line == "..." else re.escape(line) + "\n" for line in expected
    )
    return re.fullmatch(pattern, actual) is not None


def copy_project(target: Path) -> Path:
    for part in ("ontology", "graph", "queries", "examples"):
        shutil.copytree(REPO / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    draft = target / "examples" / "memo" / "draft.ttl"
    if draft.exists():
        draft.unlink()  # left over from running the guide by hand
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True, env=env)
    return target


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@dataclass
class Session:
    """Where a page's commands run: the project copy, a PATH with ``kgtool``, its servers."""

    workdir: Path
    ports: dict[str, str]
    env: dict[str, str]
    servers: list[subprocess.Popen] = field(default_factory=list)

    def to_real(self, text: str) -> str:
        for documented, real in self.ports.items():
            text = text.replace(f"127.0.0.1:{documented}", f"127.0.0.1:{real}")
        return text

    def to_documented(self, text: str) -> str:
        for documented, real in self.ports.items():
            text = text.replace(f"127.0.0.1:{real}", f"127.0.0.1:{documented}")
        return text.replace(str(self.workdir), DOCUMENTED_FOLDER)


@contextmanager
def session(folder: Path) -> Iterator[Session]:
    """A project copy in ``folder`` and a shell environment for it; servers stop on exit."""
    workdir = copy_project(folder / "project")
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for name, target in (("kgtool", "-m kgtool"), ("python", ""), ("python3", "")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {target} "$@"\n')
        shim.chmod(0o755)
    path = os.pathsep.join([str(bin_dir), sysconfig.get_path("scripts"), os.environ["PATH"]])
    env = {**os.environ, "PATH": path, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    current = Session(workdir, {port: free_port() for port in DOCUMENTED_PORTS}, env)
    try:
        yield current
    finally:
        for server in current.servers:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)


def is_plain_kgtool(command: str) -> bool:
    """``kgtool`` with arguments only: no pipe, list, redirection or background operator."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    return tokens[:1] == ["kgtool"] and not any(set(t) <= set("();<>|&") for t in tokens)


def start_server(command: str, current: Session) -> None:
    """Start a ``… &`` command and wait until the address of its ``--bind`` answers."""
    server = subprocess.Popen(
        ["bash", "-c", "exec " + command],
        cwd=current.workdir,
        env=current.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # exec keeps it: the server dies with the test process, even if that is killed
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    )
    current.servers.append(server)
    bind = re.search(r"--bind\s+([\d.]+):(\d+)", command)
    assert bind, f"a background command must say where it listens (--bind): {command}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        assert server.poll() is None, f"the server stopped: {command}"
        try:
            socket.create_connection((bind.group(1), int(bind.group(2))), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"the server did not start: {command}"
            time.sleep(0.2)


def run_step(step: Step, current: Session) -> tuple[int, str]:
    """Run one documented command; its exit code and its output as the page would show it."""
    command = current.to_real(step.command)
    if command.rstrip().endswith("&"):
        start_server(command.rstrip()[:-1], current)
        return 0, ""
    if not is_plain_kgtool(command):
        completed = subprocess.run(
            ["bash", "-c", command],
            cwd=current.workdir,
            env=current.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return completed.returncode, current.to_documented(completed.stdout)
    here = Path.cwd()
    os.chdir(current.workdir)
    try:
        result = CliRunner().invoke(cli, shlex.split(command, comments=True)[1:])
    finally:
        os.chdir(here)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, current.to_documented(result.output)


def check_document(markdown: str, current: Session) -> None:
    for match in FENCE.finditer(markdown):
        if match.group("file"):
            assert match.group("body") == (REPO / match.group("file")).read_text(
                encoding="utf-8"
            ), match.group("file")
    for steps in sessions(markdown):
        for step in steps:
            code, output = run_step(step, current)
            assert (step.command, code) == (step.command, step.exit_code), output
            assert matches(step.expected, output), (
                f"$ {step.command}\n--- documented:\n"
                + "\n".join(step.expected)
                + f"\n--- actual:\n{output}"
            )


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_console_blocks_run_as_documented(page: Path, tmp_path: Path) -> None:
    text = page.read_text(encoding="utf-8")
    # An indented fence (inside a list) would not be found, so it would not run: refuse it.
    assert text.count("```console") == len(sessions(text)), "indent no console block"
    with session(tmp_path) as current:
        check_document(text, current)


#: The visible words a page must put before a session it shows but the tests cannot run.
UNTESTED = "not a tested session"


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_untested_sessions_say_so(page: Path) -> None:
    """A ``$ command`` with output outside a console block is marked as untested, in the prose."""
    text = page.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        body = match.group("body")
        if match.group("lang") == "console" or not re.search(r"^\$ ", body, re.MULTILINE):
            continue
        paragraph = text[: match.start()].rstrip("\n").rsplit("\n\n", 1)[-1]
        assert UNTESTED in paragraph, (
            f"{page.name}: a ```{match.group('lang')} block shows `{body.splitlines()[0]}` "
            f"but is not run: make it a console block, or say it is {UNTESTED!r} before it"
        )


def test_every_page_with_commands_is_run() -> None:
    """No page escapes the runner: every Markdown file with a console block is in PAGES."""
    with_blocks = {
        path
        for path in REPO.glob("**/*.md")
        if ".git" not in path.parts and "```console" in path.read_text(encoding="utf-8")
    }
    assert with_blocks <= set(PAGES)


def test_guide_covers_the_whole_workflow() -> None:
    commands = [
        step.command.split()[:2]
        for steps in sessions(GUIDE.read_text(encoding="utf-8"))
        for step in steps
    ]
    for needed in (
        ["kgtool", "new"],
        ["kgtool", "fmt"],
        ["kgtool", "validate"],
        ["kgtool", "query"],
        ["kgtool", "view"],
        ["kgtool", "diff"],
        ["kgtool", "source"],
        ["kgtool", "quote"],
        ["kgtool", "coverage"],
        ["kgtool", "conflicts"],
    ):
        assert needed in commands, needed
    memo = (REPO / "examples" / "memo" / "memo.ja.txt").read_text(encoding="utf-8")
    assert memo.startswith("【架空の例 / FICTIONAL EXAMPLE】")
    assert "FICTIONAL" in (REPO / "examples" / "memo" / "memo.ttl").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# pre-commit
# --------------------------------------------------------------------------------------------


def test_pre_commit_hooks_run_kgtool_on_rdf_files(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {
        "kgtool-fmt",
        "kgtool-validate",
        "kgtool-validate-examples",
        "ruff-check",
        "ruff-format",
        "mypy",
    }
    assert hooks["ruff-check"]["entry"].startswith("ruff check")
    assert hooks["ruff-format"]["entry"].startswith("ruff format --check")
    assert hooks["mypy"]["entry"] == "mypy"
    assert hooks["kgtool-fmt"]["entry"] == "kgtool fmt --check"
    assert hooks["kgtool-validate"]["entry"] == "kgtool validate"
    assert hooks["kgtool-validate"]["pass_filenames"] is False

    def selected(hook: dict, path: str) -> bool:
        return re.search(hook["files"], path) is not None and not re.search(
            hook.get("exclude", "^$"), path
        )

    assert selected(hooks["kgtool-fmt"], "graph/actors.ttl") and not selected(
        hooks["kgtool-fmt"], "README.md"
    )
    # Test fixtures are malformed on purpose: the fmt hook leaves them alone.
    assert not selected(hooks["kgtool-fmt"], "tests/shapes/invalid/x.ttl")
    assert not selected(hooks["kgtool-fmt"], "examples/mistakes/typo.ttl")
    assert not selected(hooks["kgtool-validate-examples"], "examples/mistakes/typo.ttl")
    assert selected(hooks["kgtool-validate-examples"], "examples/store/extra.ttl")
    assert selected(hooks["kgtool-validate"], "ontology/shapes.ttl")
    assert not selected(hooks["kgtool-validate"], "examples/memo/memo.ttl")
    assert selected(hooks["kgtool-validate-examples"], "examples/memo/memo.ttl")

    # Run each entry the way pre-commit does, with `kgtool` on PATH.
    workdir = copy_project(tmp_path / "project")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "kgtool"
    shim.write_text(
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m kgtool "$@"\n', encoding="utf-8"
    )
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
    }
    for hook_id, files, code in (
        ("kgtool-fmt", ["examples/memo/memo.ttl"], 0),
        ("kgtool-validate-examples", ["examples/memo/memo.ttl"], 0),
    ):
        hook = hooks[hook_id]
        completed = subprocess.run(
            [*shlex.split(hook["entry"]), *files],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == code, (hook_id, completed.stdout, completed.stderr)
    (workdir / "examples" / "memo" / "memo.ttl").write_text(
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\nkgr:x kgr:y kgr:z .\n",
        encoding="utf-8",
    )
    unformatted = subprocess.run(
        [*shlex.split(hooks["kgtool-fmt"]["entry"]), "examples/memo/memo.ttl"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (unformatted.returncode, unformatted.stdout) == (
        1,
        "would reformat examples/memo/memo.ttl\n",
    )


# --------------------------------------------------------------------------------------------
# Refreshing the documented outputs
# --------------------------------------------------------------------------------------------


def refresh(path: Path) -> None:  # pragma: no cover - a maintenance tool
    """Rewrite the outputs of ``path``'s console blocks (and file blocks) from real runs."""
    import tempfile

    text = path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder, session(Path(folder)) as current:

        def block(match: re.Match[str]) -> str:
            if match.group("file"):
                body = (REPO / match.group("file")).read_text(encoding="utf-8")
                return f"<!-- file: {match.group('file')} -->\n```{match.group('lang')}\n{body}```"
            if match.group("lang") != "console":
                return match.group(0)
            lines = []
            for step in sessions(match.group(0))[0]:
                code, output = run_step(step, current)
                command = re.sub(r"\s*#\s*exit \d+\s*$", "", step.command)
                lines.append(f"$ {command}" + (f"  # exit {code}" if code else ""))
                lines.extend(step.expected if "..." in step.expected else output.splitlines())
            return "```console\n" + "\n".join(lines) + "\n```"

        path.write_text(FENCE.sub(block, text), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    for name in sys.argv[1:] or [str(page) for page in PAGES]:
        refresh(Path(name).resolve())
