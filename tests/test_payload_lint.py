"""`validate` checks every Apple payload against Apple's schema: one test per finding kind, on profiles
written here; then the real profiles of ../shared (corpus)."""

from __future__ import annotations

import plistlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from profilegen.catalog import Catalog, load_catalog
from profilegen.inspect.findings import Finding
from profilegen.inspect.lint import lint_path
from tests.cli import REPO, run_cli
from tests.conftest import MICROSOFT_PROFILES

TCC = "com.apple.TCC.configuration-profile-policy"
UUIDS = iter(f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 10_000))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def payload(kind: str, name: str = "p", **keys: Any) -> dict[str, Any]:
    return {"PayloadType": kind, "PayloadIdentifier": f"com.example.profile.{name}", "PayloadUUID": next(UUIDS),
            "PayloadVersion": 1, **keys}


def profile(tmp_path: Path, *payloads: dict[str, Any], version: str = "1.0", **top: Any) -> Path:
    body = {"PayloadType": "Configuration", "PayloadIdentifier": "com.example.profile", "PayloadUUID": next(UUIDS),
            "PayloadVersion": 1, "PayloadDisplayName": "Test", "PayloadContent": list(payloads), **top}
    data = plistlib.dumps(body).replace(b'<plist version="1.0">', f'<plist version="{version}">'.encode())
    path = tmp_path / f"p{next(UUIDS)[-4:]}.mobileconfig"
    path.write_bytes(data)
    return path


def identity(**keys: Any) -> dict[str, Any]:
    return {"Identifier": "com.example.agent", "IdentifierType": "bundleID",
            "CodeRequirement": 'identifier "com.example.agent" and anchor apple generic', **keys}


def tcc(**services: list[dict[str, Any]]) -> dict[str, Any]:
    return payload(TCC, "tcc", Services=services)


def findings(path: Path, catalog: Catalog, macos: str | None = None) -> list[Finding]:
    return lint_path(path, catalog, macos_version=macos)


def kinds(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in found]


def line_of(path: Path, text: str, after: int = 0) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


def test_a_good_pppc_payload_has_no_finding(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Authorization="Allow")],
                                 AppleEvents=[identity(Allowed=True, AEReceiverIdentifier="com.apple.finder",
                                                       AEReceiverIdentifierType="bundleID",
                                                       AEReceiverCodeRequirement="anchor apple")],
                                 ScreenCapture=[identity(Authorization="AllowStandardUserToSetSystemService")]),
                   PayloadEnabled=True)
    assert findings(path, catalog, "14.0") == []


def test_missing_required_key_names_payload_path_and_line(tmp_path: Path, catalog: Catalog) -> None:
    item = identity(Authorization="Allow")
    del item["CodeRequirement"]
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[item]))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("payload-required", "error")
    assert found.message == (f"payload 1 {TCC} (com.example.profile.tcc): Services.SystemPolicyAllFiles[0] has no "
                             "CodeRequirement")
    # the line of the item's <dict>: after <key>SystemPolicyAllFiles</key> and <array>
    assert found.line == line_of(path, "<key>SystemPolicyAllFiles</key>") + 2


def test_wrong_plist_type(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Authorization="Allow", StaticCode="yes")]))
    (found,) = findings(path, catalog)
    assert kinds([found]) == [("payload-value-type", "error")]
    assert "Services.SystemPolicyAllFiles[0].StaticCode is a <string>, Apple's schema says <bool>" in found.message
    assert found.line == line_of(path, "<key>StaticCode</key>")


def test_each_item_of_an_array_is_named_by_its_own_index_and_line(tmp_path: Path, catalog: Catalog) -> None:
    """The items of an array are walked beside one schema key (made once per run): the findings still name
    each item's index and line, and a later profile with the same array has its own."""
    good = identity(Authorization="Allow")
    first = profile(tmp_path, tcc(SystemPolicyAllFiles=[good, identity(Authorization="Allow", StaticCode="yes"),
                                                        identity(Authorization="Allow", Codereq="x")]))
    found = findings(first, catalog)
    assert [(f.rule, f.line) for f in found] == [
        ("payload-value-type", line_of(first, "<key>StaticCode</key>")),
        ("payload-unknown-key", line_of(first, "<key>Codereq</key>"))]
    assert "Services.SystemPolicyAllFiles[1].StaticCode is a <string>" in found[0].message
    assert "Services.SystemPolicyAllFiles[2].Codereq is not a key" in found[1].message
    second = profile(tmp_path, tcc(SystemPolicyAllFiles=[good, good, good, identity(Authorization="Allow",
                                                                                    StaticCode=1)]))
    (again,) = findings(second, catalog)
    assert "Services.SystemPolicyAllFiles[3].StaticCode is a <integer>" in again.message
    assert again.line == line_of(second, "<key>StaticCode</key>")


