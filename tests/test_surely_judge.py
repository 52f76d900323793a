"""A Judge (profilegen.surely) compiles each subschema once: kept for many values and schemas, it answers as a
fresh one, never passes what the conforming validator refuses, and never lends one schema's answer to another."""

from __future__ import annotations

import itertools
import json
import plistlib
import random
from pathlib import Path
from typing import Any

import jsonschema_rs

from profilegen.catalog.payloads import PayloadCatalog
from profilegen.inspect.model import extract
from profilegen.inspect.payload_rules import check_payloads
from profilegen.inspect.read import load
from profilegen.surely import Judge, surely_valid
from tests.test_validation_fast import SCHEMAS, VALUES

DEFS = {"x": {"type": "string"}, "y": {"type": "object", "properties": {"n": {"$ref": "#/$defs/y"}}}}


def test_a_judge_kept_for_many_values_answers_as_a_fresh_one_and_as_the_validator() -> None:
    """Every schema and value, in a shuffled order, through one Judge of one root: the same answer as a
    Judge made for that value alone; "certainly met" is met and "certainly not" is refused by jsonschema-rs."""
    schemas = [*SCHEMAS, {"type": "object", "properties": {"a": {"$ref": "#/$defs/x"}, "n": {"$ref": "#/$defs/y"}}},
               {"$ref": "#/$defs/y"}, {"not": {"$ref": "#/$defs/x"}}, {"$id": "inner", "type": "string"}]
    values = [*VALUES, {"a": "s"}, {"a": 1}, {"n": {"n": {"n": 1}}}, {"n": {"n": {}}}]
    root = {"$defs": DEFS}  # where "#/$defs/..." points, for the Judge and for the validator alike
    kept = Judge(root)
    pairs = list(itertools.product(range(len(schemas)), values))
    random.Random(18).shuffle(pairs)
    answers = {True: 0, False: 0, None: 0}
    for index, value in pairs:
        schema = schemas[index]
        judgement = kept.node(schema)(value, 0)
        assert judgement == Judge(root).node(schema)(value, 0), (schema, value)
        assert kept.valid(schema, value) is (judgement is True) is surely_valid(schema, value, root)
        answers[judgement] += 1
        if judgement is not None:
            document = {"type": "object", "properties": {"k": schema}, "$defs": DEFS}
            assert jsonschema_rs.validator_for(document).is_valid({"k": value}) is judgement, (schema, value)
    assert min(answers.values()) > 50, answers  # each answer is given often


def test_two_roots_that_refer_alike_keep_their_own_targets() -> None:
    strings, numbers = {"$defs": {"t": {"type": "string"}}}, {"$defs": {"t": {"type": "integer"}}}
    schema = {"$ref": "#/$defs/t"}  # the very same subschema object, judged against either root
    one, other = Judge(strings), Judge(numbers)
    for _ in range(2):
        assert one.valid(schema, "a") and not one.valid(schema, 1)
        assert other.valid(schema, 1) and not other.valid(schema, "a")


def _catalog(folder: Path, allowed: list[str]) -> PayloadCatalog:
    folder.mkdir()
    document = {"x-payload-type": "com.example.kind", "title": "Kind", "type": "object",
                "properties": {"Mode": {"$ref": "#/$defs/mode", "x-plist-type": "string"}},
                "$defs": {"mode": {"type": "string", "enum": allowed}}}
    (folder / "com.example.kind.json").write_text(json.dumps(document), encoding="utf-8")
    return PayloadCatalog(folder)


def test_payload_schemas_of_one_type_in_two_catalogues_give_their_own_findings(tmp_path: Path) -> None:
    """Alike in shape, unlike in what they allow: each catalogue's schema judges with its own compiled parts,
    in either order and again (a memo kept per schema, not per payload type or per shape)."""
    fast, slow = _catalog(tmp_path / "fast", ["Fast"]), _catalog(tmp_path / "slow", ["Slow"])
    body = {"PayloadType": "Configuration", "PayloadIdentifier": "com.example.p", "PayloadVersion": 1,
            "PayloadUUID": "00000000-0000-4000-8000-000000000001", "PayloadContent": [
                {"PayloadType": "com.example.kind", "PayloadIdentifier": "com.example.p.k", "PayloadVersion": 1,
                 "PayloadUUID": "00000000-0000-4000-8000-000000000002", "Mode": "Fast"}]}
    path = tmp_path / "p.mobileconfig"
    path.write_bytes(plistlib.dumps(body))
    profile = extract(load(path))

    def said(catalog: PayloadCatalog) -> list[str]:
        found: list[str] = []

        def add(rule: str, _line: Any, message: str, *_: Any, **__: Any) -> None:
            found.append(f"{rule}: {message}")
        check_payloads(add, profile, catalog, None)
        return found

    refused = ['payload-value: payload 1 com.example.kind (com.example.p.k): Mode = Fast is not allowed: '
               '"Fast" is not one of "Slow"']
    for _ in range(2):
        assert said(fast) == []
        assert said(slow) == refused
