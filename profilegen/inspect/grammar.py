"""The plist grammar (schemas/plist.rng, RELAX NG) checked with lxml, errors reported by line."""

from __future__ import annotations

import functools
import re
from typing import Any

from profilegen.inspect.findings import Finding, finding
from profilegen.inspect.read import Document
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


def grammar_findings(document: Document) -> list[Finding]:
    """The plist-grammar findings of an XML document (and plist-version, which macOS does not mind)."""
    if document.form != "xml" or document.tree is None:
        return []
    fix = (
        "write the value as <dict>, <array>, <string>, <integer>, <real>, <true/>, <false/>, <date> or <data>"
    )
    issues = grammar_errors(document.tree)
    seen = {issue.line for issue in issues}
    issues += [issue for issue in document.issues if issue.line not in seen]
    found = []
    for issue in issues:
        if _only_version_attribute(document, issue.line):
            found.append(finding(
                "plist-version", document.path, issue.line,
                f'<plist version="{document.tree.getroot().get("version")}">: the plist DTD says version="1.0"; '
                "macOS reads the plist whatever the attribute says (Microsoft ships its Defender and "
                "AutoUpdate profiles so, and they install)",
                'write <plist version="1.0">'))
        else:
            found.append(finding("plist-grammar", document.path, issue.line, issue.message, fix))
    return found


def _only_version_attribute(document: Document, line: int | None) -> bool:
    """The grammar break on this line is the <plist> element's version attribute and nothing else."""
    tree = document.tree
    if tree is None:
        return False
    root = tree.getroot()
    if root.tag != "plist" or root.sourceline != line or root.get("version") in (None, "1.0"):
        return False
    return set(root.attrib) == {"version"}
