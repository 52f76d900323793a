"""Patterns and date-time formats judged in Python agree with the conforming validator (jsonschema-rs)."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import jsonschema_rs

from profilegen.paths import schemas_dir
from profilegen.surely import surely_valid
from profilegen.surely_text import MAX_TEXT, format_judgement, judgeable, pattern_judgement

TOKENS = ["a", "b", "-", "/", ":", ".", "x", "0", " ", "[a-c]", "[^a]", "[0-9]", "[.-]", "[-a]", "[a-]", "[\\d.]",
          "[\\s]", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\.", "\\/", "\\-", "^", "$", "*", "+", "?", "{2}",
          "{1,3}", "{2,}", "(", "(?:", ")", "|"]
ALPHABET = "ab-/:.09 xA_\\"


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def _shipped_patterns() -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(schemas_dir().rglob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def test_generated_patterns_are_judged_as_the_validator_judges_them() -> None:
    rng = random.Random(18)
    judged = matched = 0
    for _ in range(4000):
        pattern = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 8)))
        if judgeable(pattern) is None:
            continue
        validator = _validator({"pattern": pattern})  # compiles: the subset is valid for both engines
        for _ in range(12):
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))
            judgement = pattern_judgement(pattern, text)
            if judgement is None:
                continue
            judged += 1
            matched += judgement
            assert judgement == validator.is_valid(text), (pattern, text)
    assert judged > 10_000 and 0.1 < matched / judged < 0.9, (judged, matched)


def test_the_shipped_catalogues_patterns_are_judged_as_the_validator_judges_them() -> None:
    patterns = _shipped_patterns()
    judged = [p for p in patterns if judgeable(p) is not None]
    assert len(judged) >= len(patterns) // 2, (judged, patterns)  # most are simple enough
    texts = ["", "https://example.com/", "http://x", "0A1B2C3D-0000-4000-8000-000000000001", "00:11:22:33:44:55",
             "x-thing", "com.example.app", "a/", "123456", "12345", "1.2.3", "host:a.b", "urn:profilegen:domain:a",
             "a b", "ABCDEF", "ABCDEFGHI", "-12", "a=b"]
    for pattern in judged:
        validator = _validator({"pattern": pattern})
        for text in texts:
            assert pattern_judgement(pattern, text) == validator.is_valid(text), (pattern, text)


def test_what_python_could_misread_or_backtrack_on_is_left_to_the_validator() -> None:
    for pattern in ["(a+)+$", "(a|a)*b", "^.*.*x", "a**", "^a*?", "^(?=a)", "\\bx", "(a)\\1", "a{,3}", "[]a]",
                    "[a--b]", "a{1000}", "^é", ".*x", "^a|b*", "\\p{L}", "[[:alpha:]]", "\\u0041"]:
        assert judgeable(pattern) is None, pattern
    assert pattern_judgement("^a", "a\u00e9") is None  # non-ASCII text: \w and . differ between engines
    assert pattern_judgement("^a", "a\n") is None  # $ and . differ on line ends
    assert pattern_judgement("^a", "a" * (MAX_TEXT + 1)) is None
    assert pattern_judgement("^a", 5) is True  # a pattern constrains strings only
    start = time.perf_counter()
    assert pattern_judgement("^a.*b$", "a" * MAX_TEXT) is False  # one variable quantifier: linear
    assert time.perf_counter() - start < 0.5


def test_date_times_as_plists_write_them_are_judged_and_odd_ones_left_to_the_validator() -> None:
    validator = _validator({"format": "date-time"})
    assert format_judgement("date-time", "2026-01-31T12:00:00Z") is True
    assert validator.is_valid("2026-01-31T12:00:00Z")
    for text in ["2026-02-30T12:00:00Z", "2026-01-31T24:00:00Z", "2016-12-31T23:59:60Z", "0000-01-01T00:00:00Z",
                 "1-01-01T00:00:00Z", "2026-01-31 12:00:00Z", "2026-01-31T12:00:00+01:00",
                 "\uff12\uff10\uff12\uff16-01-31T12:00:00Z"]:
        assert format_judgement("date-time", text) is None, text
    assert format_judgement("uri", "https://x") is None
    assert format_judgement("date-time", 5) is True


def test_surely_valid_takes_patterns_and_dates_and_never_passes_a_refused_value() -> None:
    schemas = [{"type": "string", "pattern": "^https://"}, {"type": "string", "format": "date-time"},
               {"not": {"pattern": "^a"}}, {"anyOf": [{"pattern": "^a"}, {"pattern": "b$"}]},
               {"type": "string", "pattern": "^[0-9]{6}$", "maxLength": 6}]
    values = ["https://x/", "http://x/", "2026-01-31T12:00:00Z", "2026-13-31T12:00:00Z", "a", "ab", "cb", "123456",
              "12345", 5]
    passed = 0
    for schema in schemas:
        validator = _validator({"type": "object", "properties": {"k": schema}})
        for value in values:
            if surely_valid(schema, value):
                passed += 1
                assert validator.is_valid({"k": value}), (schema, value)
    assert passed >= 12, passed
