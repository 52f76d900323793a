"""Converted payload schemas as files: ``<PayloadType>.json`` and ``_index.json`` in one folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from profilegen import atomic
from profilegen.catalog.apple.source import INDEX_FILE, Conversion, convert_checkout
from profilegen.errors import InputError
from profilegen.outpath import inside
from profilegen.printable import quoted


def file_name(payload_type: str) -> str:
    return f"{payload_type}.json"


def target(folder: Path, payload_type: str, conversion: Conversion) -> Path:
    """``folder/<PayloadType>.json``, through the output-path guard (a payload type is input: it may be
    ``../x``); a name beginning with "_" would take the index's place and is refused too."""
    source = conversion.sources.get(payload_type)
    what = f"the payloadtype {quoted(payload_type)}"
    fix = "correct payload.payloadtype in Apple's file"
    path = inside(folder, file_name(payload_type), source=source, what=what, fix=fix)
    if payload_type.startswith("_"):
        raise InputError(f"{what} cannot name an output file: a name beginning with '_' is the index's",
                         path=source, hint=fix)
    return path


def dumps(document: dict[str, Any]) -> bytes:
    """One line per top-level key: compact (the whole set ships in the wheel) yet diffable in review."""
    lines = [f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
             for key, value in document.items()]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def render(conversion: Conversion, folder: Path = Path()) -> dict[Path, bytes]:
    """Every file of the folder, by path: each checked before the first is written."""
    files = {target(folder, name, conversion): dumps(schema) for name, schema in conversion.schemas.items()}
    files[folder / INDEX_FILE] = (json.dumps(conversion.index(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
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
    files = render(conversion, out)
    atomic.write_all({path: (data, 0o644) for path, data in files.items()}, force=True)
    names = {path.name for path in files}
    for stale in [*out.glob("*.json"), *out.glob(".*.json")]:
        if stale.name not in names:
            stale.unlink()
    return summary(conversion)


def import_apple(checkout: Path, catalog_dir: Path, shipped: Path) -> list[str]:
    """`catalog import-apple`: a checkout into ``catalog_dir/payloads``, Apple's descriptions kept; the
    report says which shipped types the import now shadows (the user catalogue wins for the same type)."""
    conversion = convert_checkout(checkout, descriptions=True)
    folder = catalog_dir / "payloads"
    files = render(conversion, folder)
    atomic.write_all({path: (data, 0o644) for path, data in files.items()}, force=True)
    shadowed = sorted((name for name in conversion.schemas if (shipped / file_name(name)).is_file()), key=str.lower)
    new = sorted((name for name in conversion.schemas if name not in shadowed), key=str.lower)
    lines = summary(conversion)
    lines[0] = lines[0].replace("payload types written", f"payload types written to {folder}")
    if shadowed:
        lines.append(f"shadows the shipped schema of {len(shadowed)} payload type(s) (the user catalogue wins): "
                     + ", ".join(shadowed))
    if new:
        lines.append(f"{len(new)} payload type(s) not shipped: " + ", ".join(new))
    return lines
