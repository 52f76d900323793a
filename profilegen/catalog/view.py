"""Text views of the catalogue for `profilegen catalog`."""

from __future__ import annotations

import difflib
import json

from profilegen.catalog import Catalog, KeySpec
from profilegen.errors import InputError
from profilegen.printable import printable
from profilegen.render.table import table


def _versions(spec: KeySpec) -> str:
    parts = []
    if spec.app_min:
        parts.append(f"{spec.app_min}+")
    if spec.app_max:
        parts.append(f"until {spec.app_max}")
    if spec.deprecated_in:
        parts.append(f"deprecated {spec.deprecated_in}")
    return ", ".join(parts)


def _values(spec: KeySpec) -> str:
    if spec.enum is None:
        return ""
    return " | ".join(json.dumps(v) if not isinstance(v, str) else v for v in spec.enum)


def domain_table(catalog: Catalog, domain: str) -> str:
    schema = catalog.domain(domain)
    if schema is None:
        close = difflib.get_close_matches(domain, [*catalog.domains(), *catalog.payloads.types()], n=1)
        raise InputError(f"{domain} is neither a domain nor a payload type in the catalogue",
                         hint=f"did you mean {close[0]}?" if close else
                         "`profilegen catalog` lists the domains, `profilegen catalog payloads` the payload types")
    rows = [
        [spec.name, spec.plist_type + (" (profile only)" if spec.profile_only else "")
         + (" (do not set)" if spec.do_not_set else ""), _values(spec),
         _versions(spec) + (" (disputed)" if spec.dispute else ""), spec.title]
        for spec in sorted(schema.keys.values(), key=lambda s: s.name.lower())
    ]
    head = f"{schema.domain}: {schema.title}" + (f" ({schema.source_label})" if schema.imported_from else "")
    return printable(head) + "\n" + table(["key", "type", "values", "versions", "title"], rows)


def choices_table(catalog: Catalog) -> str:
    rows = []
    for choice in catalog.choices().values():
        for option in choice.options.values():
            keys = ", ".join(sorted({f"{e.domain.rsplit('.', 1)[-1]}:{e.key}" for e in option.sets}))
            rows.append([choice.name, option.name, option.title, keys])
    return table(["choice", "option", "what it does", "sets"], rows)
