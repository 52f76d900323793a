"""Values of a profile checked against the catalogue: type, allowed values, versions.

The same rule ids as `resolve` uses for presets, so a preset and the profile built from it read alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from profilegen.catalog import Catalog, KeySpec
from profilegen.inspect.model import Origin, Profile, Setting
from profilegen.plisttypes import display, fits, plist_type_of

Add = Callable[..., None]  # Context.add(rule, line, message, fix="", severity=None)


def check_values(add: Add, profile: Profile, catalog: Catalog, office_version: str | None,
                 skip: set[str] | frozenset[str] = frozenset()) -> None:
    """Preference settings against their domains; ``skip``: custom payload types checked as Apple payloads."""
    by_domain: dict[str, list[Origin]] = {}
    styles = {p.index: p.style for p in profile.payloads}
    for origin in profile.origins:
        style = styles.get(origin.payload)
        if style == "mcx" or (style == "custom" and origin.domain not in skip):
            by_domain.setdefault(origin.domain, []).append(origin)
    for domain, origins in by_domain.items():
        schema = catalog.domain(domain)  # (the validator is imported only for a domain the catalogue knows)
        if schema is None:  # counted and named without making a Setting of each key
            counts = [origin.count() for origin in origins]
            if any(counts):
                add(
                    "unknown-domain",
                    next(origin.first_line() for origin, count in zip(origins, counts, strict=True) if count),
                    f"{domain} is not in the catalogue: its {sum(counts)} key(s) are not checked",
                    "add the domain to the catalogue (`profilegen catalog` lists the known ones)",
                )
            continue
        settings = [setting for origin in origins for setting in profile.settings_of(origin)]
        if not settings:
            continue
        from profilegen.validation import Screen

        screen = Screen(schema)  # values not surely valid, kept for the validator
        doubtful: dict[str, tuple[Any, int | None]] = {}  # key -> the value checked and its line, for messages
        key_schemas = schema.key_schemas
        facts: dict[int, tuple[str, bool]] = {}  # per distinct key schema (keys share equal ones): see _facts
        fitting: dict[tuple[type, str], bool] = {}  # fits() depends on the value's type alone
        for setting in settings:
            found = key_schemas.get(setting.key)
            if found is None:
                close = difflib.get_close_matches(setting.key, list(schema.keys), n=1)
                add(
                    "unknown-key",
                    setting.line,
                    f"{domain}:{setting.key} is not a known key of {domain}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"`profilegen catalog {domain}` lists its keys",
                )
                continue
            known = facts.get(id(found))
            if known is None:
                known = facts[id(found)] = _facts(KeySpec(domain, setting.key, found), office_version)
            plist_type, more = known
            kind = (type(setting.value), plist_type)
            fit = fitting.get(kind)
            if fit is None:
                fit = fitting[kind] = fits(setting.value, plist_type)
            if not fit:
                spec = KeySpec(domain, setting.key, found)
                add(
                    "value-type",
                    setting.line,
                    f"{domain}:{setting.key} is a <{_kind(setting.value, plist_type_of)}>, "
                    f"the catalogue says <{plist_type}>",
                    f"write {spec.allowed()}",
                )
                continue
            value = float(setting.value) if plist_type == "real" else setting.value
            if not screen.passes(setting.key, found, value):
                doubtful[setting.key] = (value, setting.line)
            if not more:
                continue
            spec = KeySpec(domain, setting.key, found)
            if "x-do-not-set" in spec.schema and spec.do_not_set:
                add("do-not-set", setting.line, f"{domain}:{setting.key} must not be set: {spec.do_not_set}",
                    "remove the key from the profile")
            if spec.schema.get("x-deprecated-values") or (
                office_version and (spec.app_min or spec.app_max or spec.deprecated_in)
            ):
                _deprecations(add, spec, setting, office_version, schema.versioned_by)
        for violation in screen.violations():
            allowed = schema.keys.get(violation.key)
            if allowed is None:
                continue
            value, line = doubtful[violation.key]
            add(
                "value-allowed",
                line,
                f"{domain}:{violation.key} = {display(value)} is not allowed: "
                f"{violation.message}",
                f"use {allowed.allowed()}",
            )


def _facts(spec: KeySpec, office_version: str | None) -> tuple[str, bool]:
    """A key schema's plist type, and whether its values need the do-not-set and deprecation checks."""
    schema = spec.schema
    more = "x-do-not-set" in schema or bool(schema.get("x-deprecated-values")) or bool(
        office_version and (spec.app_min or spec.app_max or spec.deprecated_in))
    return spec.plist_type, more


def _kind(value: Any, plist_type_of: Callable[[object], str]) -> str:
    try:
        return plist_type_of(value)
    except TypeError:
        return type(value).__name__


def _deprecations(
    add: Add, spec: KeySpec, setting: Setting, version: str | None, versioned_by: str | None
) -> None:
    from profilegen.versions import before, parse_version

    ident = f"{spec.domain}:{spec.name}"
    value = setting.value
    if isinstance(value, str) and value in spec.deprecated_values:
        add(
            "deprecated-value",
            setting.line,
            f"{ident} = {value!r} is deprecated: {spec.deprecated_values[value]}",
            "use a current value: `profilegen catalog " + spec.domain + "`",
        )
    if not version or versioned_by != "office" or parse_version(version) is None:
        return
    replacement = f"use {spec.replaced_by} instead" if spec.replaced_by else "remove it"
    disputed = f" (sources disagree: {spec.dispute})" if spec.dispute else ""
    if spec.app_min and before(version, spec.app_min):
        add(
            "version-too-old",
            setting.line,
            f"{ident} needs Office for Mac {spec.app_min} or later; --office-version is {version}{disputed}",
            "target a later Office, or leave the key out",
        )
    if spec.app_max and before(spec.app_max, version):
        add(
            "key-retired",
            setting.line,
            f"{ident} last works in Office for Mac {spec.app_max}; --office-version is {version}{disputed}",
            replacement,
        )
    elif spec.deprecated_in and not before(version, spec.deprecated_in):
        add(
            "key-deprecated",
            setting.line,
            f"{ident} is deprecated from Office for Mac {spec.deprecated_in}{disputed}",
            replacement,
        )
