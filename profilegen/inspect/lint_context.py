"""What every rule of `profilegen validate` for profile files works on, and where its findings go."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from profilegen.inspect.findings import Finding, finding
from profilegen.inspect.model import Profile
from profilegen.inspect.read import Document

if TYPE_CHECKING:
    from profilegen.catalog import Catalog


@dataclass
class Context:
    document: Document
    profile: Profile
    catalog: Catalog | None
    office_version: str | None
    macos_version: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def add(
        self, rule: str, line: int | None, message: str, fix: str = "", *, severity: str | None = None
    ) -> None:
        self.findings.append(finding(rule, self.document.path, line, message, fix, severity=severity))
