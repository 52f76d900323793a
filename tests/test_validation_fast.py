"""The Python check of simple schemas never passes a value the conforming validator (jsonschema-rs) refuses."""

from __future__ import annotations

import itertools
from typing import Any

import jsonschema_rs

from profilegen.catalog import load_catalog
from profilegen.validation import surely_valid, violations

SCHEMAS: list[Any] = [
    {"type": "boolean"}, {"type": "integer"}, {"type": "number"}, {"type": "string"}, {"type": "array"},
    {"type": "object"}, {"type": ["string", "integer"]}, {"enum": ["Fast", "Slow"]}, {"enum": [1, 2]},
    {"enum": [True]}, {"enum": [1.0]}, {"type": "integer", "minimum": 0, "maximum": 10},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}, {"minimum": 0.5}, {"maximum": True},
    {"type": "string", "enum": ["Fast"]}, {"type": "string", "pattern": "^a"}, {"type": "string", "format": "uri"},
    {"type": "array", "items": {"type": "string"}}, {"type": "integer", "title": "t", "x-plist-type": "integer"},
    {"$ref": "#/$defs/x"}, True, False, {"type": "nothing"}, {"enum": "Fast"},
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
    assert passed > 40  # the fast check does take the common cases


def test_violations_name_every_broken_key_in_the_validators_words() -> None:
    schema = load_catalog().domain("com.microsoft.Word")
    assert schema is not None
    assert violations(schema, {"UseOnlineContent": 2}) == []
    found = violations(schema, {"UseOnlineContent": 7, "NotAKey": 1})
    assert [v.key for v in found] == ["UseOnlineContent"] and "7" in found[0].message
