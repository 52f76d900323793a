"""The Jamf Pro manifest: a valid JSON Schema that draws the right form and writes the right types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from profilegen.render.jamf_schema import render
from tests.conftest import REPO

WORD: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:profilegen:domain:com.microsoft.Word",
    "title": "Microsoft Word",
    "description": "Preferences of Word for Mac.",
    "type": "object",
    "x-domain": "com.microsoft.Word",
    "x-sources": ["https://learn.microsoft.com/office/mac"],
    "properties": {
        "UseOnlineContent": {
            "title": "Online content",
            "description": "0 = no cloud sign-in; 2 = full function.",
            "type": "integer",
            "x-plist-type": "integer",
            "enum": [0, 2],
            "x-enum-titles": ["Off", "On"],
            "default": 2,
            "x-app-min": "15.25",
            "x-sources": ["reference/office-for-mac-network-requests.md", "https://example.com/doc"],
        },
        "SendAllTelemetryEnabled": {
            "title": "Usage telemetry",
            "type": "boolean",
            "x-plist-type": "bool",
            "default": True,
            "x-deprecated-in": "16.28",
            "x-replaced-by": "com.microsoft.office:DiagnosticDataTypePreference",
        },
        "Flag": {"type": "integer", "x-plist-type": "integer", "enum": [0, 1], "default": True},
        "Channel": {"type": "string", "x-plist-type": "string", "enum": ["Current", "Beta"],
                    "default": "Preview"},
        "Interval": {"type": "integer", "x-plist-type": "integer", "minimum": 60, "maximum": 1440,
                     "default": 780},
        "Ratio": {"type": "number", "x-plist-type": "real"},
        "Until": {"type": "string", "format": "date-time", "x-plist-type": "date"},
        "Token": {"type": "string", "x-plist-type": "data"},
        "Hosts": {"type": "array", "x-plist-type": "array",
                  "items": {"type": "string", "x-plist-type": "string"}},
        "Blobs": {"type": "array", "x-plist-type": "array",
                  "items": {"type": "string", "x-plist-type": "data"}},
        "Nested": {"type": "object", "x-plist-type": "dict",
                   "properties": {"On": {"type": "boolean", "x-plist-type": "bool"}}},
    },
}


def check_manifest(document: dict[str, Any]) -> None:
    jsonschema.validators.validator_for(document).check_schema(document)
    jsonschema.Draft7Validator.check_schema(document)  # Jamf's form editor speaks draft 4-7


def test_manifest_is_valid_json_schema_and_keeps_order() -> None:
    manifest = render(WORD)
    document = json.loads(manifest.dumps())
    check_manifest(document)
    assert document["title"] == "Microsoft Word (com.microsoft.Word)"
    assert document["description"] == "Preferences of Word for Mac."
    assert document["type"] == "object"
    props = document["properties"]
    assert list(props) == ["UseOnlineContent", "SendAllTelemetryEnabled", "Flag", "Channel",
                           "Interval", "Ratio", "Until", "Hosts", "Nested"]
    orders = [p["property_order"] for p in props.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def test_data_keys_are_skipped_and_reported() -> None:
    manifest = render(WORD)
    assert manifest.skipped == ("Token", "Blobs")
    text = manifest.dumps().decode()
    assert '"Token"' not in text and '"Blobs"' not in text


def test_enum_titles_default_and_links() -> None:
    props = render(WORD).document["properties"]
    online = props["UseOnlineContent"]
    assert online["type"] == "integer"
    assert online["enum"] == [0, 2]
    assert online["options"]["enum_titles"] == ["Off", "On"]
    assert online["default"] == 2
    assert online["links"] == [{"rel": "Source", "href": "https://example.com/doc"}]
    assert "Works from version 15.25." in online["description"]
    telemetry = props["SendAllTelemetryEnabled"]
    assert telemetry["type"] == "boolean" and telemetry["default"] is True
    assert "com.microsoft.office:DiagnosticDataTypePreference" in telemetry["description"]
    assert telemetry["title"] == "Usage telemetry"


def test_defaults_outside_their_enum_or_type_are_dropped() -> None:
    props = render(WORD).document["properties"]
    assert "default" not in props["Flag"]  # True is not the integer 1 in a plist
    assert "default" not in props["Channel"]  # "Preview" is not offered
    assert props["Channel"]["options"]["enum_titles"] == ["Current", "Beta"]  # values when untitled
    assert props["Interval"]["default"] == 780
    assert props["Interval"]["minimum"] == 60 and props["Interval"]["maximum"] == 1440


def test_types_jamf_writes_back() -> None:
    props = render(WORD).document["properties"]
    assert props["Ratio"]["type"] == "number"
    assert props["Until"] == {**props["Until"], "type": "string", "format": "date-time"}
    assert props["Hosts"]["items"]["type"] == "string"
    assert props["Nested"]["properties"]["On"]["type"] == "boolean"


def test_values_an_admin_would_enter_validate_against_the_manifest() -> None:
    document = render(WORD).document
    validator = jsonschema.Draft7Validator(document)
    assert not list(validator.iter_errors({"UseOnlineContent": 0, "Hosts": ["a"], "Interval": 60}))
    assert list(validator.iter_errors({"UseOnlineContent": 1}))
    assert list(validator.iter_errors({"Interval": 10}))


def _shipped_domains() -> list[Path]:
    return sorted((REPO / "schemas" / "domains").glob("*.json"))


@pytest.mark.skipif(not _shipped_domains(), reason="the catalogue has no domain files yet")
@pytest.mark.parametrize("path", _shipped_domains(), ids=lambda p: p.stem)
def test_every_shipped_domain(path: Path) -> None:
    source = json.loads(path.read_text(encoding="utf-8"))
    manifest = render(source)
    document = json.loads(manifest.dumps())
    check_manifest(document)
    kept = set(document["properties"])
    assert kept | set(manifest.skipped) == set(source.get("properties", {}))
    for key, prop in document["properties"].items():
        if "default" in prop and "enum" in prop:
            assert prop["default"] in prop["enum"], key
        if "enum" in prop:
            assert len(prop["options"]["enum_titles"]) == len(prop["enum"]), key
