"""The ``kgtool`` Click group, shared options and error handling.

Commands live in sibling modules and stay thin: parse options, call the library, format.
Nothing here imports rdflib, pyoxigraph, pyvis or networkx, so ``kgtool --help`` is fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kgtool.errors import KgtoolError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0  success (validate: the data conforms; diff: no difference)
  1  findings: SHACL violations, differences, files that need formatting
  2  error: unreadable or invalid input, bad query, bad option or parameter"""


class KgtoolGroup(click.Group):
    """A group that turns library errors into one-line messages with their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgtoolError as error:
            exception = click.ClickException(str(error))
            exception.exit_code = int(error.exit_code)
            raise exception from None
        except BrokenPipeError:
            # The reader (e.g. `head`) went away: not an error worth a traceback.
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=KgtoolGroup, epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgtool")
def cli() -> None:
    """kgtool: query, check, draw and grow the knowledge graph of the US–China AI rivalry.

    \b
    Examples:
      kgtool queries
      kgtool query deepseek-vs-openai-costs
      kgtool sparql 'SELECT ?s WHERE { ?s a <https://w3id.org/kgtool/ontology#Company> }'
      kgtool validate
    """


def data_options(function: F) -> F:
    """Add the data and engine options; the command receives ``project`` and ``engine_options``.

    Open the engine with ``kgtool.engines.open_engine(project, engine_options)``.
    """

    @click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        help="Knowledge-graph folder (with ontology/, graph/, queries/). Default: found from the "
        "current directory upward, else the bundled graph.",
    )
    @click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra RDF file or folder to load (repeatable).",
    )
    @click.option(
        "--engine",
        type=click.Choice(["oxigraph", "rdflib"]),
        default="oxigraph",
        show_default=True,
        help="Query engine.",
    )
    @functools.wraps(function)
    def wrapper(*args: Any, root: Path | None, data: tuple[Path, ...], engine: str, **kwargs: Any) -> Any:
        from kgtool.engines import EngineOptions
        from kgtool.project import find_project

        project = find_project(root=root, data=data)
        return function(*args, project=project, engine_options=EngineOptions(engine=engine), **kwargs)

    return wrapper  # type: ignore[return-value]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kgtool")
