"""`kgtool fmt`: canonical Turtle that keeps meaning and comments, written atomically.

Unit tests use small in-code fixtures; the tests named ``test_shipped_*`` run on every Turtle
file of the real ontology/ and graph/ folders.
"""

from __future__ import annotations

import functools
import os
import random
import re
from pathlib import Path

import pyoxigraph
import pytest
from support import invoke

from kgtool.errors import DataError
from kgtool.turtle_format import format_turtle, write_atomic

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted([*REPO.glob("ontology/*.ttl"), *REPO.glob("graph/*.ttl")])
HINT = "(hint: put the comment on its own line directly above the subject or predicate it is about)"


run = invoke


def canonical_quads(text: str) -> set:
    """The statements of Turtle ``text`` with canonical blank-node ids (pyoxigraph)."""
    import pyoxigraph

    dataset = pyoxigraph.Dataset(
        pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    )
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


# --------------------------------------------------------------------------------------------
# Layout on fixtures
# --------------------------------------------------------------------------------------------

MESSY = """\
# A small file.
PREFIX ex: <http://example.org/>
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# --- Things ---

ex:thing-10 rdfs:label "Ten"@en . ex:thing-2 rdfs:label "Two"@en ; a ex:Thing .
# about one
ex:thing-1 ex:size "3"^^xsd:integer, "1.50"^^xsd:decimal, 2.5e3, "true"^^xsd:boolean, "x"^^xsd:string ;
  ex:note "a \\"quoted\\"\\nsecond line" ; a ex:Thing ;
  ex:amount [ ex:value "5560000"^^xsd:decimal ; ex:currency "USD" ] ;
  ex:steps ( ex:a ex:b [ ex:c 1 ] ) ; ex:empty () , [] .

# --- Shared ---

ex:x ex:p _:shared . ex:y ex:p _:shared . _:shared ex:v 1 .
ex:thing-2 ex:extra "moved here"@en .
"""

MESSY_FORMATTED = '''\
# A small file.

@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <http://example.org/> .

# --- Things ---

# about one
ex:thing-1
    a ex:Thing ;
    ex:amount [
        ex:currency "USD" ;
        ex:value "5560000"^^xsd:decimal
    ] ;
    ex:empty () ,
        [] ;
    ex:note """a \\"quoted\\"
second line""" ;
    ex:size "x" , true , 1.50 , 2.5e3 , 3 ;
    ex:steps (
        ex:a
        ex:b
        [
            ex:c 1
        ]
    ) .

ex:thing-2
    a ex:Thing ;
    rdfs:label "Two"@en ;
    ex:extra "moved here"@en .

ex:thing-10
    rdfs:label "Ten"@en .

# --- Shared ---

ex:x
    ex:p _:b1 .

ex:y
    ex:p _:b1 .

_:b1
    ex:v 1 .
'''


def test_format_turtle_layout() -> None:
    assert format_turtle(MESSY, "messy.ttl") == MESSY_FORMATTED


