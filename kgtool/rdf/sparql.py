"""Reading SPARQL text safely: a tokenizer that sees keywords and variables, not strings.

A query is read once into a :class:`PreparedQuery` (its tokens, form, variables, parameter
variables and safety verdict); the query layer, views and engines all take that object, so the
text is tokenized once per run.

kgtool refuses, before anything runs, every query that could write (SPARQL Update), reach the
network (SERVICE) or read other documents (FROM, FROM NAMED, LOAD). Working on tokens — with
strings, IRIs and comments set aside — means ``"SERVICE"`` inside a literal or ``ex:from`` as a
prefixed name are not mistaken for keywords, while ``service`` in any case is caught.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple, Union

from kgtool.errors import QueryError, UnsafeQueryError

if TYPE_CHECKING:
    import pyoxigraph

#: An RDF term in a result or a binding: always pyoxigraph's types, whatever engine ran the query.
Term = Union["pyoxigraph.NamedNode", "pyoxigraph.BlankNode", "pyoxigraph.Literal"]


class QueryKind(str, Enum):
    """The result shape of a query."""

    SELECT = "select"
    ASK = "ask"
    GRAPH = "graph"  # CONSTRUCT and DESCRIBE


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
#: The deepest nesting of ``{ }``, ``( )`` and ``[ ]`` a query may have. The engines parse
#: recursively: ~2,200 nested groups crash Oxigraph (a segfault), ~30 parentheses exhaust
#: rdflib's Python stack. Real queries nest 5 deep at most (this project's and the W3C suite's).
MAX_NESTING = 16
#: Brackets, as the tokenizer gives them (kind ``other``).
OPENING, CLOSING = "{([", "})]"
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decode_escape(match: re.Match[str]) -> str:
    """The character a ``\\uXXXX`` / ``\\UXXXXXXXX`` escape stands for (kept as is if invalid)."""
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


class Token(NamedTuple):  # a named tuple: it builds ~10x faster than a dataclass at start-up
    kind: str
    text: str
    line: int
    column: int
    #: Characters before the token in the text.
    offset: int = 0


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
        tokens.append(
            Token(
                kind,
                match.group(),
                line + 1,
                match.start() - line_starts[line] + 1,
                match.start(),
            )
        )
    return tokens


def _keywords(tokens: Sequence[Token]) -> list[Token]:
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
    prepare(sparql, allow_service=allow_service).check_safe()


class Hazard(NamedTuple):
    """A keyword that makes a query unsafe: ``SERVICE`` (with its endpoint IRI, if written), …"""

    keyword: str
    line: int
    column: int
    #: For SERVICE: the endpoint IRI after it, ``None`` for a variable or prefixed name.
    service_iri: str | None = None

    def allowed_by(self, allow_service: Collection[str]) -> bool:
        return self.keyword == "SERVICE" and self.service_iri in allow_service


def _too_deep(tokens: Sequence[Token]) -> Token | None:
    """The first bracket nested deeper than :data:`MAX_NESTING`, if any."""
    depth = 0
    for token in tokens:
        if token.kind != "other":
            continue
        if token.text in OPENING:
            depth += 1
            if depth > MAX_NESTING:
                return token
        elif token.text in CLOSING:
            depth = max(depth - 1, 0)
    return None


def _hazards(tokens: Sequence[Token]) -> list[Hazard]:
    found = []
    for token in _keywords(tokens):
        word = token.text.upper()
        if word in FORBIDDEN:
            iri = _service_iri(tokens, token) if word == "SERVICE" else None
            found.append(Hazard(word, token.line, token.column, iri))
    return found


def _service_iri(tokens: Sequence[Token], service: Token) -> str | None:
    """The endpoint IRI after a ``SERVICE [SILENT]`` keyword, or ``None`` for a variable or name."""
    index = tokens.index(service)
    following = tokens[index + 1 : index + 3]
    if following and following[0].kind == "name" and following[0].text.upper() == "SILENT":
        following = following[1:]
    return following[0].text[1:-1] if following and following[0].kind == "iri" else None


_KINDS = {"SELECT": QueryKind.SELECT, "ASK": QueryKind.ASK}


@dataclass(frozen=True)
class PreparedQuery:
    """A query read once: its tokens, form, variables, parameter variables and safety verdict.

    Build it with :func:`prepare`; every later step (parameter discovery, binding, engines)
    reads these fields instead of the text.
    """

    text: str
    #: Where the text came from, as shown in messages (a file path, ``stdin`` or ``query``).
    source: str
    #: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``; ``None`` when the text has none.
    form: str | None
    #: Variable names in order of first use, without ``?``/``$``.
    variables: tuple[str, ...]
    #: The first occurrence of each variable starting with ``_`` (a parameter, see kgtool.queries).
    parameters: tuple[Token, ...]
    #: Every unsafe keyword, in the text as written and then as ``\u``-decoded.
    hazards: tuple[Hazard, ...]
    #: Endpoint IRIs SERVICE may query (``--allow-service``); the verdict depends on them.
    allow_service: tuple[str, ...] = ()
    tokens: tuple[Token, ...] = field(default=(), repr=False, compare=False)
    #: The first bracket nested deeper than :data:`MAX_NESTING` (the query is refused), if any.
    too_deep: Token | None = None
    #: The IRI relative IRIs in the query resolve against: a query file's ``file:`` URI, else None.
    base_iri: str | None = None

    @property
    def kind(self) -> QueryKind | None:
        """SELECT, ASK or GRAPH (CONSTRUCT/DESCRIBE); ``None`` when there is no query form."""
        return None if self.form is None else _KINDS.get(self.form, QueryKind.GRAPH)

    def require_kind(self) -> QueryKind:
        """:attr:`kind`, or :raises QueryError: when the text has no query form."""
        if self.kind is None:
            raise QueryError(
                "not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE",
                path=self.source,
                hint="kgtool runs read-only queries; write e.g. SELECT ?s WHERE { ?s ?p ?o }",
            )
        return self.kind

    @property
    def refusal(self) -> UnsafeQueryError | None:
        """Why the query is refused (nesting too deep for the engines, else the first unsafe
        keyword), or ``None`` when it is safe."""
        if (deep := self.too_deep) is not None:
            return UnsafeQueryError(
                f"the query nests groups, parentheses or brackets more than {MAX_NESTING} deep "
                "(deeper nesting crashes the query engines)",
                path=self.source,
                line=deep.line,
                column=deep.column,
                hint="flatten the query: join groups, or split it into several queries",
            )
        for hazard in self.hazards:
            if not hazard.allowed_by(self.allow_service):
                return UnsafeQueryError(
                    FORBIDDEN[hazard.keyword],
                    path=self.source,
                    line=hazard.line,
                    column=hazard.column,
                    hint="kgtool runs read-only queries over the loaded data only; load files with --data",
                )
        return None

    def check_safe(self) -> None:
        """:raises UnsafeQueryError: when :attr:`refusal` is set."""
        if (error := self.refusal) is not None:
            raise error

    def allowing(self, allow_service: Collection[str]) -> PreparedQuery:
        """The same query judged against other ``--allow-service`` endpoints (no re-reading)."""
        allowed = tuple(allow_service)
        return (
            self
            if allowed == self.allow_service
            else dataclasses.replace(self, allow_service=allowed)
        )


def prepare(
    sparql: str | PreparedQuery,
    source: str = "query",
    allow_service: Collection[str] = (),
    base_iri: str | None = None,
) -> PreparedQuery:
    """Read a query once (a :class:`PreparedQuery` is returned as is, judged by ``allow_service``).

    :param base_iri: what relative IRIs in the query resolve against (for a query read from a
        file, the file's ``file:`` URI, as SPARQL defines it).

    >>> q = prepare("SELECT ?a WHERE { ?a ?p ?_x } # SERVICE")
    >>> q.form, q.kind.value, q.variables, [t.text for t in q.parameters], q.refusal
    ('SELECT', 'select', ('a', 'p', '_x'), ['?_x'], None)
    """
    if isinstance(sparql, PreparedQuery):
        return sparql.allowing(allow_service) if allow_service else sparql
    tokens = tokenize(sparql)
    # SPARQL decodes \uXXXX escapes before parsing (rdflib does, anywhere in the text), so a
    # keyword may be spelt "\u0053ERVICE": judge the text as written and as decoded.
    hazards = _hazards(tokens)
    decoded = _CODEPOINT_ESCAPE.sub(_decode_escape, sparql)
    if decoded != sparql:
        hazards += _hazards(tokenize(decoded))
    form = next((t.text.upper() for t in _keywords(tokens) if t.text.upper() in QUERY_FORMS), None)
    first: dict[str, Token] = {}
    for token in tokens:
        if token.kind == "variable":
            first.setdefault(token.text[1:], token)
    return PreparedQuery(
        text=sparql,
        source=source,
        form=form,
        variables=tuple(first),
        parameters=tuple(t for name, t in first.items() if name.startswith("_")),
        hazards=tuple(hazards),
        allow_service=tuple(allow_service),
        tokens=tuple(tokens),
        too_deep=_too_deep(tokens),
        base_iri=base_iri,
    )


def variables(sparql: str) -> list[str]:
    """Names of the variables used in the query, in order of first use, without ``?``/``$``.

    >>> variables("SELECT ?a WHERE { ?a ?_b_iri '?not' . $a ?c }")
    ['a', '_b_iri', 'c']
    """
    return list(prepare(sparql).variables)


def query_form(sparql: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query-form keyword, if any."""
    return prepare(sparql).form


def where_group(query: PreparedQuery) -> int:
    """The index in ``query.tokens`` of the ``{`` that opens the query's WHERE group.

    :raises QueryError: when the query has no WHERE group to bind into.
    """
    tokens = list(query.tokens)
    form = next((t for t in _keywords(tokens) if t.text.upper() in QUERY_FORMS), None)
    if form is None:
        raise QueryError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
    start = tokens.index(form) + 1
    if form.text.upper() == "CONSTRUCT":
        where = next(
            (
                i
                for i in range(start, len(tokens))
                if tokens[i].kind == "name" and tokens[i].text.upper() == "WHERE"
            ),
            None,
        )
        start = where + 1 if where is not None else len(tokens)
        if start < len(tokens) and tokens[start].text != "{":
            start = len(tokens)
    brace = next((i for i in range(start, len(tokens)) if tokens[i].text == "{"), None)
    if brace is None or (form.text.upper() == "CONSTRUCT" and brace != start):
        raise QueryError(
            "parameters need a WHERE group to bind into",
            hint="write CONSTRUCT { … } WHERE { … } rather than the short CONSTRUCT WHERE form",
        )
    return brace


def values_block(names: Sequence[str], bindings: Mapping[str, Term]) -> str:
    """`` VALUES (?a ?b) { (t1 t2) }``: terms in canonical N-Triples form, so no user text
    reaches the query unescaped."""
    variables = " ".join(f"?{name}" for name in names)
    terms = " ".join(str(bindings[name]) for name in names)
    return f" VALUES ({variables}) {{ ({terms}) }}"


def inline_bindings(sparql: str | PreparedQuery, bindings: Mapping[str, Term]) -> str:
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
    query = prepare(sparql)
    if not bindings:
        return query.text
    offset = query.tokens[where_group(query)].offset + 1
    return query.text[:offset] + values_block(list(bindings), bindings) + query.text[offset:]
