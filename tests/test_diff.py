"""`kgtool diff`: statements added and removed between files, folders and git revisions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support import invoke

PREFIXES = """\
@prefix ex:   <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

OLD = (
    PREFIXES
    + """
ex:a rdfs:label "Alpha"@en ;
    ex:name "AI"@en ;
    ex:knows ex:b ;
    ex:amount [ ex:value "5"^^xsd:decimal ; ex:currency "USD" ] ;
    ex:same [ ex:v 1 ] .
ex:b rdfs:label "Bee"@en .
ex:gone ex:p 1 .
"""
)

# Same meaning as OLD for ex:b and ex:a's unchanged blank node, written differently.
NEW = (
    PREFIXES
    + """
ex:b rdfs:label "Bee"@en .
ex:a ex:same [ ex:v 1 ] ;
    rdfs:label "Alpha"@en ;
    ex:name "AI"@ja ;
    ex:knows ex:b , ex:d ;
    ex:amount [ ex:currency "USD" ; ex:value "6"^^xsd:decimal ] .
ex:d rdfs:label "Dee"@en .
"""
)

EXPECTED_TEXT = """\
ex:a  # Alpha
-   ex:amount [
-       ex:currency "USD" ;
-       ex:value "5"^^xsd:decimal
-   ]
+   ex:amount [
+       ex:currency "USD" ;
+       ex:value "6"^^xsd:decimal
+   ]
+   ex:knows ex:d  # Dee
-   ex:name "AI"@en
+   ex:name "AI"@ja

ex:d  # Dee
+   rdfs:label "Dee"@en

ex:gone
-   ex:p 1
"""


run = invoke


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.ttl", tmp_path / "new.ttl"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def test_known_changes_grouped_by_subject(files: tuple[Path, Path]) -> None:
    old, new = files
    result = run("diff", str(old), str(new))
    assert result.exit_code == 1
    assert result.stdout == EXPECTED_TEXT
    assert result.stderr == "5 statements removed, 6 added, in 3 subjects\n"


def test_same_statements_written_differently_are_no_difference(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_text(OLD, encoding="utf-8")
    shuffled = PREFIXES + (
        'ex:gone ex:p 1 .\nex:b rdfs:label "Bee"@en .\n'
        '_:x ex:currency "USD" ; ex:value "5"^^xsd:decimal .\n'
        'ex:a ex:amount _:x ; ex:same [ ex:v 1 ] ; ex:knows ex:b ; ex:name "AI"@en ; rdfs:label "Alpha"@en .\n'
    )
    two.write_text(shuffled, encoding="utf-8")
    result = run("diff", str(one), str(two))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"no differences between {one} and {two}\n"


def test_language_tags_and_datatypes_are_significant(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_text(PREFIXES + 'ex:a ex:p "AI"@en , "7"^^xsd:integer .\n', encoding="utf-8")
    two.write_text(PREFIXES + 'ex:a ex:p "AI"@ja , "7" .\n', encoding="utf-8")
    result = run("diff", str(one), str(two))
    assert result.exit_code == 1
    assert result.stdout == 'ex:a\n-   ex:p 7\n-   ex:p "AI"@en\n+   ex:p "7"\n+   ex:p "AI"@ja\n'


def test_escape_sequences_in_labels_are_shown_escaped(tmp_path: Path) -> None:
    """Labels from the data reach the terminal as visible escapes, never as raw sequences."""
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    evil = 'rdfs:label "B\\u001b]0;title\\u0007\\nx"@en'
    one.write_text(PREFIXES + f"ex:b {evil} .\n", encoding="utf-8")
    two.write_text(PREFIXES + f"ex:b {evil} .\nex:a ex:p ex:b .\n", encoding="utf-8")
    result = run("diff", str(one), str(two))
    assert result.exit_code == 1
    assert result.stdout == "ex:a\n+   ex:p ex:b  # B\\x1b]0;title\\x07\\nx\n"


def test_json_format(files: tuple[Path, Path]) -> None:
    old, new = files
    result = run("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["old"], document["new"], document["removed"], document["added"]) == (
        str(old),
        str(new),
        5,
        6,
    )
    assert [s["subject"] for s in document["subjects"]] == ["ex:a", "ex:d", "ex:gone"]
    first = document["subjects"][0]
    assert (first["iri"], first["label"]) == ("http://example.org/a", "Alpha")
    assert first["removed"][1] == {"predicate": "ex:name", "object": '"AI"@en', "objectLabel": None}
    assert first["added"][1] == {"predicate": "ex:knows", "object": "ex:d", "objectLabel": "Dee"}


def test_shared_blank_nodes_are_labelled(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_text(PREFIXES + "ex:a ex:p _:s . ex:b ex:p _:s . _:s ex:v 1 .\n", encoding="utf-8")
    two.write_text(PREFIXES + "ex:a ex:p _:s . ex:b ex:p _:s . _:s ex:v 2 .\n", encoding="utf-8")
    result = run("diff", str(one), str(two))
    assert result.exit_code == 1
    # A blank node used twice cannot be nested: it is matched by its canonical place.
    assert result.stdout == "_:b1\n-   ex:v 1\n+   ex:v 2\n"
    assert result.stderr == "1 statement removed, 1 added, in 1 subject\n"


def test_folders_merge_their_files(tmp_path: Path) -> None:
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "all.ttl").write_text(
        PREFIXES + "ex:a ex:p 1 .\nex:b ex:p 2 .\n", encoding="utf-8"
    )
    (tmp_path / "v2" / "a.ttl").write_text(PREFIXES + "ex:a ex:p 1 .\n", encoding="utf-8")
    (tmp_path / "v2" / "b.nt").write_text(
        '<http://example.org/b> <http://example.org/p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        encoding="utf-8",
    )
    result = run("diff", str(tmp_path / "v1"), str(tmp_path / "v2"))
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nope.ttl", "{new}"],
            "Error: 'nope.ttl' is neither a file, a folder, WORKTREE nor a git revision ({root} is not in a git repository) (hint: give a path, WORKTREE, a revision such as HEAD~1, or REV:PATH such as HEAD:graph)\n",
        ),
        (
            ["{bad}", "{new}"],
            "Error: {bad}:4:11: . is not a valid RDF object (hint: fix the statement at this position)\n",
        ),
    ],
)
def test_errors_exit_2(
    tmp_path: Path, files: tuple[Path, Path], args: list[str], message: str
) -> None:
    root = make_project(tmp_path / "project", git=False)
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "ex:a ex:p .\n", encoding="utf-8")
    values = {"new": files[1], "bad": bad, "root": root}
    result = run("diff", *[a.format(**values) for a in args], "--root", str(root))
    assert result.exit_code == 2
    assert result.stderr.startswith(message.format(**values))


