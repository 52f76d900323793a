"""Apple payloads in presets: TOML in, each payload out in the profile, named and identified deterministically."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from profilegen.catalog import Catalog, load_catalog
from profilegen.errors import ExitCode, ValidationError
from profilegen.paths import schemas_dir
from profilegen.pipeline import build_preset
from profilegen.preset import dumps_preset, load_preset
from profilegen.profile import NAMESPACE
from tests.cli import run_cli

PPPC = "com.apple.TCC.configuration-profile-policy"
NOTIFICATIONS = "com.apple.notificationsettings"
SYSEXT = "com.apple.system-extension-policy"

AGENT = """
[profile]
identifier = "com.example.agent"
display_name = "Example agent"
organization = "Example Corp"

[fleet]
macos_version = "14.0"

[settings."com.microsoft.autoupdate2"]
HowToCheck = "AutomaticDownload"

[[payloads]]
type = "com.apple.TCC.configuration-profile-policy"
name = "full-disk-access"

[[payloads.Services.SystemPolicyAllFiles]]
Identifier = "com.example.agent"
IdentifierType = "bundleID"
CodeRequirement = 'identifier "com.example.agent" and anchor apple generic and certificate leaf[subject.OU] = X1'
Authorization = "Allow"

[[payloads]]
type = "com.apple.system-extension-policy"
AllowedTeamIdentifiers = ["ABCDE12345"]

[payloads.AllowedSystemExtensions]
ABCDE12345 = ["com.example.agent.extension"]

[[payloads]]
type = "com.apple.notificationsettings"
name = "agent"
display_name = "Notifications: agent"

[[payloads.NotificationSettings]]
BundleIdentifier = "com.example.agent"
AlertType = 1
NotificationsEnabled = true

[[payloads]]
type = "com.apple.notificationsettings"
name = "helper"
identifier = "com.example.pinned.notifications"
uuid = "0a1b2c3d-0000-4000-8000-000000000001"

[[payloads.NotificationSettings]]
BundleIdentifier = "com.example.helper"
NotificationsEnabled = false
"""


def write(tmp_path: Path, text: str, name: str = "agent.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def built(path: Path, catalog: Catalog | None = None) -> tuple[dict[str, Any], str, bytes]:
    result = build_preset(load_preset(str(path)), catalog or load_catalog())
    data = next(a.data for a in result.artifacts if a.filename.endswith(".mobileconfig"))
    script = next(a.data for a in result.artifacts if a.filename.endswith(".sh")).decode()
    return plistlib.loads(data), script, data


def test_each_payload_is_in_the_profile_with_derived_identifiers(tmp_path: Path) -> None:
    profile, _script, data = built(write(tmp_path, AGENT))
    payloads = profile["PayloadContent"]
    assert [p["PayloadType"] for p in payloads] == [
        "com.apple.ManagedClient.preferences", PPPC, SYSEXT, NOTIFICATIONS, NOTIFICATIONS]
    pppc = payloads[1]
    assert pppc["PayloadIdentifier"] == f"com.example.agent.{PPPC}.full-disk-access"
    assert pppc["PayloadUUID"] == str(uuid.uuid5(NAMESPACE, pppc["PayloadIdentifier"])).upper()
    assert pppc["PayloadDisplayName"] == "Privacy Preferences Policy Control"  # Apple's title
    assert pppc["PayloadOrganization"] == "Example Corp"
    assert pppc["Services"]["SystemPolicyAllFiles"][0]["Authorization"] == "Allow"
    sysext = payloads[2]
    assert sysext["PayloadIdentifier"] == f"com.example.agent.{SYSEXT}"  # unnamed: the type
    assert sysext["AllowedSystemExtensions"] == {"ABCDE12345": ["com.example.agent.extension"]}
    first, second = payloads[3], payloads[4]
    assert first["PayloadDisplayName"] == "Notifications: agent"
    assert (second["PayloadIdentifier"], second["PayloadUUID"]) == (
        "com.example.pinned.notifications", "0A1B2C3D-0000-4000-8000-000000000001")
    assert second["NotificationSettings"] == [{"BundleIdentifier": "com.example.helper",
                                               "NotificationsEnabled": False}]
    assert built(write(tmp_path, AGENT, "again.toml"))[2].replace(b"again", b"agent") == data  # same bytes


def test_preset_with_payloads_saves_and_loads_back_the_same(tmp_path: Path) -> None:
    preset = load_preset(str(write(tmp_path, AGENT)))
    again = write(tmp_path, dumps_preset(preset), "saved.toml")
    assert load_preset(str(again)).payloads == preset.payloads
    assert built(again)[0]["PayloadContent"][1:] == built(tmp_path / "agent.toml")[0]["PayloadContent"][1:]


def test_script_writes_preferences_and_names_each_other_payload(tmp_path: Path) -> None:
    _profile, script, _data = built(write(tmp_path, AGENT))
    header = script.split("set -euo pipefail")[0]
    assert "# Profile-only payloads: `defaults` cannot do what these do" in header
    assert f"#   {PPPC} (Privacy Preferences Policy Control): full-disk-access" in header
    assert f"#   {NOTIFICATIONS} (Notifications): helper" in header
    assert "prefs write com.microsoft.autoupdate2 HowToCheck -string AutomaticDownload" in script
    assert "Services" not in script.split("set -euo pipefail")[1]
    if shutil.which("shellcheck"):
        checked = subprocess.run(["shellcheck", "-"], input=script, text=True, capture_output=True, check=False)
        assert checked.returncode == 0, checked.stdout


def test_build_report_lists_the_payloads(tmp_path: Path) -> None:
    done = run_cli("build", str(write(tmp_path, AGENT)), "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    assert "4 other payload(s), in the profile only:" in done.stdout
    assert f"  {SYSEXT} (System Extensions)" in done.stdout


def test_split_gives_each_payload_a_profile_of_its_own(tmp_path: Path) -> None:
    done = run_cli("build", str(write(tmp_path, AGENT)), "--split", "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "dist").glob("*.mobileconfig"))
    assert names == ["agent.agent.mobileconfig", "agent.com.apple.system-extension-policy.mobileconfig",
                     "agent.com.microsoft.autoupdate2.mobileconfig", "agent.full-disk-access.mobileconfig",
                     "agent.helper.mobileconfig"]
    pppc = plistlib.loads((tmp_path / "dist" / "agent.full-disk-access.mobileconfig").read_bytes())
    assert pppc["PayloadIdentifier"] == f"com.example.agent.{PPPC}.full-disk-access"
    assert [p["PayloadType"] for p in pppc["PayloadContent"]] == [PPPC]


CHOICES = """
[agent-access]
title = "Agent access"
description = "What the agent may reach."

