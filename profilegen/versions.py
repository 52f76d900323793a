"""Dotted app versions ("16.28", "15.25 [160726]", "4.12") compared as tuples of integers."""

from __future__ import annotations

from profilegen.forms import DIGITS, dotted_numbers


def parse_version(text: str) -> tuple[int, ...] | None:
    """The numeric parts of a version, or None when ``text`` is not one; a build in brackets is ignored."""
    text = text.strip()
    if text.endswith("]"):
        text, bracket, build = text[:-1].rpartition("[")
        if not bracket or not build or not DIGITS.issuperset(build):
            return None
        text = text.rstrip()
    parts = dotted_numbers(text)
    return None if parts is None else tuple(int(part) for part in parts)


def version_key(text: str) -> tuple[int, ...]:
    parsed = parse_version(text)
    if parsed is None:
        raise ValueError(f"not a version: {text!r}")
    return parsed


def before(version: str, bound: str) -> bool:
    """True when ``version`` is older than ``bound`` (missing trailing parts count as 0)."""
    a, b = version_key(version), version_key(bound)
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)) < b + (0,) * (width - len(b))