@pytest.mark.parametrize(("built", "words"), [
    (lambda: tcc(SystemPolicyAllFiles=[identity(IdentifierType="bundleId", Allowed=True)]),
     'IdentifierType = bundleId is not allowed'),
    (lambda: payload("com.apple.dock", tilesize=200), "tilesize = 200 is not allowed"),
    (lambda: payload("com.apple.mdm", IdentityCertificateUUID="00000000-0000-4000-8000-000000000001",
                     Topic="com.apple.mgmt.x", ServerURL="http://mdm.example.com", AccessRights=8191),
     "ServerURL = http://mdm.example.com is not allowed"),
], ids=["enum", "range", "format"])
def test_values_outside_allowed_set_range_or_format(tmp_path: Path, catalog: Catalog, built: Any,
                                                    words: str) -> None:
    path = profile(tmp_path, built())
    (found,) = findings(path, catalog)
    assert kinds([found]) == [("payload-value", "error")]
    assert words in found.message


def test_fix_names_the_allowed_values(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload("com.apple.dock", tilesize=200, orientation="top"))
    found = findings(path, catalog)
    assert [f.fix for f in found] == ['use one of "bottom", "left", "right"', "use an integer from 16 to 128"]


@pytest.mark.parametrize(("services", "rule", "severity"), [
    ({"SystemPolicyAllFiles": [identity(Allowed=True, Authorization="Allow")]}, "pppc-allowed-or-authorization",
     "error"),
    ({"SystemPolicyAllFiles": [identity()]}, "pppc-allowed-or-authorization", "error"),
    ({"Camera": [identity(Authorization="Allow")]}, "pppc-deny-only", "error"),
    ({"Microphone": [identity(Allowed=True)]}, "pppc-deny-only", "error"),
    ({"Accessibility": [identity(Authorization="AllowStandardUserToSetSystemService")]},
     "pppc-standard-user-services", "error"),
    ({"AppleEvents": [identity(Allowed=True)]}, "pppc-apple-events-receiver", "error"),
    ({"SystemPolicyAllFiles": [identity(Allowed=True, AEReceiverIdentifier="com.apple.finder")]},
     "pppc-receiver-only-for-apple-events", "warning"),
], ids=["both", "neither", "camera", "microphone", "standard-user", "receiver", "receiver-elsewhere"])
def test_pppc_rules_stated_in_prose(tmp_path: Path, catalog: Catalog, services: dict[str, Any], rule: str,
                                    severity: str) -> None:
    path = profile(tmp_path, tcc(**services))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("payload-rule", severity)
    assert f"(rule {rule})" in found.message and "source: Apple" in found.fix


def test_pppc_deny_is_fine_for_camera(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, tcc(Camera=[identity(Authorization="Deny")], Microphone=[identity(Allowed=False)]))
    assert findings(path, catalog) == []


def test_wifi_credentials_without_encryption_warn(tmp_path: Path, catalog: Catalog) -> None:
    wifi = payload("com.apple.wifi.managed", SSID_STR="Example", EncryptionType="None", Password="secret",
                   AutoJoin=True)
    path = profile(tmp_path, wifi)
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("payload-rule", "warning")
    assert "Password" in found.message and found.line == line_of(path, "<key>Password</key>")
    assert "secret" not in found.message
    good = profile(tmp_path, {**wifi, "EncryptionType": "WPA2", "PayloadUUID": next(UUIDS)})
    assert findings(good, catalog) == []


@pytest.mark.parametrize(("kind", "key", "value"), [("com.apple.screensaver", "askForPasswordDelay", 5),
                                                     ("com.apple.screensaver.user", "idleTime", 600)])
