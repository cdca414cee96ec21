"""How much of each source the graph covers, sentence by sentence.

A sentence (see :mod:`kgtool.sentences`) is

* *excluded* when a ``kgo:ExcludedPassage`` of its source lies within or overlaps it (text
  deliberately left out, with a ``kgo:exclusionReason``: disclaimers, page furniture);
* else *covered* when a passage that some claim is ``prov:wasDerivedFrom`` lies within or
  overlaps it;
* else *uncovered*.

A passage is placed by its ``oa:TextPositionSelector`` when that agrees with its ``oa:exact``,
else at the occurrences of the exact text its prefix and suffix allow.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from kgtool.errors import ProjectError
from kgtool.namespaces import shorten
from kgtool.project import display_path

if TYPE_CHECKING:
    from kgtool.engines import Engine
    from kgtool.project import Project
    from kgtool.sentences import Sentence
    from kgtool.sources import Passage, Source, SourceText


class Status(str, Enum):
    """What the graph does with a sentence."""

    COVERED = "covered"
    EXCLUDED = "excluded"
    UNCOVERED = "uncovered"


@dataclass(frozen=True)
class SentenceCoverage:
    """One sentence and its status; ``passages`` are the CURIEs of the passages that decide it.

    :param quoted: the share (0 to 1) of the sentence's letters, digits and symbols inside
        those passages. A covered sentence below 1 may hold a clause no claim states yet.
    """

    sentence: Sentence
    status: Status
    passages: tuple[str, ...]
    quoted: float = 0.0


@dataclass(frozen=True)
class SourceCoverage:
    """The coverage of one source: its IRI, text file (as shown) and every sentence."""

    source: str
    file: str
    sentences: tuple[SentenceCoverage, ...]

    def count(self, status: Status) -> int:
        return sum(1 for s in self.sentences if s.status is status)

    @property
    def percent(self) -> float:
        """Covered or excluded sentences, in percent of all (100 for a source with none)."""
        if not self.sentences:
            return 100.0
        done = self.count(Status.COVERED) + self.count(Status.EXCLUDED)
        return 100.0 * done / len(self.sentences)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: source, file, counts, percent and every sentence."""
        return {
            "source": shorten(self.source),
            "file": self.file,
            "sentences": len(self.sentences),
            "covered": self.count(Status.COVERED),
            "excluded": self.count(Status.EXCLUDED),
            "uncovered": self.count(Status.UNCOVERED),
            "percent": round(self.percent, 1),
            "details": [
                {
                    "number": s.sentence.number,
                    "line": s.sentence.line,
                    "column": s.sentence.column,
                    "status": s.status.value,
                    "passages": list(s.passages),
                    "quoted": round(s.quoted, 2),
                    "text": s.sentence.text,
                }
                for s in self.sentences
            ],
        }


def source_coverage(
    source: Source, text: SourceText, passages: Sequence[Passage]
) -> SourceCoverage:
    """The status of every sentence of ``text`` given the graph's ``passages`` (of any source)."""
    from kgtool.sentences import split_sentences

    excluded: list[tuple[int, int, str]] = []
    covered: list[tuple[int, int, str]] = []
    for passage in passages:
        if passage.source != source.iri or not (passage.excluded or passage.derived):
            continue
        target = excluded if passage.excluded else covered
        target.extend((start, end, shorten(passage.iri)) for start, end in passage.spans(text.text))
    results = []
    for sentence in split_sentences(text.text):
        status = Status.UNCOVERED
        names: tuple[str, ...] = ()
        quoted = 0.0
        for kind, spans in ((Status.EXCLUDED, excluded), (Status.COVERED, covered)):
            inside = [(s, e, n) for s, e, n in spans if s < sentence.end and e > sentence.start]
            if inside:
                status, names = kind, tuple(sorted({n for _, _, n in inside}))
                quoted = _share(text.text, sentence, [(s, e) for s, e, _ in inside])
                break
        results.append(SentenceCoverage(sentence, status, names, quoted))
    return SourceCoverage(source.iri, text.display, tuple(results))


def _share(text: str, sentence: Sentence, spans: list[tuple[int, int]]) -> float:
    """The share of the sentence's letters, digits and symbols (not spaces or punctuation, which
    quotes often leave out at their ends) that lie inside ``spans``."""
    visible = [
        i
        for i in range(sentence.start, sentence.end)
        if not text[i].isspace() and not unicodedata.category(text[i]).startswith("P")
    ]
    inside = sum(1 for i in visible if any(s <= i < e for s, e in spans))
    return inside / len(visible) if visible else 1.0


def coverage(engine: Engine, project: Project, names: Sequence[str] = ()) -> list[SourceCoverage]:
    """The coverage of the sources ``names`` name (IRIs, CURIEs or text files), else of all.

    :raises ProjectError: when a name is not a registered source, or no source is registered.
    :raises DataError: when a source's text cannot be read.
    """
    from kgtool.sources import passages, read_text, resolve_source, sources

    if names:
        chosen = [resolve_source(engine, project, name) for name in names]
    else:
        registered = sources(engine)
        if not registered:
            raise ProjectError(
                "no source is registered (no kgo:localText in the graph)",
                hint="register one with kgtool source add FILE",
            )
        chosen = [
            (
                s,
                read_text(
                    s.path(project.graph_dir), display_path(s.path(project.graph_dir), project.root)
                ),
            )
            for s in registered
        ]
    found = passages(engine)
    return [source_coverage(source, text, found) for source, text in chosen]
