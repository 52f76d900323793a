"""The catalogue data itself: domain files, their meta-schema, choices.toml and its meta-schema.

Checked with jsonschema's Draft 2020-12 validator (a test extra), against the facts of shared/FACTS.md
section 1; the corpus tests also against the founding document and Microsoft's own sample profiles, and
check that every public file the catalogue cites is the one in the corpus.
"""

from __future__ import annotations

import copy
import json
import plistlib
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from tests.conftest import MICROSOFT_PROFILES, REFERENCE, REPO, SHARED, corpus_files
from tests.samples import WORD as WORD_SAMPLE

SCHEMAS = REPO / "schemas"
DOMAINS_DIR = SCHEMAS / "domains"

WORD, EXCEL, PPT = "com.microsoft.Word", "com.microsoft.Excel", "com.microsoft.Powerpoint"
OUTLOOK, ONENOTE = "com.microsoft.Outlook", "com.microsoft.onenote.mac"
MAU, FBA = "com.microsoft.autoupdate2", "com.microsoft.autoupdate.fba"
O365, ERR, OFFICE = "com.microsoft.Office365ServiceV2", "com.microsoft.errorreporting", "com.microsoft.office"
APPS = (WORD, EXCEL, PPT, OUTLOOK, ONENOTE)
REQUIRED_DOMAINS = (*APPS, MAU, FBA, O365, ERR, OFFICE)

# FACTS.md section 1: (domains, key, plist type).
FACTS_KEYS: list[tuple[tuple[str, ...], str, str]] = [
    ((WORD, EXCEL, PPT), "UseOnlineContent", "integer"),
    ((*APPS, MAU, O365), "SendAllTelemetryEnabled", "bool"),
    ((FBA,), "SendAllTelemetryEnabled", "bool"),
    ((ERR,), "IsAttachFilesEnabled", "bool"),
    ((ERR,), "IsAttachedEnabled", "bool"),
    ((ERR,), "IsMerpEnabled", "bool"),
    ((ERR,), "IsStoreLastCrashEnabled", "bool"),
    ((*APPS, MAU, ERR), "SendCrashReportsEvenWithTelemetryDisabled", "bool"),
    ((*APPS, MAU), "SendASmileEnabled", "bool"),
    (APPS, "kFRETelemetryConsentKey", "bool"),
    (APPS, "kFREEnterpriseTelemetryInfoKey", "bool"),
    (APPS, "kFREIntelligenceServicesConsentV2Key", "bool"),
    ((MAU,), "HowToCheck", "string"),
    ((MAU,), "ChannelName", "string"),
    ((MAU,), "AcknowledgedDataCollectionPolicy", "string"),
    ((MAU,), "UpdateCheckInterval", "integer"),
    ((OFFICE,), "DiagnosticDataTypePreference", "string"),
    ((OFFICE,), "OfficeExperiencesAnalyzingContentPreference", "bool"),
    ((OFFICE,), "OfficeExperiencesDownloadingContentPreference", "bool"),
    ((OFFICE,), "ConnectedOfficeExperiencesPreference", "bool"),
    ((OFFICE,), "OptionalConnectedExperiencesPreference", "bool"),
    ((OFFICE,), "SendAllTelemetryEnabled", "bool"),
    ((OFFICE,), "HasUserSeenEnterpriseFREDialog", "bool"),
    ((OFFICE,), "OfficeAutoSignIn", "bool"),
    *[
        ((OFFICE,), f"Install{app}", "bool")
        for app in (
            "Word",
            "Excel",
            "PowerPoint",
            "Outlook",
            "OneNote",
            "OneDrive",
            "Teams",
            "AutoUpdate",
            "Defender",
        )
    ],
]

