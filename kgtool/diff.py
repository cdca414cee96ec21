"""Comparing two versions of the knowledge graph statement by statement: ``kgtool diff``.

Each side of a comparison is named by a **spec**:

``PATH``
    an RDF file or a folder (every RDF file below it). Checked first: an existing path wins.
``WORKTREE``
    the project's ``ontology/`` and ``graph/`` folders as they are on disk.
``REV``
    any git revision (``HEAD``, ``HEAD~1``, ``main``, a tag, a commit id): the project's
    ``ontology/`` and ``graph/`` as committed there.
``REV:PATH``
    a file or folder as committed at a revision, ``PATH`` relative to the project folder
    (``HEAD~1:graph/actors.ttl``, ``main:graph``).

Revisions are read with ``git ls-tree`` and ``git show`` run in the project folder; nothing in
the working tree or the index changes. All files of a side are merged into one graph, so moving
a statement from one file to another is not a difference.

Blank nodes are compared by structure: a statement is compared together with the blank nodes
nested in it (written ``[ … ]`` or ``( … )`` the way ``kgtool fmt`` writes them), so a changed
blank node shows as the old statement removed and the new one added. Blank nodes that cannot be
nested (used twice, or in a cycle) are matched by their canonical ids (pyoxigraph's
canonicalisation of each side). Literals differ when their text, datatype or
language tag differ (``"AI"@en`` is not ``"AI"@ja``).
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import DataError, KgtoolError, ProjectError
from kgtool.labels import LABEL_PREDICATES, choose_label
from kgtool.namespaces import PREFIXES
from kgtool.project import RDF_SUFFIXES, rdf_files
from kgtool.tables import escape_controls

if TYPE_CHECKING:
    import rdflib

WORKTREE = "WORKTREE"
#: The project folders a bare ``REV`` or ``WORKTREE`` stands for.
PROJECT_DATA = ("ontology", "graph")


@dataclass(frozen=True)
class Change:
    """One statement added (``+``) or removed (``-``) under a subject, written as Turtle."""

    sign: str
    predicate: str
    object: str
    object_label: str | None = None


@dataclass(frozen=True)
class SubjectChanges:
    """The changes of one subject: its CURIE (or ``_:bN``), full IRI, label and statements."""

    subject: str
    iri: str | None
    label: str | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class GraphDiff:
    """The difference between two graphs, grouped by subject in CURIE order."""

    old: str
    new: str
    removed: int
    added: int
    subjects: tuple[SubjectChanges, ...]

    @property
    def same(self) -> bool:
        """True when both sides hold the same statements (blank nodes compared by structure)."""
        return not self.removed and not self.added


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its spec, its merged graph and the prefixes its files declare."""

    spec: str
    graph: rdflib.Graph
    prefixes: dict[str, str]


# --------------------------------------------------------------------------------------------
# Reading a side
# --------------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise ProjectError(
            "git is not installed", hint="install git to compare revisions"
        ) from None


def _is_revision(root: Path, revision: str) -> bool:
    if not revision or revision.startswith("-"):
        return False
    return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode == 0


def _revision_files(
    root: Path, revision: str, paths: Iterable[str], spec: str, *, allow_empty: bool = False
) -> list[tuple[str, bytes]]:
    """(display name, content) of every RDF file under ``paths`` at ``revision``."""
    listed = _git(root, "ls-tree", "-r", "-z", "--name-only", revision, "--", *paths)
    if listed.returncode != 0:
        message = listed.stderr.decode(errors="replace").strip().splitlines()
        raise ProjectError(f"git cannot list {spec}: {message[-1] if message else 'unknown error'}")
    names = sorted(
        n
        for n in listed.stdout.decode().split("\0")
        if n and Path(n).suffix.lower() in RDF_SUFFIXES
    )
    if not names and not allow_empty:
        raise ProjectError(
            f"no RDF files at {spec}",
            hint="give a path relative to the project folder, e.g. HEAD:graph",
        )
    files = []
    for name in names:
        shown = _git(root, "show", f"{revision}:./{name}")
        if shown.returncode != 0:
            raise ProjectError(
                f"git cannot read {revision}:{name}: {shown.stderr.decode(errors='replace').strip()}"
            )
        files.append((f"{revision}:{name}", shown.stdout))
    return files


