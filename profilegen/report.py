"""What `build` prints: the settings as a table, then warnings and notes."""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path

from profilegen.pipeline import BuildResult
from profilegen.plisttypes import display
from profilegen.render.table import table


def build_report(result: BuildResult, out: Path, unchanged: Set[Path] = frozenset()) -> str:
    """The table, the findings, then each output: written, or left as it was because it already matched."""
    resolution = result.resolution
    rows = [
        [domain, key, display(value), resolution.origins.get((domain, key), "")]
        for domain, keys in resolution.settings.items()
        for key, value in keys.items()
    ]
    lines = [f"{result.preset.name}: {sum(len(k) for k in resolution.settings.values())} setting(s) in "
             f"{len(resolution.settings)} domain(s)"]
    lines.append(table(["domain", "key", "value", "from"], rows))
    for finding in resolution.findings:
        lines.append(f"{finding.severity}: {finding.message}")
    for artifact in result.artifacts:
        target = out / artifact.filename
        lines.append(f"unchanged {target}" if target in unchanged else f"wrote {target}")
    return "\n".join(lines) + "\n"
