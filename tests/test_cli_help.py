"""--help pages end with examples; tables and help fit the terminal (COLUMNS), and nothing is cut when piped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup

from profilegen.cli import app
from profilegen.commands import register_all
from tests.cli import REPO, run_cli

register_all(app)
ROOT = typer.main.get_command(app)
PIPED = {"COLUMNS": ""}  # no terminal, no COLUMNS: as in a pipe or a CI log


def commands(group: Any = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(group, TyperGroup):
        context = typer.Context(group)
        for name in group.list_commands(context):
            yield from commands(group.get_command(context, name), (*path, name))


ALL = list(commands())


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path in ALL}
    assert {"", "build", "new", "presets show", "catalog search", "export intune-plist", "upload jamf"} <= names
    assert len(names) >= 25


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "profilegen")
def test_every_help_page_ends_with_one_or_two_examples(path: tuple[str, ...]) -> None:
    done = run_cli(*path, "--help", env=PIPED)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").splitlines()
    at = max(i for i, line in enumerate(lines) if line.strip() == "Examples:")
    examples = [line.strip() for line in lines[at + 1:]]
    assert 1 <= len(examples) <= 2
    shown = path[:-1] if path == ("catalog", "show") else path  # `catalog DOMAIN` is `catalog show DOMAIN`
    for example in examples:
        assert example.startswith(" ".join(("profilegen", *shown))), example


def test_the_command_list_is_never_cut() -> None:
    for env in (PIPED, {"COLUMNS": "80"}):
        done = run_cli("--help", env=env)
        listed = done.stdout.split("Commands:")[1]
        assert "..." not in listed
        assert "Build profiles (.mobileconfig) and defaults scripts (.sh, .undo.sh) from presets." in " ".join(
            done.stdout.split())
    narrow = run_cli("--help", env={"COLUMNS": "80"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    wide = run_cli("--help", env=PIPED)
    build = next(line for line in wide.stdout.splitlines() if line.split()[:1] == ["build"])
    assert build.split(None, 1)[1] == (
        "Build profiles (.mobileconfig) and defaults scripts (.sh, .undo.sh) from presets.")


def test_tables_fit_columns_and_keep_every_word() -> None:
    def letters(text: str) -> list[str]:  # every character but spaces and the header rule
        lines = text.splitlines()
        return sorted("".join("".join([lines[0], *lines[2:]]).split()))

    piped = run_cli("catalog", "choices", env=PIPED)
    assert max(len(line) for line in piped.stdout.splitlines()) > 100  # wide, as it is
    for columns in (100, 72):
        fitted = run_cli("catalog", "choices", env={"COLUMNS": str(columns)})
        assert fitted.returncode == 0
        assert max(len(line) for line in fitted.stdout.splitlines()) <= columns
        assert letters(fitted.stdout) == letters(piped.stdout)  # wrapped, nothing cut


def test_piped_tables_are_not_cut() -> None:
    done = run_cli("presets", env=PIPED)
    rows = {line.split()[0]: line for line in done.stdout.splitlines()[2:]}
    assert rows["office-volume-license-lockdown"].endswith("crash reports kept, manual updates.")
    assert "…" not in done.stdout
    domain = run_cli("catalog", "com.microsoft.Word", env=PIPED)
    assert "…" not in domain.stdout
    titles = [spec["title"] for spec in json.loads((REPO / "schemas" / "domains" / "com.microsoft.Word.json")
                                                   .read_text())["properties"].values()]
    assert max(map(len, titles)) > 48  # the width titles used to be cut at
    assert all(any(line.endswith(title) for line in domain.stdout.splitlines()) for title in titles)