# FACTS.md section 1, version and value facts: (domain, key, annotations the key must carry).
FACTS_DETAILS: list[tuple[str, str, dict[str, Any]]] = [
    *[(d, "UseOnlineContent", {"enum": [0, 2], "x-app-min": "15.25"}) for d in (WORD, EXCEL, PPT)],
    *[
        (
            d,
            "SendAllTelemetryEnabled",
            {
                "x-app-max": "16.27",
                "x-deprecated-in": "16.28",
                "x-replaced-by": f"{OFFICE}:DiagnosticDataTypePreference",
            },
        )
        for d in APPS
    ],
    (MAU, "SendAllTelemetryEnabled", {"x-app-max": "4.11"}),
    (FBA, "SendAllTelemetryEnabled", {"x-app-max": "4.11"}),
    (MAU, "HowToCheck", {"default": "AutomaticDownload"}),
    (MAU, "ChannelName", {"default": "Current"}),
    (MAU, "AcknowledgedDataCollectionPolicy", {"x-app-min": "4.12"}),
    (MAU, "UpdateCheckInterval", {"default": 780, "x-app-min": "4.76"}),
    (
        OFFICE,
        "DiagnosticDataTypePreference",
        {"enum": ["BasicDiagnosticData", "FullDiagnosticData", "ZeroDiagnosticData"], "x-app-min": "16.28"},
    ),
    *[
        (OFFICE, k, {"x-app-min": "16.28"})
        for k in (
            "OfficeExperiencesAnalyzingContentPreference",
            "OfficeExperiencesDownloadingContentPreference",
            "ConnectedOfficeExperiencesPreference",
            "OptionalConnectedExperiencesPreference",
        )
    ],
    (OFFICE, "OfficeAutoSignIn", {"x-app-min": "16.17"}),
    *[
        (OFFICE, f"Install{app}", {"x-app-min": "16.30", "x-profile-only": True})
        for app in ("Word", "Excel", "PowerPoint", "Outlook", "OneNote", "OneDrive", "Teams", "AutoUpdate")
    ],
    (OFFICE, "InstallDefender", {"x-app-min": "16.75", "x-profile-only": True}),
]

# The choice names and their options, in this order (presets and the wizard depend on them).
CHOICES: dict[str, list[str]] = {
    "cloud-sign-in": ["disabled", "enabled"],
    "usage-telemetry": ["off", "on"],
    "crash-report-attachments": ["never", "allowed"],
    "crash-reports-with-telemetry-off": ["on", "off"],
    "update-checks": ["manual", "automatic-download", "automatic-check"],
    "diagnostic-data": ["required", "optional", "none"],
    "connected-experiences-analyzing-content": ["off", "on"],
    "connected-experiences-downloading-content": ["off", "on"],
    "connected-experiences": ["off", "on"],
    "optional-connected-experiences": ["off", "on"],
    "crash-reports-when-telemetry-disabled": ["on", "off"],
    "mau-data-collection": ["required-data-only"],
    "update-channel": ["current", "current-throttle", "preview", "beta"],
    "send-a-smile": ["off", "on"],
    "first-run-consent": ["skip"],
    "volume-license-privacy-dialog": ["skip"],
    "office-auto-sign-in": ["on", "off"],
    "zero-exhaust": ["on", "off"],
}

# One endpoint section per bold heading of the network-requests document.
SECTION_IDS = {
    "installation-and-updates",
    "first-app-launch",
    "sign-in",
    "product-activation",
    "whats-new",
    "researcher",
    "smart-lookup",
    "powerpoint-designer",
    "powerpoint-quickstarter",
    "send-a-smile",
    "contact-support",
    "save-as-pdf",
    "office-add-ins",
    "safe-links",
    "crash-reporting",
}


# ------------------------------------------------------------------------------------------------ helpers
def _load_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _domain_paths() -> list[Path]:
    return sorted(DOMAINS_DIR.glob("*.json"))


DOMAIN_META = _load_json(SCHEMAS / "domain.meta.json")
CHOICES_META = _load_json(SCHEMAS / "choices.meta.json")
DOCS: dict[str, dict[str, Any]] = {p.stem: _load_json(p) for p in _domain_paths()}
CHOICES_DATA: dict[str, Any] = tomllib.loads((SCHEMAS / "choices.toml").read_text(encoding="utf-8"))


def _key(domain: str, key: str) -> dict[str, Any]:
    props = DOCS[domain]["properties"]
    assert key in props, f"{domain}:{key} missing from schemas/domains/{domain}.json"
    spec = props[key]
    assert isinstance(spec, dict)
    return spec


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _options() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for choice_name, choice in CHOICES_DATA.items():
        for option_name, option in choice["options"].items():
            yield choice_name, option_name, option


