"""Secrets in profiles read from disk (Wi-Fi passwords, SCEP challenges...) hidden before show or diff prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from profilegen.record import replace

if TYPE_CHECKING:
    from profilegen.catalog.payloads import PayloadCatalog
    from profilegen.inspect.diff import Change
    from profilegen.inspect.model import Profile


def mask_secrets(profile: Profile, catalog: PayloadCatalog) -> int:
    """Replace, in place, the values of the keys Apple's schema marks sensitive (x-sensitive); how many."""
    by_index = {p.index: p for p in profile.payloads}
    count = 0
    for origin in profile.origins:  # (a preference domain's settings are not made only to be skipped)
        payload = by_index.get(origin.payload)
        if payload is None or payload.style != "apple" or not payload.payload_type:
            continue
        schema = catalog.schema(payload.payload_type)
        if schema is None:
            continue
        from profilegen.payload_resolve import masked

        for setting in profile.settings_of(origin):
            setting.value, found = masked(setting.value, schema.root.child(setting.key))
            count += found
    return count


def mask_changes(changes: list[Change], catalog: PayloadCatalog) -> list[Change]:
    """A diff's changes with secrets hidden: a changed password shows as a change, never as its values."""
    shown = []
    for change in changes:
        kind = (change.domain or "").split(" (", 1)[0]
        schema = catalog.schema(kind) if change.area == "setting" and kind.startswith("com.apple.") else None
        if schema is not None:
            from profilegen.payload_resolve import masked  # Apple payloads only: not loaded for the rest

            key = schema.root.child(change.key)
            old = masked(change.old, key)[0] if change.old is not None else None
            new = masked(change.new, key)[0] if change.new is not None else None
            shown.append(replace(change, old=old, new=new))
        else:
            shown.append(change)
    return shown
