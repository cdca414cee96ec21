"""What every engine shares: result terms, :class:`QueryResult`, the :class:`Engine` protocol
and :class:`EngineOptions`.

Results always use pyoxigraph's term types (:class:`pyoxigraph.NamedNode`, ``BlankNode``,
``Literal``) whatever engine produced them, so formatting, labels and tests do not care which
engine ran the query. Every engine refuses unsafe queries (see :mod:`kgtool.rdf.sparql`) before
running anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from kgtool.rdf.sparql import PreparedQuery, QueryKind, Term

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


class Engine(Protocol):
    """What every engine offers. ``bindings`` map variable names (without ``?``) to terms.

    ``query`` takes the text or a :class:`~kgtool.rdf.sparql.PreparedQuery` (read once, not
    again) and refuses an unsafe query against the engine's own ``allow_service``.
    Engines that can list their statements also offer ``quads()`` (see :class:`QuadSource`).
    """

    name: str
    #: Endpoints SERVICE may query (``--allow-service``); SERVICE is refused otherwise.
    allow_service: tuple[str, ...]

    def query(
        self, sparql: str | PreparedQuery, bindings: Mapping[str, Term] | None = None
    ) -> QueryResult: ...


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


@dataclass(frozen=True)
class EngineOptions:
    """How to run queries.

    :param engine: ``auto`` or a registered engine name (``--engine``, see
        :mod:`kgtool.engines.registry`); ``auto`` means Oxigraph, or the remote endpoint when one
        is given.
    :param store: a folder for a persistent Oxigraph store (``--store``); ``None``: in memory.
    :param endpoint: a remote SPARQL endpoint URL (``--endpoint``); nothing is loaded locally.
    :param timeout: seconds a remote query may take (``--timeout``).
    :param allow_service: endpoint IRIs that SERVICE may query (``--allow-service``).
    :param endpoint_post: how a query is sent to the endpoint (``--endpoint-post``): ``direct``
        (``application/sparql-query``) or ``form`` (URL-encoded).
    :param observer: told about store builds and load progress (see :mod:`kgtool.engines.store`).
    """

    engine: str = "auto"
    store: Path | None = None
    endpoint: str | None = None
    timeout: float = 30.0
    allow_service: tuple[str, ...] = ()
    endpoint_post: str = "direct"
    observer: StoreObserver | None = field(default=None, compare=False, repr=False)


__all__ = [
    "Engine",
    "EngineOptions",
    "QuadSource",
    "QueryKind",
    "QueryResult",
    "StoreObserver",
    "Term",
]
