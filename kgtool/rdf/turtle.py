"""Turtle text, read and written one way: the lexer, layout reader and writer kgtool shares.

``kgtool fmt`` (:mod:`kgtool.turtle_format`), ``kgtool diff`` (:mod:`kgtool.diff`), ``kgtool new``
(:mod:`kgtool.scaffold`) and ``kgtool validate`` (:mod:`kgtool.validation`) all see Turtle text
through this module, so they agree on where a name starts and ends (``<http://e/a\\u0041>`` is
one IRI, ``<http://e/aA>``, for all of them).

Public API:

* :class:`Token` and :func:`tokens` — the lexer (Turtle, TriG and N-Triples/N-Quads text);
  :func:`unescape_iri`, :func:`comments`.
* :func:`index_text` → :class:`TextIndex` — the prefixes a file declares and where each IRI is
  first written, as a subject (:attr:`TextIndex.starts`) or anywhere (:attr:`TextIndex.mentions`).
* :class:`LayoutReader` → :class:`Layout` — prefixes, sections and where every comment belongs.
* :class:`Writer` — renders a graph as canonical Turtle in a :class:`Layout`;
  :class:`BlankNodeNumbers` turns its canonical blank-node labels (wrapped in :data:`LABEL_MARK`)
  into ``b1``, ``b2``…; :func:`natural_key` is its sort order.
* :class:`RdfSource`, :func:`read_graph`, :func:`isomorphic`, :func:`exact_literals` — parsing
  with pyoxigraph into rdflib with canonical blank nodes.

The formatting rules themselves are documented in :mod:`kgtool.turtle_format`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from kgtool.errors import DataError
from kgtool.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

#: Longest line (in characters) on which several objects of one predicate are grouped.
LINE_WIDTH = 100
INDENT = 4

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = _RDF + "type"
_RDF_FIRST = _RDF + "first"
_RDF_REST = _RDF + "rest"
_RDF_NIL = _RDF + "nil"
#: Predicates written first in a block, in this order; the rest follow sorted by CURIE.
PREDICATE_ORDER = (
    _RDF_TYPE,
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/ns/shacl#path",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)

_HINT_MOVE = "put the comment on its own line directly above the subject or predicate it is about"

# --------------------------------------------------------------------------------------------
# Lexing: the one tokenizer for Turtle, TriG, N-Triples and N-Quads text. It sees the layout, not
# the grammar: pyoxigraph has parsed (or will report) the statements themselves.
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<caret>\^\^)
  | (?P<number>[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+|\d*\.\d+|\d+))
  | (?P<punct>[.;,\[\](){}])
  | (?P<word>(?:[^\s<>"'{}|^`\\;,\[\]()\#]|\\.)+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One token of Turtle text.

    ``kind`` is one of ``comment``, ``iri`` (``<…>``, as written), ``string``, ``at`` (``@prefix``,
    ``@base`` or a language tag), ``caret`` (``^^``), ``number``, ``punct`` (``. ; , [ ] ( ) { }``),
    ``word`` (a prefixed name, a blank-node label ``_:b``, ``a``, ``true``, ``PREFIX``…) or
    ``other`` (a character that starts no token; only with ``strict=False``).
    """

    kind: str
    text: str
    line: int  # 1-based, where the token starts
    column: int  # 1-based, in characters
    own_line: bool  # nothing but whitespace before it on its line

    @property
    def is_prefixed_name(self) -> bool:
        """True for ``prefix:local`` (and ``:local``), false for a blank-node label ``_:b``."""
        return self.kind == "word" and ":" in self.text and not self.text.startswith("_:")


def tokens(text: str, path: str, *, strict: bool = True) -> Iterator[Token]:
    r"""The tokens of ``text``, whitespace left out.

    :param path: the file's name, for the error message.
    :param strict: raise on a character that starts no token; with ``False`` it becomes an
        ``other`` token, for callers that only look for names in text that may not parse.
    :raises DataError: (strict only) ``file:line:column: cannot read this part of the file``.

    >>> [t.text for t in tokens("<http://e/a\\u0041> ex:p ex:o.", "<text>")]
    ['<http://e/a\\u0041>', 'ex:p', 'ex:o', '.']
    """
    position, line, line_start = 0, 1, 0
    last_line = 0  # line of the previous non-whitespace token
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # 'other' matches any character
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "other" and strict:
            raise DataError(
                "cannot read this part of the file",
                path=path,
                line=line,
                column=position - line_start + 1,
            )
        if kind == "word" and value.endswith(".") and not value.endswith("\\."):
            # A statement's final dot directly after a name: 'kgr:X.' is 'kgr:X' then '.'.
            value = value.rstrip(".")
            while value.endswith("\\") and not value.endswith("\\\\"):
                value += "."  # keep an escaped dot (``\\.``) with the name
        if kind != "ws":
            yield Token(kind, value, line, position - line_start + 1, last_line != line)
        for newline in re.finditer(r"\n", value):
            line += 1
            line_start = position + newline.end()
        if kind != "ws":
            last_line = line  # where the token ends (a long string may span lines)
        position += len(value)


