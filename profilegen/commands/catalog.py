"""`catalog`: the domains and Apple's payload types, their keys, one key whole, search, the choices, and the
two imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from profilegen.catalog.user import open_catalog
from profilegen.commands import catalog_import, complete
from profilegen.commands.help import ShowByDefaultGroup, epilog
from profilegen.commands.options import CATALOG_OPTION, FORMAT_OPTION, TextOrJson


class _DomainOrCommand(ShowByDefaultGroup):
    """`catalog DOMAIN [KEY]` shows a domain or a key; `catalog SUBCOMMAND` runs the subcommand."""
    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """`catalog <TAB>`: the subcommands, and the domains and payload types `catalog DOMAIN` takes."""
        from typer._click.shell_completion import CompletionItem

        return [*super().shell_complete(ctx, incomplete),
                *(CompletionItem(name) for name in complete.domains(ctx, incomplete))]


catalog_app = typer.Typer(cls=_DomainOrCommand, invoke_without_command=True, add_completion=False,
                          epilog=epilog("catalog"),
                          help="The catalogue: domains, keys and choices. `catalog DOMAIN` lists a domain's keys, "
                          "`catalog DOMAIN KEY` explains one.")


def _echo_json(data: dict[str, Any]) -> None:
    from profilegen.json_out import dumps

    typer.echo(dumps(data))


@catalog_app.callback()
def catalog_callback(ctx: typer.Context, catalog_dir: Path | None = CATALOG_OPTION,
                     output_format: TextOrJson = FORMAT_OPTION) -> None:
    """The catalogue: domains, keys and choices."""
    ctx.obj = catalog_dir
    if ctx.invoked_subcommand is None:
        catalog = open_catalog(catalog_dir)
        domains = [schema for schema in map(catalog.domain, catalog.domains()) if schema is not None]
        if output_format is TextOrJson.json:
            _echo_json({"domains": [{"domain": s.domain, "title": s.title, "keys": len(s.keys),
                                     "source": s.imported_from or "profilegen"} for s in domains]})
            return
        from profilegen.render.table import table

        rows = [[s.domain, s.title, str(len(s.keys)), s.imported_from or "profilegen"] for s in domains]
        typer.echo(table(["domain", "title", "keys", "source"], rows))


@catalog_app.command("show", epilog=epilog("catalog show"))
def catalog_show(ctx: typer.Context,
                 domain: str = typer.Argument(..., help="A preference domain or an Apple payload type.",
                                              autocompletion=complete.domains),
                 key: str | None = typer.Argument(None, help="One of the domain's keys: everything known of it.",
                                                  autocompletion=complete.keys),
                 output_format: TextOrJson = FORMAT_OPTION) -> None:
    """List a domain's or an Apple payload type's keys (type, values, versions), or explain one key whole."""
    catalog = open_catalog(ctx.obj)
    if key is not None:
        from profilegen.commands.catalog_key import find_key, key_data, key_text
        from profilegen.terminal import prose_width

        spec = find_key(catalog, domain, key)
        if output_format is TextOrJson.json:
            _echo_json({"key": key_data(catalog, spec)})
        else:
            typer.echo(key_text(catalog, spec, prose_width()))
        return
    if catalog.domain(domain) is None:
        schema = catalog.payloads.schema(domain)
        if schema is not None:
            if output_format is TextOrJson.json:
                from profilegen.catalog.payload_view import payload_data

                _echo_json(payload_data(schema))
                return
            from profilegen.catalog.payload_view import payload_table

            typer.echo(payload_table(schema))
            return
    if output_format is TextOrJson.json:
        from profilegen.commands.catalog_key import domain_data

        _echo_json(domain_data(catalog, domain))
        return
    from profilegen.catalog.view import domain_table
    from profilegen.printable import printable

    typer.echo(domain_table(catalog, domain))
    typer.echo(printable(f"`profilegen catalog {domain} KEY` explains a key: what each value means, sources, "
                         "disputes."))


@catalog_app.command("payloads", epilog=epilog("catalog payloads"))
def catalog_payloads(ctx: typer.Context, text: str | None = typer.Argument(
        None, help="Only the types whose name or title contains this text.",
        autocompletion=complete.payload_filter)) -> None:
    """List Apple's payload types for macOS (PPPC, system extensions, Wi-Fi, ...)."""
    from profilegen.catalog.payload_view import payloads_table

    typer.echo(payloads_table(open_catalog(ctx.obj).payloads, text))


@catalog_app.command("search", epilog=epilog("catalog search"))
def catalog_search(ctx: typer.Context, text: str = typer.Argument(..., help="Words to find (any case)."),
                   output_format: TextOrJson = FORMAT_OPTION) -> None:
    """Find keys across the catalogue by name, title, description or notes."""
    from profilegen.commands.catalog_key import search

    found = search(open_catalog(ctx.obj), text)
    if output_format is TextOrJson.json:
        _echo_json({"query": text, "keys": found})
        return
    if not found:
        typer.echo(f"no key matches {text!r}", err=True)
        raise typer.Exit(1)
    from profilegen.render.table import table

    typer.echo(table(["domain", "key", "type", "title"],
                     [[k["domain"], k["key"], k["type"], k["title"]] for k in found]))


@catalog_app.command("choices", epilog=epilog("catalog choices"))
def catalog_choices(ctx: typer.Context, output_format: TextOrJson = FORMAT_OPTION) -> None:
    """List the named decisions (choices) and their options."""
    catalog = open_catalog(ctx.obj)
    if output_format is TextOrJson.json:
        from profilegen.commands.catalog_key import choices_data

        _echo_json(choices_data(catalog))
        return
    from profilegen.catalog.view import choices_table

    typer.echo(choices_table(catalog))


def register(app: typer.Typer) -> None:
    catalog_import.attach(catalog_app)
    app.add_typer(catalog_app, name="catalog")