[agent-access.options.full]
title = "Full disk access and no update prompts"
description = "A TCC entry plus a preference."
sets = [{ domain = "com.microsoft.autoupdate2", key = "HowToCheck", value = "AutomaticDownload" }]

[[agent-access.options.full.payloads]]
type = "com.apple.TCC.configuration-profile-policy"
name = "access"

[[agent-access.options.full.payloads.Services.SystemPolicyAllFiles]]
Identifier = "com.example.daemon"
IdentifierType = "bundleID"
CodeRequirement = 'identifier "com.example.daemon" and anchor apple generic'
Authorization = "Allow"
"""


def choice_catalog(tmp_path: Path) -> Catalog:
    path = tmp_path / "choices.toml"
    path.write_text(CHOICES, encoding="utf-8")
    catalog = Catalog([schemas_dir() / "domains"], path)
    catalog.payload_dirs = (schemas_dir() / "payloads", list)
    return catalog


def test_a_choice_adds_a_payload_entry_and_a_preference(tmp_path: Path) -> None:
    preset = write(tmp_path, """
[profile]
identifier = "com.example.choice"
[choices]
agent-access = "full"
[[payloads]]
type = "com.apple.TCC.configuration-profile-policy"
name = "access"
[[payloads.Services.SystemPolicyAllFiles]]
Identifier = "com.example.agent"
IdentifierType = "bundleID"
CodeRequirement = 'identifier "com.example.agent" and anchor apple generic'
Authorization = "Allow"
""")
    profile, _script, _data = built(preset, choice_catalog(tmp_path))
    mcx, pppc = profile["PayloadContent"]
    assert mcx["PayloadContent"]["com.microsoft.autoupdate2"]["Forced"][0]["mcx_preference_settings"] == {
        "HowToCheck": "AutomaticDownload"}
    entries = pppc["Services"]["SystemPolicyAllFiles"]
    assert [e["Identifier"] for e in entries] == ["com.example.agent", "com.example.daemon"]  # one payload, merged


def test_a_choice_payload_alone_and_a_conflicting_key(tmp_path: Path) -> None:
    alone = write(tmp_path, '[profile]\nidentifier = "com.example.c"\n[choices]\nagent-access = "full"\n')
    profile, _s, _d = built(alone, choice_catalog(tmp_path))
    assert profile["PayloadContent"][1]["PayloadIdentifier"] == f"com.example.c.{PPPC}.access"
    clash = write(tmp_path, """
