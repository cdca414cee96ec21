"""``kgtool view``, ``analyze``, ``path``, ``neighbors``, ``communities``: interactive network
views and graph analytics.

Thin commands over :mod:`kgtool.network` (RDF → networkx), :mod:`kgtool.render` (HTML),
:mod:`kgtool.analysis` (networkx algorithms) and :mod:`kgtool.reports` (their tables); the
heavier ones are imported inside the commands, so ``kgtool --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kgtool.cli.options import (
    Drawing,
    data_options,
    draw_page,
    draw_saved_query,
    drawing_options,
    format_option,
    lang_option,
)
from kgtool.reports import (
    FORMATS,
    centrality_text,
    communities_text,
    curie,
    neighbors_text,
    page_title,
    paths_text,
)

if TYPE_CHECKING:
    import networkx

    from kgtool.engines.base import Engine, EngineOptions
    from kgtool.project import Project

LANG_HELP = "Label language (tooltips and JSON show both)."


def analysis_output_options(function: Any) -> Any:
    """``--format`` and ``--view`` for the analytics commands."""
    function = click.option(
        "--view",
        "view_path",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE.html",
        help="Also draw the result as an interactive network in FILE.html.",
    )(function)
    return format_option(FORMATS, default="table")(function)


def analytics_options(function: Any) -> Any:
    """Every analytics command's options: ``--lang``, ``--format``, ``--view``, the drawing
    options and the data options."""
    for decorator in (data_options, drawing_options, analysis_output_options):
        function = decorator(function)
    return lang_option(LANG_HELP)(function)


# --- helpers ----------------------------------------------------------------------------------------


def _network(
    project: Project,
    engine_options: EngineOptions,
    show_claims: bool = False,
    show_ontology: bool = False,
) -> tuple[Engine, networkx.MultiDiGraph]:
    from kgtool.engines.registry import open_engine
    from kgtool.views import entity_network

    engine = open_engine(project, engine_options)
    graph = entity_network(engine, project, show_claims=show_claims, show_ontology=show_ontology)
    return engine, graph


def _entity(engine: Engine, text: str) -> str:
    from kgtool.entities import resolve_entity

    return resolve_entity(engine, text).value


# --- view ---------------------------------------------------------------------------------------------


@click.command("view")
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
@lang_option(LANG_HELP)
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
    drawing: Drawing,
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
        draw_saved_query(query, params, lang, project, engine_options, output, drawing)
        return
    if params:
        raise KgtoolError(
            "-p/--param sets parameters of --query", hint="add --query NAME, or drop -p"
        )
    from kgtool.network import ego_graph, filter_classes, resolve_class

    engine, graph = _network(project, engine_options, show_claims, show_ontology)
    heading = drawing.title
    if classes:
        iris = [resolve_class(engine, text) for text in classes]
        graph = filter_classes(graph, iris)
        names = ", ".join(
            graph.graph["classes"].get(i, {}).get(f"label_{lang}", curie(i)) for i in iris
        )
        heading = heading or page_title("classes", lang, names=names)
    if focus is not None:
        node = _entity(engine, focus)
        hops = 1 if depth is None else depth
        graph = ego_graph(graph, node, hops)
        label = graph.nodes[node][f"label_{lang}"]
        heading = heading or page_title("focus", lang, label=label, hops=hops)
    draw_page(graph, output, heading or page_title("graph", lang), lang, drawing)


# --- analytics ----------------------------------------------------------------------------------------


@click.group("analyze")
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
@analytics_options
def centrality_command(
    metric: str,
    classes: tuple[str, ...],
    top: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    drawing: Drawing,
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
    click.echo(centrality_text(ranked, metric, output_format, lang), nl=False)
    if view_path is not None:
        title = drawing.title or page_title("centrality", lang, count=len(ranked), metric=metric)
        draw_page(
            centrality_subgraph(graph, ranked), view_path, title, lang, drawing, size_by="score"
        )


@click.command("path")
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@click.option(
    "--max-hops", type=int, default=4, show_default=True, help="Longest connection to look for."
)
@click.option(
    "--limit", type=int, default=5, show_default=True, help="At most this many shortest paths."
)
@analytics_options
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
    drawing: Drawing,
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
    from kgtool.analysis import NoPathError, paths_subgraph, shortest_paths

    engine, graph = _network(project, engine_options)
    a, b = _entity(engine, source), _entity(engine, target)
    try:
        paths = shortest_paths(graph, a, b, max_hops, limit, lang)
    except NoPathError as finding:
        click.echo(f"No path: {finding}", err=True)
        raise SystemExit(int(finding.exit_code)) from None
    click.echo(paths_text(paths, output_format, lang), nl=False)
    if view_path is not None:
        title = drawing.title or page_title(
            "path",
            lang,
            source=graph.nodes[a][f"label_{lang}"],
            target=graph.nodes[b][f"label_{lang}"],
        )
        draw_page(paths_subgraph(graph, paths), view_path, title, lang, drawing)


@click.command("neighbors")
@click.argument("entity")
@click.option("--depth", type=int, default=1, show_default=True, help="How many hops out.")
@analytics_options
def neighbors_command(
    entity: str,
    depth: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    drawing: Drawing,
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
    click.echo(neighbors_text(rows, output_format), nl=False)
    if view_path is not None:
        title = drawing.title or page_title(
            "neighbors", lang, label=graph.nodes[node][f"label_{lang}"], hops=depth
        )
        draw_page(neighbors_subgraph(graph, node, rows), view_path, title, lang, drawing)


@click.command("communities")
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
@analytics_options
def communities_command(
    resolution: float,
    community_seed: int,
    lang: str,
    output_format: str,
    view_path: Path | None,
    project: Project,
    engine_options: EngineOptions,
    drawing: Drawing,
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
    click.echo(communities_text(found, output_format), nl=False)
    if view_path is not None:
        title = drawing.title or page_title(
            "communities", lang, count=len(found), resolution=resolution
        )
        legend = page_title("communities-legend", lang)
        draw_page(
            communities_graph(graph, found),
            view_path,
            title,
            lang,
            drawing,
            color_by="community",
            legend_title=legend,
        )
