"""Splitting a source text into sentences, with their exact positions.

Positions are offsets in code points of the text exactly as held (a CRLF counts as two), so a
sentence's ``start``/``end`` can be compared with a passage's ``oa:TextPositionSelector``.

The rule: every non-empty line starts a segment (headings, list items, chart captions and page
furniture stand alone) unless it begins with a lower-case latin letter (hard-wrapped English
continues); inside a line a sentence ends after ``。．！？!?`` (and ``.`` followed by a space and a
capital letter, for English), unless the mark is inside brackets (「…。」 stays one sentence with
its sentence), and closing brackets and quotes right after the mark stay with it.

Why no library: on the shipped article, pysbd 0.3.4 (``language="ja"``) and
ja-sentence-segmenter 0.3.0 (newline + 。!? splitter) give the same 106 sentences as this rule;
on probes pysbd cuts 「(注:概算。)」 inside the parentheses and ja-sentence-segmenter does not
split English at all, while this rule handles both and keeps exact offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Closing marks that belong to the sentence they follow.
_CLOSERS = "」』）)】〕\"'”’"
_OPENERS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〔": "〕", "“": "”"}
_JA_END = "。．！？!?"
# English: a full stop, then white space and an upper-case letter or a digit; not after a
# one-letter initial or a common abbreviation.
_EN_BREAK = re.compile(r"(?<=[.!?])[\"')\]”’]*\s+(?=[A-Z0-9“\"'(])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e inc ltd co corp fig u.s u.k p.m a.m".split()
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its 1-based number, offsets ``[start, end)`` and where it begins.

    :param text: the sentence without surrounding white space.
    """

    number: int
    start: int
    end: int
    line: int
    column: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each at its exact offsets.

    >>> [s.text for s in split_sentences("見出し\\n彼は「来た。」と言った。次です。\\r\\nAnd one. Two.")]
    ['見出し', '彼は「来た。」と言った。', '次です。', 'And one.', 'Two.']
    >>> split_sentences("A\\r\\nB")[1].start
    3
    >>> [s.text for s in split_sentences("It is a long\\nline. Next one.")]
    ['It is a long\\nline.', 'Next one.']
    """
    spans: list[tuple[int, int]] = []
    for block_start, block in _blocks(text):
        spans.extend((block_start + start, block_start + end) for start, end in _split_line(block))
    sentences = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line_index = 0
    for number, (start, end) in enumerate(spans, start=1):
        while line_index + 1 < len(line_starts) and line_starts[line_index + 1] <= start:
            line_index += 1
        sentences.append(
            Sentence(
                number,
                start,
                end,
                line_index + 1,
                start - line_starts[line_index] + 1,
                text[start:end],
            )
        )
    return sentences


def _blocks(text: str) -> list[tuple[int, str]]:
    """Lines with their offsets; a line starting with a lower-case latin letter continues the
    one before (hard-wrapped English), every other line starts a new block."""
    blocks: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if blocks and re.match(r"\s*[a-z]", line) and blocks[-1][1].strip():
            start, previous = blocks[-1]
            blocks[-1] = (start, previous + "\n" + line)
        else:
            blocks.append((offset, line))
        offset += len(line) + 1
    return blocks


def _split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line, trimmed of white space."""
    cuts = [0]
    expected: list[str] = []  # closing brackets still open
    index = 0
    while index < len(line):
        char = line[index]
        if char in _OPENERS:
            expected.append(_OPENERS[char])
        elif expected and char == expected[-1]:
            expected.pop()
        elif char in _JA_END and not expected:
            end = index + 1
            while end < len(line) and (line[end] in _CLOSERS or line[end] in _JA_END):
                end += 1
            cuts.append(end)
            index = end
            continue
        index += 1
    for match in _EN_BREAK.finditer(line):
        word = line[: match.start()].rsplit(None, 1)[-1].rstrip(".!?\"')]”’").lower()
        numbered = word == "no" and line[match.end() : match.end() + 1].isdigit()  # "No. 5"
        if len(word) > 1 and word not in _ABBREVIATIONS and not numbered:
            cuts.append(match.end())
    cuts = sorted(set(cuts)) + [len(line)]
    spans = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = line[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
    return spans
