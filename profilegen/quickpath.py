"""The read commands' usual command lines, run without typer.

`validate`, `show` and `diff` are what pre-commit hooks and CI jobs run, on every commit, and importing
typer (with the click it carries) is over half of their start-up: some 30 ms of 55 for a small profile. A
command line made of one of them, its files and its own options in their plain forms (``--name value`` or
``--name=value``, each at most once) is parsed here and runs the same work as the typer command
(profilegen.inspect.run), so it writes the same bytes and exits with the same code. Anything else goes to
typer, which writes every usage message: help, an unknown or repeated option, a value that is missing,
empty, not a choice or starts with ``-``, ``--``, a wrong number of arguments, a path click would refuse
(existing but unreadable), shell completion, an output stream that is not UTF-8 (click would re-wrap it),
Windows (where click expands wildcards itself).
tests/test_quickpath.py holds these tables equal to the typer commands' parameters and runs both routes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from profilegen.limits import MAX_REQUESTED_JOBS
from profilegen.record import Record

CATALOG_ENV = "PROFILEGEN_CATALOG"  # --catalog's environment variable (click reads it for typer's route)


class Spec(Record):
    """One command's command-line shape, as its typer command declares it."""

    valued: tuple[str, ...]  # options that take a value
    flags: tuple[str, ...]  # options that take none
    formats: tuple[str, ...]  # --format's choices
    fewest: int  # arguments
    most: int | None
    paths: bool  # the arguments are paths (click checks that an existing one is readable)


SPECS: dict[str, Spec] = {
    "validate": Spec(("--format", "--office-version", "--macos-version", "--catalog", "--jobs"), ("--strict",),
                     ("text", "json"), 1, None, True),
    "show": Spec(("--format", "--catalog"), (), ("table", "json", "text"), 1, None, True),
    "diff": Spec(("--catalog", "--format"), (), ("text", "json"), 2, 2, False),
}


def parse(argv: Sequence[str]) -> tuple[str, list[str], dict[str, str | bool]] | None:
    """The command, its arguments and its options, or None when typer should read this command line."""
    if not argv or argv[0] not in SPECS or "_PROFILEGEN_COMPLETE" in os.environ or os.name == "nt":
        return None  # (on Windows click expands wildcards in the arguments itself)
    spec = SPECS[argv[0]]
    arguments: list[str] = []
    options: dict[str, str | bool] = {}
    words = iter(argv[1:])
    for word in words:
        if not word.startswith("-"):
            if not word:
                return None  # click makes "" the path "."
            arguments.append(word)
            continue
        name, equals, value = word.partition("=")
        if name in spec.flags and not equals:
            found: str | bool = True
        elif name in spec.valued:
            value = value if equals else next(words, "")
            if not value or value.startswith("-"):
                return None
            found = value
        else:
            return None  # help, --, -, an option this command lacks or misspelt
        if name in options:
            return None
        options[name] = found
    if len(arguments) < spec.fewest or (spec.most is not None and len(arguments) > spec.most):
        return None
    if options.get("--format", spec.formats[0]) not in spec.formats:
        return None
    jobs = str(options.get("--jobs", "1"))
    if not (jobs.isascii() and jobs.isdecimal() and 1 <= int(jobs) <= MAX_REQUESTED_JOBS):
        return None  # click reads "+2", " 2" and full-width digits too, or refuses them: doubtful ones are its
    if "--catalog" not in options and os.environ.get(CATALOG_ENV):
        options["--catalog"] = os.environ[CATALOG_ENV]
    paths = [*arguments] if spec.paths else []
    if "--catalog" in options:
        paths.append(str(options["--catalog"]))
    if any(Path(path).exists() and not os.access(path, os.R_OK) for path in paths):
        return None
    if not all(_utf8(stream) for stream in (sys.stdout, sys.stderr)):
        return None
    return argv[0], arguments, options


def _utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None)
    return isinstance(encoding, str) and encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def run(argv: Sequence[str]) -> int | None:
    """Run ``argv`` when it is one of the command lines above and return the exit code; else None."""
    parsed = parse(argv)
    if parsed is None:
        return None
    command, arguments, options = parsed
    from profilegen.echo import report_error, stop_output
    from profilegen.errors import ProfilegenError
    from profilegen.inspect import run as work

    catalog = Path(str(options["--catalog"])) if "--catalog" in options else None
    formats = SPECS[command].formats
    output_format = str(options.get("--format", formats[0]))
    try:
        if command == "diff":
            return work.diff(arguments[0], arguments[1], catalog, output_format)
        files = [Path(argument) for argument in arguments]
        if command == "show":
            return work.show(files, output_format, catalog)
        jobs = _text(options, "--jobs")
        return work.validate(files, output_format, "--strict" in options, _text(options, "--office-version"),
                             _text(options, "--macos-version"), catalog, None if jobs is None else int(jobs))
    except ProfilegenError as error:
        return report_error(error)
    except KeyboardInterrupt:
        return 130  # as typer: no traceback, the shell's code for Ctrl-C
    except BrokenPipeError:  # the reader left (`validate ... | head`): as click, exit 1 and flush nothing more
        stop_output()
        return 1


def _text(options: dict[str, str | bool], name: str) -> str | None:
    value = options.get(name)
    return value if isinstance(value, str) else None
