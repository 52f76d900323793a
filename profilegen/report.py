"""What `build` prints: the settings as a table (stdout), the warnings and notes (stderr), the outputs."""

from __future__ import annotations

from collections.abc import Sequence, Set
from pathlib import Path

from profilegen.pipeline import BuildResult
from profilegen.plisttypes import display, plist_type_of
from profilegen.render.table import table


def build_report(result: BuildResult, targets: Sequence[Path], unchanged: Set[Path] = frozenset()) -> str:
    """The table, then each output (``targets``, one per artifact): written, or left as it was because it
    already matched. The type column says how each value is written (an uncatalogued `--set` value is typed
    by its text: 16.28 is a real, "16.28" a string)."""
    resolution = result.resolution
    rows = [
        [domain, key, plist_type_of(value), display(value), resolution.origins.get((domain, key), "")]
        for domain, keys in resolution.settings.items()
        for key, value in keys.items()
    ]
    lines = [f"{result.preset.name}: {sum(len(k) for k in resolution.settings.values())} setting(s) in "
             f"{len(resolution.settings)} domain(s)"]
    if rows:
        lines.append(table(["domain", "key", "type", "value", "from"], rows))
    lines += [f"unchanged {target}" if unchanged and target in unchanged else f"wrote {target}"
              for target in targets]
    return "\n".join(lines) + "\n"


def findings_report(result: BuildResult) -> str:
    """The warnings and notes, one a line, for stderr ("" when there is none)."""
    return "".join(f"{finding.severity}: {finding.message}\n" for finding in result.resolution.findings)
