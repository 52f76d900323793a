"""The import summary an admin reads: what was imported, what was left out and why."""

from __future__ import annotations

from collections import Counter

from profilegen.catalog.manifests.importer import ImportReport

# Reasons listed by name in the summary; the rest (Payload* keys, layout controls) only by count.
_ROUTINE = ("Payload* keys", "ProfileCreator layout control")
_LISTED = 5


def _routine(reason: str) -> bool:
    return reason.startswith(_ROUTINE)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary_lines(report: ImportReport) -> list[str]:
    lines = [
        f"Imported {_count(len(report.domains), 'domain')} ({_count(report.keys, 'key')}, "
        f"{report.nested_keys} nested) from {_count(report.manifests, 'manifest')} "
        f"into {report.target / 'domains'}",
    ]
    if report.skipped_keys:
        reasons = Counter(skip.reason for skip in report.skipped_keys)
        lines.append(f"Keys skipped: {len(report.skipped_keys)}")
        for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  {count} x {reason}")
            if not _routine(reason):
                paths = [f"{s.domain}:{s.path}" for s in report.skipped_keys if s.reason == reason]
                more = f" (and {len(paths) - _LISTED} more)" if len(paths) > _LISTED else ""
                lines.append("      " + ", ".join(paths[:_LISTED]) + more)
    if report.notes:
        lines.append(f"Attributes kept as x-notes (not expressible as schema): {report.notes}")
    if report.unknown_keys:
        total = sum(report.unknown_keys.values())
        listing = ", ".join(f"{key} ({count})" for key, count in sorted(report.unknown_keys.items()))
        lines.append(f"Unknown manifest keys ignored: {total}: {listing}")
    for domain, sources in sorted(report.merged.items()):
        lines.append(f"Merged {len(sources)} manifests into {domain}: {', '.join(sources)}")
    if report.shadowed:
        lines.append("Shadowed by profilegen's own schemas (ours win): " + ", ".join(report.shadowed))
    if report.skipped_manifests:
        lines.append(f"Manifests skipped: {len(report.skipped_manifests)} (see the warnings above)")
    return lines


def warning_lines(report: ImportReport) -> list[str]:
    """One line per skipped manifest, naming its path: for stderr."""
    return [f"{skipped.path}: skipped: {skipped.reason}" for skipped in report.skipped_manifests]
