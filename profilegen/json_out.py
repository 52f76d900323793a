"""The JSON the commands print with `--format json`: one place for the shapes, which schemas/output/*.json
describe and the tests check. Plist values are written as `plisttypes.to_json` does (dates as ISO 8601 UTC
text, data as base64) with their plist type beside them, so nothing is lost.
"""

from __future__ import annotations

import json
from typing import Any

from profilegen.plisttypes import PlistValue, plist_type_of, to_json
from profilegen.preset import Preset, preset_document

SHAPE_VERSION = 1  # raised when a shape changes in a way a reader would notice


def dumps(data: dict[str, Any]) -> str:
    """Sorted by the writer's own order (not by key), two-space indented, UTF-8 text kept as it is."""
    return json.dumps({"version": SHAPE_VERSION, **data}, indent=2, ensure_ascii=False)


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
