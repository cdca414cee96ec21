"""`kgtool source add` and `kgtool quote`, their bad input, and the validate checks
`selector` and `source-hash` (kgtool.sources).

The project is tests/sources_fixture (one registered source) with the repository's ontology,
copied to tmp_path.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from support import invoke_in, sources_project

from kgtool.errors import DataError, KgtoolError
from kgtool.project import find_project
from kgtool.sources import SourceText, add_source, find_quote, read_text
from kgtool.validation import Check, Finding, Severity, validate

REPO = Path(__file__).resolve().parent.parent
MEMO = "graph/sources/memo.ja.txt"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return sources_project(tmp_path)


run = invoke_in


def text(value: str, name: str = "t.txt") -> SourceText:
    data = value.encode("utf-8")
    return SourceText(Path(name), name, value, hashlib.sha256(data).hexdigest())


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------------------------------
# Reading a source text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "a.txt: no such file (hint: check the path)"),
        (b"abc\n\x00\x01", "a.txt:2: is a binary file (it holds a NUL byte), not a text"),
        (
            "一行目\nあい".encode() + b"\xff",
            "a.txt:2:3: is not valid UTF-8 (byte 0xff) (hint: save the text as UTF-8)",
        ),
        (b" \r\n\t\n", "a.txt: the text is empty"),
    ],
    ids=["missing", "binary", "invalid-utf8", "empty"],
)
def test_read_text_refuses_what_is_not_a_text(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "a.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError) as error:
        read_text(path, "a.txt")
    assert str(error.value).startswith(message)


def test_read_text_keeps_crlf_and_hashes_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("一\r\n二\r\n".encode())
    source = read_text(path)
    assert source.text == "一\r\n二\r\n"
    assert source.sha256 == hashlib.sha256("一\r\n二\r\n".encode()).hexdigest()
    assert source.position(3) == (2, 1)


# --------------------------------------------------------------------------------------------
# Finding a quote
# --------------------------------------------------------------------------------------------


def test_quote_has_exact_prefix_suffix_and_positions() -> None:
    found = find_quote(text("見出し\nミナト1の学習コストは約120万米ドルでした。"), "学習コスト")
    assert (found.exact, found.start, found.end, found.line, found.column) == (
        "学習コスト",
        9,
        14,
        2,
        6,
    )
    assert found.prefix == "見出し\nミナト1の"
    assert found.suffix == "は約120万米ドルでした。"


def test_positions_count_crlf_as_two_code_points() -> None:
    found = find_quote(text("一行目\r\n二行目です。\r\n"), "二行目")
    assert (found.start, found.end, found.line, found.column) == (5, 8, 2, 1)


def test_quote_spanning_lines_matches_the_line_ending_as_held() -> None:
    source = text("前の行。\r\n次の行。\r\n")
    assert find_quote(source, "前の行。\r\n次の行").end == 9
    with pytest.raises(KgtoolError) as error:
        find_quote(source, "前の行。\n次の行")
    assert str(error.value) == (
        "t.txt:1:1: not found verbatim; near miss '前の行。\\r\\n次の行' differs at character 5: "
        "the text has '\\r' (U+000D), the quote '\\n' (U+000A) "
        "(hint: copy the quote from the text exactly (quotes are never normalised))"
    )


def test_full_width_near_miss_is_reported_not_normalised() -> None:
    with pytest.raises(KgtoolError) as error:
        find_quote(text("序文。\nＡＩ分析指数は複合指標。"), "AI分析指数")
    assert str(error.value) == (
        "t.txt:2:1: not found verbatim; near miss 'ＡＩ分析指数' differs at character 1: "
        "the text has 'Ａ' (U+FF21), the quote 'A' (U+0041) "
        "(hint: copy the quote from the text exactly (quotes are never normalised))"
    )


def test_not_found_names_the_closest_match_and_its_line_and_column() -> None:
    with pytest.raises(KgtoolError) as error:
        find_quote(text("序文。\n学習コストは約120万米ドルでした。"), "学習コストは約150万米ドル")
    assert str(error.value) == (
        "t.txt:2:1: not found; closest match '学習コストは約120万米ドル' differs at character 9: "
        "the text has '2' (U+0032), the quote '5' (U+0035) (hint: copy the quote from the text exactly)"
    )


def test_nothing_close_says_so() -> None:
    with pytest.raises(KgtoolError, match=r"^t.txt: not found, nor anything close to it"):
        find_quote(text("序文。"), "xyz")


def test_ambiguous_quote_lists_every_occurrence() -> None:
    source = text("コストは高い。\n別のコストは低い。コストは中。")
    with pytest.raises(KgtoolError) as error:
        find_quote(source, "コストは")
    assert str(error.value) == (
        "t.txt: the quote occurs 3 times: at 1:1, 2:3, 2:10 (hint: give --prefix with the text "
        "just before the one you mean, or --line/--sentence)"
    )
    assert find_quote(source, "コストは", prefix="別の").start == 10
    assert find_quote(source, "コストは", line=1).start == 0
    assert find_quote(source, "コストは", sentence=3).start == 17


def test_whole_line_or_sentence_is_quoted_without_text() -> None:
    source = text("見出し\r\n一文目。二文目。\r\n")
    assert find_quote(source, None, line=2).exact == "一文目。二文目。"
    assert find_quote(source, None, sentence=3).exact == "二文目。"
    with pytest.raises(KgtoolError, match="there is no sentence 9 .the text has 3."):
        find_quote(source, None, sentence=9)
    with pytest.raises(KgtoolError, match="there is no line 7 .the text has 3."):
        find_quote(source, "x", line=7)
    with pytest.raises(KgtoolError, match="nothing to quote"):
        find_quote(source, None)


def test_prefix_that_never_fits_is_named() -> None:
    with pytest.raises(KgtoolError, match="never right after the --prefix '違う'"):
        find_quote(text("前のコスト。"), "コスト", prefix="違う")


# --------------------------------------------------------------------------------------------
# kgtool quote
# --------------------------------------------------------------------------------------------

PASSAGE = """\
@prefix kgo:  <https://w3id.org/kgtool/ontology#> .
@prefix kgr:  <https://w3id.org/kgtool/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .

