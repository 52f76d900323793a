"""What an upload did, for the one line the command prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UploadResult:
    action: str  # "created" | "updated" | "dry-run"
    kind: str  # e.g. "Jamf Pro configuration profile"
    name: str
    object_id: str | None

    def line(self) -> str:
        if self.action == "dry-run":
            return f"dry run: nothing sent for {self.kind} {self.name!r}"
        return f"{self.action} {self.kind} {self.name!r} (id {self.object_id})"
