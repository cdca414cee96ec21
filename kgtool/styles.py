"""One colour and one shape per class, decided by the ontology: the same in every view.

A class's style depends only on the ontology's classes and their kinds (the top class of each
hierarchy, see :attr:`kgtool.network.ProjectionOptions`), never on which nodes a page happens to
hold, so a country has the same colour in the whole graph, a focus view, a query view and
``--show-claims``. Each kind has one shape (Actor: dot, Technology: diamond …), so the shape
alone tells the kind; within a kind every class gets its own colour and, with it, its own
outline pattern (:data:`OUTLINES`), so classes differ by more than colour. No two classes share both
colour and shape as long as there are fewer than ``len(SHAPES) * len(PALETTE)`` classes.

Every palette colour has a contrast of at least 3:1 against both page backgrounds (white and
the dark mode's :data:`DARK_BACKGROUND`), as WCAG asks of graphical objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kgtool.namespaces import KGO

#: Shapes vis-network draws with the label below (so labels stay readable).
SHAPES = ("dot", "diamond", "triangle", "square", "star", "hexagon", "triangleDown")
#: Preferred shapes for the project's top classes; other kinds take the next shape in turn.
KIND_SHAPES = {
    KGO + "Actor": "dot",
    KGO + "Technology": "diamond",
    KGO + "Measure": "triangle",
    KGO + "Concept": "hexagon",
    KGO + "Sector": "square",
    KGO + "Event": "star",
    KGO + "Claim": "triangleDown",
}
#: Qualitative colours, each ≥ 3:1 against white and against the dark background.
PALETTE = (
    "#1f77b4", "#d45500", "#2e8b2e", "#d62728", "#8e5cc4",
    "#c4429a", "#138a9e", "#7a7a00", "#6b6b6b", "#b8580f",
)  # fmt: skip
#: The second cue, so a class never differs from another by colour alone: each palette colour
#: comes with its own outline (a vis-network ``borderDashes`` pattern drawn in the text colour;
#: ``()`` solid, ``None`` no outline). One outline per colour keeps (shape, outline) as
#: collision-free as (shape, colour).
OUTLINES: dict[str, tuple[int, ...] | None] = {
    "#1f77b4": None,
    "#d45500": (),
    "#2e8b2e": (6, 4),
    "#d62728": (2, 3),
    "#8e5cc4": (10, 3, 2, 3),
    "#c4429a": (14, 6),
    "#138a9e": (2, 8),
    "#7a7a00": (10, 3, 2, 3, 2, 3),
    "#6b6b6b": (4, 2),
    "#b8580f": (14, 3, 6, 3),
}
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#1f1f1f"
#: Nodes without a class.
UNTYPED_STYLE_COLOR = "#6b6b6b"


#: Relation families: each colours its edges and has a legend entry. Predicates are matched by
#: IRI; the rest are "other relations". Claim edges (folded claims) are their own family.
RELATION_FAMILIES: tuple[tuple[str, str, str, str, frozenset[str]], ...] = (
    (
        "rivalry",
        "rivalry and contrast",
        "競合・対比",
        "#d62728",
        frozenset(KGO + p for p in ("competesWith", "rivalOf", "contrastedWith", "concernedAbout")),
    ),
    (
        "technology",
        "making and using technology",
        "技術の開発・利用",
        "#1f77b4",
        frozenset(
            KGO + p
            for p in (
                "developed",
                "uses",
                "provides",
                "openSourced",
                "hasComponent",
                "embeddedIn",
                "appliedIn",
            )
        ),
    ),
    (
        "organisation",
        "organisations, people and places",
        "組織・人物・拠点",
        "#2e8b2e",
        frozenset(KGO + p for p in ("basedIn", "leads", "ceoOf", "investsIn", "involves")),
    ),
    (
        "policy",
        "policy and its effects",
        "政策とその影響",
        "#b8580f",
        frozenset(
            KGO + p
            for p in ("targets", "imposedBy", "adoptedBy", "addresses", "proposes", "hadEffect")
        ),
    ),
    (
        "source",
        "sources and authorship",
        "出典・作成者",
        "#8e5cc4",
        frozenset(
            {
                "http://purl.org/dc/terms/creator",
                "http://purl.org/dc/terms/publisher",
                "http://www.w3.org/ns/prov#wasAttributedTo",
                KGO + "basedOnInformationFrom",
                KGO + "depicts",
                KGO + "sourceArticle",
            }
        ),
    ),
)
OTHER_FAMILY = ("other", "other relations", "その他の関係", "#6b6b6b")
CLAIM_FAMILY = (
    "claims",
    "claims about both (folded, dashed)",
    "両者についての主張(破線)",
    "#6b6b6b",
)


@dataclass(frozen=True)
class Style:
    """How nodes of one class are drawn."""

    color: str
    shape: str

    @property
    def outline(self) -> tuple[int, ...] | None:
        """The outline that goes with the colour (see :data:`OUTLINES`)."""
        return OUTLINES.get(self.color)


UNTYPED = Style(UNTYPED_STYLE_COLOR, "ellipse")


def relation_family(predicate: str) -> tuple[str, str, str, str]:
    """(key, English label, Japanese label, colour) of the family a predicate IRI belongs to.

    >>> relation_family(KGO + "rivalOf")[:2], relation_family("urn:x")[0]
    (('rivalry', 'rivalry and contrast'), 'other')
    """
    for key, en, ja, color, members in RELATION_FAMILIES:
        if predicate in members:
            return key, en, ja, color
    return OTHER_FAMILY


def class_styles(class_kinds: Mapping[str, str]) -> dict[str, Style]:
    """A style for every class, from the mapping class IRI → kind IRI (a kind maps to itself).

    Kinds are taken in order (those of :data:`KIND_SHAPES` first, then by IRI), classes within
    a kind by IRI with the kind itself first; each class takes the first colour not yet used
    with its kind's shape (after that shape's colours run out, the next shape's).

    >>> styles = class_styles({"urn:A": "urn:A", "urn:B": "urn:A", "urn:C": "urn:C"})
    >>> [(s.color, s.shape) for s in styles.values()]
    [('#1f77b4', 'dot'), ('#d45500', 'dot'), ('#1f77b4', 'diamond')]
    """
    kinds = sorted(
        set(class_kinds.values()) | {k for k, v in class_kinds.items() if k == v},
        key=lambda k: (list(KIND_SHAPES).index(k) if k in KIND_SHAPES else len(KIND_SHAPES), k),
    )
    kind_shape: dict[str, str] = {}
    others = 0
    for kind in kinds:
        if kind in KIND_SHAPES:
            kind_shape[kind] = KIND_SHAPES[kind]
        else:
            kind_shape[kind] = SHAPES[(len(KIND_SHAPES) + others) % len(SHAPES)]
            others += 1
    taken: set[tuple[str, str]] = set()
    result: dict[str, Style] = {}
    for kind in kinds:
        members = sorted(
            (c for c, k in class_kinds.items() if k == kind), key=lambda c: (c != kind, c)
        )
        if kind not in members:
            members.insert(0, kind)
        start = SHAPES.index(kind_shape[kind])
        for cls in members:
            for step in range(len(SHAPES) * len(PALETTE)):
                shape = SHAPES[(start + step // len(PALETTE)) % len(SHAPES)]
                color = PALETTE[step % len(PALETTE)]
                if (shape, color) not in taken:
                    break
            else:  # more classes than styles: reuse, in order
                shape, color = kind_shape[kind], PALETTE[len(result) % len(PALETTE)]
            taken.add((shape, color))
            result[cls] = Style(color, shape)
    return result


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21).

    >>> round(contrast("#000000", "#ffffff"), 1)
    21.0
    """

    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
