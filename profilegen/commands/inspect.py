"""`show`, `validate`, `diff` and `import`: reading profiles that already exist."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from profilegen.commands.help import epilog
from profilegen.commands.options import CATALOG_OPTION, TextOrJson, open_catalog

if TYPE_CHECKING:
    from profilegen.inspect.model import Profile


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    text = "text"


# Option and argument declarations live at module level (typer reads them as parameter defaults).
SHOW_FILES: Any = typer.Argument(..., metavar="FILE...", help="Profiles: XML, binary or signed.")
SHOW_FORMAT: Any = typer.Option(
    ShowFormat.table, "--format", help="table (people), json (machines), text (git diff textconv)."
)
VALIDATE_FILES: Any = typer.Argument(
    ..., metavar="FILE...", help="Profiles (.mobileconfig, any form) and presets (.toml)."
)
VALIDATE_FORMAT: Any = typer.Option(TextOrJson.text, "--format", help="text or json.")
STRICT: Any = typer.Option(False, "--strict", help="Fail on warnings too.")
OFFICE_VERSION: Any = typer.Option(
    None, "--office-version", metavar="V", help="The oldest Office for Mac deployed, e.g. 16.28."
)
MACOS_VERSION: Any = typer.Option(
    None, "--macos-version", metavar="V",
    help="The oldest macOS deployed, e.g. 13.0: Apple payloads and keys it lacks are reported.",
)
DIFF_A: Any = typer.Argument(..., metavar="A", help="A profile (any form) or a preset (name or .toml).")
DIFF_B: Any = typer.Argument(..., metavar="B", help="A profile (any form) or a preset (name or .toml).")
IMPORT_FILE: Any = typer.Argument(..., metavar="FILE", help="A profile: XML, binary or signed.")
SAVE: Any = typer.Option(..., "--save", metavar="PRESET.toml", help="Where to write the preset.")
IDENTIFIER: Any = typer.Option(
    None, "--identifier", help="Use this profile identifier (when the profile's is not reverse-DNS)."
)
FORCE: Any = typer.Option(False, "--force", help="Overwrite an existing preset.")


def show_command(files: list[Path] = SHOW_FILES, output_format: ShowFormat = SHOW_FORMAT,
                 catalog_dir: Path | None = CATALOG_OPTION) -> None:
    """Show a profile's metadata, payloads and settings (domain, key, value, type)."""
    from profilegen.inspect.masking import mask_secrets
    from profilegen.inspect.model import extract
    from profilegen.inspect.read import load
    from profilegen.inspect.show import describe, plain_text, table_view

    profiles = [extract(load(path), strict=True) for path in files]
    payload_catalog = open_catalog(catalog_dir).payloads
    titles = payload_catalog.title  # Apple's payload titles, read only when a payload asks
    for profile in profiles:
        if mask_secrets(profile, payload_catalog):
            typer.echo(f"{profile.path}: secrets (keys Apple's schema marks sensitive) are shown as ********",
                       err=True)
        _unread_notes(profile, "not shown")
    if output_format is ShowFormat.json:
        from profilegen.json_out import dumps

        typer.echo(dumps({"profiles": [describe(profile, titles) for profile in profiles]}))
        return
    if output_format is ShowFormat.text:
        typer.echo("\n\n".join(plain_text(profile) for profile in profiles))
        return
    try:
        for number, profile in enumerate(profiles):  # written a thousand lines at a time: a 100,000-key
            lines = table_view(profile, titles)      # profile's table is never one string, nor encoded at once
            for start in range(0, len(lines), 1000):
                typer.echo("\n".join(lines[start:start + 1000]))
            if number < len(profiles) - 1:
                typer.echo("")
    except BrokenPipeError:  # the reader has what it wanted (`show big.mobileconfig | head`): stop, quietly
        import os
        import sys

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit


def _unread_notes(profile: Profile, effect: str) -> None:
    """A misshapen mcx part (validate's mcx-shape) is said, not skipped silently: one note line each."""
    from profilegen.printable import printable

    for note in profile.unread_notes(effect):
        typer.echo(printable(f"note: {note}"), err=True)


