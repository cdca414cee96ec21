"""Class → colour and shape (kgtool.styles): decided by the ontology, stable, distinct, readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.engines import OxigraphEngine
from kgtool.network import ProjectionOptions, ego_graph, project_graph
from kgtool.project import find_project
from kgtool.render import view_data
from kgtool.styles import (
    DARK_BACKGROUND,
    LIGHT_BACKGROUND,
    OUTLINES,
    PALETTE,
    SHAPES,
    class_styles,
    contrast,
)

KGO = "https://w3id.org/kgtool/ontology#"
KGR = "https://w3id.org/kgtool/resource/"


@pytest.fixture(scope="module")
def engine(repo: Path) -> OxigraphEngine:
    return OxigraphEngine.from_files(find_project(root=repo).data_files)


def test_every_class_of_the_real_ontology_gets_its_own_colour_and_shape(
    engine: OxigraphEngine,
) -> None:
    kinds = project_graph(engine).graph["class_kinds"]
    styles = class_styles(kinds)
    assert set(styles) == set(kinds)
    assert len({(s.color, s.shape) for s in styles.values()}) == len(styles)  # no collision
    # The shape tells the kind: classes of one kind share their kind's shape where it can.
    assert styles[KGO + "Company"].shape == styles[KGO + "Country"].shape == "dot"
    assert styles[KGO + "AIModel"].shape == "diamond"


def test_styles_do_not_depend_on_what_a_view_holds(engine: OxigraphEngine) -> None:
    """The whole graph, a focus view and --show-claims draw each entity alike."""
    whole = project_graph(engine)
    views = [
        whole,
        ego_graph(whole, KGR + "DeepSeek", 1),
        project_graph(engine, ProjectionOptions(show_claims=True)),
    ]
    drawn = []
    for graph in views:
        data = view_data(graph)
        drawn.append(
            {
                info["iri"]: (
                    data["legend"][info["legend"]]["color"],
                    data["legend"][info["legend"]]["shape"],
                )
                for info in data["info"]
            }
        )
    for iri in ("DeepSeek", "UnitedStates", "China", "OpenAI"):
        assert drawn[0][KGR + iri] == drawn[1][KGR + iri] == drawn[2][KGR + iri]
    # Adding an unrelated class in another kind changes no existing style.
    kinds = whole.graph["class_kinds"]
    assert (
        class_styles({**kinds, "urn:x#Zebra": "urn:x#Zebra"}).items() >= class_styles(kinds).items()
    )


def test_no_two_legend_entries_of_a_page_share_colour_and_shape(engine: OxigraphEngine) -> None:
    for options in (ProjectionOptions(), ProjectionOptions(show_claims=True)):
        legend = view_data(project_graph(engine, options))["legend"]
        assert len({(e["color"], e["shape"]) for e in legend}) == len(legend)


def test_fills_have_3_to_1_contrast_on_both_backgrounds_and_text_4_5_to_1() -> None:
    for color in PALETTE:
        assert contrast(color, LIGHT_BACKGROUND) >= 3, color
        assert contrast(color, DARK_BACKGROUND) >= 3, color
    # Label colours drawn by view_data (light) and view.js (dark mode) on their backgrounds.
    assert contrast("#202124", LIGHT_BACKGROUND) >= 4.5
    assert contrast("#e8eaed", DARK_BACKGROUND) >= 4.5


def test_more_classes_than_styles_are_still_assigned_deterministically() -> None:
    many = {f"urn:k#C{i:03d}": "urn:k#C000" for i in range(len(SHAPES) * len(PALETTE) + 5)}
    first, second = class_styles(many), class_styles(dict(reversed(many.items())))
    assert first == second
    assert len({(s.color, s.shape) for s in first.values()}) == len(SHAPES) * len(PALETTE)


def test_classes_differ_by_more_than_colour_shape_and_outline_alone_tell_them_apart(
    engine: OxigraphEngine,
) -> None:
    """Information never by colour alone: without colour, (shape, outline) still tells every
    class of the ontology, and every legend entry of a page, from every other."""
    assert set(OUTLINES) == set(PALETTE)
    assert len(set(OUTLINES.values())) == len(PALETTE)  # one outline per colour
    styles = class_styles(project_graph(engine).graph["class_kinds"])
    assert len({(s.shape, s.outline) for s in styles.values()}) == len(styles)
    assert styles[KGO + "Company"].outline != styles[KGO + "Country"].outline
    for options in (ProjectionOptions(), ProjectionOptions(show_claims=True)):
        legend = view_data(project_graph(engine, options))["legend"]
        assert len({(e["shape"], str(e["outline"])) for e in legend}) == len(legend)
        for entry in legend:
            assert entry["outline"] == OUTLINES.get(entry["color"])
