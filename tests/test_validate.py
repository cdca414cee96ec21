"""`kgtool validate`: each kind of finding, placed at file:line:column, and the exit codes.

Unit tests copy the small project in tests/validate_fixtures/valid to tmp_path and break one
thing; the shipped graph is checked in the clearly named test at the end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from support import invoke

from kgtool.errors import ExitCode
from kgtool.project import find_project
from kgtool.validation import Check, Finding, Severity, ValidationReport, validate

FIXTURE = Path(__file__).parent / "validate_fixtures" / "valid"
DANGLING = (
    "graph/entities.ttl:16:22: error: kgr:Globexx is used but never described (it is the subject of no triple)"
    " (hint: did you mean kgr:Globex?)\n"
)


def run(*args: str) -> Result:
    return invoke("validate", *args)


Edit = Callable[[str], str]


def replace(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return edit


def append(addition: str) -> Edit:
    return lambda text: text + addition


@pytest.fixture()
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Copy the valid fixture project, apply ``{relative path: edit}``, return its root."""

    def make(edits: dict[str, Edit] | None = None) -> Path:
        root = tmp_path / "kg"
        shutil.copytree(FIXTURE, root)
        for relative, edit in (edits or {}).items():
            path = root / relative
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        return root

    return make


def test_valid_project_exits_0(make_project: Callable[..., Path]) -> None:
    result = run("--root", str(make_project()))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no problems in 4 files\n")


def test_shacl_violation_is_placed_at_the_subject_block(make_project: Callable[..., Path]) -> None:
    root = make_project({"graph/claims.ttl": replace('"0.4"', '"1.5"')})
    result = run("--root", str(root))
    assert result.exit_code == 1
    assert result.stdout == (
        "graph/claims.ttl:8:1: error: kgr:claim-acme-share kgo:fraction: a fraction is a decimal from 0 to 1\n"
    )
    assert result.stderr == "1 error in 4 files\n"


def test_shacl_warning_only_exits_0(make_project: Callable[..., Path]) -> None:
    company = '\nkgr:Initech a kgo:Company ; rdfs:label "Initech"@en , "イニテック"@ja .\n'
    result = run("--root", str(make_project({"graph/entities.ttl": append(company)})))
    assert result.exit_code == 0
    assert result.stdout == (
        "graph/entities.ttl:22:1: warning: kgr:Initech kgo:basedIn: a company should say where it is based\n"
    )
    assert result.stderr == "1 warning in 4 files\n"


def test_blank_node_focus_is_placed_at_its_named_ancestor(
    make_project: Callable[..., Path],
) -> None:
    quote = '"アクメは市場の4割を占める。"'
    result = run("--root", str(make_project({"graph/claims.ttl": replace(quote + "@ja", quote)})))
    assert result.exit_code == 1
    assert result.stdout == (
        "graph/claims.ttl:15:1: error: kgr:passage-acme-share oa:exact: a quote is a Japanese string (@ja)\n"
    )


@pytest.mark.parametrize(
    ("quote", "problem", "hint"),
    [
        (
            "アクメは市場の5割を占める。",
            "is not in the source text: it matches up to 'アクメは市場の', then has '5割を占める。'",
            "quote the article verbatim",
        ),
        (
            "アクメは 市場の4割を占める。",
            "differs from the source text in white space",
            "copy the quote from the text file exactly",
        ),
        (
            "アクメは市場の４割を占める。",
            "differs from the source text in character forms (full-width/half-width or similar)",
            "copy the quote from the text file exactly",
        ),
    ],
    ids=["mismatch", "white-space", "full-width"],
)
def test_quote_not_in_source_text(
    make_project: Callable[..., Path], quote: str, problem: str, hint: str
) -> None:
    root = make_project({"graph/claims.ttl": replace("アクメは市場の4割を占める。", quote)})
    result = run("--root", str(root))
    assert result.exit_code == 1
    assert result.stdout == (
        f"graph/claims.ttl:21:19: error: kgr:passage-acme-share oa:exact {problem} (sources/article.ja.txt)"
        f" (hint: {hint})\n"
    )


