"""Plain-text tables for the terminal: columns padded to their widest cell, every cell escaped."""

from __future__ import annotations

from collections.abc import Sequence

from profilegen.printable import printable


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 60) -> str:
    def cell(text: str) -> str:
        text = printable(text)  # a newline shows as \n: one row stays one line
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[cell(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headers)]
    # one format for every line: each column left-aligned and padded to its width
    line = "  ".join(f"{{:<{w}}}" for w in widths).format
    lines = [line(*headers).rstrip(), "  ".join("-" * w for w in widths)]
    lines += [line(*row).rstrip() for row in body]
    return "\n".join(lines)
