"""The command line: thin, started by profilegen/launch.py. Each command lives in profilegen/commands/ and
imports its work lazily, so that `profilegen --help` and `profilegen build` load neither questionary, lxml,
cryptography nor httpx.
No `from __future__ import annotations` in command modules: typer would eval() each annotation string.
"""

import os
import sys

import typer

from profilegen import __version__
from profilegen.commands import register_all
from profilegen.commands.help import HelpGroup, epilog
from profilegen.echo import report_error
from profilegen.errors import ProfilegenError
from profilegen.terminal import columns

# --help fits the terminal (COLUMNS honoured); piped, nothing is cut: the command list's summaries whole
_HELP_WIDTH = columns() or 10_000

app = typer.Typer(
    name="profilegen",
    cls=HelpGroup,
    epilog=epilog("profilegen"),
    help="Turn a Mac admin's decisions into configuration profiles, defaults scripts and MDM uploads.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": _HELP_WIDTH,
                      "max_content_width": _HELP_WIDTH},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"profilegen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Turn a Mac admin's decisions into configuration profiles, defaults scripts and MDM uploads."""


def _invoked_command(argv: list[str]) -> str | None:
    """The command name on the command line (the first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main() -> None:
    """Console entry point: user errors become one line on stderr and a documented exit code."""
    register_all(app, _invoked_command(sys.argv[1:]))
    if "_PROFILEGEN_COMPLETE" in os.environ:  # a shell asking for completions (`profilegen completion SHELL`)
        from typer._completion_classes import completion_init

        completion_init()  # typer's bash/zsh/fish classes, registered only when asked
    try:  # one name and one completion variable, however it was started (python -m, the entry point)
        app(prog_name="profilegen", complete_var="_PROFILEGEN_COMPLETE")
    except ProfilegenError as error:
        sys.exit(report_error(error))
