"""`import` keeps every payload: import, build, diff against the original exits 0."""

from __future__ import annotations

import datetime
import plistlib
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.cli import run_cli
from tests.conftest import MICROSOFT_PROFILES

MCX = "com.apple.ManagedClient.preferences"


def payload(kind: str, identifier: str, uuid: str, **keys: Any) -> dict[str, Any]:
    return {"PayloadType": kind, "PayloadIdentifier": identifier, "PayloadUUID": uuid, "PayloadVersion": 1,
            "PayloadDisplayName": f"{kind} by hand", "PayloadEnabled": True, **keys}


def profile(*payloads: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"PayloadContent": list(payloads), "PayloadDisplayName": "Hand made",
            "PayloadIdentifier": "org.example.hand", "PayloadType": "Configuration",
            "PayloadUUID": "11111111-2222-4333-8444-555555555555",
            "PayloadVersion": 1, "PayloadScope": "System", **top}


KINDS: dict[str, dict[str, Any]] = {
    "pppc": payload("com.apple.TCC.configuration-profile-policy", "org.example.hand.tcc",
                    "A0000000-0000-4000-8000-000000000001", Services={
                        "SystemPolicyAllFiles": [{"Identifier": "com.example.agent", "IdentifierType": "bundleID",
                                                  "CodeRequirement": 'identifier "com.example.agent" and anchor '
                                                  "apple generic", "Authorization": "Allow", "Comment": ""}],
                        "AppleEvents": [{"Identifier": "com.example.agent", "IdentifierType": "bundleID",
                                         "CodeRequirement": "anchor apple", "Allowed": True,
                                         "AEReceiverIdentifier": "com.apple.systemevents",
                                         "AEReceiverIdentifierType": "bundleID",
                                         "AEReceiverCodeRequirement": 'identifier "com.apple.systemevents" and '
                                         "anchor apple"}]}),
    "system extension": payload("com.apple.system-extension-policy", "org.example.hand.sysext",
                                "A0000000-0000-4000-8000-000000000002", AllowUserOverrides=True,
                                AllowedSystemExtensions={"UBF8T346G9": ["com.microsoft.wdav.epsext"]},
                                AllowedSystemExtensionTypes={"UBF8T346G9": ["EndpointSecurityExtension"]}),
    "login items": payload("com.apple.servicemanagement", "org.example.hand.login",
                           "A0000000-0000-4000-8000-000000000003",
                           Rules=[{"RuleType": "TeamIdentifier", "RuleValue": "UBF8T346G9", "Comment": "Microsoft"},
                                  {"RuleType": "BundleIdentifierPrefix", "RuleValue": "com.microsoft."}]),
    "notifications": payload("com.apple.notificationsettings", "org.example.hand.notify",
                             "A0000000-0000-4000-8000-000000000004",
                             NotificationSettings=[{"BundleIdentifier": "com.example.agent", "AlertType": 2,
                                                    "BadgesEnabled": True, "CriticalAlertEnabled": False,
                                                    "NotificationsEnabled": True, "ShowInLockScreen": True}]),
}


