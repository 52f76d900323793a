"""Plain-text tables for the terminal: columns padded to their widest cell, every cell escaped
(`printable`: a newline shows as \\n, one row stays one row), fitted to the width.

Nothing is cut. When the table is wider than ``width`` (the terminal's, or `COLUMNS`), the widest columns
are narrowed and their cells wrapped onto continuation lines; piped output (no width) keeps every cell on
one line at its full length, for grep and scripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from profilegen.printable import is_safe, printable

_GAP = 2
_MIN_COLUMN = 8
_WORD_CAP = 32


def _fit(natural: list[int], floors: list[int], width: int) -> list[int]:
    """Column widths summing (with gaps) to at most ``width``: narrow the widest column, one step at a time,
    never below its floor."""
    widths = list(natural)
    budget = width - _GAP * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break  # as narrow as it goes: the terminal is narrower than the headers
        widths[widest] -= 1
    return widths


def _wrapped(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    import textwrap  # only for tables wider than the terminal

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None,
          fit: bool = True) -> str:
    """The table as text. ``width``: the width to fit (default: the terminal's, none when piped)."""
    return "\n".join(table_lines(headers, rows, width=width, fit=fit))


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None,
                fit: bool = True) -> list[str]:
    """The lines of ``table``: a caller printing 100,000 rows writes them out without joining them all."""
    escaped: list[Sequence[str]] | None = None  # a copy of the rows, made only when a cell needs escaping
    for index, row in enumerate(rows):
        if not is_safe("".join(row)):  # (a row is safe when all its cells are: one test a row, not one a cell)
            if escaped is None:
                escaped = list(rows)
            escaped[index] = [printable(c) for c in row]
    body = rows if escaped is None else escaped
    natural = [max(len(h), max(map(len, map(itemgetter(i), body)), default=0)) for i, h in enumerate(headers)]
    if width is None and fit:
        from profilegen.terminal import columns

        width = columns()
    widths = natural
    if width is not None and sum(natural) + _GAP * (len(natural) - 1) > width:
        # first keep every word whole (a column no narrower than its longest word, up to _WORD_CAP);
        # if the terminal is narrower still, let long words break
        words = [max([len(h), *(len(word) for r in body for word in r[i].split())])
                 for i, h in enumerate(headers)]
        floors = [min(n, max(min(w, _WORD_CAP), _MIN_COLUMN)) for n, w in zip(natural, words, strict=True)]
        widths = _fit(natural, floors, width)
        if sum(widths) + _GAP * (len(widths) - 1) > width:
            widths = _fit(widths, [min(n, max(len(h), _MIN_COLUMN)) for n, h in zip(natural, headers, strict=True)],
                          width)
    line = "  ".join(f"{{:<{w}}}" for w in widths).format  # each column left-aligned, padded to its width
    lines = [line(*headers).rstrip(), "  ".join("-" * w for w in widths)]
    if widths is natural:
        lines += [line(*row).rstrip() for row in body]
        return lines
    for row in body:
        pieces = [_wrapped(cell, w) for cell, w in zip(row, widths, strict=True)]
        for n in range(max(len(c) for c in pieces)):
            lines.append(line(*(c[n] if n < len(c) else "" for c in pieces)).rstrip())
    return lines
