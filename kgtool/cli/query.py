"""``kgtool queries``, ``kgtool query`` and ``kgtool sparql``: saved and ad-hoc SPARQL queries.

Thin commands over :mod:`kgtool.queries` (metadata, parameters, running) and
:mod:`kgtool.output` (result formats). Library modules are imported inside the commands: ``kgtool
--help`` loads every command module, and should not load the whole library with them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kgtool.cli.options import (
    data_options,
    draw_saved_query,
    format_option,
    lang_option,
    root_option,
)
from kgtool.output import FORMAT_NAMES, GRAPH_FORMATS, RESULT_FORMATS, OutputFormat

if TYPE_CHECKING:
    from kgtool.engines.base import EngineOptions, QueryResult, QueryStream
    from kgtool.project import Project
    from kgtool.queries import SavedQuery

F = TypeVar("F", bound=Callable[..., Any])


def _names(formats: tuple[OutputFormat, ...]) -> str:
    return ", ".join(f.value for f in formats)


def result_options(function: F) -> F:
    """``-p NAME=VALUE``, ``--format`` and ``--lang``, shared by ``query`` and ``sparql``."""
    function = lang_option(
        "Label language for IRIs in table/md output and for language parameters "
        "(falls back to the other language)."
    )(function)
    function = format_option(
        FORMAT_NAMES,
        help=f"Output format. SELECT/ASK: {_names(RESULT_FORMATS)} (default: table on a "
        f"terminal, else tsv). CONSTRUCT/DESCRIBE: {_names(GRAPH_FORMATS)} (the first is the default).",
    )(function)
    function = click.option(
        "--limit",
        type=click.IntRange(min=1),
        metavar="N",
        help="Print at most N rows (CONSTRUCT/DESCRIBE: triples); a note on stderr says when "
        "more were left out.",
    )(function)
    function = click.option(
        "-p",
        "--param",
        "params",
        multiple=True,
        metavar="NAME=VALUE",
        help="Set a query parameter (repeatable). IRI parameters take an IRI, a CURIE or a label.",
    )(function)
    return function


def _run(
    query: SavedQuery,
    params: tuple[str, ...],
    output_format: str | None,
    lang: str,
    limit: int | None,
    project: Project,
    engine_options: EngineOptions,
) -> None:
    """Check everything that needs no data, load the data, run, write stdout as rows come."""
    from kgtool.engines.base import RowLimit
    from kgtool.engines.registry import open_engine
    from kgtool.output import (
        LABELLED_FORMATS,
        OutputFormat,
        check_format,
        default_format,
        fetch_labels,
        iris_to_label,
        result_chunks,
    )
    from kgtool.queries import check_parameter_names, check_query, parse_assignments, stream_query

    values = parse_assignments(params)
    check_query(query, engine_options.allow_service)
    check_parameter_names(query, values)
    kind = query.kind
    chosen = (
        OutputFormat(output_format) if output_format else default_format(kind, sys.stdout.isatty())
    )
    check_format(kind, chosen)
    engine = open_engine(project, engine_options)
    stream = stream_query(engine, query, values, lang)
    row_limit = RowLimit(limit) if limit is not None else None
    if row_limit is not None:
        stream = row_limit.apply(stream)
    result: QueryStream | QueryResult = stream
    labels: dict[str, str] = {}
    if chosen in LABELLED_FORMATS:  # aligned columns and labels need every row first
        result = stream.materialised()
        labels = fetch_labels(engine, iris_to_label(result), lang)
    pending: list[str] = []
    size = 0
    for chunk in result_chunks(result, chosen, labels):
        pending.append(chunk)
        size += len(chunk)
        if size > _WRITE_SIZE:  # one write per batch of rows, not one per row
            sys.stdout.write("".join(pending))
            pending, size = [], 0
    sys.stdout.write("".join(pending))
    sys.stdout.flush()
    if row_limit is not None and row_limit.cut:
        click.echo(f"kgtool: stopped at --limit {limit}; the query has more results", err=True)


#: Characters of output gathered before each write to stdout.
_WRITE_SIZE = 1 << 16


@click.command("queries")
@format_option(
    ["table", "json"],
    default="table",
    help="table: a listing for reading; json: a list of {name, summary, description, parameters}.",
)
@root_option
def queries_command(output_format: str, root: Path | None) -> None:
    """List the saved queries: name, summary, description and parameters.

    \b
    Examples:
      kgtool queries
      kgtool queries --format json
    """
    from kgtool.project import find_project
    from kgtool.queries import catalogue_record, catalogue_text, saved_queries

    found = saved_queries(find_project(root=root))
    if output_format == "json":
        import json

        click.echo(json.dumps([catalogue_record(q) for q in found], ensure_ascii=False, indent=2))
    else:
        click.echo(catalogue_text(found), nl=False)


@click.command("query")
@click.argument("name")
@result_options
@click.option(
    "--show", is_flag=True, help="Print the query's metadata and SPARQL instead of running it."
)
@click.option(
    "--view",
    "view_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.html",
    help="Draw the result as an interactive network in FILE.html instead (a query whose default "
    "view is graph: a CONSTRUCT, or a SELECT projecting ?source ?edge ?target).",
)
@data_options
def query_command(
    name: str,
    params: tuple[str, ...],
    output_format: str | None,
    lang: str,
    limit: int | None,
    show: bool,
    project: Project,
    engine_options: EngineOptions,
    view_path: Path | None = None,
) -> None:
    """Run the saved query NAME (see `kgtool queries`).

    \b
    Examples:
      kgtool query training-costs
      kgtool query rivals -p actor=DeepSeek --format json
      kgtool query rivals --show
    """
    from kgtool.queries import catalogue_record, find_saved_query, show_text

    query = find_saved_query(project, name)
    if show:
        if output_format == "json":
            import json

            record = {**catalogue_record(query), "file": query.source, "sparql": query.sparql}
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            click.echo(show_text(query), nl=False)
        return
    if view_path is not None:
        draw_saved_query(query, params, lang, project, engine_options, view_path)
        return
    _run(query, params, output_format, lang, limit, project, engine_options)


@click.command("sparql")
@click.argument("query_text", metavar="[QUERY | -]", required=False)
@click.option(
    "-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the query from FILE."
)
@result_options
@data_options
def sparql_command(
    query_text: str | None,
    query_file: Path | None,
    params: tuple[str, ...],
    output_format: str | None,
    lang: str,
    limit: int | None,
    project: Project,
    engine_options: EngineOptions,
) -> None:
    """Run an ad-hoc read-only SPARQL query: given as text, with -f FILE, or '-' for stdin.

    UPDATE, SERVICE, FROM / FROM NAMED and LOAD are refused before anything runs.

    \b
    Examples:
      kgtool sparql 'SELECT ?s WHERE { ?s a <https://w3id.org/kgtool/ontology#Company> }'
      kgtool sparql -f my-query.rq --format json
      echo 'ASK { ?s ?p ?o }' | kgtool sparql -
    """
    from kgtool.errors import QueryError
    from kgtool.queries import adhoc_query, decode_query

    if (query_text is None) == (query_file is None):
        raise QueryError(
            "give exactly one query: as text, with -f FILE, or '-' to read stdin",
            hint="e.g. kgtool sparql 'ASK { ?s ?p ?o }'",
        )
    if query_file is not None and str(query_file) != "-":
        source = str(query_file)
        try:
            text = decode_query(query_file.read_bytes(), source)
        except OSError as error:
            raise QueryError(f"cannot read the query file: {error.strerror}", path=source) from None
    elif query_file is not None or query_text == "-":
        # Bytes, so that text which is not UTF-8 is refused like a file's, not half-decoded.
        source, text = "stdin", decode_query(sys.stdin.buffer.read(), "stdin")
    else:
        source, text = "query", str(query_text)
    # A query read from a file resolves relative IRIs against the file's URI (SPARQL 1.1, 4.1.1).
    base_iri = query_file.resolve().as_uri() if query_file and source != "stdin" else None
    _run(
        adhoc_query(text, source, base_iri),
        params,
        output_format,
        lang,
        limit,
        project,
        engine_options,
    )
