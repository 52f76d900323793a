"""A typer app with the commands the inspect tests run in-process (the real CLI registers lazily)."""

from __future__ import annotations

import typer

from profilegen.commands import build, inspect


def make_app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    build.register(app)
    inspect.register(app)
    return app