def _effects(choice: str, option: str) -> dict[tuple[str, str], Any]:
    sets = CHOICES_DATA[choice]["options"][option]["sets"]
    out: dict[tuple[str, str], Any] = {}
    for effect in sets:
        where = (effect["domain"], effect["key"])
        assert where not in out, f"{choice}={option} sets {where} twice"
        out[where] = effect["value"]
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same type (False == 0 in Python, not in a plist)."""
    return type(a) is type(b) and a == b


def _mcx_settings(path: Path) -> dict[tuple[str, str], Any]:
    """(domain, key) -> value of every Forced mcx_preference_settings in a Microsoft sample profile."""
    profile = plistlib.loads(path.read_bytes())
    out: dict[tuple[str, str], Any] = {}
    for payload in profile["PayloadContent"]:
        if payload.get("PayloadType") != "com.apple.ManagedClient.preferences":
            continue
        for domain, body in payload["PayloadContent"].items():
            for entry in body["Forced"]:
                for key, value in entry["mcx_preference_settings"].items():
                    out[(domain, key)] = value
    return out


def _sample_profiles() -> list[Path]:
    """Microsoft's unsigned samples (the signed one is DER, not a plist); a placeholder without a corpus."""
    paths = corpus_files(MICROSOFT_PROFILES, "*.mobileconfig")
    return [path for path in paths if not path.is_file() or path.read_bytes().lstrip().startswith(b"<?xml")]


# ---------------------------------------------------------------------------------------- domain files
def test_meta_schemas_are_valid_2020_12_schemas() -> None:
    Draft202012Validator.check_schema(DOMAIN_META)
    Draft202012Validator.check_schema(CHOICES_META)


def test_every_required_domain_has_a_file() -> None:
    assert set(REQUIRED_DOMAINS) <= set(DOCS), sorted(set(REQUIRED_DOMAINS) - set(DOCS))


@pytest.mark.parametrize("path", _domain_paths(), ids=lambda p: p.stem)
def test_domain_file_satisfies_meta_schema(path: Path) -> None:
    doc = _load_json(path)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(DOMAIN_META).iter_errors(doc)
    ]
    assert errors == []


@pytest.mark.parametrize("path", _domain_paths(), ids=lambda p: p.stem)
def test_domain_file_is_a_2020_12_schema_named_after_its_domain(path: Path) -> None:
    doc = _load_json(path)
    Draft202012Validator.check_schema(doc)
    assert doc["x-domain"] == path.stem
    assert doc["$id"] == f"urn:profilegen:domain:{path.stem}"
    assert doc.get("additionalProperties", True) is not False


@pytest.mark.parametrize("path", _domain_paths(), ids=lambda p: p.stem)
def test_key_annotations_are_consistent(path: Path) -> None:
    doc = _load_json(path)
    for name, spec in doc["properties"].items():
        where = f"{path.name}:{name}"
        if "x-enum-titles" in spec:
            assert len(spec["x-enum-titles"]) == len(spec["enum"]), where
        for value in spec.get("x-deprecated-values", {}):
            assert value in [str(v) for v in spec["enum"]], f"{where}: deprecated value {value!r} not in enum"
        if "default" in spec:
            assert Draft202012Validator(spec).is_valid(spec["default"]), f"{where}: default invalid"
        if "x-replaced-by" in spec:
            domain, key = spec["x-replaced-by"].split(":")
            assert key in DOCS[domain]["properties"], f"{where}: replaced by unknown {domain}:{key}"
        if "x-app-min" in spec and "x-app-max" in spec:
            assert _version(spec["x-app-min"]) <= _version(spec["x-app-max"]), where
        if "x-app-min" in spec and "x-deprecated-in" in spec:
            assert _version(spec["x-app-min"]) <= _version(spec["x-deprecated-in"]), where


def _cited(path: Path) -> list[str]:
    doc = _load_json(path)
    cited = list(doc["x-sources"])
    for spec in doc["properties"].values():
        cited += spec["x-sources"]
    return cited


