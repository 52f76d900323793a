"""Apple's device-management YAML -> our payload schemas: small files written here, then the pinned copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the test extra
import pytest

from profilegen.catalog.apple.overrides import load_rules
from profilegen.catalog.apple.source import convert_checkout
from profilegen.catalog.apple.write import render, write_schemas
from profilegen.errors import InputError
from tests.conftest import FIXTURES, REPO

APPLE = FIXTURES / "apple-device-management"

TOP = """\
title: Top Level
payload:
  payloadtype: TopLevel
  supportedOS:
    macOS: {introduced: '10.7', multiple: false}
payloadkeys:
- key: PayloadType
  type: <string>
  presence: required
  rangelist: [Configuration]
- key: PayloadContent
  type: <array>
  presence: required
  subkeys:
  - key: PayloadContentItem
    type: <dictionary>
    subkeys:
    - key: ANY
      type: <any>
"""
COMMON = """\
title: Common Payload Keys
payload:
  payloadtype: CommonPayloadKeys
  supportedOS:
    macOS: {introduced: '10.7'}
payloadkeys:
- key: PayloadIdentifier
  type: <string>
  presence: required
- key: PayloadType
  type: <string>
  presence: required
"""
# aliases shared (&ident), a named structure (subkeytype), a recursive alias (&tree), ANY, per-key OS versions
PPPC_LIKE = """\
title: Example Policy
description: Apple's prose.
payload:
  payloadtype: com.example.policy
  supportedOS:
    iOS: {introduced: '12.0'}
    macOS: {introduced: '10.14', multiple: true}
payloadkeys:
- key: Services
  type: <dictionary>
  presence: required
  content: Apple's words about services.
  subkeys:
  - key: Camera
    type: <array>
    subkeytype: Identity
    subkeys: &ident
    - key: IdentityDict
      type: <dictionary>
      subkeys:
      - key: Identifier
        type: <string>
        presence: required
      - key: Allowed
        type: <boolean>
        presence: required
      - key: Authorization
        type: <string>
        supportedOS:
          macOS: {introduced: '11.0'}
        rangelist: [Allow, Deny]
  - key: Files
    type: <array>
    subkeytype: Identity
    subkeys: *ident
- key: Tree
  type: <array>
  subkeys: &tree
  - key: Node
    type: <dictionary>
    subkeys:
    - key: Name
      type: <string>
      format: ^[a-z]+$
    - key: Children
      type: <array>
      subkeys: *tree
- key: Extra
  type: <dictionary>
  subkeys:
  - key: ANY
    type: <integer>
- key: Anything
  type: <dictionary>
  subkeys:
  - key: ANY
    type: <any>
- key: Level
  type: <integer>
  range: {min: 1, max: 9}
  default: 3
- key: Ratio
  type: <real>
  rangelist: [1, 2.5]
- key: OldKey
  type: <boolean>
  supportedOS:
    macOS: {introduced: '10.14', deprecated: '12.0', removed: '14.0', supervised: true}
- key: PhoneOnly
  type: <string>
  supportedOS:
    macOS: {introduced: n/a}
- key: Stamp
  type: <date>
- key: Blob
  type: <data>
"""
PHONE = """\
title: Phone Thing
payload:
  payloadtype: com.example.phone
  supportedOS:
    iOS: {introduced: '7.0'}
    macOS: {introduced: n/a}
payloadkeys:
- key: Whatever
  type: <string>
"""
VARIANT_A = """\
title: Accounts
payload:
  payloadtype: com.example.MCX
  supportedOS: {macOS: {introduced: '10.7'}}
payloadkeys:
- key: Guest
  type: <boolean>
  presence: required
"""
VARIANT_B = """\
title: Time Server
payload:
  payloadtype: com.example.MCX
  supportedOS: {macOS: {introduced: '10.7'}}
payloadkeys:
- key: timeServer
  type: <string>
"""
RULES = """\
[[rule]]
id = "either"
payload = "com.example.policy"
at = ["Services/*/[]"]
message = "Allowed or Authorization"
source = "the test"
not-required = ["Allowed"]
schema = { oneOf = [{ required = ["Allowed"] }, { required = ["Authorization"] }] }

[[rule]]
id = "deny-only"
payload = "com.example.policy"
at = ["Services/Camera/[]"]
severity = "warning"
message = "deny only"
source = "the test"
schema = { properties = { Allowed = { const = false } } }

