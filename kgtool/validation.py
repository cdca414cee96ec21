"""Checking the knowledge graph: syntax, SHACL shapes, verbatim quotes and lint.

:func:`validate` reads every file of a project (ontology, shapes, ``graph/``, ``--data``) and
returns a :class:`ValidationReport`: a sorted tuple of :class:`Finding` records, each placed at
the ``file:line:column`` where the statement it is about is written.

Checks, in order:

``syntax``
    every file parses (pyoxigraph, exact positions); all bad files are reported. When one fails,
    nothing else is checked (the data could not be read) and :attr:`ValidationReport.readable`
    is false.
``shacl``
    pySHACL conformance of the graph and ``--data`` files against ``ontology/shapes.ttl``, with the
    ontology as ``ont_graph`` so ``sh:class`` and ``sh:targetClass`` see subclasses. No inference
    is run: the ontology's class hierarchy is enough and RDFS/OWL-RL inference would multiply the
    run time. ``sh:Violation`` → error, ``sh:Warning`` → warning, ``sh:Info`` → info.
``quote``
    every ``oa:exact`` of a passage is a verbatim substring of the local text file its source
    document registers with ``kgo:localText`` (a path relative to ``graph/``).
``undeclared-term``
    every ``kgo:`` IRI used anywhere is declared (typed) in the ontology.
``missing-label``
    entities, claims, passages (``kgr:``) and the ontology's classes and properties (``kgo:``)
    have an ``rdfs:label`` in English and in Japanese.
``duplicate-label``
    no two ``kgr:`` entities share an ``rdfs:label`` in the same language (compared ignoring case,
    as entity names are resolved). Ontology terms may share one (the class ``kgo:Modality`` and
    the property ``kgo:modality``).
``dangling-iri``
    every ``kgr:`` IRI used as an object is described (is the subject of a triple) somewhere.
``ill-typed-literal``
    typed literals are valid for their datatype (``"abc"^^xsd:integer`` is not).
``selector``, ``source-hash``
    passage selectors agree with the source text; a source text changed since its recorded
    ``kgo:textSha256`` (see :mod:`kgtool.sources`).
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import DataError, ExitCode
from kgtool.labels import LANGUAGE_NAMES
from kgtool.namespaces import KGO, KGR, OA, RDF_TYPE, RDFS_LABEL, SH, shorten
from kgtool.project import display_path, rdf_files
from kgtool.rdf.terms import bound, literal, resource
from kgtool.sources import TextProblem, check_selectors, check_source_hashes, local_text_path

if TYPE_CHECKING:
    import contextlib

    import pyoxigraph
    import rdflib

    from kgtool.engines import Engine
    from kgtool.project import Project


class Severity(str, Enum):
    """How bad a finding is. Errors make validation fail; warnings and infos do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for infos (the sort order)."""
        return list(Severity).index(self)


class Check(str, Enum):
    """The check that produced a finding (the ``check`` key of the JSON output)."""

    SYNTAX = "syntax"
    SHACL = "shacl"
    QUOTE = "quote"
    UNDECLARED_TERM = "undeclared-term"
    MISSING_LABEL = "missing-label"
    DUPLICATE_LABEL = "duplicate-label"
    DANGLING_IRI = "dangling-iri"
    ILL_TYPED_LITERAL = "ill-typed-literal"
    SELECTOR = "selector"
    SOURCE_HASH = "source-hash"


@dataclass(frozen=True)
class Finding:
    """One problem, placed where it is written.

    :param file: the file, relative to the project folder (``--data`` files outside it as given).
    :param line: 1-based line. :param column: 1-based column, in characters.
    :param focus: the node the finding is about, as a CURIE (or ``<iri>``), when there is one.
    :param path: the property involved (SHACL ``sh:resultPath``), as a CURIE.
    :param shape: the SHACL shape that reported it.
    :param hint: how to fix it, when kgtool can tell.

    >>> Finding("graph/a.ttl", 3, 1, Severity.ERROR, Check.DANGLING_IRI, "kgr:X is never described").format()
    'graph/a.ttl:3:1: error: kgr:X is never described'
    """

    file: str
    line: int
    column: int
    severity: Severity
    check: Check
    message: str
    focus: str | None = None
    path: str | None = None
    shape: str | None = None
    hint: str | None = None

    def format(self) -> str:
        """``file:line:column: severity: message`` plus ``(hint: …)`` when there is a hint, on one
        line: control characters from the data are escaped."""
        from kgtool.tables import escape_controls

        text = f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
        return escape_controls(f"{text} (hint: {self.hint})" if self.hint else text)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: keys file, line, column, severity, check, message, focus, path, shape, hint."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "check": self.check.value,
            "message": self.message,
            "focus": self.focus,
            "path": self.path,
            "shape": self.shape,
            "hint": self.hint,
        }

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.file,
            self.line,
            self.column,
            self.severity.rank,
            self.check.value,
            self.message,
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    :param findings: every finding, sorted by file, line, column, severity, check, message.
    :param files: the files read, relative to the project folder, in reading order.
    :param readable: false when a file could not be parsed; then only syntax was checked.
    """

    findings: tuple[Finding, ...]
    files: tuple[str, ...]
    readable: bool = True

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def conforms(self) -> bool:
        """True when every file was read and nothing is an error (warnings are allowed)."""
        return self.readable and self.count(Severity.ERROR) == 0

    @property
    def exit_code(self) -> ExitCode:
        """0 conforms, 1 errors found, 2 a file could not be read."""
        if not self.readable:
            return ExitCode.ERROR
        return ExitCode.OK if self.conforms else ExitCode.FINDINGS

    def summary(self) -> str:
        """E.g. ``3 errors, 1 warning in 12 files``; says when only syntax could be checked.

        >>> ValidationReport((), ("a.ttl",)).summary()
        'no problems in 1 file'
        """
        parts = []
        for severity in Severity:
            number = self.count(severity)
            if number:
                parts.append(f"{number} {severity.value}{'' if number == 1 else 's'}")
        files = f"{len(self.files)} file{'' if len(self.files) == 1 else 's'}"
        text = f"{', '.join(parts) if parts else 'no problems'} in {files}"
        if not self.readable:
            text += " (a file could not be read: shapes, quotes and lint were not checked)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``conforms``, counts, ``files`` and ``findings`` (see :meth:`Finding.to_dict`)."""
        return {
            "conforms": self.conforms,
            "readable": self.readable,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
            "files": list(self.files),
            "findings": [finding.to_dict() for finding in self.findings],
        }


