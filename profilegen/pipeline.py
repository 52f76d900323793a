"""One preset in, every artefact out: load, resolve, build profiles, render scripts. No file is written here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from profilegen.atomic import FILE_MODE, SCRIPT_MODE
from profilegen.catalog import Catalog, load_catalog
from profilegen.outpath import inside
from profilegen.preset import Preset, load_preset
from profilegen.profile import build_profiles
from profilegen.record import Record
from profilegen.render import mobileconfig
from profilegen.render.script import render_script, render_undo_script
from profilegen.resolve import Resolution, resolve

PROFILE_SUFFIX = ".mobileconfig"


class Artifact(Record):
    filename: str
    data: bytes
    mode: int = FILE_MODE  # before the umask (atomic.py)


class BuildResult(Record):
    preset: Preset
    resolution: Resolution
    artifacts: list[Artifact]
    payload_names: tuple[str, ...] = ()  # the Apple payloads, as the script header and the report name them

    def targets(self, out: Path) -> list[Path]:
        """Where each artifact goes in ``out``, in order; each name through the output-path guard."""
        from profilegen.printable import quoted

        preset = self.preset
        return [inside(out, artifact.filename, source=preset.label,
                       what=f"the preset name {quoted(preset.name)}",
                       fix="rename the preset file: letters, digits, '.', '-' and '_', shorter")
                for artifact in self.artifacts]


def profile_only_keys(resolution: Resolution, catalog: Catalog) -> set[tuple[str, str]]:
    found = set()
    for domain, keys in resolution.settings.items():
        for key in keys:
            spec = catalog.key(domain, key)
            if spec is not None and spec.profile_only:
                found.add((domain, key))
    return found


def profile_only_payloads(resolution: Resolution, catalog: Catalog) -> list[str]:
    """Each Apple payload, as the script's header names it: what only the profile can do."""
    named = []
    for payload in resolution.payloads:
        schema = catalog.payloads.schema(payload.type)
        title = payload.display_name or (schema.title if schema is not None else payload.type)
        named.append(f"{payload.type} ({title}){': ' + payload.name if payload.name else ''}")
    return named


def build_preset(preset: Preset, catalog: Catalog, *, overrides: Sequence[str] = (), style: str | None = None,
                 split: bool = False, script_target: str = "console-user", strict: bool = False,
                 redact_secrets: bool = False) -> BuildResult:
    """``redact_secrets``: secret references are written as *** instead of read (a dry run shows the profile)."""
    resolution = resolve(preset, catalog, overrides, strict=strict)
    artifacts = [
        Artifact(stem + PROFILE_SUFFIX, mobileconfig.render(profile))
        for stem, profile in build_profiles(resolution, catalog, style=style, split=split, redact=redact_secrets)
    ]
    skipped = profile_only_keys(resolution, catalog)
    title = preset.profile.display_name
    others = profile_only_payloads(resolution, catalog)
    artifacts.append(Artifact(f"{preset.name}.sh", render_script(
        preset.name, title, resolution.settings, target=script_target, profile_only=skipped,
        others=others).encode(), SCRIPT_MODE))
    artifacts.append(Artifact(f"{preset.name}.undo.sh", render_undo_script(
        preset.name, title, resolution.settings, target=script_target, profile_only=skipped,
        others=others).encode(), SCRIPT_MODE))
    return BuildResult(preset, resolution, artifacts, tuple(others))


def build(ref: str, *, overrides: Sequence[str] = (), style: str | None = None, split: bool = False,
          script_target: str = "console-user", strict: bool = False, catalog: Catalog | None = None,
          redact_secrets: bool = False) -> BuildResult:
    """Build the preset named ``ref`` (a shipped name or a path)."""
    return build_preset(load_preset(ref), catalog or load_catalog(), overrides=overrides, style=style,
                        split=split, script_target=script_target, strict=strict, redact_secrets=redact_secrets)


def profile_bytes(ref_or_path: str, *, style: str | None = None,
                  catalog: Catalog | None = None) -> tuple[str, bytes]:
    """A .mobileconfig file as it is, or the profile built from a preset: (name, bytes)."""
    if ref_or_path.endswith(PROFILE_SUFFIX):
        from profilegen.inputfile import read_input

        path = Path(ref_or_path)
        return path.stem, read_input(path, what="profile")
    result = build(ref_or_path, style=style, catalog=catalog)
    first = next(a for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))
    return result.preset.name, first.data
