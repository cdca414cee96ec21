"""``kgtool view``, ``analyze``, ``path``, ``neighbors``, ``communities``: interactive network
views and graph analytics.

Thin commands over :mod:`kgtool.network` (RDF → networkx), :mod:`kgtool.render` (HTML) and
:mod:`kgtool.analysis` (networkx algorithms); all are imported inside the commands.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kgtool.cli.base import cli, data_options

if TYPE_CHECKING:
    import networkx

    from kgtool.engines import Engine, EngineOptions
    from kgtool.project import Project
    from kgtool.queries import SavedQuery

F = TypeVar("F", bound=Callable[..., Any])

LANGUAGES = ("en", "ja")
#: Kept equal to kgtool.render.Layout (a test checks), so --help need not import it.
LAYOUTS = ("spring", "kamada-kawai", "circular", "shell")
FORMATS = ("table", "json", "csv")


# --- shared options -----------------------------------------------------------------------------


def lang_option(function: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default="en",
        show_default=True,
        help="Label language (tooltips and JSON show both).",
    )(function)


def drawing_options(function: F) -> F:
    """``--layout``, ``--seed``, ``--physics/--no-physics``, ``--title``, ``--open``."""
    for decorator in reversed(
        [
            click.option(
                "--layout",
                type=click.Choice(LAYOUTS),
                default="spring",
                show_default=True,
                help="Seeded networkx layout computed in Python: the same data gives the same picture.",
            ),
            click.option(
                "--seed", type=int, default=42, show_default=True, help="Seed of the layout."
            ),
            click.option(
                "--physics/--no-physics",
                default=None,
                help="Let the browser refine the layout and animate drags. Default: on up to 300 nodes.",
            ),
            click.option("--title", help="Page heading (default: says what is drawn)."),
            click.option(
                "--open",
                "open_browser",
                is_flag=True,
                help="Open the written page in the default browser (never done otherwise).",
            ),
        ]
    ):
        function = decorator(function)
    return function


def analysis_output_options(function: F) -> F:
    """``--format`` and ``--view`` for the analytics commands."""
    function = click.option(
        "--view",
        "view_path",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE.html",
        help="Also draw the result as an interactive network in FILE.html.",
    )(function)
    function = click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(function)
    return function


# --- formatting -----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _cell(value: Any) -> str:
    """One line of text: control characters shown as escapes (no terminal tricks from labels)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def _width(text: str) -> int:
    """Terminal columns: East Asian wide and fullwidth characters take two."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
        for ch in text
    )


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], output_format: str) -> str:
    """Rows as an aligned table, CSV or JSON (a list of objects, keys in column order).

    >>> print(format_rows(["a", "b"], [["x", 1.5]], "table"), end="")
    a  b
    -  ---
    x  1.5
    (1 row)
    """
    if output_format == "json":
        records = [dict(zip(columns, row)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) if isinstance(v, float) else v for v in row] for row in rows])
        return buffer.getvalue()
    body = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(c), *(_width(r[i]) for r in body)]) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return (
            "  ".join(
                cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells)
            ).rstrip()
            + "\n"
        )

    count = len(body)
    return (
        line(columns)
        + line(["-" * w for w in widths])
        + "".join(line(r) for r in body)
        + f"({count} row{'' if count == 1 else 's'})\n"
    )


def _curie(iri: str) -> str:
    from kgtool.namespaces import shorten

    return shorten(iri) if "://" in iri or iri.startswith("urn:") else iri


# --- helpers ----------------------------------------------------------------------------------------


def _network(
    project: Project,
    engine_options: EngineOptions,
    show_claims: bool = False,
    show_ontology: bool = False,
) -> tuple[Engine, networkx.MultiDiGraph]:
    from kgtool.engines import open_engine
    from kgtool.network import ProjectionOptions, project_graph

    engine = open_engine(project, engine_options)
    return engine, project_graph(
        engine,
        ProjectionOptions(
            show_claims=show_claims, show_ontology=show_ontology, text_root=project.graph_dir
        ),
    )


def _entity(engine: Engine, text: str) -> str:
    from kgtool.entities import resolve_entity

    return resolve_entity(engine, text).value


def _draw(
    graph: networkx.MultiDiGraph,
    path: Path,
    title: str,
    lang: str = "en",
    layout: str = "spring",
    seed: int = 42,
    physics: bool | None = None,
    open_browser: bool = False,
    **extra: Any,
) -> None:
    """Write the page and say so on stderr (stdout stays for data)."""
    from kgtool.render import Layout, RenderOptions, open_in_browser, render_html

    options = RenderOptions(
        lang=lang, layout=Layout(layout), seed=seed, title=title, physics=physics, **extra
    )
    render_html(graph, path, options)
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    click.echo(
        f"wrote {path} ({nodes} node{'s' if nodes != 1 else ''}, {edges} edge{'s' if edges != 1 else ''})",
        err=True,
    )
    if open_browser:
        open_in_browser(path)


def draw_saved_query(
    query: SavedQuery,
    params: tuple[str, ...],
    lang: str,
    project: Project,
    engine_options: EngineOptions,
    path: Path,
    **drawing: Any,
) -> None:
    """Run a saved query and draw its result (used by ``view --query`` and ``query --view``).

    :raises QueryError: when the query is neither a CONSTRUCT nor a SELECT projecting
        ``?source ?edge ?target``.
    """
    from kgtool.engines import QueryKind, open_engine
    from kgtool.errors import QueryError
    from kgtool.network import ProjectionOptions, project_result
    from kgtool.queries import check_parameter_names, check_query, parse_assignments, run_query
    from kgtool.sparql import variables

    values = parse_assignments(params)
    check_query(query, getattr(engine_options, "allow_service", ()))
    check_parameter_names(query, values)
    drawable = query.kind is QueryKind.GRAPH or (
        query.kind is QueryKind.SELECT
        and {"source", "edge", "target"} <= set(variables(query.sparql))
    )
    if not drawable:
        why = f"its default view is {query.view}"
        if query.view == "graph":
            why = "it says its default view is graph, but it is a SELECT without ?source ?edge ?target"
        raise QueryError(
            f"query '{query.name}' cannot be drawn: {why}",
            path=query.source,
            hint="draw a CONSTRUCT, or a SELECT projecting ?source ?edge ?target, marked '#+ kgtool: {view: graph}'",
        )
    engine = open_engine(project, engine_options)
    result = run_query(engine, query, values, lang)
    graph = project_result(engine, result, ProjectionOptions(text_root=project.graph_dir))
    title = drawing.pop("title", None) or query.summary or query.name
    _draw(graph, path, title, lang, **drawing)


# --- view ---------------------------------------------------------------------------------------------


@cli.command("view")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="FILE.html",
    help="Write the page here (UTF-8, replaced atomically).",
)
@click.option(
    "--query",
    "query_name",
    metavar="NAME",
    help="Draw a saved query: a CONSTRUCT, or a SELECT projecting ?source ?edge ?target.",
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of --query (repeatable).",
)
@click.option(
    "--focus",
    metavar="ENTITY",
    help="Draw only what lies around ENTITY (IRI, CURIE or label in en/ja).",
)
@click.option("--depth", type=int, help="Hops around --focus (default 1).")
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="CLASS",
    help="Keep only instances of CLASS (CURIE or label; subclasses included). Repeatable.",
)
@click.option(
    "--show-claims",
    is_flag=True,
    help="Draw claims and passages as nodes instead of folding them into edges.",
)
@click.option(
    "--show-ontology", is_flag=True, help="Also draw the ontology's classes and properties."
)
@lang_option
@drawing_options
@data_options
def view_command(
    output: Path,
    query_name: str | None,
    params: tuple[str, ...],
    focus: str | None,
    depth: int | None,
    classes: tuple[str, ...],
    show_claims: bool,
    show_ontology: bool,
    lang: str,
    layout: str,
    seed: int,
    physics: bool | None,
    title: str | None,
    open_browser: bool,
    project: Project,
    engine_options: EngineOptions,
) -> None:
    """Draw the knowledge graph as an interactive HTML page that works offline.

    By default the whole graph: entities coloured and shaped by class (see the legend), sized by
    connections, claims folded into the edges and tooltips they back, with the article's quotes.

    \b
    Examples:
      kgtool view -o graph.html
      kgtool view -o deepseek.html --focus DeepSeek --depth 2
      kgtool view -o actors.html --class Actor --lang ja
      kgtool view -o rivals.html --query rivalry-network
    """
    from kgtool.errors import KgtoolError

    drawing = {"layout": layout, "seed": seed, "physics": physics, "open_browser": open_browser}
    if depth is not None and focus is None:
        raise KgtoolError("--depth needs --focus", hint="e.g. --focus DeepSeek --depth 2")
    if depth is not None and depth < 0:
        raise KgtoolError(f"--depth must be 0 or more, not {depth}")
    if query_name is not None:
        if focus or classes or show_claims or show_ontology:
            raise KgtoolError(
                "--query draws the query's result as it is",
                hint="drop --focus, --class, --show-claims and --show-ontology, or drop --query",
            )
        from kgtool.queries import find_saved_query

        query = find_saved_query(project, query_name)
        draw_saved_query(
            query, params, lang, project, engine_options, output, title=title, **drawing
        )
        return
    if params:
        raise KgtoolError(
            "-p/--param sets parameters of --query", hint="add --query NAME, or drop -p"
        )
    from kgtool.network import ego_graph, filter_classes, resolve_class

    engine, graph = _network(project, engine_options, show_claims, show_ontology)
    heading = title
    if classes:
        iris = [resolve_class(engine, text) for text in classes]
        graph = filter_classes(graph, iris)
        names = ", ".join(
            graph.graph["classes"].get(i, {}).get(f"label_{lang}", _curie(i)) for i in iris
        )
        heading = heading or (
            f"{names} in the US–China AI knowledge graph"
            if lang == "en"
            else f"米中AIナレッジグラフの{names}"
        )
    if focus is not None:
        node = _entity(engine, focus)
        hops = 1 if depth is None else depth
        graph = ego_graph(graph, node, hops)
        label = graph.nodes[node][f"label_{lang}"]
        heading = heading or (
            f"Around {label} ({hops} hop{'s' if hops != 1 else ''})"
            if lang == "en"
            else f"{label}の周辺({hops}ホップ)"
        )
    default = "US–China AI knowledge graph" if lang == "en" else "米中AIナレッジグラフ"
    _draw(graph, output, heading or default, lang, **drawing)


# --- analytics ----------------------------------------------------------------------------------------


@cli.group("analyze")
def analyze_group() -> None:
    """Graph analytics over the entity network (claims folded into edges)."""


@analyze_group.command("centrality")
@click.option(
    "--metric",
    type=click.Choice(["degree", "betweenness", "pagerank"]),
    default="degree",
    show_default=True,
    help="degree: share of entities linked; betweenness: share of shortest paths through; pagerank.",
)
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="CLASS",
    help="Rank only instances of CLASS (repeatable).",
)
@click.option("--top", type=int, default=10, show_default=True, help="How many entities to list.")
@lang_option
@analysis_output_options
@drawing_options
@data_options
def centrality_command(
    metric: str,
    classes: tuple[str, ...],
    top: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    **drawing: Any,
) -> None:
    """Rank entities by centrality: which ones hold the network together.

    \b
    Examples:
      kgtool analyze centrality
      kgtool analyze centrality --metric betweenness --class Company --top 5
      kgtool analyze centrality --format json --view central.html
    """
    from kgtool.analysis import centrality, centrality_subgraph
    from kgtool.network import resolve_class

    engine, graph = _network(project, engine_options)
    iris = tuple(resolve_class(engine, text) for text in classes)
    ranked = centrality(graph, metric, iris, top, lang)
    columns = ["rank", "entity", "label", "class", metric]
    if output_format == "json":
        columns = ["rank", "entity", "label_en", "label_ja", "class", metric]
        rows = [[r.rank, r.node, r.label_en, r.label_ja, r.kind, r.score] for r in ranked]
    else:
        rows = [
            [r.rank, _curie(r.node), r.label_en if lang == "en" else r.label_ja, r.kind, r.score]
            for r in ranked
        ]
    click.echo(format_rows(columns, rows, output_format), nl=False)
    if view_path is not None:
        title = drawing.pop("title", None) or f"Top {len(ranked)} entities by {metric}"
        _draw(
            centrality_subgraph(graph, ranked), view_path, title, lang, size_by="score", **drawing
        )


@cli.command("path")
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@click.option(
    "--max-hops", type=int, default=4, show_default=True, help="Longest connection to look for."
)
@click.option(
    "--limit", type=int, default=5, show_default=True, help="At most this many shortest paths."
)
@lang_option
@analysis_output_options
@drawing_options
@data_options
def path_command(
    source: str,
    target: str,
    max_hops: int,
    limit: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    **drawing: Any,
) -> None:
    """Show the shortest connections between entities A and B, hop by hop, with the triples
    and the article's quote behind each claim on the way.

    Exits with 1 when A and B are not connected within --max-hops (a finding, like grep
    finding nothing); 2 for bad input such as an unknown entity.

    \b
    Examples:
      kgtool path DeepSeek "CHIPS Act"
      kgtool path kgr:OpenAI 中国 --format json
      kgtool path DeepSeek Nvidia --max-hops 6 --view path.html
    """
    from kgtool.analysis import NoPathError, paths_subgraph, shortest_paths, statement_record

    engine, graph = _network(project, engine_options)
    a, b = _entity(engine, source), _entity(engine, target)
    try:
        paths = shortest_paths(graph, a, b, max_hops, limit, lang)
    except NoPathError as finding:
        click.echo(f"No path: {finding}", err=True)
        raise SystemExit(int(finding.exit_code)) from None
    if output_format == "json":
        records = [
            {
                "path": index,
                "length": len(path.hops),
                "nodes": list(path.nodes),
                "hops": [
                    {
                        "from": hop.source,
                        "to": hop.target,
                        "statements": [statement_record(s) for s in hop.statements],
                    }
                    for hop in path.hops
                ],
            }
            for index, path in enumerate(paths, 1)
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        columns = [
            "path",
            "hop",
            "via",
            "subject",
            "predicate",
            "object",
            "subject_label",
            "predicate_label",
            "object_label",
            "claims",
            "quotes",
        ]
        rows = [
            [
                index,
                number,
                s.via,
                _curie(s.subject),
                _curie(s.predicate),
                _curie(s.object),
                s.subject_label,
                s.predicate_label,
                s.object_label,
                " ".join(_curie(c.iri) for c in s.claims),
                " | ".join(q for c in s.claims for q in c.quotes),
            ]
            for index, path in enumerate(paths, 1)
            for number, hop in enumerate(path.hops, 1)
            for s in hop.statements
        ]
        click.echo(format_rows(columns, rows, "csv"), nl=False)
    else:
        click.echo(_paths_text(paths, lang), nl=False)
    if view_path is not None:
        title = (
            drawing.pop("title", None)
            or f"{graph.nodes[a][f'label_{lang}']} ↔ {graph.nodes[b][f'label_{lang}']}"
        )
        _draw(paths_subgraph(graph, paths), view_path, title, lang, **drawing)


def _paths_text(paths: Sequence[Any], lang: str) -> str:
    """Paths for reading: each hop's triples, then each backing claim with its quotes."""
    lines = []
    for index, path in enumerate(paths, 1):
        hops = len(path.hops)
        lines.append(f"Path {index} ({hops} hop{'s' if hops != 1 else ''})")
        for number, hop in enumerate(path.hops, 1):
            for statement in hop.statements:
                ends = f"{_curie(statement.subject)}, {_curie(statement.object)}"
                arrow = f"{_cell(statement.subject_label)} —{_cell(statement.predicate_label)}→ {_cell(statement.object_label)}"
                lines.append(f"  {number}. {arrow}")
                if statement.via == "triple":
                    lines.append(
                        f"      {_curie(statement.subject)} {_curie(statement.predicate)} {_curie(statement.object)}"
                    )
                for claim in statement.claims:
                    kind = claim.kind_en if lang == "en" else claim.kind_ja
                    lines.append(f"      {kind} {_curie(claim.iri)}")
                    if statement.via == "claims":
                        lines.append(f"        {_curie(claim.iri)} kgo:about {ends}")
                    lines.extend(f"        「{_cell(quote)}」" for quote in claim.quotes)
    return "\n".join(lines) + "\n"


