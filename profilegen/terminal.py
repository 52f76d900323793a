"""How wide the output may be: `COLUMNS` when set, the terminal's width when stdout is one, else no limit
(piped output is never cut: a script or a file gets every character)."""

from __future__ import annotations

import os
import sys

PROSE_WIDTH = 100  # paragraphs are wrapped at this width when there is no terminal to fit


def columns() -> int | None:
    """The width to fit, or None when output goes to a pipe or a file and nothing says otherwise."""
    text = os.environ.get("COLUMNS", "")
    if text.isdigit() and int(text) > 0:
        return int(text)
    try:
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None
    return None


def prose_width() -> int:
    width = columns()
    return max(40, min(width, PROSE_WIDTH)) if width is not None else PROSE_WIDTH
