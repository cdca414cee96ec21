"""The YAML of saved-query headers, read without PyYAML when it keeps to a small subset.

Importing PyYAML costs more than the rest of ``kgtool query`` (its reader compiles a large
regular expression, and its package imports the emitter and dumper too). The ``#+`` headers of
saved queries use little of YAML: block mappings and sequences, plain and quoted one-line
scalars, ``>``/``|`` block scalars (``-`` chomping allowed), and one-line flow lists and
mappings of scalars. :func:`compose_and_load` reads that subset itself and gives what PyYAML's
``compose`` and ``load`` give: nodes with the same tags, values and start positions, and the
same data. Anything else (anchors, tags, multi-line flow collections, escapes, numbers other
than decimal integers, tabs, …) goes to PyYAML unchanged, and so does every malformed header:
its error is PyYAML's, with PyYAML's position. tests/test_yaml_subset.py checks the two readers
agree on every shipped header and many tricky ones.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"


if TYPE_CHECKING:  # protocols cost start-up time to create; only type checkers need them
    from typing import Protocol

    class MarkLike(Protocol):
        @property
        def line(self) -> int: ...
        @property
        def column(self) -> int: ...

    class NodeLike(Protocol):
        """What :func:`compose_and_load` gives: one of its own :class:`Node` or a PyYAML node."""

        @property
        def tag(self) -> str: ...
        @property
        def value(self) -> Any: ...
        @property
        def start_mark(self) -> MarkLike: ...


# Plain classes, not dataclasses: a dataclass costs more to create than this whole module.
class Mark:
    """A 0-based position in the YAML text, as PyYAML's ``Mark`` gives it."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column

    def __repr__(self) -> str:
        return f"Mark(line={self.line}, column={self.column})"


class Node:
    """A node as PyYAML composes it: a scalar's text, a sequence's nodes or a mapping's pairs."""

    __slots__ = ("tag", "value", "start_mark")

    def __init__(self, tag: str, value: Any, start_mark: Mark) -> None:
        self.tag, self.value, self.start_mark = tag, value, start_mark


class Unsupported(Exception):
    """The text leaves the subset: PyYAML reads it."""


class YAMLHeaderError(Exception):
    """PyYAML refused the text; :attr:`error` is its exception (with its position)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def compose_and_load(text: str) -> tuple[NodeLike | None, Any]:
    """The root node of ``text`` and its data, as PyYAML's ``compose`` and ``load`` give them
    (``(None, None)`` for a text of comments and blank lines only).

    >>> root, data = compose_and_load("summary: Costs\\ntags: [costs, models]")
    >>> data, root.value[1][1].start_mark
    ({'summary': 'Costs', 'tags': ['costs', 'models']}, Mark(line=1, column=6))

    :raises YAMLHeaderError: when PyYAML refuses the text.
    """
    try:
        root = read_subset(text)
    except Unsupported:
        return _pyyaml(text)
    return root, None if root is None else construct(root)


def read_subset(text: str) -> Node | None:
    """The root node of ``text`` (a mapping; None when there is no content), read by the
    subset's own reader.

    :raises Unsupported: when the text leaves the subset (or is not valid YAML).
    """
    return _Reader(text).read()


def construct(node: Node) -> Any:
    """The Python value of a node, as PyYAML's safe loader builds it."""
    if node.tag == MAP:
        return {construct(key): construct(value) for key, value in node.value}
    if node.tag == SEQ:
        return [construct(item) for item in node.value]
    if node.tag == INT:
        return int(node.value)
    if node.tag == BOOL:
        return _BOOLS[node.value.lower()]
    if node.tag == NULL:
        return None
    return node.value


