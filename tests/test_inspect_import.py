"""`import`: choices recognised, metadata and identifiers carried; build -> import -> build is stable."""

from __future__ import annotations

import datetime
import string
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.catalog import Catalog, load_catalog
from profilegen.errors import InputError
from profilegen.inspect.importer import import_profile
from profilegen.inspect.model import extract
from profilegen.inspect.read import load, load_bytes
from profilegen.pipeline import PROFILE_SUFFIX, build_preset
from profilegen.preset import Preset, ProfileMeta, dumps_preset, parse_preset
from tests.conftest import REPO

DATA = REPO / "tests" / "data"
CATALOG = load_catalog(root=DATA / "catalog")


def built(preset: Preset, catalog: Catalog = CATALOG) -> bytes:
    result = build_preset(preset, catalog)
    return next(a.data for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))


def reimported(data: bytes, catalog: Catalog = CATALOG, name: str = "p") -> Preset:
    """Import the profile bytes, then read the preset back from its TOML text, as a user would."""
    imported = import_profile(extract(load_bytes(data, "built"), strict=True), catalog, name=name)
    return parse_preset(tomllib.loads(dumps_preset(imported.preset)), name=name)


def preset(settings: dict[str, dict[str, Any]], **meta: Any) -> Preset:
    profile = ProfileMeta(
        display_name=meta.pop("display_name", "Test"),
        identifier=meta.pop("identifier", "com.example.test"),
        **meta,
    )
    return Preset(name="p", path=None, profile=profile, settings=settings)


def test_choices_are_recognised_and_the_most_specific_option_wins() -> None:
    data = built(preset({"com.example.app": {"Enabled": False, "Mode": "Fast", "Interval": 10, "Ratio": 0.5}}))
    again = reimported(data)
    assert again.choices == {"app-switch": "off", "app-mode": "fast-and-often"}
    assert again.settings == {"com.example.app": {"Ratio": 0.5}}
    assert built(again) == data


def test_a_partial_match_stays_raw() -> None:
    data = built(preset({"com.example.app": {"Mode": "Fast", "Interval": 20}}))
    again = reimported(data)
    assert again.choices == {"app-mode": "fast-only"}
    assert again.settings == {"com.example.app": {"Interval": 20}}


def test_type_matters_when_matching_an_option() -> None:
    """Enabled = 1 (an integer) is not the option's `true`; it stays raw."""
    data = (DATA / "valid.mobileconfig").read_bytes().replace(b"<true/>", b"<integer>1</integer>")
    imported = import_profile(extract(load_bytes(data, "int"), strict=True), CATALOG, name="p")
    assert imported.preset.choices == {}
    assert imported.preset.settings == {"com.example.app": {"Enabled": 1}}


def test_metadata_and_pins_are_carried() -> None:
    imported = import_profile(extract(load(DATA / "valid.mobileconfig"), strict=True), CATALOG, name="valid")
    meta = imported.preset.profile
    assert (meta.display_name, meta.identifier, meta.scope, meta.payload_style) == (
        "Test",
        "com.example.test",
        "System",
        "mcx",
    )
    assert meta.uuid == "0A1B2C3D-0000-4000-8000-000000000000"
    pin = meta.payloads["com.example.app"]
    assert (pin.identifier, pin.uuid) == ("com.example.test.app", "0A1B2C3D-0000-4000-8000-000000000001")
    assert imported.preset.choices == {"app-switch": "on"}


def test_custom_style_is_detected() -> None:
    path = DATA / "broken" / "jamf-unsigned-custom.mobileconfig"
    imported = import_profile(extract(load(path), strict=True), CATALOG, name="custom")
    assert imported.preset.profile.payload_style == "custom"
    data = built(imported.preset)
    assert b"<key>PayloadType</key>\n\t\t\t<string>com.example.app</string>" in data


