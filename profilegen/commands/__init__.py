"""Command modules. Each exposes ``register(app)`` and imports only typer at module level.

Typer turns every registered command into a click command before it runs any of them, so `main()`
registers only the module of the command being run; `--help` and unknown names register them all.
"""

from __future__ import annotations

import importlib

import typer

# command name -> the module that registers it
COMMANDS: dict[str, str] = {
    "build": "profilegen.commands.build",
    "presets": "profilegen.commands.presets",
    "new": "profilegen.commands.presets",
    "catalog": "profilegen.commands.catalog",
    "endpoints": "profilegen.commands.endpoints",
    "export": "profilegen.commands.mdm",
    "upload": "profilegen.commands.mdm",
    "sign": "profilegen.commands.signing",
    "verify": "profilegen.commands.signing",
    "unsign": "profilegen.commands.signing",
    "show": "profilegen.commands.inspect",
    "validate": "profilegen.commands.inspect",
    "diff": "profilegen.commands.inspect",
    "import": "profilegen.commands.inspect",
    "wizard": "profilegen.commands.wizard",
    "completion": "profilegen.commands.complete",
}


def register_all(app: typer.Typer, invoked: str | None = None) -> None:
    """Register the module of ``invoked`` alone when it is a known command, else every module."""
    modules = [COMMANDS[invoked]] if invoked in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).register(app)
