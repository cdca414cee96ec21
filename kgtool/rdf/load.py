"""Reading RDF files into a store, with errors that name the file, line and column.

pyoxigraph parses every file first: it is fast and reports exact positions, where rdflib
reports 0-based lines without a file name. Each file goes into its own named graph (the
file's ``file:`` IRI), so findings can be traced back to the file that holds a statement;
queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kgtool.errors import DataError
from kgtool.project import RDF_SUFFIXES
from kgtool.rdf.convert import add_quads

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

# The patterns of this module are compiled where they are used (re caches them): they serve
# parse errors and RDF/XML files only, and compiling them all costs every query ~1 ms.
_UNDECLARED_PREFIX = r"The prefix (\S*?):? has not been declared"
_POSITION = r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): "
_FILE_SUFFIX = r" \([^()]*, line \d+\)$"


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
    message = re.sub(_FILE_SUFFIX, "", re.sub(_POSITION, "", str(error.msg)))
    hint = "fix the statement at this position"
    if undeclared := re.search(_UNDECLARED_PREFIX, message):
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


#: A UTF-8 byte-order mark: accepted at the start of any file and skipped (pyoxigraph's Turtle and
#: N-Triples parsers would read it as a character).
BOM = b"\xef\xbb\xbf"
#: The most characters one DTD entity may expand to in an RDF/XML file. Real files declare
#: namespace abbreviations (a few dozen characters); "billion laughs" files nest entities to
#: expand a 1 KB file into gigabytes, which every XML parser here would build in memory.
ENTITY_EXPANSION_LIMIT = 10_000
#: How much of an RDF/XML file is searched for its DOCTYPE (it must come before the root element).
_PROLOG_BYTES = 1 << 20
_RDF_XML_SUFFIXES = (".rdf", ".owl")
_ENTITY = (
    rb"""<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s"'>]+)\s+"""
    rb"""(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<external>SYSTEM|PUBLIC))"""
)
_REFERENCE = rb"[&%]([^\s&%;#]+);"
_ELEMENT_START = rb"<[A-Za-z_:]"
_COMMENT_OR_INSTRUCTION = rb"(?s)<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)"
_DOCTYPE_END = rb"\]\s*>|<!DOCTYPE[^\[>]*>"


def check_entities(content: bytes, path: str | Path) -> None:
    """Refuse an RDF/XML document whose DTD could expand beyond :data:`ENTITY_EXPANSION_LIMIT`.

    Only the start of ``content`` is read: the DOCTYPE comes before the root element.

    :raises DataError: for an external or parameter entity, an entity that refers to itself, one
        whose expansion passes the limit, or a prolog too long to check (a DOCTYPE could hide
        behind it).

    >>> check_entities(b'<!DOCTYPE r [<!ENTITY x "http://e/">]><r/>', "a.rdf")
    >>> check_entities(b'<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r/>', "a.rdf")
    """
    head = content[:_PROLOG_BYTES]
    start = head.find(b"<!DOCTYPE")
    root = re.search(_ELEMENT_START, re.sub(_COMMENT_OR_INSTRUCTION, b"", head))
    if (
        start < 0
        and root is None
        and len(content) >= _PROLOG_BYTES
        or (
            start >= 0
            and re.compile(_DOCTYPE_END).search(head, start) is None
            and len(content) >= _PROLOG_BYTES
        )
    ):
        # What is not read here could hide a DOCTYPE: refuse rather than let the parser expand it.
        raise DataError(
            f"the XML prolog (before the root element) is longer than {_PROLOG_BYTES:,} bytes",
            path=path,
            hint="remove the long comments or DTD before the root element",
        )
    if start < 0:
        return
    values: dict[bytes, bytes] = {}
    places: dict[bytes, tuple[int, int]] = {}
    for match in re.compile(_ENTITY).finditer(head, start):
        line = head.count(b"\n", 0, match.start()) + 1
        column = match.start() - head.rfind(b"\n", 0, match.start())
        if match.group("parameter") or match.group("external"):
            raise DataError(
                "the file's DTD declares an external or parameter entity, which kgtool does not read",
                path=path,
                line=line,
                column=column,
                hint="write the values out in the file and remove the DOCTYPE",
            )
        value = match.group("double")
        values[match.group("name")] = value if value is not None else match.group("single")
        places[match.group("name")] = (line, column)
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: frozenset[bytes]) -> int:
        if name in sizes:
            return sizes[name]
        if name in seen:
            return ENTITY_EXPANSION_LIMIT + 1  # a cycle expands without end
        value = values.get(name, b"")
        total = len(value)
        for reference in re.finditer(_REFERENCE, value):
            total += size(reference.group(1), seen | {name}) - len(reference.group())
            if total > ENTITY_EXPANSION_LIMIT:
                break
        sizes[name] = total
        return total

    for name in values:
        if size(name, frozenset()) > ENTITY_EXPANSION_LIMIT:
            raise DataError(
                f"the DTD entity '{name.decode(errors='replace')}' expands to more than "
                f"{ENTITY_EXPANSION_LIMIT:,} characters (an entity-expansion attack?)",
                path=path,
                line=places[name][0],
                column=places[name][1],
                hint="write the values out in the file and remove the DOCTYPE",
            )


