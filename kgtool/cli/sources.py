"""``kgtool source add``, ``quote``, ``coverage`` and ``conflicts``: from source text to graph.

Thin commands over :mod:`kgtool.sources`, :mod:`kgtool.coverage` and :mod:`kgtool.conflicts`,
imported inside the commands so ``kgtool --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kgtool.cli.options import data_options, format_option, notice
from kgtool.labels import language_order
from kgtool.project import display_path

if TYPE_CHECKING:
    from kgtool.engines import EngineOptions
    from kgtool.project import Project

FORMAT = format_option(["table", "json"], default="table")


def _json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def source() -> None:
    """Register source texts (kgtool source add)."""


@source.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The source's title, as it writes it.")
@click.option(
    "--lang",
    required=True,
    # The article's language first, as --help has always listed them.
    type=click.Choice(language_order("ja")),
    help="The language of the text.",
)
@click.option("--publisher", help="The publishing organisation (IRI, CURIE or label in the graph).")
@click.option(
    "--published",
    metavar="DATE",
    help="The date as the source writes it (kept verbatim; also as xsd:date when it is one day).",
)
@click.option("--url", help="Where the source was published.")
@data_options
def source_add(
    project: Project,
    engine_options: EngineOptions,
    file: Path,
    title: str,
    lang: str,
    publisher: str | None,
    published: str | None,
    url: str | None,
) -> None:
    """Copy FILE into graph/sources/ and write its record to graph/source-NAME.ttl.

    The record is a schema:Report with dcterms:title, dcterms:language, kgo:localText, the
    SHA-256 of the text (kgo:textSha256), and the date as written (kgo:statedDate). A text
    already registered (same content, or same NAME) is refused; so is a missing, binary, empty
    or non-UTF-8 file. The new record is validated; if it fails, nothing is left behind.

    \b
    Examples:
      kgtool source add examples/memo/memo.ja.txt --title "社内メモ" --lang ja --published 2029年1月15日
    """
    from kgtool.engines import open_engine
    from kgtool.errors import EngineError
    from kgtool.namespaces import shorten
    from kgtool.sources import add_source
    from kgtool.validation import errors_in_file

    if engine_options.endpoint is not None:
        raise EngineError(
            "source add writes the local graph/ folder; --endpoint does not apply",
            hint="drop --endpoint",
        )
    added = add_source(
        project,
        open_engine(project, engine_options),
        file,
        title=title,
        lang=lang,
        publisher=publisher,
        published=published,
        url=url,
        validate=errors_in_file,
    )
    notice(
        f"added {shorten(added.iri)}: {display_path(added.text_path, project.root)}, "
        f"{display_path(added.turtle_path, project.root)}"
    )


@click.command()
@click.argument("source_name", metavar="SOURCE")
@click.argument("text", required=False)
@click.option("--line", type=click.IntRange(min=1), help="Look only in this line (or quote it).")
@click.option(
    "--sentence",
    type=click.IntRange(min=1),
    help="Look only in this sentence (or quote it); kgtool coverage numbers them.",
)
@click.option("--prefix", help="The text just before the quote, to pick one of several.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Append the passage to this Turtle file (created if missing) instead of printing it; "
    "'-': print it.",
)
@data_options
def quote(
    project: Project,
    engine_options: EngineOptions,
    source_name: str,
    text: str | None,
    line: int | None,
    sentence: int | None,
    prefix: str | None,
    output: Path | None,
) -> None:
    """Find TEXT verbatim in SOURCE and write a passage that selects it.

    SOURCE is a registered source's IRI or CURIE, or its text file. The passage has an
    oa:TextQuoteSelector (exact, prefix, suffix) and an oa:TextPositionSelector (start, end in
    code points of the file as held). Without TEXT, --line or --sentence quotes that whole line
    or sentence. Not found: exit 2 naming the closest match and its line:col (full-width and
    half-width forms are reported, never normalised). Found more than once: exit 2 listing every
    line:col; --prefix, --line or --sentence picks one.

    \b
    Examples:
      kgtool quote kgr:source-memo "学習コストは約120万米ドル"
      kgtool quote graph/sources/memo.ja.txt --sentence 7 -o graph/memo.ttl
    """
    from kgtool.engines import open_engine
    from kgtool.errors import DataError
    from kgtool.fileio import STDOUT
    from kgtool.namespaces import KGR, shorten
    from kgtool.sources import (
        append_passage,
        described,
        find_quote,
        passage_iri,
        passage_turtle,
        resolve_source,
    )

    engine = open_engine(project, engine_options)
    source, source_text = resolve_source(engine, project, source_name)
    found = find_quote(source_text, text, line=line, sentence=sentence, prefix=prefix)
    iri = passage_iri(source, found)
    if described(engine, iri):
        raise DataError(
            f"{shorten(iri)} already exists: this passage was quoted before",
            hint="use the existing passage",
        )
    turtle = passage_turtle(found, source, iri, source.iri.removeprefix(KGR))
    if output is None or str(output) == STDOUT:
        click.echo(turtle, nl=False)
        return
    append_passage(turtle, iri, output)
    notice(f"added {shorten(iri)} to {display_path(output)} ({found.line}:{found.column})")


@click.command(
    epilog="""\b
