"""`build`, `presets` and `catalog`: the main job and what it reads."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from profilegen.catalog import Catalog


class Style(StrEnum):
    mcx = "mcx"
    custom = "custom"


class ScriptTarget(StrEnum):
    console_user = "console-user"
    current_user = "current-user"
    system = "system"


CATALOG_OPTION: Any = typer.Option(
    None, "--catalog", metavar="DIR", envvar="PROFILEGEN_CATALOG",
    help="A user catalogue folder (imported manifests); shipped schemas win for the same domain.",
)


def open_catalog(user_dir: Path | None) -> Catalog:
    from profilegen.catalog import load_catalog
    from profilegen.user_catalog import user_catalog_dirs

    return load_catalog(lambda: user_catalog_dirs(user_dir))


def build_command(
    presets: list[str] = typer.Argument(..., metavar="PRESET...", help="Shipped preset names or preset files."),
    out: Path = typer.Option(Path("dist"), "--out", "-o", help="Folder for the outputs."),
    style: Style | None = typer.Option(None, "--style", help="Payload style (default: the preset's, else mcx)."),
    script_target: ScriptTarget = typer.Option(ScriptTarget.console_user, "--script-target",
                                               help="Whose preferences the defaults script writes."),
    set_values: list[str] = typer.Option([], "--set", metavar="DOMAIN:KEY=VALUE",
                                         help="Set a key (repeatable); typed by the catalogue."),
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


class _DomainOrCommand(TyperGroup):
    """`catalog DOMAIN` shows a domain; `catalog SUBCOMMAND` runs the subcommand."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().resolve_command(ctx, args)


catalog_app = typer.Typer(cls=_DomainOrCommand, invoke_without_command=True, add_completion=False,
                          help="The catalogue: domains, keys and choices. `catalog DOMAIN` lists a domain's keys.")


@catalog_app.callback()
def catalog_callback(ctx: typer.Context, catalog_dir: Path | None = CATALOG_OPTION) -> None:
    """The catalogue: domains, keys and choices. `profilegen catalog DOMAIN` lists a domain's keys."""
    ctx.obj = catalog_dir
    if ctx.invoked_subcommand is None:
        from profilegen.render.table import table

        catalog = open_catalog(catalog_dir)
        rows = []
        for name in catalog.domains():
            schema = catalog.domain(name)
            if schema is not None:
                rows.append([name, schema.title, str(len(schema.keys)), schema.imported_from or "profilegen"])
        typer.echo(table(["domain", "title", "keys", "source"], rows))


@catalog_app.command("show")
def catalog_show(ctx: typer.Context, domain: str = typer.Argument(..., help="A preference domain.")) -> None:
    """List a domain's keys: type, allowed values, versions."""
    from profilegen.catalog_view import domain_table

    typer.echo(domain_table(open_catalog(ctx.obj), domain))


@catalog_app.command("choices")
def catalog_choices(ctx: typer.Context) -> None:
    """List the named decisions (choices) and their options."""
    from profilegen.catalog_view import choices_table

    typer.echo(choices_table(open_catalog(ctx.obj)))


def register(app: typer.Typer) -> None:
    app.command("build")(build_command)
    app.command("presets")(presets_command)
    app.add_typer(catalog_app, name="catalog")
