"""A query's solution modifiers as the store engine reads them: its outer ``ORDER BY`` of plain
variables and the ``LIMIT``/``OFFSET`` after it (see :mod:`kgtool.engines.ordering`).

Kept out of :mod:`kgtool.rdf.sparql`, which every query imports: only ``--store`` needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from kgtool.rdf.sparql import CLOSING, OPENING, PreparedQuery, Token


class OrderKey(NamedTuple):
    """One condition of an ``ORDER BY`` that is a plain variable: ``?x``, ``ASC(?x)``, ``DESC(?x)``."""

    variable: str
    descending: bool = False


class SolutionOrder(NamedTuple):
    """A query's top-level ``ORDER BY`` of plain variables and the ``LIMIT``/``OFFSET`` after it.

    Everything from :attr:`start` to the end of the text is that clause, so ``text[:start]`` is
    the same query unordered and unsliced.
    """

    keys: tuple[OrderKey, ...]
    #: Characters before the ``ORDER`` keyword.
    start: int
    limit: int | None = None
    offset: int = 0


def _depth_zero(tokens: Sequence[Token]) -> list[tuple[int, Token]]:
    """The tokens outside every bracket, with their index (brackets themselves included)."""
    found, depth = [], 0
    for index, token in enumerate(tokens):
        if token.kind == "other" and token.text in CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0:
            found.append((index, token))
        if token.kind == "other" and token.text in OPENING:
            depth += 1
    return found


def _projected(tokens: Sequence[Token]) -> set[str] | None:
    """The variables a SELECT projects; ``None`` for ``SELECT *`` (every variable in scope)."""
    start = next(
        (i for i, t in enumerate(tokens) if t.kind == "name" and t.text.upper() == "SELECT"), None
    )
    if start is None:
        return set()
    names: set[str] = set()
    depth = 0
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if depth == 0 and (token.text == "{" or token.text.upper() == "WHERE"):
            break
        if depth == 0 and token.text == "*":
            return None
        if token.kind == "variable" and (depth == 0 or tokens[index - 1].text.upper() == "AS"):
            names.add(token.text[1:])
        if token.kind == "other" and token.text in OPENING:
            depth += 1
        elif token.kind == "other" and token.text in CLOSING:
            depth -= 1
    return names


def _is_variable(text: str) -> bool:
    return len(text) > 1 and text[0] in "?$"


def _is_count(text: str) -> bool:
    return text.isascii() and text.isdigit()


def solution_order(query: PreparedQuery) -> SolutionOrder | None:
    """The query's top-level ``ORDER BY``, when every condition is a projected variable.

    ``None`` when there is no such clause, or when it sorts by an expression, by a variable the
    SELECT does not project, or is followed by anything but ``LIMIT``/``OFFSET`` (a trailing
    ``VALUES``, say): an engine then leaves the ordering to the query as written.

    >>> from kgtool.rdf.sparql import prepare
    >>> order = solution_order(prepare("SELECT ?a ?b { ?a ?p ?b } ORDER BY DESC(?b) ?a LIMIT 5"))
    >>> [(k.variable, k.descending) for k in order.keys], order.limit, order.offset
    ([('b', True), ('a', False)], 5, 0)
    >>> solution_order(prepare("SELECT ?a { ?a ?p ?b } ORDER BY ?b")) is None  # not projected
    True
    """
    tokens = query.tokens
    outside = _depth_zero(tokens)
    keyword = next(
        (
            n
            for n, (_, token) in enumerate(outside[:-1])
            if token.kind == "name"
            and token.text.upper() == "ORDER"
            and outside[n + 1][1].text.upper() == "BY"
        ),
        None,
    )
    if keyword is None:
        return None
    first = outside[keyword][0]
    rest = [t.text for t in tokens[first + 2 :]]

    def at(index: int) -> str:
        return rest[index] if index < len(rest) else ""

    keys: list[OrderKey] = []
    position = 0
    while position < len(rest):
        word = rest[position].upper()
        if _is_variable(rest[position]):  # ?x
            keys.append(OrderKey(rest[position][1:]))
            position += 1
            continue
        inner = position + 2 if word in ("ASC", "DESC") else position + 1  # ASC(?x), (?x)
        if word not in ("ASC", "DESC", "(") or at(inner - 1) != "(":
            break
        if not _is_variable(at(inner)) or at(inner + 1) != ")":
            return None  # an expression: the engine sorts as written
        keys.append(OrderKey(rest[inner][1:], word == "DESC"))
        position = inner + 2
    if not keys:
        return None
    clauses: dict[str, int] = {}
    while position < len(rest):
        word, count = rest[position].upper(), at(position + 1)
        if word not in ("LIMIT", "OFFSET") or word in clauses or not _is_count(count):
            return None
        clauses[word] = int(count)
        position += 2
    if query.form == "SELECT":
        projected = _projected(tokens)
        if projected is not None and any(k.variable not in projected for k in keys):
            return None
    return SolutionOrder(
        tuple(keys), tokens[first].offset, clauses.get("LIMIT"), clauses.get("OFFSET", 0)
    )
