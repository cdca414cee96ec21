"""Reading RDF files into a store, with errors that name the file, line and column.

pyoxigraph parses every file first: it is fast and reports exact positions, where rdflib
reports 0-based lines without a file name. Each file goes into its own named graph (the
file's ``file:`` IRI), so findings can be traced back to the file that holds a statement;
queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import DataError
from kgtool.project import RDF_SUFFIXES
from kgtool.rdf.convert import add_quads

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

_UNDECLARED_PREFIX = re.compile(r"The prefix (\S*?):? has not been declared")
_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
_FILE_SUFFIX = re.compile(r" \([^()]*, line \d+\)$")


def graph_name(path: Path) -> str:
    """The named-graph IRI a file is loaded into: its absolute ``file:`` URI."""
    return Path(path).resolve().as_uri()


def oxigraph_format(path: Path) -> pyoxigraph.RdfFormat:
    """The pyoxigraph format for a file, from its suffix. :raises DataError: for an unknown suffix."""
    import pyoxigraph

    suffix = path.suffix.lower()
    if suffix not in RDF_SUFFIXES:
        raise DataError(
            f"unknown RDF file type {suffix or '(no suffix)'!r}",
            path=path,
            hint="use one of: " + " ".join(sorted(RDF_SUFFIXES)),
        )
    found = pyoxigraph.RdfFormat.from_extension(suffix.lstrip(".") if suffix != ".owl" else "rdf")
    assert found is not None  # every suffix of RDF_SUFFIXES has a format
    return found


def parse_error(path: Path, error: SyntaxError) -> DataError:
    """Turn a pyoxigraph SyntaxError into a one-line :class:`DataError` with a fix hint."""
    message = _FILE_SUFFIX.sub("", _POSITION.sub("", str(error.msg)))
    hint = "fix the statement at this position"
    if undeclared := _UNDECLARED_PREFIX.search(message):
        prefix = undeclared.group(1)
        message = f"prefix '{prefix}:' is not declared"
        hint = f"add '@prefix {prefix}: <...> .' at the top of the file"
    elif "Invalid UTF-8" in message:
        message = "the file is not valid UTF-8"
        hint = "save the file with UTF-8 encoding"
    elif "LoadDocumentCallback" in message:
        message = "JSON-LD remote @context is not fetched (kgtool never reads the network)"
        hint = "inline the @context object in the file"
    return DataError(message, path=path, line=error.lineno, column=error.offset, hint=hint)


def check_not_empty(path: Path) -> None:
    """:raises DataError: when the file cannot be read or holds nothing but white space."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror}", path=path) from None
    if not content.strip():
        raise DataError("the file is empty", path=path, hint="add statements or delete the file")


def load_store(files: Iterable[Path], store: pyoxigraph.Store | None = None) -> pyoxigraph.Store:
    """Load RDF files into a pyoxigraph store (a new in-memory one unless ``store`` is given).

    Each file goes into the named graph :func:`graph_name` of its path; a file that fails to
    parse leaves the store without any of its statements.

    :raises DataError: for an empty, unreadable or syntactically invalid file.
    """
    import pyoxigraph

    store = store if store is not None else pyoxigraph.Store()
    for path in files:
        path = Path(path)
        check_not_empty(path)
        try:
            store.load(
                path=str(path),
                format=oxigraph_format(path),
                to_graph=pyoxigraph.NamedNode(graph_name(path)),
            )
        except SyntaxError as error:
            raise parse_error(path, error) from None
        except OSError as error:
            raise DataError(f"cannot read the file: {error}", path=path) from None
    return store


def load_rdflib(files: Iterable[Path]) -> rdflib.Dataset:
    """Load RDF files into an rdflib Dataset whose default graph is the union of all files.

    Files are checked with pyoxigraph first so errors carry exact positions.

    :raises DataError: for an empty, unreadable or syntactically invalid file.
    """
    import pyoxigraph
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    for path in files:
        path = Path(path)
        check_not_empty(path)
        # Parsed once, by pyoxigraph (exact error positions), its terms converted for rdflib.
        graph = dataset.graph(rdflib.URIRef(graph_name(path)))
        dataset_file = RDF_SUFFIXES[path.suffix.lower()] in ("nquads", "trig")
        try:
            quads = pyoxigraph.parse(path=str(path), format=oxigraph_format(path))
            add_quads(dataset, quads, dataset.default_context if dataset_file else graph)
        except SyntaxError as error:
            raise parse_error(path, error) from None
    return dataset


__all__ = [
    "check_not_empty",
    "graph_name",
    "load_rdflib",
    "load_store",
    "oxigraph_format",
    "parse_error",
]
