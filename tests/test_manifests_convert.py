"""ProfileManifests manifest -> domain schema: the real Microsoft manifests, then each pfm_* rule."""

from __future__ import annotations

import datetime
import json
import plistlib
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the test extra
import jsonschema_rs
import pytest

from profilegen.catalog.manifests.convert import (
    REASON_PAYLOAD,
    REASON_UI,
    Conversion,
    ManifestError,
    convert_manifest,
)
from tests.conftest import PROFILEMANIFESTS, REPO, corpus_files
from tests.samples import MANIFESTS

FIXTURE_FILES = corpus_files(PROFILEMANIFESTS, "*.plist")
OWN_FILES = sorted(MANIFESTS.glob("*.plist"))
DOMAIN_META = json.loads((REPO / "schemas" / "domain.meta.json").read_text(encoding="utf-8"))


def load(name: str, folder: Path = PROFILEMANIFESTS) -> dict[str, Any]:
    with (folder / name).open("rb") as handle:
        data: dict[str, Any] = plistlib.load(handle)
    return data


def convert_fixture(name: str) -> Conversion:
    return convert_manifest(load(name), name)


def fixture_key(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(sub for sub in manifest["pfm_subkeys"] if sub.get("pfm_name") == name)


def walk(schema: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every key schema below a document or key: properties, items, anyOf branches, free members."""
    found: list[tuple[str, dict[str, Any]]] = []
    for name, sub in schema.get("properties", {}).items():
        found.append((f"{path}.{name}", sub))
        found += walk(sub, f"{path}.{name}")
    items = schema.get("items")
    if isinstance(items, dict):
        for index, branch in enumerate(items.get("anyOf", [items])):
            found.append((f"{path}[{index}]", branch))
            found += walk(branch, f"{path}[{index}]")
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        found.append((f"{path}.*", extra))
        found += walk(extra, f"{path}.*")
    return found


def manifest(*subkeys: dict[str, Any], **top: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "pfm_domain": "org.example.app",
        "pfm_title": "Example App",
        "pfm_description": "Example preferences",
        "pfm_version": 3,
        "pfm_format_version": 1,
        "pfm_subkeys": list(subkeys),
    }
    base.update(top)
    return base


def key(name: str | None, pfm_type: str, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"pfm_type": pfm_type, **extra}
    if name is not None:
        spec["pfm_name"] = name
    return spec


def convert(*subkeys: dict[str, Any], **top: Any) -> Conversion:
    return convert_manifest(manifest(*subkeys, **top), "org.example.app.plist")


# -- the suite's own manifests, then (corpus) the Microsoft manifests of ProfileManifests ----------


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: p.stem)
def test_every_manifest_of_the_suite_converts_to_a_valid_2020_12_schema(path: Path) -> None:
    check_converted(path)


def test_payload_keys_and_layout_controls_of_the_suite_s_manifests_are_left_out_and_counted() -> None:
    raw = load("com.microsoft.OneDrive.plist", MANIFESTS)
    conversion = convert_manifest(raw, "com.microsoft.OneDrive.plist")
    assert sorted(conversion.document["properties"]) == ["DisablePersonalSync"]
    skipped = {(s.path, s.reason) for s in conversion.stats.skipped}
    assert ("PayloadUUID", REASON_PAYLOAD) in skipped
    assert ("PFC_SegmentedControl_0", REASON_UI) in skipped
    assert "required" not in conversion.document  # only Payload* keys were required at the top


def test_nested_keys_of_the_suite_s_manifest_validate() -> None:
    document = convert_manifest(load("com.microsoft.Edge.plist", MANIFESTS), "com.microsoft.Edge.plist").document
    favorites = document["properties"]["ManagedFavorites"]
    assert favorites["type"] == "array"
    assert sorted(favorites["items"]["properties"]) == ["name", "url"]
    validator = jsonschema.Draft202012Validator(document)
    assert list(validator.iter_errors({"ManagedFavorites": [{"name": "Intranet", "url": "https://x"}]})) == []
    bad = sorted(e.message for e in validator.iter_errors({"ManagedFavorites": [{"name": 3}], "PolicyRefreshRate": 5}))
    assert any("3 is not of type 'string'" in m for m in bad)
    assert any("5 is less than the minimum of 1800000" in m for m in bad)


@pytest.mark.corpus
def test_the_fixture_holds_the_seventeen_microsoft_manifests() -> None:
    assert len(FIXTURE_FILES) == 17


@pytest.mark.corpus
@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_every_microsoft_manifest_converts_to_a_valid_2020_12_schema(path: Path) -> None:
    check_converted(path)


def check_converted(path: Path) -> None:
    raw = load(path.name, path.parent)
    conversion = convert_manifest(raw, path.name)
    document = conversion.document

    jsonschema.Draft202012Validator.check_schema(document)
    jsonschema_rs.validator_for(document)  # profilegen's own validator compiles it too (regexes included)
    assert document["x-domain"] == path.stem == conversion.domain
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["x-imported-from"] == "ProfileManifests"
    assert document["x-versioned-by"] == raw["pfm_title"].replace(" ", "-")
    meta_errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(DOMAIN_META).iter_errors(document)
    ]
    assert meta_errors == []
    assert document["$id"] == f"urn:profilegen:domain:{path.stem}"
    for where, schema in walk(document):
        if "x-enum-titles" in schema:
            assert len(schema["x-enum-titles"]) == len(schema["enum"]), where
    assert f"profilemanifests:{path.name}" in document["x-sources"]
    assert document["properties"], "no preference key converted"
    assert not [name for name in document["properties"] if name.startswith("Payload")]
    for where, schema in walk(document):
        assert schema.get("x-plist-type") in {
            "bool",
            "integer",
            "real",
            "string",
            "date",
            "data",
            "array",
            "dict",
        }, where
    for name, schema in document["properties"].items():
        assert f"profilemanifests:{path.name}" in schema["x-sources"], name


@pytest.mark.corpus
def test_how_to_check_range_list_becomes_enum_with_titles() -> None:
    raw = fixture_key(load("com.microsoft.autoupdate2.plist"), "HowToCheck")
    schema = convert_fixture("com.microsoft.autoupdate2.plist").document["properties"]["HowToCheck"]

    assert schema["type"] == "string" and schema["x-plist-type"] == "string"
    assert schema["enum"] == ["Manual", "AutomaticCheck", "AutomaticDownload"] == raw["pfm_range_list"]
    assert schema["x-enum-titles"] == raw["pfm_range_list_titles"]
    assert schema["x-enum-titles"][0] == 'No auto updates or checks: "Manual"'
    assert schema["default"] == "AutomaticCheck"
    assert schema["x-app-min"] == "3.8"
    assert schema["title"] == "How to Check for Updates"
    assert "https://learn.microsoft.com/en-us/microsoft-365-apps/mac/mau-preferences#howtocheck" in schema["x-sources"]


@pytest.mark.corpus
def test_autoupdate2_send_all_telemetry_keeps_its_version_gates() -> None:
    schema = convert_fixture("com.microsoft.autoupdate2.plist").document["properties"]["SendAllTelemetryEnabled"]

    assert schema["x-app-max"] == "4.11"
    assert schema["x-deprecated-in"] == "4.12"
    assert schema["x-app-min"] == "3.0"
    assert schema["type"] == "boolean" and schema["x-plist-type"] == "bool"
    assert schema["default"] is False


@pytest.mark.corpus
def test_subkeys_become_nested_schemas() -> None:
    document = convert_fixture("com.microsoft.autoupdate2.plist").document
    word = document["properties"]["Applications"]["properties"]["/Applications/Microsoft Word.app"]

    assert word["type"] == "object" and word["x-plist-type"] == "dict"
    assert word["required"] == ["Application ID", "LCID"]
    assert word["properties"]["Application ID"]["enum"] == ["MSWD15", "MSWD2019"]
    assert word["properties"]["LCID"]["x-plist-type"] == "integer"

    favorites = convert_fixture("com.microsoft.Edge.plist").document["properties"]["ManagedFavorites"]
    assert favorites["type"] == "array"
    shapes = favorites["items"]["anyOf"]
    assert [sorted(shape["properties"]) for shape in shapes] == [["name", "url"], ["toplevel_name"]]


@pytest.mark.corpus
def test_nested_settings_validate_against_the_converted_schema() -> None:
    validator = jsonschema.Draft202012Validator(convert_fixture("com.microsoft.autoupdate2.plist").document)
    good = {
        "HowToCheck": "Manual",
        "Applications": {"/Applications/Microsoft Word.app": {"Application ID": "MSWD2019", "LCID": 1033}},
        "OptionalUpdatesDeferrals": {"DeferralDays": {"MSWD2019": 7}},
    }
    assert list(validator.iter_errors(good)) == []

    bad = {
        "HowToCheck": "Sometimes",
        "Applications": {"/Applications/Microsoft Word.app": {"LCID": "1033"}},
        "OptionalUpdatesDeferrals": {"DeferralDays": {"MSWD2019": "seven"}},
    }
    messages = sorted(error.message for error in validator.iter_errors(bad))
    assert any("'Sometimes' is not one of" in message for message in messages)
    assert any("'Application ID' is a required property" in message for message in messages)
    assert any("'1033' is not of type 'integer'" in message for message in messages)
    assert any("'seven' is not of type 'integer'" in message for message in messages)


@pytest.mark.corpus
def test_payload_keys_and_layout_controls_are_left_out_and_counted() -> None:
    raw = load("com.microsoft.autoupdate2.plist")
    conversion = convert_manifest(raw, "com.microsoft.autoupdate2.plist")
    properties = conversion.document["properties"]
    raw_payload_names = [s["pfm_name"] for s in raw["pfm_subkeys"] if s["pfm_name"].startswith("Payload")]

    assert "PayloadUUID" in raw_payload_names and "PayloadType" in raw_payload_names
    for name in [*raw_payload_names, "PFC_SegmentedControl_0"]:
        assert name not in properties
    skipped = {(s.path, s.reason) for s in conversion.stats.skipped}
    assert ("PayloadUUID", REASON_PAYLOAD) in skipped
    assert ("PFC_SegmentedControl_0", REASON_UI) in skipped
    assert "required" not in conversion.document  # only Payload* / layout keys were required at the top


@pytest.mark.corpus
def test_conditions_are_kept_as_notes() -> None:
    edge = convert_fixture("com.microsoft.Edge.plist").document
    pac_url = edge["properties"]["ProxySettings"]["properties"]["ProxyPacUrl"]
    assert (
        pac_url["x-notes"] == 'ProfileManifests leaves this key out when ProxySettings.ProxyMode is not "pac_script".'
    )

    skype = convert_fixture("com.microsoft.SkypeForBusiness.plist").document
    assert skype["properties"]["externalAutoDiscoveryURL"]["x-notes"] == (
        "Required when autoDetectAutoDicoveryURLs is true."
    )


# -- each pfm_* rule, on small manifests ----------------------------------------------------------


def test_plist_types_map_to_json_types() -> None:
    document = convert(
        key("B", "boolean"),
        key("I", "integer"),
        key("F", "float"),
        key("S", "string"),
        key("U", "url"),
        key("D", "date"),
        key("Bytes", "data"),
        key("Alias", "alias"),
        key("A", "array", pfm_subkeys=[key(None, "string")]),
        key("Dict", "dictionary", pfm_subkeys=[key("Inner", "integer")]),
    ).document
    types = {name: (s["type"], s["x-plist-type"]) for name, s in document["properties"].items()}
    assert types == {
        "B": ("boolean", "bool"),
        "I": ("integer", "integer"),
        "F": ("number", "real"),
        "S": ("string", "string"),
        "U": ("string", "string"),
        "D": ("string", "date"),
        "Bytes": ("string", "data"),
        "Alias": ("string", "data"),
        "A": ("array", "array"),
        "Dict": ("object", "dict"),
    }
    assert document["properties"]["D"]["format"] == "date-time"
    assert document["properties"]["A"]["items"] == {"type": "string", "x-plist-type": "string"}
    assert document["properties"]["Dict"]["properties"]["Inner"]["x-plist-type"] == "integer"


def test_top_level_metadata() -> None:
    conversion = convert(key("K", "boolean"), pfm_documentation_url="https://example.org/docs")
    document = conversion.document
    assert document["$id"] == "urn:profilegen:domain:org.example.app"
    assert document["title"] == "Example App"
    assert document["description"] == "Example preferences"
    assert document["type"] == "object"
    assert document["x-manifest-version"] == 3
    assert document["x-sources"] == ["https://example.org/docs", "profilemanifests:org.example.app.plist"]
    assert conversion.stats.keys == 1


def test_defaults_dates_and_data_become_json() -> None:
    when = datetime.datetime(2024, 5, 6, 7, 8, 9)
    document = convert(
        key("When", "date", pfm_default=when),
        key("Blob", "data", pfm_default=b"\x00\x01hi"),
        key("List", "array", pfm_default=["a", "b"], pfm_subkeys=[key(None, "string")]),
    ).document
    assert document["properties"]["When"]["default"] == "2024-05-06T07:08:09Z"
    assert document["properties"]["Blob"]["default"] == "AAFoaQ=="
    assert document["properties"]["List"]["default"] == ["a", "b"]


def test_a_default_of_the_wrong_type_is_dropped_with_a_note() -> None:
    conversion = convert(key("Count", "integer", pfm_default="10"))
    schema = conversion.document["properties"]["Count"]
    assert "default" not in schema
    assert schema["x-notes"] == 'Default "10" (from ProfileManifests) does not match the key\'s type.'
    assert conversion.stats.notes == 1


def test_ranges_format_repetition_and_uniqueness() -> None:
    document = convert(
        key("Level", "integer", pfm_range_min=1, pfm_range_max=5),
        key("Ratio", "float", pfm_range_min=0.5),
        key("Url", "string", pfm_format="^https://"),
        key(
            "Hosts",
            "array",
            pfm_subkeys=[key(None, "string")],
            pfm_format="^[a-z.]+$",
            pfm_repetition_min=1,
            pfm_repetition_max=10,
            pfm_value_unique=True,
        ),
    ).document
    props = document["properties"]
    assert (props["Level"]["minimum"], props["Level"]["maximum"]) == (1, 5)
    assert props["Ratio"]["minimum"] == 0.5 and "maximum" not in props["Ratio"]
    assert props["Url"]["pattern"] == "^https://"
    assert props["Hosts"]["items"]["pattern"] == "^[a-z.]+$"
    assert (props["Hosts"]["minItems"], props["Hosts"]["maxItems"], props["Hosts"]["uniqueItems"]) == (
        1,
        10,
        True,
    )
    validator = jsonschema.Draft202012Validator(document)
    assert not validator.is_valid({"Level": 9})
    assert not validator.is_valid({"Url": "http://plain"})
    assert not validator.is_valid({"Hosts": ["a.b", "a.b"]})
    assert validator.is_valid({"Level": 3, "Url": "https://x", "Hosts": ["a.b"]})


def test_an_invalid_regex_is_kept_as_a_note_not_a_pattern() -> None:
    schema = convert(key("Name", "string", pfm_format="a{2,1}")).document["properties"]["Name"]
    assert "pattern" not in schema
    assert schema["x-notes"] == "Format (pfm_format) is not a valid regular expression: a{2,1}"


def test_range_list_of_the_wrong_type_or_open_is_a_note() -> None:
    props = convert(
        key("Mode", "integer", pfm_range_list=["0", "1"]),
        key(
            "App",
            "string",
            pfm_range_list=["A", "B"],
            pfm_range_list_titles=["Alpha", "Beta"],
            pfm_range_list_allow_custom_value=True,
        ),
        key("Flag", "boolean", pfm_range_list_titles=["Off", "On"]),
    ).document["properties"]
    assert "enum" not in props["Mode"] and "do not match the key's type" in props["Mode"]["x-notes"]
    assert "enum" not in props["App"]
    assert props["App"]["x-notes"] == 'Suggested values (others allowed): "A" (Alpha), "B" (Beta).'
    assert props["Flag"]["x-notes"] == "Value titles: false = Off; true = On."


def test_enum_titles_that_do_not_pair_are_not_attached() -> None:
    schema = convert(key("Mode", "integer", pfm_range_list=[0, 1, 2], pfm_range_list_titles=["Zero", "One"])).document[
        "properties"
    ]["Mode"]
    assert schema["enum"] == [0, 1, 2]
    assert "x-enum-titles" not in schema
    assert "do not pair" in schema["x-notes"]


def test_required_keys_at_every_level() -> None:
    document = convert(
        key("Server", "string", pfm_require="always"),
        key("Port", "integer", pfm_required=True),
        key("Optional", "string"),
        key("Push", "string", pfm_require="push"),
        key(
            "Nested",
            "dictionary",
            pfm_subkeys=[key("Id", "string", pfm_require="always-nested"), key("X", "string")],
        ),
    ).document
    assert document["required"] == ["Server", "Port"]
    assert document["properties"]["Nested"]["required"] == ["Id"]
    assert "installed by an MDM" in document["properties"]["Push"]["x-notes"]
    validator = jsonschema.Draft202012Validator(document)
    assert not validator.is_valid({"Server": "s"})
    assert validator.is_valid({"Server": "s", "Port": 1})


def test_version_annotations_for_app_and_macos() -> None:
    props = convert(
        key(
            "K",
            "boolean",
            pfm_app_min="16.17",
            pfm_app_max="16.27",
            pfm_app_deprecated="16.28",
            pfm_macos_min="10.14",
            pfm_macos_max="13.0",
            pfm_macos_deprecated="12.0",
        ),
        key("Plain", "boolean"),
        pfm_app_min="16.0",
    ).document["properties"]
    assert {k: v for k, v in props["K"].items() if k.startswith(("x-app", "x-dep", "x-macos"))} == {
        "x-app-min": "16.17",
        "x-app-max": "16.27",
        "x-deprecated-in": "16.28",
        "x-macos-min": "10.14",
        "x-macos-max": "13.0",
        "x-macos-deprecated": "12.0",
    }
    assert props["Plain"]["x-app-min"] == "16.0"  # the manifest's own pfm_app_min applies to every key


def test_free_key_dictionaries_use_placeholders() -> None:
    schema = convert(
        key(
            "PerApp",
            "dictionary",
            pfm_subkeys=[
                key("{{key}}", "string", pfm_range_list=["WORD", "XCEL"], pfm_title="App"),
                key("{{value}}", "integer"),
            ],
        ),
    ).document["properties"]["PerApp"]
    assert schema["propertyNames"] == {"type": "string", "title": "App", "enum": ["WORD", "XCEL"]}
    assert schema["additionalProperties"] == {"type": "integer", "x-plist-type": "integer"}
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"WORD": 3})
    assert not validator.is_valid({"WORD": "3"})
    assert not validator.is_valid({"PPT": 3})


def test_notes_units_and_sensitivity() -> None:
    schema = convert(
        key(
            "Secret",
            "string",
            pfm_note="Rotate yearly.",
            pfm_value_unit="days",
            pfm_sensitive=True,
            pfm_value_inverted=True,
            pfm_description_extended="More words.",
        ),
    ).document["properties"]["Secret"]
    assert schema["x-notes"].splitlines() == [
        "Rotate yearly.",
        "Unit: days.",
        "The title is worded inversely: the stored value is the opposite of what it says.",
        "The value may be sensitive: consider encrypting the profile.",
    ]
    assert schema["description"] == "More words."


def test_keys_that_cannot_be_converted_are_skipped_with_a_reason() -> None:
    conversion = convert(
        key("Good", "boolean"),
        key("Weird", "union policy"),
        key("Untyped", "") | {"pfm_type": None},
        key(None, "string"),
        key("IOSOnly", "boolean", pfm_platforms=["iOS"]),
        key("Hidden", "boolean", pfm_excluded=True),
        key("Good", "string"),
    )
    assert list(conversion.document["properties"]) == ["Good"]
    assert conversion.document["properties"]["Good"]["x-plist-type"] == "bool"
    reasons = {s.path: s.reason for s in conversion.stats.skipped}
    assert reasons == {
        "Weird": "unsupported pfm_type 'union policy'",
        "Untyped": "no pfm_type",
        "(unnamed)": "no pfm_name",
        "IOSOnly": "not available on macOS (pfm_platforms: iOS)",
        "Hidden": "marked pfm_excluded: never written to a payload",
        "Good": "defined twice in the manifest; the first definition is kept",
    }


def test_unknown_pfm_keys_are_counted_not_fatal() -> None:
    conversion = convert(key("K", "boolean", pfm_shiny=True, pfmx_supported_oses={}), pfm_future=1)
    assert conversion.stats.unknown == {"pfm_shiny": 1, "pfm_future": 1}
    assert "K" in conversion.document["properties"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pfm_title": "No domain", "pfm_subkeys": []}, "no pfm_domain"),
        ({"pfm_domain": "../../etc/passwd", "pfm_subkeys": []}, "is not a preference domain name"),
        ({"pfm_domain": "Configuration", "pfm_subkeys": []}, "not a preference domain"),
        (
            {"pfm_domain": "com.apple.tv", "pfm_platforms": ["tvOS"], "pfm_subkeys": []},
            "not available on macOS",
        ),
        (["not", "a", "dict"], "the plist is not a dictionary"),
    ],
)
def test_a_manifest_that_cannot_be_imported_is_refused_with_its_name(data: Any, message: str) -> None:
    with pytest.raises(ManifestError) as caught:
        convert_manifest(data, "broken.plist")
    assert message in caught.value.message
    assert caught.value.render().startswith("broken.plist: ")


def test_apple_payload_manifests_say_how_to_build_them() -> None:
    conversion = convert_manifest(manifest(key("K", "boolean")), "com.apple.x.plist", apple_payload=True)
    assert 'payload_style = "custom"' in conversion.document["x-notes"]


# -- what the catalogue's meta-schema asks of every domain file -------------------------------------


def test_a_manifest_using_every_rule_satisfies_the_meta_schema() -> None:
    document = convert(
        key("Flag", "boolean", pfm_default=True, pfm_app_min="1.2", pfm_macos_min="12.0"),
        key(
            "Level",
            "integer",
            pfm_range_list=[1, 2, 2],
            pfm_range_list_titles=["One", "Two", "Two again"],
            pfm_range_min=1.0,
            pfm_range_max=2,
        ),
        key("Ratio", "float", pfm_default=0.5),
        key("Since", "date", pfm_default=datetime.datetime(2020, 1, 1)),
        key("Blob", "data", pfm_default=b"x"),
        key("Names", "array", pfm_subkeys=[key(None, "string")], pfm_value_unique=True),
        key("Nested", "dictionary", pfm_subkeys=[key("With Space", "string")]),
        key("NoText", "string"),
        key("Odd", "string", pfm_app_min="15.x", pfm_app_max=""),
        pfm_documentation_url="https://example.org/a doc",
        pfm_macos_min="11.0",
    ).document
    errors = [e.message for e in jsonschema.Draft202012Validator(DOMAIN_META).iter_errors(document)]
    assert errors == []
    props = document["properties"]
    assert props["Level"]["enum"] == [1, 2] and props["Level"]["x-enum-titles"] == ["One", "Two"]
    assert props["Level"]["minimum"] == 1 and isinstance(props["Level"]["minimum"], int)
    assert props["NoText"]["title"] == "NoText" and props["NoText"]["description"] == "NoText"
    assert props["Odd"]["x-notes"] == 'pfm_app_min "15.x" is not a dotted version number.'
    assert "x-app-min" not in props["Odd"] and "x-app-max" not in props["Odd"]
    assert document["x-sources"][0] == "https://example.org/a%20doc"
    assert document["x-macos-min"] == "11.0" and props["Flag"]["x-macos-min"] == "12.0"
    assert props["Nested"]["properties"]["With Space"]["x-plist-type"] == "string"


def test_top_level_names_a_preset_cannot_address_are_skipped() -> None:
    conversion = convert(key("Good", "boolean"), key("Has Space", "boolean"), key("a=b", "string"))
    assert list(conversion.document["properties"]) == ["Good"]
    assert {s.path for s in conversion.stats.skipped} == {"Has Space", "a=b"}
    assert all("DOMAIN:KEY=VALUE" in s.reason for s in conversion.stats.skipped)


def test_bounds_that_do_not_fit_an_integer_and_empty_titles_are_notes() -> None:
    schema = convert(
        key("Level", "integer", pfm_range_min=0.5, pfm_range_list=[1, 2], pfm_range_list_titles=["One", ""]),
    ).document["properties"]["Level"]
    assert "minimum" not in schema
    assert "pfm_range_min 0.5 does not fit the key's type." in schema["x-notes"]
    assert schema["enum"] == [1, 2] and "x-enum-titles" not in schema


def test_a_manifest_without_preference_keys_is_refused() -> None:
    with pytest.raises(ManifestError, match="no preference keys"):
        convert(key("PayloadUUID", "string"), key("PayloadType", "string"))
