"""Dotted app versions ("16.28", "15.25 [160726]", "4.12") compared as tuples of integers."""

from __future__ import annotations

_DIGITS = frozenset("0123456789")


def _numbers(text: str) -> list[str] | None:
    """The dot-separated ASCII numbers of ``text``, or None when it is anything else."""
    parts = text.split(".")
    return parts if all(part and _DIGITS.issuperset(part) for part in parts) else None


def parse_version(text: str) -> tuple[int, ...] | None:
    """The numeric parts of a version, or None when ``text`` is not one; a build in brackets is ignored."""
    text = text.strip()
    if text.endswith("]"):
        text, bracket, build = text[:-1].rpartition("[")
        if not bracket or not build or not _DIGITS.issuperset(build):
            return None
        text = text.rstrip()
    parts = _numbers(text)
    return None if parts is None else tuple(int(part) for part in parts)


def is_version(text: str) -> bool:
    """A version as a preset states it: one to four dot-separated numbers, e.g. 16.28."""
    parts = _numbers(text)
    return parts is not None and len(parts) <= 4


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
