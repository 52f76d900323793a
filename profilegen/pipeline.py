"""One preset in, every artefact out: load, resolve, build profiles, render scripts. No file is written here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from profilegen.atomic import FILE_MODE, SCRIPT_MODE
from profilegen.catalog import Catalog, load_catalog
from profilegen.errors import InputError
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


def build_preset(preset: Preset, catalog: Catalog, *, overrides: Sequence[str] = (), style: str | None = None,
                 split: bool = False, script_target: str = "console-user", strict: bool = False) -> BuildResult:
    resolution = resolve(preset, catalog, overrides, strict=strict)
    artifacts = [
        Artifact(stem + PROFILE_SUFFIX, mobileconfig.render(profile))
        for stem, profile in build_profiles(resolution, catalog, style=style, split=split)
    ]
    skipped = profile_only_keys(resolution, catalog)
    title = preset.profile.display_name
    artifacts.append(Artifact(f"{preset.name}.sh", render_script(
        preset.name, title, resolution.settings, target=script_target, profile_only=skipped).encode(), SCRIPT_MODE))
    artifacts.append(Artifact(f"{preset.name}.undo.sh", render_undo_script(
        preset.name, title, resolution.settings, target=script_target, profile_only=skipped).encode(), SCRIPT_MODE))
    return BuildResult(preset, resolution, artifacts)


def build(ref: str, *, overrides: Sequence[str] = (), style: str | None = None, split: bool = False,
          script_target: str = "console-user", strict: bool = False, catalog: Catalog | None = None) -> BuildResult:
    """Build the preset named ``ref`` (a shipped name or a path)."""
    return build_preset(load_preset(ref), catalog or load_catalog(), overrides=overrides, style=style,
                        split=split, script_target=script_target, strict=strict)


def profile_bytes(ref_or_path: str, *, style: str | None = None,
                  catalog: Catalog | None = None) -> tuple[str, bytes]:
    """A .mobileconfig file as it is, or the profile built from a preset: (name, bytes)."""
    if ref_or_path.endswith(PROFILE_SUFFIX):
        path = Path(ref_or_path)
        try:
            return path.stem, path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read profile: {exc.strerror}", path=path) from None
    result = build(ref_or_path, style=style, catalog=catalog)
    first = next(a for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))
    return result.preset.name, first.data
