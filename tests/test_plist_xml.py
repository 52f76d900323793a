"""Our XML plist writer gives plistlib's bytes exactly, for any value a profile or script can hold."""

from __future__ import annotations

import datetime
import enum
import plistlib
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.render import plist_xml
from tests.conftest import MICROSOFT_PROFILES
from tests.samples import PROFILES


def reference(value: Any) -> bytes:
    return plistlib.dumps(value, fmt=plistlib.FMT_XML, sort_keys=True)


# Text with everything XML text may hold, markup characters and line ends included: only the C0
# controls plistlib refuses are left out.
texts = st.text(st.characters(codec="utf-8", exclude_characters=[
    chr(c) for c in range(32) if chr(c) not in "\t\n\r"]) | st.sampled_from("&<>\r\n\t]]>"))
scalars = (
    texts
    | st.booleans()
    | st.integers(min_value=-(1 << 63), max_value=(1 << 64) - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.binary(max_size=300)
    | st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31),
                   timezones=st.one_of(st.none(), st.just(datetime.UTC)))
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(values)
def test_arbitrary_values_match_plistlib_byte_for_byte(value: Any) -> None:
    assert plist_xml.dumps(value) == reference(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=200), min_size=1, max_size=1), st.integers(min_value=0, max_value=12))
def test_data_lines_wrap_as_plistlib_wraps_them_at_every_depth(data: list[bytes], depth: int) -> None:
    value: Any = data[0]
    for _ in range(depth):
        value = {"k": [value]}
    assert plist_xml.dumps(value) == reference(value)


def test_the_suite_s_sample_profiles_round_trip_to_plistlib_bytes() -> None:
    assert PROFILES
    for path in PROFILES:
        value = plistlib.loads(path.read_bytes())
        assert plist_xml.dumps(value) == reference(value), path.name


@pytest.mark.corpus
def test_every_profile_in_the_fixtures_round_trips_to_plistlib_bytes() -> None:
    profiles = sorted(MICROSOFT_PROFILES.glob("*.mobileconfig"))
    unsigned = [p for p in profiles if p.read_bytes().lstrip().startswith(b"<?xml")]
    assert unsigned, "no unsigned Microsoft profiles found in the fixtures"
    for path in unsigned:
        value = plistlib.loads(path.read_bytes())
        assert plist_xml.dumps(value) == reference(value), path.name


def test_subclasses_are_written_as_their_base_types() -> None:
    class Level(enum.IntEnum):
        two = 2

    value = {"b": OrderedDict(z=1, a=Level.two), "a": (1.5, True, bytearray(b"\x00\xff"))}
    assert plist_xml.dumps(value) == reference(value)


def test_fragment_is_the_bare_element_defaults_write_takes() -> None:
    assert plist_xml.fragment({"b": [1, "x<y"], "a": {}}) == (
        "<dict>\n\t<key>a</key>\n\t<dict/>\n\t<key>b</key>\n\t<array>\n\t\t<integer>1</integer>\n"
        "\t\t<string>x&lt;y</string>\n\t</array>\n</dict>")


@pytest.mark.parametrize(("value", "error"), [
    ("bell\x07", ValueError),
    ({"k": ["\x00"]}, ValueError),
    (1 << 64, OverflowError),
    (-(1 << 63) - 1, OverflowError),
    ({1: "x"}, TypeError),
    (datetime.date(2026, 1, 1), TypeError),
    (None, TypeError),
    ({"k": {1, 2}}, TypeError),
])
def test_what_plistlib_refuses_is_refused_the_same_way(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        reference(value)
    with pytest.raises(error):
        plist_xml.dumps(value)
