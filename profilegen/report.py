"""What `build` prints: the settings as a table, then warnings and notes."""

from __future__ import annotations

from collections.abc import Sequence, Set
from pathlib import Path

from profilegen.pipeline import BuildResult
from profilegen.plisttypes import display
from profilegen.render.table import table


def build_report(result: BuildResult, targets: Sequence[Path], unchanged: Set[Path] = frozenset()) -> str:
    """The table, the findings, then each output (``targets``, one per artifact): written, or left as it
    was because it already matched."""
    resolution = result.resolution
    rows = [
        [domain, key, display(value), resolution.origins.get((domain, key), "")]
        for domain, keys in resolution.settings.items()
        for key, value in keys.items()
    ]
    lines = [f"{result.preset.name}: {sum(len(k) for k in resolution.settings.values())} setting(s) in "
             f"{len(resolution.settings)} domain(s)"]
    lines.append(table(["domain", "key", "value", "from"], rows))
    if result.payload_names:
        lines.append(f"{len(result.payload_names)} other payload(s), in the profile only:")
        lines += [f"  {text}" for text in result.payload_names]
    for finding in resolution.findings:
        where = f"{finding.path}: " if finding.key and finding.key.startswith("payloads") else ""
        lines.append(f"{finding.severity}: {where}{finding.message}")
    lines += [f"unchanged {target}" if unchanged and target in unchanged else f"wrote {target}"
              for target in targets]
    return "\n".join(lines) + "\n"