@pytest.mark.parametrize("path", _domain_paths(), ids=lambda p: p.stem)
def test_cited_sources_are_public_https_urls(path: Path) -> None:
    for source in _cited(path):
        assert source.startswith("https://") and " " not in source, f"{path.name} cites {source!r}: use its URL"


@pytest.mark.corpus
@pytest.mark.parametrize("path", _domain_paths(), ids=lambda p: p.stem)
def test_cited_public_files_are_the_corpus_files(path: Path) -> None:
    for source in _cited(path):
        corpus_file = corpus_path(source)
        assert corpus_file is None or corpus_file.is_file(), f"{path.name} cites {source}, not in the corpus"


# Public files the catalogue cites, and where the corpus keeps its copy (at the commit its SOURCE.txt names).
CORPUS_COPIES = {
    "https://github.com/ProfileCreator/ProfileManifests/blob/": "fixtures/profilemanifests",
    "https://github.com/pbowden-msft/MobileConfigs/blob/": "fixtures/profiles/microsoft",
}
ARTICLE = "https://learn.microsoft.com/en-us/microsoft-365/enterprise/network-requests-in-office-2016-for-mac"


def corpus_path(source: str) -> Path | None:
    """The corpus copy of a cited URL (None for pages the corpus does not keep); checks the cited commit."""
    if source.split("#", maxsplit=1)[0] == ARTICLE:
        return REFERENCE / "office-for-mac-network-requests.md"
    for prefix, folder in CORPUS_COPIES.items():
        if source.startswith(prefix):
            commit, _, path = source.removeprefix(prefix).partition("/")
            assert commit in (SHARED / folder / "SOURCE.txt").read_text(encoding="utf-8"), source
            name = path.rsplit("/", 1)[-1] if folder.endswith("profilemanifests") else path.replace("/", "_")
            return SHARED / folder / unquote(name).replace(" ", "_")
    return None


@pytest.mark.parametrize(
    ("domains", "key", "plist_type"), FACTS_KEYS, ids=[f"{k}-{'+'.join(d)}" for d, k, _ in FACTS_KEYS]
)
def test_facts_key_present_with_its_plist_type(domains: tuple[str, ...], key: str, plist_type: str) -> None:
    for domain in domains:
        assert _key(domain, key)["x-plist-type"] == plist_type, f"{domain}:{key}"


@pytest.mark.parametrize(
    ("domain", "key", "expected"), FACTS_DETAILS, ids=[f"{d}:{k}" for d, k, _ in FACTS_DETAILS]
)
def test_facts_versions_and_values(domain: str, key: str, expected: dict[str, Any]) -> None:
    spec = _key(domain, key)
    for annotation, value in expected.items():
        assert spec.get(annotation) == value, f"{domain}:{key} {annotation}"


def test_use_online_content_only_in_word_excel_powerpoint() -> None:
    with_key = {d for d, doc in DOCS.items() if "UseOnlineContent" in doc["properties"]}
    assert with_key == {WORD, EXCEL, PPT}


def test_mau_domains_speak_mau_versions() -> None:
    assert DOCS[MAU]["x-versioned-by"] == "mau"
    assert DOCS[FBA]["x-versioned-by"] == "mau"
    assert all(DOCS[d]["x-versioned-by"] == "office" for d in (*APPS, O365, ERR, OFFICE))


def test_deprecated_values_from_facts() -> None:
    how = _key(MAU, "HowToCheck")
    assert {"AutomaticDownload", "AutomaticCheck", "Manual", "Automatic"} == set(how["enum"])
    assert set(how["x-deprecated-values"]) == {"Manual", "Automatic"}
    assert "AutomaticCheck" in how["x-deprecated-values"]["Automatic"]
    channel = _key(MAU, "ChannelName")
    assert {"Current", "CurrentThrottle", "Preview", "Beta", "Custom"} <= set(channel["enum"])
    assert set(channel["x-deprecated-values"]) == {"External", "InsiderFast", "Production"}


