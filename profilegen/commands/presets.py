"""`presets` (list, `presets show NAME`) and `new NAME`: start a preset without writing TOML by hand.

No `from __future__ import annotations`: typer evaluates annotation strings with eval().
"""

from pathlib import Path
from typing import Any

import typer

from profilegen.catalog.user import open_catalog
from profilegen.commands import complete
from profilegen.commands.help import ShowByDefaultGroup, epilog
from profilegen.commands.options import (
    CATALOG_OPTION,
    DISPLAY_NAME_OPTION,
    FORMAT_OPTION,
    IDENTIFIER_OPTION,
    LICENSE_OPTION,
    OFFICE_VERSION_OPTION,
    ORGANIZATION_OPTION,
    SET_OPTION,
    TextOrJson,
)

presets_app = typer.Typer(cls=ShowByDefaultGroup, invoke_without_command=True, add_completion=False,
                          no_args_is_help=False, epilog=epilog("presets"),
                          help="The shipped presets. `presets show NAME` prints one, to read or copy.")


@presets_app.callback()
def presets_list(ctx: typer.Context, output_format: TextOrJson = FORMAT_OPTION) -> None:
    """List the shipped presets; `profilegen presets show NAME` prints one."""
    if ctx.invoked_subcommand is not None:
        return
    from profilegen.preset import load_preset, shipped_presets

    presets = [load_preset(name) for name in shipped_presets()]
    if output_format is TextOrJson.json:
        from profilegen.json_out import dumps, preset_summary

        typer.echo(dumps({"presets": [preset_summary(preset) for preset in presets]}))
        return
    from profilegen.render.table import table

    rows = [[p.name, p.profile.description or p.profile.display_name] for p in presets]
    typer.echo(table(["preset", "what it does"], rows))


@presets_app.command("show", epilog=epilog("presets show"))
def presets_show(name: str = typer.Argument(..., metavar="NAME", help="A shipped preset (or a preset file).",
                                            autocompletion=complete.preset_names),
                 output_format: TextOrJson = FORMAT_OPTION) -> None:
    """Print a preset as it is written, comments included (json: the preset as data)."""
    from profilegen.preset import find_preset, load_preset

    if output_format is TextOrJson.json:
        from profilegen.json_out import dumps, preset_data

        typer.echo(dumps(preset_data(load_preset(name))))
        return
    from profilegen.printable import printable

    path = find_preset(name)
    load_preset(name)  # a file that is not a preset is refused, not printed
    typer.echo(printable(path.read_text(encoding="utf-8"), lines=True), nl=False)


NEW_NAME: Any = typer.Argument(..., metavar="NAME",
                                help="The preset's name: writes NAME.toml (or the .toml path given).")
FROM_OPTION: Any = typer.Option(None, "--from", metavar="PRESET", autocompletion=complete.preset_names,
                                help="Start from a shipped preset or a preset file: its choices and settings.")
FORCE_OPTION: Any = typer.Option(False, "--force", help="Overwrite an existing file.")


def new_command(
    name: str = NEW_NAME,
    source: str | None = FROM_OPTION,
    organization: str | None = ORGANIZATION_OPTION,
    identifier: str | None = IDENTIFIER_OPTION,
    display_name: str | None = DISPLAY_NAME_OPTION,
    office_version: str | None = OFFICE_VERSION_OPTION,
    license_name: str | None = LICENSE_OPTION,
    set_values: list[str] = SET_OPTION,
    force: bool = FORCE_OPTION,
    catalog_dir: Path | None = CATALOG_OPTION,
) -> None:
    """Write a new preset, commented, ready to edit, review and build."""
    from profilegen.atomic import FILE_MODE, is_unchanged, write_all
    from profilegen.newpreset import new_preset
    from profilegen.outpath import check_target
    from profilegen.overrides import Overrides
    from profilegen.preset_text import commented_preset
    from profilegen.printable import printable

    path = Path(name if name.endswith(".toml") else f"{name}.toml")
    check_target(path)
    catalog = open_catalog(catalog_dir)
    overrides = Overrides(identifier, organization, display_name, office_version, license_name).check()
    made = new_preset(path.stem, source, overrides, set_values, catalog)
    header = [f"Written by `profilegen new`{' from ' + source if source else ''}. "
              f"Build it with: profilegen build {path}"]
    text = commented_preset(made.preset, catalog, header)
    data = text.encode("utf-8")
    if path.exists() and not force and not is_unchanged(path, data, FILE_MODE):
        from profilegen.errors import OutputError

        raise OutputError(f"{path} exists", hint="use --force to overwrite it, or give another NAME")
    unchanged = write_all({path: (data, FILE_MODE)}, force=True)
    typer.echo(printable(f"{'unchanged' if path in unchanged else 'wrote'} {path}"))
    for note in made.notes:
        typer.echo(printable(f"note: {note}"), err=True)
    typer.echo(printable(f"next: edit it, then profilegen build {path} --out dist"))


def register(app: typer.Typer) -> None:
    app.add_typer(presets_app, name="presets")
    app.command("new", epilog=epilog("new"))(new_command)