def _pyyaml(text: str) -> tuple[NodeLike | None, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
        return root, None if root is None else yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date or number out of range
        raise YAMLHeaderError(error) from None


# PyYAML's implicit resolvers for plain scalars (yaml/resolver.py). The number patterns are
# compiled on first use (by re's cache): the shipped headers never need them.
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_BOOL_WORDS = frozenset(w for word in _BOOLS for w in (word, word.title(), word.upper()))
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))
_FLOAT = r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)"""
_INT = r"""[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"""
#: Wider than PyYAML's timestamp (which the subset leaves to PyYAML anyway).
_TIMESTAMP = r"[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt ].*)?"
_DECIMAL = r"[-+]?(?:0|[1-9][0-9]*)"
#: Characters the subset leaves to PyYAML: tabs, line breaks other than \n (YAML 1.1 has five),
#: a byte-order mark, and everything PyYAML's reader refuses as non-printable. All are outside
#: Python's printable characters, the quick test tried first. (Written as the few ranges left
#: out: PyYAML's own class of printable ranges takes milliseconds to compile.)
_OUTSIDE = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)")
#: Characters that cannot start a plain scalar here (YAML indicators; some could, with care).
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_FLOW_PLAIN = re.compile(r"[^,\[\]{}]*")
#: In a flow collection: a comment, '?' (which libyaml and PyYAML's Python reader read
#: differently) or a mapping indicator.
_FLOW_PLAIN_OUTSIDE = re.compile(r"[#?]|:(?: |$)")


def _resolve(text: str) -> str:
    """The tag PyYAML resolves a plain scalar to, within the subset (decimal integers only)."""
    if text in _NULL_WORDS:
        return NULL
    if text in _BOOL_WORDS:
        return BOOL
    if text[0] in "-+.0123456789" and any(
        re.fullmatch(pattern, text, re.X) for pattern in (_FLOAT, _INT, _TIMESTAMP)
    ):
        if re.fullmatch(_DECIMAL, text):
            return INT
        raise Unsupported  # floats, octal, hexadecimal, sexagesimal, dates: PyYAML builds them
    if text in ("<<", "="):
        raise Unsupported
    return STR


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Reader:
    """Reads the subset line by line; raises :class:`Unsupported` at anything else."""

    def __init__(self, text: str) -> None:
        if not text.replace("\n", "").isprintable() and re.search(_OUTSIDE, text):
            raise Unsupported
        self.lines = text.split("\n")
        self.row = 0

    def read(self) -> Node | None:
        self._skip_comments()
        if self.row == len(self.lines):
            return None
        line = self.lines[self.row]
        if line.startswith(("---", "...")):
            raise Unsupported  # document markers
        root = self._block(_indent(line))
        self._skip_comments()
        if root.tag != MAP or self.row != len(self.lines):
            raise Unsupported
        return root

    def _skip_comments(self) -> None:
        """Past blank lines and comment lines."""
        while self.row < len(self.lines) and self.lines[self.row].lstrip(" ")[:1] in ("", "#"):
            self.row += 1

    def _block(self, indent: int) -> Node:
        """The block mapping or sequence whose first line (the current one) is at ``indent``."""
        text = self.lines[self.row][indent:]
        if text == "-" or text.startswith("- "):
            return self._sequence(indent)
        return self._mapping(indent)

    def _at(self, indent: int) -> bool:
        """Whether the next content line continues a block at ``indent``."""
        self._skip_comments()
        if self.row == len(self.lines):
            return False
        found = _indent(self.lines[self.row])
        if found > indent:
            raise Unsupported  # over-indented: a YAML error or a continuation PyYAML reads
        return found == indent

    def _mapping(self, indent: int, column: int | None = None) -> Node:
        """A block mapping at ``indent``; its first key may start further right (``- key: v``)."""
        pairs: list[tuple[Node, Node]] = []
        start = Mark(self.row, indent if column is None else column)
        first = column
        while first is not None or self._at(indent):
            at = indent if first is None else first
            key = _KEY.match(self.lines[self.row], at)
            if key is None or _resolve(key.group(1)) != STR:
                raise Unsupported
            pairs.append(
                (
                    Node(STR, key.group(1), Mark(self.row, at)),
                    self._value(key.end(), indent, key.start() + len(key.group(1)) + 1),
                )
            )
            first = None
        return Node(MAP, pairs, start)

    def _sequence(self, indent: int) -> Node:
        items: list[Node] = []
        start = Mark(self.row, indent)
        while self._at(indent):
            line = self.lines[self.row]
            if not (line[indent:] == "-" or line[indent:].startswith("- ")):
                raise Unsupported
            column = indent + 1 + _indent(line[indent + 1 :])
            if _KEY.match(line, column):
                items.append(self._mapping(column, column))
            else:
                items.append(self._value(column, indent, indent + 1, in_sequence=True))
        return Node(SEQ, items, start)

    def _value(self, column: int, indent: int, empty: int, in_sequence: bool = False) -> Node:
        """The value starting at ``column`` of the current line, in a block at ``indent``
        (``empty``: where the null of a missing value sits). Leaves the line after it current."""
        row, line = self.row, self.lines[self.row]
        text = line[column:]
        mark = Mark(row, column)
        if text[:1] in ("", "#"):
            self.row += 1
            self._skip_comments()
            if self.row < len(self.lines):
                below = _indent(self.lines[self.row])
                if below > indent:
                    return self._block(below)
                rest = self.lines[self.row][below:]
                if below == indent and not in_sequence and (rest == "-" or rest.startswith("- ")):
                    raise Unsupported  # a sequence not indented under its key
            return Node(NULL, "", Mark(row, empty))
        if text[0] in ">|":
            return self._block_scalar(text, mark, indent)
        if text[0] in "[{":
            node, end = self._flow_collection(line, column)
        elif text[0] in "'\"":
            node, end = self._quoted(line, column)
        elif text[0] in _INDICATORS and not (text[0] == "-" and text[1:2] not in ("", " ")):
            raise Unsupported  # '-x' is plain (a negative number, say); '- x' is not
        else:
            return self._plain(text, mark, indent)
        tail = line[end:]
        if tail.strip(" ") and not (tail[0] == " " and tail.lstrip(" ")[0] == "#"):
            raise Unsupported
        self.row += 1
        return node

    def _plain(self, text: str, mark: Mark, indent: int) -> Node:
        """A plain scalar, folded over the more-indented lines that continue it (up to a
        comment, which ends it)."""
        words = [self._plain_line(text)]
        self.row += 1
        while " #" not in text and self.row < len(self.lines):
            line = self.lines[self.row]
            if _indent(line) <= indent or line.lstrip(" ")[:1] == "#":
                break
            if not line.strip(" "):
                self._skip_comments()
                if self.row < len(self.lines) and _indent(self.lines[self.row]) > indent:
                    raise Unsupported  # a blank line inside the scalar folds to a line break
                break
            text = line.lstrip(" ")
            if text[0] in _INDICATORS:
                raise Unsupported
            words.append(self._plain_line(text))
            self.row += 1
        value = " ".join(words)
        return Node(_resolve(value), value, mark)

    @staticmethod
    def _plain_line(text: str) -> str:
        """One line's part of a plain scalar: up to a comment, trailing spaces dropped."""
        cut = text.find(" #")
        text = (text if cut < 0 else text[:cut]).rstrip(" ")
        if ": " in text or text.endswith(":"):
            raise Unsupported  # a mapping where none may start: PyYAML says so
        return text

    def _block_scalar(self, text: str, mark: Mark, indent: int) -> Node:
        """``>`` / ``|`` with clip or ``-`` chomping, content lines at one indentation."""
        folded, strip = text[0] == ">", text[1:2] == "-"
        after = text[1 + strip :]
        if after.strip(" ") and not (after[0] == " " and after.lstrip(" ")[0] == "#"):
            raise Unsupported  # keep chomping (+), an explicit indentation, or bad YAML
        self.row += 1
        first = self.lines[self.row] if self.row < len(self.lines) else ""
        if _indent(first) <= indent or not first.strip(" "):
            raise Unsupported  # empty, or starting with a blank line
        width = _indent(self.lines[self.row])
        parts: list[str] = []
        blanks = 0
        last = self.row
        while self.row < len(self.lines):
            line = self.lines[self.row]
            if not line.strip(" "):
                if len(line) > width:
                    raise Unsupported  # spaces past the indentation are content
                blanks += 1
            elif _indent(line) < width:
                break
            else:
                if _indent(line) > width and folded:
                    raise Unsupported  # more-indented lines fold differently
                if parts:
                    parts.append(("\n" * blanks or " ") if folded else "\n" * (blanks + 1))
                parts.append(line[width:])
                blanks = 0
                last = self.row
            self.row += 1
        # Clip chomping keeps the last line's break: none when the text ends on that line.
        value = "".join(parts) + ("" if strip or last == len(self.lines) - 1 else "\n")
        return Node(STR, value, mark)

    def _quoted(self, line: str, column: int) -> tuple[Node, int]:
        """A one-line quoted scalar: ``'…'`` with ``''`` for a quote, or ``"…"`` without escapes."""
        quote = line[column]
        found = (_SINGLE_QUOTED if quote == "'" else _DOUBLE_QUOTED).match(line, column)
        if found is None:
            raise Unsupported  # multi-line, or escapes
        value = found.group(1).replace("''", "'") if quote == "'" else found.group(1)
        return Node(STR, value, Mark(self.row, column)), found.end()

    def _flow_collection(self, line: str, column: int) -> tuple[Node, int]:
        """A one-line ``[scalar, …]`` or ``{key: scalar, …}``."""
        mapping = line[column] == "{"
        close = "}" if mapping else "]"
        items: list[Any] = []
        at = self._skip_spaces(line, column + 1)
        if line[at : at + 1] == close:
            return Node(MAP if mapping else SEQ, items, Mark(self.row, column)), at + 1
        while True:
            if mapping:
                key = _KEY.match(line, at)
                if key is None or key.end() == len(line) or _resolve(key.group(1)) != STR:
                    raise Unsupported
                key_node = Node(STR, key.group(1), Mark(self.row, at))
                value, at = self._flow_scalar(line, key.end(), close)
                items.append((key_node, value))
            else:
                value, at = self._flow_scalar(line, at, close)
                items.append(value)
            at = self._skip_spaces(line, at)
            if line[at : at + 1] == close:
                return Node(MAP if mapping else SEQ, items, Mark(self.row, column)), at + 1
            if line[at : at + 1] != ",":
                raise Unsupported
            at = self._skip_spaces(line, at + 1)
            if line[at : at + 1] in ("", close):
                raise Unsupported  # a trailing comma, or the line ends

    def _flow_scalar(self, line: str, at: int, close: str) -> tuple[Node, int]:
        """A quoted or plain scalar inside a flow collection; the position after it."""
        if line[at : at + 1] in ("'", '"'):
            return self._quoted(line, at)
        found = _FLOW_PLAIN.match(line, at)
        assert found is not None  # the pattern matches the empty string
        text = found.group().rstrip(" ")
        if (
            not text
            or text[0] in _INDICATORS
            or _FLOW_PLAIN_OUTSIDE.search(text)
            or line[found.end() : found.end() + 1] not in (",", close)
        ):
            raise Unsupported  # empty, a comment, '?' (read differently by libyaml), nesting
        return Node(_resolve(text), text, Mark(self.row, at)), at + len(text)

    @staticmethod
    def _skip_spaces(line: str, at: int) -> int:
        while line[at : at + 1] == " ":
            at += 1
        return at
