"""``kgtool export`` and ``kgtool store status|rebuild``, and the stderr reporter of store loads.

Thin commands over :mod:`kgtool.export` and :mod:`kgtool.engines.store`, imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kgtool.cli.base import StderrObserver
from kgtool.cli.options import (
    FormatChoice,
    data_options,
    format_option,
    quiet_option,
    root_option,
)
from kgtool.errors import ExitCode
from kgtool.export import FORMAT_NAMES

if TYPE_CHECKING:
    from kgtool.engines import EngineOptions
    from kgtool.project import Project


@click.command("export")
@click.option(
    "--format",
    "export_format",
    type=FormatChoice(FORMAT_NAMES),
    required=True,
    help="turtle (alias ttl), nt, jsonld: every statement once; nq: with each file's named graph; "
    "graphml: the entity network (claims folded onto nodes and edges).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically: a temporary file, then a rename; a link's target, a "
    "FIFO or a device directly). Default or '-': stdout.",
)
@data_options
def export_command(
    export_format: str, output: Path | None, project: Project, engine_options: EngineOptions
) -> None:
    """Export the knowledge graph for bulk-loading into another store or graph tool.

    Blank nodes are canonicalised and statements sorted: the same data gives the same bytes.

    \b
    Examples:
      kgtool export --format turtle -o kg.ttl
      kgtool export --format nq | gzip > kg.nq.gz
      kgtool export --format graphml -o kg.graphml
      kgtool export --format nt --endpoint http://localhost:7878/query
    """
    from kgtool.engines.registry import open_engine
    from kgtool.export import export_bytes
    from kgtool.fileio import write_atomic

    content = export_bytes(open_engine(project, engine_options), export_format)
    write_atomic(output or "-", content)


@click.group("store")
def store_group() -> None:
    """Inspect or rebuild a persistent store (the folder given with --store).

    \b
    Examples:
      kgtool query training-costs --store .kgtool-store
      kgtool store status --store .kgtool-store
      kgtool store rebuild --store .kgtool-store
    """


def _store_option(function: Any) -> Any:
    return click.option(
        "--store",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The store folder.",
    )(function)


def _project_options(function: Any) -> Any:
    function = click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra RDF file or folder the store holds (repeatable), as given to other commands.",
    )(function)
    return root_option(function)


@store_group.command("status")
@_store_option
@_project_options
@format_option(
    ["table", "json"],
    default="table",
    help="json prints {store, up_to_date, lines} (lines: what the text form says).",
)
def store_status(
    store: Path, root: Path | None, data: tuple[Path, ...], output_format: str
) -> None:
    """Say whether the store is up to date with the data files, without changing it.

    Exits 0 when it is up to date, 1 when the next run would load or rebuild something.
    """
    import json

    from kgtool.engines.store import status_lines
    from kgtool.project import display_path, find_project

    project = find_project(root=root, data=data)
    lines, up_to_date = status_lines(store, project.data_files)
    if output_format == "json":
        document = {"store": display_path(store), "up_to_date": up_to_date, "lines": lines}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for line in lines:
            click.echo(line)
    if not up_to_date:
        click.get_current_context().exit(int(ExitCode.FINDINGS))


@store_group.command("rebuild")
@_store_option
@_project_options
@quiet_option
def store_rebuild(store: Path, root: Path | None, data: tuple[Path, ...]) -> None:
    """Rebuild the store from scratch from the data files."""
    from kgtool.engines.store import open_store
    from kgtool.project import find_project

    project = find_project(root=root, data=data)
    open_store(store, project.data_files, StderrObserver(), rebuild=True)
