"""Command modules. Each exposes ``register(app)`` and imports only typer at module level."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    from profilegen.commands import build, inspect

    for module in (build, inspect):
        module.register(app)
