"""`profilegen catalog import-manifests DIR`: ProfileManifests -> the user catalogue.

``attach(catalog_app)`` adds it to the ``catalog`` group (profilegen/commands/catalog.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from profilegen.commands.help import epilog

_SOURCE: Any = typer.Argument(
    ...,
    metavar="DIR",
    help="A ProfileManifests checkout, its Manifests/ folder, or iMazing Profile Editor's copy.",
)
_INTO: Any = typer.Option(
    None,
    "--into",
    "--catalog",
    metavar="CATALOG_DIR",
    help="The user catalogue to write (default: `catalog --catalog`, $PROFILEGEN_CATALOG, else the user data folder).",
)


def import_manifests_command(ctx: typer.Context, source: Path = _SOURCE, into: Path | None = _INTO) -> None:
    """Import ProfileManifests manifests as domain schemas into the user catalogue."""
    from profilegen.manifests.importer import import_manifests
    from profilegen.manifests.report import summary_lines, warning_lines
    from profilegen.paths import schemas_dir
    from profilegen.printable import printable
    from profilegen.user_catalog import user_catalog_dir

    if into is None and isinstance(ctx.obj, Path):  # `profilegen catalog --catalog DIR import-manifests ...`
        into = ctx.obj
    shipped = [path.stem for path in (schemas_dir() / "domains").glob("*.json")]
    report = import_manifests(source, user_catalog_dir(into), shipped_domains=shipped)
    for line in warning_lines(report):
        typer.echo(f"profilegen: warning: {printable(line)}", err=True)
    for line in summary_lines(report):
        typer.echo(printable(line))


def attach(catalog_app: typer.Typer) -> None:
    """Add ``import-manifests`` to a ``catalog`` command group."""
    catalog_app.command("import-manifests", epilog=epilog("catalog import-manifests"))(import_manifests_command)