# ---------------------------------------------------------------------------------------------
# Rules: one per check, collected in RULES (pySHACL's constraint components are the model)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One check of :func:`validate`.

    :param id: the check's name, as findings and ``--format json`` give it.
    :param severity: the severity of its findings (a finding may override it: ``shacl`` takes the
        shape's, ``quote`` warns about a source it cannot check).
    :param summary: one line for ``kgtool validate --list-rules``.
    :param run: finds the problems; ``None`` for ``syntax``, reported while the files are read.
    """

    id: Check
    severity: Severity
    summary: str
    run: Callable[[Rule, RuleContext], list[Finding]] | None

    def finding(
        self,
        where: tuple[str, int, int],
        message: str,
        *,
        severity: Severity | None = None,
        focus: str | None = None,
        path: str | None = None,
        shape: str | None = None,
        hint: str | None = None,
    ) -> Finding:
        """A :class:`Finding` of this rule at ``where`` (file, line, column).

        >>> rule(Check.DANGLING_IRI).finding(("a.ttl", 3, 1), "kgr:X is never described").format()
        'a.ttl:3:1: error: kgr:X is never described'
        """
        file, line, column = where
        return Finding(
            file,
            line,
            column,
            severity or self.severity,
            self.id,
            message,
            focus=focus,
            path=path,
            shape=shape,
            hint=hint,
        )


@dataclass
class RuleContext:
    """What a rule runs on: the loaded files, the query engine and the locator of findings."""

    loaded: _Loaded
    engine: Engine
    locator: _Locator
    _ill_typed: list[pyoxigraph.Quad] = field(default_factory=list)

    @cached_property
    def rdflib_graphs(self) -> tuple[rdflib.Graph, rdflib.Graph]:
        """The data files (graph/ and --data) and the ontology as rdflib graphs, for pySHACL."""
        converter = _RdflibConverter()
        data_files = [p for p in self.loaded.data_files if p not in self.loaded.ontology_files]
        data = converter.graph(_quads_of(self.loaded.store, data_files))
        ontology = converter.graph(_quads_of(self.loaded.store, self.loaded.ontology_files))
        self._ill_typed = converter.ill_typed
        return data, ontology

    @property
    def ill_typed(self) -> list[pyoxigraph.Quad]:
        """The data and ontology statements whose literal is not valid for its datatype."""
        _ = self.rdflib_graphs
        return self._ill_typed


# ---------------------------------------------------------------------------------------------
# Where things are written: the shared lexer's index of each file (kgtool.rdf.turtle)
# ---------------------------------------------------------------------------------------------


@dataclass
class _SourceFile:
    """Positions of subjects and mentions in one file, found from its text."""

    path: Path
    display: str
    starts: dict[str, tuple[int, int]] = field(default_factory=dict)
    mentions: dict[str, tuple[int, int]] = field(default_factory=dict)
    text: str = ""
    line_offsets: list[int] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path, display: str) -> _SourceFile:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        source = cls(path, display, text=text)
        source.line_offsets = [0] + [m.end() for m in re.finditer("\n", text)]
        if path.suffix.lower() in (".ttl", ".trig", ".nt", ".nq"):
            source._index_turtle()
        return source

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        from bisect import bisect_right

        line = bisect_right(self.line_offsets, offset)
        return line, offset - self.line_offsets[line - 1] + 1

    def _index_turtle(self) -> None:
        from kgtool.rdf.turtle import index_text

        found = index_text(self.text, self.path.resolve().as_uri())
        self.starts, self.mentions = found.starts, found.mentions

    def locate(self, iri: str) -> tuple[int, int]:
        """Where ``iri`` starts a statement; else its first mention; else the start of the file."""
        if iri in self.starts:
            return self.starts[iri]
        if iri in self.mentions:
            return self.mentions[iri]
        offset = self.text.find(iri)
        return self.position(offset) if offset >= 0 else (1, 1)

    def mention(self, iri: str) -> tuple[int, int]:
        """The first mention of ``iri`` in any position; else :meth:`locate`."""
        return self.mentions.get(iri) or self.locate(iri)

    def find_text(self, needle: str, after: tuple[int, int]) -> tuple[int, int] | None:
        """Where ``needle`` occurs verbatim at or after a line and column, if it does."""
        line, column = after
        offset = self.text.find(
            needle, self.line_offsets[line - 1] + column - 1 if self.text else 0
        )
        return self.position(offset) if offset >= 0 else None


# ---------------------------------------------------------------------------------------------
# The loaded project
# ---------------------------------------------------------------------------------------------


@dataclass
class _Loaded:
    """The parsed files: one pyoxigraph store (a named graph per file) plus where each file is."""

    project: Project
    store: pyoxigraph.Store
    shapes: pyoxigraph.Store | None
    data_files: list[Path]  # ontology, graph, --data (what queries see)
    ontology_files: list[Path]
    shapes_file: Path | None
    paths: dict[str, Path]  # graph name → file, in reading order
    displays: dict[str, str]  # graph name → the file as shown in findings
    sources: dict[str, _SourceFile] = field(default_factory=dict)

    def source(self, graph: str) -> _SourceFile:
        """The positions in the file loaded into named graph ``graph`` (read on first use)."""
        if graph not in self.sources:
            self.sources[graph] = _SourceFile.read(self.paths[graph], self.displays[graph])
        return self.sources[graph]


def _files(project: Project) -> tuple[list[Path], list[Path], Path | None, list[Path]]:
    """Ontology files, graph + ``--data`` files, the shapes file (if any), all of them in order."""
    ontology = project.ontology_files
    shapes = project.shapes_file if project.shapes_file.is_file() else None
    data: list[Path] = []
    seen = {p.resolve() for p in ontology} | ({shapes.resolve()} if shapes else set())
    extra = [f for path in project.extra_data for f in rdf_files(path)]
    for path in project.graph_files + extra:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            data.append(path)
    everything = ontology + ([shapes] if shapes else []) + data
    return ontology, data, shapes, everything


def _syntax_finding(error: DataError, display: str) -> Finding:
    return rule(Check.SYNTAX).finding(
        (display, error.line or 1, error.column or 1), error.message, hint=error.hint
    )


#: A progress callback: ``(step, done, total)``, called before each step and once at the end.
Progress = Callable[[str, int, int], None]


def _load(
    project: Project, progress: Progress | None = None
) -> tuple[_Loaded | None, list[Finding], list[str]]:
    import pyoxigraph

    from kgtool.rdf.load import graph_name, load_store

    ontology, data, shapes_file, everything = _files(project)
    paths = {graph_name(p): p for p in everything}
    displays = {name: display_path(path, project.root) for name, path in paths.items()}
    findings = []
    store = pyoxigraph.Store()
    shapes = pyoxigraph.Store() if shapes_file else None
    for done, path in enumerate(everything):
        if progress:
            progress(f"loading {displays[graph_name(path)]}", done, len(everything))
        try:
            load_store([path], shapes if path == shapes_file else store)
        except DataError as error:
            findings.append(_syntax_finding(error, displays[graph_name(path)]))
    files = [displays[graph_name(p)] for p in everything]
    if findings:
        return None, findings, files
    return (
        _Loaded(project, store, shapes, ontology + data, ontology, shapes_file, paths, displays),
        [],
        files,
    )


# ---------------------------------------------------------------------------------------------
# Placing nodes in files
# ---------------------------------------------------------------------------------------------


class _Locator:
    """Find the file, line and column where a node is written."""

    def __init__(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        self.order = {graph_name: index for index, graph_name in enumerate(loaded.displays)}

    def _graphs(self, quads: Iterable[pyoxigraph.Quad]) -> list[str]:
        names = {quad.graph_name.value for quad in quads if hasattr(quad.graph_name, "value")}
        return sorted(names, key=lambda name: self.order.get(name, len(self.order)))

    def named_ancestor(self, node: pyoxigraph.BlankNode) -> pyoxigraph.NamedNode | None:
        """The nearest IRI whose description contains the blank node (breadth first)."""
        import pyoxigraph

        frontier, seen = [node], {node}
        while frontier:
            parents = []
            for child in frontier:
                for quad in self.loaded.store.quads_for_pattern(None, None, child):
                    parent = resource(quad.subject)  # no RDF-star: IRIs or blank nodes
                    if isinstance(parent, pyoxigraph.NamedNode):
                        return parent
                    if parent not in seen:
                        seen.add(parent)
                        parents.append(parent)
            frontier = sorted(parents, key=str)
        return None

    def subject(
        self,
        node: pyoxigraph.NamedNode | pyoxigraph.BlankNode,
        predicate: pyoxigraph.NamedNode | None = None,
    ) -> tuple[str, int, int]:
        """Where the statement block of ``node`` is written (for a blank node: of its named ancestor).

        Prefers the file holding ``node predicate …`` when ``predicate`` is given, then any file
        where ``node`` is a subject, then any file mentioning it.
        """
        import pyoxigraph

        store = self.loaded.store
        graphs: list[str] = []
        if isinstance(node, pyoxigraph.BlankNode):
            with_predicate = (
                self._graphs(store.quads_for_pattern(node, predicate, None)) if predicate else []
            )
            graphs = with_predicate or self._graphs(store.quads_for_pattern(node, None, None))
            graphs = graphs or self._graphs(store.quads_for_pattern(None, None, node))
            ancestor = self.named_ancestor(node)
            if ancestor is None or not graphs:
                return self._nowhere(graphs)
            return (
                self.loaded.displays[graphs[0]],
                *self.loaded.source(graphs[0]).locate(ancestor.value),
            )
        if predicate is not None:
            graphs = self._graphs(store.quads_for_pattern(node, predicate, None))
        graphs = graphs or self._graphs(store.quads_for_pattern(node, None, None))
        graphs = graphs or self._graphs(store.quads_for_pattern(None, None, node))
        graphs = graphs or self._graphs(store.quads_for_pattern(None, node, None))
        if not graphs:
            return self._nowhere(graphs)
        return (self.loaded.displays[graphs[0]], *self.loaded.source(graphs[0]).locate(node.value))

    def name(self, node: pyoxigraph.NamedNode | pyoxigraph.BlankNode) -> str:
        """A CURIE for an IRI; for a blank node, its nearest named ancestor's (else ``_:id``)."""
        import pyoxigraph

        if isinstance(node, pyoxigraph.NamedNode):
            return shorten(node.value)
        ancestor = self.named_ancestor(node)
        return shorten(ancestor.value) if ancestor is not None else f"_:{node.value}"

    def mention(self, graph: str, iri: str) -> tuple[str, int, int]:
        """Where ``iri`` is first written in the file of named graph ``graph``."""
        return (self.loaded.displays[graph], *self.loaded.source(graph).mention(iri))

    def _nowhere(self, graphs: list[str]) -> tuple[str, int, int]:
        graph = graphs[0] if graphs else next(iter(self.loaded.displays))
        return (self.loaded.displays[graph], 1, 1)


# ---------------------------------------------------------------------------------------------
# rdflib graphs for pySHACL, built from the already parsed quads (blank nodes keep their ids)
# ---------------------------------------------------------------------------------------------


class _RdflibConverter:
    """pyoxigraph terms → rdflib terms, noting ill-typed literals on the way."""

    def __init__(self) -> None:
        self.ill_typed: list[pyoxigraph.Quad] = []

    def term(self, term: Any) -> rdflib.term.Node:
        from kgtool.engines import to_rdflib

        return to_rdflib(term)

    def graph(self, quads: Iterable[pyoxigraph.Quad]) -> rdflib.Graph:
        import rdflib

        graph = rdflib.Graph()
        with _quiet_rdflib():
            for quad in quads:
                obj = self.term(quad.object)
                if getattr(obj, "ill_typed", False):
                    self.ill_typed.append(quad)
                graph.add((self.term(quad.subject), self.term(quad.predicate), obj))
        return graph


def _quads_of(store: pyoxigraph.Store, files: Iterable[Path]) -> Iterator[pyoxigraph.Quad]:
    import pyoxigraph

    from kgtool.rdf.load import graph_name

    for path in files:
        yield from store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph_name(path)))