def unescape_iri(text: str) -> str:
    """Decode the ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes of an IRI reference.

    >>> unescape_iri("http://e/a\\\\u0041")
    'http://e/aA'
    """
    return re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        text,
    )


def resolve_iri(base: str, reference: str) -> str:
    """``reference`` resolved against ``base`` as RFC 3986 says (and pyoxigraph does).

    :func:`urllib.parse.urljoin` drops an empty fragment or query, which RFC 3986 keeps.

    >>> resolve_iri("file:///d/a.ttl", "#"), resolve_iri("http://e/x/", "../y")
    ('file:///d/a.ttl#', 'http://e/y')
    """
    resolved = urljoin(base, reference)
    for mark in ("?", "#"):
        if reference.endswith(mark) and not resolved.endswith(mark):
            resolved += mark
    return resolved


def unescape_local(local: str) -> str:
    """Decode the backslash escapes of a prefixed name's local part (``a\\.b`` → ``a.b``)."""
    return re.sub(r"\\(.)", r"\1", local)


def comments(text: str, path: str) -> list[str]:
    """Every comment of ``text`` (right-stripped), in order.

    :raises DataError: see :func:`tokens`.
    """
    return [t.text.rstrip() for t in tokens(text, path) if t.kind == "comment"]


@dataclass
class TextIndex:
    """What a file's text says, found by the lexer: its prefixes and where IRIs are written.

    Positions are 1-based ``(line, column)``.
    """

    prefixes: dict[str, str] = field(default_factory=dict)
    #: IRI → where it is first written as the subject of a statement.
    starts: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: IRI → where it is first written at all.
    mentions: dict[str, tuple[int, int]] = field(default_factory=dict)


class ResolvedTokens:
    """The tokens of Turtle, TriG, N-Triples or N-Quads ``text`` (which need not parse), each with
    the IRI it writes: an IRI (resolved against ``base``) or a prefixed name whose prefix is
    declared; ``None`` for any other token.

    Comments are skipped, and so are ``@prefix``/``PREFIX`` and ``@base``/``BASE`` directives
    where a statement may start: they are followed as they come (:attr:`prefixes` grows during
    the walk). While a token is being handled, :attr:`at_statement_start` says whether it begins
    a statement (it is a subject, outside any ``[ ]`` or ``( )``).

    >>> walk = ResolvedTokens("@prefix ex: <http://e/> .\\nex:a ex:p <b> .", "http://e/")
    >>> [(t.text, iri) for t, iri in walk], walk.prefixes
    ([('.', None), ('ex:a', 'http://e/a'), ('ex:p', 'http://e/p'), ('<b>', 'http://e/b'), ('.', None)], {'ex': 'http://e/'})
    """

    def __init__(self, text: str, base: str) -> None:
        self.text, self.base = text, base
        self.prefixes: dict[str, str] = {}
        self.at_statement_start = True

    def __iter__(self) -> Iterator[tuple[Token, str | None]]:
        base, depth = self.base, 0
        words = [t for t in tokens(self.text, "<text>", strict=False) if t.kind != "comment"]
        index = 0
        while index < len(words):
            token = words[index]
            index += 1
            upper = token.text.upper()
            if self.at_statement_start and upper in ("@PREFIX", "PREFIX", "@BASE", "BASE"):
                args = words[index : index + 2]
                if (
                    upper.endswith("PREFIX")
                    and len(args) == 2
                    and args[0].is_prefixed_name
                    and args[0].text.endswith(":")
                    and args[1].kind == "iri"
                ):
                    self.prefixes[args[0].text[:-1]] = resolve_iri(
                        base, unescape_iri(args[1].text[1:-1])
                    )
                    index += 2
                elif upper.endswith("BASE") and args and args[0].kind == "iri":
                    base = resolve_iri(base, unescape_iri(args[0].text[1:-1]))
                    index += 1
                continue
            iri = None
            if token.kind == "iri":
                iri = resolve_iri(base, unescape_iri(token.text[1:-1]))
            elif token.is_prefixed_name:
                prefix, _, local = token.text.partition(":")
                if prefix in self.prefixes:
                    iri = self.prefixes[prefix] + unescape_local(local)
            yield token, iri
            if token.text in ("[", "("):
                depth += 1
            elif token.text in ("]", ")"):
                depth = max(depth - 1, 0)
            self.at_statement_start = (token.text == "." and depth == 0) or token.text in ("{", "}")


def index_text(text: str, base: str) -> TextIndex:
    """Index Turtle, TriG, N-Triples or N-Quads ``text``, which need not parse.

    ``@prefix``/``PREFIX`` and ``@base``/``BASE`` are followed as they come; relative IRIs
    resolve against ``base``.

    >>> found = index_text("@prefix ex: <http://e/> .\\nex:a ex:p <a\\\\u0041> .", "http://e/")
    >>> found.prefixes, found.starts, found.mentions["http://e/aA"]
    ({'ex': 'http://e/'}, {'http://e/a': (2, 1)}, (2, 11))
    """
    walk = ResolvedTokens(text, base)
    found = TextIndex(prefixes=walk.prefixes)
    for token, iri in walk:
        if iri is not None:
            where = (token.line, token.column)
            found.mentions.setdefault(iri, where)
            if walk.at_statement_start:
                found.starts.setdefault(iri, where)
    return found