def test_screen_saver_without_module_name_is_fine(tmp_path: Path, catalog: Catalog, kind: str, key: str,
                                                  value: int) -> None:
    """Apple's YAML marks moduleName required, but Apple's own example and the compliance baselines leave it
    out (schemas/payload-overrides.toml, screensaver-module-optional); the values are still checked."""
    assert findings(profile(tmp_path, payload(kind, "saver", **{key: value})), catalog) == []
    (found,) = findings(profile(tmp_path, payload(kind, "saver", **{key: str(value)})), catalog)
    assert kinds([found]) == [("payload-value-type", "error")] and key in found.message


def test_unknown_key_is_a_warning_with_a_suggestion(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, tcc(SystemPolicyAllFile=[identity(Allowed=True)]))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("payload-unknown-key", "warning")
    assert "Services.SystemPolicyAllFile is not a key" in found.message
    assert found.fix == "did you mean 'SystemPolicyAllFiles'?"


def test_key_for_other_platforms(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload("com.apple.applicationaccess", allowSafari=False, allowCamera=False))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("key-not-macos", "warning")
    assert "allowSafari does not apply to macOS" in found.message


def test_payload_type_for_other_platforms(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload("com.apple.app.lock", App={"Identifier": "com.example.app"}))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("payload-not-macos", "error")
    assert "com.apple.app.lock is a payload for iOS, tvOS, not macOS" in found.message


def test_unknown_apple_type_is_a_note(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload("com.apple.Safari", HomePage="https://example.com"))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("unknown-payload-type", "info")


def test_one_instance_where_apple_allows_one(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload("com.apple.dock", "a", tilesize=40), payload("com.apple.dock", "b", tilesize=50))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("payload-single", "warning")
    assert "2 payloads of type com.apple.dock" in found.message
    several = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Allowed=True)]),
                      {**tcc(Calendar=[identity(Allowed=True)]), "PayloadIdentifier": "com.example.profile.tcc2"})
    assert findings(several, catalog) == []  # PPPC: multiple allowed


def test_macos_versions(tmp_path: Path, catalog: Catalog) -> None:
    key_too_new = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Authorization="Allow")]))
    (found,) = findings(key_too_new, catalog, "10.15")
    assert (found.rule, found.severity) == ("macos-too-old", "warning")
    assert "Authorization needs macOS 11.0 or later; --macos-version is 10.15" in found.message
    assert findings(key_too_new, catalog, "11.0") == [] and findings(key_too_new, catalog) == []
    payload_too_new = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Allowed=True)]))
    assert kinds(findings(payload_too_new, catalog, "10.13")) == [("macos-too-old", "warning")]
    removed = profile(tmp_path, payload("com.apple.dashboard", whiteListEnabled=False, WhiteList=[]))
    (gone,) = findings(removed, catalog, "11.0")
    assert (gone.rule, gone.severity) == ("macos-removed", "warning") and "removed in macOS 10.15" in gone.message
    old_key = profile(tmp_path, payload("com.apple.applicationaccess.new", familyControlsEnabled=True,
                                        pathBlackList=["/Applications/Chess.app"]))
    assert kinds(findings(old_key, catalog, "12.0")) == [("macos-deprecated", "info")]


def test_a_device_channel_payload_in_a_user_scoped_profile_warns(tmp_path: Path, catalog: Catalog) -> None:
    """PPPC, system extensions, managed login items: Apple's userchannel is false; notifications install
    in either scope."""
    pppc = tcc(SystemPolicyAllFiles=[identity(Allowed=True)])
    login = payload("com.apple.servicemanagement", "login", Rules=[{"RuleType": "TeamIdentifier",
                                                                     "RuleValue": "UBF8T346G9"}])
    notify = payload("com.apple.notificationsettings", "notify",
                     NotificationSettings=[{"BundleIdentifier": "com.example.agent"}])
    user = profile(tmp_path, pppc, notify, login, PayloadScope="User")
    found = [f for f in findings(user, catalog) if f.rule == "device-channel-only"]
    payload_lines = [n for n, line in enumerate(user.read_text().splitlines(), start=1) if line == "\t\t<dict>"]
    assert [(f.severity, f.line) for f in found] == [("warning", payload_lines[0]), ("warning", payload_lines[2])]
    assert [f.message for f in found] == [
        f"payload 1 {TCC} (com.example.profile.tcc): Privacy Preferences Policy Control installs through the device "
        "channel only (Apple: userchannel false), but the profile's PayloadScope is User",
        "payload 3 com.apple.servicemanagement (com.example.profile.login): Service Management - Managed Login "
        "Items installs through the device channel only (Apple: userchannel false), but the profile's "
        "PayloadScope is User"]
    assert found[0].fix == "put it in a profile of its own with PayloadScope System (the device channel)"
    lower = profile(tmp_path, pppc, PayloadScope="user")  # the same mistake, and a scope-value warning
    assert sorted(kinds(findings(lower, catalog))) == [("device-channel-only", "warning"), ("scope-value", "warning")]
    for scope in ({"PayloadScope": "System"}, {}):
        assert findings(profile(tmp_path, pppc, notify, login, **scope), catalog) == []


