"""``kgtool new``, ``fmt`` and ``diff``: growing the graph and reviewing the change.

Thin commands over :mod:`kgtool.scaffold`, :mod:`kgtool.turtle_format` and :mod:`kgtool.diff`,
imported inside the commands so ``kgtool --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kgtool.cli.options import (
    TerminalProgress,
    format_option,
    notice,
    quiet_option,
    root_option,
)
from kgtool.errors import ExitCode

if TYPE_CHECKING:
    from kgtool.scaffold import Catalogue


def _shown(path: Path) -> Path:
    """``path`` relative to the current directory when it lies below it, else as it is."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return Path(path)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.command("new")
@click.argument("args", nargs=-1, metavar="CLASS LABEL | claim KIND [LABEL]")
@click.option(
    "--lang-label",
    "lang_labels",
    multiple=True,
    metavar="LANG=TEXT",
    help="A label in another language, e.g. ja=ミナトAI (repeatable). LABEL is the @en label.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the stub to this Turtle file (created if missing) instead of printing it.",
)
@click.option("--iri", help="The new IRI (CURIE or full IRI) instead of the one made from LABEL.")
@click.option("--source", help="Claims: the document the passage quotes (IRI, CURIE or label).")
@click.option(
    "--list", "list_classes", is_flag=True, help="List the classes and claim kinds, then exit."
)
@format_option(
    ["table", "json"],
    default="table",
    help="Format of --list: json prints {classes: [{iri, curie}], claim_kinds: [{kind, iri, curie}]}.",
)
@quiet_option
@root_option
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra RDF file or folder whose IRIs count as existing, and where --source is looked up "
    "(repeatable; the --output file always counts).",
)
def new_command(
    args: tuple[str, ...],
    lang_labels: tuple[str, ...],
    output: Path | None,
    iri: str | None,
    source: str | None,
    list_classes: bool,
    output_format: str,
    quiet: bool,
    root: Path | None,
    data: tuple[Path, ...],
) -> None:
    """Print a Turtle stub for a new entity or claim, built from the SHACL shapes.

    \b
    kgtool new CLASS LABEL        an entity: CLASS is a CURIE or a class label
    kgtool new claim KIND [LABEL] a claim (KIND: cost, price, adoption, … or a
                                  CURIE) and the passage it is derived from

    The stub has a proposed IRI (kgr: + the LABEL), labels in @en and @ja, every
    required property with a TODO placeholder and its expected type as a comment,
    and the optional ones commented out. Placeholders fail `kgtool validate` until
    they are replaced. An IRI the data already describes is refused (exit 2).

    \b
    Examples:
      kgtool new kgo:Startup "Minato AI" --lang-label ja=ミナトAI
      kgtool new Company "Example Corp" -o graph/actors.ttl
      kgtool new claim cost "Minato-1 training cost" --source kgr:article-pictet-digital-decoupling
      kgtool new --list
    """
    from kgtool.project import find_project
    from kgtool.scaffold import append_stub, catalogue, claim_stub, entity_stub, parse_lang_labels

    project = find_project(root=root, data=data)
    if list_classes:
        found = catalogue(project)
        if output_format == "json":
            _json(found.to_dict())
        else:
            click.echo(_class_list(found), nl=False)
        return
    if output_format == "json":
        raise click.UsageError("--format json applies to --list (a stub is Turtle)")
    labels = parse_lang_labels(lang_labels)
    target = output if output != Path("-") else None  # -o -: stdout, as without -o
    if args and args[0].lower() == "claim":
        if not 2 <= len(args) <= 3:
            raise click.UsageError("usage: kgtool new claim KIND [LABEL]")
        stub = claim_stub(
            project,
            args[1],
            args[2] if len(args) == 3 else None,
            labels,
            iri=iri,
            source=source,
            target=target,
        )
    else:
        if len(args) != 2:
            raise click.UsageError(
                "usage: kgtool new CLASS LABEL  (or: kgtool new claim KIND [LABEL])"
            )
        if source is not None:
            raise click.UsageError(
                "--source is for claims: kgtool new claim KIND LABEL --source DOC"
            )
        stub = entity_stub(project, args[0], args[1], labels, iri=iri, target=target)
    from kgtool.namespaces import shorten

    names = ", ".join(shorten(i) for i in stub.iris)
    todo = _plural(stub.todo, "TODO")
    if target is None:
        click.echo(stub.text, nl=False)
        notice(f"{names}: {todo} to fill in", quiet)
    else:
        append_stub(stub, target)
        notice(f"added {names} to {_shown(target)}: {todo} to fill in", quiet)