def _is_rdf(path: Path) -> bool:
    return path.suffix.lower() in RDF_SUFFIXES and path.is_file()


def _disk_files(paths: Iterable[Path]) -> list[tuple[str, bytes]]:
    files = []
    for path in paths:
        for file in rdf_files(path):
            try:
                files.append((str(file), file.read_bytes()))
            except OSError as error:
                raise DataError(f"cannot read the file: {error.strerror}", path=file) from None
    return files


def side_files(spec: str, root: Path) -> list[tuple[str, bytes]]:
    """The RDF files a spec names, as (display name, content) pairs.

    :param spec: ``PATH``, ``WORKTREE``, ``REV`` or ``REV:PATH`` (see the module docstring).
    :param root: the project folder; git runs there and ``REV:PATH`` paths are relative to it.
    :raises ProjectError: when the spec names no file, folder or revision, or git fails.
    """
    if Path(spec).exists():
        return _disk_files([Path(spec)])
    if spec == WORKTREE:
        parts = [root / part for part in PROJECT_DATA]
        return _disk_files(
            [p for p in parts if p.is_dir() and any(_is_rdf(f) for f in p.rglob("*"))]
        )
    revision, colon, path = spec.partition(":")
    if colon and _is_revision(root, revision):
        return _revision_files(root, revision, [path or "."], spec)
    if _is_revision(root, spec):
        return _revision_files(root, spec, PROJECT_DATA, spec, allow_empty=True)
    in_git = _git(root, "rev-parse", "--git-dir").returncode == 0
    raise ProjectError(
        f"{spec!r} is neither a file, a folder, {WORKTREE} nor a git revision"
        + ("" if in_git else f" ({root} is not in a git repository)"),
        hint="give a path, WORKTREE, a revision such as HEAD~1, or REV:PATH such as HEAD:graph",
    )


def load_side(spec: str, root: Path) -> Side:
    """Read and merge every RDF file of ``spec`` into one rdflib graph.

    :raises ProjectError: see :func:`side_files`.
    :raises DataError: when a file does not parse; the message names it as the spec does
        (``HEAD~1:graph/actors.ttl:12:5``).
    """
    from kgtool.rdf.turtle import RdfSource, index_text, read_graph

    files = side_files(spec, root)
    prefixes: dict[str, str] = {}
    sources = []
    for name, content in files:
        # Relative IRIs resolve against the file's place in the working tree, whatever the revision.
        place = (
            root / name.split(":", 1)[1] if ":" in name and not Path(name).exists() else Path(name)
        )
        sources.append(
            RdfSource(content, name, place.resolve().as_uri(), Path(name).suffix.lower())
        )
        if Path(name).suffix.lower() in (".ttl", ".trig"):
            text = content.decode("utf-8", errors="replace")
            for prefix, namespace in index_text(text, place.resolve().as_uri()).prefixes.items():
                prefixes.setdefault(prefix, namespace)
    return Side(spec, read_graph(sources), prefixes)


# --------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------


def _label_in(graph: rdflib.Graph, node: Any) -> str | None:
    """The label of ``node`` in ``graph`` by :func:`kgtool.labels.choose_label` (English first)."""
    import rdflib

    return choose_label(
        (predicate, o.language, str(o))
        for predicate in LABEL_PREDICATES
        for o in graph.objects(node, rdflib.URIRef(predicate))
        if isinstance(o, rdflib.Literal)
    )


