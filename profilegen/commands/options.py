"""Options and helpers several commands share. Imports only typer (and the catalogue lazily)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from profilegen.catalog import Catalog

CATALOG_OPTION: Any = typer.Option(
    None, "--catalog", metavar="DIR", envvar="PROFILEGEN_CATALOG",
    help="A user catalogue folder (imported manifests); shipped schemas win for the same domain.",
)
SET_OPTION: Any = typer.Option(
    [], "--set", metavar="DOMAIN:KEY=VALUE", help="Set a key (repeatable); typed by the catalogue.")


def open_catalog(user_dir: Path | None) -> Catalog:
    """The shipped catalogue, with the user catalogue consulted only for domains it does not ship."""
    from profilegen.catalog import load_catalog

    def user_dirs() -> list[Path]:
        from profilegen.user_catalog import user_catalog_dirs

        return user_catalog_dirs(user_dir)

    return load_catalog(user_dirs)