kgr:passage-memo-27
    a kgo:Passage ;
    rdfs:label "Passage: source-memo 2:24"@en , "引用:source-memo 2:24"@ja ;
    oa:hasSelector [
        a oa:TextPositionSelector ;
        oa:end "35"^^xsd:nonNegativeInteger ;
        oa:start "27"^^xsd:nonNegativeInteger
    ] , [
        a oa:TextQuoteSelector ;
        oa:exact "これは安いです。"@ja ;
        oa:prefix "コストは約120万米ドルでした。"@ja ;
        oa:suffix \"\"\"
免責事項:これは架空の例です。\"\"\"@ja
    ] ;
    oa:hasSource kgr:source-memo .
"""


def test_quote_prints_the_passage(project: Path) -> None:
    result = run(project, "quote", "kgr:source-memo", "これは安いです。")
    assert (result.exit_code, result.stdout) == (0, PASSAGE)


def test_quote_to_dash_prints_the_passage_and_quiet_says_nothing(project: Path) -> None:
    result = run(project, "quote", "kgr:source-memo", "これは安いです。", "-o", "-")
    assert (result.exit_code, result.stdout, result.stderr) == (0, PASSAGE, "")
    assert not (project / "-").exists()
    added = run(project, "quote", "kgr:source-memo", "これは安いです。", "-o", "new.ttl", "-q")
    assert (added.exit_code, added.stdout, added.stderr) == (0, "", "")
    assert (project / "new.ttl").read_text(encoding="utf-8") == PASSAGE


def test_quote_accepts_the_text_file_and_a_sentence_number(project: Path) -> None:
    result = run(project, "quote", MEMO, "--sentence", "3")
    assert (result.exit_code, result.stdout) == (0, PASSAGE)


def test_quote_appends_to_a_file_that_then_validates(project: Path) -> None:
    result = run(project, "quote", "kgr:source-memo", "これは安いです。", "-o", "graph/new.ttl")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "added kgr:passage-memo-27 to graph/new.ttl (2:24)\n",
    )
    assert (project / "graph" / "new.ttl").read_text(encoding="utf-8") == PASSAGE
    # A file outside graph/ is not loaded, so the file itself is checked.
    assert run(project, "quote", "kgr:source-memo", "高いと", "-o", "draft.ttl").exit_code == 0
    again = run(project, "quote", "kgr:source-memo", "高いと", "-o", "draft.ttl")
    assert again.exit_code == 2
    assert again.stderr == (
        "Error: draft.ttl: kgr:passage-memo-63 is already in the file "
        "(hint: this passage was quoted before)\n"
    )
    findings = validate(find_project(project)).findings
    assert [f for f in findings if f.file == "graph/new.ttl" and f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["kgr:source-memo", "AI"],
            "Error: graph/sources/memo.ja.txt: not found, nor anything close to it "
            "(hint: copy the quote from the text exactly)\n",
        ),
        (
            ["kgr:source-memo", "ミナト1の学習コストは"],
            "Error: graph/sources/memo.ja.txt: the quote occurs 2 times: at 2:1, 4:1 (hint: give "
            "--prefix with the text just before the one you mean, or --line/--sentence)\n",
        ),
        (
            ["kgr:nothing", "x"],
            "Error: kgr:nothing is not a registered source (registered: kgr:source-memo) (hint: "
            "give a source's IRI or its text file, or register it with kgtool source add FILE)\n",
        ),
        (
            ["kgr:source-memo", "これは安いです。", "-o", "missing/new.ttl"],
            None,
        ),
    ],
    ids=["not-found", "ambiguous", "unknown-source", "missing-folder"],
)
def test_quote_errors_are_one_line_exit_2(
    project: Path, args: list[str], error: str | None
) -> None:
    before = snapshot(project)
    result = run(project, "quote", *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    if error is not None:
        assert result.stderr == error
    assert snapshot(project) == before


def test_quote_of_a_passage_already_in_the_graph_is_refused(project: Path) -> None:
    assert (
        run(project, "quote", "kgr:source-memo", "これは安い", "-o", "graph/new.ttl").exit_code == 0
    )
    result = run(project, "quote", "kgr:source-memo", "これは安い")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: kgr:passage-memo-27 already exists: this passage was quoted before "
        "(hint: use the existing passage)\n",
    )


@pytest.mark.parametrize("command", [["quote", "kgr:source-memo", "root"], ["coverage"]])
def test_source_text_outside_the_project_is_refused_unread(
    project: Path, tmp_path: Path, command: list[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:\n", encoding="utf-8")
    (project / MEMO).unlink()
    (project / MEMO).symlink_to(secret)
    result = run(project, *command)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: kgo:localText 'sources/memo.ja.txt' is outside the project folder "
        "(hint: give a path relative to graph/ that stays inside the project folder)\n",
    )


def test_quote_of_a_source_whose_text_became_binary_is_refused(project: Path) -> None:
    (project / MEMO).write_bytes(b"\x00\x01")
    result = run(project, "quote", "kgr:source-memo", "x")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: graph/sources/memo.ja.txt:1: is a binary file (it holds a NUL byte), not a text "
        "(hint: give the plain UTF-8 text of the source)\n",
    )


# --------------------------------------------------------------------------------------------
# kgtool source add
# --------------------------------------------------------------------------------------------

RECORD = """\
# Source registered with kgtool source add: sources/audit.ja.txt