def test_attachment_key_spellings_cite_their_sources_and_point_at_each_other() -> None:
    files = _key(ERR, "IsAttachFilesEnabled")
    attached = _key(ERR, "IsAttachedEnabled")
    assert ARTICLE in files["x-sources"]
    assert any(s.startswith("https://github.com/ProfileCreator/ProfileManifests/blob/")
               and s.endswith("/com.microsoft.errorreporting.plist") for s in attached["x-sources"])
    assert "IsAttachedEnabled" in files["x-notes"]
    assert "IsAttachFilesEnabled" in attached["x-notes"]


def test_per_app_diagnostic_data_is_the_retired_pre_16_28_form() -> None:
    """The January 2019 samples' per-app key took two values and gave way to com.microsoft.office in 16.28."""
    for app in APPS:
        spec = _key(app, "DiagnosticDataTypePreference")
        assert spec["enum"] == ["BasicDiagnosticData", "FullDiagnosticData"]
        assert (spec["x-app-max"], spec["x-deprecated-in"]) == ("16.27", "16.28")
        assert spec["x-replaced-by"] == f"{OFFICE}:DiagnosticDataTypePreference"
        assert OFFICE in spec["x-notes"]
    assert "ZeroDiagnosticData" in _key(OFFICE, "DiagnosticDataTypePreference")["enum"]


# Microsoft's pages: "Requires Configuration Profile: Yes" (preferences-outlook), "must be applied through a
# Configuration Profile" (preferences-office); Defender is managed through a profile as a whole.
PROFILE_ONLY = {
    *[(OFFICE, f"Install{app}") for app in
      ("Word", "Excel", "PowerPoint", "Outlook", "OneNote", "OneDrive", "Teams", "AutoUpdate", "Defender")],
    *[(OUTLOOK, k) for k in ("DisableImport", "DisableExport", "DisableSignatures", "DisableSkypeMeeting",
                             "DisableTeamsMeeting", "DisableFocusedInbox", "DisableCalendarSharingPermissionsSetup",
                             "DisableDelegationPermissionsSetup")],
    *[("com.microsoft.wdav", k) for k in DOCS["com.microsoft.wdav"]["properties"]],
}


def test_profile_only_keys_are_the_documented_ones() -> None:
    profile_only = {
        (d, k) for d, doc in DOCS.items() for k, s in doc["properties"].items() if s.get("x-profile-only")
    }
    assert profile_only == PROFILE_ONLY


@pytest.mark.corpus
@pytest.mark.parametrize("path", _sample_profiles(), ids=lambda p: p.stem)
def test_microsoft_sample_settings_are_known_and_valid(path: Path) -> None:
    """Every key Microsoft's samples set is in the catalogue, and the sample's value passes its schema."""
    for (domain, key), value in _mcx_settings(path).items():
        spec = _key(domain, key)
        assert Draft202012Validator(spec).is_valid(value), f"{path.name}: {domain}:{key} = {value!r}"


def test_domain_schema_validates_settings() -> None:
    word = Draft202012Validator(DOCS[WORD])
    sample = {k: v for (d, k), v in _mcx_settings(WORD_SAMPLE).items() if d == WORD}
    assert sample
    assert word.is_valid(sample)
    assert word.is_valid({"UseOnlineContent": 0, "SomeUnknownKey": "allowed: unknown keys are warnings"})
    assert not word.is_valid({"UseOnlineContent": 1})
    assert not word.is_valid({"UseOnlineContent": True})
    assert not word.is_valid({"SendAllTelemetryEnabled": 0})
    mau = Draft202012Validator(DOCS[MAU])
    assert mau.is_valid({"HowToCheck": "Manual", "UpdateCheckInterval": 60})
    assert not mau.is_valid({"HowToCheck": "Sometimes"})
    assert not mau.is_valid({"UpdateCheckInterval": 0})


