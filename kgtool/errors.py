"""The one error hierarchy of kgtool.

Every error a user can cause is a :class:`KgtoolError`. Its message says what went wrong,
where (``file:line:column`` when known) and how to fix it; the CLI prints it as one line on
stderr and exits with :attr:`KgtoolError.exit_code`. The library never prints or exits.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes shared by every command (documented in the README and ``kgtool --help``)."""

    OK = 0
    #: The command ran and found something: SHACL violations, files that differ, unformatted files.
    FINDINGS = 1
    #: The input could not be used: unreadable or invalid file, bad query, bad option or parameter.
    ERROR = 2
    #: Stopped by Ctrl-C (SIGINT), as shells report it (128 + 2).
    INTERRUPTED = 130


class KgtoolError(Exception):
    """Base class: a user-facing error with an optional location and fix hint.

    >>> str(KgtoolError("bad prefix", path="graph/a.ttl", line=3, column=7, hint="declare it"))
    'graph/a.ttl:3:7: bad prefix (hint: declare it)'
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.__str__())

    @property
    def location(self) -> str:
        """``file:line:column`` as far as known, or an empty string."""
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} (hint: {self.hint})" if self.hint else text


class ProjectError(KgtoolError):
    """The project folder, a data path or a bundled resource is missing or unusable."""


class DataError(KgtoolError):
    """An RDF file cannot be read: syntax, encoding, unknown prefix, empty file."""


class QueryError(KgtoolError):
    """A SPARQL query is malformed, or a saved query's metadata is invalid."""


class UnsafeQueryError(QueryError):
    """A query would write, or reach the network or files (UPDATE, SERVICE, FROM, LOAD)."""


class ParameterError(KgtoolError):
    """A query parameter is unknown, missing, mistyped, ambiguous or does not resolve."""


class EntityNotFoundError(KgtoolError):
    """An IRI, CURIE or label names no entity in the graph (or several)."""


class EngineError(KgtoolError):
    """A query engine, store or remote endpoint failed or could not be reached."""


class FormatError(KgtoolError):
    """An output format does not fit the result (e.g. ``--format turtle`` for a SELECT query)."""


class OutputError(KgtoolError):
    """An output file cannot be written (missing folder, permission, disk full)."""