class _Labels:
    """Labels of IRIs from the new side, then the old side, then (read only when needed) the
    project's own ontology and graph on disk, so ``kgr:China`` is named in a diff of two files."""

    def __init__(self, graphs: Iterable[rdflib.Graph], context: Any = None) -> None:
        self.graphs = list(graphs)
        self.context = context  # a callable returning a graph, or None
        self.cache: dict[Any, str | None] = {}

    def __call__(self, node: Any) -> str | None:
        import rdflib

        if not isinstance(node, rdflib.URIRef):
            return None
        if node not in self.cache:
            label = next(
                (found for g in self.graphs if (found := _label_in(g, node)) is not None), None
            )
            if label is None and self.context is not None:
                self.graphs.append(self.context())
                self.context = None
                label = _label_in(self.graphs[-1], node)
            self.cache[node] = label
        return self.cache[node]


def _statements(
    graph: rdflib.Graph, prefixes: dict[str, str]
) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """Key every top-level statement of ``graph`` by its Turtle text, nested blank nodes included.

    :return: (subject text, predicate text, object text) → (subject, predicate, object, number of
        triples the statement stands for, sort key).
    """
    import rdflib

    from kgtool.rdf.turtle import Layout, Writer

    writer = Writer(graph, prefixes, Layout())
    writer.find_roots()
    canonical = graph  # blank-node ids are canonical already (see read_graph)
    statements: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    for subject in set(canonical.subjects()):
        if isinstance(subject, rdflib.BNode) and subject not in writer.roots:
            continue  # part of the statement that uses it
        key = (
            writer.iri(str(subject))
            if isinstance(subject, rdflib.URIRef)
            else writer.label(subject)
        )
        for predicate, obj in canonical.predicate_objects(subject):
            name = "a" if str(predicate) == str(rdflib.RDF.type) else writer.iri(str(predicate))
            text = writer.term(obj, 0)
            size = 1 + len(_nested_triples(writer, obj))
            order = (writer.predicate_key(predicate), writer.object_key(obj, text))
            statements[(key, name, text)] = (subject, predicate, obj, size, order)
    return statements


def _nested_triples(writer: Any, node: Any) -> list[Any]:
    """The triples written inside ``node`` when it is nested as ``[ … ]`` or ``( … )``."""
    triples: list[Any] = []
    todo = [node]
    while todo:
        current = todo.pop()
        if not writer.nestable(current):
            continue
        for predicate, obj in writer.graph.predicate_objects(current):
            triples.append((current, predicate, obj))
            todo.append(obj)
    return triples


def diff_graphs(old: Side, new: Side, context: Any = None) -> GraphDiff:
    """Statements only in ``old`` (removed) and only in ``new`` (added), grouped by subject.

    A statement is compared with its nested blank nodes as a whole, so blank nodes are matched by
    structure: a changed ``[ … ]`` shows as the old statement removed and the new one added.
    Subjects are in CURIE order (numbers in natural order); under a subject, predicates in the
    formatter's order, removals before additions. The counts are RDF triples (a nested blank
    node's triples included).

    :param context: a function returning a graph to take labels from when neither side has one.
    """
    import rdflib

    from kgtool.rdf.turtle import natural_key

    prefixes = {**PREFIXES, **old.prefixes, **new.prefixes}
    label = _Labels((new.graph, old.graph), context)
    before = _statements(old.graph, prefixes)
    after = _statements(new.graph, prefixes)
    grouped: dict[str, list[tuple[tuple[Any, ...], Change]]] = defaultdict(list)
    subjects_by_key: dict[str, Any] = {}
    counts = {"-": 0, "+": 0}
    for sign, mine, theirs in (("-", before, after), ("+", after, before)):
        for key in mine.keys() - theirs.keys():
            subject, _, obj, size, order = mine[key]
            counts[sign] += size
            subjects_by_key[key[0]] = subject
            change = Change(sign, key[1], key[2], label(obj))
            grouped[key[0]].append(((order[0], sign == "+", order[1]), change))
    subjects = []
    for name in sorted(grouped, key=lambda k: (k.startswith("_:"), natural_key(k))):
        subject = subjects_by_key[name]
        changes = tuple(change for _, change in sorted(grouped[name], key=lambda item: item[0]))
        iri = str(subject) if isinstance(subject, rdflib.URIRef) else None
        subjects.append(SubjectChanges(name, iri, label(subject), changes))
    return GraphDiff(
        old.spec, new.spec, counts["-"], counts["+"], tuple(_number_blank_nodes(subjects))
    )