def test_a_user_channel_payload_in_a_system_scoped_profile_warns(tmp_path: Path, catalog: Catalog) -> None:
    """The mirror: a web clip (Apple: devicechannel false) in a System profile; fine in a User one."""
    clip = payload("com.apple.webClip.managed", "clip", Label="Intranet", URL="https://intranet.example.com")
    system = profile(tmp_path, clip, PayloadScope="System")
    (found,) = [f for f in findings(system, catalog) if f.rule.endswith("-channel-only")]
    assert (found.rule, found.severity) == ("user-channel-only", "warning")
    assert found.message.endswith("installs through the user channel only (Apple: devicechannel false), but the "
                                  "profile's PayloadScope is System")
    assert found.fix == "put it in a profile of its own with PayloadScope User (the user channel)"
    assert [f for f in findings(profile(tmp_path, clip, PayloadScope="User"), catalog)
            if f.rule.endswith("-channel-only")] == []
    preset = tmp_path / "clip.toml"
    preset.write_text('[profile]\nidentifier = "org.example.clip"\n[[payloads]]\ntype = "com.apple.webClip.managed"\n'
                      'Label = "Intranet"\nURL = "https://intranet.example.com"\n', encoding="utf-8")
    built = run_cli("build", str(preset), "--out", str(tmp_path / "dist"), "--strict")
    assert built.returncode == 4 and "installs through the user channel only" in built.stderr
    assert not (tmp_path / "dist").exists()
    assert 'scope = "User"' in built.stderr
    preset.write_text(preset.read_text().replace("[[payloads]]", 'scope = "User"\n[[payloads]]'), encoding="utf-8")
    assert run_cli("build", str(preset), "--out", str(tmp_path / "dist"), "--strict").returncode == 0


