"""Source texts and verbatim passages: registering a source, quoting it, checking selectors.

A source is a ``schema:Report`` whose ``kgo:localText`` names its text under ``graph/``. A passage
(``kgo:Passage``) selects part of that text with an ``oa:TextQuoteSelector`` (``oa:exact``, and
optionally ``oa:prefix``/``oa:suffix``) and optionally an ``oa:TextPositionSelector``
(``oa:start``/``oa:end``). Positions count the code points of the text exactly as held: a CRLF
counts as two, nothing is normalised.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kgtool.errors import DataError, KgtoolError, ProjectError
from kgtool.fileio import utf8_error_position
from kgtool.labels import LANGUAGES
from kgtool.namespaces import DCTERMS, KGO, KGR, OA, PREFIXES, PROV, shorten
from kgtool.project import display_path

if TYPE_CHECKING:
    from kgtool.engines import Engine
    from kgtool.project import Project


class LocatedError(Protocol):
    """An error placed in a file (what :func:`add_source`'s ``validate`` returns)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> int | None: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str | None: ...


#: Characters of context kept in ``oa:prefix`` and ``oa:suffix``.
CONTEXT = 16


# --------------------------------------------------------------------------------------------
# Reading a text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    """A source's text exactly as held, with where each line starts.

    :param display: the path as shown in messages.
    """

    path: Path
    display: str
    text: str
    sha256: str

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``.

        >>> SourceText(Path("a"), "a", "ab\\r\\ncd", "").position(5)
        (2, 2)
        """
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets ``[start, end)`` of line ``line`` without its line ending.

        :raises KgtoolError: when the text has no such line.
        """
        lines = self.text.split("\n")
        if not 1 <= line <= len(lines):
            raise KgtoolError(
                f"there is no line {line} (the text has {len(lines)})",
                path=self.display,
                hint=f"give --line between 1 and {len(lines)}",
            )
        start = sum(len(text) + 1 for text in lines[: line - 1])
        return start, start + len(lines[line - 1].rstrip("\r"))


def read_text(path: Path, display: str | None = None) -> SourceText:
    """Read a source text file, refusing what cannot be a text.

    :raises DataError: for a missing or unreadable file, a binary file (a NUL byte), invalid
        UTF-8 (at the line and column of the first bad byte) or a text with no visible character.
    """
    shown = display or display_path(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError("no such file", path=shown, hint="check the path") from None
    except IsADirectoryError:
        raise DataError(
            "is a folder, not a text file", path=shown, hint="give a text file"
        ) from None
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror}", path=shown) from None
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise DataError(
            "is a binary file (it holds a NUL byte), not a text",
            path=shown,
            line=line,
            hint="give the plain UTF-8 text of the source",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = utf8_error_position(data, error)
        raise DataError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x})",
            path=shown,
            line=line,
            column=column,
            hint="save the text as UTF-8",
        ) from None
    if not text.strip():
        raise DataError(
            "the text is empty", path=shown, hint="give a file that holds the source's text"
        )
    return SourceText(Path(path), shown, text, hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------------------------
# Finding a quote
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A verbatim stretch of a source: the selectors of a passage, and where it begins."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    line: int
    column: int


def quote_at(source: SourceText, start: int, end: int) -> Quote:
    """The quote of ``source.text[start:end]`` with its context."""
    text = source.text
    return Quote(
        text[start:end],
        text[max(0, start - CONTEXT) : start],
        text[end : end + CONTEXT],
        start,
        end,
        *source.position(start),
    )


def occurrences(text: str, needle: str, start: int = 0, end: int | None = None) -> list[int]:
    """Every offset where ``needle`` starts in ``text[start:end]`` (overlaps included)."""
    found = []
    limit = len(text) if end is None else end
    index = text.find(needle, start, limit)
    while index >= 0:
        found.append(index)
        index = text.find(needle, index + 1, limit)
    return found


def find_quote(
    source: SourceText,
    needle: str | None,
    *,
    line: int | None = None,
    sentence: int | None = None,
    prefix: str | None = None,
) -> Quote:
    """Find ``needle`` verbatim in ``source`` and return its selectors.

    :param needle: the text to quote; ``None`` quotes the whole ``line`` or ``sentence``.
    :param line: only look in this 1-based line. :param sentence: only in this sentence (as
        :func:`kgtool.sentences.split_sentences` numbers them).
    :param prefix: the text right before the quote, to pick one of several occurrences.
    :raises KgtoolError: (exit 2) when the text is not there (naming the closest match and its
        ``line:col``), or is there more than once (listing every ``line:col``).
    """
    from kgtool.sentences import split_sentences

    start, end = 0, len(source.text)
    where = ""
    if line is not None:
        start, end = source.line_span(line)
        where = f" in line {line}"
    if sentence is not None:
        sentences = split_sentences(source.text)
        if not 1 <= sentence <= len(sentences):
            raise KgtoolError(
                f"there is no sentence {sentence} (the text has {len(sentences)})",
                path=source.display,
                hint=f"give --sentence between 1 and {len(sentences)} (kgtool coverage numbers them)",
            )
        chosen = sentences[sentence - 1]
        if line is not None and not start <= chosen.start < end:
            raise KgtoolError(
                f"sentence {sentence} is not in line {line}",
                path=source.display,
                hint="give one of them",
            )
        start, end = chosen.start, chosen.end
        where = f" in sentence {sentence}"
    if not needle:
        if needle is not None:
            raise KgtoolError("the quote is empty", hint="give the text to quote")
        if line is None and sentence is None:
            raise KgtoolError("nothing to quote", hint="give TEXT, --line N or --sentence N")
        if start == end:
            raise KgtoolError(
                f"line {line} is empty", path=source.display, hint="choose another line"
            )
        return quote_at(source, start, end)
    found = [i for i in occurrences(source.text, needle, start, end) if i + len(needle) <= end]
    if prefix is not None:
        found = [i for i in found if source.text[:i].endswith(prefix)]
    if len(found) == 1:
        return quote_at(source, found[0], found[0] + len(needle))
    if not found:
        raise near_miss(source, needle, start, end, where, prefix)
    places = ", ".join("{}:{}".format(*source.position(i)) for i in found)
    raise KgtoolError(
        f"the quote occurs {len(found)} times{where}: at {places}",
        path=source.display,
        hint="give --prefix with the text just before the one you mean, or --line/--sentence",
    )


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` compared loosely (NFKC, case-folded, no white space), with each character's offset."""
    chars, offsets = [], []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if not folded.isspace():
                chars.append(folded)
                offsets.append(index)
    return "".join(chars), offsets


def near_miss(
    source: SourceText,
    needle: str,
    start: int,
    end: int,
    where: str = "",
    prefix: str | None = None,
) -> KgtoolError:
    """The error for a quote not found verbatim: the closest match, its ``line:col`` and how it differs.

    Nothing is normalised in what is written: the loose comparison only finds the near miss.
    """
    text = source.text[start:end]
    folded_text, offsets = _folded(text)
    folded_needle, _ = _folded(needle)
    if prefix is not None and occurrences(text, needle):
        return KgtoolError(
            f"the quote occurs{where}, but never right after the --prefix {prefix!r}",
            path=source.display,
            hint="copy the prefix from the text, or leave it out",
        )
    index = folded_text.find(folded_needle) if folded_needle else -1
    if index >= 0:
        first = start + offsets[index]
        last = start + offsets[index + len(folded_needle) - 1] + 1
        held = source.text[first:last]
        detail = _first_difference(needle, held)
        line, column = source.position(first)
        return KgtoolError(
            f"not found verbatim{where}; near miss {held!r} differs {detail}",
            path=source.display,
            line=line,
            column=column,
            hint="copy the quote from the text exactly (quotes are never normalised)",
        )
    # The longest start of the quote that is in the text, then the longest end.
    best_at, best_length = -1, 0
    for piece in (needle[:n] for n in range(len(needle) - 1, 0, -1)):
        index = text.find(piece)
        if index >= 0:
            best_at, best_length = index, len(piece)
            break
    for piece in (needle[-n:] for n in range(len(needle) - 1, best_length, -1)):
        index = text.find(piece)
        if index >= 0:
            best_at, best_length = index - (len(needle) - len(piece)), len(piece)
            best_at = max(best_at, 0)
            break
    if best_length < max(2, len(needle) / 4):  # a few shared characters are no match
        return KgtoolError(
            f"not found{where}, nor anything close to it",
            path=source.display,
            hint="copy the quote from the text exactly",
        )
    line, column = source.position(start + best_at)
    held = text[best_at : best_at + len(needle)]
    return KgtoolError(
        f"not found{where}; closest match {held!r} differs {_first_difference(needle, held)}",
        path=source.display,
        line=line,
        column=column,
        hint="copy the quote from the text exactly",
    )


def _first_difference(wanted: str, held: str) -> str:
    """Where two strings first differ, named with code points so look-alikes are visible.

    >>> _first_difference("AI分析", "ＡＩ分析")
    "at character 1: the text has 'Ａ' (U+FF21), the quote 'A' (U+0041)"
    """
    for index, (a, b) in enumerate(zip(wanted, held, strict=False)):
        if a != b:
            return (
                f"at character {index + 1}: the text has {b!r} (U+{ord(b):04X}), "
                f"the quote {a!r} (U+{ord(a):04X})"
            )
    if len(wanted) > len(held):
        return f"after character {len(held)}: the quote goes on with {wanted[len(held) :][:12]!r}"
    return f"after character {len(wanted)}: the text goes on with {held[len(wanted) :][:12]!r}"


# --------------------------------------------------------------------------------------------
# The graph's sources and passages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A source the graph registers: its IRI, ``kgo:localText``, language and recorded hash."""

    iri: str
    local_text: str
    language: str | None
    sha256: str | None

    def path(self, graph_dir: Path) -> Path:
        """The text file, confined to the project folder (see :func:`local_text_path`)."""
        return local_text_path(graph_dir, self.local_text)


def local_text_path(graph_dir: Path, local_text: str) -> Path:
    """The file a ``kgo:localText`` value names: a path relative to ``graph_dir`` that must stay
    inside the project folder (``graph_dir``'s parent) once ``..`` and symbolic links are resolved.

    Data files come from anyone: without this a graph could make kgtool read (and a quote check
    echo) any file the user can read, such as ``/etc/passwd``.

    >>> local_text_path(Path("/kg/graph"), "sources/a.txt").as_posix()
    '/kg/graph/sources/a.txt'
    >>> local_text_path(Path("/kg/graph"), "../../etc/passwd")
    Traceback (most recent call last):
    kgtool.errors.DataError: kgo:localText '../../etc/passwd' is outside the project folder (hint: give a path relative to graph/ that stays inside the project folder)

    :raises DataError: for an absolute path, or one that leads outside the project folder.
    """
    hint = "give a path relative to graph/ that stays inside the project folder"
    relative = Path(local_text)
    if relative.is_absolute():
        raise DataError(f"kgo:localText {local_text!r} is an absolute path", hint=hint)
    path = graph_dir / relative
    try:
        inside = path.resolve().is_relative_to(graph_dir.parent.resolve())
    except (OSError, ValueError):  # a NUL byte, a symlink loop
        inside = False
    if not inside:
        raise DataError(f"kgo:localText {local_text!r} is outside the project folder", hint=hint)
    return path


@dataclass(frozen=True)
class Passage:
    """A passage and its selectors as the graph holds them (``None`` where absent).

    :param excluded: it is a ``kgo:ExcludedPassage`` (deliberately left out).
    :param derived: some claim is ``prov:wasDerivedFrom`` it.
    """

    iri: str
    source: str
    exact: str
    prefix: str | None
    suffix: str | None
    start: int | None
    end: int | None
    excluded: bool
    derived: bool

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the passage lies in ``text``: its position when that agrees with ``oa:exact``,
        else the occurrences of the exact text its prefix and suffix allow (all when none fits)."""
        if self.start is not None and text[self.start : self.end] == self.exact:
            return [(self.start, self.start + len(self.exact))]
        found = occurrences(text, self.exact) if self.exact else []
        fitting = [
            i
            for i in found
            if text[:i].endswith(self.prefix or "")
            and text[i + len(self.exact) :].startswith(self.suffix or "")
        ]
        return [(i, i + len(self.exact)) for i in (fitting or found)]


_SOURCES = f"""
PREFIX kgo: <{KGO}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?source ?localText ?language ?sha WHERE {{
  ?source kgo:localText ?localText .
  OPTIONAL {{ ?source dcterms:language ?language }}
  OPTIONAL {{ ?source kgo:textSha256 ?sha }}
}}
ORDER BY STR(?source)
"""
_PASSAGES = f"""
PREFIX oa: <{OA}>
PREFIX kgo: <{KGO}>
PREFIX prov: <{PROV}>
SELECT ?passage ?source ?exact ?prefix ?suffix ?start ?end ?excluded ?derived WHERE {{
  ?passage oa:hasSource ?source ; oa:hasSelector ?quote .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL {{ ?quote oa:prefix ?prefix }}
  OPTIONAL {{ ?quote oa:suffix ?suffix }}
  OPTIONAL {{
    ?passage oa:hasSelector ?position .
    ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  }}
  BIND(EXISTS {{ ?passage a kgo:ExcludedPassage }} AS ?excluded)
  BIND(EXISTS {{ ?claim prov:wasDerivedFrom ?passage }} AS ?derived)
}}
ORDER BY STR(?source) STR(?passage)
"""


def sources(engine: Engine) -> list[Source]:
    """Every source registered with ``kgo:localText`` (one row each, first values kept)."""
    found: dict[str, Source] = {}
    for source, local_text, language, sha in engine.query(_SOURCES).rows:
        if source is not None and local_text is not None and source.value not in found:
            found[source.value] = Source(
                source.value,
                local_text.value,
                language.value if language is not None else None,
                sha.value if sha is not None else None,
            )
    return list(found.values())


def passages(engine: Engine) -> list[Passage]:
    """Every passage with a quote selector, with its position selector when it has one."""
    found: dict[str, Passage] = {}
    for row in engine.query(_PASSAGES).rows:
        passage, source, exact, prefix, suffix, start, end, excluded, derived = row
        if passage is None or source is None or exact is None or passage.value in found:
            continue
        start_at = _offset(start)
        end_at = _offset(end)
        found[passage.value] = Passage(
            passage.value,
            source.value,
            exact.value,
            prefix.value if prefix is not None else None,
            suffix.value if suffix is not None else None,
            start_at if end_at is not None else None,
            end_at if start_at is not None else None,
            excluded is not None and excluded.value == "true",
            derived is not None and derived.value == "true",
        )
    return list(found.values())


def _offset(term: object) -> int | None:
    value = getattr(term, "value", None)
    return int(value) if isinstance(value, str) and value.isdigit() else None


def resolve_source(engine: Engine, project: Project, name: str) -> tuple[Source, SourceText]:
    """The registered source ``name`` names (its IRI, CURIE or text file path) and its text.

    :raises ProjectError: when no source registers that IRI or file.
    :raises DataError: when the text cannot be read (see :func:`read_text`).
    """
    from kgtool.namespaces import expand_curie

    registered = sources(engine)
    iri = expand_curie(name) or (name[1:-1] if name.startswith("<") else name)
    path = Path(name)
    for source in registered:
        if source.iri == iri:
            local = source.path(project.graph_dir)
            return source, read_text(local, display_path(local, project.root))
    for source in registered:
        try:
            local = source.path(project.graph_dir)
        except DataError:
            continue  # never matched by file: its text is not read
        if path.exists() and local.exists() and local.samefile(path):
            return source, read_text(local, display_path(local, project.root))
    known = ", ".join(shorten(s.iri) for s in registered) or "none"
    raise ProjectError(
        f"{name} is not a registered source (registered: {known})",
        hint="give a source's IRI or its text file, or register it with kgtool source add FILE",
    )


# --------------------------------------------------------------------------------------------
# Writing Turtle
# --------------------------------------------------------------------------------------------


def turtle_string(value: str) -> str:
    """A Turtle string literal (without tag) for ``value``.

    >>> turtle_string('a "b"\\r\\n')
    '"a \\\\"b\\\\"\\\\r\\\\n"'
    """
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _prefix_lines(*names: str) -> str:
    """Prefix declarations; :func:`kgtool.turtle_format.format_turtle` aligns them."""
    return "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in names)


def passage_turtle(quote: Quote, source: Source, iri: str, source_label: str) -> str:
    """A ``kgo:Passage`` with both selectors, as a Turtle snippet with its prefixes."""
    lang = source.language if source.language in LANGUAGES else "ja"
    where = f"{source_label} {quote.line}:{quote.column}"
    quote_selector = [f"oa:exact {turtle_string(quote.exact)}@{lang}"]
    if quote.prefix:
        quote_selector.append(f"oa:prefix {turtle_string(quote.prefix)}@{lang}")
    if quote.suffix:
        quote_selector.append(f"oa:suffix {turtle_string(quote.suffix)}@{lang}")
    body = " ;\n        ".join(["a oa:TextQuoteSelector", *quote_selector])
    from kgtool.turtle_format import format_turtle

    return format_turtle(
        _prefix_lines("kgo", "kgr", "rdfs", "xsd", "oa")
        + f"\n{shorten(iri)}\n"
        + "    a kgo:Passage ;\n"
        + f'    rdfs:label "Passage: {where}"@en , "引用:{where}"@ja ;\n'
        + "    oa:hasSelector [\n"
        + f"        {body}\n"
        + "    ] , [\n"
        + "        a oa:TextPositionSelector ;\n"
        + f'        oa:end "{quote.end}"^^xsd:nonNegativeInteger ;\n'
        + f'        oa:start "{quote.start}"^^xsd:nonNegativeInteger\n'
        + "    ] ;\n"
        + f"    oa:hasSource {shorten(source.iri)} .\n"
    )


def append_passage(turtle: str, iri: str, target: Path) -> None:
    """Append a passage (from :func:`passage_turtle`) to the Turtle file ``target``, atomically.

    :raises OutputError: when the folder of ``target`` does not exist.
    :raises DataError: when the file already describes ``iri``, or does not parse.
    """
    from kgtool.errors import OutputError
    from kgtool.scaffold import Stub, append_stub

    if not target.parent.is_dir():
        raise OutputError(
            f"the folder {display_path(target.parent)} does not exist",
            path=display_path(target),
            hint="create the folder first, or give another -o file",
        )
    if target.is_file() and shorten(iri) in target.read_text(encoding="utf-8", errors="replace"):
        raise DataError(
            f"{shorten(iri)} is already in the file",
            path=display_path(target),
            hint="this passage was quoted before",
        )
    append_stub(Stub(turtle, (iri,), 0), target)


def described(engine: Engine, iri: str) -> bool:
    """True when the graph already says something about ``iri``."""
    import pyoxigraph

    return bool(engine.query("ASK { ?_iri ?p ?o }", {"_iri": pyoxigraph.NamedNode(iri)}).boolean)


def passage_iri(source: Source, quote: Quote) -> str:
    """``kgr:passage-<source name>-<start>``: unique per source and position."""
    local = source.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    local = re.sub(r"^(?:source|article)-", "", local)
    return f"{KGR}passage-{local}-{quote.start}"


# --------------------------------------------------------------------------------------------
# Registering a source
# --------------------------------------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(text: str) -> date | None:
    """The date ``text`` states when it is one unambiguous calendar day (year first), else ``None``.

    >>> parse_date("2029年1月15日"), parse_date("2029/01/15"), parse_date("01/02/2029")
    (datetime.date(2029, 1, 15), datetime.date(2029, 1, 15), None)
    >>> parse_date("2029-02-30") is None
    True
    """
    for form in _DATE_FORMS:
        match = form.match(text.strip())
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class AddedSource:
    """What :func:`add_source` wrote: the source's IRI, its text copy and its Turtle file."""

    iri: str
    text_path: Path
    turtle_path: Path
    sha256: str


def source_name(path: Path) -> str:
    """The name a source file gets in IRIs: its file name before the first dot, as a slug.

    >>> source_name(Path("Audit Report.ja.txt"))
    'audit-report'
    """
    stem = path.name.split(".", 1)[0]
    slug = re.sub(r"[^0-9A-Za-z]+", "-", stem).strip("-").lower()
    if not slug:
        raise KgtoolError(
            f"cannot make an IRI from the file name {path.name!r}",
            path=str(path),
            hint="rename the file with latin letters or digits (e.g. memo-2.ja.txt)",
        )
    return slug


def source_turtle(
    iri: str,
    local_text: str,
    title: str,
    lang: str,
    sha256: str,
    publisher: str | None,
    published: str | None,
    url: str | None,
) -> str:
    """The Turtle record of a source (the same shape as the shipped article's)."""
    lines = [
        "a schema:Report",
        f'rdfs:label "Source: {_inline(title)}"@en , "資料:{_inline(title)}"@ja',
        f'dcterms:language "{lang}"',
        f"dcterms:title {turtle_string(title)}@{lang}",
        f"kgo:localText {turtle_string(local_text)}",
        f'kgo:textSha256 "{sha256}"',
    ]
    if publisher is not None:
        lines.append(f"dcterms:publisher {shorten(publisher)}")
    if published is not None:
        lines.append(f"kgo:statedDate {turtle_string(published)}")
        day = parse_date(published)
        if day is not None:
            lines.append(f'dcterms:date "{day.isoformat()}"^^xsd:date')
            lines.append(f'schema:datePublished "{day.isoformat()}"^^xsd:date')
    if url is not None:
        lines.append(f"schema:url {turtle_string(url)}^^xsd:anyURI")
    from kgtool.turtle_format import format_turtle

    return format_turtle(
        f"# Source registered with kgtool source add: {local_text}\n\n"
        + _prefix_lines("kgo", "kgr", "rdfs", "xsd", "dcterms", "schema")
        + f"\n{shorten(iri)}\n    "
        + " ;\n    ".join(lines)
        + " .\n"
    )


def _inline(text: str) -> str:
    return turtle_string(" ".join(text.split()))[1:-1]


def add_source(
    project: Project,
    engine: Engine,
    file: Path,
    *,
    title: str,
    lang: str,
    publisher: str | None = None,
    published: str | None = None,
    url: str | None = None,
    validate: Callable[[Project, Path], Sequence[LocatedError]],
) -> AddedSource:
    """Copy ``file`` into ``graph/sources/`` and write its record to ``graph/source-<name>.ttl``.

    :param publisher: an organisation of the graph (IRI, CURIE or label).
    :param published: the date as the source writes it (kept verbatim in ``kgo:statedDate``;
        also as ``xsd:date`` when it is one unambiguous day).
    :param validate: checks the project once both files are written and returns the errors
        about the new record (:func:`kgtool.validation.errors_in_file`); on any, both files are
        removed.
    :raises DataError: for a text that cannot be read (see :func:`read_text`) or a record that
        does not validate. :raises ParameterError: for an option that is not valid UTF-8.
    :raises KgtoolError: for a duplicate (the same text, or the same name, already registered).
    """
    from kgtool.entities import checked_utf8, resolve_entity
    from kgtool.fileio import write_atomic

    for option, value in (("--title", title), ("--published", published), ("--url", url)):
        checked_utf8(value or "", option)
    if lang not in LANGUAGES:
        raise KgtoolError(f"unknown language {lang!r}", hint="give --lang ja or --lang en")
    if not title.strip():
        raise KgtoolError("the title is empty", hint="give the source's title with --title")
    text = read_text(file)
    name = source_name(file)
    iri = f"{KGR}source-{name}"
    text_path = project.graph_dir / "sources" / file.name
    turtle_path = project.graph_dir / f"source-{name}.ttl"
    for registered in sources(engine):
        try:
            path = registered.path(project.graph_dir)
        except DataError:
            path = project.graph_dir  # a text outside the project is never read: compare by hash
        if registered.sha256 == text.sha256 or (
            path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == text.sha256
        ):
            raise KgtoolError(
                f"the same text is already registered as {shorten(registered.iri)} "
                f"({display_path(path, project.root)})",
                path=text.display,
                hint="nothing to add; quote the registered source",
            )
        if registered.iri == iri:
            raise KgtoolError(
                f"{shorten(iri)} is already registered ({registered.local_text})",
                path=text.display,
                hint="rename the file to give the source another name",
            )
    for path in (text_path, turtle_path):
        if path.exists():
            raise KgtoolError(
                f"{display_path(path, project.root)} already exists",
                path=text.display,
                hint="rename the file to give the source another name",
            )
    publisher_iri = None
    if publisher is not None:
        publisher_iri = resolve_entity(engine, publisher, f"{KGO}Organization").value
    if url is not None and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
        raise KgtoolError(
            f"--url {url!r} is not an http(s) URL", hint="give e.g. https://example.org/report"
        )
    if published is not None and not published.strip():
        raise KgtoolError("--published is empty", hint="give the date as the source writes it")
    turtle = source_turtle(
        iri,
        f"sources/{file.name}",
        title.strip(),
        lang,
        text.sha256,
        publisher_iri,
        published.strip() if published is not None else None,
        url,
    )
    created_folder = not text_path.parent.exists()
    text_path.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        # Strict UTF-8 decoding round-trips: these are the bytes that were hashed.
        write_atomic(text_path, text.text.encode("utf-8"))
        written.append(text_path)
        write_atomic(turtle_path, turtle.encode("utf-8"))
        written.append(turtle_path)
        errors = validate(project, turtle_path)
        if errors:
            first = errors[0]
            raise DataError(
                f"the new record does not validate: {first.message}",
                path=first.file,
                line=first.line,
                column=first.column,
                hint=first.hint or "fix the options given (nothing was added)",
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created_folder:
            text_path.parent.rmdir()
        raise
    return AddedSource(iri, text_path, turtle_path, text.sha256)


# --------------------------------------------------------------------------------------------
# Checks behind kgtool validate's selector and source-hash rules (kgtool.validation)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextProblem:
    """A passage or source that disagrees with its text; :mod:`kgtool.validation` places it.

    :param iri: the passage or source at fault.
    :param message: what is wrong, and where the exact text is now.
    :param path: the property at fault (a CURIE).
    :param hint: how to fix it.
    :param error: ``False`` for a warning.
    """

    iri: str
    message: str
    path: str
    hint: str
    error: bool = True


def source_texts(engine: Engine, project: Project) -> list[tuple[Source, SourceText]]:
    """Each registered source with its text, leaving out texts that cannot be read."""
    found = []
    for source in sources(engine):
        try:
            path = source.path(project.graph_dir)
            found.append((source, read_text(path, display_path(path, project.root))))
        except DataError:
            continue  # the quote check reports unreadable texts
    return found


def _where(source: SourceText, needle: str) -> str:
    places = [source.position(i) for i in occurrences(source.text, needle)]
    if not places:
        closest = near_miss(source, needle, 0, len(source.text))
        if closest.line is None:
            return "the exact text is no longer in the source, nor anything close to it"
        return (
            "the exact text is no longer in the source; closest match at "
            f"{source.display}:{closest.line}:{closest.column}"
        )
    shown = ", ".join(f"{line}:{column}" for line, column in places[:5])
    return f"the exact text is now at {source.display}:{shown}"


def check_selectors(engine: Engine, project: Project) -> list[TextProblem]:
    """The ``selector`` check: position, prefix and suffix agree with ``oa:exact``.

    Sources whose text changed since its recorded hash are left to :func:`check_source_hashes`;
    an ``oa:exact`` missing from the text is the quote check's finding.
    """
    texts = {
        source.iri: text
        for source, text in source_texts(engine, project)
        if source.sha256 is None or source.sha256 == text.sha256
    }
    findings = []
    for passage in passages(engine):
        text = texts.get(passage.source)
        if text is None or passage.exact not in text.text:
            continue
        problem = _selector_problem(passage, text)
        if problem is None:
            continue
        findings.append(
            TextProblem(
                passage.iri,
                f"{shorten(passage.iri)} {problem}; {_where(text, passage.exact)}",
                "oa:hasSelector",
                "re-create the selectors with kgtool quote",
            )
        )
    return findings


def _selector_problem(passage: Passage, source: SourceText) -> str | None:
    text = source.text
    if passage.start is not None and passage.end is not None:
        held = text[passage.start : passage.end]
        if held != passage.exact:
            return (
                f"oa:start {passage.start} oa:end {passage.end} select {held[:30]!r}, "
                f"not the oa:exact {passage.exact[:30]!r}"
            )
        at = [passage.start]
    else:
        at = occurrences(text, passage.exact)
    length = len(passage.exact)
    if passage.prefix and not any(text[:i].endswith(passage.prefix) for i in at):
        return f"oa:prefix {passage.prefix!r} is not the text before the quote"
    if passage.suffix and not any(text[i + length :].startswith(passage.suffix) for i in at):
        return f"oa:suffix {passage.suffix!r} is not the text after the quote"
    return None


def check_source_hashes(engine: Engine, project: Project) -> list[TextProblem]:
    """The ``source-hash`` check: a text that changed since its recorded ``kgo:textSha256``.

    Each passage of such a source that no longer matches is an error saying where its exact text
    probably moved; when all still match, one warning asks to record the new hash.
    """
    by_source: dict[str, list[Passage]] = {}
    for passage in passages(engine):
        by_source.setdefault(passage.source, []).append(passage)
    findings = []
    for source, text in source_texts(engine, project):
        if source.sha256 is None or source.sha256 == text.sha256:
            continue
        broken = [
            p
            for p in by_source.get(source.iri, [])
            if p.exact not in text.text or _selector_problem(p, text) is not None
        ]
        for passage in broken:
            findings.append(
                TextProblem(
                    passage.iri,
                    f"{shorten(passage.iri)} stopped matching {source.local_text} (its text changed "
                    f"since kgo:textSha256 was recorded); {_where(text, passage.exact)}",
                    "oa:hasSelector",
                    "re-quote the passage with kgtool quote, then record the new hash",
                )
            )
        findings.append(
            TextProblem(
                source.iri,
                f"{shorten(source.iri)} text {source.local_text} changed since kgo:textSha256 was "
                f"recorded ({len(broken)} passage{'' if len(broken) == 1 else 's'} stopped matching)",
                "kgo:textSha256",
                f'record the new hash: kgo:textSha256 "{text.sha256}"',
                error=bool(broken),
            )
        )
    return findings