def open_rdf(path: Path) -> BinaryIO:
    """Open an RDF file for parsing: past a UTF-8 byte-order mark, RDF/XML checked by
    :func:`check_entities`. An empty file is an empty graph.

    :raises DataError: when the file cannot be read or its DTD is refused.
    """
    try:
        stream = open(path, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror}", path=path) from None
    try:
        if path.suffix.lower() in _RDF_XML_SUFFIXES:
            check_entities(stream.read(_PROLOG_BYTES), path)
            stream.seek(0)
        if stream.read(len(BOM)) != BOM:
            stream.seek(0)
    except BaseException as error:
        stream.close()
        if isinstance(error, OSError):
            raise DataError(f"cannot read the file: {error.strerror}", path=path) from None
        raise
    return stream


#: Told ``(bytes read, bytes in all)`` while files load: about every :data:`PROGRESS_STEP`
#: bytes, and once at the end with both equal.
LoadProgress = Callable[[int, int], None]
#: Bytes read between two progress calls (the parsers read ~2 KB at a time).
PROGRESS_STEP = 1 << 20


class _ByteCounter(io.RawIOBase):
    """The raw stream under :func:`progress_reader`: counts what is read, tells ``progress``."""

    def __init__(self, stream: BinaryIO, progress: LoadProgress, total: int, done: int) -> None:
        super().__init__()
        self.stream, self.progress, self.total, self.done = stream, progress, total, done
        self._reported = done

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.done += count
        if self.done - self._reported >= PROGRESS_STEP:
            self._reported = self.done
            self.progress(self.done, self.total)
        return count


def progress_reader(
    stream: BinaryIO, progress: LoadProgress, total: int, done: int = 0
) -> BinaryIO:
    """``stream`` as read by a parser, telling ``progress`` how far it has got about every
    :data:`PROGRESS_STEP` bytes (within a file, so one large file shows progress too).

    The counting sits under a C ``BufferedReader`` of :data:`PROGRESS_STEP` bytes: the parsers'
    small reads cost what they cost on the file itself, and Python runs once per megabyte.
    ``done`` is where this file starts among ``total`` bytes.

    >>> import io
    >>> seen = []
    >>> reader = progress_reader(io.BytesIO(b"x" * (3 << 20)), lambda d, t: seen.append(d), 4 << 20)
    >>> len(reader.read()), seen == [1 << 20, 2 << 20, 3 << 20]
    (3145728, True)
    """
    return io.BufferedReader(_ByteCounter(stream, progress, total, done), PROGRESS_STEP)