# ------------------------------------------------------------------- the meta-schema rejects broken documents
def _broken(mutate: str) -> dict[str, Any]:
    doc = copy.deepcopy(DOCS[WORD])
    spec = doc["properties"]["UseOnlineContent"]
    bool_spec = doc["properties"]["SendASmileEnabled"]
    if mutate == "type-does-not-match-plist-type":
        spec["type"] = "boolean"
    elif mutate == "bool-key-with-string-type":
        bool_spec["type"] = "string"
    elif mutate == "missing-plist-type":
        del spec["x-plist-type"]
    elif mutate == "unknown-plist-type":
        spec["x-plist-type"] = "int"
    elif mutate == "enum-values-of-the-wrong-type":
        spec["enum"] = ["0", "2"]
    elif mutate == "default-of-the-wrong-type":
        bool_spec["default"] = "yes"
    elif mutate == "date-without-format":
        spec.update({"x-plist-type": "date", "type": "string", "enum": ["2020-01-01T00:00:00Z", "x"]})
    elif mutate == "additional-properties-false":
        doc["additionalProperties"] = False
    elif mutate == "version-not-dotted-numbers":
        spec["x-app-min"] = "15.x"
    elif mutate == "version-as-number":
        spec["x-app-min"] = 15.25
    elif mutate == "replaced-by-without-domain":
        spec["x-replaced-by"] = "DiagnosticDataTypePreference"
    elif mutate == "empty-sources":
        spec["x-sources"] = []
    elif mutate == "sources-not-strings":
        doc["x-sources"] = [1]
    elif mutate == "misspelt-annotation":
        spec["x-app-minimum"] = "15.25"
    elif mutate == "missing-x-domain":
        del doc["x-domain"]
    elif mutate == "enum-titles-without-enum":
        del spec["enum"]
    else:
        raise AssertionError(mutate)
    return doc


# (how the document is broken, what the validator's message says)
BROKEN = [
    ("type-does-not-match-plist-type", "'integer' was expected"),
    ("bool-key-with-string-type", "'boolean' was expected"),
    ("missing-plist-type", "'x-plist-type' is a required property"),
    ("unknown-plist-type", "'int' is not one of"),
    ("enum-values-of-the-wrong-type", "'0' is not of type 'integer'"),
    ("default-of-the-wrong-type", "'yes' is not of type 'boolean'"),
    ("date-without-format", "'format' is a required property"),
    ("additional-properties-false", "False should not be valid"),
    ("version-not-dotted-numbers", "'15.x' does not match"),
    ("version-as-number", "15.25 is not of type 'string'"),
    ("replaced-by-without-domain", "'DiagnosticDataTypePreference' does not match"),
    ("empty-sources", "[] should be non-empty"),
    ("sources-not-strings", "1 is not of type 'string'"),
    ("misspelt-annotation", "'x-app-minimum' is not one of"),
    ("missing-x-domain", "'x-domain' is a required property"),
    ("enum-titles-without-enum", "'enum' is a dependency of 'x-enum-titles'"),
]


@pytest.mark.parametrize(("mutate", "message"), BROKEN, ids=[m for m, _ in BROKEN])
def test_meta_schema_rejects_broken_domain_document(mutate: str, message: str) -> None:
    validator = Draft202012Validator(DOMAIN_META)
    assert validator.is_valid(DOCS[WORD])  # the unbroken document passes; this one change breaks it:
    messages = [e.message for e in validator.iter_errors(_broken(mutate))]
    assert messages
    assert any(message in m for m in messages), messages


# ------------------------------------------------------------------------------------------------ choices
def test_choices_toml_satisfies_its_meta_schema() -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(CHOICES_META).iter_errors(CHOICES_DATA)
    ]
    assert errors == []


def test_choice_sources_are_public_https_urls() -> None:
    for name, choice in CHOICES_DATA.items():
        for source in choice["sources"]:
            assert source.startswith("https://") and " " not in source, f"{name} cites {source!r}: use its URL"


@pytest.mark.corpus
def test_choice_sources_that_are_public_files_are_the_corpus_files() -> None:
    for name, choice in CHOICES_DATA.items():
        for source in choice["sources"]:
            corpus_file = corpus_path(source)
            assert corpus_file is None or corpus_file.is_file(), f"{name} cites {source}, not in the corpus"


def test_choice_and_option_names_are_the_documented_ones() -> None:
    assert list(CHOICES_DATA) == list(CHOICES)
    for name, options in CHOICES.items():
        assert list(CHOICES_DATA[name]["options"]) == options, name