def test_format_turtle_keeps_meaning_and_is_idempotent() -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    formatted = format_turtle(MESSY, "messy.ttl")
    assert canonical_quads(formatted) == canonical_quads(MESSY)
    assert format_turtle(formatted, "messy.ttl") == formatted
    # rdflib (RDF 1.0 style) tells "x"^^xsd:string from "x"; RDF 1.1 and fmt do not.
    rdf10 = MESSY.replace(', "x"^^xsd:string', "")
    again = format_turtle(rdf10, "messy.ttl")
    assert isomorphic(
        Graph().parse(data=again, format="turtle"), Graph().parse(data=rdf10, format="turtle")
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"42"^^xsd:integer', "42"),
        ('"-0.5"^^xsd:decimal', "-0.5"),
        ('"5560000"^^xsd:decimal', '"5560000"^^xsd:decimal'),  # 5560000 alone would be an integer
        ('"1.5E3"^^xsd:double', "1.5E3"),
        ('"1500.0"^^xsd:double', '"1500.0"^^xsd:double'),
        ('"false"^^xsd:boolean', "false"),
        ('"TODO"^^xsd:boolean', '"TODO"^^xsd:boolean'),  # ill-typed: kept as written
        ('"007"^^xsd:integer', "007"),  # lexical form kept (rdflib would rewrite it to 7)
        ('"x"^^xsd:string', '"x"'),
        ('"AI"@EN', '"AI"@en'),  # language tags are case-insensitive: lower case
        ('"tab\\there"', '"tab\\there"'),
        ("<http://example.org/a/b>", "<http://example.org/a/b>"),  # '/' is not allowed in a CURIE
        ("<http://example.org/>", "<http://example.org/>"),  # nor is an empty local name kept short
        ("<http://example.org/x.y>", "ex:x.y"),
    ],
)
def test_terms_in_short_canonical_forms(written: str, expected: str) -> None:
    text = (
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"ex:s ex:p {written} .\n"
    )
    assert format_turtle(text, "t.ttl").splitlines()[-1] == f"    ex:p {expected} ."


def test_long_object_lists_wrap_one_per_line() -> None:
    text = (
        '@prefix ex: <http://example.org/> .\nex:s ex:p "'
        + "a" * 50
        + '"@en , "'
        + "b" * 50
        + '"@ja .\n'
    )
    assert format_turtle(text, "t.ttl").splitlines()[-3:] == [
        "ex:s",
        '    ex:p "' + "a" * 50 + '"@en ,',
        '        "' + "b" * 50 + '"@ja .',
    ]


def test_blank_node_cycles_and_unreferenced_blank_nodes() -> None:
    text = "@prefix ex: <http://example.org/> .\n[ ex:top 1 ] .\n_:a ex:n _:b . _:b ex:n _:a .\n"
    assert format_turtle(text, "t.ttl") == (
        "@prefix ex: <http://example.org/> .\n\n[\n    ex:top 1\n] .\n\n_:b1\n    ex:n [\n        ex:n _:b1\n    ] .\n"
    )


COMMENTED = """\
# Header line one
# Header line two

# leading of rdfs
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> . # trailing on ex

# --- Section A ---

ex:b ex:p 1 .

# about a
ex:a # on the subject line
    ex:z 2 ; # trailing on ex:z
    # above rdfs:label
    rdfs:label "A"@en ;
    # optional:
    # ex:later "x" ;
    .

# --- Section B ---

ex:c ex:p 3 .
# last words
"""

COMMENTED_FORMATTED = """\
# Header line one
# Header line two

# leading of rdfs

@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex:   <http://example.org/> . # trailing on ex

# --- Section A ---

# about a
ex:a # on the subject line
    # above rdfs:label
    rdfs:label "A"@en ;
    ex:z 2 ; # trailing on ex:z
    # optional:
    # ex:later "x" ;
    .

ex:b
    ex:p 1 .

# --- Section B ---

ex:c
    ex:p 3 .

# last words
"""


def test_comments_travel_with_their_subject_predicate_or_section() -> None:
    formatted = format_turtle(COMMENTED, "c.ttl")
    assert formatted == COMMENTED_FORMATTED
    assert format_turtle(formatted, "c.ttl") == formatted


