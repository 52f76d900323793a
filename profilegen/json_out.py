"""The JSON the commands print with `--format json`: one place for the shapes, which schemas/output/*.json
describe and the tests check. Plist values are written as `plisttypes.to_json` does (dates as ISO 8601 UTC
text, data as base64) with their plist type beside them, so nothing is lost.
"""

from __future__ import annotations

from typing import Any

from profilegen.plisttypes import PlistValue, plist_type_of, to_json
from profilegen.preset import Preset, preset_document

SHAPE_VERSION = 1  # raised when a shape changes in a way a reader would notice


def dumps(data: dict[str, Any]) -> str:
    """In the writer's own order (not sorted), two-space indented, non-ASCII text kept, controls escaped
    (`printable.json_text`: safe on a terminal, the same values parsed)."""
    from profilegen.printable import json_text

    return json_text({"version": SHAPE_VERSION, **data})


def typed(value: PlistValue) -> dict[str, Any]:
    return {"type": plist_type_of(value), "value": to_json(value)}


def preset_summary(preset: Preset) -> dict[str, Any]:
    meta = preset.profile
    return {"name": preset.name, "display_name": meta.display_name, "identifier": meta.identifier,
            "description": meta.description, "choices": dict(preset.choices)}


def preset_data(preset: Preset) -> dict[str, Any]:
    """The preset's document (what its TOML holds), as JSON."""
    document = preset_document(preset)
    if "settings" in document:
        document["settings"] = {domain: {key: to_json(value) for key, value in keys.items()}
                                for domain, keys in preset.settings.items()}
    return {"name": preset.name, "preset": document}


def finding_data(finding: Any) -> dict[str, Any]:
    """A build finding (resolve.Finding): severity, rule, message and the key it names."""
    return {"severity": finding.severity, "rule": finding.rule, "message": finding.message,
            "domain": finding.domain, "key": finding.key}


def build_data(results: Any, targets: Any, unchanged: Any) -> dict[str, Any]:
    """What `build --format json` prints: per preset, what it wrote, its settings and its findings."""
    presets = []
    for result, paths in zip(results, targets, strict=True):
        resolution = result.resolution
        settings = [{"domain": domain, "key": key, **typed(value), "from": resolution.origins.get((domain, key), "")}
                    for domain, keys in resolution.settings.items() for key, value in keys.items()]
        presets.append({
            "name": result.preset.name, "identifier": result.preset.profile.identifier,
            "display_name": result.preset.profile.display_name,
            "outputs": [{"path": str(path), "status": "unchanged" if path in unchanged else "written"}
                        for path in paths],
            "settings": settings, "payloads": list(result.payload_names),
            "findings": [finding_data(f) for f in resolution.findings]})
    return {"presets": presets}


def diff_data(a: str, b: str, changes: Any) -> dict[str, Any]:
    """What `diff --format json` prints: each changed key, its old and new value (null: absent)."""
    return {"a": a, "b": b, "same": not changes, "changes": [
        {"kind": change.kind, "area": change.area, "domain": change.domain, "key": change.key,
         "old": None if change.old is None else to_json(change.old),
         "new": None if change.new is None else to_json(change.new)} for change in changes]}