# --------------------------------------------------------------------------------------------
# Layout: where the comments go, which section each subject belongs to.
# --------------------------------------------------------------------------------------------


@dataclass
class Section:
    """A run of subjects under one section comment (the first section may have none)."""

    comment: list[str]
    subjects: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """What :class:`LayoutReader` found in a file: base, prefixes, sections and which subject,
    predicate or prefix each comment belongs to. :class:`Writer` takes an empty one for plain
    canonical output."""

    base: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    header: list[list[str]] = field(default_factory=list)
    prefix_leading: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    prefix_trailing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sections: list[Section] = field(default_factory=lambda: [Section([])])
    subject_section: dict[str, int] = field(default_factory=dict)
    subject_leading: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    subject_trailing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    predicate_leading: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    predicate_trailing: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    subject_end: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Relative IRI references as written (``<#a>``, ``<../x>``), by the IRI they resolve to:
    #: the writer keeps them relative, so a file does not gain its own absolute location.
    relative: dict[str, str] = field(default_factory=dict)
    #: The ``@base`` IRI as written (relative or not).
    base_written: str | None = None


@dataclass
class _Frame:
    kind: str  # "stmt", "bnode" or "list"
    state: str  # "pred", "obj" or "after"
    subject: str | None = None  # the statement's subject IRI (None for a blank node)
    predicate: str | None = None  # the current top-level predicate IRI


class LayoutReader:
    """Walks the tokens once and records where every comment belongs."""

    def __init__(self, text: str, path: str, base: str) -> None:
        self.path = path
        self.base = base
        self.layout = Layout()
        self.tokens = list(tokens(text, path))
        self.index = 0
        self.stack: list[_Frame] = []
        self.pending: list[Token] = []  # own-line comments between statements
        self.pending_predicate: list[Token] = []  # own-line comments before a predicate
        self.seen_directive = False
        self.seen_statement = False
        self.after_string = False
        self.previous: Token | None = None
        self.ended: tuple[str, str | None] | None = None  # what the last top-level '.' ended
        self.in_directive = False
        #: (IRI, as written, the @base in force): see :attr:`Layout.relative`.
        self.relative: list[tuple[str, str, str | None]] = []

    # -- helpers --------------------------------------------------------------------------

    def _refuse(self, token: Token, where: str) -> DataError:
        return DataError(
            f"cannot keep this comment: {where}",
            path=self.path,
            line=token.line,
            column=token.column,
            hint=_HINT_MOVE,
        )

    def _resolve(self, token: Token) -> str | None:
        """The IRI an IRI reference or prefixed name stands for (None for anything else)."""
        if token.kind == "iri":
            iri = unescape_iri(token.text[1:-1])
            if ":" in iri:
                return iri
            resolved = resolve_iri(self.layout.base or self.base, iri)
            self.relative.append((resolved, token.text[1:-1], self.layout.base))
            return resolved
        if token.kind == "word" and ":" in token.text and not token.text.startswith("_:"):
            prefix, _, local = token.text.partition(":")
            namespace = self.layout.prefixes.get(prefix)
            return None if namespace is None else namespace + unescape_local(local)
        if token.kind == "word" and token.text == "a":
            return _RDF_TYPE
        return None

    def _next(self) -> Token | None:
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            self.index += 1
            if token.kind == "comment":
                self._comment(token)
                continue
            if token.kind == "iri":
                self._resolve(token)  # records a relative reference as written
            return token
        return None

    # -- comments ---------------------------------------------------------------------------

    def _comment(self, token: Token) -> None:
        text = token.text.rstrip()
        frame = self.stack[-1] if self.stack else None
        if self.in_directive:
            raise self._refuse(token, "it is inside a @prefix or @base directive")
        if token.own_line:
            if frame is None:
                self.pending.append(token)
            elif len(self.stack) == 1 and frame.kind == "stmt" and frame.state == "pred":
                if frame.subject is None:
                    raise self._refuse(
                        token, "it is inside the description of a blank-node subject"
                    )
                self.pending_predicate.append(token)
            else:
                raise self._refuse(token, self._inside(frame))
            return
        previous = self.previous
        if frame is None and self.ended is not None:
            kind, key = self.ended
            if kind == "prefix" and key is not None:
                self.layout.prefix_trailing[key].append(text)
                return
            if kind == "stmt" and key is not None:
                self.layout.predicate_trailing[(key, self.last_predicate)].append(text)
                return
            raise self._refuse(token, "it follows a blank-node subject")
        if (
            frame is not None
            and len(self.stack) == 1
            and frame.kind == "stmt"
            and frame.state == "pred"
        ):
            if (
                frame.subject is not None
                and previous is not None
                and previous.text == ";"
                and frame.predicate
            ):
                self.layout.predicate_trailing[(frame.subject, frame.predicate)].append(text)
                return
            if frame.subject is not None and frame.predicate is None:
                self.layout.subject_trailing[frame.subject].append(text)
                return
        raise self._refuse(token, self._inside(frame) if frame else "it is inside a directive")

    @staticmethod
    def _inside(frame: _Frame | None) -> str:
        if frame is None:
            return "it is inside a directive"
        if frame.kind == "bnode":
            return "it is inside a [ ] blank node"
        if frame.kind == "list":
            return "it is inside a ( ) collection"
        if frame.subject is None:
            return "it is inside the description of a blank-node subject"
        return "it is inside a statement, between a predicate and its objects"

    def _flush_pending(self, token: Token | None, kind: str, key: str | None) -> None:
        """Place the comments seen between statements, now that ``token`` follows them."""
        blocks: list[list[Token]] = []
        for comment in self.pending:
            if blocks and comment.line == blocks[-1][-1].line + 1:
                blocks[-1].append(comment)
            else:
                blocks.append([comment])
        self.pending = []
        if not blocks:
            return
        attached: list[Token] = []
        if token is not None and blocks[-1][-1].line + 1 == token.line:
            attached = blocks.pop()
        texts = [[c.text.rstrip() for c in block] for block in blocks]
        if (not self.seen_directive and not self.seen_statement) or (
            kind == "prefix" and key is None
        ):
            self.layout.header.extend(texts)  # the top of the file, or comments about @base
        elif kind == "prefix" and not self.seen_statement and key is not None:
            self.layout.prefix_leading[key].extend(line for block in texts for line in block)
        else:
            self.layout.sections.extend(Section(block) for block in texts)
        if attached:
            lines = [c.text.rstrip() for c in attached]
            if (
                kind == "prefix"
                and key is not None
                and (self.seen_directive or self.seen_statement)
            ):
                self.layout.prefix_leading[key].extend(lines)
            elif kind == "prefix":
                self.layout.header.append(lines)
            elif key is None:
                raise self._refuse(attached[0], "it is attached to a blank-node subject")
            else:
                self.layout.subject_leading[key].extend(lines)

    # -- statements -------------------------------------------------------------------------

    def read(self) -> Layout:
        while (token := self._next()) is not None:
            if not self.stack:
                self._statement_start(token)
            else:
                self._inside_statement(token)
            self.previous = token
        self._flush_pending(None, "eof", None)
        # The output has one @base at the top: a reference written before a later @base would
        # resolve differently there, so only those read under the final base stay relative.
        self.layout.relative = {
            iri: written for iri, written, base in self.relative if base == self.layout.base
        }
        return self.layout

    def _expect(self, kinds: tuple[str, ...], what: str) -> Token:
        token = self._next()
        if token is None or token.kind not in kinds:
            where = token or self.previous
            raise DataError(
                f"expected {what}",
                path=self.path,
                line=where.line if where else None,
                column=where.column if where else None,
            )
        self.previous = token
        return token

    def _directive(self, token: Token) -> None:
        keyword = token.text.lstrip("@").lower()
        self.in_directive = True
        if keyword == "prefix":
            name = self._expect(("word",), "a prefix name").text
            iri_token = self._expect(("iri",), "an IRI")
            iri = self._resolve(iri_token) or ""
            prefix = name[:-1]
            self._flush_pending(token, "prefix", prefix)
            old = self.layout.prefixes.get(prefix)
            if old is not None and old != iri:
                raise DataError(
                    f"prefix '{prefix}:' is declared twice with different IRIs; fmt cannot keep both",
                    path=self.path,
                    line=token.line,
                    column=token.column,
                    hint="use a different prefix name for the second namespace",
                )
            self.layout.prefixes[prefix] = iri
            self.ended = ("prefix", prefix)
        else:
            iri_token = self._expect(("iri",), "an IRI")
            iri = self._resolve(iri_token) or ""
            self._flush_pending(token, "prefix", None)
            if self.layout.base is not None and self.layout.base != iri:
                raise DataError(
                    "@base is declared twice; fmt cannot keep both",
                    path=self.path,
                    line=token.line,
                    column=token.column,
                    hint="keep one @base and write the other IRIs in full",
                )
            self.layout.base = iri
            self.layout.base_written = iri_token.text[1:-1]
            self.ended = ("prefix", None)
        if token.kind == "at":
            self._expect(("punct",), "'.'")
        self.in_directive = False
        self.seen_directive = True

    def _statement_start(self, token: Token) -> None:
        if token.kind == "at" or (
            token.kind == "word" and token.text.lower() in ("prefix", "base")
        ):
            self._directive(token)
            return
        subject = self._resolve(token)
        self._flush_pending(token, "stmt", subject)
        self.seen_statement = True
        if subject is not None and subject not in self.layout.subject_section:
            self.layout.subject_section[subject] = len(self.layout.sections) - 1
            self.layout.sections[-1].subjects.append(subject)
        frame = _Frame("stmt", "pred", subject)
        self.stack.append(frame)
        if token.text == "[":
            self.stack.append(_Frame("bnode", "pred"))
        elif token.text == "(":
            self.stack.append(_Frame("list", "obj"))

    def _inside_statement(self, token: Token) -> None:
        frame = self.stack[-1]
        text = token.text
        if self.after_string:
            self.after_string = False
            if token.kind == "at":
                return
            if token.kind == "caret":
                self._expect(("iri", "word"), "a datatype IRI")
                return
        if frame.kind == "list":
            if text == ")":
                self._close()
            else:
                self._object(token)
            return
        if frame.state == "pred":
            if text == ";":
                return
            if text == "." and frame.kind == "stmt":
                self._end_statement(token)
                return
            if text == "]" and frame.kind == "bnode":
                self._close()
                return
            if self.pending_predicate and len(self.stack) == 1:
                if frame.subject is None:
                    raise self._refuse(
                        self.pending_predicate[0],
                        "it is inside the description of a blank-node subject",
                    )
                predicate = self._resolve(token) or text
                self.layout.predicate_leading[(frame.subject, predicate)].extend(
                    c.text.rstrip() for c in self.pending_predicate
                )
                self.pending_predicate = []
            frame.predicate = self._resolve(token) or text
            if len(self.stack) == 1:
                self.last_predicate = frame.predicate
            frame.state = "obj"
            return
        if frame.state == "obj":
            self._object(token)
            return
        # after an object
        if text == ",":
            frame.state = "obj"
        elif text == ";":
            frame.state = "pred"
        elif text == "." and frame.kind == "stmt":
            self._end_statement(token)
        elif text == "]" and frame.kind == "bnode":
            self._close()

    def _object(self, token: Token) -> None:
        frame = self.stack[-1]
        if frame.kind != "list":
            frame.state = "after"
        if token.text == "[":
            self.stack.append(_Frame("bnode", "pred"))
        elif token.text == "(":
            self.stack.append(_Frame("list", "obj"))
        elif token.kind == "string":
            self.after_string = True

    def _close(self) -> None:
        self.stack.pop()
        parent = self.stack[-1]
        if parent.kind == "stmt" and parent.predicate is None:
            parent.state = "pred"  # a [ ] or ( ) subject: predicates (or '.') follow
        elif parent.kind != "list":
            parent.state = "after"

    def _end_statement(self, token: Token) -> None:
        frame = self.stack.pop()
        if self.pending_predicate:
            if frame.subject is None or frame.predicate is None:
                raise self._refuse(
                    self.pending_predicate[0],
                    "it is inside the description of a blank-node subject",
                )
            # Comments after the last ';' of a block (e.g. commented-out optional properties).
            self.layout.subject_end[frame.subject].extend(
                c.text.rstrip() for c in self.pending_predicate
            )
            self.pending_predicate = []
        self.ended = ("stmt", frame.subject if frame.predicate else None)
        self.stack.clear()

    last_predicate: str = ""


# --------------------------------------------------------------------------------------------
# Writing terms
# --------------------------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}"
_PN_LOCAL = re.compile(
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?\Z"
)
_INTEGER = re.compile(r"[+-]?\d+\Z")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+\Z")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)\Z")
_BARE = {_XSD + "integer": _INTEGER, _XSD + "decimal": _DECIMAL, _XSD + "double": _DOUBLE}
LABEL_MARK = "\ue000"  # wraps canonical blank-node ids until they are numbered


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key: case-insensitive, digit runs compared as numbers, then the exact text.

    >>> sorted(["claim-10", "Claim-2", "claim-1"], key=natural_key)
    ['claim-1', 'Claim-2', 'claim-10']
    """
    parts = re.split(r"(\d+)", text.casefold())
    return (tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p), text)


def _escape_string(value: str) -> str:
    long = "\n" in value
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n" and long:
            out.append("\n")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or char == "\x7f" or char == LABEL_MARK:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    quote = '"""' if long else '"'
    return quote + "".join(out) + quote


