"""`validate` on a preset: load and resolve it with the core, and report what it says as findings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from profilegen.errors import InputError, ValidationError
from profilegen.inspect.findings import Finding, finding
from profilegen.record import replace

if TYPE_CHECKING:
    from profilegen.catalog import Catalog


def lint_preset(path: Path | str, catalog: Catalog, office_version: str | None = None,
                macos_version: str | None = None) -> list[Finding]:
    from profilegen.preset import load_preset
    from profilegen.resolve import resolve

    file = str(path)
    try:
        preset = load_preset(file)
        if office_version:
            preset = replace(preset, fleet=replace(preset.fleet, office_version=office_version))
        if macos_version:  # as --office-version does for Office keys: the command line wins over [fleet]
            preset = replace(preset, fleet=replace(preset.fleet, macos_version=macos_version))
        resolution = resolve(preset, catalog)
    except InputError as error:
        return [finding("unreadable", file, None, error.message, error.hint or "")]
    except ValidationError as error:
        lines = _lines(path)
        return [
            finding("preset-invalid", file, _locate(lines, message), message, error.hint or "")
            for message in error.message.splitlines()
        ]
    lines = _lines(path)
    # resolve's own rule ids (unknown-key, license-unknown, version-too-old...) are kept as they are.
    return [
        Finding(item.severity, item.rule, file, _locate(lines, item.key or item.message), item.message, "")
        for item in resolution.findings
    ]


def _lines(path: Path | str) -> list[str]:
    from profilegen.inputfile import read_input

    try:
        return read_input(path, what="preset").decode("utf-8").splitlines()
    except (InputError, UnicodeDecodeError):
        return []


def _locate_payload(lines: list[str], text: str) -> int | None:
    """For ``payloads[N].A.B[0].C ...``: the line of C (or of the nearest table on the path) inside the N-th
    ``[[payloads]]`` table, else of that table's header."""
    match = re.match(r"payloads\[(\d+)\]((?:\.[A-Za-z0-9_.-]+|\[\d+\])*)", text)
    if match is None:
        return None
    headers = [n for n, line in enumerate(lines, start=1) if line.strip() == "[[payloads]]"]
    index = int(match.group(1))
    if index >= len(headers):
        return None
    start, end = headers[index], headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
    names = [n for n in re.findall(r"[A-Za-z0-9_-]+", re.sub(r"\[\d+\]", "", match.group(2)))]
    for name in reversed(names):
        pattern = re.compile(rf'^\s*(?:"?{re.escape(name)}"?\s*=|\[\[?payloads\..*\b{re.escape(name)}\]\]?\s*$)')
        for number in range(start, end):
            if pattern.match(lines[number - 1]):
                return number
    return start


def _locate(lines: list[str], text: str) -> int | None:
    """The line of the first ``name =`` that ``text`` mentions (a key or choice name), if any."""
    if text.startswith("payloads["):
        return _locate_payload(lines, text)
    names = re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", text)
    for name in names:
        pattern = re.compile(rf'^\s*"?{re.escape(name)}"?\s*=')
        for number, line in enumerate(lines, start=1):
            if pattern.match(line):
                return number
    return None
