"""Command modules. Each exposes ``register(app)`` and imports only typer at module level."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    from profilegen.commands import build, catalog_import

    for module in (build, catalog_import):
        module.register(app)