def _number_blank_nodes(subjects: list[SubjectChanges]) -> list[SubjectChanges]:
    """Replace canonical blank-node ids by ``b1``, ``b2``… in order of appearance."""
    from kgtool.rdf.turtle import BlankNodeNumbers

    number = BlankNodeNumbers()
    return [
        SubjectChanges(
            number(s.subject),
            s.iri,
            s.label,
            tuple(Change(c.sign, c.predicate, number(c.object), c.object_label) for c in s.changes),
        )
        for s in subjects
    ]


def compare(old_spec: str, new_spec: str, root: Path) -> GraphDiff:
    """Compare two specs (``PATH``, ``WORKTREE``, ``REV`` or ``REV:PATH``) of the project at ``root``.

    :raises ProjectError: for a spec that names nothing, or when git fails.
    :raises DataError: when a file does not parse.
    """

    def project_graph() -> rdflib.Graph:
        try:
            return load_side(WORKTREE, root).graph
        except KgtoolError:
            import rdflib

            return rdflib.Graph()

    return diff_graphs(load_side(old_spec, root), load_side(new_spec, root), project_graph)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def format_text(result: GraphDiff) -> str:
    """The diff as text: a subject line (with its label as a comment), then one ``-``/``+`` line
    per statement (nested blank nodes continue on lines with the same sign). Control characters
    from the data are escaped (:func:`kgtool.tables.escape_controls`)."""
    lines: list[str] = []
    for subject in result.subjects:
        if lines:
            lines.append("")
        label = f"  # {escape_controls(subject.label)}" if subject.label else ""
        lines.append(escape_controls(subject.subject) + label)
        for change in subject.changes:
            text = f"{change.predicate} {change.object}"
            # Newlines in the object are layout (nested blank nodes); in a label they are data.
            label = f"  # {escape_controls(change.object_label)}" if change.object_label else ""
            statement = [f"{change.sign}   {escape_controls(line)}" for line in text.split("\n")]
            statement[-1] += label
            lines.extend(statement)
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(result: GraphDiff) -> str:
    """The diff as JSON: counts, then per subject its removed and added statements."""
    document = {
        "old": result.old,
        "new": result.new,
        "removed": result.removed,
        "added": result.added,
        "subjects": [
            {
                "subject": s.subject,
                "iri": s.iri,
                "label": s.label,
                "removed": [_change_json(c) for c in s.changes if c.sign == "-"],
                "added": [_change_json(c) for c in s.changes if c.sign == "+"],
            }
            for s in result.subjects
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "predicate": change.predicate,
        "object": change.object,
        "objectLabel": change.object_label,
    }


def summary(result: GraphDiff) -> str:
    """One line: how many statements were removed and added, in how many subjects."""
    if result.same:
        return f"no differences between {result.old} and {result.new}"
    subjects = len(result.subjects)
    return (
        f"{result.removed} statement{'s' if result.removed != 1 else ''} removed, "
        f"{result.added} added, in {subjects} subject{'s' if subjects != 1 else ''}"
    )


__all__ = [
    "Change",
    "GraphDiff",
    "Side",
    "SubjectChanges",
    "WORKTREE",
    "compare",
    "diff_graphs",
    "format_json",
    "format_text",
    "load_side",
    "side_files",
    "summary",
]
