"""kgtool.yaml_subset reads saved-query headers exactly as PyYAML does: the same nodes (tag, value,
start line and column), the same data, and PyYAML's own errors for what it refuses.

The reference is PyYAML's loader as kgtool used it (libyaml's when installed) and, for every
text the subset reads itself, PyYAML's pure-Python loader too."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from kgtool.yaml_subset import Unsupported, YAMLHeaderError, compose_and_load, read_subset

REPO = Path(__file__).resolve().parent.parent
LOADERS = [getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader]


def header(path: Path) -> str:
    """The YAML of a query file's leading ``#+`` lines, as kgtool.queries gathers it."""
    lines = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("#+"):
            lines.append(line[2:])
        elif line.strip() and not line.startswith("#"):
            break
    indent = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines)


SHIPPED = {path.stem: header(path) for path in sorted((REPO / "queries").glob("*.rq"))}


def shape(node: Any) -> Any:
    """A node as plain data: tag, scalar text or children, start line and column."""
    if node is None:
        return None
    if node.tag.endswith(":map"):
        value: Any = [(shape(key), shape(item)) for key, item in node.value]
    elif node.tag.endswith(":seq"):
        value = [shape(item) for item in node.value]
    else:
        value = node.value
    return (node.tag, value, node.start_mark.line, node.start_mark.column)


def by_pyyaml(text: str, loader: Any = LOADERS[0]) -> tuple[Any, ...]:
    """What PyYAML gives: the node shape and the data's repr (which tells True from 1), or the
    error's type, words and position."""
    try:
        root = yaml.compose(text, Loader=loader)
        data = None if root is None else yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError) as error:
        return ("error", *described(error))
    return ("ok", shape(root), repr(data))


def described(error: Exception) -> tuple[Any, ...]:
    mark = getattr(error, "problem_mark", None)
    return type(error), str(error), mark and (mark.line, mark.column)


def by_kgtool(text: str) -> tuple[Any, ...]:
    try:
        root, data = compose_and_load(text)
    except YAMLHeaderError as error:
        return ("error", *described(error.error))
    return ("ok", shape(root), repr(data))


def in_subset(text: str) -> bool:
    try:
        read_subset(text)
    except Unsupported:
        return False
    return True


def assert_same(text: str) -> bool:
    """kgtool reads ``text`` as PyYAML does; whether the subset reader read it itself."""
    assert by_kgtool(text) == by_pyyaml(text), text
    native = in_subset(text)
    if native:  # the subset keeps clear of where libyaml and PyYAML's own reader differ
        assert by_pyyaml(text, LOADERS[1]) == by_pyyaml(text), text
    return native


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_header_is_read_without_pyyaml_as_pyyaml_reads_it(name: str) -> None:
    assert assert_same(SHIPPED[name])


#: Texts the subset reads itself.
INSIDE = [
    "a:\nb: x",
    "a:  # comment\nb: 1",
    "a: [x, kgo:Y, 'z''s']\nb: {class: kgo:A, description: the company to look at}",
    "a: >-\n  one\n  two\n\n  three\nb: x",
    "a: >\n  x\n  y\n\n\n",
    "a: >\n  x",
    "a: |\n  one\n    two\n\n  three\n",
    "a: |-\n  x\n",
    "a: >-\n  x\n  # not a comment\nb: y",
    "a: >-\n  x\n# a comment\nb: y",
    "a: >- # comment\n  x",
    "a: >-\n  x\n\n  \n  y",
    "s:\n  - actor: kgr:X\n  - q: [a, b]",
    "s:\n  -\n  - b\n  - # comment\n  - 'q'",
    "s:\n  - a: x\n    b: y\n  - c",
    "s:\n  - a:\n      b: c",
    "s:\n  -   k: v\n      j: w",
    "s:\n  - a\n  -",
    "a: x\n  y\n",
    "a: x\n  y\n  # comment\nb: z",
    "a: yes\nb: No\nc: ~\nd: null\ne: 0\ng: +3\nh: -5\ni: TRUE\nj: off",
    "a: 2024 costs\nb: 12 models",
    "a: []\nb: {}\nc: [ ]\nd: { }",
    "a: [ x ,  y ]  # comment",
    "a: [~, null, yes, 3, 'q', \"r\"]",
    "a: {k: v, k: w}\na: 2",
    "a: \"it's\"\nb: 'it''s'\nc: ''",
    "a: C#\nb: x#y\nc: b?c\nd: -x",
    "a: 日本語 (テスト)\nb: [半導体, 米国]",
    "a: x\u00a0y\u3000z",  # spaces Python does not call printable
    "  a: b\n  c: d",
    "a:\n  b:\n    c: d\n  e: f\ng: h",
    "a:\n  # comment\n  b: c",
    "a:  spaced   out  \nb: x  y  # comment",
    "# only comments\n\n# here",
    "a: y\nb:",
]