class Writer:
    """Renders the statements of one (canonicalised) graph as Turtle."""

    def __init__(self, graph: rdflib.Graph, prefixes: dict[str, str], layout: Layout) -> None:
        import rdflib

        self.rdflib = rdflib
        self.graph = graph
        self.layout = layout
        # Longest namespace first, so the most specific prefix wins.
        self.namespaces = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self.refs: Counter[Any] = Counter(o for o in graph.objects() if isinstance(o, rdflib.BNode))
        self.lists: dict[Any, list[Any]] = {}
        for node in {s for s in graph.subjects() if isinstance(s, rdflib.BNode)}:
            items = self._list_items(node)
            if items is not None:
                self.lists[node] = items
        self.list_nodes = {n for head in self.lists for n in self._list_chain(head)}
        self.labelled: set[Any] = set()
        self.roots: set[Any] = set()

    # -- terms ------------------------------------------------------------------------------

    def iri(self, iri: str) -> str:
        if (written := self.layout.relative.get(iri)) is not None:
            return f"<{written}>"
        for prefix, namespace in self.namespaces:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if local and _PN_LOCAL.match(local):
                    return f"{prefix}:{local}"
        escaped = "".join(
            f"\\u{ord(c):04X}" if ord(c) <= 0x20 or c in '<>"{}|^`\\' else c for c in iri
        )
        return f"<{escaped}>"

    def literal(self, literal: rdflib.Literal) -> str:
        value = str(literal)
        if literal.language:
            return f"{_escape_string(value)}@{literal.language}"
        datatype = str(literal.datatype) if literal.datatype is not None else None
        if datatype is None:
            return _escape_string(value)
        bare = _BARE.get(datatype)
        if bare is not None and bare.match(value):
            return value
        if datatype == _XSD + "boolean" and value in ("true", "false"):
            return value
        return f"{_escape_string(value)}^^{self.iri(datatype)}"

    def label(self, node: Any) -> str:
        self.labelled.add(node)
        return f"_:{LABEL_MARK}{node}{LABEL_MARK}"

    def nestable(self, node: Any) -> bool:
        return (
            isinstance(node, self.rdflib.BNode) and self.refs[node] == 1 and node not in self.roots
        )

    def term(self, node: Any, indent: int) -> str:
        rdflib = self.rdflib
        if isinstance(node, rdflib.URIRef):
            return "()" if str(node) == _RDF_NIL else self.iri(str(node))
        if isinstance(node, rdflib.Literal):
            return self.literal(node)
        if not self.nestable(node):
            return self.label(node)
        if node in self.lists:
            return self._collection(self.lists[node], indent)
        entries = self._entries(node, indent + INDENT)
        if not entries:
            return "[]"
        return "[\n" + self._join_entries(entries, last="") + "\n" + " " * indent + "]"

    def _collection(self, items: list[Any], indent: int) -> str:
        rendered = [self.term(item, indent + INDENT) for item in items]
        inline = "( " + " ".join(rendered) + " )"
        if not any("\n" in r for r in rendered) and len(inline) + indent <= LINE_WIDTH:
            return inline
        pad = " " * (indent + INDENT)
        return "(\n" + "\n".join(pad + r for r in rendered) + "\n" + " " * indent + ")"

    # -- lists ------------------------------------------------------------------------------

    def _list_chain(self, head: Any) -> list[Any]:
        chain, node = [], head
        while node is not None and str(node) != _RDF_NIL:
            chain.append(node)
            node = self.graph.value(node, self.rdflib.URIRef(_RDF_REST))
        return chain

    def _list_items(self, head: Any) -> list[Any] | None:
        """The items of a well-formed list starting at ``head``, else None."""
        rdflib = self.rdflib
        first, rest = rdflib.URIRef(_RDF_FIRST), rdflib.URIRef(_RDF_REST)
        items, node, seen = [], head, set()
        while str(node) != _RDF_NIL:
            if not isinstance(node, rdflib.BNode) or node in seen or self.refs[node] != 1:
                return None
            pairs = list(self.graph.predicate_objects(node))
            if sorted(str(p) for p, _ in pairs) != [_RDF_FIRST, _RDF_REST]:
                return None
            seen.add(node)
            items.append(self.graph.value(node, first))
            node = self.graph.value(node, rest)
        return items

    # -- blocks -----------------------------------------------------------------------------

    def predicate_key(self, predicate: Any) -> tuple[Any, ...]:
        iri = str(predicate)
        if iri in PREDICATE_ORDER:
            return (0, PREDICATE_ORDER.index(iri))
        return (1, natural_key(self.iri(iri)))

    def object_key(self, node: Any, rendered: str) -> tuple[Any, ...]:
        rdflib = self.rdflib
        if isinstance(node, rdflib.URIRef):
            return (0, natural_key(rendered))
        if isinstance(node, rdflib.Literal):
            datatype = str(node.datatype or "")
            return (1, node.language or "", datatype, str(node), rendered)
        return (2, rendered)

    def _entries(self, subject: Any, indent: int) -> list[tuple[list[str], str, list[str]]]:
        """(leading comments, text, trailing comments) for each predicate of ``subject``."""
        by_predicate: dict[Any, list[Any]] = defaultdict(list)
        for predicate, obj in self.graph.predicate_objects(subject):
            by_predicate[predicate].append(obj)
        key = str(subject) if isinstance(subject, self.rdflib.URIRef) else None
        result = []
        for predicate in sorted(by_predicate, key=self.predicate_key):
            name = "a" if str(predicate) == _RDF_TYPE else self.iri(str(predicate))
            text = self._objects(name, by_predicate[predicate], indent)
            leading = self.layout.predicate_leading.get((key, str(predicate)), []) if key else []
            trailing = self.layout.predicate_trailing.get((key, str(predicate)), []) if key else []
            result.append((leading, text, trailing))
        return result

    def _objects(self, name: str, objects: list[Any], indent: int) -> str:
        pad = " " * indent
        structured = [self.nestable(o) for o in objects]
        flat = {o: self.term(o, indent) for o in objects}
        order = sorted(objects, key=lambda o: self.object_key(o, flat[o]))
        one_line = pad + name + " " + " , ".join(flat[o] for o in order)
        if "\n" not in one_line and len(one_line) <= LINE_WIDTH and not any(structured):
            return one_line
        text = pad + name + " "
        previous_multiline = False
        for position, obj in enumerate(order):
            nested = self.nestable(obj)
            if position == 0:
                text += flat[obj]
            elif nested and previous_multiline:
                text += " , " + flat[obj]
            else:
                text += " ,\n" + pad + " " * INDENT + self.term(obj, indent + INDENT)
            previous_multiline = nested and "\n" in flat[obj]
        return text

    def _join_entries(
        self, entries: list[tuple[list[str], str, list[str]]], *, last: str = " ."
    ) -> str:
        """Predicate lines with their comments; ``last`` ends the final one (" .", "" or " ;")."""
        lines: list[str] = []
        for position, (leading, text, trailing) in enumerate(entries):
            pad = text[: len(text) - len(text.lstrip(" "))]
            lines.extend(pad + comment.lstrip() for comment in leading)
            end = last if position == len(entries) - 1 else " ;"
            comment = (" " + " ".join(c.lstrip() for c in trailing)) if trailing else ""
            lines.append(text + end + comment)
        return "\n".join(lines)

    def _block(self, subject: Any) -> str:
        rdflib = self.rdflib
        entries = self._entries(subject, INDENT)
        if isinstance(subject, rdflib.URIRef):
            key = str(subject)
            head = [c.lstrip() for c in self.layout.subject_leading.get(key, [])]
            trailing = self.layout.subject_trailing.get(key, [])
            name = self.iri(key) + (
                (" " + " ".join(c.lstrip() for c in trailing)) if trailing else ""
            )
            end = self.layout.subject_end.get(key, [])
            if not end:
                return "\n".join([*head, name, self._join_entries(entries)])
            body = self._join_entries(entries, last=" ;")
            tail = [" " * INDENT + c.lstrip() for c in end] + [" " * INDENT + "."]
            return "\n".join([*head, name, body, *tail])
        if self.refs[subject] == 0:
            return "[\n" + self._join_entries(entries, last="") + "\n] ."
        return self.label(subject) + "\n" + self._join_entries(entries)

    # -- whole file -------------------------------------------------------------------------

    def render(self) -> str:
        rdflib = self.rdflib
        layout = self.layout
        subjects = set(self.graph.subjects())
        named = {s for s in subjects if isinstance(s, rdflib.URIRef)}
        self.find_roots()

        header = list(layout.header)
        directives = []
        if layout.base is not None:
            directives.append(f"@base <{layout.base_written or layout.base}> .")
        width = max((len(p) for p in layout.prefixes), default=0) + 2
        known = list(PREFIXES)
        for prefix in sorted(
            layout.prefixes, key=lambda p: (0, known.index(p), p) if p in known else (1, 0, p)
        ):
            leading = [c.lstrip() for c in layout.prefix_leading.get(prefix, [])]
            if leading and not directives:
                header.append(leading)  # above the first directive, it reads back as the header
            else:
                directives.extend(leading)
            namespace = layout.prefixes[prefix]
            written = layout.relative.get(namespace, namespace)
            line = f"@prefix {(prefix + ':').ljust(width)}<{written}> ."
            trailing = layout.prefix_trailing.get(prefix, [])
            directives.append(
                line + ((" " + " ".join(c.lstrip() for c in trailing)) if trailing else "")
            )
        chunks: list[str] = ["\n".join(block) for block in header]
        if directives:
            chunks.append("\n".join(directives))

        sections: list[list[Any]] = [[] for _ in layout.sections]
        for subject in named:
            sections[layout.subject_section.get(str(subject), len(sections) - 1)].append(subject)
        for section, members in zip(layout.sections, sections, strict=True):
            if section.comment:
                chunks.append("\n".join(section.comment))
            for subject in sorted(members, key=lambda s: natural_key(self.iri(str(s)))):
                chunks.append(self._block(subject))
        orphans = sorted(self._block(b) for b in self.roots if b in subjects)
        chunks.extend(orphans)
        text = "\n\n".join(chunks) + "\n" if chunks else ""  # an empty graph is an empty file
        return self.number_labels(text)

    def find_roots(self) -> None:
        """Blank nodes written as blocks of their own: those used never or twice and more, then as
        many cycle breakers as needed so that every blank node is written exactly once."""
        rdflib = self.rdflib
        subjects = set(self.graph.subjects())
        named = {s for s in subjects if isinstance(s, rdflib.URIRef)}
        blank = sorted((s for s in subjects if isinstance(s, rdflib.BNode)), key=str)
        self.roots = {b for b in blank if self.refs[b] != 1}
        while True:
            reached = self._reachable(named | self.roots)
            missing = [b for b in blank if b not in reached]
            if not missing:
                break
            self.roots.add(missing[0])

    def _reachable(self, roots: Iterable[Any]) -> set[Any]:
        seen: set[Any] = set()
        todo = list(roots)
        while todo:
            node = todo.pop()
            for obj in self.graph.objects(node):
                if isinstance(obj, self.rdflib.BNode) and obj not in seen and self.refs[obj] == 1:
                    if obj not in self.roots:
                        seen.add(obj)
                        todo.append(obj)
        return seen | set(roots)

    @staticmethod
    def number_labels(text: str) -> str:
        """Number the canonical blank-node labels of one rendered text."""
        return BlankNodeNumbers()(text)


