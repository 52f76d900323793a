"""`catalog`: the domains, their keys, the choices, and `catalog import-manifests`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from profilegen.commands import catalog_import
from profilegen.commands.options import CATALOG_OPTION, open_catalog


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
    catalog_import.attach(catalog_app)
    app.add_typer(catalog_app, name="catalog")