#: Texts left to PyYAML: beyond the subset, or not valid YAML.
OUTSIDE = [
    "a: 1.5",
    "a: 0x1F",
    "a: 012",
    "a: 1_000",
    "a: 1:20",
    "a: .inf",
    "a: 2024-01-02",
    "a: 2024-02-31",
    "a: 0x_",
    "a: &x 1\nb: *x",
    "a: !!str 1",
    "a: 'x\n  y'",
    "a: [x,\n  y]",
    'a: "x\\ty"',
    "a:\tx",
    "a: >+\n  x\n",
    "a: >2\n  x\n",
    "a: >-\n  x\n   y\n",
    "a: |\n\n  x",
    "a: x\n\n  y",
    "a: x: y",
    "a: x:",
    "a: -",
    "a: - x",
    "summary: x\n  b: c",
    "a:\n- x\n- y",
    "---\na: b",
    "a: b\n...",
    "a: [x, y,]",
    "a: [x, [y]]",
    "a: {k: [y]}",
    "a: [b?c]",
    "a: [k: v]",
    "a: {k:v}",
    "a: {k: }",
    "a: [x] y",
    "a: 'x' y",
    "a: 'x'#c",
    "a: x '  #|\n   c",
    "yes: 1",
    "<<: {b: c}",
    "a: <<",
    "a: =",
    "- a",
    "x",
    "a: b\nx",
    "a: b\n c: d",
    "a: x\u2028y",
    "a: x\x85y",
    "a: x\ry",
    "a: \x07",
    "a: \ufeffx",
    "a: @x",
    "a: `x",
    "a: %x",
    "a: ?x",
    "a: [unclosed",
    "s:\n  - a\n   - b",
    "s:\n  - a: x\n     y: z",
]


@pytest.mark.parametrize("text", INSIDE)
def test_the_subset_reads_these_as_pyyaml_does(text: str) -> None:
    assert assert_same(text)


@pytest.mark.parametrize("text", OUTSIDE)
def test_pyyaml_reads_these_and_its_errors_stay_its_own(text: str) -> None:
    assert not assert_same(text)


def mutated(rng: random.Random, text: str) -> str:
    """``text`` with a few YAML-significant characters put in, taken out or lines doubled."""
    pieces = [*" \n-:#'\"[]{},>|?&*!%~.019aenyT_\\", "  ", "\n  ", ": ", "- ", " #", "''"]
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(text))
        choice = rng.random()
        if choice < 0.5:
            text = text[:at] + rng.choice(pieces) + text[at:]
        elif choice < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3) :]
        else:
            lines = text.split("\n")
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
            text = "\n".join(lines)
    return text


def test_mutated_headers_read_as_pyyaml_reads_them() -> None:
    """Thousands of near-misses of real and tricky headers: whatever the subset reader accepts
    it reads as PyYAML does, and it accepts a good share of them (so they test it)."""
    rng = random.Random(13)
    seeds = [*SHIPPED.values(), *INSIDE, *OUTSIDE]
    native = sum(assert_same(mutated(rng, rng.choice(seeds))) for _ in range(3000))
    assert native > 300
