"""The plist grammar (schemas/plist.rng, RELAX NG) checked with lxml, errors reported by line."""

from __future__ import annotations

import functools
import re
from typing import Any

from profilegen.inspect.xmlplist import Issue
from profilegen.paths import schemas_dir

GRAMMAR_FILE = "plist.rng"
_FAILED = re.compile(r"^Element (\S+) failed to validate content$")


@functools.cache
def _grammar() -> Any:
    from lxml import etree

    path = schemas_dir() / GRAMMAR_FILE
    return etree.RelaxNG(etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)))


def grammar_errors(tree: Any) -> list[Issue]:
    """Where the document breaks the plist grammar: one issue per line, in plain words."""
    grammar = _grammar()
    if grammar.validate(tree):
        return []
    by_line: dict[int | None, list[str]] = {}
    for entry in grammar.error_log:
        by_line.setdefault(entry.line or None, []).append(entry.message)
    issues = []
    for line, messages in by_line.items():
        issues.append(Issue(line, _plain(messages)))
    return issues


def _plain(messages: list[str]) -> str:
    """libxml2's words made readable: a datatype failure names the element that holds it."""
    for message in messages:
        match = _FAILED.match(message)
        if match and any("datatype" in m for m in messages):
            tag = match.group(1)
            return f"<{tag}> does not hold a valid {tag}"
    return "; ".join(dict.fromkeys(messages))
