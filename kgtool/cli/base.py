"""The ``kgtool`` Click group: lazy command loading, error handling, the stderr observer.

Commands live in sibling modules (listed in :data:`COMMANDS`) and stay thin: parse options, call
the library, format. Shared options are in :mod:`kgtool.cli.options`. ``kgtool --help`` lists
the commands from :data:`SUMMARIES`, so it imports no command module (and none of rdflib,
pyoxigraph, pyvis or networkx): it costs little more than importing Click.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import MutableMapping
from typing import Any

import click

from kgtool.errors import ExitCode, KgtoolError

EXIT_CODES_HELP = """\b
Exit codes:
  0  success (validate: the data conforms; diff: no difference)
  1  findings: SHACL violations, differences, files that need formatting,
     no path within --max-hops
  2  error: unreadable or invalid input, bad or unsafe query, unknown entity,
     bad option or parameter, unreachable endpoint, query past --timeout
  130  interrupted by Ctrl-C"""


#: Command name → ``"module:function"``; a command's module is imported only when that command
#: runs (Click's lazy-loading pattern), so ``kgtool query`` loads the query commands only. Add a
#: line here, and its help's first sentence to :data:`SUMMARIES`, to add a command (a test fails
#: until both are there and agree).
COMMANDS: dict[str, str] = {
    "validate": "kgtool.cli.check:validate",
    "describe": "kgtool.cli.check:describe",
    "entities": "kgtool.cli.check:entities",
    "stats": "kgtool.cli.check:stats",
    "new": "kgtool.cli.edit:new_command",
    "fmt": "kgtool.cli.edit:fmt_command",
    "diff": "kgtool.cli.edit:diff_command",
    "export": "kgtool.cli.export:export_command",
    "store": "kgtool.cli.export:store_group",
    "queries": "kgtool.cli.query:queries_command",
    "query": "kgtool.cli.query:query_command",
    "sparql": "kgtool.cli.query:sparql_command",
    "view": "kgtool.cli.view:view_command",
    "analyze": "kgtool.cli.view:analyze_group",
    "path": "kgtool.cli.view:path_command",
    "neighbors": "kgtool.cli.view:neighbors_command",
    "communities": "kgtool.cli.view:communities_command",
    "source": "kgtool.cli.sources:source",
    "quote": "kgtool.cli.sources:quote",
    "coverage": "kgtool.cli.sources:coverage",
    "conflicts": "kgtool.cli.sources:conflicts",
}

#: Command name → the first sentence of its help, which ``kgtool --help`` shortens to fit the
#: line as Click would: listing the commands then imports none of their modules (an import of
#: every command module costs more than Click itself). tests/test_startup.py checks each one
#: against its command's help text, so they cannot drift apart.
SUMMARIES: dict[str, str] = {
    "validate": "Check syntax, SHACL shapes, quotes and lint of every file.",
    "describe": "Show what the graph says about ENTITY.",
    "entities": "List the entities whose label or alias contains TEXT (all entities without TEXT).",
    "stats": "Count files, triples, entities per class, claims per kind, passages and sources.",
    "new": "Print a Turtle stub for a new entity or claim, built from the SHACL shapes.",
    "fmt": "Format Turtle files: deterministic, diff-friendly, comments kept.",
    "diff": "Show statements added and removed between two versions of the graph.",
    "export": "Export the knowledge graph for bulk-loading into another store or graph tool.",
    "store": "Inspect or rebuild a persistent store (the folder given with --store).",
    "queries": "List the saved queries: name, summary, description and parameters.",
    "query": "Run the saved query NAME (see `kgtool queries`).",
    "sparql": "Run an ad-hoc read-only SPARQL query: given as text, with -f FILE, or '-' for stdin.",
    "view": "Draw the knowledge graph as an interactive HTML page that works offline.",
    "analyze": "Graph analytics over the entity network (claims folded into edges).",
    "path": "Show the shortest connections between entities A and B, hop by hop, with the "
    "triples and the article's quote behind each claim on the way.",
    "neighbors": "List the entities around ENTITY and the statements that link them, ring by ring.",
    "communities": "Find communities (Louvain modularity, seeded): groups of entities more "
    "linked to each other than to the rest.",
    "source": "Register source texts (kgtool source add).",
    "quote": "Find TEXT verbatim in SOURCE and write a passage that selects it.",
    "coverage": "Show which sentences of each source the graph covers.",
    "conflicts": "List claims about the same subject and metric whose values disagree.",
}


class KgtoolGroup(click.Group):
    """A group that loads its commands lazily from :data:`COMMANDS` and turns library errors
    into one-line messages with their exit code."""

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        """Every command, each module imported (for tools that inspect the group, e.g. tests)."""
        return {name: self._load(name) for name in sorted(COMMANDS)}

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        if value:  # Click passes an empty dict; commands are added through COMMANDS only
            raise TypeError("add kgtool commands to kgtool.cli.base.COMMANDS")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``kgtool --help``, as :meth:`click.Group.format_commands` writes
        it but from :data:`SUMMARIES`, importing no command module."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    @staticmethod
    def _load(name: str) -> click.Command:
        module, _, attribute = COMMANDS[name].partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgtoolError as error:
            # As click.ClickException.show prints it, with the error's own exit code.
            click.echo(f"Error: {error}", err=True)
            ctx.exit(int(error.exit_code))
        except BrokenPipeError:
            # The reader (e.g. `head`) went away: not an error worth a traceback.
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            # Ctrl-C: queries run where SIGINT reaches them (kgtool.stoppable); loads are ended
            # by watch_interrupts if they hold the main thread too long.
            _REPORTED.set()
            click.echo("kgtool: interrupted", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))


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


#: Where ``--quiet`` is recorded in the Click context (see :func:`kgtool.cli.options.quiet_option`).
QUIET_KEY = "kgtool.quiet"


def is_quiet() -> bool:
    """Whether the running command was given ``--quiet`` (False outside a command)."""
    context = click.get_current_context(silent=True)
    return bool(context and context.meta.get(QUIET_KEY))


#: Loads smaller than this show no progress bar.
PROGRESS_MIN_BYTES = 4 << 20


class StderrObserver:
    """Prints store notices on stderr, and a progress bar there for long loads on a terminal;
    nothing of either with ``--quiet``."""

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream
        self._bar: Any = None
        self._shown = 0

    @property
    def stream(self) -> Any:
        return self._stream or sys.stderr

    def notice(self, message: str) -> None:
        self._close_bar()
        if not is_quiet():
            click.echo(message, file=self.stream)

    def progress(self, done: int, total: int) -> None:
        if (
            total < PROGRESS_MIN_BYTES
            or is_quiet()
            or not getattr(self.stream, "isatty", lambda: False)()
        ):
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


#: Seconds Ctrl-C leaves the main thread to stop by itself before the process is ended.
INTERRUPT_GRACE = 0.5
#: Set once the main thread has reported Ctrl-C itself (so the watcher does not say it twice).
_REPORTED = threading.Event()


def watch_interrupts() -> None:
    """End the process within a second of Ctrl-C, even while native code holds the main thread.

    Python raises :class:`KeyboardInterrupt` only when the main thread runs bytecode again; a
    pyoxigraph load of a large file keeps it for minutes (it releases the GIL meanwhile). The C
    signal handler also writes the signal number to a wake-up pipe: a watcher thread reading it
    gives the main thread :data:`INTERRUPT_GRACE` seconds to stop normally (and say
    "interrupted"), then ends the process with exit code 130. Writes stay safe: every file is
    written to a temporary file and renamed into place (see :mod:`kgtool.fileio`).
    """
    import os
    import signal
    import time

    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def watch() -> None:
        while signal.SIGINT not in os.read(read_end, 64):
            continue
        time.sleep(INTERRUPT_GRACE)
        if not _REPORTED.is_set():
            os.write(2, b"kgtool: interrupted\n")
        os._exit(int(ExitCode.INTERRUPTED))

    threading.Thread(target=watch, name="kgtool-interrupt-watch", daemon=True).start()


def main() -> None:
    """Console-script entry point.

    After a timeout or Ctrl-C, a worker thread may still be inside pyoxigraph, which Python
    cannot stop: the process then ends at once with the command's exit code, instead of
    letting the interpreter shut down around a thread that still runs.
    """
    import os

    watch_interrupts()
    try:
        cli(prog_name="kgtool")
    except SystemExit as done:
        # Only work run through kgtool.stoppable can be abandoned: a command that never
        # imported it (``--help``) need not load it now.
        stoppable = sys.modules.get("kgtool.stoppable")
        if stoppable is not None and stoppable.abandoned():
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            code = done.code if isinstance(done.code, int) else 1 if done.code else 0
            os._exit(code)
        raise