def round_trip(tmp_path: Path, source: Path) -> tuple[Any, Any, Path]:
    preset = tmp_path / f"{source.stem}.toml"
    imported = run_cli("import", str(source), "--save", str(preset), "--force")
    assert imported.returncode == 0, imported.stderr
    compared = run_cli("diff", str(source), str(preset))
    return imported, compared, preset


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_comes_back_the_same(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "hand.mobileconfig"
    source.write_bytes(plistlib.dumps(profile(KINDS[kind])))
    imported, compared, preset = round_trip(tmp_path, source)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert "1 other payload(s)" in imported.stdout
    text = preset.read_text()
    assert f'type = "{KINDS[kind]["PayloadType"]}"' in text and f'uuid = "{KINDS[kind]["PayloadUUID"]}"' in text
    built = tmp_path / "dist"
    assert run_cli("build", str(preset), "--out", str(built)).returncode == 0
    again = plistlib.loads((built / "hand.mobileconfig").read_bytes())["PayloadContent"][0]
    assert again == KINDS[kind] | {"PayloadDisplayName": again["PayloadDisplayName"]}  # every key, pinned ids
    assert again["PayloadDisplayName"] == KINDS[kind]["PayloadDisplayName"]


def test_everything_together_with_top_level_keys(tmp_path: Path) -> None:
    mcx = payload(MCX, "org.example.hand.word", "A0000000-0000-4000-8000-000000000009", PayloadContent={
        "com.microsoft.Word": {"Forced": [{"mcx_preference_settings": {"SendAllTelemetryEnabled": False}}]}})
    source = tmp_path / "all.mobileconfig"
    source.write_bytes(plistlib.dumps(profile(
        mcx, *KINDS.values(), PayloadEnabled=True, TargetDeviceType=5, DurationUntilRemoval=86400.0,
        PayloadExpirationDate=datetime.datetime(2030, 1, 1, 12, 0, 0))))
    imported, compared, preset = round_trip(tmp_path, source)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    keys = tomllib.loads(preset.read_text())["profile"]["keys"]
    assert keys == {"PayloadEnabled": True, "TargetDeviceType": 5, "DurationUntilRemoval": 86400.0,
                    "PayloadExpirationDate": datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.UTC)}
    assert "4 other payload(s)" in imported.stdout


def test_an_unknown_type_is_kept_with_a_warning(tmp_path: Path) -> None:
    odd = payload("com.apple.example.future", "org.example.hand.future", "A0000000-0000-4000-8000-00000000000A",
                  Shiny=True, Level=3)
    source = tmp_path / "future.mobileconfig"
    source.write_bytes(plistlib.dumps(profile(odd)))
    imported, compared, _preset = round_trip(tmp_path, source)
    assert "payload 1 has the type com.apple.example.future, which Apple's schema does not define: kept as it " \
           "is in payloads[0], unchecked" in imported.stderr
    assert compared.returncode == 0, compared.stdout + compared.stderr


SECRET = "correct horse battery staple"


def test_import_replaces_secrets_with_references_and_show_masks_them(tmp_path: Path) -> None:
    wifi = payload("com.apple.wifi.managed", "org.example.hand.wifi", "A0000000-0000-4000-8000-00000000000B",
                   SSID_STR="Office", EncryptionType="WPA2", Password=SECRET, AutoJoin=True,
                   EAPClientConfiguration={"UserName": "$EMAIL", "UserPassword": SECRET,
                                           "AcceptEAPTypes": [25]})
    source = tmp_path / "wifi.mobileconfig"
    source.write_bytes(plistlib.dumps(profile(wifi)))
    shown = run_cli("show", str(source))
    assert shown.returncode == 0 and SECRET not in shown.stdout + shown.stderr
    assert "********" in shown.stdout and "$EMAIL" in shown.stdout
    for form in ("json", "text"):  # every form of show masks them
        other = run_cli("show", "--format", form, str(source))
        assert other.returncode == 0 and SECRET not in other.stdout and "********" in other.stdout
    imported, _compared, preset = round_trip(tmp_path, source)
    text = preset.read_text()
    assert SECRET not in text + imported.stdout + imported.stderr
    table = tomllib.loads(text)["payloads"][0]
    assert table["Password"] == {"env": "PROFILEGEN_SECRET_0_PASSWORD"}
    assert table["EAPClientConfiguration"]["UserPassword"] == {
        "env": "PROFILEGEN_SECRET_0_EAPCLIENTCONFIGURATION_USERPASSWORD"}
    assert table["EAPClientConfiguration"]["UserName"] == "$EMAIL"  # an MDM variable, not a secret
    assert "note: secrets replaced by references, to set before building: " in imported.stderr
    assert 'payloads[0].Password (now { env = "PROFILEGEN_SECRET_0_PASSWORD" })' in imported.stderr
    missing = run_cli("build", str(preset), "--out", str(tmp_path / "none"))
    assert missing.returncode == 4 and SECRET not in missing.stderr
    assert (f"{preset}: payloads[0].EAPClientConfiguration.UserPassword: the environment variable "
            "PROFILEGEN_SECRET_0_EAPCLIENTCONFIGURATION_USERPASSWORD is not set") in missing.stderr
    env = {"PROFILEGEN_SECRET_0_PASSWORD": SECRET, "PROFILEGEN_SECRET_0_EAPCLIENTCONFIGURATION_USERPASSWORD": SECRET}
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"), env=env)
    assert done.returncode == 0 and SECRET not in done.stdout + done.stderr
    for artefact in (tmp_path / "dist").iterdir():
        assert (SECRET.encode() in artefact.read_bytes()) == (artefact.suffix == ".mobileconfig")
    assert run_cli("diff", str(source), str(tmp_path / "dist" / "wifi.mobileconfig")).returncode == 0
    changed = dict(env, PROFILEGEN_SECRET_0_PASSWORD="another secret value")
    assert run_cli("build", str(preset), "--out", str(tmp_path / "d2"), env=changed).returncode == 0
    compared = run_cli("diff", str(source), str(tmp_path / "d2" / "wifi.mobileconfig"))
    assert compared.returncode == 1 and "com.apple.wifi.managed: Password" in compared.stdout
    assert SECRET not in compared.stdout + compared.stderr and "another secret" not in compared.stdout