@cli.command("neighbors")
@click.argument("entity")
@click.option("--depth", type=int, default=1, show_default=True, help="How many hops out.")
@lang_option
@analysis_output_options
@drawing_options
@data_options
def neighbors_command(
    entity: str,
    depth: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    **drawing: Any,
) -> None:
    """List the entities around ENTITY and the statements that link them, ring by ring.

    \b
    Examples:
      kgtool neighbors DeepSeek
      kgtool neighbors 米国 --depth 2 --lang ja
      kgtool neighbors kgr:OpenAI --format csv --view openai.html
    """
    from kgtool.analysis import neighbors, neighbors_subgraph

    engine, graph = _network(project, engine_options)
    node = _entity(engine, entity)
    rows = neighbors(graph, node, depth, lang)
    columns = ["distance", "entity", "label", "class", "subject", "predicate", "object", "claims"]
    body = [
        [
            r.distance,
            _curie(r.node) if output_format != "json" else r.node,
            r.label,
            r.kind,
            r.statement.subject_label,
            r.statement.predicate_label,
            r.statement.object_label,
            len(r.statement.claims),
        ]
        for r in rows
    ]
    click.echo(format_rows(columns, body, output_format), nl=False)
    if view_path is not None:
        title = (
            drawing.pop("title", None)
            or f"Neighbours of {graph.nodes[node][f'label_{lang}']} ({depth} hop{'s' if depth != 1 else ''})"
        )
        _draw(neighbors_subgraph(graph, node, rows), view_path, title, lang, **drawing)


