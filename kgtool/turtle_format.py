"""Deterministic, diff-friendly Turtle: the library behind ``kgtool fmt``.

The lexer, layout reader and writer it uses live in :mod:`kgtool.rdf.turtle` (shared with
``diff``, ``new`` and ``validate``); the names that lived here before are re-exported.

The formatter reads a Turtle file twice: rdflib parses the statements (the meaning), and a small
lexer reads the layout (prefixes, comments, where each subject block starts). It then writes the
statements back in one canonical layout and keeps every comment:

* ``@base`` (if any), then the file's prefixes as ``@prefix`` lines, aligned: the project's
  well-known prefixes first in :data:`kgtool.namespaces.PREFIXES` order, then the others
  alphabetically. Unused prefixes are kept.
* Comments at the top of the file (before the first prefix) stay at the top.
* A comment block followed by a blank line is a **section comment**. Sections keep their order;
  each subject goes to the section where the file first describes it. Inside a section, subjects
  are sorted by their CURIE (case-insensitive, numbers in natural order: ``claim-2`` before
  ``claim-10``). Blank nodes that cannot be nested (used twice, or never) come last, labelled
  ``_:b1``, ``_:b2``… in order of appearance.
* A comment block directly above a subject travels with that subject; a comment directly above
  a predicate (or after its ``;``) travels with that predicate; comments after the last ``;`` of
  a block stay at its end, before a ``.`` on its own line. A comment anywhere else (between
  objects, inside ``[ ]`` or ``( )``, on a blank-node subject) cannot be kept: the formatter
  refuses with ``file:line: cannot keep this comment …`` rather than drop it.
* Each subject block: the subject on its own line, then one predicate per line (indent 4):
  ``a`` first, then ``rdfs:subClassOf``, ``rdfs:subPropertyOf``, ``sh:path``, ``rdfs:label``,
  ``skos:prefLabel``, ``skos:altLabel``, then the rest sorted by CURIE. Objects of one predicate are grouped with ``,`` on one line when it fits
  in 100 characters, otherwise one per continuation line (indent 8); IRIs first, then literals
  (by language tag, then text), then blank nodes.
* Blank nodes used once are nested as ``[ … ]``; well-formed RDF lists are written ``( … )``.
  Literals use the short forms (``42``, ``1.5``, ``true``, ``"x"@en``) when these read back as
  the same term; IRIs are CURIEs with the file's own prefixes where the local name allows it.

Before returning, the formatter checks that the output holds the same statements as the input
(:func:`isomorphic`: both parsed and canonicalised by pyoxigraph, which is exact and takes
milliseconds where :func:`rdflib.compare.isomorphic` takes seconds on hundreds of blank nodes)
and every comment; otherwise it refuses.
Formatting is idempotent: ``format_turtle(format_turtle(x)) == format_turtle(x)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kgtool.errors import DataError, ProjectError
from kgtool.fileio import utf8_error_position, write_atomic
from kgtool.project import files_below
from kgtool.rdf.turtle import (
    LINE_WIDTH,
    PREDICATE_ORDER,
    LayoutReader,
    RdfSource,
    Writer,
    comments,
    exact_literals,
    isomorphic,
    read_graph,
)


def format_turtle(text: str, path: str | Path = "<text>") -> str:
    """Format Turtle ``text`` the canonical kgtool way (see the module docstring).

    :param text: the content of a Turtle file.
    :param path: the file's name, used in error messages (and as the base IRI).
    :return: the formatted text, ending with one newline.
    :raises DataError: when the text does not parse (``file:line:column``), when a comment
        cannot be placed (``file:line: cannot keep this comment …``), or when the result would
        not be isomorphic to the input.

    >>> print(format_turtle('@prefix ex: <http://example.org/> . ex:b ex:p 2, 1 . ex:a a ex:T .'), end="")
    @prefix ex: <http://example.org/> .
    <BLANKLINE>
    ex:a
        a ex:T .
    <BLANKLINE>
    ex:b
        ex:p 1 , 2 .
    """
    path = str(path)
    base = Path(path).resolve().as_uri() if path != "<text>" else "urn:kgtool:text"
    source = RdfSource(text.encode("utf-8"), path, base)
    graph = read_graph([source])
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    layout = LayoutReader(text.removeprefix(bom), path, base).read()
    result = bom + with_line_ends(Writer(graph, layout.prefixes, layout).render(), text)
    # The proof that only the layout changed: the output, exactly as it will be written, read
    # back holds the same statements and the same comments as the input as it was read.
    if not isomorphic([source], [RdfSource(result.encode("utf-8"), path, base)]):
        raise DataError(
            "formatting would change the statements of this file; nothing was written",
            path=path,
            hint="please report this file to the kgtool maintainers",
        )
    if sorted(comments(result, path)) != sorted(c.lstrip() for c in comments(text, path)):
        raise DataError(
            "formatting would lose a comment of this file; nothing was written",
            path=path,
            hint="please report this file to the kgtool maintainers",
        )
    return result


_LINE_END = re.compile(r"\r?\n")
_LONG_STRING_OR_SPACE = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*""")|(?P<space>[ \t\r\n]+)'
    r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\s]*>|\#[^\n]*|[^\"'<#\s]+|.",
    re.DOTALL,
)
_ESCAPED_CR_LF = re.compile(r"\\r\n|\\.")


