"""The shipped payload schemas (schemas/payloads/) are valid, compile, and agree with the linter's tables."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # no stubs in the test extra
import jsonschema_rs
import pytest

from profilegen.catalog.apple.overrides import OVERRIDES_FILE, load_rules
from profilegen.catalog.payloads import INDEX_FILE, PayloadCatalog
from profilegen.inspect.lint import TOP_TYPES
from tests.conftest import REPO
from tests.test_payload_lint import identity, payload, profile, tcc
from tests.test_startup import imported

PAYLOADS = REPO / "schemas" / "payloads"
FILES = sorted(p for p in PAYLOADS.iterdir() if p.suffix == ".json" and p.name != INDEX_FILE)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_schema_is_draft_2020_12_and_compiles(path: Path) -> None:
    document = json.loads(path.read_bytes())
    jsonschema.Draft202012Validator.check_schema(document)
    jsonschema_rs.Draft202012Validator(document)
    assert document["x-payload-type"] == path.stem
    assert all("description" not in schema for schema in document.get("properties", {}).values())


def test_index_lists_every_file_and_the_commit() -> None:
    index = json.loads((PAYLOADS / INDEX_FILE).read_bytes())
    assert sorted(index["macos"], key=str.lower) == sorted((p.stem for p in FILES), key=str.lower)
    assert index["x-apple-commit"] == "b6202ca2fbd31286a52eb160b67a4db7b4fe1f1f"
    assert not set(index["other"]) & set(index["macos"])


def test_every_override_rule_has_a_source_and_is_in_the_schemas() -> None:
    rules = load_rules(REPO / "schemas" / OVERRIDES_FILE)
    assert {r.id for r in rules} >= {"pppc-allowed-or-authorization", "pppc-deny-only", "payload-enabled",
                                     "wifi-credentials-need-encryption", "pppc-standard-user-services"}
    text = "".join(p.read_text() for p in FILES)
    for rule in rules:
        assert rule.source and rule.message
        assert f'"x-rule":"{rule.id}"' in text


def test_linters_top_level_table_agrees_with_apples_top_level() -> None:
    top = json.loads((PAYLOADS / "Configuration.json").read_bytes())["properties"]
    for key, schema in top.items():
        assert key in TOP_TYPES, key
        assert schema["x-plist-type"] == TOP_TYPES[key][0], key


def test_lookup_by_path() -> None:
    catalog = PayloadCatalog(PAYLOADS)
    schema = catalog.schema("com.apple.TCC.configuration-profile-policy")
    assert schema is not None
    key = schema.key("Services.SystemPolicyAllFiles[0].Authorization")
    assert key is not None and key.enum == ["Allow", "Deny", "AllowStandardUserToSetSystemService"]
    assert key.macos_min == "11.0" and not key.required
    assert schema.key(["Services", "SystemPolicyAllFiles", -1, "CodeRequirement"]).required  # type: ignore[union-attr]
    mcx = catalog.schema("com.apple.MCX")
    assert mcx is not None and mcx.key("com.apple.EnergySaver.desktop.ACPower") is not None
    assert catalog.schema("../etc/passwd") is None and catalog.schema("_index") is None


def test_validating_apple_payloads_loads_no_yaml_and_no_platformdirs(tmp_path: Path) -> None:
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Allowed=True)]), payload("com.apple.dock"))
    code, modules = imported(["validate", str(path)], tmp_path)
    assert code in (0, None)
    assert "profilegen" in modules and not modules & {"yaml", "platformdirs"}