@cli.command("communities")
@click.option(
    "--resolution",
    type=float,
    default=1.0,
    show_default=True,
    help="Louvain resolution: above 1 gives smaller communities.",
)
@click.option(
    "--community-seed",
    type=int,
    default=42,
    show_default=True,
    help="Seed of the Louvain method (deterministic).",
)
@lang_option
@analysis_output_options
@drawing_options
@data_options
def communities_command(
    resolution: float,
    community_seed: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    **drawing: Any,
) -> None:
    """Find communities (Louvain modularity, seeded): groups of entities more linked to each
    other than to the rest. One row per entity, biggest community first.

    \b
    Examples:
      kgtool communities
      kgtool communities --resolution 1.5 --format json
      kgtool communities --view communities.html
    """
    from kgtool.analysis import communities, communities_graph

    _engine, graph = _network(project, engine_options)
    found = communities(graph, community_seed, resolution, lang)
    columns = ["community", "entity", "label", "class", "degree"]
    rows = [
        [c.index, _curie(m.node) if output_format != "json" else m.node, m.label, m.kind, m.degree]
        for c in found
        for m in c.members
    ]
    click.echo(format_rows(columns, rows, output_format), nl=False)
    if view_path is not None:
        title = (
            drawing.pop("title", None)
            or f"{len(found)} communities (Louvain, resolution {resolution:g})"
        )
        legend = "Communities" if lang == "en" else "コミュニティ"
        _draw(
            communities_graph(graph, found),
            view_path,
            title,
            lang,
            color_by="community",
            legend_title=legend,
            **drawing,
        )
