"""``kgtool validate``, ``describe`` and ``stats``: checking and browsing the graph."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from kgtool.cli.options import (
    TerminalProgress,
    data_options,
    format_option,
    lang_option,
    local_data_options,
    notice,
    quiet_option,
)
from kgtool.project import display_path

if TYPE_CHECKING:
    from kgtool.engines import EngineOptions
    from kgtool.project import Project

FORMAT = format_option(["table", "json"], default="table")
LANG = lang_option()


def _json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _list_rules(context: click.Context) -> None:
    from kgtool.tables import align
    from kgtool.validation import RULES

    for line in align([[r.id.value, r.severity.value, r.summary] for r in RULES]):
        click.echo(line)
    context.exit(0)


@click.command(
    epilog="""\b
Exit codes:
  0  the data conforms (warnings and infos allowed)
  1  errors: findings of severity error (see --list-rules)
  2  the input could not be read: a missing folder, or a file that does not
     parse (every such file is listed, nothing else is checked)
  130  interrupted by Ctrl-C"""
)
@click.option(
    "--list-rules",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda context, _, value: _list_rules(context) if value else None,
    help="List the checks (id, severity, what each looks for), then exit.",
)
@local_data_options
@FORMAT
@quiet_option
def validate(project: Project, engine: str, output_format: str, quiet: bool) -> None:
    """Check syntax, SHACL shapes, quotes and lint of every file.

    Reads ontology/ (with ontology/shapes.ttl), graph/ and --data files. Each finding is one
    line, FILE:LINE:COLUMN: SEVERITY: MESSAGE, sorted by file and position (paths relative to
    the project folder); a summary goes to stderr. --list-rules lists the checks, each with
    its id (the "check" of a finding), severity and what it looks for; --quiet leaves
    the summary out.

    --format json prints {conforms, readable, errors, warnings, infos, files, findings}; each
    finding has file, line, column, severity, check, message, focus, path, shape, hint.

    validate always parses every file itself (it takes no --store or --endpoint);
    --engine rdflib runs the lint and quote queries on rdflib.

    \b
    Examples:
      kgtool validate
      kgtool validate --data examples/mistakes/new-claims.ttl --format json
    """
    from kgtool.validation import validate as run_validation

    with TerminalProgress() as progress:
        report = run_validation(project, engine, progress)
    if output_format == "json":
        _json(report.to_dict())
    else:
        for finding in report.findings:
            click.echo(finding.format())
    notice(report.summary(), quiet)
    click.get_current_context().exit(int(report.exit_code))


@click.command()
@click.argument("entity")
@click.option(
    "--where",
    is_flag=True,
    help="Say where each statement comes from, as a '# FILE:LINE' comment (a \"where\" list in "
    "JSON): the line of its object, else of its predicate, else of its subject's block.",
)
@data_options
@FORMAT
@LANG
def describe(
    project: Project,
    engine_options: EngineOptions,
    entity: str,
    where: bool,
    output_format: str,
    lang: str,
) -> None:
    """Show what the graph says about ENTITY.

    ENTITY is an IRI, a CURIE (kgr:DeepSeek) or a label or alias in any language (DeepSeek,
    ディープシーク), matched ignoring case. Prints its types, labels and aliases, outgoing and
    incoming relations, and the claims about it (kgo:about) with their kind, values and
    verbatim quotes. An unknown or ambiguous name exits 2 and lists the candidates (or
    the closest labels). --where adds the file and line each statement comes from.

    \b
    Examples:
      kgtool describe DeepSeek
      kgtool describe ディープシーク --lang ja
      kgtool describe kgr:OpenAI --format json
      kgtool describe DeepSeek --where
    """
    from kgtool.describe import describe as run_describe
    from kgtool.describe import format_description
    from kgtool.engines import open_engine

    engine = open_engine(project, engine_options)
    description = run_describe(engine, entity, lang, where=where, root=project.root)
    if output_format == "json":
        _json(description.to_dict())
    else:
        click.echo(format_description(description), nl=False)


@click.command()
@click.argument("text", required=False)
@click.option(
    "--class",
    "class_name",
    metavar="CLASS",
    help="Only instances of this class or its subclasses (CURIE, IRI or label, e.g. Company); "
    "claims and passages too when asked for (--class kgo:Claim).",
)
@data_options
@FORMAT
@LANG
def entities(
    project: Project,
    engine_options: EngineOptions,
    text: str | None,
    class_name: str | None,
    output_format: str,
    lang: str,
) -> None:
    """List the entities whose label or alias contains TEXT (all entities without TEXT).

    Labels in every language count (DeepSeek, ディープシーク), matched ignoring case, spaces
    and hyphens (deepseek r1 finds DeepSeek-R1). Without --class the entities are those
    kgtool stats counts: no claims, passages or ontology terms. The table shows each entity's
    CURIE, label (--lang), classes and, with TEXT, the label that matched; --format json prints
    a list of {iri, curie, label, labels, classes, matched}. Finding nothing is not an error.

    \b
    Examples:
      kgtool entities deepseek
      kgtool entities --class Company --lang ja
      kgtool entities 半導体 --format json
    """
    from kgtool.engines import open_engine
    from kgtool.entities import find_entities, resolve_entity
    from kgtool.tables import escape_controls, format_table

    engine = open_engine(project, engine_options)
    class_iri = resolve_entity(engine, class_name).value if class_name is not None else None
    found = find_entities(engine, text, class_iri, lang)
    if output_format == "json":
        _json([entry.to_dict() for entry in found])
        return
    header = ["entity", "label", "classes", *(["matched"] if text else [])]
    rows = [
        [
            escape_controls(cell)
            for cell in (
                entry.curie,
                entry.label or "",
                ", ".join(entry.classes),
                *([entry.matched or ""] if text else []),
            )
        ]
        for entry in found
    ]
    click.echo(format_table(header, rows), nl=False)


@click.command()
@data_options
@FORMAT
@LANG
def stats(project: Project, engine_options: EngineOptions, output_format: str, lang: str) -> None:
    """Count files, triples, entities per class, claims per kind, passages and sources.

    \b
    Examples:
      kgtool stats
      kgtool stats --data examples/memo --format json
    """
    from kgtool.engines import open_engine
    from kgtool.stats import compute_stats, format_stats

    # With --endpoint nothing is loaded locally: the endpoint's store is counted.
    files = (
        []
        if engine_options.endpoint
        else [display_path(path, project.root) for path in project.data_files]
    )
    result = compute_stats(open_engine(project, engine_options), files, lang)
    if output_format == "json":
        _json(result.to_dict())
    else:
        click.echo(format_stats(result), nl=False)
