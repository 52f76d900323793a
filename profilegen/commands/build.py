"""`build` and `presets`: the main job."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from profilegen.commands.options import CATALOG_OPTION, SET_OPTION, open_catalog


class Style(StrEnum):
    mcx = "mcx"
    custom = "custom"


class ScriptTarget(StrEnum):
    console_user = "console-user"
    current_user = "current-user"
    system = "system"


def build_command(
    presets: list[str] = typer.Argument(..., metavar="PRESET...", help="Shipped preset names or preset files."),
    out: Path = typer.Option(Path("dist"), "--out", "-o", help="Folder for the outputs."),
    style: Style | None = typer.Option(None, "--style", help="Payload style (default: the preset's, else mcx)."),
    script_target: ScriptTarget = typer.Option(ScriptTarget.console_user, "--script-target",
                                               help="Whose preferences the defaults script writes."),
    set_values: list[str] = SET_OPTION,
    split: bool = typer.Option(False, "--split", help="One profile per domain."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing outputs."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Build profiles (.mobileconfig) and defaults scripts (.sh, .undo.sh) from presets."""
    from profilegen.atomic import write_all
    from profilegen.pipeline import build_preset
    from profilegen.preset import load_preset
    from profilegen.report import build_report

    catalog = open_catalog(catalog_dir)
    results = []
    for ref in presets:  # everything is resolved and rendered before the first file is written
        results.append(build_preset(
            load_preset(ref), catalog, overrides=set_values, style=style.value if style else None,
            split=split, script_target=script_target.value, strict=strict))
    files: dict[Path, tuple[bytes, int]] = {}
    for result in results:
        for artifact in result.artifacts:
            target = out / artifact.filename
            if target in files:
                from profilegen.errors import UsageError

                raise UsageError(f"two presets would both write {target}", hint="give presets distinct names")
            files[target] = (artifact.data, artifact.mode)
    write_all(files, force=force)
    for result in results:
        typer.echo(build_report(result, out))


def presets_command() -> None:
    """List the shipped presets."""
    from profilegen.preset import load_preset, shipped_presets
    from profilegen.render.table import table

    rows = []
    for name in shipped_presets():
        preset = load_preset(name)
        rows.append([name, preset.profile.description or preset.profile.display_name])
    typer.echo(table(["preset", "what it does"], rows, max_width=100))


def register(app: typer.Typer) -> None:
    app.command("build")(build_command)
    app.command("presets")(presets_command)
