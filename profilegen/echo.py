"""One line of output, written as click.echo writes it (line, newline, flush), without importing click.

The read commands use it on both of their routes (typer's, and profilegen.quickpath's), so what reaches
stdout and stderr, and when, is the same whichever route ran.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from profilegen.errors import ProfilegenError


def echo(text: str, *, err: bool = False) -> None:
    """``text`` and a newline on stdout (stderr with ``err``), flushed at once: a pipe sees each line as it
    is written, and the summary on stderr never overtakes the findings on stdout."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # (pythonw, a closed stream: nowhere to write, as click.echo)
        return
    stream.write(text + "\n")
    stream.flush()


def stop_output() -> None:
    """The reader of stdout has gone (``validate ... | head``): point stdout at /dev/null, so that what is
    left in its buffer is not written, and fails, at exit."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def report_error(error: ProfilegenError) -> int:
    """A user error as the command line says it, ``profilegen: error:`` before each of its lines on stderr;
    the exit code it documents."""
    for line in error.render().splitlines():
        print(f"profilegen: error: {line}", file=sys.stderr)
    return error.exit_code
