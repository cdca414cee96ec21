"""Help texts and docs name only what exists: saved queries in examples, options a command takes."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from kgtool.cli import cli

REPO = Path(__file__).resolve().parent.parent
SAVED = {path.stem for path in (REPO / "queries").glob("*.rq")}


def helps(parent: click.Context) -> dict[str, str]:
    """Every command's --help text below ``parent``, by its full name."""
    found = {}
    group = parent.command
    assert isinstance(group, click.Group)
    for name, command in group.commands.items():
        # A child context inherits the group's settings (-h); Click caches the help option.
        context = click.Context(command, info_name=name, parent=parent)
        found[context.command_path] = command.get_help(context)
        if isinstance(command, click.Group):
            found.update(helps(context))
    return found


TEXTS = {
    **{
        f"{name} --help": text
        for name, text in helps(
            click.Context(cli, info_name="kgtool", **cli.context_settings)
        ).items()
    },
    **{
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    },
}


@pytest.mark.parametrize("where", sorted(TEXTS))
def test_saved_queries_named_in_help_and_docs_exist(where: str) -> None:
    lines = [
        line for line in TEXTS[where].splitlines() if "# exit 2" not in line
    ]  # typos on purpose
    named = set(re.findall(r"kgtool query ([a-z][a-z0-9-]+)", "\n".join(lines)))
    assert named - SAVED == set()


@pytest.mark.parametrize("where", sorted(name for name in TEXTS if name.endswith("--help")))
def test_files_in_help_examples_are_shipped(where: str) -> None:
    """Data an example of --help loads is shipped (graph/ files may come from an earlier step)."""
    examples = TEXTS[where].partition("Examples:")[2].partition("Options:")[0]
    for data, path in re.findall(r"--data ([\w./-]+)|\s(examples/[\w./-]+)", examples):
        assert (REPO / (data or path)).exists(), data or path
