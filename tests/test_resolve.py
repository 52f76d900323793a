"""Resolution against a small catalogue made here: types, conflicts, preconditions, versions, --set."""

from __future__ import annotations

import datetime
import json
import textwrap
from pathlib import Path

import pytest

from profilegen.catalog import Catalog, load_catalog
from profilegen.errors import UsageError, ValidationError
from profilegen.preset import load_preset
from profilegen.resolve import resolve

DOMAIN = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Test app",
    "type": "object",
    "x-domain": "com.example.app",
    "x-versioned-by": "office",
    "properties": {
        "Online": {"type": "integer", "x-plist-type": "integer", "enum": [0, 2], "x-app-min": "15.25"},
        "Telemetry": {"type": "boolean", "x-plist-type": "bool", "x-app-max": "16.27",
                      "x-deprecated-in": "16.28", "x-replaced-by": "com.example.app:Diagnostics"},
        "Diagnostics": {"type": "string", "x-plist-type": "string", "enum": ["Basic", "Full", "Zero"],
                        "x-app-min": "16.28"},
        "Interval": {"type": "integer", "x-plist-type": "integer", "minimum": 60},
        "Ratio": {"type": "number", "x-plist-type": "real"},
        "When": {"type": "string", "format": "date-time", "x-plist-type": "date"},
        "Blob": {"type": "string", "x-plist-type": "data"},
        "Check": {"type": "string", "x-plist-type": "string", "enum": ["Auto", "Manual"],
                  "x-deprecated-values": {"Manual": "deprecated but still honoured"}},
        "List": {"type": "array", "x-plist-type": "array", "items": {"type": "string"}},
    },
}

