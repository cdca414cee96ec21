"""Data-driven SHACL shape tests.

* ``tests/shapes/valid/*.ttl`` must conform to ``ontology/shapes.ttl``.
* ``tests/shapes/invalid/<ShapeLocalName>--<reason>.ttl`` must NOT conform, and
  every validation result must come from ``kgsh:<ShapeLocalName>`` (the node
  shape itself or one of its own property shapes), so each fixture tests
  exactly what its name says.
* Every node shape has at least one invalid fixture.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from kgtool import namespaces

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "tests" / "shapes"
KGSH = Namespace(namespaces.KGSH)
SH = Namespace(namespaces.SH)

VALID = sorted((SHAPES_DIR / "valid").glob("*.ttl"))
INVALID = sorted((SHAPES_DIR / "invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "kgtool.ttl", format="turtle")


def _validate(path: Path, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    data = Graph().parse(path, format="turtle")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    return conforms, report


def _owned_shapes(shapes: Graph, shape: URIRef) -> set:
    """The node shape plus the property shapes it declares with sh:property."""
    return {shape, *shapes.objects(shape, SH.property)}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_conforms(path: Path, shapes: Graph, ontology: Graph) -> None:
    conforms, report = _validate(path, shapes, ontology)
    messages = sorted(str(m) for m in report.objects(None, SH.resultMessage))
    assert conforms, f"{path.name} should conform; got: {messages}"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_fails_with_named_shape(path: Path, shapes: Graph, ontology: Graph) -> None:
    shape_name, sep, reason = path.stem.partition("--")
    assert sep and reason, f"{path.name}: name must be <ShapeLocalName>--<reason>.ttl"
    shape = KGSH[shape_name]
    assert (shape, RDF.type, SH.NodeShape) in shapes, (
        f"{path.name}: no node shape kgsh:{shape_name}"
    )

    conforms, report = _validate(path, shapes, ontology)
    assert not conforms, f"{path.name} should not conform"
    sources = set(report.objects(None, SH.sourceShape))
    owned = _owned_shapes(shapes, shape)
    assert sources, f"{path.name}: no validation results"
    assert sources <= owned, (
        f"{path.name}: results from shapes other than kgsh:{shape_name}: "
        f"{sorted(str(s) for s in sources - owned)}"
    )


def test_every_node_shape_has_an_invalid_fixture(shapes: Graph) -> None:
    node_shapes = {str(s).removeprefix(str(KGSH)) for s in shapes.subjects(RDF.type, SH.NodeShape)}
    covered = {p.stem.partition("--")[0] for p in INVALID}
    assert node_shapes - covered == set()
    assert covered - node_shapes == set()


def test_every_property_shape_has_path_cardinality_and_type(shapes: Graph) -> None:
    cardinality = (SH.minCount, SH.maxCount, SH.qualifiedMinCount)
    typing = (
        SH.datatype,
        SH["class"],
        SH.nodeKind,
        SH["in"],
        SH.hasValue,
        SH["or"],
        SH.qualifiedValueShape,
    )
    incomplete = []
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(node_shape, SH.property):
            has = lambda preds, prop=prop: any(shapes.value(prop, p) is not None for p in preds)  # noqa: E731
            if shapes.value(prop, SH.path) is None or not has(cardinality) or not has(typing):
                incomplete.append((str(node_shape), str(shapes.value(prop, SH.path))))
    assert incomplete == []


def test_every_class_with_data_has_a_node_shape(shapes: Graph) -> None:
    data = Graph()
    for path in sorted((ROOT / "graph").glob("*.ttl")):
        data.parse(path, format="turtle")
    used_classes = set(data.objects(None, RDF.type))
    targeted = set(shapes.objects(None, SH.targetClass))
    assert used_classes - targeted == set()