Exit codes:
  0  the report was printed (and is at or above --fail-under)
  1  less than --fail-under percent covered or excluded
  2  a source is not registered, or its text cannot be read
  130  interrupted by Ctrl-C"""
)
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="Exit 1 when less than PCT percent of the sentences are covered or excluded.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="List every sentence with its status, not only the uncovered.",
)
@data_options
@FORMAT
def coverage(
    project: Project,
    engine_options: EngineOptions,
    sources: tuple[str, ...],
    fail_under: float | None,
    show_all: bool,
    output_format: str,
) -> None:
    """Show which sentences of each source the graph covers.

    Each sentence is covered (a claim derives from a passage inside or overlapping it),
    excluded (a kgo:ExcludedPassage marks it as deliberately left out) or uncovered. Prints
    FILE:LINE:COLUMN for each uncovered sentence with its number (for kgtool quote --sentence),
    then the counts and the percentage covered or excluded. With --all, a covered sentence only
    partly inside passages shows how much is quoted ("covered (55% quoted)"): the rest may hold
    a clause no claim states yet. SOURCE is a registered source's IRI, CURIE or text file;
    default: every registered source.

    \b
    Examples:
      kgtool coverage
      kgtool coverage graph/sources/pictet-digital-decoupling.ja.txt --fail-under 100
    """
    from kgtool.coverage import Status
    from kgtool.coverage import coverage as run_coverage
    from kgtool.engines import open_engine
    from kgtool.tables import escape_controls

    results = run_coverage(open_engine(project, engine_options), project, sources)
    total = sum(len(r.sentences) for r in results)
    done = sum(r.count(Status.COVERED) + r.count(Status.EXCLUDED) for r in results)
    percent = 100.0 * done / total if total else 100.0
    if output_format == "json":
        _json({"percent": round(percent, 1), "sources": [r.to_dict() for r in results]})
    else:
        for result in results:
            for item in result.sentences:
                if show_all or item.status is Status.UNCOVERED:
                    s = item.sentence
                    text = escape_controls(" ".join(s.text.split()))  # one line per sentence
                    text = text if len(text) <= 40 else text[:39] + "…"
                    # A partly quoted covered sentence may hold a clause no claim states.
                    part = (
                        f" ({item.quoted:.0%} quoted)"
                        if item.status is Status.COVERED and item.quoted < 1
                        else ""
                    )
                    click.echo(
                        f"{result.file}:{s.line}:{s.column}: {item.status.value}{part}: "
                        f"sentence {s.number}: {text}"
                    )
            click.echo(
                f"{result.file}: {len(result.sentences)} sentences, "
                f"{result.count(Status.COVERED)} covered, {result.count(Status.EXCLUDED)} excluded, "
                f"{result.count(Status.UNCOVERED)} uncovered ({result.percent:.1f}%)"
            )
    if fail_under is not None and percent < fail_under:
        click.echo(f"coverage {percent:.1f}% is under --fail-under {fail_under:g}", err=True)
        click.get_current_context().exit(1)


@click.command(
    epilog="""\b
Exit codes:
  0  no conflict
  1  conflicts found
  2  the data could not be read
  130  interrupted by Ctrl-C"""
)
@data_options
@FORMAT
def conflicts(
    project: Project, engine_options: EngineOptions, output_format: str, quiet: bool
) -> None:
    """List claims about the same subject and metric whose values disagree.

    Claims are compared when they share kgo:mainSubject, kgo:measures, the kind of value (an
    amount in one currency, a fraction, a count) and kgo:referenceDate (or have none). Each
    value with its kgo:comparator is a range (atLeast 63000000 is [63000000, ∞),
    approximately is ±10%); ranges that do not meet disagree. Both quotes are shown.
    Exit 1 when there is any conflict (for CI).

    \b
    Examples:
      kgtool conflicts
      kgtool conflicts --data examples/memo --format json
    """
    from kgtool.conflicts import find_conflicts, format_conflicts
    from kgtool.engines import open_engine
    from kgtool.tables import escape_controls

    found = find_conflicts(open_engine(project, engine_options))
    if output_format == "json":
        _json([conflict.to_dict() for conflict in found])
    else:
        # Labels and quotes are data: keep each on its line, its control characters escaped.
        lines = format_conflicts(found).split("\n")
        click.echo("\n".join(escape_controls(line) for line in lines), nl=False)
    notice(f"{len(found)} conflict{'' if len(found) == 1 else 's'}", quiet)
    click.get_current_context().exit(1 if found else 0)