def test_set_once_is_noted() -> None:
    data = (DATA / "valid.mobileconfig").read_bytes().replace(b"<key>Forced</key>", b"<key>Set-Once</key>")
    imported = import_profile(extract(load_bytes(data, "once"), strict=True), CATALOG, name="p")
    assert imported.notes == ["Set-Once settings imported as Forced: com.example.app:Enabled"]


def test_a_jamf_uuid_identifier_is_kept_so_the_rebuild_replaces_the_deployed_profile() -> None:
    jamf = "99263152-E15C-4FFD-8531-5FE4715DEA90"
    data = (DATA / "valid.mobileconfig").read_bytes().replace(b"<string>com.example.test</string>",
                                                               f"<string>{jamf}</string>".encode())
    profile = extract(load_bytes(data, "jamf.mobileconfig"), strict=True)
    assert import_profile(profile, CATALOG, name="p").preset.profile.identifier == jamf


def test_an_identifier_with_spaces_needs_one_given() -> None:
    data = (DATA / "valid.mobileconfig").read_bytes().replace(b"<string>com.example.test</string>",
                                                               b"<string>My Office Profile</string>")
    profile = extract(load_bytes(data, "spaces.mobileconfig"), strict=True)
    with pytest.raises(InputError) as caught:
        import_profile(profile, CATALOG, name="p")
    assert "--identifier" in caught.value.render()
    assert (
        import_profile(profile, CATALOG, name="p", identifier="com.example.x").preset.profile.identifier
        == "com.example.x"
    )


def test_data_and_dates_of_known_keys_round_trip() -> None:
    when = datetime.datetime(2026, 1, 31, 12, 0, 0)
    data = built(preset({"com.example.app": {"Blob": b"\x00\x01profilegen", "When": when}}))
    again = reimported(data)
    # The preset's offset date is read as the same instant in UTC, as every preset date is.
    assert again.settings == {"com.example.app": {"Blob": "AAFwcm9maWxlZ2Vu", "When": when}}
    assert built(again) == data


def test_a_broken_profile_is_not_imported(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        extract(load(DATA / "broken" / "plist-grammar.mobileconfig"), strict=True)
    assert "line 18: <integer>12x</integer> is not a valid integer" in caught.value.render()


# -- property: random settings -> build -> import -> build gives identical bytes ----------------------------

_NAME = st.text(string.ascii_letters + string.digits, min_size=1, max_size=12).filter(
    lambda s: s[0].isalpha() and not s.startswith("Payload")
)
# Text an XML plist carries unchanged: no control characters (XML reads a lone CR as LF), no surrogates.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), max_size=20)
_SCALAR = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
    # No bytes: a preset writes data as base64 text, which only a catalogue key typed `data` reads back
    # as data (see test_data_and_dates_of_known_keys_round_trip).
    # Dates a build writes: 1970 to 9999 (profilegen/writable.py).
    st.datetimes(min_value=datetime.datetime(1970, 1, 1), max_value=datetime.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_NAME, inner, max_size=3)),
    max_leaves=6,
)
_SETTINGS = st.dictionaries(
    st.sampled_from(["com.example.one", "com.example.two", "org.example.three"]),
    st.dictionaries(_NAME, _VALUE, min_size=1, max_size=4),
    min_size=1,
    max_size=3,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    settings_=_SETTINGS,
    display_name=_TEXT.filter(str.strip),
    organization=_TEXT,
    description=_TEXT,
    scope=st.sampled_from(["System", "User"]),
    removal=st.booleans(),
    style=st.sampled_from(["mcx", "custom"]),
)
def test_build_import_build_is_identical(
    settings_: dict[str, dict[str, Any]],
    display_name: str,
    organization: str,
    description: str,
    scope: str,
    removal: bool,
    style: str,
) -> None:
    original = preset(
        settings_,
        display_name=display_name,
        organization=organization,
        description=description,
        scope=scope,
        removal_disallowed=removal,
        payload_style=style,
    )
    first = built(original)
    second = built(reimported(first))
    assert second == first
