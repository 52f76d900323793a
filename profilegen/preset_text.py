"""A preset's TOML text with comments for the admin who reads it in review: what each table is for, the
title of each choice's option and of each catalogued key. The TOML itself is `dumps_preset`'s, so the
file reads back to the same preset; only lines beginning with '#' are added.
"""

from __future__ import annotations

from profilegen.catalog import Catalog
from profilegen.preset import Preset, dumps_preset
from profilegen.printable import printable

_SECTIONS = {
    "[profile]": ["What the profile says of itself. Keep the identifier stable: installing a profile with the",
                  "same identifier replaces the one on the Mac. Payloads are <identifier>.<domain>."],
    "[fleet]": ["What you know of the Macs: license = volume | subscription checks options' preconditions;",
                "office_version (the oldest Office for Mac) turns on version warnings."],
    "[choices]": ["Named decisions: `profilegen catalog choices` lists them with their options."],
}
_SETTINGS = ["Raw keys, typed by TOML, checked by the catalogue: `profilegen catalog DOMAIN KEY` explains one."]
_ABSENT = {
    "fleet": ["# [fleet]", '# license = "volume"', '# office_version = "16.28"'],
    "choices": ["# [choices]                      # e.g.", '# usage-telemetry = "off"'],
    "settings": ['# [settings."com.microsoft.autoupdate2"]', '# ChannelName = "Current"'],
}


def _comment(lines: list[str]) -> list[str]:
    return [f"# {printable(line)}" for line in lines]  # a --from path in the header, say


def _key_title(catalog: Catalog, table: str, key: str, preset: Preset) -> str | None:
    """The title of a choice's option, or of a key in a [settings."domain"] table."""
    if table == "choices":
        option = catalog.option(key, preset.choices.get(key, ""))
        return option.title if option is not None else None
    if table.startswith('settings."') and table.endswith('"'):
        spec = catalog.key(table[len('settings."'):-1], key)
        return spec.title if spec is not None and spec.title else None
    return None


def commented_preset(preset: Preset, catalog: Catalog, header: list[str]) -> str:
    """``header`` (comment lines, without '#') then the preset, each table and key explained."""
    out = _comment(header)
    table = ""
    seen_settings = False
    for line in dumps_preset(preset).splitlines():
        if line.startswith("["):
            table = line.strip("[]")
            out += _comment(_SECTIONS.get(line, []))
            if table.startswith("settings.") and not seen_settings:
                out += _comment(_SETTINGS)
                seen_settings = True
        elif line and not line[0].isspace() and "=" in line and line[0] not in "]}":
            key = line.split("=", 1)[0].strip().strip('"')
            title = _key_title(catalog, table, key, preset)
            if title:
                out.append(f"# {printable(title)}")  # a comment holds no escape: shown as one, never obeyed
        out.append(line)
    present = {"fleet": any(preset.fleet._values()), "choices": bool(preset.choices),
               "settings": bool(preset.settings)}
    for section, example in _ABSENT.items():
        if not present[section]:
            out += ["", *example]
    return "\n".join(out).rstrip("\n") + "\n"