def _class_list(catalogue: Catalogue) -> str:
    from kgtool.namespaces import shorten
    from kgtool.scaffold import kind_name

    lines = ["Classes (kgtool new CLASS LABEL):"]
    lines += [f"  {shorten(cls)}" for cls in catalogue.classes]
    lines.append("Claim kinds (kgtool new claim KIND [LABEL]):")
    lines += [f"  {kind_name(kind):<14} {shorten(kind)}" for kind in catalogue.kinds]
    return "\n".join(lines) + "\n"


def _json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 naming each file that would change."
)
@format_option(
    ["table", "json"],
    default="table",
    help="json prints {check, changed, unchanged, files: [{path, changed}]} instead of the lines.",
)
@quiet_option
@root_option
def fmt_command(
    paths: tuple[Path, ...], check: bool, output_format: str, quiet: bool, root: Path | None
) -> None:
    """Format Turtle files: deterministic, diff-friendly, comments kept.

    PATHS are .ttl files or folders (default: every .ttl under the project's graph/ and
    ontology/). Prefixes are sorted, subjects sorted within the file's comment-delimited
    sections, one predicate per line, blank nodes nested. The meaning is checked to be unchanged
    and every comment is kept; a comment that cannot be placed is an error (exit 2). Files are
    replaced atomically, and only when every file could be formatted.

    \b
    Examples:
      kgtool fmt
      kgtool fmt --check
      kgtool fmt examples/memo/memo.ttl
    """
    from kgtool.project import find_project
    from kgtool.turtle_format import format_paths

    if not paths:
        project = find_project(root=root)
        paths = tuple(_shown(p) for p in (project.graph_dir, project.ontology_dir) if p.is_dir())
    with TerminalProgress() as progress:
        results = format_paths(paths, write=not check, progress=progress)
    changed = [r for r in results if r.changed]
    if output_format == "json":
        _json(
            {
                "check": check,
                "changed": len(changed),
                "unchanged": len(results) - len(changed),
                "files": [
                    {"path": _shown(r.path).as_posix(), "changed": r.changed} for r in results
                ],
            }
        )
    else:
        for result in changed:
            click.echo(f"{'would reformat' if check else 'reformatted'} {_shown(result.path)}")
    unchanged = _plural(len(results) - len(changed), "file")
    if check:
        notice(
            f"{_plural(len(changed), 'file')} would be reformatted, {unchanged} already formatted",
            quiet,
        )
        if changed:
            click.get_current_context().exit(int(ExitCode.FINDINGS))
    else:
        notice(f"{_plural(len(changed), 'file')} reformatted, {unchanged} left unchanged", quiet)


@click.command("diff")
@click.argument("old")
@click.argument("new", default="WORKTREE")
@format_option(["table", "json"], default="table")
@quiet_option
@root_option
def diff_command(old: str, new: str, output_format: str, quiet: bool, root: Path | None) -> None:
    """Show statements added and removed between two versions of the graph.

    \b
    OLD and NEW are each one of:
      PATH       an RDF file or folder
      WORKTREE   the project's ontology/ and graph/ on disk (the default NEW)
      REV        a git revision (HEAD, HEAD~1, main, a tag): ontology/ and graph/ there
      REV:PATH   a file or folder at a revision, relative to the project folder

    Changes are grouped by subject, with labels as comments; blank nodes are compared by
    structure and language tags count. Exit 0: same statements, 1: different, 2: error.

    \b
    Examples:
      kgtool diff HEAD
      kgtool diff HEAD~1 WORKTREE --format json
      kgtool diff HEAD:graph/actors.ttl graph/actors.ttl
      kgtool diff old.ttl new.ttl
    """
    from kgtool.diff import compare, format_json, format_text, summary
    from kgtool.project import find_project

    project = find_project(root=root)
    result = compare(old, new, project.root)
    click.echo(format_json(result) if output_format == "json" else format_text(result), nl=False)
    notice(summary(result), quiet)
    if not result.same:
        click.get_current_context().exit(int(ExitCode.FINDINGS))