class BlankNodeNumbers:
    """Replaces :class:`Writer`'s canonical blank-node labels by ``b1``, ``b2``… in order of
    appearance; one instance numbers several texts consistently.

    >>> numbers = BlankNodeNumbers()
    >>> numbers(f"_:{LABEL_MARK}x{LABEL_MARK} _:{LABEL_MARK}y{LABEL_MARK}"), numbers(f"_:{LABEL_MARK}y{LABEL_MARK}")
    ('_:b1 _:b2', '_:b2')
    """

    _LABEL = re.compile(f"{LABEL_MARK}([^{LABEL_MARK}]+){LABEL_MARK}")

    def __init__(self) -> None:
        self.numbers: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return self._LABEL.sub(
            lambda m: self.numbers.setdefault(m.group(1), f"b{len(self.numbers) + 1}"), text
        )


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def exact_literals() -> Iterator[None]:
    """Make rdflib keep every literal's lexical form exactly as written, quietly.

    By default rdflib rewrites literals it can read (``"01"^^xsd:integer`` → ``"1"``) and turns
    ill-typed booleans into ``false`` — a different RDF term for pyoxigraph and SPARQL. Inside
    this context it does neither, and it does not log a traceback per ill-typed literal.
    """
    import rdflib

    logger = logging.getLogger("rdflib.term")
    normalize, level = rdflib.NORMALIZE_LITERALS, logger.level
    rdflib.NORMALIZE_LITERALS = False
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
        logger.setLevel(level)


