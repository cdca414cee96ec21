"""Options shared by several commands, in one place: ``--format``, ``--lang``, ``--root``,
``--data`` and the engine options, the drawing options.

Choice lists come from the library's registries and enums (engines, output and export formats,
layouts, languages), never from a copy here. Spellings are one per thing across commands:
``table`` (alias ``text``) for output meant for reading, ``turtle`` (alias ``ttl``) for Turtle;
the alias is accepted everywhere and turned into the canonical name before the command runs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import click

from kgtool.cli.base import QUIET_KEY, StderrObserver, is_quiet
from kgtool.engines.base import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, EngineOptions
from kgtool.engines.registry import ENGINE_NAMES, ENGINES
from kgtool.labels import LANGUAGES
from kgtool.project import find_project

if TYPE_CHECKING:
    import networkx

    from kgtool.project import Project
    from kgtool.queries import SavedQuery

F = TypeVar("F", bound=Callable[..., Any])

#: Accepted spellings → the canonical one (see the module docstring).
FORMAT_ALIASES: dict[str, str] = {"text": "table", "ttl": "turtle"}


class FormatChoice(click.Choice):
    """A ``click.Choice`` that also accepts the aliases of :data:`FORMAT_ALIASES`.

    ``--help`` lists the canonical names only; an alias is turned into its canonical name.
    """

    def __init__(self, choices: Sequence[str]) -> None:
        super().__init__(list(choices))
        self.aliases = {a: name for a, name in FORMAT_ALIASES.items() if name in choices}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return super().convert(self.aliases.get(value, value), param, ctx)


def format_option(
    choices: Sequence[str], default: str | None = None, help: str = "Output format."
) -> Callable[[F], F]:
    """``--format`` (parameter ``output_format``) over ``choices``; the help names the aliases."""
    format_type = FormatChoice(choices)
    aliases = " ".join(f"{a} = {name}." for a, name in format_type.aliases.items())
    return click.option(
        "--format",
        "output_format",
        type=format_type,
        default=default,
        show_default=default is not None,
        help=f"{help} Alias: {aliases}" if aliases else help,
    )


def lang_option(
    help: str = "Language of labels (falls back to the other one).",
) -> Callable[[F], F]:
    """``--lang``: one of the label languages the library knows, ``en`` by default."""
    return click.option(
        "--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True, help=help
    )


class Drawing(NamedTuple):
    """What the drawing options asked for, as one value the commands pass on unopened (a named
    tuple: a frozen dataclass costs more start-up time, for every command that loads this module).

    :param title: ``--title``; each command has its own default heading.
    :param open_browser: ``--open``.
    :param render: every other drawing option, by its :class:`~kgtool.render.RenderOptions`
        field name (the option's destination), so a new option needs no change here.
    """

    title: str | None = None
    open_browser: bool = False
    render: Mapping[str, Any] = MappingProxyType({})


def _drawing_option_specs() -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The drawing options as ``click.option`` arguments. A destination other than ``title``
    and ``open_browser`` must be a field of :class:`~kgtool.render.RenderOptions`."""
    # Drawing modules load with the commands that draw, not with every command (e.g. ``query``);
    # the layout names alone need only kgtool.layout, not the renderer (``kgtool view --help``).
    from kgtool.layout import Layout

    return [
        (
            ("--layout",),
            {
                "type": click.Choice([layout.value for layout in Layout]),
                "default": Layout.SPRING.value,
                "show_default": True,
                "callback": lambda _context, _param, value: Layout(value),
                "help": "Seeded networkx layout computed in Python: the same data gives the same picture.",
            },
        ),
        (
            ("--seed",),
            {"type": int, "default": 42, "show_default": True, "help": "Seed of the layout."},
        ),
        (
            ("--physics/--no-physics",),
            {
                "default": None,
                "help": "Let the browser refine the layout and animate drags. Default: on up to 300 nodes.",
            },
        ),
        (("--title",), {"help": "Page heading (default: says what is drawn)."}),
        (
            ("--open", "open_browser"),
            {
                "is_flag": True,
                "help": "Open the written page in the default browser (never done otherwise).",
            },
        ),
    ]


def drawing_options(function: F) -> F:
    """``--layout``, ``--seed``, ``--physics/--no-physics``, ``--title``, ``--open``: the command
    receives them as one :class:`Drawing`, ``drawing``, to give to :func:`draw_page`."""
    specs = _drawing_option_specs()
    names = [click.Option(list(decls), **attrs).name for decls, attrs in specs]

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        chosen = {name: kwargs.pop(name) for name in names if name is not None}
        drawing = Drawing(chosen.pop("title"), chosen.pop("open_browser"), chosen)
        return function(*args, drawing=drawing, **kwargs)

    for decls, attrs in reversed(specs):
        wrapper = click.option(*decls, **attrs)(wrapper)
    return cast(F, wrapper)


def draw_page(
    graph: networkx.MultiDiGraph,
    path: Path,
    title: str,
    lang: str = "en",
    drawing: Drawing | None = None,
    **extra: Any,
) -> None:
    """Write the page as the drawing options say (``extra``: the command's own
    :class:`~kgtool.render.RenderOptions` fields), and say so on stderr (stdout stays for data)."""
    from kgtool.render import RenderOptions, open_in_browser, render_html
    from kgtool.views import page_summary

    drawing = drawing or Drawing()
    options = RenderOptions(lang=lang, title=title, **{**drawing.render, **extra})
    render_html(graph, path, options)
    notice(page_summary(graph, path))
    if drawing.open_browser:
        open_in_browser(path)


def draw_saved_query(
    query: SavedQuery,
    params: tuple[str, ...],
    lang: str,
    project: Project,
    engine_options: EngineOptions,
    path: Path,
    drawing: Drawing | None = None,
) -> None:
    """``query NAME --view`` and ``view --query NAME``: check, run and draw a saved query.

    :raises QueryError: when the query's result cannot be drawn (checked before loading data).
    """
    from kgtool.engines.registry import open_engine
    from kgtool.queries import check_parameter_names, check_query, parse_assignments
    from kgtool.views import check_drawable, query_network

    values = parse_assignments(params)
    check_query(query, engine_options.allow_service)
    check_parameter_names(query, values)
    check_drawable(query)
    engine = open_engine(project, engine_options)
    graph = query_network(engine, project, query, values, lang)
    title = (drawing and drawing.title) or query.summary or query.name
    draw_page(graph, path, title, lang, drawing)


def _remember_quiet(context: click.Context, _: click.Parameter, value: bool) -> bool:
    # ``meta`` is shared by every context of one run: a group's option reaches its commands.
    context.meta[QUIET_KEY] = context.meta.get(QUIET_KEY, False) or value
    return value


def quiet_option(function: F) -> F:
    """``-q``/``--quiet``: no summary or notice on stderr (errors are always shown).

    The command receives ``quiet`` only when it has a parameter of that name; :func:`notice`,
    :func:`draw_page` and :class:`~kgtool.cli.base.StderrObserver` (store notices, load
    progress) honour it anyway, through :func:`is_quiet`.
    """
    import inspect

    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value="quiet" in inspect.signature(function).parameters,
        callback=_remember_quiet,
        help="Print no summary, notice or progress on stderr (errors are still shown).",
    )(function)