[[rule]]
id = "ghost"
payload = "com.example.policy"
at = ["Nowhere"]
message = "m"
source = "s"
schema = { required = ["x"] }
"""


def checkout(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "device-management" / "mdm" / "profiles"
    folder.mkdir(parents=True)
    for name, text in {"TopLevel": TOP, "CommonPayloadKeys": COMMON, **files}.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "device-management" / "SOURCE.txt").write_text(
        "apple/device-management 0123456789abcdef0123456789abcdef01234567 (branch release)\n")
    return tmp_path / "device-management"


def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES)
    return path


def converted(tmp_path: Path, **kwargs: Any) -> dict[str, Any]:
    root = checkout(tmp_path, **{"com.example.policy": PPPC_LIKE, "com.example.phone": PHONE,
                                 "com.example.MCX(Accounts)": VARIANT_A, "com.example.MCX(TimeServer)": VARIANT_B})
    result = convert_checkout(root, rules=load_rules(rules_file(tmp_path)), **kwargs)
    return {"result": result, **result.schemas}


def test_keys_types_presence_values_and_ranges(tmp_path: Path) -> None:
    schema = converted(tmp_path)["com.example.policy"]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == "Example Policy"
    assert schema["x-payload-type"] == "com.example.policy"
    assert schema["x-apple-commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert schema["x-macos-min"] == "10.14" and schema["x-multiple"] is True
    # CommonPayloadKeys merged: required first, PayloadType pinned to the payload's own type
    assert schema["required"] == ["PayloadIdentifier", "PayloadType", "Services"]
    props = schema["properties"]
    assert props["PayloadType"]["const"] == "com.example.policy"
    assert props["Level"] == {"type": "integer", "x-plist-type": "integer", "default": 3, "minimum": 1, "maximum": 9}
    assert props["Ratio"]["enum"] == [1.0, 2.5] and props["Ratio"]["type"] == "number"
    assert props["Stamp"]["format"] == "date-time" and props["Stamp"]["x-plist-type"] == "date"
    assert props["Blob"]["contentEncoding"] == "base64" and props["Blob"]["x-plist-type"] == "data"
    # facts only: Apple's prose is left out unless asked for
    assert "description" not in schema and "description" not in props["Services"]


def test_per_key_supported_os(tmp_path: Path) -> None:
    props = converted(tmp_path)["com.example.policy"]["properties"]
    assert props["OldKey"]["x-macos-min"] == "10.14"
    assert props["OldKey"]["x-macos-deprecated"] == "12.0"
    assert props["OldKey"]["x-macos-removed"] == "14.0"
    assert props["OldKey"]["x-supervised"] is True
    assert props["PhoneOnly"]["x-macos-unsupported"] is True
    identity = converted(tmp_path / "again")["com.example.policy"]["$defs"]["Identity"]
    assert identity["properties"]["Authorization"]["x-macos-min"] == "11.0"


def test_subkeytype_becomes_one_def_shared_by_its_uses(tmp_path: Path) -> None:
    schema = converted(tmp_path)["com.example.policy"]
    services = schema["properties"]["Services"]["properties"]
    assert services["Camera"]["items"]["$ref"] == "#/$defs/Identity"
    assert services["Files"]["items"]["$ref"] == "#/$defs/Identity"
    identity = schema["$defs"]["Identity"]
    assert identity["type"] == "object"
    assert identity["properties"]["Authorization"]["enum"] == ["Allow", "Deny"]


def test_recursive_alias_ends_in_a_ref(tmp_path: Path) -> None:
    schema = converted(tmp_path)["com.example.policy"]
    tree = schema["properties"]["Tree"]
    assert tree["items"] == {"$ref": "#/$defs/Tree"}
    node = schema["$defs"]["Tree"]
    assert node["properties"]["Children"]["items"] == {"$ref": "#/$defs/Tree"}
    assert node["properties"]["Name"]["pattern"] == "^[a-z]+$"
    validator = jsonschema.Draft202012Validator(schema)
    good = {"PayloadIdentifier": "x", "PayloadType": "com.example.policy", "Services": {},
            "Tree": [{"Name": "a", "Children": [{"Name": "b", "Children": []}]}]}
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "Tree": [{"Name": "a", "Children": [{"Name": "B1"}]}]}
    assert [list(e.absolute_path) for e in validator.iter_errors(bad)] == [["Tree", 0, "Children", 0, "Name"]]


def test_any_key_is_additional_properties(tmp_path: Path) -> None:
    props = converted(tmp_path)["com.example.policy"]["properties"]
    assert props["Extra"]["additionalProperties"] == {"type": "integer", "x-plist-type": "integer"}
    assert props["Anything"]["additionalProperties"] is True
    assert "properties" not in props["Extra"]


def test_other_platforms_indexed_not_converted_and_variants_merged(tmp_path: Path) -> None:
    found = converted(tmp_path)
    result = found["result"]
    assert "com.example.phone" not in result.schemas
    assert result.other_platforms == {"com.example.phone": ["iOS"]}
    mcx = result.schemas["com.example.MCX"]
    assert set(mcx["properties"]) >= {"Guest", "timeServer"}
    assert "Guest" not in mcx["required"]  # required by one variant only
    assert mcx["x-apple-files"] == ["com.example.MCX(Accounts).yaml", "com.example.MCX(TimeServer).yaml"]
    assert result.schemas["Configuration"]["properties"]["PayloadContent"]["items"]["additionalProperties"] is True
    assert result.yaml_files == 6 and result.macos_files == 3
    index = result.index()
    assert index["macos"]["com.example.policy"] == "Example Policy"
    assert index["other"] == {"com.example.phone": {"title": "Phone Thing", "platforms": ["iOS"]}}


def test_override_rules_join_the_schema_and_an_unused_rule_is_reported(tmp_path: Path) -> None:
    found = converted(tmp_path)
    schema = found["com.example.policy"]
    assert "required" not in schema["$defs"]["Identity"] or "Allowed" not in schema["$defs"]["Identity"]["required"]
    assert schema["$defs"]["rule-either"]["x-message"] == "Allowed or Authorization"
    camera = schema["properties"]["Services"]["properties"]["Camera"]["items"]
    assert {"$ref": "#/$defs/rule-deny-only"} in camera["allOf"]
    assert found["result"].unused_rules == ["ghost"]
    validator = jsonschema.Draft202012Validator(schema)
    base = {"PayloadIdentifier": "x", "PayloadType": "com.example.policy"}
    both = {**base, "Services": {"Files": [{"Identifier": "a", "Allowed": True, "Authorization": "Allow"}]}}
    assert [e.validator for e in validator.iter_errors(both)] == ["oneOf"]
    allowed_camera = {**base, "Services": {"Camera": [{"Identifier": "a", "Allowed": True}]}}
    assert [e.validator for e in validator.iter_errors(allowed_camera)] == ["const"]


def test_descriptions_kept_when_asked(tmp_path: Path) -> None:
    schema = converted(tmp_path, descriptions=True)["com.example.policy"]
    assert schema["description"] == "Apple's prose."
    assert schema["properties"]["Services"]["description"] == "Apple's words about services."


def test_written_files_and_bad_input(tmp_path: Path) -> None:
    root = checkout(tmp_path, **{"com.example.policy": PPPC_LIKE})
    out = tmp_path / "out"
    out.mkdir()
    (out / "com.example.gone.json").write_text("{}")
    lines = write_schemas(root, out)
    assert "3 files, 1 for macOS" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["Configuration.json", "_index.json", "com.example.policy.json"]
    assert json.loads((out / "com.example.policy.json").read_bytes())["title"] == "Example Policy"
    (root / "mdm" / "profiles" / "broken.yaml").write_text("payload: [unclosed\n")
    with pytest.raises(InputError) as caught:
        convert_checkout(root)
    assert "broken.yaml" in caught.value.render() and "not valid YAML" in caught.value.render()
    with pytest.raises(InputError) as nowhere:
        convert_checkout(tmp_path / "empty")
    assert "TopLevel.yaml" in nowhere.value.render()


@pytest.mark.corpus
def test_the_pinned_copy_converts_and_matches_the_shipped_schemas() -> None:
    result = convert_checkout(APPLE)
    print(f"\n{result.yaml_files} files, {result.macos_files} for macOS, {result.keys} key definitions, "
          f"{len(result.schemas)} payload types, {len(result.other_platforms)} other-platform types")
    assert (result.yaml_files, result.macos_files, result.keys) == (128, 109, 2220)
    assert result.unused_rules == []
    for schema in result.schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    shipped = REPO / "schemas" / "payloads"
    files = render(result)
    on_disk = {p.name: p.read_bytes() for p in shipped.iterdir() if p.suffix == ".json"}
    assert on_disk == {p.name: data for p, data in files.items()}, \
        "schemas/payloads is stale: run `python -m profilegen.catalog.apple CHECKOUT`"


SECRETS = """
payload:
  payloadtype: com.example.secrets
  supportedOS:
    macOS:
      introduced: '10.15'
payloadkeys:
- key: Password
  type: <string>
  presence: optional
- key: SharedSecret
  type: <data>
  presence: optional
- key: askForPassword
  type: <boolean>
  presence: optional
- key: UserName
  type: <string>
  presence: optional
"""


def test_secret_keys_are_flagged_sensitive(tmp_path: Path) -> None:
    root = checkout(tmp_path, **{"com.example.secrets": SECRETS})
    props = convert_checkout(root, rules=[]).schemas["com.example.secrets"]["properties"]
    assert props["Password"]["x-sensitive"] is True and props["SharedSecret"]["x-sensitive"] is True
    assert "x-sensitive" not in props["askForPassword"] and "x-sensitive" not in props["UserName"]