def _counted(
    stream: BinaryIO, progress: LoadProgress | None, size: int, total: int, done: int
) -> BinaryIO:
    """``stream`` under :func:`progress_reader` when progress is wanted and the file is big enough
    to be told within it; a smaller file would get the same calls (none) through a 1 MB buffer
    and Python reads, about 2 ms for the shipped files (every ``kgtool query``)."""
    if progress is None or size < PROGRESS_STEP:
        return stream
    return progress_reader(stream, progress, total, done)


def _sizes(files: Iterable[Path]) -> list[tuple[Path, int]]:
    """Each file with its size (0 when it cannot be read: loading it says why)."""
    sized = []
    for path in files:
        path = Path(path)
        try:
            sized.append((path, path.stat().st_size))
        except OSError:
            sized.append((path, 0))
    return sized


def load_store(
    files: Iterable[Path],
    store: pyoxigraph.Store | None = None,
    progress: LoadProgress | None = None,
) -> pyoxigraph.Store:
    """Load RDF files into a pyoxigraph store (a new in-memory one unless ``store`` is given).

    Each file goes into the named graph :func:`graph_name` of its path, which is also the base
    IRI its relative IRIs resolve against; a file that fails to parse leaves the store without
    any of its statements.

    :param progress: told how many bytes of all the files have been parsed (see
        :data:`LoadProgress`).
    :raises DataError: for an unreadable or syntactically invalid file.
    """
    import pyoxigraph

    store = store if store is not None else pyoxigraph.Store()
    sized = _sizes(files)
    total = sum(size for _, size in sized)
    done = 0
    for path, size in sized:
        rdf_format = oxigraph_format(path)
        name = graph_name(path)
        try:
            with open_rdf(path) as stream:
                store.load(
                    _counted(stream, progress, size, total, done),
                    format=rdf_format,
                    base_iri=name,
                    to_graph=pyoxigraph.NamedNode(name),
                )
        except SyntaxError as error:
            raise parse_error(path, error) from None
        except OSError as error:
            raise DataError(f"cannot read the file: {error}", path=path) from None
        done += size
    if progress:
        progress(total, total)
    return store


def load_rdflib(files: Iterable[Path], progress: LoadProgress | None = None) -> rdflib.Dataset:
    """Load RDF files into an rdflib Dataset whose default graph is the union of all files.

    Each file is parsed once, by pyoxigraph (exact error positions), and its terms converted
    for rdflib. A file that holds no statement adds no named graph, as in :func:`load_store`
    (``GRAPH ?g`` ranges over the files that hold statements on every engine).

    :param progress: told how many bytes of all the files have been parsed (see
        :data:`LoadProgress`).
    :raises DataError: for an unreadable or syntactically invalid file.
    """
    import logging  # rdflib imports it anyway; the default engine needs none

    import pyoxigraph
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    sized = _sizes(files)
    total = sum(size for _, size in sized)
    done = 0
    # rdflib logs a traceback for each ill-typed literal ("abc"^^xsd:decimal) it is given;
    # validation reports those itself, at their position.
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        for path, size in sized:
            name = graph_name(path)
            dataset_file = RDF_SUFFIXES[path.suffix.lower()] in ("nquads", "trig")
            with open_rdf(path) as stream:
                counted = _counted(stream, progress, size, total, done)
                try:
                    quads = pyoxigraph.parse(counted, format=oxigraph_format(path), base_iri=name)
                    first = next(quads, None)
                    if first is not None:
                        graph = (
                            dataset.default_context
                            if dataset_file
                            else dataset.graph(rdflib.URIRef(name))
                        )
                        add_quads(dataset, itertools.chain([first], quads), graph)
                    # else: an empty file is an empty graph, with no named graph for it
                except SyntaxError as error:
                    raise parse_error(path, error) from None
            done += size
    finally:
        logger.setLevel(level)
    if progress:
        progress(total, total)
    return dataset


__all__ = [
    "BOM",
    "ENTITY_EXPANSION_LIMIT",
    "check_entities",
    "graph_name",
    "load_rdflib",
    "load_store",
    "LoadProgress",
    "PROGRESS_STEP",
    "open_rdf",
    "oxigraph_format",
    "parse_error",
    "progress_reader",
]
