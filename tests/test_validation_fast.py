"""The Python check of simple schemas never passes a value the conforming validator (jsonschema-rs) refuses."""

from __future__ import annotations

import itertools
from typing import Any

import jsonschema_rs

from profilegen.catalog import load_catalog
from profilegen.surely import surely_valid
from profilegen.validation import violations

SCHEMAS: list[Any] = [
    {"type": "boolean"}, {"type": "integer"}, {"type": "number"}, {"type": "string"}, {"type": "array"},
    {"type": "object"}, {"type": ["string", "integer"]}, {"enum": ["Fast", "Slow"]}, {"enum": [1, 2]},
    {"enum": [True]}, {"enum": [1.0]}, {"type": "integer", "minimum": 0, "maximum": 10},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}, {"minimum": 0.5}, {"maximum": True},
    {"type": "string", "enum": ["Fast"]}, {"type": "string", "pattern": "^a"}, {"type": "string", "format": "uri"},
    {"type": "array", "items": {"type": "string"}}, {"type": "integer", "title": "t", "x-plist-type": "integer"},
    {"$ref": "#/$defs/x"}, True, False, {"type": "nothing"}, {"enum": "Fast"},
    {"not": {"const": "Fast"}}, {"not": {"type": "string"}}, {"oneOf": [{"type": "string"}, {"const": "Fast"}]},
    {"oneOf": [{"type": "integer"}, {"type": "string"}]}, {"anyOf": [{"type": "integer"}, {"pattern": "^a"}]},
    {"if": {"const": "a"}, "then": {"maxLength": 0}}, {"if": {"type": "integer"}, "then": {"minimum": 5},
                                                          "else": {"type": "string"}},
    {"not": {"pattern": "^a"}}, {"type": "array", "maxItems": 1, "items": {"not": {"type": "integer"}}},
    {"type": "object", "required": ["a"], "additionalProperties": False, "properties": {"a": {"enum": [1]}}},
    {"type": "object", "properties": {"a": False}}, {"type": "string", "minLength": 1, "maxLength": 1},
]
VALUES: list[Any] = [True, False, 0, 1, -5, 11, 1.0, 0.25, 1.5, float("inf"), float("nan"), 10**20, "Fast", "a",
                     "", [], ["a"], [1], {}, {"a": 1}, None]


def test_a_value_surely_valid_is_valid_for_the_conforming_validator() -> None:
    passed = 0
    for schema, value in itertools.product(SCHEMAS, VALUES):
        if not surely_valid(schema, value):
            continue
        passed += 1
        document = {"type": "object", "properties": {"k": schema}, "$defs": {"x": {"type": "string"}}}
        assert jsonschema_rs.validator_for(document).is_valid({"k": value}), (schema, value)
    assert passed > 80  # the fast check does take the common cases


def test_violations_name_every_broken_key_in_the_validators_words() -> None:
    schema = load_catalog().domain("com.microsoft.Word")
    assert schema is not None
    assert violations(schema, {"UseOnlineContent": 2}) == []
    found = violations(schema, {"UseOnlineContent": 7, "NotAKey": 1})
    assert [v.key for v in found] == ["UseOnlineContent"] and "7" in found[0].message


def _sample(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value for ``schema``: its default, first enum value, or one built from its type."""
    if not isinstance(schema, dict) or depth > 5:
        return "x"
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return _sample(target, root, depth + 1)
    for word in ("default", "const"):
        if word in schema:
            return schema[word]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object":
        return {key: _sample(sub, root, depth + 1) for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_sample(schema.get("items", {}), root, depth + 1)]
    return {"integer": schema.get("minimum", 1), "number": 0.5, "boolean": True}.get(str(kind), "x")


def test_surely_valid_never_passes_what_a_payload_schema_refuses() -> None:
    """Every shipped Apple payload schema: a plausible payload, and each key replaced by each kind of value."""
    import json

    from profilegen.paths import schemas_dir

    surely = checked = 0
    for path in sorted((schemas_dir() / "payloads").glob("com.apple.*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        validator = jsonschema_rs.Draft202012Validator(document)
        base = _sample(document, document)
        assert isinstance(base, dict)
        candidates = [base, {}]
        wrongs: tuple[Any, ...] = (12345, -1, "x", True, 0.5, [], {}, ["x"], [{}])
        for key in list(base)[:40]:
            candidates += [{**base, key: wrong} for wrong in wrongs]
            candidates.append({k: v for k, v in base.items() if k != key})
        for instance in candidates:
            checked += 1
            if surely_valid(document, instance, document):
                surely += 1
                assert validator.is_valid(instance), (path.name, instance)
    assert checked > 1000 and surely > 100, (checked, surely)  # it takes many payloads, and refuses some


def _domain(tmp_path: Any, properties: dict[str, Any]) -> Any:
    import json

    from profilegen.catalog.domains import load_domain_file

    path = tmp_path / "com.example.v.json"
    path.write_text(json.dumps({"x-domain": "com.example.v", "$defs": {"word": {"type": "string", "pattern": "^w"}},
                                "properties": properties}))
    return load_domain_file(path)


def test_keys_whose_schemas_read_the_same_share_one_validator_and_keep_their_own_messages(
        tmp_path: Any, monkeypatch: Any) -> None:
    import profilegen.validation

    compiled: list[int] = []
    compile_one = profilegen.validation._compile

    def counted(document: dict[str, Any]) -> Any:
        compiled.append(len(document["properties"]))
        return compile_one(document)

    monkeypatch.setattr(profilegen.validation, "_compile", counted)
    version = {"type": "string", "pattern": "^\\d+(\\.\\d+)*$"}  # a pattern Python leaves to the validator
    properties: dict[str, Any] = {f"V{i}": dict(version) for i in range(300)}
    properties |= {"Ref": {"$ref": "#/$defs/word"}, "Other": {"$ref": "#/properties/V0"},
                   "Items": {"type": "array", "items": {"type": "integer", "maximum": 3}}}
    schema = _domain(tmp_path, properties)
    settings: dict[str, Any] = {f"V{i}": ("1.2" if i % 3 else f"x{i}") for i in range(300)}
    settings |= {"Ref": "nope", "Other": "v", "Items": [1, 9, 10]}
    found = violations(schema, settings)
    whole = jsonschema_rs.Draft202012Validator({**schema.document, "type": "object"}, validate_formats=True)
    expected: dict[str, str] = {}
    for error in whole.iter_errors(settings):
        expected.setdefault(str(next(iter(error.instance_path))), error.message)
    assert {v.key: v.message for v in found} == expected
    assert len(found) == 100 + 3 and found[0].key == "V0"  # in the settings' order
    assert expected["V3"] == '"x3" does not match "^\\d+(\\.\\d+)*$"'
    # one validator for the 300 version keys; "Other" points at V0: the whole document, once
    assert sorted(compiled) == [1, 1, 1, 1, 303], compiled
