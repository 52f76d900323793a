"""What every rule of `profilegen validate` for profile files works on, and where its findings go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from profilegen.inspect.findings import Finding, finding
from profilegen.inspect.model import Profile
from profilegen.inspect.read import Document

if TYPE_CHECKING:
    from profilegen.catalog import Catalog


class Context:
    """What the rules share: the file, its profile, the catalogue, the fleet and the findings so far."""

    __slots__ = ("catalog", "document", "findings", "macos_version", "office_version", "profile")

    def __init__(self, document: Document, profile: Profile, catalog: Catalog | None, office_version: str | None,
                 macos_version: str | None = None) -> None:
        self.document = document
        self.profile = profile
        self.catalog = catalog
        self.office_version = office_version
        self.macos_version = macos_version
        self.findings: list[Finding] = []

    def add(
        self, rule: str, line: int | None, message: str, fix: str = "", *, severity: str | None = None
    ) -> None:
        self.findings.append(finding(rule, self.document.path, line, message, fix, severity=severity))
