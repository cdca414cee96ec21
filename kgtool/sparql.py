"""Reading SPARQL text safely: a tokenizer that sees keywords and variables, not strings.

kgtool refuses, before anything runs, every query that could write (SPARQL Update), reach the
network (SERVICE) or read other documents (FROM, FROM NAMED, LOAD). Working on tokens — with
strings, IRIs and comments set aside — means ``"SERVICE"`` inside a literal or ``ex:from`` as a
prefixed name are not mistaken for keywords, while ``service`` in any case is caught.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgtool.errors import QueryError, UnsafeQueryError

if TYPE_CHECKING:
    from kgtool.engines import Term

# Character classes written as complements of small ASCII/Latin-1 sets: the same characters as
# [A-Za-z_\u00C0-\uFFFF], [\w\-.\u00B7\u00C0-\uFFFF] … (plus astral ones), but compiled in ~1 ms
# instead of ~15 ms, which every `kgtool query` pays at start-up.
_NAME_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\u00bf]"
_LATIN1_NOT_WORD = r"\x7b-\u00a9\u00ab-\u00b1\u00b4\u00b6\u00b8\u00bb\u00bf"
_NAME_CHAR = rf"[^\x00-\x2c\x2f\x3a-\x40\x5b-\x5e\x60{_LATIN1_NOT_WORD}]"
_LOCAL_CHAR = rf"[^\x00-\x24\x26-\x2c\x2f\x3b-\x40\x5b\x5d\x5e\x60{_LATIN1_NOT_WORD}]"
_VAR_CHAR = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\u00b6\u00b8-\u00bf]"
_TOKEN = re.compile(
    rf"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<variable>[?$]{_VAR_CHAR}+)
  | (?P<name>{_NAME_START}{_NAME_CHAR}*:?{_LOCAL_CHAR}*|:{_LOCAL_CHAR}*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)

#: Keywords refused anywhere in a query, with the reason shown to the user.
FORBIDDEN = {
    "SERVICE": "SERVICE would query a remote endpoint",
    "LOAD": "LOAD would read a document",
    "FROM": "FROM / FROM NAMED would read other documents",
    **{
        word: "SPARQL Update is refused: kgtool queries are read-only"
        for word in ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
    },
}
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decode_escape(match: re.Match[str]) -> str:
    """The character a ``\\uXXXX`` / ``\\UXXXXXXXX`` escape stands for (kept as is if invalid)."""
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int


def tokenize(sparql: str) -> list[Token]:
    """Split SPARQL text into tokens, dropping comments and whitespace.

    >>> [t.text for t in tokenize('SELECT ?x # SERVICE\\nWHERE { ?x ?p "FROM" }')]
    ['SELECT', '?x', 'WHERE', '{', '?x', '?p', '"FROM"', '}']
    """
    tokens = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", sparql)]
    line = 0
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind == "comment":
            continue
        while line + 1 < len(line_starts) and line_starts[line + 1] <= match.start():
            line += 1
        tokens.append(Token(kind, match.group(), line + 1, match.start() - line_starts[line] + 1))
    return tokens


def _keywords(tokens: list[Token]) -> list[Token]:
    """Bare words that are keywords, not prefixed names (``ex:from``) or ``a``."""
    return [t for t in tokens if t.kind == "name" and ":" not in t.text]


def check_read_only(sparql: str, allow_service: Collection[str] = ()) -> None:
    """Refuse any query that could write, or read beyond the loaded data.

    :param allow_service: endpoint IRIs that ``SERVICE <iri>`` may query (``--allow-service``);
        SERVICE to any other endpoint, or to a variable or prefixed name, is still refused.
    :raises UnsafeQueryError: naming the keyword and its line and column.

    >>> check_read_only("SELECT * WHERE { ?s ?p 'SERVICE' }")
    >>> check_read_only("SELECT * WHERE { SERVICE SILENT <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kgtool.errors.UnsafeQueryError: query:1:18: SERVICE would query a remote endpoint (hint: ...)
    """
    # SPARQL decodes \uXXXX escapes before parsing (rdflib does, anywhere in the text), so a
    # keyword may be spelt "\u0053ERVICE": check the text as written and as decoded.
    decoded = _CODEPOINT_ESCAPE.sub(_decode_escape, sparql)
    texts = (sparql, decoded) if decoded != sparql else (sparql,)
    for tokens in (tokenize(text) for text in texts):
        for token in _keywords(tokens):
            word = token.text.upper()
            if word == "SERVICE" and allow_service and _service_iri(tokens, token) in allow_service:
                continue
            if word in FORBIDDEN:
                raise UnsafeQueryError(
                    FORBIDDEN[word],
                    path="query",
                    line=token.line,
                    column=token.column,
                    hint="kgtool runs read-only queries over the loaded data only; load files with --data",
                )


def _service_iri(tokens: list[Token], service: Token) -> str | None:
    """The endpoint IRI after a ``SERVICE [SILENT]`` keyword, or ``None`` for a variable or name."""
    following = tokens[tokens.index(service) + 1 : tokens.index(service) + 3]
    if following and following[0].kind == "name" and following[0].text.upper() == "SILENT":
        following = following[1:]
    return following[0].text[1:-1] if following and following[0].kind == "iri" else None


def variables(sparql: str) -> list[str]:
    """Names of the variables used in the query, in order of first use, without ``?``/``$``.

    >>> variables("SELECT ?a WHERE { ?a ?_b_iri '?not' . $a ?c }")
    ['a', '_b_iri', 'c']
    """
    return list(dict.fromkeys(t.text[1:] for t in tokenize(sparql) if t.kind == "variable"))


def query_form(sparql: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query-form keyword, if any."""
    for token in _keywords(tokenize(sparql)):
        if token.text.upper() in QUERY_FORMS:
            return token.text.upper()
    return None


def inline_bindings(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Bind variables by a ``VALUES`` block at the start of the query's WHERE group.

    pyoxigraph's own ``substitutions`` only accept variables in the SELECT projection (they fail
    for a parameter used in a FILTER under COUNT, say), and the SPARQL protocol has no bindings
    at all; an inline ``VALUES`` block binds as rdflib's ``initBindings`` does, before the group is
    evaluated. Each value is an RDF term object serialised by pyoxigraph in canonical N-Triples
    form (IRIs validated, literals escaped), so no user text reaches the query unescaped.

    :raises QueryError: when the query has no WHERE group to bind into.

    >>> import pyoxigraph
    >>> inline_bindings("SELECT ?s WHERE { ?s ?p ?_o }", {"_o": pyoxigraph.Literal('a"b')})
    'SELECT ?s WHERE { VALUES (?_o) { ("a\\\\"b") } ?s ?p ?_o }'
    """
    if not bindings:
        return sparql
    tokens = tokenize(sparql)
    keywords = _keywords(tokens)
    form = next((t for t in keywords if t.text.upper() in QUERY_FORMS), None)
    if form is None:
        raise QueryError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
    after = tokens[tokens.index(form) + 1 :]
    if form.text.upper() == "CONSTRUCT":
        where = next((t for t in after if t.kind == "name" and t.text.upper() == "WHERE"), None)
        after = tokens[tokens.index(where) + 1 :] if where else []
        if after and after[0].text != "{":
            after = []
    brace = next((t for t in after if t.text == "{"), None)
    if brace is None or (form.text.upper() == "CONSTRUCT" and after[0] is not brace):
        raise QueryError(
            "parameters need a WHERE group to bind into",
            hint="write CONSTRUCT { … } WHERE { … } rather than the short CONSTRUCT WHERE form",
        )
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    offset = _offset(sparql, brace)
    return f"{sparql[: offset + 1]} VALUES ({names}) {{ ({values}) }}{sparql[offset + 1 :]}"


def _offset(sparql: str, token: Token) -> int:
    lines = sparql.split("\n")
    return sum(len(line) + 1 for line in lines[: token.line - 1]) + token.column - 1
