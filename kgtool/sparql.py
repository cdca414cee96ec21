"""Moved to :mod:`kgtool.rdf.sparql`; this name is kept for one release."""

from kgtool.rdf.sparql import (
    FORBIDDEN,
    QUERY_FORMS,
    PreparedQuery,
    Token,
    check_read_only,
    inline_bindings,
    prepare,
    query_form,
    tokenize,
    variables,
)

__all__ = [
    "FORBIDDEN",
    "QUERY_FORMS",
    "PreparedQuery",
    "Token",
    "check_read_only",
    "inline_bindings",
    "prepare",
    "query_form",
    "tokenize",
    "variables",
]
