"""`kgtool --help` must stay fast: it imports no command module and none of the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kgtool.cli import cli
from kgtool.cli.base import COMMANDS, SUMMARIES

HEAVY = ("rdflib", "pyoxigraph", "pyvis", "networkx", "pyshacl", "yaml", "jinja2")

COMMAND_HELP = [[name, "--help"] for name in sorted(cli.commands)]
REPO = Path(__file__).resolve().parent.parent


def imported_packages(*args: str) -> tuple[str, set[str]]:
    """The output of ``kgtool ARGS`` and the top-level packages it imported."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kgtool", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines() if "|" in line
    }
    return completed.stdout, {name.split(".")[0] for name in imported}


@pytest.mark.parametrize("args", [["--help"], ["--version"], *COMMAND_HELP])
def test_help_imports_no_heavy_module(args: list[str]) -> None:
    output, top_level = imported_packages(*args)
    assert output.startswith(("Usage: kgtool", "kgtool, version"))
    assert top_level.isdisjoint(HEAVY), sorted(top_level & set(HEAVY))


def test_a_saved_query_runs_without_pyyaml() -> None:
    """kgtool.yaml_subset reads the shipped headers: PyYAML's import would cost more than the
    rest of kgtool's start-up."""
    output, top_level = imported_packages(
        "query", "training-costs", "--root", str(REPO), "--format", "tsv"
    )
    assert output.startswith("?claim\t?model")
    assert "pyoxigraph" in top_level
    assert "yaml" not in top_level


@pytest.mark.parametrize("width", [50, 78, 120])
def test_help_lists_the_commands_as_click_would(width: int) -> None:
    """``kgtool --help`` writes its command list from SUMMARIES; Click's own listing, which
    imports every command for its help text, gives the same lines at any width."""
    context = click.Context(cli, info_name="kgtool")
    ours, clicks = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.format_commands(context, ours)
    click.Group.format_commands(cli, context, clicks)
    assert ours.getvalue() == clicks.getvalue()
    assert all(name in ours.getvalue() for name in COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_its_commands_short_help(name: str) -> None:
    command = cli.commands[name]
    listed = click.Command(name, help=SUMMARIES[name])
    for limit in range(10, 200):
        assert listed.get_short_help_str(limit) == command.get_short_help_str(limit), limit
    assert SUMMARIES.keys() == COMMANDS.keys()


def test_help_imports_no_command_module() -> None:
    """Listing the commands loads none of their modules; ``kgtool NAME --help`` loads NAME's."""
    script = (
        "import sys\n"
        "from kgtool.cli import cli\n"
        "try:\n"
        "    cli(sys.argv[1:], prog_name='kgtool')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('kgtool.cli.')))\n"
    )

    def loaded(*args: str) -> list[str]:
        completed = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
        )
        assert completed.stdout.startswith("Usage: kgtool")
        return ast.literal_eval(completed.stdout.splitlines()[-1])

    assert loaded("--help") == ["kgtool.cli.base"]
    assert "kgtool.cli.view" in loaded("view", "--help")
