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
    column_order,
    failure_hint,
    stoppable_result,
)
from kgtool.errors import EngineError, QueryError
from kgtool.graph import load_store
from kgtool.rdf.sparql import PreparedQuery, Term, inline_bindings, prepare
from kgtool.tables import clip, escape_controls

if TYPE_CHECKING:
    import pyoxigraph

_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")


def syntax_error(error: SyntaxError, sparql: str = "") -> QueryError:
    """A one-line :class:`QueryError` at the line and column pyoxigraph reports.

    The path is ``query``; callers that know the file the query came from replace it.
    """
    text = " ".join(str(error).split())
    line = column = None
    hint = "check the query text near that position"
    if match := _OXIGRAPH_POSITION.match(text):
        line, column = int(match.group(1)), int(match.group(2))
        text = text[match.end() :]
    if "Prefix not found" in text:
        lines = sparql.split("\n")
        before = lines[line - 1][: column - 1] if line and line <= len(lines) and column else ""
        found = _PREFIXED_NAME_END.search(before)
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
    def from_files(cls, files: Iterable[Path]) -> OxigraphEngine:
        """Parse ``files`` into a new in-memory store. :raises DataError: on a bad file."""
        return cls(load_store(files))

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
            result = self.store.query(text, use_default_graph_as_union=True)
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
