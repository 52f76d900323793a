"""A catalogue domain whose keys repeat the same schemas: read as shared objects, checked as if each had its own."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

from profilegen.catalog import load_domain_file
from profilegen.catalog.domains import SHARED_FROM
from tests.signing_pki import run_profilegen

DOMAIN = "com.example.shared"
FLAG = {"type": "boolean", "x-plist-type": "bool"}
MODE = {"type": "string", "enum": ["Fast", "Slow"], "x-plist-type": "string"}
COUNT = {"type": "integer", "minimum": 0, "maximum": 10, "x-plist-type": "integer"}
WHOLE = {"type": "integer", "x-plist-type": "real"}  # a real the validator must see: 1.0 passes, 2.5 does not
TEXT = {"type": "string", "x-plist-type": "integer"}  # only a type: judged once per value type
STATE = {"type": "string", "x-plist-type": "string", "x-do-not-set": "the app's own state"}
LIST = {"type": "array", "items": {"type": "string"}, "x-plist-type": "array"}
SCHEMAS: dict[str, dict[str, Any]] = {
    "Flag1": FLAG, "Flag2": FLAG, "Flag3": FLAG, "Mode1": MODE, "Mode2": MODE, "Mode3": MODE,
    "Count1": COUNT, "Count2": COUNT, "Count3": COUNT, "Whole1": WHOLE, "Whole2": WHOLE,
    "Text1": TEXT, "Text2": TEXT, "State1": STATE, "State2": STATE, "List1": LIST, "List2": LIST,
}
SETTINGS: dict[str, Any] = {  # a bad value in one key of each shared schema, after a good one
    "Flag1": True, "Flag2": "yes", "Flag3": False, "Mode1": "Fast", "Mode2": "Medium", "Mode3": "Slow",
    "Count1": 3, "Count2": 11, "Count3": -1, "Whole1": 1.0, "Whole2": 2.5, "Text1": 5, "Text2": 6,
    "State1": "a", "State2": "b", "List1": ["a"], "List2": ["a", 7],
}


def _catalogue(root: Path, properties: dict[str, Any]) -> Path:
    """A domain big enough to be read with its equal schemas shared (keys the profile does not set pad it)."""
    (root / "domains").mkdir(parents=True)
    padding = {f"Pad{i}": {"type": "string", "x-plist-type": "string"} for i in range(SHARED_FROM // 40)}
    text = json.dumps({"type": "object", "x-domain": DOMAIN, "title": "shared",
                       "properties": {**properties, **padding}})
    assert len(text) >= SHARED_FROM
    (root / "domains" / f"{DOMAIN}.json").write_text(text)
    return root


def _profile(path: Path) -> Path:
    path.write_bytes(plistlib.dumps({
        "PayloadContent": [{
            "PayloadContent": {DOMAIN: {"Forced": [{"mcx_preference_settings": SETTINGS}]}},
            "PayloadIdentifier": "com.example.shared.payload", "PayloadType": "com.apple.ManagedClient.preferences",
            "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1}],
        "PayloadDisplayName": "Shared", "PayloadIdentifier": "com.example.shared", "PayloadType": "Configuration",
        "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1}))
    return path


def _findings(catalogue: Path, profile: Path) -> list[tuple[str, int | None, str]]:
    result = run_profilegen("validate", "--format", "json", "--catalog", catalogue, profile)
    assert result.returncode == 1, result.stderr
    return [(f["rule"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]


def test_equal_key_schemas_are_read_as_one_object_and_every_difference_kept_apart(tmp_path: Path) -> None:
    properties = {
        "A": {"type": "boolean"}, "B": {"type": "boolean"}, "Swapped": {"x-plist-type": "bool", "type": "boolean"},
        "True": {"const": True}, "One": {"const": 1}, "OneReal": {"const": 1.0}, "Text": {"const": "1"},
        "Zero": {"minimum": 0.0}, "MinusZero": {"minimum": -0.0}, "L1": LIST, "L2": LIST,
        "E1": {"enum": [1, 2]}, "E2": {"enum": [1, 2]}, "E3": {"enum": [True, 2]},
    }
    path = _catalogue(tmp_path / "c", properties) / "domains" / f"{DOMAIN}.json"
    read = load_domain_file(path).key_schemas
    assert read == json.loads(path.read_text())["properties"]  # the same content as a plain read
    assert read["A"] is read["B"] and read["L1"] is read["L2"] and read["E1"] is read["E2"]
    assert read["L1"]["items"] is read["L2"]["items"]
    assert list(read["Swapped"]) == ["x-plist-type", "type"] and read["Swapped"] is not read["A"]
    distinct = [read[k] for k in ("True", "One", "OneReal", "Text")] + [read["Zero"], read["MinusZero"], read["E3"]]
    assert len({id(schema) for schema in distinct}) == len(distinct)
    assert type(read["OneReal"]["const"]) is float and str(read["MinusZero"]["minimum"]) == "-0.0"
    assert read["E3"]["enum"][0] is True


def test_a_small_domain_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / f"{DOMAIN}.json"
    path.write_text(json.dumps({"properties": {"A": {"type": "boolean"}, "B": {"type": "boolean"}}}))
    read = load_domain_file(path).key_schemas
    assert read == {"A": {"type": "boolean"}, "B": {"type": "boolean"}} and read["A"] is not read["B"]


def test_keys_sharing_a_schema_get_the_findings_keys_with_their_own_schemas_get(tmp_path: Path) -> None:
    profile = _profile(tmp_path / "p.mobileconfig")
    shared = _findings(_catalogue(tmp_path / "shared", SCHEMAS), profile)
    own = _findings(_catalogue(tmp_path / "own", {k: {**v, "title": k} for k, v in SCHEMAS.items()}), profile)
    assert shared == own
    named = {(rule, message.split(" ", 1)[0]) for rule, _, message in shared}
    assert named == {
        ("value-type", f"{DOMAIN}:Flag2"), ("value-allowed", f"{DOMAIN}:Mode2"),
        ("value-allowed", f"{DOMAIN}:Count2"), ("value-allowed", f"{DOMAIN}:Count3"),
        ("value-allowed", f"{DOMAIN}:Whole2"), ("value-allowed", f"{DOMAIN}:Text1"),
        ("value-allowed", f"{DOMAIN}:Text2"), ("do-not-set", f"{DOMAIN}:State1"),
        ("do-not-set", f"{DOMAIN}:State2"), ("value-allowed", f"{DOMAIN}:List2"),
    }
    lines = {message.split(" ", 1)[0]: line for _, line, message in shared}
    assert len(set(lines.values())) == len(lines) and all(isinstance(line, int) for line in lines.values())


def test_a_big_domain_is_read_without_a_copy_of_its_text(tmp_path: Path) -> None:
    """The document and the properties hold everything: comparing them by content would spell out the whole
    file once more (and keep it while the domain loads)."""
    import tracemalloc

    path = _catalogue(tmp_path / "c", {f"Key{i}": {"type": "string", "x-plist-type": "string"} for i in range(20_000)})
    path = path / "domains" / f"{DOMAIN}.json"
    tracemalloc.start()
    try:
        read = load_domain_file(path).key_schemas
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read["Key1"] is read["Key2"] is read["Pad1"]
    assert peak < 3.5 * path.stat().st_size  # with the document spelt out: 5 times
