"""`profilegen catalog import-manifests DIR` (ProfileManifests) and `import-apple DIR` (Apple's
device-management) -> the user catalogue.

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
    from profilegen.catalog.manifests.importer import import_manifests
    from profilegen.catalog.manifests.report import summary_lines, warning_lines
    from profilegen.catalog.user import user_catalog_dir
    from profilegen.paths import schemas_dir
    from profilegen.printable import printable

    if into is None and isinstance(ctx.obj, Path):  # `profilegen catalog --catalog DIR import-manifests ...`
        into = ctx.obj
    shipped = [path.stem for path in (schemas_dir() / "domains").glob("*.json")]
    report = import_manifests(source, user_catalog_dir(into), shipped_domains=shipped)
    for line in warning_lines(report):
        typer.echo(f"profilegen: warning: {printable(line)}", err=True)
    for line in summary_lines(report):
        typer.echo(printable(line))


_CHECKOUT: Any = typer.Argument(
    ..., metavar="DIR", help="A checkout of https://github.com/apple/device-management (or its mdm/profiles).")


def import_apple_command(ctx: typer.Context, source: Path = _CHECKOUT, into: Path | None = _INTO) -> None:
    """Import Apple's device-management payload schemas (a newer release) into the user catalogue."""
    from profilegen.catalog.apple.write import import_apple
    from profilegen.catalog.user import user_catalog_dir
    from profilegen.paths import schemas_dir

    if into is None and isinstance(ctx.obj, Path):
        into = ctx.obj
    from profilegen.printable import printable

    for line in import_apple(source, user_catalog_dir(into), schemas_dir() / "payloads"):
        typer.echo(printable(line))


def attach(catalog_app: typer.Typer) -> None:
    """Add ``import-manifests`` and ``import-apple`` to a ``catalog`` command group."""
    catalog_app.command("import-manifests", epilog=epilog("catalog import-manifests"))(import_manifests_command)
    catalog_app.command("import-apple", epilog=epilog("catalog import-apple"))(import_apple_command)
