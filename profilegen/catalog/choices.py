"""The named admin decisions (schemas/choices.toml): choices, their options, and the cheap split of the
file into tables that lets a build parse only the options its preset names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from profilegen.errors import InputError
from profilegen.plisttypes import PlistValue
from profilegen.record import Record


class Effect(Record):
    domain: str
    key: str
    value: PlistValue


class Option(Record):
    choice: str
    name: str
    title: str
    description: str = ""
    warning: str | None = None
    requires_license: str | None = None
    app_min: str | None = None
    app_max: str | None = None
    silences: tuple[str, ...] = ()
    sets: tuple[Effect, ...] = ()
    replaced_by: tuple[str, ...] = ()  # "choice = option" texts that do the same on later versions
    payloads: tuple[dict[str, Any], ...] = ()  # [[payloads]] tables, as a preset writes them (TOML, unparsed)

    @property
    def label(self) -> str:
        return f"{self.choice} = {self.name!r}"


class Choice(Record):
    name: str
    title: str
    description: str
    options: dict[str, Option]
    sources: tuple[str, ...] = ()


def _read_choices_text(path: Path) -> str:
    from profilegen.inputfile import read_input

    try:
        return read_input(path, what="choices file").decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("choices file is not UTF-8 text", path=path) from None


def _option(choice: str, name: str, body: dict[str, Any]) -> Option:
    return Option(
        choice=choice,
        name=name,
        title=str(body.get("title", name)),
        description=str(body.get("description", "")),
        warning=body.get("warning"),
        requires_license=body.get("requires-license"),
        app_min=body.get("app-min"),
        app_max=body.get("app-max"),
        silences=tuple(body.get("silences", ())),
        sets=tuple(Effect(e["domain"], e["key"], e["value"]) for e in body.get("sets", ())),
        replaced_by=tuple(str(r) for r in body.get("replaced-by", ())),
        payloads=tuple(body.get("payloads", ())),
    )


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib  # pure Python and large: validate, show and diff of a profile never parse TOML

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=path) from None


def _parse_choices(text: str, path: Path) -> dict[str, Choice]:
    data = _parse_toml(text, path)
    choices: dict[str, Choice] = {}
    for name, body in data.items():
        if not isinstance(body, dict):
            raise InputError(f"choice {name!r} must be a table", path=path)
        options: dict[str, Option] = {}
        for option_name, option in body.get("options", {}).items():
            options[option_name] = _option(name, option_name, option)
        choices[name] = Choice(
            name=name,
            title=str(body.get("title", name)),
            description=str(body.get("description", "")),
            options=options,
            sources=tuple(body.get("sources", ())),
        )
    return choices


_TABLE_HEADER = re.compile(r"^\[([A-Za-z0-9_-]+)(\.[^\]]*)?\]\s*(?:#.*)?$", re.MULTILINE)
_OPTION_TABLE = ".options."


def split_tables(text: str) -> dict[str, dict[str, str]]:
    """choices.toml cut into its tables, by choice then by the rest of the header ("" for the choice's own
    table, ".options.NAME" for an option), without parsing it.

    tomllib is pure Python: parsing the whole file costs more than the rest of a build, so a build parses
    only the option tables its preset names. A test checks that the pieces parse to the whole.
    """
    tables: dict[str, dict[str, str]] = {}
    headers = list(_TABLE_HEADER.finditer(text))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        rest = header.group(2) or ""
        chunks = tables.setdefault(header.group(1), {})
        chunks[rest] = chunks.get(rest, "") + text[header.start():end]
    return tables


def split_choices(text: str) -> dict[str, str]:
    """One TOML text per choice: its table and all its sub-tables."""
    return {name: "".join(chunks.values()) for name, chunks in split_tables(text).items()}
