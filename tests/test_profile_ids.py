"""Deterministic identifiers: profilegen's UUIDs are RFC 4122 uuid5 values in a fixed namespace."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from profilegen.profile import NAMESPACE, derived_uuid


@given(st.text(max_size=80))
def test_derived_uuid_is_uuid5_uppercase(identifier: str) -> None:
    expected = str(uuid.uuid5(NAMESPACE, identifier)).upper()
    assert derived_uuid(identifier) == expected


def test_namespace_never_changes() -> None:
    # Changing it would change every deployed profile's UUID: re-uploads would duplicate profiles.
    assert derived_uuid("org.profilegen.office.volume-license-lockdown") == str(
        uuid.uuid5(uuid.UUID("5d7f3a52-9a0e-4b55-8a57-2f3b0d1c6e41"), "org.profilegen.office.volume-license-lockdown")
    ).upper()
