"""What a new user looks for: --format json for `new --list`, `fmt` and `store status`,
--quiet, shell completion (issue 10 appendix)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import invoke

from kgtool.cli.base import PROGRESS_MIN_BYTES

FIXTURE = Path(__file__).parent / "validate_fixtures" / "valid"
ROOT = ["--root", str(FIXTURE)]
TICK = re.compile(r" · \d+ s$")
UNFORMATTED = "@prefix ex: <http://example.org/> .\nex:a ex:p 1. ex:a ex:q 2 .\n"


def test_new_list_as_json() -> None:
    result = invoke("new", "--list", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert {"iri": "https://w3id.org/kgtool/ontology#Startup", "curie": "kgo:Startup"} in (
        document["classes"]
    )
    assert {
        "kind": "cost",
        "iri": "https://w3id.org/kgtool/ontology#CostClaim",
        "curie": "kgo:CostClaim",
    } in document["claim_kinds"]
    text = invoke("new", "--list").stdout.splitlines()
    assert len(text) == 2 + len(document["classes"]) + len(document["claim_kinds"])


def test_new_refuses_json_for_a_stub() -> None:
    result = invoke("new", "kgo:Company", "X", "--format", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("Error: --format json applies to --list (a stub is Turtle)\n")


def test_fmt_as_json_and_quiet(tmp_path: Path) -> None:
    messy, tidy = tmp_path / "messy.ttl", tmp_path / "tidy.ttl"
    messy.write_text(UNFORMATTED, encoding="utf-8")
    tidy.write_text("@prefix ex: <http://example.org/> .\n\nex:a\n    ex:p 1 .\n", encoding="utf-8")
    result = invoke("fmt", "--check", "--format", "json", "-q", str(messy), str(tidy))
    assert (result.exit_code, result.stderr) == (1, "")
    assert json.loads(result.stdout) == {
        "check": True,
        "changed": 1,
        "unchanged": 1,
        "files": [
            {"path": messy.as_posix(), "changed": True},
            {"path": tidy.as_posix(), "changed": False},
        ],
    }
    assert messy.read_text(encoding="utf-8") == UNFORMATTED
    result = invoke("fmt", "--quiet", str(messy))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"reformatted {messy}\n", "")


def test_store_status_as_json(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = invoke("store", "status", "--store", str(store), *ROOT, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "store": str(store),
        "up_to_date": False,
        "lines": [f"store {store}: no store yet; the next run with --store builds it"],
    }
    assert invoke("store", "rebuild", "--store", str(store), *ROOT).exit_code == 0
    result = invoke("store", "status", "--store", str(store), *ROOT, "--format", "json")
    document = json.loads(result.stdout)
    assert (result.exit_code, document["up_to_date"], document["lines"][-1]) == (
        0,
        True,
        "up to date (3 file(s))",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["validate", *ROOT],
        ["diff", str(FIXTURE / "graph"), str(FIXTURE / "graph")],
        ["new", "kgo:Company", "Example Corp"],
        ["conflicts", *ROOT],
    ],
    ids=["validate", "diff", "new", "conflicts"],
)
def test_quiet_drops_the_summary_but_never_the_output_or_errors(args: list[str]) -> None:
    loud, quiet = invoke(*args), invoke(*args, "--quiet")
    assert loud.stderr != "" and quiet.stderr == ""
    assert (quiet.exit_code, quiet.stdout) == (loud.exit_code, loud.stdout)
    failing = invoke(*args, "--quiet", "--root", "/nonexistent")
    assert failing.exit_code == 2 and failing.stderr.startswith("Error: ")


@pytest.mark.parametrize(
    "args",
    [
        ["describe", "Acme", *ROOT],
        ["stats", *ROOT],
        ["entities", *ROOT],
        ["export", "--format", "nt", *ROOT],
        ["sparql", "ASK {}", *ROOT],
        ["query", "claims-by-kind"],  # the shipped graph: the fixture has no saved queries
        ["neighbors", "Acme", *ROOT],
        ["store", "rebuild", *ROOT],
    ],
    ids=lambda args: args[0],
)
def test_quiet_silences_the_store_notices_of_every_command(tmp_path: Path, args: list[str]) -> None:
    # A new store says it is being built (kgtool.cli.base.StderrObserver): --quiet drops it.
    loud = invoke(*args, "--store", str(tmp_path / "loud"))
    quiet = invoke(*args, "--store", str(tmp_path / "quiet"), "-q")
    assert "store" in loud.stderr and loud.exit_code == 0
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, loud.stdout, "")


def test_quiet_silences_a_drawn_page_and_a_quoted_passage(tmp_path: Path) -> None:
    page = str(tmp_path / "page.html")
    assert invoke("view", *ROOT, "-o", page).stderr.startswith("wrote ")
    assert invoke("view", *ROOT, "-o", page, "-q").stderr == ""


def test_bash_completion_script_and_completions() -> None:
    env = {**os.environ, "_KGTOOL_COMPLETE": "bash_source"}
    script = subprocess.run(
        [sys.executable, "-m", "kgtool"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert (
        "_kgtool_completion()" in script
        and "complete -o nosort -F _kgtool_completion kgtool" in script
    )
    env = {
        **os.environ,
        "_KGTOOL_COMPLETE": "bash_complete",
        "COMP_WORDS": "kgtool ent",
        "COMP_CWORD": "1",
    }
    words = subprocess.run(
        [sys.executable, "-m", "kgtool"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert words.splitlines() == ["plain,entities"]


def on_terminal(*args: str, columns: int = 500) -> tuple[int, str, str]:
    """Run ``kgtool ARGS`` with stderr on a pseudo-terminal ``columns`` wide and stdout on a
    pipe: exit code, stdout and what the terminal received."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "kgtool", *args], stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    stdout = process.stdout.read() if process.stdout else b""
    os.close(leader)
    return process.wait(), stdout.decode(), received.decode()


