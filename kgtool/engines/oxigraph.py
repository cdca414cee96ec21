"""The Oxigraph engine: pyoxigraph, in memory (or over a store opened elsewhere)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.engines.base import (
    QueryResult,
    QueryStream,
    StoreObserver,
    column_order,
    failure_hint,
    stoppable_result,
)
from kgtool.errors import EngineError, QueryError
from kgtool.rdf.load import load_store
from kgtool.rdf.sparql import PreparedQuery, Term, inline_bindings, prepare
from kgtool.tables import clip, escape_controls

if TYPE_CHECKING:
    import pyoxigraph

# Patterns as strings, compiled (and cached by re) at the first syntax error, not at start-up.
_OXIGRAPH_POSITION = r"^error at (\d+):(\d+): "
_PREFIXED_NAME_END = r"([A-Za-z][\w.-]*)?:[\w.-]*$"
# A character class in pyoxigraph's "expected" list: ['0' ..= '9' | '\u{00B7}' | …], [_] …
_CHARACTER_CLASS = r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]"


def _class_in_words(character_class: str) -> str:
    """A character class of pyoxigraph's grammar, in words (the Unicode ranges say nothing)."""
    if character_class == "[_]":
        return ""  # "any character": the keyword matcher's filler, it tells the reader nothing
    if character_class == "['_']":
        return "'_'"
    if "'A'" in character_class:
        return "a name"
    if "\\u{00B7}" in character_class or "'_'" in character_class and "'0'" in character_class:
        return "a name character"
    if re.fullmatch(r"\['0'\s*\.\.=\s*'9'\]", character_class):
        return "a digit"
    return character_class if len(character_class) <= 20 else "another character"


def _expected_in_words(text: str) -> str:
    """``expected one of …`` with each character class in words, each said once.

    >>> _expected_in_words("expected one of \\"(\\", ['0'..='9'], ['A' ..= 'Z' | '\\\\u{00C0}'..='\\\\u{00D6}']")
    'expected one of "(", a digit, a name'
    """
    head, found, listed = text.partition("expected one of ")
    if not found:
        text = re.sub(_CHARACTER_CLASS, lambda m: _class_in_words(m.group()), text)
        return text if text.strip() != "expected" else "unexpected text"
    items: list[str] = []
    position = 0
    while position < len(listed):
        match = re.compile(_CHARACTER_CLASS).match(listed, position)
        if match:
            item, position = _class_in_words(match.group()), match.end()
        else:
            end = listed.find(", ", position)
            end = len(listed) if end < 0 else end
            item, position = listed[position:end], end
        if listed.startswith(", ", position):
            position += 2
        if item and item not in items:
            items.append(item)
    if len(items) == 1:
        return f"{head}expected {items[0]}"
    return head + found + ", ".join(items) if items else head + "unexpected text"


def syntax_error(error: SyntaxError, sparql: str = "") -> QueryError:
    """A one-line :class:`QueryError` at the line and column pyoxigraph reports.

    The path is ``query``; callers that know the file the query came from replace it.
    """
    text = " ".join(str(error).split())
    line = column = None
    hint = "check the query text near that position"
    if match := re.match(_OXIGRAPH_POSITION, text):
        line, column = int(match.group(1)), int(match.group(2))
        text = text[match.end() :]
    text = _expected_in_words(text)
    if "Prefix not found" in text:
        lines = sparql.split("\n")
        before = lines[line - 1][: column - 1] if line and line <= len(lines) and column else ""
        found = re.search(_PREFIXED_NAME_END, before)
        prefix = (found.group(1) or "") if found else "?"
        column = found.start() + 1 if found else column  # the start of the prefixed name
        text = f"prefix '{prefix}:' is not declared"
        hint = f"add 'PREFIX {prefix}: <…>' at the top of the query"
    return QueryError(
        f"SPARQL syntax error: {text}", path="query", line=line, column=column, hint=hint
    )


@dataclass
class OxigraphEngine:
    """pyoxigraph, in memory (or over a store opened elsewhere). Fast to load and query."""

    store: pyoxigraph.Store
    name: str = "oxigraph"
    #: Endpoints SERVICE may query (``--allow-service``); SERVICE is refused otherwise.
    allow_service: tuple[str, ...] = ()
    #: Seconds a query may spend evaluating (``--timeout``); ``None``: no limit.
    timeout: float | None = None

    @classmethod
    def from_files(
        cls, files: Iterable[Path], observer: StoreObserver | None = None
    ) -> OxigraphEngine:
        """Parse ``files`` into a new in-memory store; ``observer`` is told the bytes parsed.

        :raises DataError: on a bad file.
        """
        return cls(load_store(files, progress=observer.progress if observer else None))

    @classmethod
    def from_store(cls, store: pyoxigraph.Store) -> OxigraphEngine:
        """An engine over statements already parsed into ``store`` (shared, not copied)."""
        return cls(store)

    def quads(self) -> list[pyoxigraph.Quad]:
        """Every statement, with its named graph."""
        return list(self.store.quads_for_pattern(None, None, None, None))

    def query(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryResult:
        return self.stream(sparql, bindings).materialised()

    def stream(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryStream:
        prepared = prepare(sparql).allowing(self.allow_service)
        prepared.check_safe()
        text = inline_bindings(prepared, bindings or {})
        return stoppable_result(lambda: self._evaluate(prepared, text), self.timeout)

    def _evaluate(self, prepared: PreparedQuery, text: str) -> Iterator[object]:
        """The head, then the rows or triples (see :func:`~kgtool.engines.base.stoppable_result`)."""
        import pyoxigraph

        try:
            result = self.store.query(
                text, use_default_graph_as_union=True, base_iri=prepared.base_iri
            )
            # Solutions are computed lazily: errors (e.g. from SERVICE) come while reading them.
            if isinstance(result, pyoxigraph.QueryBoolean):
                yield bool(result)
            elif isinstance(result, pyoxigraph.QuerySolutions):
                variables = column_order(prepared, [v.value for v in result.variables])
                yield variables
                for solution in result:
                    yield tuple(solution[v] for v in variables)
            else:
                yield None
                yield from result
        except SyntaxError as error:
            raise syntax_error(error, prepared.text) from None
        except RuntimeError as error:  # a call to a function Oxigraph does not know, a SERVICE
            text = _first_line(error)
            custom = "custom function" in text
            raise QueryError(
                f"Oxigraph cannot evaluate this query: {clip(escape_controls(text))}",
                path="query",
                hint=failure_hint(
                    prepared,
                    "kgtool queries may call only the SPARQL 1.1 built-in functions"
                    if custom
                    else None,
                ),
            ) from None
        except OSError as error:
            raise EngineError(
                f"the query failed: {clip(escape_controls(_first_line(error)))}",
                hint=failure_hint(prepared),
            ) from None


def _first_line(error: BaseException) -> str:
    return next((line.strip() for line in str(error).splitlines() if line.strip()), "")
