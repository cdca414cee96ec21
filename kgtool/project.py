"""Where the knowledge graph lives: finding the project folder and its files.

A project folder holds ``ontology/``, ``graph/`` and ``queries/``. kgtool uses, in order:
the folder given with ``--root``; the nearest such folder from the current directory upward;
the copy bundled with the installed package.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from kgtool.errors import ProjectError

#: File suffixes read as RDF, mapped to their format name (as pyoxigraph and rdflib spell it).
RDF_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}

PROJECT_PARTS = ("ontology", "graph", "queries")
SHAPES_FILE_NAME = "shapes.ttl"


def display_path(path: Path, base: Path | None = None) -> str:
    """``path`` as shown to users: relative to ``base`` (default: the current directory) when it
    lies below it, else as given.

    >>> display_path(Path("/data/graph/a.ttl"), Path("/data"))
    'graph/a.ttl'
    >>> display_path(Path("/elsewhere/a.ttl"), Path("/data"))
    '/elsewhere/a.ttl'
    """
    try:
        return Path(path).resolve().relative_to((base or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)


def is_project_dir(path: Path) -> bool:
    """True when ``path`` holds the three project folders."""
    return all((path / part).is_dir() for part in PROJECT_PARTS)


def bundled_root() -> Path:
    """The project folder shipped with kgtool.

    An installed wheel carries it as ``kgtool/_bundled``; a source checkout (editable install)
    uses the repository itself.
    """
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "_bundled", package_dir.parent):
        if is_project_dir(candidate):
            return candidate
    raise ProjectError(
        f"the bundled knowledge graph is missing from {package_dir}",
        hint="reinstall kgtool, or pass --root DIR pointing at a folder with ontology/, graph/, queries/",
    )


def files_below(folder: Path, suffixes: Collection[str]) -> list[Path]:
    """Every file below ``folder`` whose suffix (lower-cased) is in ``suffixes``, sorted.

    Symbolic links to folders are followed, each real folder visited once, so a link cycle
    ends instead of looping and a linked folder is never skipped silently.
    """
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for current, folders, names in os.walk(folder, followlinks=True):
        status = os.stat(current)
        if (status.st_dev, status.st_ino) in seen:
            folders.clear()  # reached again through a link: already walked
            continue
        seen.add((status.st_dev, status.st_ino))
        found.extend(
            Path(current, name)
            for name in names
            if Path(name).suffix.lower() in suffixes and Path(current, name).is_file()
        )
    return sorted(found)


def rdf_files(path: Path) -> list[Path]:
    """RDF files at ``path``: the file itself, or every RDF file below a folder, sorted.

    Raises :class:`ProjectError` when the path does not exist or a folder holds no RDF file.
    """
    if path.is_file():
        return [path]
    if not path.exists():
        raise ProjectError(
            f"no such file or folder: {path}", path=None, hint="check the path given with --data"
        )
    found = files_below(path, RDF_SUFFIXES)
    if not found:
        suffixes = " ".join(sorted(RDF_SUFFIXES))
        raise ProjectError(
            f"no RDF files in folder {path}", hint=f"RDF files end in one of: {suffixes}"
        )
    return found


@dataclass(frozen=True)
class Project:
    """A knowledge-graph folder plus any extra data files the user added with ``--data``."""

    root: Path
    extra_data: tuple[Path, ...] = field(default=())

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / SHAPES_FILE_NAME

    @property
    def ontology_files(self) -> list[Path]:
        """Ontology files, without the SHACL shapes."""
        return [p for p in rdf_files(self.ontology_dir) if p.name != SHAPES_FILE_NAME]

    @property
    def graph_files(self) -> list[Path]:
        """The project's own data files under ``graph/``."""
        return rdf_files(self.graph_dir)

    @property
    def data_files(self) -> list[Path]:
        """Everything queried: ontology, graph data, then ``--data`` files (shapes excluded)."""
        extra = [f for path in self.extra_data for f in rdf_files(path)]
        return self.ontology_files + self.graph_files + extra

    @property
    def query_files(self) -> list[Path]:
        return sorted(self.queries_dir.glob("*.rq"))


def find_project(
    root: Path | None = None,
    data: tuple[Path, ...] | list[Path] = (),
    start: Path | None = None,
) -> Project:
    """Locate the project folder.

    :param root: an explicit folder (``--root``); it must hold ontology/, graph/ and queries/.
    :param data: extra RDF files or folders (``--data``); each must exist.
    :param start: where the upward search begins (default: the current directory).
    :raises ProjectError: if ``root`` is not a project folder or a ``data`` path is missing.

    >>> find_project().root.joinpath("graph").is_dir()
    True
    """
    for path in data:
        if not Path(path).exists():
            raise ProjectError(
                f"no such file or folder: {path}", hint="check the path given with --data"
            )
    extra = tuple(Path(p) for p in data)
    if root is not None:
        root = Path(root)
        if not is_project_dir(root):
            missing = ", ".join(f"{p}/" for p in PROJECT_PARTS if not (root / p).is_dir())
            raise ProjectError(
                f"{root} is not a knowledge-graph folder (missing {missing})",
                hint="pass --root a folder holding ontology/, graph/ and queries/",
            )
        return Project(root.resolve(), extra)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project_dir(folder):
            return Project(folder, extra)
    return Project(bundled_root(), extra)