def steps(terminal: str) -> list[str]:
    """The lines drawn on the terminal, without the elapsed-time redraws of a slow step
    (whether a step takes a second depends on the machine's load)."""
    return [line for line in terminal.split("\r\x1b[K") if not TICK.search(line)]


def test_validate_shows_progress_on_a_terminal_only() -> None:
    code, stdout, terminal = on_terminal("validate", *ROOT)
    assert (code, stdout) == (0, "")
    from kgtool.validation import RULES

    checks = [rule.id.value for rule in RULES if rule.run is not None]
    files = ["ontology/kgtool.ttl", "ontology/shapes.ttl", "graph/claims.ttl", "graph/entities.ttl"]
    # Each step rewrites the one line; it is cleared before the summary, which alone stays.
    assert steps(terminal) == [
        "",
        *(f"loading {name} ({i}/4)" for i, name in enumerate(files)),
        *(f"checking {check} ({i}/{len(checks)})" for i, check in enumerate(checks)),
        f"done ({len(checks)}/{len(checks)})",
        "no problems in 4 files\r\n",
    ]
    piped = subprocess.run(
        [sys.executable, "-m", "kgtool", "validate", *ROOT], capture_output=True, text=True
    )
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, "", "no problems in 4 files\n")


def test_fmt_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text(UNFORMATTED, encoding="utf-8")
    code, stdout, terminal = on_terminal("fmt", "--check", str(tmp_path))
    assert code == 1
    assert stdout == f"would reformat {tmp_path / 'a.ttl'}\nwould reformat {tmp_path / 'b.ttl'}\n"
    assert steps(terminal) == [
        "",
        f"formatting {tmp_path / 'a.ttl'} (0/2)",
        f"formatting {tmp_path / 'b.ttl'} (1/2)",
        "done (2/2)",
        "2 files would be reformatted, 0 files already formatted\r\n",
    ]
    # On a narrow terminal the line is cut from the left so that it never wraps.
    _, _, narrow = on_terminal("fmt", "--check", str(tmp_path), columns=20)
    first, second = steps(narrow)[1:3]
    assert (len(first), first[0], first[-11:]) == (19, "…", "a.ttl (0/2)")
    assert (len(second), second[0], second[-11:]) == (19, "…", "b.ttl (1/2)")