_EFFECT = {"domain": "com.microsoft.Word", "key": "K", "value": 1}


def _choices_with(option: dict[str, Any], name: str = "x") -> dict[str, Any]:
    """A one-choice, one-option choices document; ``option`` adds to (or replaces) the option's fields."""
    return {name: {"title": "t", "description": "d",
                   "options": {"a": {"title": "t", "description": "d", "sets": [_EFFECT], **option}}}}


def _without_sets() -> dict[str, Any]:
    broken = _choices_with({})
    del broken["x"]["options"]["a"]["sets"]
    return broken


@pytest.mark.parametrize(
    "broken",
    [
        _without_sets(),
        _choices_with({"sets": [{"domain": "com.microsoft.Word", "key": "K"}]}),
        _choices_with({"warnings": "typo"}),
        _choices_with({"requires-license": "retail"}),
        _choices_with({"silences": ["Sign In"]}),
        _choices_with({"app-min": "16.x"}),
        _choices_with({}, name="Cloud_Sign_In"),
    ],
    ids=[
        "no-sets",
        "effect-without-value",
        "unknown-option-field",
        "unknown-license",
        "silences-not-an-id",
        "bad-version",
        "choice-name-not-kebab",
    ],
)
def test_choices_meta_schema_rejects_broken_choices(broken: dict[str, Any]) -> None:
    assert not Draft202012Validator(CHOICES_META).is_valid(broken)


def test_the_unbroken_form_of_those_choices_is_valid() -> None:
    assert Draft202012Validator(CHOICES_META).is_valid(_choices_with({}))


@pytest.mark.parametrize(("choice", "option"), [(c, o) for c, opts in CHOICES.items() for o in opts])
def test_option_sets_known_keys_with_valid_values(choice: str, option: str) -> None:
    for (domain, key), value in _effects(choice, option).items():
        assert domain in DOCS, f"{choice}={option}: unknown domain {domain}"
        spec = _key(domain, key)
        assert Draft202012Validator(spec).is_valid(value), f"{choice}={option}: {domain}:{key} = {value!r}"


def test_options_of_a_choice_set_the_same_keys() -> None:
    for name, options in CHOICES.items():
        touched = {option: set(_effects(name, option)) for option in options}
        first = touched[options[0]]
        assert all(keys == first for keys in touched.values()), name


@pytest.mark.corpus
def test_silenced_hosts_are_in_the_document() -> None:
    document = (REFERENCE / "office-for-mac-network-requests.md").read_text(encoding="utf-8")
    hosts = [e.removeprefix("host:") for _, _, spec in _options() for e in spec.get("silences", []) if
             e.startswith("host:")]
    assert hosts
    for host in hosts:
        assert f"https://{host}" in document, host


def test_silences_name_known_sections_or_host_patterns() -> None:
    silencing = {}
    for choice, option, spec in _options():
        for entry in spec.get("silences", []):
            if entry.startswith("host:"):
                assert re.fullmatch(r"(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+", entry.removeprefix("host:")), entry
            else:
                assert entry in SECTION_IDS, entry
        if spec.get("silences"):
            silencing[f"{choice}={option}"] = spec["silences"]
    # Only what the founding document says: nothing else silences anything.
    assert silencing == {
        "cloud-sign-in=disabled": [
            "sign-in",
            "smart-lookup",
            "product-activation",
            "office-add-ins",
            "host:odc.officeapps.live.com",
            "host:*.firstpartyapps.oaspapps.com",
        ],
        "send-a-smile=off": ["send-a-smile"],
    }


