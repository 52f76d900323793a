"""The work of `show`, `validate` and `diff`: parsed arguments in, output written, the exit code out.

No command-line framework here: typer's commands (profilegen.commands.inspect) and the typer-free route of
their usual command lines (profilegen.quickpath) both call these, so both routes write the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from profilegen.bulk import outlive
from profilegen.catalog.user import open_catalog
from profilegen.echo import echo, stop_output

if TYPE_CHECKING:
    from profilegen.inspect.findings import Finding
    from profilegen.inspect.model import Profile


def show(files: Sequence[Path], output_format: str, catalog_dir: Path | None) -> int:
    """``output_format``: table, json or text."""
    from profilegen.inspect.masking import mask_secrets
    from profilegen.inspect.model import extract
    from profilegen.inspect.read import load
    from profilegen.inspect.show import describe, plain_text, table_view

    profiles = [extract(load(path), strict=True) for path in files]
    outlive(profiles)  # (profilegen.bulk)
    payload_catalog = open_catalog(catalog_dir).payloads
    titles = payload_catalog.title  # Apple's payload titles, read only when a payload asks
    for profile in profiles:
        if mask_secrets(profile, payload_catalog):
            echo(f"{profile.path}: secrets (keys Apple's schema marks sensitive) are shown as ********", err=True)
        _unread_notes(profile, "not shown")
    if output_format == "json":
        from profilegen.json_out import dumps

        echo(dumps({"profiles": [describe(profile, titles) for profile in profiles]}))
        return 0
    if output_format == "text":
        echo("\n\n".join(plain_text(profile) for profile in profiles))
        return 0
    try:
        for number, profile in enumerate(profiles):  # written a thousand lines at a time: a 100,000-key
            lines = table_view(profile, titles)      # profile's table is never one string, nor encoded at once
            outlive(lines)
            for start in range(0, len(lines), 1000):
                echo("\n".join(lines[start:start + 1000]))
            if number < len(profiles) - 1:
                echo("")
    except BrokenPipeError:  # the reader has what it wanted (`show big.mobileconfig | head`): stop, quietly
        stop_output()
    return 0


def validate(files: Sequence[Path], output_format: str, strict: bool, office_version: str | None,
             macos_version: str | None, catalog_dir: Path | None, jobs: int | None = None) -> int:
    """``output_format``: text or json. 1 when there are errors (or warnings, with ``strict``). ``jobs``:
    processes to check the files in (profilegen.inspect.fanout), None to choose by file count and CPUs."""
    from profilegen.inspect.fanout import check_all, job_count
    from profilegen.inspect.lint import lint_path

    catalog = open_catalog(catalog_dir)

    def check(path: Path) -> list[Finding]:
        if path.suffix == ".toml":
            from profilegen.inspect.presetlint import lint_preset  # presets only

            return lint_preset(path, catalog, office_version, macos_version)
        return lint_path(path, catalog, office_version, macos_version)

    findings = check_all(files, check, job_count(len(files), jobs))
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if output_format == "json":
        from profilegen.json_out import dumps

        echo(dumps({"files": [str(path) for path in files], "errors": errors, "warnings": warnings,
                    "notes": len(findings) - errors - warnings, "findings": [f.as_json() for f in findings]}))
    else:
        for item in findings:
            echo(item.render())
        if findings:  # the summary stands apart from the last fix line, on a terminal that merges the streams
            echo("")
        echo(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s), "
             f"{len(findings) - errors - warnings} note(s)", err=True)
    return 1 if errors or (strict and warnings) else 0


def diff(a: str, b: str, catalog_dir: Path | None, output_format: str) -> int:
    """0 same, 1 different, 2 trouble (like diff(1)); ``output_format``: text or json."""
    from profilegen.errors import ProfilegenError
    from profilegen.inspect.diff import diff as compare
    from profilegen.inspect.diff import load_side, render
    from profilegen.printable import printable

    try:
        catalog = open_catalog(catalog_dir)
        left, right = load_side(a, catalog), load_side(b, catalog)
        outlive(left, right)  # (profilegen.bulk)
        changes = compare(left, right)
    except ProfilegenError as error:  # like diff(1): trouble is 2, whatever its kind
        echo(f"profilegen: error: {error.render()}", err=True)
        return 2
    for label, side in ((a, left), (b, right)):  # signing is not a difference, but say what it is
        _unread_notes(side, "not compared")
        if side.document.signer is not None:
            echo(printable(f"# {label}: signed by {side.document.signer.subject}; {side.document.signer.status}"),
                 err=True)
    from profilegen.inspect.masking import mask_changes

    shown = mask_changes(changes, catalog.payloads)  # secrets masked in JSON as in text
    if output_format == "json":
        from profilegen.json_out import diff_data, dumps

        echo(dumps(diff_data(a, b, shown)))
    elif changes:
        echo(render(shown))
    return 1 if changes else 0


def _unread_notes(profile: Profile, effect: str) -> None:
    """A misshapen mcx part (validate's mcx-shape) is said, not skipped silently: one note line each."""
    from profilegen.printable import printable

    for note in profile.unread_notes(effect):
        echo(printable(f"note: {note}"), err=True)
