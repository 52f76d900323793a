"""Command modules. Each exposes ``register(app)`` and imports only typer at module level."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    from profilegen.commands import build, endpoints

    for module in (build, endpoints):
        module.register(app)