@pytest.mark.parametrize(
    ("statement", "line", "reason"),
    [
        (
            "ex:a ex:p 1 , # between objects\n  2 .",
            "2:15",
            "it is inside a statement, between a predicate and its objects",
        ),
        ("ex:a ex:p [ # in a blank node\n  ex:q 1 ] .", "2:13", "it is inside a [ ] blank node"),
        ("ex:a ex:p ( 1 # in a list\n  2 ) .", "2:15", "it is inside a ( ) collection"),
        (
            "ex:a ex:p\n  # before an object\n  1 .",
            "3:3",
            "it is inside a statement, between a predicate and its objects",
        ),
        ("# on a blank node\n[ ex:q 1 ] .", "2:1", "it is attached to a blank-node subject"),
        (
            "@prefix x: # in a directive\n  <http://x/> .",
            "2:12",
            "it is inside a @prefix or @base directive",
        ),
    ],
)
def test_unplaceable_comment_is_refused(
    tmp_path: Path, statement: str, line: str, reason: str
) -> None:
    """Every refusal names the file, line and column of the comment (issue 10 point 8)."""
    path = tmp_path / "bad.ttl"
    original = f"@prefix ex: <http://example.org/> .\n{statement}\n"
    path.write_text(original, encoding="utf-8")
    result = run("fmt", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:{line}: cannot keep this comment: {reason} {HINT}\n"
    assert path.read_text(encoding="utf-8") == original


def test_conflicting_prefixes_and_bases_are_refused_at_their_column() -> None:
    with pytest.raises(DataError) as prefix:
        format_turtle(
            "@prefix ex: <http://a/> .\nex:s ex:p 1 .\n  @prefix ex: <http://b/> .\nex:s ex:p 2 .\n",
            "p.ttl",
        )
    assert str(prefix.value).startswith(
        "p.ttl:3:3: prefix 'ex:' is declared twice with different IRIs; fmt cannot keep both"
    )
    with pytest.raises(DataError) as base:
        format_turtle("@base <http://a/> .\n<s> <p> 1 .\nBASE <http://b/>\n<s> <p> 2 .\n", "b.ttl")
    assert str(base.value).startswith("b.ttl:3:1: @base is declared twice; fmt cannot keep both")


def test_relative_iris_are_kept_as_written(tmp_path: Path) -> None:
    """Relative IRIs resolve against the file's URI and are written back relative, so the file
    does not gain its own location (issue 10 point 2)."""
    path = tmp_path / "r.ttl"
    path.write_text("@prefix : <#> .\n<a> :p <../b>, <c#d> .\n", encoding="utf-8")
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_text(encoding="utf-8") == "@prefix : <#> .\n\n<a>\n    :p <../b> , <c#d> .\n"
    assert run("fmt", "--check", str(path)).exit_code == 0
    based = "@base <http://e/x/> .\n\n<a>\n    <p> <../b> .\n"
    assert format_turtle(based, tmp_path / "b.ttl") == based


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def test_check_exit_codes_and_write(tmp_path: Path) -> None:
    messy = tmp_path / "messy.ttl"
    messy.write_text(MESSY, encoding="utf-8")
    tidy = tmp_path / "tidy.ttl"
    tidy.write_text(MESSY_FORMATTED, encoding="utf-8")

    checked = run("fmt", "--check", str(tmp_path))
    assert checked.exit_code == 1
    assert checked.stdout == f"would reformat {messy}\n"
    assert checked.stderr == "1 file would be reformatted, 1 file already formatted\n"
    assert messy.read_text(encoding="utf-8") == MESSY  # --check writes nothing

    written = run("fmt", str(tmp_path))
    assert written.exit_code == 0
    assert written.stdout == f"reformatted {messy}\n"
    assert written.stderr == "1 file reformatted, 1 file left unchanged\n"
    assert messy.read_text(encoding="utf-8") == MESSY_FORMATTED

    again = run("fmt", "--check", str(messy), str(tidy))
    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        "",
        "0 files would be reformatted, 2 files already formatted\n",
    )


