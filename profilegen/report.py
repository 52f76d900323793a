"""What `build` prints: the settings as a table, then warnings and notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from pathlib import Path

from profilegen.pipeline import BuildResult
from profilegen.plisttypes import display, plist_type_of
from profilegen.printable import printable
from profilegen.render.table import table


def unwritten_message(reason: str, results: Sequence[BuildResult], targets: Sequence[Sequence[Path]],
                      written: Iterable[Path], not_written: Iterable[Path]) -> str:
    """A failed or interrupted build's message: why (its first line), then which presets were written
    (every output in place) and which were not (their outputs as they were)."""
    done, missing = set(written), set(not_written)
    groups: dict[str, list[str]] = {"written": [], "partly written": [], "not written": []}
    for result, paths in zip(results, targets, strict=True):
        renamed, left = sum(path in done for path in paths), sum(path in missing for path in paths)
        kind = "written" if left == 0 else "not written" if renamed == 0 else "partly written"
        groups[kind].append(result.preset.name)
    lines = [reason.splitlines()[0]]
    for kind, names in groups.items():
        if len(names) == len(results) > 1:
            lines.append(f"{kind}: all {len(names)} presets")
        elif names:
            lines.append(f"{kind}: {len(names)} preset(s): {', '.join(names)}")
    if groups["partly written"]:
        lines.append("a partly written preset has some outputs new, the others as they were: build it again")
    return "\n".join(lines)


def build_report(result: BuildResult, targets: Sequence[Path], unchanged: Set[Path] = frozenset()) -> str:
    """The table, then each output (``targets``, one per artifact): written, or left as it was because it
    already matched. The type column says how each value is written (an uncatalogued `--set` value is typed
    by its text: 16.28 is a real, "16.28" a string). The findings are `findings_report`'s, for stderr."""
    resolution = result.resolution
    rows = [
        [domain, key, plist_type_of(value), display(value), resolution.origins.get((domain, key), "")]
        for domain, keys in resolution.settings.items()
        for key, value in keys.items()
    ]
    lines = [printable(f"{result.preset.name}: {sum(len(k) for k in resolution.settings.values())} setting(s) in "
             f"{len(resolution.settings)} domain(s)")]
    if rows:
        lines.append(table(["domain", "key", "type", "value", "from"], rows))
    if result.payload_names:
        lines.append(f"{len(result.payload_names)} other payload(s), in the profile only:")
        lines += [f"  {text}" for text in result.payload_names]
    lines += [printable(f"unchanged {target}" if unchanged and target in unchanged else f"wrote {target}")
              for target in targets]
    return "\n".join(lines) + "\n"


def findings_report(result: BuildResult) -> str:
    """The warnings and notes, one a line, for stderr ("" when there is none)."""
    lines = []
    for finding in result.resolution.findings:
        where = f"{finding.path}: " if finding.key and finding.key.startswith("payloads") else ""
        lines.append(printable(f"{finding.severity}: {where}{finding.message}") + "\n")
    return "".join(lines)
