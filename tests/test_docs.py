"""The README keeps up with the code: every command is documented, every saved query listed."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from kgtool.cli import cli
from kgtool.queries import load_saved_query

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md")))
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))


def section(name: str) -> str:
    """The README text between ``<!-- BEGIN section:NAME -->`` and its END marker."""
    found = re.search(
        rf"<!-- BEGIN section:{name} -->\n(.*?)<!-- END section:{name} -->", README, re.DOTALL
    )
    assert found, f"README.md has no section {name}"
    return found.group(1)


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(
    ("name", "command"), all_commands(cli), ids=[n for n, _ in all_commands(cli)]
)
def test_every_command_has_help_text(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"kgtool {name} has no help text"
    assert command.get_short_help_str(), f"kgtool {name} has no short help"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_appears_in_the_readme(name: str) -> None:
    assert re.search(rf"\bkgtool {re.escape(name)}\b", DOCS), (
        f"neither README.md nor docs/ mention `kgtool {name}`"
    )


def catalogue() -> str:
    """The saved-query catalogue: the queries section from its catalogue heading to the next heading."""
    text = section("queries")
    start = text.index("### The saved-query catalogue")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_every_saved_query_is_in_the_readme_catalogue(path: Path) -> None:
    query = load_saved_query(path)
    rows = [line for line in catalogue().splitlines() if line.startswith(f"| `{query.name}` |")]
    assert len(rows) == 1, f"the README catalogue has no row for {query.name}"
    assert f"| {query.summary} |" in rows[0], (
        f"the README catalogue row for {query.name} should show its summary"
    )


def test_the_catalogue_lists_no_missing_query() -> None:
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", catalogue(), re.MULTILINE)
    assert sorted(listed) == [p.stem for p in QUERY_FILES]