def test_a_user_scoped_preset_with_a_device_channel_payload_warns(tmp_path: Path) -> None:
    preset = tmp_path / "user.toml"
    preset.write_text('[profile]\nidentifier = "org.example.u"\nscope = "User"\n[[payloads]]\n'
                      'type = "com.apple.system-extension-policy"\nAllowedTeamIdentifiers = ["UBF8T346G9"]\n'
                      '[[payloads]]\ntype = "com.apple.notificationsettings"\n[[payloads.NotificationSettings]]\n'
                      'BundleIdentifier = "com.example.agent"\n', encoding="utf-8")
    checked = run_cli("validate", str(preset))
    assert checked.returncode == 0, checked.stdout
    (line,) = [line for line in checked.stdout.splitlines() if "[device-channel-only]" in line]
    assert line.startswith(f"{preset}:5: warning: payloads[0].type = 'com.apple.system-extension-policy': System "
                           "Extensions installs through the device channel only (Apple: userchannel false), but "
                           'profile.scope is User (put it in a preset of its own with scope = "System": the device '
                           "channel)")
    built = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert built.returncode == 0 and "installs through the device channel only" in built.stderr
    strict = run_cli("build", str(preset), "--out", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 4 and not (tmp_path / "strict").exists()
    system = tmp_path / "system.toml"
    system.write_text(preset.read_text().replace('scope = "User"', 'scope = "System"'), encoding="utf-8")
    assert "[device-channel-only]" not in run_cli("validate", str(system)).stdout


def test_supervised_only_is_a_note(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload("com.apple.applicationaccess", forceClassroomAutomaticallyJoinClasses=True))
    (found,) = findings(path, catalog)
    assert (found.rule, found.severity) == ("supervised-only", "info")


def test_global_preferences_is_checked_as_apple_defines_it(tmp_path: Path, catalog: Catalog) -> None:
    path = profile(tmp_path, payload(".GlobalPreferences", MultipleSessionEnabled="yes"))
    # checked as Apple's payload, not reported as an unknown preference domain
    assert kinds(findings(path, catalog)) == [("jamf-unsigned-custom", "warning"), ("payload-value-type", "error")]


def test_microsoft_shapes_install_so_they_are_not_errors(tmp_path: Path, catalog: Catalog) -> None:
    """<plist version="1">, a payload reusing the profile's PayloadIdentifier, top-level PayloadEnabled."""
    reused = {**tcc(SystemPolicyAllFiles=[identity(Allowed=True)]), "PayloadIdentifier": "com.example.profile",
              "PayloadEnabled": True}
    path = profile(tmp_path, reused, version="1", PayloadEnabled=True)
    assert kinds(findings(path, catalog)) == [("plist-version", "warning"), ("duplicate-identifier", "warning")]
    twice = profile(tmp_path, payload("com.apple.dock", "same"), payload("com.apple.finder", "same"))
    assert ("duplicate-identifier", "error") in kinds(findings(twice, catalog))


def test_report_summary_stands_apart_from_the_last_fix_line(tmp_path: Path) -> None:
    path = profile(tmp_path, payload("com.apple.dock", tilesize=200))
    done = subprocess.run([sys.executable, "-m", "profilegen", "validate", str(path)], capture_output=False,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, check=False)
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert lines[-3].startswith("  fix: use an integer from 16 to 128")
    assert lines[-2] == "" and lines[-1] == "1 file(s): 1 error(s), 0 warning(s), 0 note(s)"


def test_cli_macos_version_option(tmp_path: Path) -> None:
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Authorization="Allow")]))
    done = run_cli("validate", "--strict", "--macos-version", "10.15", str(path))
    assert done.returncode == 1 and "[macos-too-old]" in done.stdout
    assert run_cli("validate", "--strict", str(path)).returncode == 0


@pytest.mark.corpus
def test_real_profiles_have_no_false_apple_payload_finding(catalog: Catalog) -> None:
    """Every real profile validates; the errors left are real defects of those files (listed here)."""
    found = [f for path in sorted(MICROSOFT_PROFILES.glob("*.mobileconfig")) for f in lint_path(path, catalog)]
    errors = sorted((Path(f.file).name, f.rule) for f in found if f.severity == "error")
    # Jamf's MAU controller profile carries the TCC type as its top-level PayloadType (Apple's TopLevel allows
    # only "Configuration"), in both its signed and unsigned copies.
    assert errors == [("Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate-signed.mobileconfig", "payload-type"),
                      ("Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate.mobileconfig", "payload-type")]
    assert not [f for f in found if f.rule.startswith(("payload-", "macos-", "key-not")) and f.rule != "payload-type"]


@pytest.mark.parametrize("xdg", [None, "", "/tmp/xdg-data"])
def test_default_user_catalogue_is_platformdirs_answer(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    import platformdirs

    from profilegen.catalog.user import default_user_catalog

    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert default_user_catalog() == Path(platformdirs.user_data_dir("profilegen")) / "catalog"


@pytest.mark.parametrize("kind", ["com.apple." + "x" * 300, "org.example." + "y" * 300])
def test_a_payload_type_longer_than_a_file_name_is_an_unknown_type(tmp_path: Path, kind: str) -> None:
    """The schema of a type is looked up as a file named after it: a type no file system can name (found by
    benchmarks/fuzz_readers: ENAMETOOLONG) has no schema, and every reading command says so without a
    traceback."""
    path = profile(tmp_path, payload(kind, "long"))
    done = run_cli("validate", str(path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    if kind.startswith("com.apple."):
        assert "is not a payload type of Apple's schema" in done.stdout and "[unknown-payload-type]" in done.stdout
    for args in (["show", str(path)], ["diff", str(path), str(path)],
                 ["import", str(path), "--save", str(tmp_path / "long.toml")]):
        ran = run_cli(*args)
        assert ran.returncode == 0 and "Traceback" not in ran.stderr, (args, ran.stderr)