def test_seed_rules() -> None:
    options = CHOICES_DATA["cloud-sign-in"]["options"]
    disabled = options["disabled"]
    assert disabled["requires-license"] == "volume"
    assert disabled["app-min"] == "15.25"
    assert "activation" in disabled["warning"]
    assert _effects("cloud-sign-in", "disabled") == {(d, "UseOnlineContent"): 0 for d in (WORD, EXCEL, PPT)}
    assert _effects("cloud-sign-in", "enabled") == {(d, "UseOnlineContent"): 2 for d in (WORD, EXCEL, PPT)}

    seven = (*APPS, MAU, O365)
    assert _effects("usage-telemetry", "off") == {(d, "SendAllTelemetryEnabled"): False for d in seven}
    warning = CHOICES_DATA["usage-telemetry"]["options"]["off"]["warning"]
    assert "heartbeat" in warning
    assert "crash" in warning
    assert "crash-reports-with-telemetry-off" in warning

    assert _effects("crash-report-attachments", "never") == {
        (ERR, "IsAttachFilesEnabled"): False,
        (ERR, "IsAttachedEnabled"): False,
    }
    assert _effects("crash-reports-with-telemetry-off", "on") == {(ERR, "IsMerpEnabled"): True}
    assert _effects("update-checks", "manual") == {(MAU, "HowToCheck"): "Manual"}
    assert "deprecated" in CHOICES_DATA["update-checks"]["options"]["manual"]["warning"]

    assert set(_effects("send-a-smile", "off")) == {(d, "SendASmileEnabled") for d in (*APPS, MAU)}
    assert set(_effects("first-run-consent", "skip")) == {
        (d, k)
        for d in APPS
        for k in (
            "kFRETelemetryConsentKey",
            "kFREEnterpriseTelemetryInfoKey",
            "kFREIntelligenceServicesConsentV2Key",
        )
    }
    assert set(_effects("crash-reports-when-telemetry-disabled", "on")) == {
        (d, "SendCrashReportsEvenWithTelemetryDisabled") for d in (*APPS, MAU, FBA)
    }


def test_office_suite_options_carry_their_keys_first_version() -> None:
    for choice, option, spec in _options():
        effects = _effects(choice, option)
        if {d for d, _ in effects} != {OFFICE}:
            continue
        newest = max((_key(d, k)["x-app-min"] for d, k in effects), key=_version)
        assert spec.get("app-min") == newest, f"{choice}={option}"
    for choice in (
        "diagnostic-data",
        "connected-experiences-analyzing-content",
        "connected-experiences-downloading-content",
        "connected-experiences",
        "optional-connected-experiences",
        "volume-license-privacy-dialog",
    ):
        assert all(o["app-min"] == "16.28" for o in CHOICES_DATA[choice]["options"].values()), choice


DISABLE_TELEMETRY = corpus_files(MICROSOFT_PROFILES, "DisableTelemetry_*.mobileconfig")
# What those samples set that the four choices below leave to others: the per-app diagnostic-data key
# (the diagnostic-data choice sets it in com.microsoft.office), the daemon's keys that choices do not
# cover, and Remote Desktop's telemetry key (in the catalogue, no choice).
NOT_COVERED = {
    *[(d, "DiagnosticDataTypePreference") for d in APPS],
    (FBA, "SendAllTelemetryEnabled"),
    (FBA, "SendASmileEnabled"),
    ("com.microsoft.rdc.macos", "ClientSettings.DisableTelemetryUpload"),
}


@pytest.mark.corpus
def test_disable_telemetry_samples_exist() -> None:
    assert len(DISABLE_TELEMETRY) == 8


@pytest.mark.corpus
@pytest.mark.parametrize("path", DISABLE_TELEMETRY, ids=lambda p: p.stem)
def test_choices_reproduce_microsoft_disable_telemetry_sample(path: Path) -> None:
    combined: dict[tuple[str, str], Any] = {}
    for choice, option in (
        ("usage-telemetry", "off"),
        ("send-a-smile", "off"),
        ("first-run-consent", "skip"),
        ("crash-reports-when-telemetry-disabled", "on"),
    ):
        for where, value in _effects(choice, option).items():
            assert where not in combined or _same(combined[where], value), (
                f"{choice}={option} conflicts on {where}"
            )
            combined[where] = value
    sample = _mcx_settings(path)
    assert sample
    shared = set(sample) & set(combined)
    for where in sorted(shared):
        assert _same(combined[where], sample[where]), f"{path.name}: {where} sample={sample[where]!r}"
    assert set(sample) - shared <= NOT_COVERED, sorted(set(sample) - shared - NOT_COVERED)
