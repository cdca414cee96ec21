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
  1  findings: SHACL violations, differences, files that need formatting,
     no path within --max-hops
  2  error: unreadable or invalid input, bad or unsafe query, unknown entity,
     bad option or parameter, unreachable endpoint"""


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


@click.group(
    cls=KgtoolGroup,
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="kgtool")
def cli() -> None:
    """kgtool: query, check, draw and grow the knowledge graph of the US–China AI rivalry.

    \b
    Examples:
      kgtool queries
      kgtool query training-costs
      kgtool sparql 'SELECT ?s WHERE { ?s a <https://w3id.org/kgtool/ontology#Company> }'
      kgtool validate
    """


#: Loads smaller than this show no progress bar.
PROGRESS_MIN_BYTES = 4 << 20


class StderrObserver:
    """Prints store notices on stderr, and a progress bar there for long loads on a terminal."""

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream
        self._bar: Any = None
        self._shown = 0

    @property
    def stream(self) -> Any:
        return self._stream or sys.stderr

    def notice(self, message: str) -> None:
        self._close_bar()
        click.echo(message, file=self.stream)

    def progress(self, done: int, total: int) -> None:
        if total < PROGRESS_MIN_BYTES or not getattr(self.stream, "isatty", lambda: False)():
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total, label="loading", file=self.stream, show_pos=False, show_eta=False
            )
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done
        if done >= total:
            self._close_bar()

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
            self._shown = 0


#: ``--root``: for commands that need the project folder but load no data.
root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Knowledge-graph folder (with ontology/, graph/, queries/). Default: found from the "
    "current directory upward, else the bundled graph.",
)


def data_options(function: F) -> F:
    """Add the data and engine options; the command receives ``project`` and ``engine_options``.

    Open the engine with ``kgtool.engines.open_engine(project, engine_options)``.
    """

    @root_option
    @click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra RDF file or folder to load (repeatable).",
    )
    @click.option(
        "--engine",
        type=click.Choice(["auto", "oxigraph", "rdflib"]),
        default="auto",
        show_default=True,
        help="Query engine: auto is Oxigraph, or the endpoint given with --endpoint.",
    )
    @click.option(
        "--store",
        type=click.Path(file_okay=False, path_type=Path),
        help="Keep the parsed graph in a persistent Oxigraph store in this folder; later runs "
        "reopen it without parsing and reload only changed files.",
    )
    @click.option(
        "--endpoint",
        metavar="URL",
        help="Run queries on this remote SPARQL 1.1 endpoint instead of the local files. "
        "Credentials: KGTOOL_ENDPOINT_TOKEN, or KGTOOL_ENDPOINT_USER and KGTOOL_ENDPOINT_PASSWORD.",
    )
    @click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        metavar="SECONDS",
        help="How long a query on --endpoint may take.",
    )
    @click.option(
        "--endpoint-post",
        type=click.Choice(["direct", "form"]),
        default="direct",
        show_default=True,
        help="How --endpoint receives the query: direct (application/sparql-query) or form "
        "(URL-encoded; needed by Virtuoso 7).",
    )
    @click.option(
        "--allow-service",
        "allow_service",
        multiple=True,
        metavar="URL",
        help="Let SERVICE query this endpoint (repeatable); SERVICE is refused otherwise.",
    )
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        root: Path | None,
        data: tuple[Path, ...],
        engine: str,
        store: Path | None,
        endpoint: str | None,
        timeout: float,
        allow_service: tuple[str, ...],
        endpoint_post: str,
        **kwargs: Any,
    ) -> Any:
        from kgtool.engines import EngineOptions
        from kgtool.project import find_project

        project = find_project(root=root, data=data)
        options = EngineOptions(
            engine=engine,
            store=store,
            endpoint=endpoint,
            timeout=timeout,
            allow_service=allow_service,
            endpoint_post=endpoint_post,
            observer=StderrObserver(),
        )
        return function(*args, project=project, engine_options=options, **kwargs)

    return wrapper  # type: ignore[return-value]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kgtool")
