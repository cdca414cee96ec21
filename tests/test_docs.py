"""The docs keep up with the code: every command is documented, every saved query listed."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from kgtool.cli import cli
from kgtool.queries import load_saved_query

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
# The pages written by hand (docs/cli.md is generated from --help, see test_cli_reference.py).
TOPIC_PAGES = sorted(page for page in DOCS.glob("*.md") if page.name != "cli.md")
README = (REPO / "README.md").read_text(encoding="utf-8")
PROSE = "\n".join(page.read_text(encoding="utf-8") for page in TOPIC_PAGES) + README
#: The README stays a front page (issue 12: at most 12 KB); the topics live in docs/.
README_LIMIT = 12 * 1024
QUERYING = (DOCS / "querying.md").read_text(encoding="utf-8")
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))


def section(name: str) -> str:
    """The docs/querying.md text between ``<!-- BEGIN section:NAME -->`` and its END marker."""
    found = re.search(
        rf"<!-- BEGIN section:{name} -->\n(.*?)<!-- END section:{name} -->", QUERYING, re.DOTALL
    )
    assert found, f"docs/querying.md has no section {name}"
    return found.group(1)


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command and subcommand, asked the way ``kgtool --help`` asks (the group is lazy)."""
    context = click.Context(group)
    found = []
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, f"kgtool {prefix}{name} is listed but cannot be loaded"
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix}{name} ")
    return found


COMMANDS = all_commands(cli)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_text(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"kgtool {name} has no help text"
    assert command.get_short_help_str(), f"kgtool {name} has no short help"


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_every_command_appears_in_the_docs(name: str) -> None:
    assert re.search(rf"\bkgtool {re.escape(name)}\b", PROSE), (
        f"neither README.md nor a docs/ topic page mentions `kgtool {name}`"
    )


def catalogue() -> str:
    """The saved-query catalogue: the queries section from its catalogue heading to the next heading."""
    text = section("queries")
    start = text.index("## The saved-query catalogue")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_every_saved_query_is_in_the_catalogue(path: Path) -> None:
    query = load_saved_query(path)
    rows = [line for line in catalogue().splitlines() if line.startswith(f"| `{query.name}` |")]
    assert len(rows) == 1, f"the docs/querying.md catalogue has no row for {query.name}"
    assert f"| {query.summary} |" in rows[0], (
        f"the docs/querying.md catalogue row for {query.name} should show its summary"
    )


def test_the_catalogue_lists_no_missing_query() -> None:
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", catalogue(), re.MULTILINE)
    assert sorted(listed) == [p.stem for p in QUERY_FILES]


MARKDOWN = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", MARKDOWN, ids=[p.name for p in MARKDOWN])
def test_relative_links_point_to_files_that_exist(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    broken = [t for t in targets if "://" not in t and not (page.parent / t).exists()]
    assert broken == [], f"{page.name} links to missing files: {broken}"


def test_the_readme_links_every_docs_page() -> None:
    linked = set(re.findall(r"\]\(docs/([^)#\s]+)", README))
    missing = sorted(p.name for p in DOCS.glob("*.md") if p.name not in linked)
    assert missing == [], f"README.md does not link these docs pages: {missing}"


def test_the_readme_stays_short() -> None:
    size = len(README.encode("utf-8"))
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail to a docs/ page"


def dependencies() -> list[str]:
    """Every package ``pyproject.toml`` requires, the test extra's included (lower-cased)."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    return re.findall(r'^\s*"([A-Za-z0-9_.-]+)\s*[<>=!~]', pyproject, re.MULTILINE)


@pytest.mark.parametrize("package", dependencies())
def test_the_readme_says_why_each_dependency_is_there(package: str) -> None:
    table = README[README.index("## Libraries, and why") :]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    named = {name.strip().lower() for row in rows for name in row.split("|")[1].split(",")}
    assert package.lower() in named, f"README.md's libraries table has no row for {package}"


def module_map() -> list[str]:
    """The modules listed in docs/ARCHITECTURE.md's module map, in order."""
    text = (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- BEGIN section:module-map -->\n(.*?)<!-- END section:module-map -->", text, re.DOTALL
    )
    assert found, "docs/ARCHITECTURE.md has no module-map section"
    return re.findall(r"^\| `(kgtool/[\w/]+\.py)` \|", found.group(1), re.MULTILINE)


def test_the_module_map_lists_every_module_once() -> None:
    listed = module_map()
    modules = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "kgtool").rglob("*.py"))
    assert sorted(set(listed)) == sorted(listed), "a module is listed twice"
    assert sorted(listed) == modules, (
        f"missing from the map: {sorted(set(modules) - set(listed))}; "
        f"listed but gone: {sorted(set(listed) - set(modules))}"
    )