def test_missing_local_text_file(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"graph/entities.ttl": replace("sources/article.ja.txt", "sources/missing.txt")}
    )
    result = run("--root", str(root))
    assert result.exit_code == 1
    assert result.stdout == (
        "graph/entities.ttl:7:1: error: kgr:article kgo:localText: sources/missing.txt does not exist"
        " (looked for graph/sources/missing.txt) (hint: give a path relative to graph/ of the document's UTF-8 text)\n"
    )


@pytest.mark.parametrize("kind", ["absolute", "dot-dot", "symlink"])
def test_local_text_outside_the_project_is_never_read(
    make_project: Callable[..., Path], tmp_path: Path, kind: str
) -> None:
    """A graph cannot make validate read, and echo in a finding, a file outside the project."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:アクメは市場の\n", encoding="utf-8")
    root = make_project({})
    local = {"absolute": str(secret), "dot-dot": "", "symlink": "sources/link.txt"}
    if kind == "symlink":
        (root / "graph" / "sources" / "link.txt").symlink_to(secret)
    if kind == "dot-dot":
        local[kind] = os.path.relpath(secret, root / "graph")
    entities = root / "graph" / "entities.ttl"
    entities.write_text(
        entities.read_text(encoding="utf-8").replace("sources/article.ja.txt", local[kind]),
        encoding="utf-8",
    )
    result = run("--root", str(root))
    assert result.exit_code == 1
    where = "an absolute path" if kind == "absolute" else "outside the project folder"
    assert result.stdout == (
        f"graph/entities.ttl:7:1: error: kgr:article kgo:localText {local[kind]!r} is {where}:"
        " its quotes are not checked"
        " (hint: give a path relative to graph/ that stays inside the project folder)\n"
    )
    assert "root:x" not in result.output


def test_document_without_local_text_warns_that_quotes_are_unchecked(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "graph/entities.ttl": replace(
                'kgo:localText "sources/article.ja.txt"', 'rdfs:comment "x"'
            )
        }
    )
    result = run("--root", str(root))
    assert result.exit_code == 0
    assert result.stdout == (
        "graph/entities.ttl:7:1: warning: kgr:article has no kgo:localText: 1 quote not checked"
        " (hint: register the document's local text with kgo:localText (a path relative to graph/))\n"
    )


def test_undeclared_kgo_term(make_project: Callable[..., Path]) -> None:
    root = make_project({"graph/claims.ttl": replace('kgo:fraction "0.4"', 'kgo:fractoin "0.4"')})
    result = run("--root", str(root))
    assert result.exit_code == 1
    assert result.stdout == (
        "graph/claims.ttl:12:5: error: kgo:fractoin is not declared in the ontology"
        " (hint: did you mean kgo:fraction?)\n"
    )


def test_missing_japanese_label(make_project: Callable[..., Path]) -> None:
    result = run(
        "--root", str(make_project({"graph/entities.ttl": replace(' , "グローベックス"@ja', "")}))
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "graph/entities.ttl:18:1: warning: kgr:Globex has no rdfs:label in Japanese (@ja)"
        ' (hint: add rdfs:label "…"@ja)\n'
    )
    assert result.stderr == "1 warning in 4 files\n"


def test_untyped_entity_without_any_label(make_project: Callable[..., Path]) -> None:
    result = run(
        "--root",
        str(make_project({"graph/entities.ttl": append("kgr:Initech kgo:basedIn kgr:Japan .\n")})),
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "graph/entities.ttl:21:1: warning: kgr:Initech has no rdfs:label in English or Japanese (@en, @ja)"
        ' (hint: add rdfs:label "…"@en)\n'
    )


def test_duplicate_label_ignores_case(make_project: Callable[..., Path]) -> None:
    company = '\nkgr:AcmeCorp a kgo:Company ; rdfs:label "ACME"@en , "アクメ・コーポレーション"@ja ; kgo:basedIn kgr:Japan .\n'
    result = run("--root", str(make_project({"graph/entities.ttl": append(company)})))
    assert result.exit_code == 0
    hint = " (hint: make the labels distinct (keep shared names as skos:altLabel))\n"
    assert result.stdout == (
        "graph/entities.ttl:11:1: warning: kgr:Acme has the same rdfs:label @en as kgr:AcmeCorp: 'Acme'"
        + hint
        + "graph/entities.ttl:22:1: warning: kgr:AcmeCorp has the same rdfs:label @en as kgr:Acme: 'ACME'"
        + hint
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_dangling_iri_suggests_the_closest_described_one(
    make_project: Callable[..., Path], engine: str
) -> None:
    root = make_project(
        {
            "graph/entities.ttl": replace(
                "kgo:competesWith kgr:Globex", "kgo:competesWith kgr:Globexx"
            )
        }
    )
    result = run("--root", str(root), "--engine", engine)
    assert (result.exit_code, result.stdout) == (1, DANGLING)


def test_ill_typed_literal(make_project: Callable[..., Path]) -> None:
    result = run("--root", str(make_project({"graph/claims.ttl": replace('"0.4"', '"abc"')})))
    assert result.exit_code == 1
    assert result.stdout == (
        "graph/claims.ttl:8:1: error: kgr:claim-acme-share kgo:fraction: 'abc' is not a valid xsd:decimal"
        " (hint: write a value in the lexical form of xsd:decimal)\n"
        "graph/claims.ttl:8:1: error: kgr:claim-acme-share kgo:fraction: a fraction is a decimal from 0 to 1\n"
    )
    assert "Traceback" not in result.stderr


def test_data_files_are_checked_too(make_project: Callable[..., Path], tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kgr: <https://w3id.org/kgtool/resource/> .\n"
        "@prefix kgo: <https://w3id.org/kgtool/ontology#> .\n"
        "kgr:Acme kgo:rivalOf kgr:Globex .\n",
        encoding="utf-8",
    )
    result = run("--root", str(make_project()), "--data", str(extra))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{extra}:3:10: error: kgo:rivalOf is not declared in the ontology"
        " (hint: declare it in ontology/ or fix the spelling)\n"
    )
    assert result.stderr == "1 error in 5 files\n"


# --- input that cannot be read: exit 2, every bad file listed --------------------------------------


def test_syntax_errors_in_several_files_exit_2(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "graph/claims.ttl": replace("kgo:about kgr:Acme ;", "kgo:about kgr:Acme"),
            "graph/entities.ttl": replace("kgr:Japan a", "kgr:Japan b:a"),
        }
    )
    result = run("--root", str(root))
    assert result.exit_code == 2
    assert result.stdout == (
        "graph/claims.ttl:12:5: error: A dot is expected at the end of statements"
        " (hint: fix the statement at this position)\n"
        "graph/entities.ttl:20:11: error: prefix 'b:' is not declared"
        " (hint: add '@prefix b: <...> .' at the top of the file)\n"
    )
    assert (
        result.stderr
        == "2 errors in 4 files (a file could not be read: shapes, quotes and lint were not checked)\n"
    )


def test_invalid_utf8(make_project: Callable[..., Path]) -> None:
    root = make_project()
    (root / "graph" / "bad.ttl").write_bytes(b'@prefix ex: <http://e/> .\nex:a ex:p "\xff" .\n')
    result = run("--root", str(root))
    assert result.exit_code == 2
    assert result.stdout == (
        "graph/bad.ttl:2:12: error: the file is not valid UTF-8 (hint: save the file with UTF-8 encoding)\n"
    )


def test_an_empty_file_is_an_empty_graph(make_project: Callable[..., Path]) -> None:
    """An empty (or white-space-only) file is a valid empty graph (issue 10 point 3)."""
    root = make_project()
    (root / "graph" / "empty.ttl").write_text("\n", encoding="utf-8")
    (root / "graph" / "void.nt").write_bytes(b"")
    result = run("--root", str(root))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no problems in 6 files\n")


def test_unknown_prefix_in_the_shapes_file(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"ontology/shapes.ttl": replace("sh:targetClass kgo:Company", "sh:targetClass kgx:Company")}
    )
    result = run("--root", str(root))
    assert result.exit_code == 2
    assert result.stdout == (
        "ontology/shapes.ttl:10:20: error: prefix 'kgx:' is not declared"
        " (hint: add '@prefix kgx: <...> .' at the top of the file)\n"
    )


def test_unusable_shape_names_it(make_project: Callable[..., Path]) -> None:
    broken = "\nkgsh:BrokenShape a sh:NodeShape ;\n    sh:targetClass kgo:Company ;\n"
    broken += "    sh:property [ sh:minCount 1 ] .\n"
    result = run("--root", str(make_project({"ontology/shapes.ttl": append(broken)})))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: ontology/shapes.ttl:29:1: the shapes cannot be used: a blank node in kgsh:BrokenShape exists but is"
        " not a well-formed SHACL PropertyShape. Ensure it has the correct type (sh:PropertyShape) and all required"
        " properties. (hint: fix the shape so pySHACL can load it (a property shape needs sh:path, for one))\n"
    )


def test_missing_folder(tmp_path: Path) -> None:
    result = run("--root", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {tmp_path / 'nowhere'} is not a knowledge-graph folder (missing ontology/, graph/, queries/)"
        " (hint: pass --root a folder holding ontology/, graph/ and queries/)\n"
    )


def test_json_format(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "graph/entities.ttl": replace(
                "kgo:competesWith kgr:Globex", "kgo:competesWith kgr:Globexx"
            )
        }
    )
    result = run("--root", str(root), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "conforms": False,
        "readable": True,
        "errors": 1,
        "warnings": 0,
        "infos": 0,
        "files": [
            "ontology/kgtool.ttl",
            "ontology/shapes.ttl",
            "graph/claims.ttl",
            "graph/entities.ttl",
        ],
        "findings": [
            {
                "file": "graph/entities.ttl",
                "line": 16,
                "column": 22,
                "severity": "error",
                "check": "dangling-iri",
                "message": "kgr:Globexx is used but never described (it is the subject of no triple)",
                "focus": "kgr:Globexx",
                "path": None,
                "shape": None,
                "hint": "did you mean kgr:Globex?",
            }
        ],
    }
    assert result.stderr == "1 error in 4 files\n"


def test_json_format_shacl_finding_names_its_shape(make_project: Callable[..., Path]) -> None:
    root = make_project({"graph/claims.ttl": replace('"0.4"', '"1.5"')})
    finding = json.loads(run("--root", str(root), "--format", "json").stdout)["findings"][0]
    assert (finding["check"], finding["focus"], finding["path"], finding["shape"]) == (
        "shacl",
        "kgr:claim-acme-share",
        "kgo:fraction",
        None,  # the property shape is a blank node
    )


# --- the library -----------------------------------------------------------------------------------


def test_report_sorts_and_counts() -> None:
    late = Finding("b.ttl", 1, 1, Severity.WARNING, Check.MISSING_LABEL, "x")
    early = Finding("a.ttl", 9, 2, Severity.ERROR, Check.SHACL, "y")
    report = ValidationReport(
        tuple(sorted([late, early], key=Finding.sort_key)), ("a.ttl", "b.ttl")
    )
    assert report.findings == (early, late)
    assert (report.conforms, report.exit_code) == (False, ExitCode.FINDINGS)
    assert report.summary() == "1 error, 1 warning in 2 files"


def test_statement_start_wins_over_earlier_mention(make_project: Callable[..., Path]) -> None:
    # kgr:Japan is mentioned on line 15 before its own block on line 20.
    root = make_project({"graph/entities.ttl": replace('"Japan"@en , "日本"@ja', '"Japan"@en')})
    report = validate(find_project(root))
    assert [(f.file, f.line, f.column, f.check) for f in report.findings] == [
        ("graph/entities.ttl", 20, 1, Check.MISSING_LABEL)
    ]


# --- the shipped graph -----------------------------------------------------------------------------


def test_shipped_graph_validates(repo: Path) -> None:
    result = run("--root", str(repo))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert " error: " not in result.stdout
    files = len(find_project(repo).data_files) + 1  # + ontology/shapes.ttl
    assert result.stderr.endswith(f" in {files} files\n"), result.stderr


@pytest.mark.parametrize(
    "option", ["--store", "--endpoint", "--timeout", "--endpoint-post", "--allow-service"]
)
def test_options_validate_does_not_take_are_neither_listed_nor_accepted(
    make_project: Callable[..., Path], option: str
) -> None:
    """validate parses the files itself: the store and endpoint options are not its own."""
    result = run("--root", str(make_project()), option, "x")
    assert result.exit_code == 2
    assert f"No such option '{option}'" in result.stderr


def test_help_lists_exactly_the_options_validate_takes() -> None:
    listed = run("--help").stdout.partition("\nOptions:\n")[2]
    options = re.findall(r"^  (--[a-z-]+|-h, --help)", listed, re.MULTILINE)
    assert options == ["--list-rules", "--root", "--data", "--engine", "--format", "-h, --help"]