@prefix kgo:     <https://w3id.org/kgtool/ontology#> .
@prefix kgr:     <https://w3id.org/kgtool/resource/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .

kgr:source-audit
    a schema:Report ;
    rdfs:label "Source: 監査メモ"@en , "資料:監査メモ"@ja ;
    dcterms:date "2029-02-01"^^xsd:date ;
    dcterms:language "ja" ;
    dcterms:publisher kgr:Minato ;
    dcterms:title "監査メモ"@ja ;
    kgo:localText "sources/audit.ja.txt" ;
    kgo:statedDate "2029年2月1日" ;
    kgo:textSha256 "{sha}" ;
    schema:datePublished "2029-02-01"^^xsd:date ;
    schema:url "https://example.org/audit"^^xsd:anyURI .
"""
AUDIT = "監査メモ\r\nミナト1の学習コストは300万米ドルでした。\r\n"


def test_source_add_copies_the_text_and_writes_a_valid_record(project: Path) -> None:
    (project / "audit.ja.txt").write_bytes(AUDIT.encode())
    result = run(
        project,
        *("source", "add", "audit.ja.txt", "--title", "監査メモ", "--lang", "ja"),
        *("--publisher", "ミナト", "--published", "2029年2月1日"),
        *("--url", "https://example.org/audit"),
    )
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "added kgr:source-audit: graph/sources/audit.ja.txt, graph/source-audit.ttl\n",
    )
    assert (project / "graph/sources/audit.ja.txt").read_bytes() == AUDIT.encode()
    sha = hashlib.sha256(AUDIT.encode()).hexdigest()
    record = (project / "graph/source-audit.ttl").read_text(encoding="utf-8")
    assert record == RECORD.replace("{sha}", sha)
    assert run(project, "fmt", "--check", "graph/source-audit.ttl").exit_code == 0
    quoted = run(project, "quote", "graph/sources/audit.ja.txt", "300万米ドル")
    assert 'oa:start "17"^^xsd:nonNegativeInteger' in quoted.stdout  # the CRLF counts as two


def test_english_source_gets_english_quotes(project: Path) -> None:
    (project / "note.en.txt").write_text(
        "A note.\nMr. Smith said the cost was USD 3 million. Nobody agreed.\n", encoding="utf-8"
    )
    added = run(project, "source", "add", "note.en.txt", "--title", "A note", "--lang", "en", "-q")
    assert (added.exit_code, added.stdout, added.stderr) == (0, "", "")
    record = (project / "graph/source-note.ttl").read_text(encoding="utf-8")
    assert 'dcterms:title "A note"@en' in record and 'dcterms:language "en"' in record
    quoted = run(project, "quote", "kgr:source-note", "--sentence", "2", "-o", "graph/note.ttl")
    assert quoted.exit_code == 0, quoted.output
    passage = (project / "graph/note.ttl").read_text(encoding="utf-8")
    assert 'oa:exact "Mr. Smith said the cost was USD 3 million."@en' in passage
    findings = validate(find_project(project)).findings
    assert [
        f for f in findings if f.file == "graph/note.ttl" and f.severity is Severity.ERROR
    ] == []


def test_source_add_keeps_an_ambiguous_date_only_as_written(project: Path) -> None:
    (project / "audit.ja.txt").write_bytes(AUDIT.encode())
    result = run(
        project,
        *("source", "add", "audit.ja.txt", "--title", "監査", "--lang", "ja"),
        *("--published", "02/01/2029"),
    )
    assert result.exit_code == 0, result.output
    record = (project / "graph/source-audit.ttl").read_text(encoding="utf-8")
    assert 'kgo:statedDate "02/01/2029"' in record and "xsd:date" not in record


@pytest.mark.parametrize(
    ("name", "content", "args", "error"),
    [
        (
            "copy.txt",
            "見出し\nミナト1の学習コストは約120万米ドルでした。これは安いです。\n"
            "免責事項:これは架空の例です。\nミナト1の学習コストは高いと言われます。\n",
            [],
            "Error: copy.txt: the same text is already registered as kgr:source-memo "
            "(graph/sources/memo.ja.txt) (hint: nothing to add; quote the registered source)\n",
        ),
        (
            "memo.txt",
            "別の本文。\n",
            [],
            "Error: memo.txt: kgr:source-memo is already registered (sources/memo.ja.txt) "
            "(hint: rename the file to give the source another name)\n",
        ),
        ("bin.txt", b"\x00", [], "Error: bin.txt:1: is a binary file"),
        ("bad.txt", b"ok\n\xe3\x81", [], "Error: bad.txt:2:1: is not valid UTF-8 (byte 0xe3)"),
        ("empty.txt", "\n\n", [], "Error: empty.txt: the text is empty"),
        ("gone.txt", None, [], "Error: gone.txt: no such file (hint: check the path)\n"),
        (
            "new.txt",
            "本文。",
            ["--publisher", "Nobody"],
            "Error: no entity is labelled 'Nobody' among kgo:Organization entities",
        ),
        ("new.txt", "本文。", ["--published", " "], "Error: --published is empty"),
        ("ボ.txt", "本文。", [], "Error: ボ.txt: cannot make an IRI from the file name 'ボ.txt'"),
        (
            "new.txt",
            "本文。",
            ["--url", 'https://x.org/"a b'],
            "Error: --url 'https://x.org/\"a b' is not an http(s) URL",
        ),
        (
            "new.txt",
            "本文。",
            ["--endpoint", "http://127.0.0.1:9/sparql"],
            "Error: source add writes the local graph/ folder; --endpoint does not apply",
        ),
    ],
    ids=[
        "same-text",
        "same-name",
        "binary",
        "invalid-utf8",
        "empty",
        "missing",
        "unknown-publisher",
        "empty-date",
        "no-name",
        "bad-url",
        "endpoint",
    ],
)
def test_source_add_refuses_bad_input_and_writes_nothing(
    project: Path, name: str, content: str | bytes | None, args: list[str], error: str
) -> None:
    if content is not None:
        data = content.encode() if isinstance(content, str) else content
        (project / name).write_bytes(data)
    before = snapshot(project)
    result = run(project, "source", "add", name, "--title", "T", "--lang", "ja", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(error)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert snapshot(project) == before


def test_source_add_removes_both_files_when_the_record_does_not_validate(project: Path) -> None:
    (project / "audit.ja.txt").write_text(AUDIT, encoding="utf-8")
    shutil.rmtree(project / "graph/sources")  # the folder it creates goes too
    before = snapshot(project)
    refused = Finding("graph/source-audit.ttl", 10, 1, Severity.ERROR, Check.SHACL, "bad record")

    def failing(_project: object, turtle: Path) -> list[Finding]:
        assert turtle.is_file() and (project / "graph/sources/audit.ja.txt").is_file()
        return [refused]

    root = find_project(project)
    from kgtool.engines import OxigraphEngine

    engine = OxigraphEngine.from_files(root.data_files)
    with pytest.raises(DataError) as error:
        add_source(root, engine, project / "audit.ja.txt", title="T", lang="ja", validate=failing)
    assert str(error.value) == (
        "graph/source-audit.ttl:10:1: the new record does not validate: bad record "
        "(hint: fix the options given (nothing was added))"
    )
    assert snapshot(project) == before


# --------------------------------------------------------------------------------------------
# validate: selector and source-hash
# --------------------------------------------------------------------------------------------


def findings_of(root: Path, check: Check) -> list[str]:
    return [f.format() for f in validate(find_project(root)).findings if f.check is check]


def test_fixture_selectors_agree(project: Path) -> None:
    assert findings_of(project, Check.SELECTOR) == []
    assert findings_of(project, Check.SOURCE_HASH) == []


def test_selector_check_names_a_position_that_does_not_hold_the_exact_text(
    project: Path,
) -> None:
    memo = project / "graph/memo.ttl"
    memo.write_text(
        memo.read_text(encoding="utf-8").replace('"9"^^xsd:non', '"8"^^xsd:non'), encoding="utf-8"
    )
    assert findings_of(project, Check.SELECTOR) == [
        "graph/memo.ttl:50:1: error: kgr:passage-cost oa:start 8 oa:end 23 select "
        "'の学習コストは約120万米ドル', not the oa:exact '学習コストは約120万米ドル'; the exact text is "
        "now at graph/sources/memo.ja.txt:2:6 (hint: re-create the selectors with kgtool quote)"
    ]


def test_selector_check_names_a_wrong_prefix(project: Path) -> None:
    memo = project / "graph/memo.ttl"
    memo.write_text(
        memo.read_text(encoding="utf-8").replace(
            'oa:exact "学習コストは約120万米ドル"@ja',
            'oa:exact "学習コストは約120万米ドル"@ja ; oa:prefix "X"@ja',
        ),
        encoding="utf-8",
    )
    assert findings_of(project, Check.SELECTOR) == [
        "graph/memo.ttl:50:1: error: kgr:passage-cost oa:prefix 'X' is not the text before the "
        "quote; the exact text is now at graph/sources/memo.ja.txt:2:6 "
        "(hint: re-create the selectors with kgtool quote)"
    ]


def test_changed_text_names_each_passage_that_stopped_matching_and_where_it_went(
    project: Path,
) -> None:
    (project / MEMO).write_text(
        "新しい見出し\n見出し\nミナト1の学習コストは約120万米ドルでした。これは安いです。\n",
        encoding="utf-8",
    )
    sha = hashlib.sha256((project / MEMO).read_bytes()).hexdigest()
    assert findings_of(project, Check.SOURCE_HASH) == [
        "graph/memo.ttl:50:1: error: kgr:passage-cost stopped matching sources/memo.ja.txt (its "
        "text changed since kgo:textSha256 was recorded); the exact text is now at "
        "graph/sources/memo.ja.txt:3:6 (hint: re-quote the passage with kgtool quote, then record "
        "the new hash)",
        "graph/memo.ttl:63:1: error: kgr:passage-disclaimer stopped matching sources/memo.ja.txt "
        "(its text changed since kgo:textSha256 was recorded); the exact text is no longer in the "
        "source, nor anything close to it (hint: re-quote the passage with kgtool quote, then "
        "record the new hash)",
        "graph/memo.ttl:73:1: error: kgr:source-memo text sources/memo.ja.txt changed since "
        "kgo:textSha256 was recorded (2 passages stopped matching) (hint: record the new hash: "
        f'kgo:textSha256 "{sha}")',
    ]
    assert findings_of(project, Check.SELECTOR) == []  # left to source-hash


def test_changed_text_names_the_closest_match_of_an_edited_passage(project: Path) -> None:
    (project / MEMO).write_text(
        (project / MEMO).read_text(encoding="utf-8").replace("約120万", "約130万"),
        encoding="utf-8",
    )
    (finding, _) = findings_of(project, Check.SOURCE_HASH)
    assert "no longer in the source; closest match at graph/sources/memo.ja.txt:2:6 " in finding


def test_changed_text_where_every_passage_still_matches_is_a_warning(project: Path) -> None:
    (project / MEMO).write_text(
        (project / MEMO).read_text(encoding="utf-8") + "追記。\n", encoding="utf-8"
    )
    found = [f for f in validate(find_project(project)).findings if f.check is Check.SOURCE_HASH]
    assert [(f.severity, f.focus) for f in found] == [(Severity.WARNING, "kgr:source-memo")]