def with_line_ends(formatted: str, original: str) -> str:
    r"""``formatted`` (written with ``\n``) with the line ends of ``original``: ``\r\n`` when the
    original's first line ends so, else unchanged.

    Inside a long string a line break is part of the value: there an ``\r`` escape followed by a
    line break (a CRLF in the value) becomes a raw CRLF again, and a bare LF stays LF.

    >>> with_line_ends('<a> <b> "x" .\n', "<a> <b> <c> .\r\n")
    '<a> <b> "x" .\r\n'
    """
    first = _LINE_END.search(original)
    if first is None or first.group() != "\r\n":
        return formatted

    def convert(match: re.Match[str]) -> str:
        if match.group("string") is not None:
            return _ESCAPED_CR_LF.sub(
                lambda m: "\r\n" if m.group() == "\\r\n" else m.group(), match.group()
            )
        if match.group("space") is not None:
            return match.group().replace("\n", "\r\n")
        return match.group()

    return _LONG_STRING_OR_SPACE.sub(convert, formatted)


@dataclass(frozen=True)
class FormatResult:
    """One file's formatting: its current and its formatted text."""

    path: Path
    original: str
    formatted: str

    @property
    def changed(self) -> bool:
        """True when the file is not yet formatted."""
        return self.original != self.formatted


def turtle_files(paths: Iterable[Path]) -> list[Path]:
    """Every Turtle file given: files as they are, folders searched for ``*.ttl``, sorted.

    :raises ProjectError: for a missing path, a file that is not ``.ttl``, or an empty folder.
    """
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = files_below(path, {".ttl"})
            if not files:
                raise ProjectError(f"no Turtle (.ttl) files in folder {path}")
            found.extend(files)
        elif path.is_file():
            if path.suffix.lower() != ".ttl":
                raise ProjectError(
                    f"{path} is not a Turtle file",
                    hint="fmt formats Turtle files, whose names end in .ttl",
                )
            found.append(path)
        else:
            raise ProjectError(f"no such file or folder: {path}", hint="check the path")
    return list(dict.fromkeys(found))


def format_file(path: Path) -> FormatResult:
    """Read and format one Turtle file (nothing is written).

    :raises DataError: when the file cannot be read, parsed or formatted without loss.
    """
    try:
        # Bytes, decoded without newline translation: a CR or CRLF is data to keep, not noise.
        data = Path(path).read_bytes()
        original = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = utf8_error_position(data, error)
        raise DataError(
            "the file is not valid UTF-8",
            path=path,
            line=line,
            column=column,
            hint="save the file with UTF-8 encoding",
        ) from None
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror}", path=path) from None
    return FormatResult(Path(path), original, format_turtle(original, path))


def format_paths(
    paths: Iterable[Path],
    *,
    write: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[FormatResult]:
    """Format every Turtle file under ``paths``; write the changed ones when ``write`` is true.

    All files are formatted in memory first: if any of them fails, nothing is written.

    :param progress: told ``(step, done, total)`` before each file and once at the end.
    :return: one :class:`FormatResult` per file, in path order.
    :raises ProjectError: for a bad path. :raises DataError: for a file that cannot be formatted.
    """
    files = turtle_files(paths)
    results = []
    for done, path in enumerate(files):
        if progress:
            progress(f"formatting {path}", done, len(files))
        results.append(format_file(path))
    if progress:
        progress("done", len(files), len(files))
    if write:
        for result in results:
            if result.changed:
                write_atomic(result.path, result.formatted)
    return results


__all__ = [
    "LINE_WIDTH",
    "PREDICATE_ORDER",
    "FormatResult",
    "RdfSource",
    "exact_literals",
    "format_file",
    "format_paths",
    "format_turtle",
    "isomorphic",
    "read_graph",
    "turtle_files",
    "write_atomic",
]