def validate_command(
    files: list[Path] = VALIDATE_FILES,
    output_format: TextOrJson = VALIDATE_FORMAT,
    strict: bool = STRICT,
    office_version: str | None = OFFICE_VERSION,
    macos_version: str | None = MACOS_VERSION,
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Check profiles and presets: every finding with severity, rule, file:line and the fix."""
    import sys

    from profilegen.inspect.lint import lint_path

    catalog = open_catalog(catalog_dir)
    findings = []
    for path in files:
        if path.suffix == ".toml":
            from profilegen.inspect.presetlint import lint_preset  # presets only

            findings += lint_preset(path, catalog, office_version, macos_version)
        else:
            findings += lint_path(path, catalog, office_version, macos_version)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if output_format is TextOrJson.json:
        from profilegen.json_out import dumps

        typer.echo(dumps({"files": [str(path) for path in files], "errors": errors, "warnings": warnings,
                          "notes": len(findings) - errors - warnings,
                          "findings": [f.as_json() for f in findings]}))
    else:
        for item in findings:
            typer.echo(item.render())
        if findings:  # the summary stands apart from the last fix line, on a terminal that merges the streams
            typer.echo("")
        sys.stdout.flush()
        typer.echo(
            f"{len(files)} file(s): {errors} error(s), {warnings} warning(s), "
            f"{len(findings) - errors - warnings} note(s)",
            err=True,
        )
    if errors or (strict and warnings):
        raise typer.Exit(1)


def diff_command(a: str = DIFF_A, b: str = DIFF_B, catalog_dir: Path | None = CATALOG_OPTION,
                 output_format: TextOrJson = VALIDATE_FORMAT) -> None:
    """Compare two profiles or presets by their settings; exit 0 same, 1 different, 2 trouble."""
    from profilegen.errors import ProfilegenError
    from profilegen.inspect.diff import diff, load_side, render
    from profilegen.printable import printable

    try:
        catalog = open_catalog(catalog_dir)
        left, right = load_side(a, catalog), load_side(b, catalog)
        changes = diff(left, right)
    except ProfilegenError as error:  # like diff(1): trouble is 2, whatever its kind
        typer.echo(f"profilegen: error: {error.render()}", err=True)
        raise typer.Exit(2) from None
    for label, side in ((a, left), (b, right)):  # signing is not a difference, but say what it is
        _unread_notes(side, "not compared")
        if side.document.signer is not None:
            typer.echo(printable(f"# {label}: signed by {side.document.signer.subject}; "
                                 f"{side.document.signer.status}"), err=True)
    from profilegen.inspect.masking import mask_changes

    shown = mask_changes(changes, catalog.payloads)  # secrets masked in JSON as in text
    if output_format is TextOrJson.json:
        from profilegen.json_out import diff_data, dumps

        typer.echo(dumps(diff_data(a, b, shown)))
    elif changes:
        typer.echo(render(shown))
    if changes:
        raise typer.Exit(1)


def import_command(
    file: Path = IMPORT_FILE,
    save: Path = SAVE,
    identifier: str | None = IDENTIFIER,
    force: bool = FORCE,
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Turn a profile into a preset: known choices recognised, the rest raw settings, identifiers pinned."""
    from profilegen.atomic import FILE_MODE, write_all
    from profilegen.errors import UsageError
    from profilegen.inspect.importer import import_profile
    from profilegen.inspect.model import extract
    from profilegen.inspect.read import load
    from profilegen.outpath import check_target
    from profilegen.preset import dumps_preset
    from profilegen.printable import printable

    if save.suffix != ".toml":
        raise UsageError(f"--save {save}: a preset file ends in .toml")
    check_target(save)
    profile = extract(load(file), strict=True)
    imported = import_profile(profile, open_catalog(catalog_dir), name=save.stem, identifier=identifier)
    unchanged = write_all({save: (dumps_preset(imported.preset).encode("utf-8"), FILE_MODE)}, force=force)
    preset = imported.preset
    raw = sum(len(keys) for keys in preset.settings.values())
    others = f", {len(preset.payloads)} other payload(s)" if preset.payloads else ""
    typer.echo(printable(
        f"{'unchanged' if save in unchanged else 'wrote'} {save}: {len(preset.choices)} choice(s), "
        f"{raw} raw setting(s){others}, style {preset.profile.payload_style}"
    ))
    for choice, option in preset.choices.items():
        typer.echo(printable(f"  {choice} = {option}"))
    for note in imported.notes:
        typer.echo(printable(f"note: {note}"), err=True)


def register(app: typer.Typer) -> None:
    app.command("show", epilog=epilog("show"))(show_command)
    app.command("validate", epilog=epilog("validate"))(validate_command)
    app.command("diff", epilog=epilog("diff"))(diff_command)
    app.command("import", epilog=epilog("import"))(import_command)
