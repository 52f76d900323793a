"""`catalog DOMAIN KEY` (one key, whole) and `catalog search TEXT` (keys across the catalogue).

Built on the catalogue's own lookups (Catalog.domain, Catalog.key, Catalog.choices); the data functions
give the JSON shapes of schemas/output/catalog-key.json and catalog-search.json, the text functions what
people read.
"""

from __future__ import annotations

import difflib
import json
import textwrap
from typing import Any

from profilegen.catalog import Catalog, KeySpec
from profilegen.errors import InputError
from profilegen.plisttypes import to_json


def find_key(catalog: Catalog, domain: str, key: str) -> KeySpec:
    schema = catalog.domain(domain)
    if schema is None:
        close = difflib.get_close_matches(domain, catalog.domains(), n=1)
        raise InputError(f"{domain} is not in the catalogue",
                         hint=f"did you mean {close[0]}?" if close else "`profilegen catalog` lists the domains")
    spec = schema.keys.get(key)
    if spec is None:
        lowered = {name.lower(): name for name in schema.keys}
        close = [lowered[key.lower()]] if key.lower() in lowered else difflib.get_close_matches(
            key, list(schema.keys), n=1)
        raise InputError(f"{key} is not a key of {domain}",
                         hint=f"did you mean {close[0]}?" if close else f"`profilegen catalog {domain}` lists them")
    return spec


def set_by(catalog: Catalog, domain: str, key: str) -> list[dict[str, Any]]:
    """Every option of every choice that sets this key, and the value it sets."""
    found = []
    for choice in catalog.choices().values():
        for option in choice.options.values():
            for effect in option.sets:
                if effect.domain == domain and effect.key == key:
                    found.append({"choice": choice.name, "option": option.name, "title": option.title,
                                  "value": to_json(effect.value)})
    return found


def key_data(catalog: Catalog, spec: KeySpec) -> dict[str, Any]:
    """One key as JSON: everything the catalogue knows of it."""
    enum = spec.enum
    titles = spec.enum_titles or ()
    deprecated = spec.deprecated_values
    values = None
    if enum is not None:
        values = [{"value": to_json(value), "meaning": titles[i] if i < len(titles) else None,
                   "deprecated": deprecated.get(str(value)) if isinstance(value, str) else None}
                  for i, value in enumerate(enum)]
    schema = spec.schema
    nested = schema.get("properties") or (schema.get("items") or {}).get("properties") or {}
    return {
        "domain": spec.domain, "key": spec.name, "title": spec.title, "description": spec.description,
        "type": spec.plist_type, "profile_only": spec.profile_only, "values": values,
        "default": to_json(spec.default) if spec.default is not None else None,
        "minimum": spec.minimum, "maximum": spec.maximum, "pattern": schema.get("pattern"),
        "versions": {"min": spec.app_min, "max": spec.app_max, "deprecated_in": spec.deprecated_in,
                     "replaced_by": spec.replaced_by,
                     "macos_min": _text(schema.get("x-macos-min")), "macos_max": _text(schema.get("x-macos-max"))},
        "subkeys": sorted(nested) if isinstance(nested, dict) else [],
        "sources": list(spec.sources), "notes": spec.notes, "dispute": spec.dispute, "do_not_set": spec.do_not_set,
        "set_by": set_by(catalog, spec.domain, spec.name),
    }


def _text(value: object) -> str | None:
    return str(value) if value is not None else None


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _versioned_as(catalog: Catalog, domain: str) -> str:
    schema = catalog.domain(domain)
    by = schema.versioned_by if schema is not None else None
    return {"office": "Office for Mac", "mau": "Microsoft AutoUpdate"}.get(by or "", "the app")


