"""Which label names a node: the one rule every feature uses.

A node's label is chosen among its ``rdfs:label`` and ``skos:prefLabel`` literals by, in order:

1. language: the preferred one, then the other of :data:`LANGUAGES` (``en`` ↔ ``ja``), then any
   other tag or none (tags compared ignoring case);
2. property: ``rdfs:label`` before ``skos:prefLabel``;
3. text: the smallest (by code point), so the choice never depends on statement order.

A node without such a label is shown by its CURIE (:func:`kgtool.namespaces.shorten`); that step
belongs to the caller, which knows whether it has an IRI or a blank node.
"""

from __future__ import annotations

from collections.abc import Iterable

from kgtool.namespaces import RDFS_LABEL, SKOS_PREF_LABEL

#: The languages of the graph's labels, in the default order.
LANGUAGES: tuple[str, ...] = ("en", "ja")
#: Their names, for messages.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ja": "Japanese"}
#: The label properties, in order of preference.
LABEL_PREDICATES: tuple[str, ...] = (RDFS_LABEL, SKOS_PREF_LABEL)


def language_order(preferred: str) -> tuple[str, ...]:
    """``preferred`` first, then the other languages of :data:`LANGUAGES`.

    >>> language_order("ja")
    ('ja', 'en')
    """
    return (preferred, *(other for other in LANGUAGES if other != preferred))


def label_rank(
    predicate: str, language: str | None, text: str, preferred: str
) -> tuple[int, int, str]:
    """The sort key of one candidate label (smallest wins); see the module docstring."""
    order = language_order(preferred)
    tag = (language or "").lower()
    by_language = order.index(tag) if tag in order else len(order)
    by_predicate = (
        LABEL_PREDICATES.index(predicate)
        if predicate in LABEL_PREDICATES
        else len(LABEL_PREDICATES)
    )
    return (by_language, by_predicate, text)


def choose_label(
    candidates: Iterable[tuple[str, str | None, str]], preferred: str = "en"
) -> str | None:
    """The label to show among ``(predicate, language, text)`` candidates, or None if none.

    >>> choose_label([(RDFS_LABEL, "ja", "米国"), (RDFS_LABEL, "en", "USA"), (SKOS_PREF_LABEL, "en", "America")])
    'USA'
    >>> choose_label([(RDFS_LABEL, "fr", "Chine"), (RDFS_LABEL, "ja", "中国")], preferred="en")
    '中国'
    """
    ranked = [label_rank(p, language, text, preferred) for p, language, text in candidates]
    return min(ranked)[2] if ranked else None


__all__ = [
    "LABEL_PREDICATES",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "choose_label",
    "label_rank",
    "language_order",
]
