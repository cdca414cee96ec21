"""Engine names → the classes that implement them, imported on first use.

Like rdflib's plugin registry, a name maps to a ``"module:Class"`` string, so listing the names
(for ``--engine``'s choices and help) imports nothing. A local engine class offers
``from_files(files, observer)`` (parse the project's files, telling the observer the progress) and ``from_store(store)`` (reuse statements
already in a :class:`pyoxigraph.Store`, as ``validate`` does); see :mod:`kgtool.engines.oxigraph`.
The remote endpoint and the persistent store are chosen by ``--endpoint`` and ``--store``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kgtool.engines.base import Engine, EngineOptions, StoreObserver
from kgtool.errors import EngineError

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.project import Project


class LocalEngine(Engine, Protocol):
    """An engine class that loads local data: what a registered name must offer."""

    #: Seconds a query may spend evaluating (``--timeout``); ``None``: no limit.
    timeout: float | None

    @classmethod
    def from_files(
        cls, files: Iterable[Path], observer: StoreObserver | None = None
    ) -> LocalEngine: ...

    @classmethod
    def from_store(cls, store: pyoxigraph.Store) -> LocalEngine: ...


#: Registered local engines: name → ``"module:Class"``. Add a line here to add an engine.
ENGINES: dict[str, str] = {
    "oxigraph": "kgtool.engines.oxigraph:OxigraphEngine",
    "rdflib": "kgtool.engines.rdflib:RdflibEngine",
}
#: What ``--engine auto`` means when no endpoint is given.
DEFAULT_ENGINE = "oxigraph"
#: Values of ``--engine``. ``auto`` is the remote endpoint when ``--endpoint`` is given, else Oxigraph.
ENGINE_NAMES = ("auto", *ENGINES)


def engine_class(name: str) -> type[LocalEngine]:
    """The class registered as ``name`` (``auto`` is :data:`DEFAULT_ENGINE`), imported now.

    :raises EngineError: for a name that is not registered.
    """
    target = ENGINES.get(DEFAULT_ENGINE if name == "auto" else name)
    if target is None:
        raise EngineError(
            f"unknown engine {name!r}", hint="choose one of: " + ", ".join(ENGINE_NAMES)
        )
    module, _, attribute = target.partition(":")
    engine: type[LocalEngine] = getattr(importlib.import_module(module), attribute)
    return engine


def open_engine(project: Project, options: EngineOptions | None = None) -> Engine:
    """An engine over the project's data files (ontology, graph/ and ``--data``), or the endpoint.

    :raises DataError: on a bad file.
    :raises EngineError: for an unknown engine name, options that do not go together, an
        unusable store folder or endpoint URL.
    """
    options = options or EngineOptions()
    # The endpoint and store modules are imported only when used, as registered engines are.
    local = engine_class(options.engine)
    allow_service: tuple[str, ...] = ()
    if options.allow_service:
        from kgtool.engines.endpoint import check_endpoint_url

        allow_service = tuple(
            check_endpoint_url(url, "--allow-service") for url in options.allow_service
        )
    if options.endpoint is not None:
        if options.engine != "auto":
            raise EngineError(
                f"--engine {options.engine} cannot be combined with --endpoint: the endpoint runs the query",
                hint="drop --engine, or drop --endpoint to query the local files",
            )
        if options.store is not None:
            raise EngineError("--store cannot be combined with --endpoint", hint="use one of them")
        if project.extra_data:
            raise EngineError(
                "--data cannot be combined with --endpoint: kgtool does not upload files",
                hint="load the files into the endpoint's own store, or drop --endpoint",
            )
        from kgtool.engines.endpoint import EndpointEngine

        return EndpointEngine(
            options.endpoint,
            timeout=options.timeout,
            allow_service=allow_service,
            post=options.endpoint_post,
            max_bytes=options.max_response_bytes,
        )
    if options.store is not None:
        if options.engine not in ("auto", "oxigraph"):
            raise EngineError(
                "--store needs the oxigraph engine",
                hint=f"drop --engine {options.engine}, or drop --store",
            )
        from kgtool.engines.store import open_store

        engine = open_store(options.store, project.data_files, options.observer)
        engine.allow_service = allow_service
        engine.timeout = options.timeout
        return engine
    opened = local.from_files(project.data_files, options.observer)
    opened.allow_service = allow_service
    opened.timeout = options.timeout
    return opened
