"""Converted payload schemas as files: ``<PayloadType>.json`` and ``_index.json`` in one folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from profilegen import atomic
from profilegen.apple.source import INDEX_FILE, Conversion, convert_checkout


def file_name(payload_type: str) -> str:
    return f"{payload_type}.json"


def dumps(document: dict[str, Any]) -> bytes:
    """One line per top-level key: compact (the whole set ships in the wheel) yet diffable in review."""
    lines = [f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
             for key, value in document.items()]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def render(conversion: Conversion) -> dict[str, bytes]:
    files = {file_name(name): dumps(schema) for name, schema in conversion.schemas.items()}
    files[INDEX_FILE] = (json.dumps(conversion.index(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def summary(conversion: Conversion) -> list[str]:
    lines = [f"Apple commit {conversion.commit or 'unknown'}: {conversion.yaml_files} files, "
             f"{conversion.macos_files} for macOS, {conversion.keys:,} key definitions; "
             f"{len(conversion.schemas)} payload types written, {len(conversion.other_platforms)} other-platform "
             "types indexed"]
    lines += [f"warning: override rule {rule} applies to nothing" for rule in conversion.unused_rules]
    return lines


def write_schemas(checkout: Path, out: Path) -> list[str]:
    """Regenerate ``out`` (schemas/payloads): the converted files written, stale ones removed."""
    conversion = convert_checkout(checkout)
    files = render(conversion)
    atomic.write_all({out / name: (data, 0o644) for name, data in files.items()}, force=True)
    for stale in out.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for stale in out.glob(".*.json"):
        if stale.name not in files:
            stale.unlink()
    return summary(conversion)