def test_default_paths_are_the_projects_graph_and_ontology(tmp_path: Path) -> None:
    for part in ("ontology", "graph", "queries"):
        (tmp_path / part).mkdir()
    (tmp_path / "graph" / "a.ttl").write_text(MESSY, encoding="utf-8")
    (tmp_path / "ontology" / "o.ttl").write_text(MESSY_FORMATTED, encoding="utf-8")
    result = run("fmt", "--check", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {tmp_path / 'graph' / 'a.ttl'}\n"


def test_a_bad_file_stops_everything_before_writing(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(MESSY, encoding="utf-8")
    (tmp_path / "b.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:s ex:p .\n", encoding="utf-8"
    )
    result = run("fmt", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'b.ttl'}:2:")
    assert (tmp_path / "a.ttl").read_text(encoding="utf-8") == MESSY


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "data.nt",
            "Error: {path} is not a Turtle file (hint: fmt formats Turtle files, whose names end in .ttl)\n",
        ),
        ("missing.ttl", "Error: no such file or folder: {path} (hint: check the path)\n"),
    ],
)
def test_bad_paths(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    if name.endswith(".nt"):
        path.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    result = run("fmt", str(path))
    assert (result.exit_code, result.stderr) == (2, message.format(path=path))


def test_atomic_write_keeps_the_original_when_replacing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "messy.ttl"
    path.write_text(MESSY, encoding="utf-8")

    def broken_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = run("fmt", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: cannot write the file: No space left on device\n"
    assert path.read_text(encoding="utf-8") == MESSY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.ttl"]  # no temporary file left


def test_atomic_write_survives_an_interrupted_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.ttl"
    path.write_text("original\n", encoding="utf-8")
    path.chmod(0o640)

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "half of the new text")
    assert path.read_text(encoding="utf-8") == "original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.ttl"]
    monkeypatch.undo()
    write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert path.stat().st_mode & 0o777 == 0o640  # permissions kept


# --------------------------------------------------------------------------------------------
# Every shipped Turtle file
# --------------------------------------------------------------------------------------------


@functools.cache
def formatted(path: Path) -> str:
    return format_turtle(path.read_text(encoding="utf-8"), path)


def scramble(text: str, seed: int) -> str:
    """Shuffle formatted Turtle: prefixes (and their spelling), subject blocks within their
    section, predicates within a block; split some blocks in two. Comments stay attached."""
    rng = random.Random(seed)
    chunks = text.rstrip("\n").split("\n\n")
    start = next(
        i
        for i, chunk in enumerate(chunks)
        if chunk.lstrip("#").startswith("@prefix") or "\n@prefix" in chunk
    )
    out = chunks[:start]
    prefix_lines = chunks[start].splitlines()
    if not any(line.startswith("#") for line in prefix_lines):
        rng.shuffle(prefix_lines)
        prefix_lines = [
            re.sub(r"^@prefix (\S+)\s+(<[^>]*>) \.$", r"PREFIX \1 \2", line)
            if rng.random() < 0.5
            else line
            for line in prefix_lines
        ]
    out.append("\n".join(prefix_lines))
    sections: list[list[str]] = [[]]
    for chunk in chunks[start + 1 :]:
        if all(line.startswith("#") for line in chunk.splitlines()):
            sections.append([chunk])
        else:
            sections[-1].append(chunk)
    for section in sections:
        comment = (
            section[:1]
            if section
            and section[0].startswith("#")
            and all(line.startswith("#") for line in section[0].splitlines())
            else []
        )
        blocks: list[str] = []
        for block in section[len(comment) :]:
            blocks.extend(split_block(block, rng))
        rng.shuffle(blocks)
        out.extend(comment + blocks)
    return "\n\n".join(out) + "\n"


