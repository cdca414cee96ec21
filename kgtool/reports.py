"""The analytics results as text: aligned tables, CSV and JSON for ``kgtool analyze
centrality``, ``path``, ``neighbors`` and ``communities``.

Rows for reading show IRIs as CURIEs and labels in the ``--lang`` language; JSON keeps full
IRIs (and both labels where the command offers them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kgtool.namespaces import shorten
from kgtool.tables import format_table

if TYPE_CHECKING:
    # Types only: the CLI imports this module for every `kgtool --help`, analysis is heavier.
    from kgtool.analysis import Community, Neighbor, Path, Ranked

#: ``--format`` of the analytics commands.
FORMATS = ("table", "json", "csv")

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def cell(value: Any) -> str:
    """One line of text: control characters shown as escapes (no terminal tricks from labels)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], output_format: str) -> str:
    """Rows as an aligned table, CSV or JSON (a list of objects, keys in column order).

    >>> print(format_rows(["a", "b"], [["x", 1.5]], "table"), end="")
    a  b
    -  ---
    x  1.5
    (1 row)
    """
    if output_format == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(v) if isinstance(v, float) else v for v in row] for row in rows])
        return buffer.getvalue()
    return format_table(columns, [[cell(v) for v in row] for row in rows])


def curie(iri: str) -> str:
    """An IRI as a CURIE when a known prefix fits; other names (e.g. literals) as they are."""
    return shorten(iri) if "://" in iri or iri.startswith("urn:") else iri


def centrality_text(
    ranked: Sequence[Ranked], metric: str, output_format: str, lang: str = "en"
) -> str:
    """``kgtool analyze centrality``: rank, entity, label(s), class and the score."""
    columns = ["rank", "entity", "label", "class", metric]
    if output_format == "json":
        columns = ["rank", "entity", "label_en", "label_ja", "class", metric]
        rows = [[r.rank, r.node, r.label_en, r.label_ja, r.kind, r.score] for r in ranked]
    else:
        rows = [
            [r.rank, curie(r.node), r.label_en if lang == "en" else r.label_ja, r.kind, r.score]
            for r in ranked
        ]
    return format_rows(columns, rows, output_format)


def paths_text(paths: Sequence[Path], output_format: str, lang: str = "en") -> str:
    """``kgtool path``: per path and hop, the statements on the way and the claims behind them."""
    if output_format == "json":
        from kgtool.analysis import statement_record

        records = [
            {
                "path": index,
                "length": len(path.hops),
                "nodes": list(path.nodes),
                "hops": [
                    {
                        "from": hop.source,
                        "to": hop.target,
                        "statements": [statement_record(s) for s in hop.statements],
                    }
                    for hop in path.hops
                ],
            }
            for index, path in enumerate(paths, 1)
        ]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        columns = [
            "path",
            "hop",
            "via",
            "subject",
            "predicate",
            "object",
            "subject_label",
            "predicate_label",
            "object_label",
            "claims",
            "quotes",
        ]
        rows = [
            [
                index,
                number,
                s.via,
                curie(s.subject),
                curie(s.predicate),
                curie(s.object),
                s.subject_label,
                s.predicate_label,
                s.object_label,
                " ".join(curie(c.iri) for c in s.claims),
                " | ".join(q for c in s.claims for q in c.quotes),
            ]
            for index, path in enumerate(paths, 1)
            for number, hop in enumerate(path.hops, 1)
            for s in hop.statements
        ]
        return format_rows(columns, rows, "csv")
    return _paths_for_reading(paths, lang)


def _paths_for_reading(paths: Sequence[Path], lang: str) -> str:
    """Paths for reading: each hop's triples, then each backing claim with its quotes."""
    lines = []
    for index, path in enumerate(paths, 1):
        hops = len(path.hops)
        lines.append(f"Path {index} ({hops} hop{'s' if hops != 1 else ''})")
        for number, hop in enumerate(path.hops, 1):
            for statement in hop.statements:
                ends = f"{curie(statement.subject)}, {curie(statement.object)}"
                arrow = f"{cell(statement.subject_label)} —{cell(statement.predicate_label)}→ {cell(statement.object_label)}"
                lines.append(f"  {number}. {arrow}")
                if statement.via == "triple":
                    lines.append(
                        f"      {curie(statement.subject)} {curie(statement.predicate)} {curie(statement.object)}"
                    )
                for claim in statement.claims:
                    kind = claim.kind_en if lang == "en" else claim.kind_ja
                    lines.append(f"      {kind} {curie(claim.iri)}")
                    if statement.via == "claims":
                        lines.append(f"        {curie(claim.iri)} kgo:about {ends}")
                    lines.extend(f"        「{cell(quote)}」" for quote in claim.quotes)
    return "\n".join(lines) + "\n"


def neighbors_text(rows: Sequence[Neighbor], output_format: str) -> str:
    """``kgtool neighbors``: per entity around the centre, its distance and the linking statement."""
    columns = ["distance", "entity", "label", "class", "subject", "predicate", "object", "claims"]
    body = [
        [
            r.distance,
            curie(r.node) if output_format != "json" else r.node,
            r.label,
            r.kind,
            r.statement.subject_label,
            r.statement.predicate_label,
            r.statement.object_label,
            len(r.statement.claims),
        ]
        for r in rows
    ]
    return format_rows(columns, body, output_format)


def communities_text(found: Sequence[Community], output_format: str) -> str:
    """``kgtool communities``: one row per entity, biggest community first."""
    columns = ["community", "entity", "label", "class", "degree"]
    rows = [
        [c.index, curie(m.node) if output_format != "json" else m.node, m.label, m.kind, m.degree]
        for c in found
        for m in c.members
    ]
    return format_rows(columns, rows, output_format)


#: Default page titles, English and Japanese, by kind of page (see :func:`page_title`).
PAGE_TITLES: dict[str, tuple[str, str]] = {
    "graph": ("US–China AI knowledge graph", "米中AIナレッジグラフ"),
    "classes": ("{names} in the US–China AI knowledge graph", "米中AIナレッジグラフの{names}"),
    "focus": ("Around {label} ({hops} {hop_word})", "{label}の周辺({hops}ホップ)"),
    "centrality": ("Top {count} entities by {metric}", "{metric}の上位{count}エンティティ"),
    "path": ("{source} ↔ {target}", "{source} ↔ {target}"),
    "neighbors": ("Neighbours of {label} ({hops} {hop_word})", "{label}の近傍({hops}ホップ)"),
    "communities": (
        "{count} communities (Louvain, resolution {resolution:g})",
        "{count}個のコミュニティ(Louvain法、解像度{resolution:g})",
    ),
    "communities-legend": ("Communities", "コミュニティ"),
}


def page_title(kind: str, lang: str = "en", **values: Any) -> str:
    """The default title of a page of ``kind`` (a key of :data:`PAGE_TITLES`) in ``lang``.

    >>> page_title("focus", "ja", label="ディープシーク", hops=2)
    'ディープシークの周辺(2ホップ)'
    >>> page_title("neighbors", "en", label="DeepSeek", hops=1)
    'Neighbours of DeepSeek (1 hop)'
    """
    english, japanese = PAGE_TITLES[kind]
    hops = values.get("hops")
    values.setdefault("hop_word", "hop" if hops == 1 else "hops")
    return (japanese if lang == "ja" else english).format(**values)
