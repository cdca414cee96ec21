"""What every engine shares: result terms, :class:`QueryResult`, the :class:`Engine` protocol
and :class:`EngineOptions`.

Results always use pyoxigraph's term types (:class:`pyoxigraph.NamedNode`, ``BlankNode``,
``Literal``) whatever engine produced them, so formatting, labels and tests do not care which
engine ran the query. Every engine refuses unsafe queries (see :mod:`kgtool.rdf.sparql`) before
running anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from kgtool.rdf.sparql import PreparedQuery, QueryKind, Term
from kgtool.stoppable import stoppable_iter

if TYPE_CHECKING:
    import pyoxigraph


@dataclass(frozen=True)
class QueryResult:
    """A fully materialised query result.

    ``rows`` hold one tuple per solution, aligned with ``variables``; ``None`` marks an
    unbound variable. ``boolean`` is set for ASK, ``triples`` for CONSTRUCT/DESCRIBE.
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[pyoxigraph.Triple, ...] = field(default=())


Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class QueryStream:
    """A query result read while the engine computes it: SELECT ``rows`` can be iterated once.

    Output written row by row from here keeps memory flat however many rows there are. An engine
    error or the deadline can still be raised while ``rows`` are read.
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    triples: tuple[pyoxigraph.Triple, ...] = field(default=())

    def materialised(self) -> QueryResult:
        """Every row read now, as a :class:`QueryResult`."""
        return QueryResult(self.kind, self.variables, tuple(self.rows), self.boolean, self.triples)


class RowLimit:
    """Keeps the first ``limit`` rows (or triples) of a result; :attr:`cut` then says whether
    the engine had more.

    >>> from kgtool.rdf.sparql import QueryKind
    >>> limit = RowLimit(2)
    >>> list(limit.apply(QueryStream(QueryKind.SELECT, ("n",), iter([(None,)] * 5))).rows), limit.cut
    ([(None,), (None,)], True)
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        #: Whether rows beyond the limit were left out (known once the rows are read).
        self.cut = False

    def apply(self, stream: QueryStream) -> QueryStream:
        if stream.kind is QueryKind.GRAPH:
            self.cut = len(stream.triples) > self.limit
            return dataclasses.replace(stream, triples=stream.triples[: self.limit])
        return dataclasses.replace(stream, rows=self._rows(stream.rows))

    def _rows(self, rows: Iterator[Row]) -> Iterator[Row]:
        for count, row in enumerate(rows):
            if count == self.limit:
                self.cut = True
                close = getattr(rows, "close", None)
                if close is not None:
                    close()  # stop the engine: nothing more is read
                return
            yield row