CHOICES = """
[online]
title = "Online"
[online.options.off]
title = "Off"
warning = "Blocks activation."
requires-license = "volume"
app-min = "15.25"
silences = ["sign-in"]
sets = [{ domain = "com.example.app", key = "Online", value = 0 }]
[online.options.on]
title = "On"
sets = [{ domain = "com.example.app", key = "Online", value = 2 }]

[online-too]
title = "Also online"
[online-too.options.full]
title = "Full"
sets = [{ domain = "com.example.app", key = "Online", value = 2 }]
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    root = tmp_path / "catalog"
    (root / "domains").mkdir(parents=True)
    (root / "domains" / "com.example.app.json").write_text(json.dumps(DOMAIN))
    (root / "choices.toml").write_text(CHOICES)
    return load_catalog(root=root)


def preset(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text('format = 1\n[profile]\nidentifier = "com.example.test"\n' + textwrap.dedent(body))
    return path


def test_choice_sets_typed_settings_and_notes_the_warning(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[fleet]\nlicense = "volume"\n[choices]\nonline = "off"\n')
    result = resolve(load_preset(str(path)), catalog)
    assert result.settings == {"com.example.app": {"Online": 0}}
    assert result.origins[("com.example.app", "Online")] == "choice online = 'off'"
    assert [f.severity for f in result.findings] == ["info"]
    assert "Blocks activation." in result.findings[0].message


def test_wrong_type_names_file_key_value_and_what_is_allowed(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[settings."com.example.app"]\nOnline = 1\nInterval = "often"\n')
    with pytest.raises(ValidationError) as caught:
        resolve(load_preset(str(path)), catalog)
    lines = caught.value.render().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: com.example.app:Online = 1 (from settings) is not allowed")
    assert "use one of 0, 2" in lines[0]
    assert 'com.example.app:Interval = "often"' in lines[1]
    assert "an integer of at least 60" in lines[1]


def test_unknown_key_warns_with_suggestion_and_strict_makes_it_an_error(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[settings."com.example.app"]\nIntervalMinutes = 90\n')
    result = resolve(load_preset(str(path)), catalog)
    assert [(f.severity, f.rule) for f in result.findings] == [("warning", "unknown-key")]
    assert "did you mean 'Interval'?" in result.findings[0].message
    with pytest.raises(ValidationError, match="an error under --strict"):
        resolve(load_preset(str(path)), catalog, strict=True)


@pytest.mark.parametrize("typo", ["Intervall", "interval", "Intreval"])
def test_a_probable_typo_is_an_error_unless_the_preset_says_it_is_meant(
        tmp_path: Path, catalog: Catalog, typo: str) -> None:
    path = preset(tmp_path, f'[settings."com.example.app"]\n{typo} = 90\n')
    with pytest.raises(ValidationError) as caught:
        resolve(load_preset(str(path)), catalog)
    assert caught.value.render() == (
        f"{path}: com.example.app:{typo} is not a key of com.example.app: did you mean 'Interval'? (if {typo!r} is "
        f'meant, list it in the preset: [allow_unknown] "com.example.app" = ["{typo}"])')
    meant = preset(tmp_path, f'[settings."com.example.app"]\n{typo} = 90\n'
                             f'[allow_unknown]\n"com.example.app" = ["{typo}"]\n')
    result = resolve(load_preset(str(meant)), catalog, strict=True)
    assert result.settings == {"com.example.app": {typo: 90}}
    assert [(f.severity, f.rule) for f in result.findings] == [("info", "unknown-key-meant")]


def test_unknown_domain_is_typed_by_toml_with_a_warning(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[settings."org.other"]\nA = true\nB = 1.5\nC = ["x"]\n')
    result = resolve(load_preset(str(path)), catalog)
    assert result.settings == {"org.other": {"A": True, "B": 1.5, "C": ["x"]}}
    assert [f.rule for f in result.findings] == ["unknown-domain"]


def test_two_choices_setting_one_key_differently_is_an_error_naming_both(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[fleet]\nlicense = "volume"\n[choices]\nonline = "off"\nonline-too = "full"\n')
    with pytest.raises(ValidationError) as caught:
        resolve(load_preset(str(path)), catalog)
    assert "by choice online = 'off' and to 2 by choice online-too = 'full'" in caught.value.render()


def test_choice_and_raw_setting_conflict(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[choices]\nonline = "on"\n[settings."com.example.app"]\nOnline = 0\n')
    with pytest.raises(ValidationError, match="by choice online = 'on' and to 0 by settings"):
        resolve(load_preset(str(path)), catalog)


def test_agreeing_sources_are_not_a_conflict(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[choices]\nonline = "on"\nonline-too = "full"\n')
    assert resolve(load_preset(str(path)), catalog).settings == {"com.example.app": {"Online": 2}}


def test_failed_precondition_is_an_error(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[fleet]\nlicense = "subscription"\n[choices]\nonline = "off"\n')
    with pytest.raises(ValidationError, match=r"needs a volume license, but fleet.license = 'subscription'"):
        resolve(load_preset(str(path)), catalog)


def test_unknown_license_is_a_warning(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[choices]\nonline = "off"\n')
    result = resolve(load_preset(str(path)), catalog)
    assert [f.rule for f in result.findings] == ["license-unknown"]
    assert 'set [fleet] license = "volume"' in result.findings[0].message


def test_versions_warn_and_name_the_replacement(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[fleet]\noffice_version = "16.30"\n'
                            '[settings."com.example.app"]\nTelemetry = false\nDiagnostics = "Zero"\n')
    result = resolve(load_preset(str(path)), catalog)
    assert [(f.severity, f.rule) for f in result.findings] == [("warning", "key-retired")]
    assert "last works in Office for Mac 16.27" in result.findings[0].message
    assert "use com.example.app:Diagnostics instead" in result.findings[0].message
    old = preset(tmp_path, '[fleet]\noffice_version = "16.20"\n[settings."com.example.app"]\nDiagnostics = "Zero"\n')
    result = resolve(load_preset(str(old)), catalog)
    assert [f.rule for f in result.findings] == ["version-too-old"]


def test_deprecated_value_is_noted(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[settings."com.example.app"]\nCheck = "Manual"\n')
    result = resolve(load_preset(str(path)), catalog)
    assert [(f.severity, f.rule) for f in result.findings] == [("info", "deprecated-value")]


def test_set_overrides_are_typed_by_the_catalogue(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[choices]\nonline = "on"\n')
    result = resolve(load_preset(str(path)), catalog, overrides=[
        "com.example.app:Online=0", "com.example.app:Ratio=2", "com.example.app:When=2026-01-31T12:00:00Z",
        "com.example.app:Blob=aGk=", 'com.example.app:List=["a", "b"]', "org.other:Flag=true",
        "org.other:Text=hello world"])
    keys = result.settings["com.example.app"]
    assert keys["Online"] == 0 and keys["Ratio"] == 2.0 and isinstance(keys["Ratio"], float)
    assert keys["When"] == datetime.datetime(2026, 1, 31, 12, 0, 0)
    assert keys["Blob"] == b"hi" and keys["List"] == ["a", "b"]
    assert result.settings["org.other"] == {"Flag": True, "Text": "hello world"}
    assert any(f.rule == "set-overrides" for f in result.findings)


@pytest.mark.parametrize(("text", "message"), [
    ("com.example.app:Online", "is not DOMAIN:KEY=VALUE"),
    ("Online=0", "is not DOMAIN:KEY=VALUE"),
    ("com.example.app:Interval=soon", "'soon' is not an integer"),
    ("com.example.app:List=[oops", "is not JSON"),
])
def test_bad_set_is_a_usage_error(tmp_path: Path, catalog: Catalog, text: str, message: str) -> None:
    path = preset(tmp_path, "")
    with pytest.raises(UsageError, match=message):
        resolve(load_preset(str(path)), catalog, overrides=[text])


def test_control_characters_are_refused(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, '[settings."org.other"]\nA = "bell\\u0007"\n')
    with pytest.raises(ValidationError, match="U\\+0007"):
        resolve(load_preset(str(path)), catalog)


def test_choices_split_per_choice_parse_to_the_whole_file() -> None:
    import tomllib

    from profilegen.catalog import split_choices
    from profilegen.paths import schemas_dir

    text = (schemas_dir() / "choices.toml").read_text()
    pieces = split_choices(text)
    whole = tomllib.loads(text)
    assert {name: tomllib.loads(piece)[name] for name, piece in pieces.items()} == whole
    assert list(pieces) == list(whole)
    shipped = load_catalog()
    for name, body in whole.items():  # each option read from its own table alone equals the whole file's
        assert shipped.option_names(name) == list(body["options"])
        for option_name in body["options"]:
            alone = shipped.option(name, option_name)
            assert alone is not None and alone == shipped.choices()[name].options[option_name]


def test_every_choice_value_passes_the_runtime_validator() -> None:
    """Builds skip re-validating choice values (catalogue data); this is what makes that safe."""
    from profilegen.validation import violations
    from profilegen.values import coerce

    shipped = load_catalog()
    checked = 0
    for choice in shipped.choices().values():
        for option in choice.options.values():
            for effect in option.sets:
                schema = shipped.domain(effect.domain)
                assert schema is not None, f"{option.label}: unknown domain {effect.domain}"
                spec = schema.keys.get(effect.key)
                assert spec is not None, f"{option.label}: unknown key {effect.domain}:{effect.key}"
                assert coerce(effect.value, spec) == effect.value
                assert violations(schema, {effect.key: effect.value}) == [], option.label
                checked += 1
    assert checked > 50


def test_lone_surrogates_are_refused(tmp_path: Path, catalog: Catalog) -> None:
    path = preset(tmp_path, "")
    with pytest.raises(ValidationError, match="U\\+DC80"):
        resolve(load_preset(str(path)), catalog, overrides=["org.other:Text=bad\udc80byte"])