[profile]
identifier = "com.example.c"
[choices]
agent-access = "full"
[[payloads]]
type = "com.apple.TCC.configuration-profile-policy"
name = "access"
[payloads.Services]
SystemPolicyAllFiles = "not an array"
""", "clash.toml")
    with pytest.raises(ValidationError) as caught:
        built(clash, choice_catalog(tmp_path))
    assert (f"{PPPC}.Services.SystemPolicyAllFiles is set by payloads[0] and differently by choice "
            "agent-access = 'full'") in caught.value.render()


HEAD = '[profile]\nidentifier = "com.example.bad"\n[fleet]\nmacos_version = "12.0"\n'
ERRORS = {
    "missing required key": (
        '[[payloads]]\ntype = "com.apple.TCC.configuration-profile-policy"\n'
        '[[payloads.Services.SystemPolicyAllFiles]]\nIdentifier = "a.b"\nIdentifierType = "bundleID"\n'
        'Authorization = "Allow"\n',
        "payloads[0].Services.SystemPolicyAllFiles[0] has no CodeRequirement (add CodeRequirement = ...; "
        "Apple's schema requires it)"),
    "wrong type deep in a nested array": (
        '[[payloads]]\ntype = "com.apple.servicemanagement"\n[[payloads.Rules]]\nRuleType = "TeamIdentifier"\n'
        'RuleValue = "UBF8T346G9"\n[[payloads]]\ntype = "com.apple.TCC.configuration-profile-policy"\n'
        '[[payloads.Services.Accessibility]]\nIdentifier = "a.b"\nIdentifierType = "bundleID"\n'
        'CodeRequirement = 42\nAuthorization = "Allow"\n',
        "payloads[1].Services.Accessibility[0].CodeRequirement is an integer, Apple's schema says a string "
        "(write CodeRequirement as a string)"),
    "payload type macOS lacks": (
        '[[payloads]]\ntype = "com.apple.homescreenlayout"\n',
        "payloads[0].type = 'com.apple.homescreenlayout' is a payload for iOS, tvOS, not macOS "
        "(remove it from a preset for Macs)"),
    "unknown Apple type": (
        '[[payloads]]\ntype = "com.apple.TCC.configuration-profile-polcy"\n',
        "payloads[0].type = 'com.apple.TCC.configuration-profile-polcy' is not a macOS payload type of Apple's "
        "schema (did you mean 'com.apple.TCC.configuration-profile-policy'?)"),
    "a value outside the allowed set": (
        '[[payloads]]\ntype = "com.apple.TCC.configuration-profile-policy"\n'
        '[[payloads.Services.SystemPolicyAllFiles]]\nIdentifier = "a.b"\nIdentifierType = "bundleID"\n'
        'CodeRequirement = "anchor apple"\nAuthorization = "Always"\n',
        "payloads[0].Services.SystemPolicyAllFiles[0].Authorization = Always is not allowed: \"Always\" is not one "
        'of "Allow", "Deny" or "AllowStandardUserToSetSystemService"'),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_error_is_one_line_with_file_and_toml_path(tmp_path: Path, case: str) -> None:
    body, expected = ERRORS[case]
    path = write(tmp_path, HEAD + body, "bad.toml")
    done = run_cli("build", str(path), "--out", str(tmp_path / "dist"))
    assert done.returncode == ExitCode.INVALID
    lines = [line for line in done.stderr.splitlines() if line.startswith("profilegen: error:")]
    assert any(line.startswith(f"profilegen: error: {path}: {expected}") for line in lines), done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "dist").exists()  # nothing half-written


def test_key_newer_than_the_fleets_macos_warns_and_fails_under_strict(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + '[[payloads]]\ntype = "com.apple.servicemanagement"\n[[payloads.Rules]]\n'
                 'RuleType = "TeamIdentifier"\nRuleValue = "UBF8T346G9"\n', "old.toml")
    expected = (f"{path}: payloads[0] (Service Management - Managed Login Items) needs macOS 13.0 or later; "
                "[fleet] macos_version is 12.0")
    done = run_cli("build", str(path), "--out", str(tmp_path / "dist"))
    assert done.returncode == 0 and f"warning: {expected}" in done.stderr
    strict = run_cli("build", str(path), "--out", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == ExitCode.INVALID and f"profilegen: error: {expected}" in strict.stderr
    newer_key = write(tmp_path, HEAD.replace("12.0", "14.0") + '[[payloads]]\ntype = "com.apple.applicationaccess"\n'
                      "allowiPhoneMirroring = false\n", "key.toml")
    key = run_cli("build", str(newer_key), "--out", str(tmp_path / "k"))
    assert key.returncode == 0
    assert (f"warning: {newer_key}: payloads[0].allowiPhoneMirroring needs macOS 15.0 or later; "
            "[fleet] macos_version is 14.0") in key.stderr


def test_our_fields_are_not_apple_keys(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + '[[payloads]]\ntype = "com.apple.dock"\nPayloadIdentifier = "x.y"\n', "pi.toml")
    done = run_cli("build", str(path), "--out", str(tmp_path / "dist"))
    assert done.returncode == ExitCode.INVALID
    assert (f"{path}: payloads[0].PayloadIdentifier: profilegen writes it (write identifier = ... instead)"
            in done.stderr)


def test_two_payloads_with_one_identifier_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + '[[payloads]]\ntype = "com.apple.dock"\nidentifier = "x.y"\n'
                 '[[payloads]]\ntype = "com.apple.finder"\nidentifier = "x.y"\n', "dup.toml")
    done = run_cli("build", str(path), "--out", str(tmp_path / "dist"))
    assert done.returncode == ExitCode.INVALID
    assert f"{path}: two payloads have the PayloadIdentifier x.y" in done.stderr


def test_jamf_schema_and_intune_plist_refuse_other_payloads(tmp_path: Path) -> None:
    schema = run_cli("export", "jamf-schema", PPPC, "--out", str(tmp_path / "s.json"))
    assert schema.returncode == ExitCode.INPUT and len(schema.stderr.strip().splitlines()) == 1
    assert "is an Apple payload type (Privacy Preferences Policy Control), not a preference domain" in schema.stderr
    plist = run_cli("export", "intune-plist", str(write(tmp_path, AGENT)), "--out", str(tmp_path / "ip"))
    assert plist.returncode == ExitCode.INVALID and len(plist.stderr.strip().splitlines()) == 1
    assert "holds non-preference payloads (com.apple.TCC.configuration-profile-policy, " in plist.stderr
    assert not (tmp_path / "ip").exists() and not (tmp_path / "s.json").exists()


def test_the_wizard_from_a_preset_keeps_its_payloads_and_top_level_keys(tmp_path: Path) -> None:
    from profilegen.wizard.flow import Wizard

    path = write(tmp_path, AGENT.replace('organization = "Example Corp"\n',
                                         'organization = "Example Corp"\n[profile.keys]\nTargetDeviceType = 5\n'))
    base = load_preset(str(path))
    wizard = Wizard(load_catalog(), base)
    for key in ("display_name", "identifier", "organization"):
        wizard.answer(key, getattr(base.profile, key))
    made = wizard.preset()
    assert made.payloads == base.payloads and made.profile.keys == {"TargetDeviceType": 5}
    assert made.fleet.macos_version == "14.0"
    saved = write(tmp_path, dumps_preset(made), "saved.toml")
    assert built(saved)[0]["PayloadContent"][1:] == built(path)[0]["PayloadContent"][1:]


def test_validate_a_preset_with_macos_version_from_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, AGENT.replace('macos_version = "14.0"', 'macos_version = "15.0"'), "v.toml")
    assert run_cli("validate", str(path)).returncode == 0
    older = run_cli("validate", str(path), "--macos-version", "10.15")
    assert "payloads[3] (Notifications) needs macOS 10.15" not in older.stdout
    assert "needs macOS 11.0 or later; [fleet] macos_version is 10.15" in older.stdout, older.stdout


def test_validate_names_the_line_of_the_toml_path(tmp_path: Path) -> None:
    body, _expected = ERRORS["wrong type deep in a nested array"]
    path = write(tmp_path, HEAD + body, "lines.toml")
    done = run_cli("validate", str(path))
    lines = path.read_text().splitlines()
    number = lines.index("CodeRequirement = 42") + 1
    assert done.returncode == 1
    assert f"{path}:{number}: error: payloads[1].Services.Accessibility[0].CodeRequirement is an integer" in done.stdout