# --------------------------------------------------------------------------------------------
# git revisions
# --------------------------------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def make_project(root: Path, git: bool = True) -> Path:
    for part in ("ontology", "graph", "queries"):
        (root / part).mkdir(parents=True)
    (root / "ontology" / "o.ttl").write_text(
        PREFIXES + 'ex:Thing rdfs:label "Thing"@en .\n', encoding="utf-8"
    )
    (root / "graph" / "data.ttl").write_text(OLD, encoding="utf-8")
    if git:
        globals()["git"](root, "init", "-q")
        globals()["git"](root, "add", ".")
        globals()["git"](root, "commit", "-q", "-m", "one")
    return root


def test_git_revisions_worktree_and_rev_path(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "graph" / "data.ttl").write_text(NEW, encoding="utf-8")

    worktree = run("diff", "HEAD", "--root", str(root))  # NEW defaults to WORKTREE
    assert (worktree.exit_code, worktree.stdout) == (1, EXPECTED_TEXT)

    git(root, "commit", "-q", "-am", "two")
    revisions = run("diff", "HEAD~1", "HEAD", "--root", str(root))
    assert (revisions.exit_code, revisions.stdout) == (1, EXPECTED_TEXT)
    assert revisions.stderr == "5 statements removed, 6 added, in 3 subjects\n"

    one_file = run("diff", "HEAD~1:graph/data.ttl", "HEAD:graph", "--root", str(root))
    assert (one_file.exit_code, one_file.stdout) == (1, EXPECTED_TEXT)

    same = run("diff", "HEAD", "WORKTREE", "--root", str(root))
    assert (same.exit_code, same.stdout, same.stderr) == (
        0,
        "",
        "no differences between HEAD and WORKTREE\n",
    )


def test_git_errors_name_the_revision(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "graph" / "data.ttl").write_text(PREFIXES + "ex:a ex:p .\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "broken")

    broken = run("diff", "HEAD~1", "HEAD", "--root", str(root))
    assert broken.exit_code == 2
    assert broken.stderr.startswith(
        "Error: HEAD:graph/data.ttl:4:11: . is not a valid RDF object (hint: fix the statement at this position)\n"
    )

    missing = run("diff", "HEAD:nowhere", "WORKTREE", "--root", str(root))
    assert missing.exit_code == 2
    assert missing.stderr == (
        "Error: no RDF files at HEAD:nowhere (hint: give a path relative to the project folder, e.g. HEAD:graph)\n"
    )

    unknown = run("diff", "v9.9", "--root", str(root))
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(
        "Error: 'v9.9' is neither a file, a folder, WORKTREE nor a git revision (hint:"
    )
