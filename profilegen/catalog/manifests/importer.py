"""Import a folder of ProfileManifests manifests into a user catalogue (``<catalogue>/domains/*.json``).

Reads every ``*.plist`` under the folder (a ProfileManifests checkout, its Manifests/ folder, or iMazing
Profile Editor's copy), converts each, merges manifests that share a domain (pfm_subdomain), and writes
one file per domain atomically. A manifest that cannot be read is reported and skipped.
"""

from __future__ import annotations

import json
import plistlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from profilegen import atomic
from profilegen.catalog.manifests.convert import Conversion, ManifestError, SkippedKey, convert_manifest
from profilegen.errors import InputError
from profilegen.outpath import inside
from profilegen.printable import quoted

MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # the largest real manifest (Edge) is about 0.4 MB
APPLE_PAYLOADS_FOLDER = "ManifestsApple"


@dataclass(frozen=True)
class SkippedManifest:
    path: Path
    reason: str


@dataclass
class ImportReport:
    source: Path
    target: Path  # the catalogue folder; files go to target / "domains"
    manifests: int = 0  # manifests read and converted
    written: list[Path] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    keys: int = 0
    nested_keys: int = 0
    skipped_keys: list[SkippedKey] = field(default_factory=list)
    unknown_keys: Counter[str] = field(default_factory=Counter)
    notes: int = 0
    skipped_manifests: list[SkippedManifest] = field(default_factory=list)
    shadowed: list[str] = field(default_factory=list)  # domains our shipped schemas define: ours win
    merged: dict[str, list[str]] = field(default_factory=dict)  # domain -> sources, when more than one


def find_manifests(source: Path) -> list[Path]:
    """Every ``*.plist`` under ``source`` (or ``source`` itself), sorted, hidden folders left out."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise InputError(f"{source} is not a folder", hint="give a ProfileManifests checkout or its Manifests/ folder")
    found: list[Path] = []
    for path in source.rglob("*.plist"):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts[:-1]):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(source).as_posix())


def read_manifest(path: Path) -> Any:
    """Parse one manifest plist (XML or binary; plistlib refuses XML entity declarations)."""
    from profilegen.inputfile import read_input

    try:
        data = read_input(path, what="manifest", limit=MAX_MANIFEST_BYTES)
    except InputError as error:  # skipped with a warning, like any manifest that cannot be imported
        raise ManifestError(error.message, path=path, hint=error.hint) from None
    try:
        return plistlib.loads(data)
    except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError, OverflowError) as exc:
        raise ManifestError(
            f"not a property list ({exc})", path=path, hint="expected a ProfileManifests manifest"
        ) from None


def dumps_document(document: dict[str, Any]) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _primary_first(domain: str, conversions: list[Conversion]) -> list[Conversion]:
    """The manifest named after the domain leads a merge; the rest follow in path order."""
    named = [c for c in conversions if c.source.endswith(f":{domain}.plist")]
    return named + [c for c in conversions if c not in named]


def merge(domain: str, conversions: list[Conversion]) -> tuple[dict[str, Any], list[SkippedKey]]:
    """One document from several manifests of one domain; the first definition of a key wins."""
    ordered = _primary_first(domain, conversions)
    document = json.loads(json.dumps(ordered[0].document))  # a deep copy
    skipped: list[SkippedKey] = []
    properties: dict[str, Any] = document["properties"]
    origin = dict.fromkeys(properties, ordered[0].source)
    required: list[str] = list(document.get("required", []))
    sources: list[str] = list(document["x-sources"])
    for other in ordered[1:]:
        other_required = set(other.document.get("required", []))
        for name, schema in other.document["properties"].items():
            if name in properties:
                if properties[name] != schema:
                    reason = f"also in {other.source}; the definition in {origin[name]} is kept"
                    skipped.append(SkippedKey(domain, name, reason))
                continue
            properties[name] = schema
            origin[name] = other.source
            if name in other_required:
                required.append(name)
        sources += [s for s in other.document["x-sources"] if s not in sources]
    if required:
        document["required"] = required
    document["x-sources"] = sources
    merged_note = "Merged from " + ", ".join(c.source for c in ordered) + "."
    notes = document.get("x-notes")
    document["x-notes"] = f"{notes}\n{merged_note}" if notes else merged_note
    return document, skipped


def import_manifests(source: Path, target: Path, *, shipped_domains: Iterable[str] = ()) -> ImportReport:
    """Convert every manifest under ``source`` and write ``target/domains/<domain>.json``."""
    report = ImportReport(source=source, target=target)
    by_domain: dict[str, list[Conversion]] = {}
    for path in find_manifests(source):
        apple = APPLE_PAYLOADS_FOLDER in path.parts
        try:
            conversion = convert_manifest(read_manifest(path), path.name, apple_payload=apple)
        except ManifestError as error:
            report.skipped_manifests.append(SkippedManifest(path, error.message))
            continue
        report.manifests += 1
        by_domain.setdefault(conversion.domain, []).append(conversion)
        report.skipped_keys += conversion.stats.skipped
        report.unknown_keys.update(conversion.stats.unknown)
        report.nested_keys += conversion.stats.nested_keys
        report.notes += conversion.stats.notes

    if not by_domain:
        first = report.skipped_manifests[0] if report.skipped_manifests else None
        raise InputError(
            f"no manifest imported from {source}"
            + (f" ({len(report.skipped_manifests)} unreadable, first: {first.path}: {first.reason})" if first else ""),
            hint="give a ProfileManifests checkout, its Manifests/ folder or iMazing Profile Editor's copy",
        )

    rendered: dict[Path, bytes] = {}
    domains_dir = target / "domains"
    for domain in sorted(by_domain):
        conversions = by_domain[domain]
        if len(conversions) == 1:
            document = conversions[0].document
        else:
            document, conflicts = merge(domain, conversions)
            report.skipped_keys += conflicts
            report.merged[domain] = [c.source for c in conversions]
        report.keys += len(document["properties"])
        where = conversions[0].source
        rendered[inside(domains_dir, f"{domain}.json", source=where, what=f"pfm_domain {quoted(domain)}",
                        fix="correct the manifest's pfm_domain")] = dumps_document(document)
        report.domains.append(domain)

    # everything rendered before the first write; all written, or none (atomic.py)
    atomic.write_all({path: (data, atomic.FILE_MODE) for path, data in rendered.items()}, force=True)
    report.written += rendered
    shipped = set(shipped_domains)
    report.shadowed = [d for d in report.domains if d in shipped]
    return report
