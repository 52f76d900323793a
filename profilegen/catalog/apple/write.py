"""Converted payload schemas as files: ``<PayloadType>.json`` and ``_index.json`` in one folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from profilegen import atomic
from profilegen.catalog.apple.source import INDEX_FILE, Conversion, convert_checkout
from profilegen.errors import InputError
from profilegen.forms import is_domain


def file_name(payload_type: str) -> str:
    """``<PayloadType>.json``; a type that is not a plain dotted name (a path, say) is refused."""
    if not is_domain(payload_type) or payload_type.startswith("_"):
        raise InputError(f"payload type {payload_type!r} cannot name a file",
                         hint="a payload type is letters, digits, '.', '_' and '-'")
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


def import_apple(checkout: Path, catalog_dir: Path, shipped: Path) -> list[str]:
    """`catalog import-apple`: a checkout into ``catalog_dir/payloads``, Apple's descriptions kept; the
    report says which shipped types the import now shadows (the user catalogue wins for the same type)."""
    conversion = convert_checkout(checkout, descriptions=True)
    files = render(conversion)
    target = catalog_dir / "payloads"
    atomic.write_all({target / name: (data, 0o644) for name, data in files.items()}, force=True)
    shadowed = sorted((name for name in conversion.schemas if (shipped / file_name(name)).is_file()), key=str.lower)
    new = sorted((name for name in conversion.schemas if name not in shadowed), key=str.lower)
    lines = summary(conversion)
    lines[0] = lines[0].replace("payload types written", f"payload types written to {target}")
    if shadowed:
        lines.append(f"shadows the shipped schema of {len(shadowed)} payload type(s) (the user catalogue wins): "
                     + ", ".join(shadowed))
    if new:
        lines.append(f"{len(new)} payload type(s) not shipped: " + ", ".join(new))
    return lines