def test_a_secret_from_a_file_and_a_literal_secret(tmp_path: Path) -> None:
    (tmp_path / "wifi.secret").write_text(SECRET + "\n", encoding="utf-8")
    head = '[profile]\nidentifier = "org.example.s"\n[[payloads]]\ntype = "com.apple.wifi.managed"\n' \
           'SSID_STR = "Office"\nEncryptionType = "WPA2"\n'
    good = tmp_path / "file.toml"
    good.write_text(head + 'Password = { file = "wifi.secret" }\n', encoding="utf-8")
    done = run_cli("build", str(good), "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    built = plistlib.loads((tmp_path / "dist" / "file.mobileconfig").read_bytes())
    assert built["PayloadContent"][0]["Password"] == SECRET  # relative to the preset, final newline dropped
    literal = tmp_path / "literal.toml"
    literal.write_text(head + f'Password = "{SECRET}"\n', encoding="utf-8")
    refused = run_cli("build", str(literal), "--out", str(tmp_path / "no"))
    assert refused.returncode == 4 and SECRET not in refused.stdout + refused.stderr
    assert (f"{literal}: payloads[0].Password is a secret, and a preset never holds one: write Password = "
            '{ env = "NAME" } or { file = "PATH" }') in refused.stderr
    checked = run_cli("validate", str(literal))
    assert checked.returncode == 1 and SECRET not in checked.stdout + checked.stderr


def test_mdm_variables_pass_through_with_an_info_line(tmp_path: Path) -> None:
    preset = tmp_path / "vars.toml"
    preset.write_text('[profile]\nidentifier = "org.example.v"\n[[payloads]]\ntype = "com.apple.notificationsettings"'
                      '\n[[payloads.NotificationSettings]]\nBundleIdentifier = "com.example.agent"\n'
                      '[[payloads]]\ntype = "com.apple.security.scep"\n[payloads.PayloadContent]\n'
                      'URL = "https://scep.example.com/{{serialnumber}}"\nSubject = [[["CN", "$SERIALNUMBER"]]]\n'
                      'Challenge = "$CHALLENGE"\n'
                      '[[payloads]]\ntype = "com.apple.loginwindow"\nLoginwindowText = "Managed for $EMAIL"\n',
                      encoding="utf-8")
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    built = plistlib.loads((tmp_path / "dist" / "vars.mobileconfig").read_bytes())["PayloadContent"]
    assert built[1]["PayloadContent"]["Subject"] == [[["CN", "$SERIALNUMBER"]]]
    assert built[1]["PayloadContent"]["Challenge"] == "$CHALLENGE"  # the MDM fills it in: not a literal secret
    assert built[2]["LoginwindowText"] == "Managed for $EMAIL"


@pytest.mark.corpus
def test_every_unsigned_real_profile_round_trips(tmp_path: Path) -> None:
    """Import, build, diff: 0 for every unsigned profile, the Jamf controller's odd top level included."""
    exact: list[str] = []
    different: list[str] = []
    files = sorted(p for p in MICROSOFT_PROFILES.parent.rglob("*.mobileconfig") if not p.read_bytes().startswith(b"0"))
    for source in files:
        imported, compared, preset = round_trip(tmp_path, source)
        (exact if compared.returncode == 0 else different).append(source.name)
        if source.name == "Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate.mobileconfig":
            # PayloadType TCC and PayloadScope "system" at the top level: kept as they are, and said so
            assert "the top-level PayloadType is 'com.apple.TCC.configuration-profile-policy'" in imported.stderr
            assert tomllib.loads(preset.read_text())["profile"]["keys"] == {
                "PayloadType": "com.apple.TCC.configuration-profile-policy", "PayloadScope": "system"}
    print(f"round trip: {len(exact)} exact of {len(files)} unsigned profiles")
    assert len(files) >= 19 and different == []


def test_an_odd_top_level_type_and_scope_come_back_as_they_were(tmp_path: Path) -> None:
    """A profile with a payload's type at its top level and "user" for its scope: import keeps both in
    [profile.keys], build writes them and warns (an error under --strict), diff finds nothing. (Notifications:
    a payload Apple installs in a User-scoped profile, so no other warning.)"""
    source = tmp_path / "odd.mobileconfig"
    source.write_bytes(plistlib.dumps(profile(KINDS["notifications"], PayloadType="com.apple.notificationsettings",
                                              PayloadScope="user")))
    imported, compared, preset = round_trip(tmp_path, source)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert ("note: the top-level PayloadType is 'com.apple.notificationsettings', not 'Configuration' (the only "
            "value macOS supports there): kept in [profile.keys] as it is, and build warns of it") in imported.stderr
    assert ("note: the top-level PayloadScope is 'user', not 'System' or 'User' (macOS expects one of them, "
            "spelled so): kept in [profile.keys] as it is, and build warns of it") in imported.stderr
    document = tomllib.loads(preset.read_text())
    assert document["profile"]["scope"] == "User"
    assert document["profile"]["keys"] == {"PayloadType": "com.apple.notificationsettings", "PayloadScope": "user"}
    built = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    top = plistlib.loads((tmp_path / "dist" / "odd.mobileconfig").read_bytes())
    assert (top["PayloadType"], top["PayloadScope"]) == ("com.apple.notificationsettings", "user")
    assert ('warning: profile.keys.PayloadType = "com.apple.notificationsettings" is written as the top-level '
            'PayloadType; macOS expects "Configuration" there, so the profile may not install') in built.stderr
    assert ('warning: profile.keys.PayloadScope = "user" is written as the PayloadScope; macOS expects "System" '
            'or "User", spelled so (case matters), so the profile may not install (remove the key to write '
            "User)") in built.stderr
    checked = run_cli("validate", str(preset))
    assert checked.returncode == 0 and "[payload-type]" in checked.stdout and "[scope-value]" in checked.stdout
    strict = run_cli("build", str(preset), "--out", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 4 and not (tmp_path / "strict").exists()
    assert strict.stderr.count("(a warning, an error under --strict)") == 2


def test_a_kept_scope_spelling_must_mean_the_profile_scope(tmp_path: Path) -> None:
    preset = tmp_path / "clash.toml"
    preset.write_text('[profile]\nidentifier = "org.example.c"\nscope = "System"\n[profile.keys]\n'
                      'PayloadScope = "user"\n', encoding="utf-8")
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert done.returncode == 4 and not (tmp_path / "dist").exists()
    assert (f'{preset}: profile.keys.PayloadScope = "user" means User, but profile.scope is "System" (set scope = '
            '"User", or remove the key)') in done.stderr