def _quiet_rdflib() -> contextlib.AbstractContextManager[None]:
    """Silence rdflib's logged traceback for each ill-typed literal (kgtool reports them itself)."""
    import contextlib

    @contextlib.contextmanager
    def quiet() -> Iterator[None]:
        logger = logging.getLogger("rdflib.term")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        try:
            yield
        finally:
            logger.setLevel(level)

    return quiet()


_SEVERITIES = {
    SH + "Violation": Severity.ERROR,
    SH + "Warning": Severity.WARNING,
    SH + "Info": Severity.INFO,
}


def _check_shapes(check: Rule, context: RuleContext) -> list[Finding]:
    """Run pySHACL and place each result at its focus node's statement block."""
    import pyoxigraph
    import pyshacl
    import rdflib

    from kgtool.rdf.shacl import path_text as shacl_path_text

    loaded, locator = context.loaded, context.locator
    if loaded.shapes is None:
        return []
    data_graph, ontology_graph = context.rdflib_graphs
    shapes_graph = _RdflibConverter().graph(loaded.shapes.quads_for_pattern(None, None, None))
    try:
        _, results, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            ont_graph=ontology_graph if len(ontology_graph) else None,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            inplace=True,
        )
    except pyshacl.errors.ReportableRuntimeError as error:
        raise _shapes_error(loaded, error) from None
    sh = rdflib.Namespace(SH)
    findings = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        severity = _SEVERITIES.get(str(results.value(result, sh.resultSeverity)), Severity.ERROR)
        messages = sorted(str(m) for m in results.objects(result, sh.resultMessage))
        shape = results.value(result, sh.sourceShape)
        path_text = shacl_path_text(results, path) if path is not None else None
        node: Any = (
            pyoxigraph.BlankNode(str(focus))
            if isinstance(focus, rdflib.BNode)
            else _named(str(focus))
        )
        focus_text = locator.name(node)
        predicate = pyoxigraph.NamedNode(str(path)) if isinstance(path, rdflib.URIRef) else None
        message = f"{focus_text}{' ' + path_text if path_text else ''}: {'; '.join(messages) or 'does not conform'}"
        findings.append(
            check.finding(
                locator.subject(node, predicate),
                message,
                severity=severity,
                focus=focus_text,
                path=path_text,
                shape=shorten(str(shape)) if isinstance(shape, rdflib.URIRef) else None,
            )
        )
    return findings