def key_text(catalog: Catalog, spec: KeySpec, width: int) -> str:
    data = key_data(catalog, spec)

    def para(label: str, text: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=f"{label:<13}", subsequent_indent=" " * 13,
                             break_on_hyphens=False) or [label]

    lines = [f"{spec.domain} {spec.name}" + (f": {spec.title}" if spec.title else "")]
    if spec.do_not_set:
        lines += para("do not set", spec.do_not_set)
    lines += para("type", spec.plist_type + (" (honoured only from a profile, left out of scripts)"
                                             if spec.profile_only else ""))
    if spec.description:
        lines += para("description", spec.description)
    if data["values"]:
        lines.append("values")
        for item in data["values"]:
            meaning = item["meaning"] or ""
            if item["deprecated"]:
                meaning += (" " if meaning else "") + f"(deprecated: {item['deprecated']})"
            lines += textwrap.wrap(f"{_shown(item['value'])}" + (f" = {meaning}" if meaning else ""), width,
                                   initial_indent="  ", subsequent_indent="      ") or ["  "]
    if data["default"] is not None:
        lines += para("default", _shown(data["default"]))
    bounds = [f"{name} {value:g}" for name, value in (("at least", spec.minimum), ("at most", spec.maximum))
              if value is not None]
    if bounds:
        lines += para("range", ", ".join(bounds))
    if data["pattern"]:
        lines += para("pattern", str(data["pattern"]))
    versions = data["versions"]
    product = _versioned_as(catalog, spec.domain)
    words = [f"{product} {versions['min']} or later" if versions["min"] else "",
             f"last works in {versions['max']}" if versions["max"] else "",
             f"deprecated from {versions['deprecated_in']}" if versions["deprecated_in"] else "",
             f"replaced by {versions['replaced_by']}" if versions["replaced_by"] else "",
             f"macOS {versions['macos_min']} or later" if versions["macos_min"] else ""]
    lines += para("versions", "; ".join(w for w in words if w) or "no version limits known")
    if data["subkeys"]:
        lines += para("subkeys", ", ".join(data["subkeys"]))
    if spec.dispute:
        lines += para("disputed", spec.dispute)
    if spec.notes:
        lines += para("notes", spec.notes)
    for i, source in enumerate(spec.sources):
        lines.append(f"{'sources' if i == 0 else '':<13}{source}")
    if data["set_by"]:
        for i, item in enumerate(data["set_by"]):
            lines += textwrap.wrap(f"{item['choice']} = {item['option']!r} sets {_shown(item['value'])} "
                                   f"({item['title']})", width, initial_indent=f"{'set by' if i == 0 else '':<13}",
                                   subsequent_indent=" " * 15)
    else:
        lines.append(f"{'set by':<13}no choice: set it in [settings.\"{spec.domain}\"] or with --set")
    from profilegen.printable import printable_lines

    return printable_lines(lines)


def search(catalog: Catalog, text: str) -> list[dict[str, Any]]:
    """Keys whose name, title, description or notes hold ``text`` (any case), name matches first."""
    needle = text.lower()
    found: list[tuple[int, str, str, dict[str, Any]]] = []
    for domain in catalog.domains():
        schema = catalog.domain(domain)
        if schema is None:
            continue
        for name, spec in schema.keys.items():
            fields = (("key", name), ("title", spec.title), ("description", spec.description),
                      ("notes", spec.notes or ""))
            where = next((label for label, value in fields if needle in value.lower()), None)
            if where is None:
                continue
            rank = 0 if where == "key" else 1
            found.append((rank, domain.lower(), name.lower(), {
                "domain": domain, "key": name, "type": spec.plist_type, "title": spec.title, "matched": where}))
    return [item for *_, item in sorted(found, key=lambda entry: entry[:3])]



def domain_data(catalog: Catalog, domain: str) -> dict[str, Any]:
    """A domain and its keys, as `catalog DOMAIN --format json` prints it."""
    schema = catalog.domain(domain)
    if schema is None:
        close = difflib.get_close_matches(domain, catalog.domains(), n=1)
        raise InputError(f"{domain} is not in the catalogue",
                         hint=f"did you mean {close[0]}?" if close else "`profilegen catalog` lists the domains")
    keys = [key_data(catalog, schema.keys[name]) for name in sorted(schema.keys, key=str.lower)]
    return {"domain": schema.domain, "title": schema.title, "description": schema.description,
            "source": schema.imported_from or "profilegen", "keys": keys}


def choices_data(catalog: Catalog) -> dict[str, Any]:
    """Every choice, its options and what each sets."""
    return {"choices": [{
        "name": choice.name, "title": choice.title, "description": choice.description,
        "options": [{"name": option.name, "title": option.title, "warning": option.warning,
                     "requires_license": option.requires_license, "app_min": option.app_min,
                     "app_max": option.app_max, "silences": list(option.silences),
                     "sets": [{"domain": e.domain, "key": e.key, "value": to_json(e.value)} for e in option.sets]}
                    for option in choice.options.values()]}
        for choice in catalog.choices().values()]}
