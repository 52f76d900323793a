"""What the wizard will write: the preset's text, and the outputs built from that text by `build`'s code.

The outputs are built from the preset as read back from its own TOML text, through the same
`build_preset` as `profilegen build`: building the saved preset later gives the same bytes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from profilegen.atomic import FILE_MODE, exists
from profilegen.pipeline import BuildResult, build_preset
from profilegen.plisttypes import display
from profilegen.preset import dumps_preset, parse_preset
from profilegen.printable import printable_lines
from profilegen.wizard.flow import Wizard

PRESET_MODE = FILE_MODE


@dataclass
class Plan:
    preset_path: Path
    preset_text: str
    out: Path
    result: BuildResult

    @property
    def targets(self) -> list[Path]:
        """Where each built artifact goes, in the artifacts' order."""
        return self.result.targets(self.out)

    @property
    def files(self) -> dict[Path, tuple[bytes, int]]:
        """Every file to write, the preset first, in the form `atomic.write_all` takes."""
        files = {self.preset_path: (self.preset_text.encode("utf-8"), PRESET_MODE)}
        for artifact, target in zip(self.result.artifacts, self.targets, strict=True):
            files[target] = (artifact.data, artifact.mode)
        return files

    def existing(self) -> list[Path]:
        return [path for path in self.files if exists(path)]


def preset_text(wizard: Wizard, path: Path) -> str:
    header = f"# Written by `profilegen wizard`. Build it with: profilegen build {path}\n"
    return header + dumps_preset(wizard.preset())


def make_plan(wizard: Wizard, save: Path | None, out: Path) -> Plan:
    """The preset and its outputs, rendered in memory; raises ValidationError as `build` would."""
    path = save if save is not None else Path(f"{wizard.name}.toml")
    text = preset_text(wizard, path)
    preset = parse_preset(tomllib.loads(text), name=path.stem, path=path)
    return Plan(path, text, out, build_preset(preset, wizard.catalog))


def summary_text(plan: Plan) -> str:
    """The settings per domain, the warnings and the files the wizard will write."""
    preset = plan.result.preset
    meta = preset.profile
    fleet = preset.fleet
    resolution = plan.result.resolution
    lines = ["Summary", ""]
    lines.append(f"  Macs:     {fleet.license or 'unknown'} license, Office for Mac "
                 f"{fleet.office_version + ' or later' if fleet.office_version else 'version unknown'}")
    lines.append(f"  Profile:  {meta.display_name!r}  {meta.identifier}")
    lines.append(f"            organization {meta.organization or '(none)'}, scope {meta.scope}, "
                 f"style {meta.payload_style}, removal {'disallowed' if meta.removal_disallowed else 'allowed'}")
    lines.append("  Choices:  " + (", ".join(f"{c} = {o}" for c, o in preset.choices.items()) or "(none)"))
    raw = [f"{domain}:{key}" for domain, keys in preset.settings.items() for key in keys]
    lines.append("  Other settings: " + (", ".join(raw) or "(none)"))
    if plan.result.payload_names:
        lines.append("  Payloads: " + "; ".join(plan.result.payload_names))
    lines += ["", "Settings per domain"]
    if not resolution.settings:
        lines.append("  (none: every choice is left unmanaged, the profile sets nothing)")
    for domain, keys in resolution.settings.items():
        lines.append(f"  {domain}")
        for key, value in keys.items():
            lines.append(f"    {key} = {display(value)}    ({resolution.origins.get((domain, key), '')})")
    notes = [f"  {finding.severity}: {finding.message}" for finding in resolution.findings]
    lines += ["", "Warnings and notes", *(notes or ["  (none)"])]
    lines += ["", "Files to write"]
    for path in plan.files:
        lines.append(f"  {path}" + ("    (exists)" if exists(path) else ""))
    return printable_lines(lines)  # a preset from --from may hold anything: each line escaped
