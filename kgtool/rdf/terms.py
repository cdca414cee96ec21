"""Narrowing query results to the terms a query guarantees, so the type checker knows them too.

A SELECT row holds ``Term | None`` per variable (``None`` when an ``OPTIONAL`` left it unbound).
Where a query's pattern always binds a variable, :func:`bound` says so; where it always binds a
literal or a resource (IRI or blank node), :func:`literal` or :func:`resource` does. Both fail loudly instead of letting a ``None`` travel on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph

    #: An RDF term in a query result (the same union as :data:`kgtool.engines.Term`).
    Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


def bound(value: Term | None) -> Term:
    """``value``, which the query binds in every solution.

    >>> bound("x")
    'x'
    """
    if value is None:
        raise ValueError("a variable the query always binds was unbound")
    return value


def resource(term: Any) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
    """``term``, which the query only binds to IRIs or blank nodes (a subject, a graph name)."""
    import pyoxigraph

    if not isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.BlankNode)):
        raise ValueError(f"expected an IRI or a blank node, got {term!r}")
    return term


def literal(term: Any) -> pyoxigraph.Literal:
    """``term``, which the query only binds to literals (e.g. the object of ``rdfs:label``)."""
    import pyoxigraph

    if not isinstance(term, pyoxigraph.Literal):
        raise ValueError(f"expected a literal, got {term!r}")
    return term


__all__ = ["bound", "literal", "resource"]
