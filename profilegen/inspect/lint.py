"""The rules of `profilegen validate` for profile files; each finding names file, line, rule and fix.

This module runs them; the rules live by subject in lint_structure (keys, identifiers), lint_mcx (preference
payloads) and lint_delivery (Intune, Jamf, signature), with catalog_rules and payload_rules for values.
Rule ids and their usual severities live in findings.RULES (documented in the README).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from profilegen.bulk import outlive_latest
from profilegen.errors import InputError
from profilegen.inspect.findings import Finding, finding
from profilegen.inspect.lint_context import Context
from profilegen.inspect.lint_delivery import intune, jamf, signature
from profilegen.inspect.lint_mcx import mcx
from profilegen.inspect.lint_structure import TOP_TYPES, UUID_FORM, duplicate_keys, identities, payloads, top_level
from profilegen.inspect.model import extract
from profilegen.inspect.read import Document, load

if TYPE_CHECKING:
    from profilegen.catalog import Catalog

__all__ = ["TOP_TYPES", "UUID_FORM", "Context", "lint_document", "lint_path"]


def lint_path(
    path: Path | str, catalog: Catalog | None = None, office_version: str | None = None,
    macos_version: str | None = None,
) -> list[Finding]:
    """Every finding for one profile file; a file that cannot be read is one `unreadable` finding."""
    outlive_latest(None)  # the file before is let go before this one is read (profilegen.bulk)
    try:
        document = load(path)
    except InputError as error:
        return [finding("unreadable", str(path), None, error.message, error.hint or "")]
    return lint_document(document, catalog, office_version, macos_version)


def lint_document(
    document: Document, catalog: Catalog | None = None, office_version: str | None = None,
    macos_version: str | None = None,
) -> list[Finding]:
    try:
        profile = extract(document)
    except InputError as error:
        from profilegen.inspect.grammar import grammar_findings

        found = grammar_findings(document)
        return [
            *found,
            finding(
                "required-key",
                document.path,
                document.root.line if document.root else None,
                error.message,
                "a profile is a <dict> with PayloadContent, PayloadIdentifier, "
                "PayloadType, PayloadUUID and PayloadVersion",
            ),
        ]
    context = Context(document, profile, catalog, office_version, macos_version)
    from profilegen.inspect.grammar import grammar_findings

    context.findings.extend(grammar_findings(document))
    for rule in (duplicate_keys, top_level, payloads, identities, mcx, intune, jamf, signature):
        rule(context)
    if catalog is not None:
        from profilegen.inspect.catalog_rules import check_values

        checked: set[str] = set()
        if any(p.style == "apple" or (p.style == "custom" and p.payload_type and catalog.payloads.ships(p.payload_type))
               for p in profile.payloads):  # a profile of preference payloads alone never loads the checker
            from profilegen.inspect.payload_rules import check_payloads

            checked = check_payloads(context.add, profile, catalog.payloads, macos_version)
        check_values(context.add, profile, catalog, office_version, skip=checked)
    outlive_latest((document, profile))  # (profilegen.bulk)
    return sorted(context.findings, key=lambda f: (f.line or 0, f.rule))