@dataclass(frozen=True)
class RdfSource:
    """RDF content to read: its bytes, a name for messages, its base IRI and its file suffix."""

    content: bytes
    name: str
    base: str | None = None
    suffix: str = ".ttl"


def _quads(source: RdfSource) -> list[pyoxigraph.Quad]:
    import pyoxigraph

    from kgtool.rdf.load import BOM, check_entities, oxigraph_format, parse_error

    file_format = oxigraph_format(Path(source.name).with_suffix(source.suffix))
    if source.suffix.lower() in (".rdf", ".owl"):
        check_entities(source.content, source.name)
    try:
        return [
            pyoxigraph.Quad(quad.subject, quad.predicate, quad.object)
            for quad in pyoxigraph.parse(
                source.content.removeprefix(BOM),
                format=file_format,
                base_iri=source.base,
                rename_blank_nodes=True,
            )
        ]
    except SyntaxError as error:
        raise parse_error(Path(source.name), error) from None


def read_graph(sources: Iterable[RdfSource]) -> rdflib.Graph:
    """Parse RDF with pyoxigraph (exact error positions, literals kept as written) and merge it
    into one rdflib graph whose blank nodes have canonical ids.

    Named graphs are merged into one. The blank-node ids come from pyoxigraph's canonicalisation,
    so they do not depend on the order of the statements in the files.

    :raises DataError: when a source does not parse (``file:line:column``).
    """
    import pyoxigraph
    import rdflib

    quads = [quad for source in sources for quad in _quads(source)]
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    graph = rdflib.Graph(bind_namespaces="none")
    iris: dict[str, Any] = {}

    def term(node: Any) -> Any:
        if isinstance(node, pyoxigraph.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = rdflib.URIRef(node.value)
            return iri
        if isinstance(node, pyoxigraph.BlankNode):
            return rdflib.BNode(node.value)
        if node.language:
            return rdflib.Literal(node.value, lang=node.language)
        if node.datatype.value == _XSD + "string":
            return rdflib.Literal(node.value)
        return rdflib.Literal(node.value, datatype=term(node.datatype))

    with exact_literals():
        for quad in dataset:
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def isomorphic(first: Iterable[RdfSource], second: Iterable[RdfSource]) -> bool:
    """True when both sides hold the same statements up to blank-node names.

    Uses pyoxigraph's canonicalisation (milliseconds), not :func:`rdflib.compare.isomorphic`,
    which takes about ten seconds on ``ontology/shapes.ttl`` (hundreds of blank nodes).
    """
    import pyoxigraph

    def canonical(sources: Iterable[RdfSource]) -> set[Any]:
        dataset = pyoxigraph.Dataset([quad for source in sources for quad in _quads(source)])
        dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
        return set(dataset)

    return canonical(first) == canonical(second)


__all__ = [
    "LABEL_MARK",
    "LINE_WIDTH",
    "PREDICATE_ORDER",
    "BlankNodeNumbers",
    "Layout",
    "LayoutReader",
    "RdfSource",
    "Section",
    "TextIndex",
    "Token",
    "Writer",
    "comments",
    "exact_literals",
    "ResolvedTokens",
    "index_text",
    "isomorphic",
    "natural_key",
    "read_graph",
    "resolve_iri",
    "tokens",
    "unescape_iri",
    "unescape_local",
]
