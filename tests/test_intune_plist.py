"""The Intune preference file: bare key/value pairs that parse back to the same settings."""

from __future__ import annotations

import datetime
import plistlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.errors import ValidationError
from profilegen.plisttypes import PlistValue
from profilegen.render.intune_plist import render

HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n'


def parse(fragment: bytes) -> Any:
    """What Intune does on the Mac: wrap the pairs in a plist and read it."""
    return plistlib.loads(HEADER + fragment + b"</dict>\n</plist>\n")


# Text XML can carry (no C0 controls but tab/newline/CR, no surrogates, no U+FFFE/FFFF).
xml_text = st.text(
    alphabet=st.characters(
        exclude_categories=["Cs"],
        exclude_characters=[chr(c) for c in range(0x20) if c not in (9, 10, 13)] + ["\ufffe", "\uffff"],
    ),
    max_size=20,
)
dates = st.datetimes(
    min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2200, 1, 1)
).map(lambda d: d.replace(microsecond=0))
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    xml_text,
    st.binary(max_size=40),
    dates,
)
values: st.SearchStrategy[PlistValue] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(xml_text, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(xml_text, values, max_size=6))
def test_round_trip_through_plistlib(domain_settings: dict[str, PlistValue]) -> None:
    fragment = render(domain_settings)
    assert parse(fragment) == domain_settings


def test_bare_pairs_typed_and_escaped() -> None:
    fragment = render(
        {
            "UseOnlineContent": 0,
            "SendAllTelemetryEnabled": False,
            "HowToCheck": "Manual",
            "Ratio": 0.5,
            "Note": 'a < b & "c" > d',
            "Blob": b"\x00\x01",
            "When": datetime.datetime(2024, 5, 1, 12, 0, 0),
            "List": ["x", 1],
            "Nested": {"Inner": True},
        },
        domain="com.example.app",
    )
    text = fragment.decode("utf-8")
    assert not text.startswith("\ufeff")
    assert "<?xml" not in text and "<plist" not in text
    # No dict around the pairs: the first line is a key and top-level lines are not indented.
    assert text.splitlines()[0] == "<key>Blob</key>"
    assert "<key>UseOnlineContent</key>\n<integer>0</integer>" in text
    assert "<key>SendAllTelemetryEnabled</key>\n<false/>" in text
    assert "<real>0.5</real>" in text
    assert "<string>a &lt; b &amp; \"c\" &gt; d</string>" in text
    assert "<data>AAE=</data>" in text
    assert "<date>2024-05-01T12:00:00Z</date>" in text
    assert "<dict>\n\t<key>Inner</key>\n\t<true/>\n</dict>" in text


def test_same_settings_same_bytes_whatever_the_order() -> None:
    assert render({"b": 1, "a": 2}) == render({"a": 2, "b": 1})


def test_aware_dates_are_written_in_utc() -> None:
    paris = datetime.timezone(datetime.timedelta(hours=2))
    fragment = render({"When": datetime.datetime(2024, 5, 1, 14, 0, tzinfo=paris)})
    assert b"<date>2024-05-01T12:00:00Z</date>" in fragment


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("bell\x07", "U+0007"),
        (2**64, "64 bits"),
        (float("nan"), "finite"),
        ({1: "x"}, "not a string"),
    ],
)
def test_unwritable_values_name_the_key(value: Any, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        render({"Key": value}, domain="com.example.app")
    assert "com.example.app:Key" in str(caught.value)
    assert fragment in str(caught.value)


def test_empty_settings_give_an_empty_file() -> None:
    assert render({}) == b""
