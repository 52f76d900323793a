"""`show`, `validate`, `diff` and `import`: reading profiles that already exist."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from profilegen.catalog.user import open_catalog
from profilegen.commands.help import epilog
from profilegen.commands.options import CATALOG_OPTION, TextOrJson
from profilegen.limits import MAX_REQUESTED_JOBS


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
JOBS: Any = typer.Option(
    None, "--jobs", min=1, max=MAX_REQUESTED_JOBS, metavar="N",
    help="Processes to check the files in (default: one per CPU from 64 files each; 1: this one only).",
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
    from profilegen.inspect import run

    _exit(run.show(files, output_format.value, catalog_dir))


def validate_command(
    files: list[Path] = VALIDATE_FILES,
    output_format: TextOrJson = VALIDATE_FORMAT,
    strict: bool = STRICT,
    office_version: str | None = OFFICE_VERSION,
    macos_version: str | None = MACOS_VERSION,
    catalog_dir: Path | None = CATALOG_OPTION,
    jobs: int | None = JOBS,
) -> None:
    """Check profiles and presets: every finding with severity, rule, file:line and the fix."""
    from profilegen.inspect import run

    _exit(run.validate(files, output_format.value, strict, office_version, macos_version, catalog_dir, jobs))


def diff_command(a: str = DIFF_A, b: str = DIFF_B, catalog_dir: Path | None = CATALOG_OPTION,
                 output_format: TextOrJson = VALIDATE_FORMAT) -> None:
    """Compare two profiles or presets by their settings; exit 0 same, 1 different, 2 trouble."""
    from profilegen.inspect import run

    _exit(run.diff(a, b, catalog_dir, output_format.value))


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


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