def split_block(block: str, rng: random.Random) -> list[str]:
    lines = block.splitlines()
    head_end = next(i for i, line in enumerate(lines) if not line.startswith("#")) + 1
    head, body = lines[:head_end], lines[head_end:]
    tail: list[str] = []
    if body and body[-1] == "    .":  # comments kept at the end of the block
        tail = ["    ."]
        body = body[:-1]
        while body and body[-1].startswith("    #"):
            tail.insert(0, body.pop())
    entries: list[list[str]] = []
    pending: list[str] = []
    for line in body:
        if line.startswith("    #"):
            pending.append(line)
        elif re.match(r"^    [^ #\])]", line):
            entries.append(pending + [line])
            pending = []
        else:
            entries[-1].append(line)
    ends = []
    for entry in entries:
        match = re.search(r" ([;.])( #[^\"]*)?$", entry[-1])
        assert match, entry[-1]
        ends.append(match.group(2) or "")
        entry[-1] = entry[-1][: match.start()]
    pairs = list(zip(entries, ends, strict=True))
    rng.shuffle(pairs)

    def render(subject_lines: list[str], parts: list[tuple[list[str], str]], end: list[str]) -> str:
        rendered = list(subject_lines)
        for number, (entry, comment) in enumerate(parts):
            last = number == len(parts) - 1
            terminator = " ;" if not last or end else " ."
            rendered.extend(entry[:-1] + [entry[-1] + terminator + comment])
        return "\n".join(rendered + end)

    subject = [line for line in head if not line.startswith("#")][0].split(" #")[0]
    if len(pairs) >= 2 and rng.random() < 0.3:
        cut = rng.randrange(1, len(pairs))
        return [render(head, pairs[:cut], []), render([subject], pairs[cut:], tail)]
    return [render(head, pairs, tail)]


def test_scramble_changes_the_text() -> None:
    text = formatted(REPO / "graph" / "actors.ttl")
    assert scramble(text, 1) != text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_file_round_trip(path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    output = formatted(path)
    assert canonical_quads(output) == canonical_quads(original)  # same statements
    assert format_turtle(output, path) == output  # idempotent
    kept = comment_lines(output)
    assert [
        line for line in comment_lines(original) if line not in kept
    ] == []  # every comment kept
    for seed in (1, 2):
        assert (
            format_turtle(scramble(output, seed), path) == output
        )  # scrambled → same canonical text


def test_shipped_files_are_all_covered() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in SHIPPED}
    assert {"ontology/kgtool.ttl", "ontology/shapes.ttl"} <= names
    assert len([n for n in names if n.startswith("graph/")]) >= 5


# --------------------------------------------------------------------------------------------
# Bytes as they are: CR, CRLF, a byte-order mark, an empty file (issue 10 points 1 and 3)
# --------------------------------------------------------------------------------------------


def test_a_carriage_return_in_a_literal_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "cr.ttl"
    path.write_bytes(b"<http://a/s> <http://a/p> '''x\ry''' .\n")
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_bytes() == b'<http://a/s>\n    <http://a/p> "x\\ry" .\n'


def test_crlf_files_keep_their_line_ends_and_multi_line_literals(tmp_path: Path) -> None:
    tidy = b'@prefix : <http://a/> .\r\n\r\n:s\r\n    :p """a\r\nb""" .\r\n'
    path = tmp_path / "crlf.ttl"
    path.write_bytes(tidy.replace(b"\r\n\r\n:s\r\n    ", b" :s "))
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_bytes() == tidy
    assert run("fmt", "--check", str(path)).exit_code == 0  # byte-exact: nothing left to change
    value = next(iter(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)))
    assert value.object.value == "a\r\nb"


def test_a_byte_order_mark_is_accepted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf<http://a/s> <http://a/p> 1 .\n")
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbf<http://a/s>\n    <http://a/p> 1 .\n"


@pytest.mark.parametrize(
    ("content", "formatted"),
    [(b"", b""), (b" \n\n", b""), (b"# only a comment\n", b"# only a comment\n")],
)
def test_an_empty_file_is_an_empty_graph(tmp_path: Path, content: bytes, formatted: bytes) -> None:
    path = tmp_path / "empty.ttl"
    path.write_bytes(content)
    result = run("fmt", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == formatted


def test_a_file_that_is_not_utf8_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    data = '@prefix : <#> .\n:a :p "日本'.encode() + b"\xff" + b'" .\n'
    path.write_bytes(data)
    result = invoke("fmt", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}:2:10: the file is not valid UTF-8")
    assert path.read_bytes() == data  # untouched
