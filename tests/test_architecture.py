"""The architecture holds: import-linter's layer contracts, choices read from the registries,
format aliases, lazy command loading, and export refusing an engine that cannot list quads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from kgtool.engines import ENGINE_NAMES, QueryResult
from kgtool.engines.registry import DEFAULT_ENGINE, ENGINES
from kgtool.errors import EngineError
from kgtool.export import export_bytes
from kgtool.rdf.sparql import PreparedQuery, Term


def test_import_contracts_are_kept(repo: Path) -> None:
    completed = subprocess.run(
        ["lint-imports", "--no-cache"], cwd=repo, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout[-2000:]
    assert "0 broken" in completed.stdout


def test_a_layer_violation_breaks_the_contract(tmp_path: Path) -> None:
    """The same kind of contract fails on an import that climbs back up (here core → cli)."""
    package = tmp_path / "layered"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text("import layered.core\n")
    (package / "core.py").write_text("def f():\n    import layered.cli\n")
    config = tmp_path / "contracts.ini"
    config.write_text(
        textwrap.dedent("""\
            [importlinter]
            root_package = layered
            [importlinter:contract:layers]
            name = layers
            type = layers
            containers = layered
            layers =
                cli
                core
            """)
    )
    completed = subprocess.run(
        ["lint-imports", "--no-cache", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": str(tmp_path),
            "PATH": "/usr/bin:/bin:" + str(Path(sys.executable).parent),
        },
    )
    assert completed.returncode == 1
    assert "layered.core is not allowed to import layered.cli" in completed.stdout


def _choices(command: str, option: str, group: str | None = None) -> tuple[str, ...]:
    found = cli.commands[group or command]
    if group:
        assert isinstance(found, click.Group)
        found = found.commands[command]
    param = next(p for p in found.params if p.name == option)
    assert isinstance(param.type, click.Choice)
    return tuple(param.type.choices)


@pytest.mark.parametrize("command", ["query", "sparql", "validate", "export", "view", "path"])
def test_engine_choices_come_from_the_registry(command: str) -> None:
    assert _choices(command, "engine") == ENGINE_NAMES == ("auto", *ENGINES)


def test_listing_engine_names_imports_no_engine() -> None:
    code = (
        "import sys, kgtool.engines.registry as r; print(r.ENGINE_NAMES); "
        "print(sorted(m for m in sys.modules if m.startswith('kgtool.engines.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Compared with the registry itself, so registering an engine needs no change here.
    assert out.stdout.splitlines() == [
        repr(ENGINE_NAMES),
        "['kgtool.engines.base', 'kgtool.engines.registry']",
    ]
    assert ENGINE_NAMES[0] == "auto" and DEFAULT_ENGINE in ENGINE_NAMES


@pytest.mark.parametrize(
    ("args", "alias", "canonical"),
    [
        (["validate"], "text", "table"),
        (["diff", "HEAD"], "text", "table"),
        (["export"], "ttl", "turtle"),
        (["sparql", "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 2"], "ttl", "turtle"),
        (["neighbors", "DeepSeek"], "text", "table"),
    ],
)
def test_format_aliases_give_the_canonical_output(
    repo: Path, args: list[str], alias: str, canonical: str
) -> None:
    runner = CliRunner()
    by_alias = runner.invoke(cli, [*args, "--format", alias, "--root", str(repo)])
    by_name = runner.invoke(cli, [*args, "--format", canonical, "--root", str(repo)])
    assert by_alias.exit_code == by_name.exit_code
    assert by_alias.output == by_name.output
    assert by_name.output


def test_help_lists_canonical_format_names_only() -> None:
    assert _choices("validate", "output_format") == ("table", "json")
    assert "turtle" in _choices("export", "export_format")
    assert "ttl" not in _choices("export", "export_format")


def test_a_command_imports_only_its_own_command_module(repo: Path) -> None:
    code = textwrap.dedent("""\
        import sys
        from kgtool.cli import cli
        try:
            cli(["query", "training-costs", "--show"])
        except SystemExit:
            pass
        print(sorted(m for m in sys.modules if m.startswith("kgtool.cli.")), file=sys.stderr)
        """)
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    )
    assert completed.stderr.splitlines()[-1] == str(
        ["kgtool.cli.base", "kgtool.cli.options", "kgtool.cli.query"]
    )


class _NoQuads:
    name = "custom"
    allow_service: tuple[str, ...] = ()

    def query(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryResult:
        raise AssertionError("export must not fall back to a query")


def test_export_refuses_an_engine_without_quads() -> None:
    with pytest.raises(EngineError) as raised:
        export_bytes(_NoQuads(), "nq")
    assert str(raised.value) == (
        "the custom engine cannot list its statements, so it cannot be exported "
        "(hint: give the engine a quads() method, or export with --engine oxigraph)"
    )


#: Old module paths kept importable for one release (docs/ARCHITECTURE.md): for other people's
#: code only. kgtool's own modules import the new paths, so the shims can simply be deleted.
SHIMS = ("kgtool.graph", "kgtool.sparql", "kgtool.store", "kgtool.endpoint")


def test_kgtool_does_not_import_its_own_shims(repo: Path) -> None:
    import ast

    shim_files = {repo / (name.replace(".", "/") + ".py") for name in SHIMS}
    for path in sorted((repo / "kgtool").rglob("*.py")):
        if path in shim_files:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not set(names) & set(SHIMS), f"{path.relative_to(repo)} imports {names}"