def notice(message: str, quiet: bool = False) -> None:
    """A summary or notice on stderr, unless ``--quiet``."""
    if not (quiet or is_quiet()):
        click.echo(message, err=True)


#: Seconds between two redraws of the elapsed time of a step that is still running.
TICK_SECONDS = 1.0


class TerminalProgress:
    """Progress of a long operation on stderr, only when stderr is a terminal: one line
    (``step done/total``) rewritten in place and cleared at the end, so nothing of it stays in
    the output. A step still running after :data:`TICK_SECONDS` gets its elapsed time
    (``· 12 s``), redrawn every tick by a background thread, since one step (a large file, the
    SHACL check) can be one long call. Pass it as a library function's ``progress`` callback;
    use it in ``with``. Nothing with ``--quiet``."""

    def __init__(self, stream: Any = None, tick: float = TICK_SECONDS) -> None:
        import threading

        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(callable(isatty) and isatty()) and not is_quiet()
        self.shown = False
        self.tick = tick
        self._line = ""
        self._started = 0.0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        import threading
        import time

        from kgtool.tables import escape_controls

        with self._lock:
            # The step is data (a file name): escaped.
            self._line = f"{escape_controls(step)} ({done}/{total})"
            self._started = time.monotonic()
            self._draw(self._line)
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="kgtool-progress", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        import time

        while not self._stopped.wait(self.tick):
            with self._lock:
                elapsed = time.monotonic() - self._started
                if elapsed >= self.tick and not self._stopped.is_set():
                    self._draw(f"{self._line} · {elapsed:.0f} s")

    def _draw(self, line: str) -> None:
        # \r and "erase to end of line" rewrite the one line, so it must not wrap.
        import os
        import shutil

        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):  # not a real terminal (e.g. in tests)
            columns = 0
        width = (columns or shutil.get_terminal_size().columns) - 1
        if len(line) > width:
            line = "…" + line[len(line) - width + 1 :]
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()
        self.shown = True

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


