"""Plain-text tables aligned for a terminal, where East Asian wide characters take two columns.

:func:`format_table` is the table of ``kgtool query`` and the view analytics (a header, a rule of
dashes, the rows, a row count); :func:`align` lines up columns without a header (``stats``).
Cells must already be one line: :func:`escape_control` makes any text from the data safe to print.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence

# C0 and C1 controls and DEL: newlines would break a row, ESC/CSI sequences drive the terminal
# (clear the screen, set the window title), so data never reaches it raw.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape_control(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\n``, ``\\t``, ``\\r``, ``\\xNN``),
    so data printed to a terminal stays on its line and cannot drive the terminal.

    >>> escape_control("a\\nb\\x1b]0;title\\x07")
    'a\\\\nb\\\\x1b]0;title\\\\x07'
    """
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and fullwidth characters two, combining marks none.

    >>> display_width("AI 中国"), display_width("e\\u0301")
    (7, 1)
    """
    return sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
        for ch in text
    )


def align(
    rows: Sequence[Sequence[str]], *, right: Collection[int] = (), gap: str = "  "
) -> list[str]:
    """Each row as one line, its columns padded to the widest cell (trailing spaces stripped).

    :param right: indexes of the columns aligned to the right (numbers).

    >>> align([["12", "kgo:Actor", "アクター"], ["3", "kgo:Chip", "chip"]], right={0})
    ['12  kgo:Actor  アクター', ' 3  kgo:Chip   chip']
    """
    columns = max((len(row) for row in rows), default=0)
    widths = [
        max((display_width(row[i]) for row in rows if i < len(row)), default=0)
        for i in range(columns)
    ]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        lines.append(gap.join(cells).rstrip())
    return lines


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A header, a rule of dashes, the rows and ``(N rows)``, each line ending with a newline.

    >>> print(format_table(["name", "n"], [["中国", "2"]]), end="")
    name  n
    ----  -
    中国  2
    (1 row)
    """
    widths = [
        max([display_width(h), *(display_width(row[i]) for row in rows)])
        for i, h in enumerate(header)
    ]
    lines = align([list(header), ["-" * w for w in widths], *rows])
    count = len(rows)
    return "".join(line + "\n" for line in lines) + f"({count} row{'' if count == 1 else 's'})\n"


__all__ = ["align", "display_width", "escape_control", "format_table"]