class Engine(Protocol):
    """What every engine offers. ``bindings`` map variable names (without ``?``) to terms.

    ``query`` and ``stream`` take the text or a :class:`~kgtool.rdf.sparql.PreparedQuery` (read
    once, not again) and refuse an unsafe query against the engine's own ``allow_service``;
    ``query`` reads every row, ``stream`` hands them over as the engine computes them.
    Engines that can list their statements also offer ``quads()`` (see :class:`QuadSource`).
    """

    name: str
    #: Endpoints SERVICE may query (``--allow-service``); SERVICE is refused otherwise.
    allow_service: tuple[str, ...]

    def query(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryResult: ...

    def stream(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryStream: ...


#: What a local engine's evaluation yields first (see :func:`stoppable_result`): the ASK answer,
#: the SELECT columns, or ``None`` for a graph (CONSTRUCT/DESCRIBE).
Head = bool | tuple[str, ...] | None


def stoppable_result(
    evaluate: Callable[[], Iterable[object]], timeout: float | None
) -> QueryStream:
    """Run a local engine's evaluation where Ctrl-C and ``timeout`` can stop it.

    :param evaluate: yields the :data:`Head` first, then the rows (SELECT) or triples (graph).
        It runs in a worker thread (see :mod:`kgtool.stoppable`) and raises kgtool errors itself.
    :param timeout: seconds spent waiting for the engine, across every row; ``None``: no limit.
    :raises EngineError: when the deadline passes (also while the rows are read).
    """
    items = stoppable_iter(evaluate, timeout)
    head = cast(Head, next(items))
    if isinstance(head, bool):
        items.close()
        return QueryStream(QueryKind.ASK, boolean=head)
    if head is None:
        triples = cast("tuple[pyoxigraph.Triple, ...]", tuple(items))
        return QueryStream(QueryKind.GRAPH, triples=triples)
    return QueryStream(QueryKind.SELECT, variables=head, rows=cast(Iterator[Row], items))


def failure_hint(query: PreparedQuery, default: str | None = None) -> str | None:
    """The hint for an engine failure: a query with an allowed SERVICE most likely failed there."""
    if any(hazard.keyword == "SERVICE" for hazard in query.hazards):
        return "check that the --allow-service endpoint is up and answers SPARQL results"
    return default


def column_order(query: PreparedQuery, variables: Sequence[str]) -> tuple[str, ...]:
    """The columns of a result: for ``SELECT *`` in order of first appearance in the query.

    Engines order ``SELECT *`` columns their own way (Oxigraph alphabetically, rdflib by a set,
    so differently from run to run); the same query gets the same columns on every engine. An
    explicit projection keeps its order.

    >>> from kgtool.rdf.sparql import prepare
    >>> column_order(prepare("SELECT * { ?s ?p ?o }"), ["o", "p", "s"])
    ('s', 'p', 'o')
    """
    tokens = query.tokens
    start = next(
        (i for i, t in enumerate(tokens) if t.kind == "name" and t.text.upper() == "SELECT"), None
    )
    if start is None:
        return tuple(variables)
    following = [t.text.upper() for t in tokens[start + 1 : start + 3]]
    if following[:1] in (["DISTINCT"], ["REDUCED"]):
        following = following[1:]
    if following[:1] != ["*"]:
        return tuple(variables)
    first = {name: index for index, name in enumerate(query.variables)}
    return tuple(sorted(variables, key=lambda name: first.get(name, len(first))))


@runtime_checkable
class QuadSource(Protocol):
    """An engine that can give every statement it holds, with its named graph (for export)."""

    def quads(self) -> list[pyoxigraph.Quad]: ...


class StoreObserver(Protocol):
    """Receives what a store sync has to say; the CLI prints it on stderr."""

    def notice(self, message: str) -> None:
        """One line worth telling the user (a rebuild and why, an update)."""

    def progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` bytes of data files loaded so far (called often during a load)."""


#: Seconds a query may take unless ``--timeout`` says otherwise (local engines and endpoints).
DEFAULT_TIMEOUT = 60.0
#: The largest answer read from an endpoint unless ``--max-response-mb`` says otherwise.
DEFAULT_MAX_RESPONSE_BYTES = 256 << 20


@dataclass(frozen=True)
class EngineOptions:
    """How to run queries.

    :param engine: ``auto`` or a registered engine name (``--engine``, see
        :mod:`kgtool.engines.registry`); ``auto`` means Oxigraph, or the remote endpoint when one
        is given.
    :param store: a folder for a persistent Oxigraph store (``--store``); ``None``: in memory.
    :param endpoint: a remote SPARQL endpoint URL (``--endpoint``); nothing is loaded locally.
    :param timeout: seconds a query may take (``--timeout``): on a local engine the time spent
        waiting for its answers, on an endpoint the whole request.
    :param allow_service: endpoint IRIs that SERVICE may query (``--allow-service``).
    :param endpoint_post: how a query is sent to the endpoint (``--endpoint-post``): ``direct``
        (``application/sparql-query``) or ``form`` (URL-encoded).
    :param max_response_bytes: the largest answer read from ``--endpoint`` (``--max-response-mb``).
    :param observer: told about store builds and load progress (see :mod:`kgtool.engines.store`).
    """

    engine: str = "auto"
    store: Path | None = None
    endpoint: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    allow_service: tuple[str, ...] = ()
    endpoint_post: str = "direct"
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    observer: StoreObserver | None = field(default=None, compare=False, repr=False)


__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "Engine",
    "EngineOptions",
    "QuadSource",
    "QueryKind",
    "QueryResult",
    "QueryStream",
    "Row",
    "RowLimit",
    "StoreObserver",
    "Term",
    "column_order",
    "failure_hint",
    "stoppable_result",
]
