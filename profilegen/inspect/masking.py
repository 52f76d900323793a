"""Secrets in a profile read from disk (Wi-Fi passwords, SCEP challenges...) hidden before anything shows them."""

from __future__ import annotations

from profilegen.catalog.payloads import PayloadCatalog
from profilegen.inspect.model import Profile


def mask_secrets(profile: Profile, catalog: PayloadCatalog) -> int:
    """Replace, in place, the values of the keys Apple's schema marks sensitive (x-sensitive); how many."""
    by_index = {p.index: p for p in profile.payloads}
    count = 0
    for setting in profile.settings:
        payload = by_index.get(setting.payload)
        if payload is None or payload.style != "apple" or not payload.payload_type:
            continue
        schema = catalog.schema(payload.payload_type)
        if schema is None:
            continue
        from profilegen.payload_resolve import masked

        setting.value, found = masked(setting.value, schema.root.child(setting.key))
        count += found
    return count
