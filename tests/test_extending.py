"""docs/EXTENDING.md and docs/editing.md (`new`, `fmt`, `diff`), run as tests.

Every ```console block is a session: lines starting with ``$ `` are commands, the lines after one
are its output (stdout and stderr as a terminal shows them). A line ``...`` stands for any number
of lines. A command ending in ``# exit N`` must exit with N (else 0). A fenced block right after
``<!-- file: PATH -->`` must be exactly the content of PATH. The commands run in a copy of the
project (a fresh git repository with one commit), ``kgtool`` in-process, plus ``rm`` and ``cp``.

To refresh the outputs after a deliberate change: ``python tests/test_extending.py`` (blocks that
contain ``...`` are left for a human to edit).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kgtool.cli import cli

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "EXTENDING.md"
EDITING = REPO / "docs" / "editing.md"
README = REPO / "README.md"
SECTION = re.compile(
    r"<!-- BEGIN section:extending -->\n(.*?)<!-- END section:extending -->", re.DOTALL
)
#: Pages whose ``mistakes`` section (error messages on the shipped examples/mistakes/ files) runs.
MISTAKES = [REPO / "docs" / "querying.md", REPO / "docs" / "validating.md"]
FENCE = re.compile(
    r"^(?:<!-- file: (?P<file>\S+) -->\n)?```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$",
    re.DOTALL | re.MULTILINE,
)
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
            if line.startswith("$ "):
                code = re.search(r"#\s*exit (\d+)\s*$", line)
                steps.append(Step(line[2:], [], int(code.group(1)) if code else 0))
            else:
                steps[-1].expected.append(line)
        found.append(steps)
    return found


def matches(expected: list[str], actual: str) -> bool:
    pattern = "".join(
        "(?:.*\n)*?" if line == "..." else re.escape(line) + "\n" for line in expected
    )
    return re.fullmatch(pattern, actual) is not None


def copy_project(target: Path) -> Path:
    for part in ("ontology", "graph", "queries", "examples"):
        shutil.copytree(REPO / part, target / part)
    draft = target / "examples" / "memo" / "draft.ttl"
    if draft.exists():
        draft.unlink()  # left over from running the guide by hand
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True, env=env)
    return target


def run_step(step: Step, workdir: Path) -> tuple[int, str]:
    args = shlex.split(step.command, comments=True)
    if args[0] == "rm":
        for name in args[1:]:
            (workdir / name).unlink()
        return 0, ""
    if args[0] == "cp":
        shutil.copy(workdir / args[1], workdir / args[2])
        return 0, ""
    assert args[0] == "kgtool", f"unsupported command in the docs: {step.command}"
    here = Path.cwd()
    os.chdir(workdir)
    try:
        result = CliRunner().invoke(cli, args[1:])
    finally:
        os.chdir(here)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def check_document(markdown: str, workdir: Path) -> None:
    for match in FENCE.finditer(markdown):
        if match.group("file"):
            assert match.group("body") == (REPO / match.group("file")).read_text(
                encoding="utf-8"
            ), match.group("file")
    for steps in sessions(markdown):
        for step in steps:
            code, output = run_step(step, workdir)
            assert (step.command, code) == (step.command, step.exit_code), output
            assert matches(step.expected, output), (
                f"$ {step.command}\n--- documented:\n"
                + "\n".join(step.expected)
                + f"\n--- actual:\n{output}"
            )


def editing_section() -> str:
    match = SECTION.search(EDITING.read_text(encoding="utf-8"))
    assert match, "docs/editing.md lacks the extending section markers"
    return match.group(1)


def test_extending_guide_runs_as_documented(tmp_path: Path) -> None:
    check_document(GUIDE.read_text(encoding="utf-8"), copy_project(tmp_path))


def test_editing_page_runs_as_documented(tmp_path: Path) -> None:
    check_document(editing_section(), copy_project(tmp_path))


@pytest.mark.parametrize("page", MISTAKES, ids=[page.name for page in MISTAKES])
def test_documented_mistakes_run_as_documented(page: Path, tmp_path: Path) -> None:
    found = re.search(
        r"<!-- BEGIN section:mistakes -->\n(.*?)<!-- END section:mistakes -->",
        page.read_text(encoding="utf-8"),
        re.DOTALL,
    )
    assert found, f"{page.name} lacks the mistakes section markers"
    check_document(found.group(1), copy_project(tmp_path))


def test_readme_tour_runs_as_documented(tmp_path: Path) -> None:
    check_document(README.read_text(encoding="utf-8"), copy_project(tmp_path))


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


def refresh(path: Path, section: bool = False) -> None:  # pragma: no cover - a maintenance tool
    """Rewrite the outputs of ``path``'s console blocks (and file blocks) from real runs."""
    import tempfile

    text = path.read_text(encoding="utf-8")
    part = SECTION.search(text).group(1) if section else text
    with tempfile.TemporaryDirectory() as folder:
        workdir = copy_project(Path(folder))

        def block(match: re.Match[str]) -> str:
            if match.group("file"):
                body = (REPO / match.group("file")).read_text(encoding="utf-8")
                return f"<!-- file: {match.group('file')} -->\n```{match.group('lang')}\n{body}```"
            if match.group("lang") != "console":
                return match.group(0)
            steps = sessions(match.group(0))[0]
            lines = []
            for step in steps:
                _, output = run_step(step, workdir)
                lines.append(f"$ {step.command}")
                lines.extend(step.expected if "..." in step.expected else output.splitlines())
            return "```console\n" + "\n".join(lines) + "\n```"

        new_part = FENCE.sub(block, part)
    path.write_text(text.replace(part, new_part), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    refresh(GUIDE)
    refresh(EDITING, section=True)
    refresh(README)