def _shapes_error(loaded: _Loaded, error: Exception) -> DataError:
    """A one-line error for a shapes graph pySHACL cannot use, naming the shape where possible."""
    import pyoxigraph

    from kgtool.rdf.load import graph_name

    assert loaded.shapes is not None and loaded.shapes_file is not None
    message = " ".join(str(getattr(error, "message", error)).split())
    source = loaded.source(graph_name(loaded.shapes_file))
    line = column = None
    for blank in re.findall(r"'([0-9a-fA-F]{16,})'", message):
        node: Any = pyoxigraph.BlankNode(blank)
        parents = [resource(q.subject) for q in loaded.shapes.quads_for_pattern(None, None, node)]
        while parents and not isinstance(parents[0], pyoxigraph.NamedNode):
            parents = [
                resource(q.subject) for q in loaded.shapes.quads_for_pattern(None, None, parents[0])
            ]
        if parents:
            message = message.replace(f"'{blank}'", f"a blank node in {shorten(parents[0].value)}")
            line, column = source.locate(parents[0].value)
    return DataError(
        f"the shapes cannot be used: {message}",
        path=source.display,
        line=line,
        column=column,
        hint="fix the shape so pySHACL can load it (a property shape needs sh:path, for one)",
    )


def _check_ill_typed(check: Rule, context: RuleContext) -> list[Finding]:
    findings = []
    for quad in context.ill_typed:
        value = literal(quad.object)  # only literals are ill-typed
        node = resource(quad.subject)  # no RDF-star: subjects are IRIs or blank nodes
        datatype = shorten(value.datatype.value)
        subject = context.locator.name(node)
        findings.append(
            check.finding(
                context.locator.subject(node, quad.predicate),
                f"{subject} {shorten(quad.predicate.value)}: {value.value!r} is not a valid {datatype}",
                focus=subject,
                path=shorten(quad.predicate.value),
                hint=f"write a value in the lexical form of {datatype}",
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# Quotes
# ---------------------------------------------------------------------------------------------

_QUOTES = f"""
PREFIX oa: <{OA}>
PREFIX kgo: <{KGO}>
SELECT ?g ?passage ?document ?selector ?exact ?localText WHERE {{
  GRAPH ?g {{ ?selector oa:exact ?exact }}
  ?passage oa:hasSelector ?selector ; oa:hasSource ?document .
  OPTIONAL {{ ?document kgo:localText ?localText }}
}}
ORDER BY STR(?document) STR(?passage) STR(?exact)
"""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _quote_problem(exact: str, text: str) -> tuple[str, str]:
    """Why ``exact`` is not in ``text``: a message and a hint."""
    if re.sub(r"\s+", "", exact) in re.sub(r"\s+", "", text):
        return (
            "differs from the source text in white space",
            "copy the quote from the text file exactly",
        )
    if _squash(exact) in _squash(text):
        return (
            "differs from the source text in character forms (full-width/half-width or similar)",
            "copy the quote from the text file exactly",
        )
    low, high = 0, len(exact)
    while low < high:  # the longest prefix of the quote found in the text
        middle = (low + high + 1) // 2
        if exact[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "is not in the source text", "quote the article verbatim"
    return (
        f"is not in the source text: it matches up to {exact[:low][-12:]!r}, then has {exact[low : low + 12]!r}",
        "quote the article verbatim",
    )


def _check_quotes(check: Rule, context: RuleContext) -> list[Finding]:
    loaded, engine, locator = context.loaded, context.engine, context.locator
    findings: list[Finding] = []
    texts: dict[str, str | None] = {}
    unchecked: dict[str, int] = defaultdict(int)
    for row in engine.query(_QUOTES).rows:
        graph, passage, document = bound(row[0]), resource(row[1]), resource(row[2])
        exact = literal(row[4])
        local_text = literal(row[5]) if row[5] is not None else None  # OPTIONAL
        if local_text is None:
            unchecked[document.value] += 1
            continue
        if document.value not in texts:
            texts[document.value] = None
            file, line, column = locator.subject(document)
            try:
                path = local_text_path(loaded.project.graph_dir, local_text.value)
            except DataError as refused:
                findings.append(
                    check.finding(
                        (file, line, column),
                        f"{shorten(document.value)} {refused.message}: its quotes are not checked",
                        focus=shorten(document.value),
                        path="kgo:localText",
                        hint=refused.hint,
                    )
                )
                continue
            try:
                texts[document.value] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                reason = (
                    "is not valid UTF-8"
                    if isinstance(error, UnicodeDecodeError)
                    else "cannot be read"
                )
                if isinstance(error, FileNotFoundError):
                    reason = "does not exist"
                findings.append(
                    check.finding(
                        (file, line, column),
                        f"{shorten(document.value)} kgo:localText: {local_text.value} {reason} "
                        f"(looked for {display_path(path, loaded.project.root)})",
                        focus=shorten(document.value),
                        path="kgo:localText",
                        hint="give a path relative to graph/ of the document's UTF-8 text",
                    )
                )
        text = texts[document.value]
        if text is None or exact.value in text:
            continue
        message, hint = _quote_problem(exact.value, text)
        focus = locator.name(passage)
        file, line, column = locator.subject(passage)
        source = loaded.source(graph.value)
        if source.display == file:
            literal_at = source.find_text(exact.value, (line, column))
            line, column = literal_at or (line, column)
        findings.append(
            check.finding(
                (file, line, column),
                f"{focus} oa:exact {message} ({local_text.value})",
                focus=focus,
                path="oa:hasSelector/oa:exact",
                hint=hint,
            )
        )
    for document_iri, number in sorted(unchecked.items()):
        findings.append(
            check.finding(
                locator.subject(_named(document_iri)),
                f"{shorten(document_iri)} has no kgo:localText: {number} quote{'s' if number > 1 else ''} not checked",
                severity=Severity.WARNING,
                focus=shorten(document_iri),
                path="kgo:localText",
                hint="register the document's local text with kgo:localText (a path relative to graph/)",
            )
        )
    return findings


def _named(iri: str) -> pyoxigraph.NamedNode:
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


# ---------------------------------------------------------------------------------------------
# Lint
# ---------------------------------------------------------------------------------------------

_USED_TERMS = f"""
SELECT DISTINCT ?g ?term WHERE {{
  GRAPH ?g {{ {{ ?term ?p ?o }} UNION {{ ?s ?term ?o }} UNION {{ ?s ?p ?term }} }}
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{KGO}"))
}}
"""
_DECLARED_TERMS = f"""
SELECT DISTINCT ?g ?term WHERE {{
  GRAPH ?g {{ ?term <{RDF_TYPE}> ?type }}
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{KGO}"))
}}
"""
_LABELS = f"""
SELECT ?subject ?label WHERE {{
  {{
    SELECT DISTINCT ?subject WHERE {{
      {{ ?subject ?p ?o FILTER(isIRI(?subject) && STRSTARTS(STR(?subject), "{KGR}")) }}
      UNION
      {{ ?subject <{RDF_TYPE}> ?type FILTER(isIRI(?subject) && STRSTARTS(STR(?subject), "{KGO}")) }}
    }}
  }}
  OPTIONAL {{ ?subject <{RDFS_LABEL}> ?label }}
}}
"""
_DANGLING = f"""
SELECT DISTINCT ?g ?object WHERE {{
  GRAPH ?g {{ ?s ?p ?object }}
  FILTER(isIRI(?object) && STRSTARTS(STR(?object), "{KGR}"))
  FILTER NOT EXISTS {{ ?object ?anyPredicate ?anyObject }}
}}
"""
_DESCRIBED = f"""
SELECT DISTINCT ?subject WHERE {{ ?subject ?p ?o FILTER(isIRI(?subject) && STRSTARTS(STR(?subject), "{KGR}")) }}
"""


def _did_you_mean(iri: str, candidates: Iterable[str], namespace: str, otherwise: str) -> str:
    """A hint naming the candidate most like ``iri`` (compared by local name, ignoring case)
    when one is close, else ``otherwise``."""
    by_name = {
        c[len(namespace) :].casefold(): c for c in sorted(candidates) if c.startswith(namespace)
    }
    close = difflib.get_close_matches(
        iri[len(namespace) :].casefold(), sorted(by_name), n=1, cutoff=0.8
    )
    return f"did you mean {shorten(by_name[close[0]])}?" if close else otherwise


def _lint_undeclared(check: Rule, context: RuleContext) -> list[Finding]:
    from kgtool.engines import OxigraphEngine
    from kgtool.rdf.load import graph_name

    loaded, engine, locator = context.loaded, context.engine, context.locator
    ontology_graphs = {graph_name(p) for p in loaded.ontology_files}
    declared = {
        bound(term).value
        for g, term in engine.query(_DECLARED_TERMS).rows
        if bound(g).value in ontology_graphs
    }
    rows = list(engine.query(_USED_TERMS).rows)
    if loaded.shapes is not None:
        rows += OxigraphEngine(loaded.shapes).query(_USED_TERMS).rows
    findings = []
    for graph, term in ((bound(g).value, bound(t).value) for g, t in rows):
        if term in declared:
            continue
        if graph not in loaded.displays:  # the shapes store has its own graph name
            continue
        findings.append(
            check.finding(
                locator.mention(graph, term),
                f"{shorten(term)} is not declared in the ontology",
                focus=shorten(term),
                hint=_did_you_mean(
                    term, declared, KGO, "declare it in ontology/ or fix the spelling"
                ),
            )
        )
    return findings


def _labels_by_subject(
    engine: Engine,
) -> tuple[dict[str, set[str]], dict[tuple[str, str], dict[str, str]]]:
    """Each subject's label languages, and each (normalised label, language)'s ``kgr:`` subjects."""
    languages: dict[str, set[str]] = {}
    by_label: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for subject_term, label_term in engine.query(_LABELS).rows:
        subject = bound(subject_term).value
        found = languages.setdefault(subject, set())
        if label_term is None:
            continue
        label = literal(label_term)
        language = (label.language or "").lower()
        found.add(language.split("-")[0])
        if language and subject.startswith(KGR):
            by_label[(" ".join(label.value.split()).casefold(), language)][subject] = label.value
    return languages, by_label


def _lint_missing_labels(check: Rule, context: RuleContext) -> list[Finding]:
    languages, _ = _labels_by_subject(context.engine)
    findings = []
    for subject, found in sorted(languages.items()):
        missing = [name for code, name in LANGUAGE_NAMES.items() if code not in found]
        if not missing:
            continue
        codes = [f"@{code}" for code in LANGUAGE_NAMES if code not in found]
        findings.append(
            check.finding(
                context.locator.subject(_named(subject)),
                f"{shorten(subject)} has no rdfs:label in {' or '.join(missing)} ({', '.join(codes)})",
                focus=shorten(subject),
                path="rdfs:label",
                hint=f'add rdfs:label "…"{codes[0]}',
            )
        )
    return findings


def _lint_duplicate_labels(check: Rule, context: RuleContext) -> list[Finding]:
    _, by_label = _labels_by_subject(context.engine)
    findings = []
    for (_, language), subjects in sorted(by_label.items()):
        if len(subjects) < 2:
            continue
        for subject, label in sorted(subjects.items()):
            others = ", ".join(shorten(s) for s in sorted(subjects) if s != subject)
            findings.append(
                check.finding(
                    context.locator.subject(_named(subject), _named(RDFS_LABEL)),
                    f"{shorten(subject)} has the same rdfs:label @{language} as {others}: {label!r}",
                    focus=shorten(subject),
                    path="rdfs:label",
                    hint="make the labels distinct (keep shared names as skos:altLabel)",
                )
            )
    return findings


def _lint_dangling(check: Rule, context: RuleContext) -> list[Finding]:
    engine, locator = context.engine, context.locator
    rows = engine.query(_DANGLING).rows
    if not rows:
        return []
    described = sorted(bound(row[0]).value for row in engine.query(_DESCRIBED).rows)
    findings = []
    for graph, obj in ((bound(g).value, bound(o).value) for g, o in rows):
        findings.append(
            check.finding(
                locator.mention(graph, obj),
                f"{shorten(obj)} is used but never described (it is the subject of no triple)",
                focus=shorten(obj),
                hint=_did_you_mean(
                    obj, described, KGR, "describe it in graph/ or fix the spelling"
                ),
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# The registry: validate runs these in order; --list-rules and the docs list them
# ---------------------------------------------------------------------------------------------


def _text_findings(rule: Rule, context: RuleContext, problems: list[TextProblem]) -> list[Finding]:
    return [
        rule.finding(
            context.locator.subject(_named(problem.iri)),
            problem.message,
            severity=None if problem.error else Severity.WARNING,
            focus=shorten(problem.iri),
            path=problem.path,
            hint=problem.hint,
        )
        for problem in problems
    ]


def _check_selectors(rule: Rule, context: RuleContext) -> list[Finding]:
    return _text_findings(rule, context, check_selectors(context.engine, context.loaded.project))


def _check_source_hashes(rule: Rule, context: RuleContext) -> list[Finding]:
    problems = check_source_hashes(context.engine, context.loaded.project)
    return _text_findings(rule, context, problems)


RULES: tuple[Rule, ...] = (
    Rule(
        Check.SYNTAX,
        Severity.ERROR,
        "every file parses (UTF-8, not empty); when one does not, nothing else is checked",
        None,
    ),
    Rule(
        Check.SHACL,
        Severity.ERROR,
        "graph/ and --data conform to ontology/shapes.ttl (pySHACL; the shape sets the severity)",
        _check_shapes,
    ),
    Rule(
        Check.QUOTE,
        Severity.ERROR,
        "every oa:exact is verbatim in the text its source registers with kgo:localText",
        _check_quotes,
    ),
    Rule(
        Check.UNDECLARED_TERM,
        Severity.ERROR,
        "every kgo: IRI used anywhere is declared in the ontology",
        _lint_undeclared,
    ),
    Rule(
        Check.MISSING_LABEL,
        Severity.WARNING,
        "kgr: nodes and kgo: terms have an rdfs:label in @en and in @ja",
        _lint_missing_labels,
    ),
    Rule(
        Check.DUPLICATE_LABEL,
        Severity.WARNING,
        "no two kgr: entities share an rdfs:label in one language (ignoring case)",
        _lint_duplicate_labels,
    ),
    Rule(
        Check.DANGLING_IRI,
        Severity.ERROR,
        "every kgr: IRI used as an object is described somewhere",
        _lint_dangling,
    ),
    Rule(
        Check.ILL_TYPED_LITERAL,
        Severity.ERROR,
        "typed literals are valid for their datatype",
        _check_ill_typed,
    ),
    Rule(
        Check.SELECTOR,
        Severity.ERROR,
        "a passage's position selector, prefix and suffix agree with its exact quote in the text",
        _check_selectors,
    ),
    Rule(
        Check.SOURCE_HASH,
        Severity.ERROR,
        "a source's text still has its recorded kgo:textSha256; passages that stopped matching are named",
        _check_source_hashes,
    ),
)


def rule(check: Check) -> Rule:
    """The registered rule of ``check``.

    >>> rule(Check.MISSING_LABEL).severity.value
    'warning'
    """
    return next(r for r in RULES if r.id is check)


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def errors_in_file(project: Project, path: Path) -> list[Finding]:
    """The errors :func:`validate` places in the file ``path`` (e.g. a record just written)."""
    shown = display_path(path, project.root)
    return [
        finding
        for finding in validate(project).findings
        if finding.severity is Severity.ERROR and finding.file == shown
    ]


def validate(
    project: Project, engine: str = "oxigraph", progress: Progress | None = None
) -> ValidationReport:
    """Check every file of ``project``: syntax, SHACL shapes, quotes and lint (see the module doc).

    :param project: the project (``--data`` files are checked as data, against the shapes too).
    :param engine: ``oxigraph`` (or ``auto``) or ``rdflib``: the engine the lint and quote queries
        run on. Files are always parsed by pyoxigraph, shapes always checked by pySHACL.
    :param progress: told each file as it is loaded, then each check as it starts.
    :return: the report; its :attr:`~ValidationReport.exit_code` is 0, 1 or 2.
    :raises ProjectError: when a project folder or a ``--data`` path is missing or holds no RDF.
    :raises EngineError: for an unknown engine name.

    """
    from kgtool.engines.registry import engine_class

    loaded, findings, files = _load(project, progress)
    if loaded is None:
        return ValidationReport(
            tuple(sorted(findings, key=Finding.sort_key)), tuple(files), readable=False
        )
    query_engine: Engine = engine_class(engine).from_store(loaded.store)
    context = RuleContext(loaded, query_engine, _Locator(loaded))
    runs = [(check, check.run) for check in RULES if check.run is not None]
    for done, (check, run) in enumerate(runs):
        if progress:
            progress(f"checking {check.id.value}", done, len(runs))
        findings += run(check, context)
    if progress:
        progress("done", len(runs), len(runs))
    unique = sorted(set(findings), key=Finding.sort_key)
    return ValidationReport(tuple(unique), tuple(files))
