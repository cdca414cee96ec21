"""`kgtool coverage` and the sentence splitter (kgtool.coverage, kgtool.sentences).

Unit tests use tests/sources_fixture (four lines: a heading, a covered sentence, an uncovered
one, an excluded disclaimer, and an uncovered last line); the shipped article is checked in the
clearly named tests at the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import invoke_in, sources_project

from kgtool.cli import cli
from kgtool.coverage import Status, source_coverage
from kgtool.sentences import split_sentences
from kgtool.sources import Passage, Source, SourceText

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "graph/sources/pictet-digital-decoupling.ja.txt"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return sources_project(tmp_path)


run = invoke_in


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("一文目。二文目！三文目？", ["一文目。", "二文目！", "三文目？"]),
        ("彼は「来た。見た。」と言った。次。", ["彼は「来た。見た。」と言った。", "次。"]),
        ("価格は5.56ドル。(注:概算。)次。", ["価格は5.56ドル。", "(注:概算。)次。"]),
        ("見出し\n\n本文です。", ["見出し", "本文です。"]),
        ("1.分断された世界\n本文。", ["1.分断された世界", "本文。"]),
        (
            "Mr. Smith paid USD 5.56 million. The U.S. Government said no. It was fine.",
            ["Mr. Smith paid USD 5.56 million.", "The U.S. Government said no.", "It was fine."],
        ),
        ('He said "Stop." Then he left!', ['He said "Stop."', "Then he left!"]),
        ("See No. 5 here. Next.", ["See No. 5 here.", "Next."]),
        (
            "A long line that is\nwrapped here. Next one.",
            ["A long line that is\nwrapped here.", "Next one."],
        ),
    ],
    ids=[
        "ja-marks",
        "ja-quote-inside",
        "ja-decimal-and-parentheses",
        "heading-line",
        "list-item",
        "en-abbreviations",
        "en-quote",
        "en-number",
        "en-hard-wrap",
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    found = split_sentences(text)
    assert [s.text for s in found] == sentences
    assert all(text[s.start : s.end] == s.text for s in found)


def test_sentence_positions_count_what_the_file_holds() -> None:
    found = split_sentences("見出し\r\n一。二。\r\n")
    assert [(s.start, s.end, s.line, s.column) for s in found] == [
        (0, 3, 1, 1),
        (5, 7, 2, 1),
        (7, 9, 2, 3),
    ]


# --------------------------------------------------------------------------------------------
# Status of each sentence
# --------------------------------------------------------------------------------------------


def passage(exact: str, *, excluded: bool = False, derived: bool = True, **kw: int) -> Passage:
    return Passage(
        f"https://w3id.org/kgtool/resource/p-{exact}",
        "https://w3id.org/kgtool/resource/s",
        exact,
        None,
        None,
        kw.get("start"),
        kw.get("end"),
        excluded,
        derived,
    )


SOURCE = Source("https://w3id.org/kgtool/resource/s", "s.txt", "ja", None)


def statuses(text: str, passages: list[Passage]) -> list[str]:
    result = source_coverage(SOURCE, SourceText(Path("s.txt"), "s.txt", text, ""), passages)
    return [s.status.value for s in result.sentences]


def test_a_passage_inside_or_overlapping_a_sentence_covers_it() -> None:
    text = "一文目です。二文目です。三文目です。"
    assert statuses(text, [passage("文目です。二文")]) == ["covered", "covered", "uncovered"]


def test_quoted_share_counts_letters_not_punctuation() -> None:
    source = SourceText(Path("s.txt"), "s.txt", "一二三四、五六七八。", "")
    result = source_coverage(SOURCE, source, [passage("一二三四、五六")])
    assert [(s.status, s.quoted) for s in result.sentences] == [(Status.COVERED, 0.75)]
    result = source_coverage(SOURCE, source, [passage("一二三四、五六七八")])
    assert result.sentences[0].quoted == 1.0


def test_a_passage_no_claim_derives_from_covers_nothing() -> None:
    assert statuses("一文目。", [passage("一文目。", derived=False)]) == ["uncovered"]


def test_excluded_wins_over_covered() -> None:
    text = "一文目。"
    assert statuses(text, [passage("一文目。"), passage("一文目", excluded=True)]) == ["excluded"]


def test_position_selector_picks_the_occurrence() -> None:
    text = "同じ。同じ。"
    assert statuses(text, [passage("同じ。", start=3, end=6)]) == ["uncovered", "covered"]
    # A position that does not hold the exact text is ignored: every occurrence counts.
    assert statuses(text, [passage("同じ。", start=1, end=4)]) == ["covered", "covered"]


def test_passages_of_other_sources_do_not_count() -> None:
    other = Passage(
        "x", "https://w3id.org/kgtool/resource/t", "一。", None, None, None, None, False, True
    )
    assert statuses("一。", [other]) == ["uncovered"]


# --------------------------------------------------------------------------------------------
# kgtool coverage
# --------------------------------------------------------------------------------------------

REPORT = """\
graph/sources/memo.ja.txt:1:1: uncovered: sentence 1: 見出し
graph/sources/memo.ja.txt:2:24: uncovered: sentence 3: これは安いです。
graph/sources/memo.ja.txt:4:1: uncovered: sentence 5: ミナト1の学習コストは高いと言われます。
graph/sources/memo.ja.txt: 5 sentences, 1 covered, 1 excluded, 3 uncovered (40.0%)
"""


def test_coverage_lists_uncovered_sentences_with_their_place(project: Path) -> None:
    result = run(project, "coverage")
    assert (result.exit_code, result.stdout, result.stderr) == (0, REPORT, "")


def test_coverage_all_lists_every_sentence(project: Path) -> None:
    result = run(project, "coverage", "kgr:source-memo", "--all")
    assert result.stdout.splitlines()[1:4] == [
        # 14 of the sentence's 22 letters and digits are quoted: a clause may lack a claim.
        "graph/sources/memo.ja.txt:2:1: covered (64% quoted): sentence 2: "
        "ミナト1の学習コストは約120万米ドルでした。",
        "graph/sources/memo.ja.txt:2:24: uncovered: sentence 3: これは安いです。",
        "graph/sources/memo.ja.txt:3:1: excluded: sentence 4: 免責事項:これは架空の例です。",
    ]


def test_coverage_fail_under_exits_1(project: Path) -> None:
    result = run(project, "coverage", "graph/sources/memo.ja.txt", "--fail-under", "50")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        REPORT,
        "coverage 40.0% is under --fail-under 50\n",
    )
    assert run(project, "coverage", "--fail-under", "40").exit_code == 0


def test_coverage_json(project: Path) -> None:
    result = run(project, "coverage", "--format", "json")
    data = json.loads(result.stdout)
    assert data["percent"] == 40.0
    (memo,) = data["sources"]
    assert {k: memo[k] for k in ("source", "file", "sentences", "covered", "excluded")} == {
        "source": "kgr:source-memo",
        "file": "graph/sources/memo.ja.txt",
        "sentences": 5,
        "covered": 1,
        "excluded": 1,
    }
    assert memo["details"][3] == {
        "number": 4,
        "line": 3,
        "column": 1,
        "status": "excluded",
        "passages": ["kgr:passage-disclaimer"],
        "quoted": 1.0,
        "text": "免責事項:これは架空の例です。",
    }


@pytest.mark.parametrize(
    ("setup", "args", "error"),
    [
        (
            None,
            ["kgr:unknown"],
            "Error: kgr:unknown is not a registered source (registered: kgr:source-memo)",
        ),
        (
            "binary",
            [],
            "Error: graph/sources/memo.ja.txt:1: is a binary file (it holds a NUL byte), not a text",
        ),
        ("invalid", [], "Error: graph/sources/memo.ja.txt:1:3: is not valid UTF-8 (byte 0xff)"),
        ("empty", [], "Error: graph/sources/memo.ja.txt: the text is empty"),
        ("missing", [], "Error: graph/sources/memo.ja.txt: no such file"),
        (
            "unregistered",
            [],
            "Error: no source is registered (no kgo:localText in the graph) "
            "(hint: register one with kgtool source add FILE)",
        ),
    ],
    ids=["unknown-source", "binary", "invalid-utf8", "empty", "missing", "none-registered"],
)
def test_coverage_bad_input_is_one_line_exit_2(
    project: Path, setup: str | None, args: list[str], error: str
) -> None:
    memo = project / "graph/sources/memo.ja.txt"
    if setup == "binary":
        memo.write_bytes(b"\x00")
    elif setup == "invalid":
        memo.write_bytes(b"ab\xff")
    elif setup == "empty":
        memo.write_bytes(b"")
    elif setup == "missing":
        memo.unlink()
    elif setup == "unregistered":
        ttl = project / "graph/memo.ttl"
        ttl.write_text(ttl.read_text(encoding="utf-8").replace("kgo:localText", "rdfs:comment"))
    result = run(project, "coverage", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(error)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_coverage_counts_crlf_texts_exactly(project: Path) -> None:
    memo = project / "graph/sources/memo.ja.txt"
    memo.write_bytes(memo.read_bytes().replace(b"\n", b"\r\n"))
    result = run(project, "coverage", "--all")
    # The position selector (9-23) no longer holds the quote, so the exact text is searched.
    assert "graph/sources/memo.ja.txt:2:1: covered (64% quoted): sentence 2" in result.stdout
    assert result.stdout.endswith("5 sentences, 1 covered, 1 excluded, 3 uncovered (40.0%)\n")


# --------------------------------------------------------------------------------------------
# The shipped article
# --------------------------------------------------------------------------------------------


def test_article_splits_into_its_sentences() -> None:
    text = (REPO / ARTICLE).read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) == 106
    assert sentences[16].text == "この変化する状況の中心にあるのはリソースの問題です。"
    assert (sentences[16].line, sentences[16].column) == (29, 1)
    assert sentences[43].text == "出所:Pictet Wealth Management,"


def test_every_sentence_of_the_article_is_covered_or_excluded() -> None:
    # The CI gate of issue 11: kgtool coverage --fail-under 100 on the shipped article.
    result = CliRunner().invoke(
        cli, ["coverage", ARTICLE, "--root", str(REPO), "--fail-under", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "0 uncovered (100.0%)" in result.output


def test_article_coverage_json_accounts_for_every_sentence() -> None:
    result = CliRunner().invoke(cli, ["coverage", ARTICLE, "--root", str(REPO), "--format", "json"])
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)["sources"]
    assert (article["sentences"], article["uncovered"]) == (106, 0)
    assert article["covered"] + article["excluded"] == 106
    excluded = {d["text"] for d in article["details"] if d["status"] == "excluded"}
    assert {"Share", "LinkedIn", "関連記事"} <= excluded
