"""`catalog`: the domains and Apple's payload types, their keys, the choices, and the two imports."""

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
def catalog_show(ctx: typer.Context,
                 domain: str = typer.Argument(..., help="A preference domain or an Apple payload type.")) -> None:
    """List a domain's or an Apple payload type's keys: type, required, allowed values, versions."""
    from profilegen.catalog.view import domain_table

    catalog = open_catalog(ctx.obj)
    if catalog.domain(domain) is None:
        schema = catalog.payloads.schema(domain)
        if schema is not None:
            from profilegen.catalog.payload_view import payload_table

            typer.echo(payload_table(schema))
            return
    typer.echo(domain_table(catalog, domain))


@catalog_app.command("payloads")
def catalog_payloads(ctx: typer.Context, text: str | None = typer.Argument(
        None, help="Only the types whose name or title contains this text.")) -> None:
    """List Apple's payload types for macOS (PPPC, system extensions, Wi-Fi, ...)."""
    from profilegen.catalog.payload_view import payloads_table

    typer.echo(payloads_table(open_catalog(ctx.obj).payloads, text))


@catalog_app.command("choices")
def catalog_choices(ctx: typer.Context) -> None:
    """List the named decisions (choices) and their options."""
    from profilegen.catalog.view import choices_table

    typer.echo(choices_table(open_catalog(ctx.obj)))


def register(app: typer.Typer) -> None:
    catalog_import.attach(catalog_app)
    app.add_typer(catalog_app, name="catalog")