BAD = b"X\xffY".decode("utf-8", "surrogateescape")  # how Click hands over undecodable bytes


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["new", "kgo:Company", BAD], "LABEL"),
        (["new", "claim", "cost", BAD], "LABEL"),
        (["new", "kgo:Company", "X", "--lang-label", f"ja={BAD}"], "--lang-label"),
        (["describe", BAD, *ROOT], "the entity name"),
        (["entities", BAD, *ROOT], "the search text"),
        (["entities", "--class", BAD, *ROOT], "the entity name"),
    ],
    ids=["new-label", "claim-label", "lang-label", "describe", "entities", "entities-class"],
)
def test_invalid_utf8_arguments_are_one_line_errors(args: list[str], what: str) -> None:
    result = invoke(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    offset = 4 if what == "--lang-label" else 1
    assert result.stderr == (
        f"Error: {what} is not valid UTF-8 (byte 0xff at byte offset {offset}) "
        "(hint: pass the text in UTF-8 (check the terminal's or script's encoding))\n"
    )


def test_invalid_utf8_in_new_and_source_add_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.ttl"
    result = invoke("new", "kgo:Company", "X", "--lang-label", f"ja={BAD}", "-o", str(target))
    assert result.exit_code == 2 and not target.exists()
    root = tmp_path / "kg"
    shutil.copytree(Path(__file__).parent / "sources_fixture", root)
    shutil.copytree(Path(__file__).parent.parent / "ontology", root / "ontology")
    (root / "queries").mkdir()
    text = tmp_path / "note.txt"
    text.write_text("テキストです。\n", encoding="utf-8")
    before = sorted(root.rglob("*"))
    result = invoke("source", "add", str(text), "--title", BAD, "--lang", "ja", "--root", str(root))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --title is not valid UTF-8 (byte 0xff at byte offset 1) "
        "(hint: pass the text in UTF-8 (check the terminal's or script's encoding))\n",
    )
    assert sorted(root.rglob("*")) == before


def test_coverage_escapes_control_characters_of_the_source_text(tmp_path: Path) -> None:
    root = tmp_path / "kg"
    shutil.copytree(Path(__file__).parent / "sources_fixture", root)
    shutil.copytree(Path(__file__).parent.parent / "ontology", root / "ontology")
    (root / "queries").mkdir()
    memo = root / "graph" / "sources" / "memo.ja.txt"
    memo.write_text(memo.read_text(encoding="utf-8") + "危険\x1b]0;x\x07です。\n", encoding="utf-8")
    result = invoke("coverage", "--root", str(root))
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert ": uncovered: sentence 6: 危険\\x1b]0;x\\x07です。\n" in result.stdout


def test_conflicts_escapes_control_characters_of_quotes(tmp_path: Path) -> None:
    from test_conflicts import AUDIT

    root = tmp_path / "kg"
    shutil.copytree(Path(__file__).parent / "sources_fixture", root)
    shutil.copytree(Path(__file__).parent.parent / "ontology", root / "ontology")
    (root / "queries").mkdir()
    audit = root / "audit.ttl"
    audit.write_text(AUDIT.replace("高いと言われます", "高い\\u001b[2Jと"), encoding="utf-8")
    result = invoke("conflicts", "--root", str(root), "--data", str(audit))
    assert result.exit_code == 1
    assert "    「学習コストは高い\\x1b[2Jと」\n" in result.stdout and "\x1b" not in result.stdout


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_step_shows_its_elapsed_time_until_the_next_one() -> None:
    import time

    from kgtool.cli.options import TerminalProgress

    terminal = FakeTerminal()
    with TerminalProgress(terminal, tick=0.05) as progress:
        progress("checking shacl", 3, 4)
        time.sleep(0.3)  # one long call, as pySHACL's is
        progress("done", 4, 4)
    lines = terminal.getvalue().split("\r\x1b[K")
    assert lines[:2] == ["", "checking shacl (3/4)"]
    assert "checking shacl (3/4) · 0 s" in lines
    assert lines[-2:] == ["done (4/4)", ""]
    assert not TerminalProgress(io.StringIO()).enabled  # not a terminal: nothing at all


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_an_in_memory_load_shows_its_bytes_on_a_terminal_only(tmp_path: Path, engine: str) -> None:
    big = tmp_path / "big.nt"
    line = '<http://example.org/s{}> <http://example.org/p> "a value long enough" .\n'
    big.write_text("".join(line.format(i) for i in range(70_000)), encoding="utf-8")
    assert big.stat().st_size > PROGRESS_MIN_BYTES  # smaller loads show nothing
    args = ("sparql", "ASK {}", "--engine", engine, "--data", str(big), *ROOT)
    code, stdout, terminal = on_terminal(*args)
    assert (code, stdout) == (0, "true\n")
    assert "loading" in terminal and "100%" in terminal
    _, _, quiet = on_terminal(*args, "-q")
    assert quiet == ""
    piped = subprocess.run(
        [sys.executable, "-m", "kgtool", *args], capture_output=True, text=True, check=True
    )
    assert (piped.stdout, piped.stderr) == ("true\n", "")