#: ``--root``: for commands that need the project folder but load no data.
root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Knowledge-graph folder (with ontology/, graph/, queries/). Default: found from the "
    "current directory upward, else the bundled graph.",
)


#: ``--data``: extra RDF files or folders, for every command that loads the project's data.
data_option = click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra RDF file or folder to load (repeatable).",
)


def local_data_options(function: F) -> F:
    """``--root``, ``--data`` and ``--engine`` over the local engines only, for commands that
    always parse the files themselves (``validate``); the command receives ``project`` and
    ``engine`` (a name of :data:`~kgtool.engines.registry.ENGINES`, or ``auto``)."""

    @root_option
    @data_option
    @click.option(
        "--engine",
        type=click.Choice(["auto", *ENGINES]),
        default="auto",
        show_default=True,
        help="Engine the queries of the checks run on: auto is Oxigraph.",
    )
    @functools.wraps(function)
    def wrapper(*args: Any, root: Path | None, data: tuple[Path, ...], **kwargs: Any) -> Any:
        return function(*args, project=find_project(root=root, data=data), **kwargs)

    return cast(F, wrapper)


def data_options(function: F) -> F:
    """Add the data and engine options and ``--quiet``; the command receives ``project`` and
    ``engine_options`` (and ``quiet`` if it has that parameter, see :func:`quiet_option`).

    Open the engine with :func:`kgtool.engines.registry.open_engine`.
    """

    @root_option
    @data_option
    @quiet_option
    @click.option(
        "--engine",
        type=click.Choice(ENGINE_NAMES),
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
        default=DEFAULT_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help="How long a query may take: on the local engines, the time spent evaluating it; "
        "on --endpoint, the whole request. Then the query stops with exit code 2.",
    )
    @click.option(
        "--max-response-mb",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_RESPONSE_BYTES >> 20,
        show_default=True,
        metavar="MB",
        help="The largest answer read from --endpoint; a larger one is an error.",
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
        max_response_mb: int,
        allow_service: tuple[str, ...],
        endpoint_post: str,
        **kwargs: Any,
    ) -> Any:
        project = find_project(root=root, data=data)
        options = EngineOptions(
            engine=engine,
            store=store,
            endpoint=endpoint,
            timeout=timeout,
            max_response_bytes=max_response_mb << 20,
            allow_service=allow_service,
            endpoint_post=endpoint_post,
            observer=StderrObserver(),
        )
        return function(*args, project=project, engine_options=options, **kwargs)

    return cast(F, wrapper)
