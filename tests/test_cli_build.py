"""`profilegen build`, `presets`, `catalog` through the real command line: files, messages, exit codes."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.defaults_replay import profile_settings

LOCKDOWN = "office-volume-license-lockdown"
SHIPPED = ["office-volume-license-lockdown", "office-telemetry-off", "office-manual-updates", "office-privacy-zero",
           "office-telemetry-off-current", "office-volume-license-lockdown-current"]


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_build_shipped_preset_writes_profile_and_scripts(tmp_path: Path) -> None:
    done = run_cli("build", LOCKDOWN, "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    written = files_in(tmp_path / "dist")
    assert sorted(written) == [f"{LOCKDOWN}.mobileconfig", f"{LOCKDOWN}.sh", f"{LOCKDOWN}.undo.sh"]
    profile = plistlib.loads(written[f"{LOCKDOWN}.mobileconfig"])
    settings = profile_settings(profile)
    assert settings["com.microsoft.Word"]["UseOnlineContent"] == 0
    assert settings["com.microsoft.autoupdate2"]["HowToCheck"] == "Manual"
    assert settings["com.microsoft.errorreporting"] == {
        "IsAttachFilesEnabled": False, "IsAttachedEnabled": False, "IsMerpEnabled": True}
    assert profile["PayloadIdentifier"] == "org.profilegen.office.volume-license-lockdown"
    assert "com.microsoft.Word  " in done.stdout and "UseOnlineContent" in done.stdout
    assert (tmp_path / "dist" / f"{LOCKDOWN}.sh").stat().st_mode & 0o111


def test_profile_bytes_are_utf8_xml_without_bom_with_sorted_keys_and_uppercase_uuids(tmp_path: Path) -> None:
    assert run_cli("build", LOCKDOWN, "--out", str(tmp_path)).returncode == 0
    data = (tmp_path / f"{LOCKDOWN}.mobileconfig").read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    profile = plistlib.loads(data)
    uuids = [profile["PayloadUUID"]] + [p["PayloadUUID"] for p in profile["PayloadContent"]]
    assert all(u == u.upper() and len(u) == 36 for u in uuids)
    assert len(set(uuids)) == len(uuids)
    identifiers = [p["PayloadIdentifier"] for p in profile["PayloadContent"]]
    assert identifiers == sorted(identifiers)
    assert all(i == f"{profile['PayloadIdentifier']}.{d}" for i, d in
               zip(identifiers, [next(iter(p["PayloadContent"])) for p in profile["PayloadContent"]], strict=True))


def test_build_is_reproducible(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        assert run_cli("build", *SHIPPED, "--out", str(tmp_path / folder)).returncode == 0
    assert files_in(tmp_path / "a") == files_in(tmp_path / "b")
    assert len(files_in(tmp_path / "a")) == 3 * len(SHIPPED)


def test_custom_style_puts_keys_at_payload_top_level(tmp_path: Path) -> None:
    assert run_cli("build", "office-manual-updates", "--style", "custom", "--out", str(tmp_path)).returncode == 0
    profile = plistlib.loads((tmp_path / "office-manual-updates.mobileconfig").read_bytes())
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadType"] == "com.microsoft.autoupdate2"
    assert payload["HowToCheck"] == "Manual"


def test_split_writes_one_profile_per_domain(tmp_path: Path) -> None:
    assert run_cli("build", "office-privacy-zero", "--split", "--out", str(tmp_path)).returncode == 0
    profiles = sorted(p.name for p in tmp_path.glob("*.mobileconfig"))
    assert profiles == ["office-privacy-zero.com.microsoft.autoupdate2.mobileconfig",
                        "office-privacy-zero.com.microsoft.office.mobileconfig"]
    for name in profiles:
        profile = plistlib.loads((tmp_path / name).read_bytes())
        assert len(profile["PayloadContent"]) == 1


def test_set_overrides_a_choice_typed_by_the_catalogue(tmp_path: Path) -> None:
    done = run_cli("build", "office-manual-updates", "--set", "com.microsoft.autoupdate2:ChannelName=Preview",
                   "--set", "com.microsoft.autoupdate2:UpdateCheckInterval=1440", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    settings = profile_settings(plistlib.loads((tmp_path / "office-manual-updates.mobileconfig").read_bytes()))
    assert settings["com.microsoft.autoupdate2"]["ChannelName"] == "Preview"
    assert settings["com.microsoft.autoupdate2"]["UpdateCheckInterval"] == 1440


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(("body", "code", "message"), [
    ('format = 1\n[profile\nidentifier = "x"', 3, "not valid TOML"),
    ('format = 1\n[profile]\nidentifier = "com.example.x"\n[settings."com.microsoft.autoupdate2"]\n'
     'HowToCheck = "Sometimes"\n', 4,
     'com.microsoft.autoupdate2:HowToCheck = "Sometimes" (from settings) is not allowed'),
    ('format = 1\n[profile]\nidentifier = "com example"\n', 4,
     "profile.identifier 'com example' is not a valid identifier (use letters, digits"),
    ('format = 1\n[profile]\nidentifier = "com.example.x"\n[fleet]\nlicense = "subscription"\n'
     '[choices]\ncloud-sign-in = "disabled"\n', 4, "needs a volume license"),
    ('format = 1\n[profile]\nidentifier = "com.example.x"\n[choices]\nusage-telemetry = "off"\n'
     'send-a-smile = "on"\n[settings."com.microsoft.Word"]\nSendAllTelemetryEnabled = true\n', 4,
     "is set to false by choice usage-telemetry = 'off' and to true by settings"),
    ('format = 1\n[profile]\nidentifier = "com.example.x"\n[choices]\nupdate-check = "manual"\n', 4,
     "unknown choice 'update-check' (did you mean 'update-checks'?)"),
    ('format = 2\n[profile]\nidentifier = "com.example.x"\n', 4, "format = 2 is not supported"),
    ('format = 1\n[profile]\nidentifier = "com.example.x"\ndisplayname = "x"\n', 4,
     "unknown field profile.displayname (did you mean 'display_name'?)"),
])
def test_bad_presets_fail_with_one_clear_message_and_write_nothing(
        tmp_path: Path, body: str, code: int, message: str) -> None:
    preset = write(tmp_path, "mine.toml", body)
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert done.stderr.startswith(f"profilegen: error: {preset}")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "dist").exists()


def test_missing_preset_and_unknown_shipped_name(tmp_path: Path) -> None:
    done = run_cli("build", str(tmp_path / "nope.toml"), "--out", str(tmp_path))
    assert done.returncode == 3 and "no such preset file" in done.stderr
    done = run_cli("build", "office-telemetry-of", "--out", str(tmp_path))
    assert done.returncode == 3 and "did you mean 'office-telemetry-off'?" in done.stderr


def test_unreadable_preset(tmp_path: Path) -> None:
    preset = write(tmp_path, "locked.toml", 'format = 1\n[profile]\nidentifier = "com.example.x"\n')
    preset.chmod(0)
    try:
        done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"))
    finally:
        preset.chmod(0o644)
    import os

    if os.geteuid() == 0:  # root reads anything: the message path is covered by a directory instead
        done = run_cli("build", str(tmp_path), "--out", str(tmp_path / "dist"))
        assert done.returncode == 3 and "no such preset file" in done.stderr
    else:
        assert done.returncode == 3 and f"{preset}: permission denied" in done.stderr


def test_bad_set_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("build", LOCKDOWN, "--set", "HowToCheck=Manual", "--out", str(tmp_path / "d"))
    assert done.returncode == 2
    assert "is not DOMAIN:KEY=VALUE" in done.stderr
    done = run_cli("build", LOCKDOWN, "--set", "com.microsoft.Word:UseOnlineContent=off",
                   "--out", str(tmp_path / "d"))
    assert done.returncode == 2 and "'off' is not an integer" in done.stderr
    assert not (tmp_path / "d").exists()


def test_existing_outputs_need_force_and_stay_intact(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / f"{LOCKDOWN}.sh").write_text("mine")
    done = run_cli("build", LOCKDOWN, "--out", str(out))
    assert done.returncode == 5 and "use --force" in done.stderr
    assert files_in(out) == {f"{LOCKDOWN}.sh": b"mine"}
    assert run_cli("build", LOCKDOWN, "--out", str(out), "--force").returncode == 0
    assert (out / f"{LOCKDOWN}.sh").read_bytes().startswith(b"#!/bin/bash")


def test_a_rebuild_that_changes_nothing_leaves_every_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run_cli("build", LOCKDOWN, "--out", str(out)).returncode == 0
    names = [f"{LOCKDOWN}.mobileconfig", f"{LOCKDOWN}.sh", f"{LOCKDOWN}.undo.sh"]
    before = {name: (out / name).stat() for name in names}
    (out / f"{LOCKDOWN}.undo.sh").chmod(0o700)  # same bytes, other permissions: rewritten
    (out / f"{LOCKDOWN}.sh").write_bytes((out / f"{LOCKDOWN}.sh").read_bytes() + b"# mine\n")  # other bytes
    again = run_cli("build", LOCKDOWN, "--out", str(out), "--force")
    assert again.returncode == 0, again.stderr
    assert f"unchanged {out / names[0]}" in again.stdout
    assert f"wrote {out / names[1]}" in again.stdout and f"wrote {out / names[2]}" in again.stdout
    after = (out / names[0]).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before[names[0]].st_ino, before[names[0]].st_mtime_ns)
    assert (out / names[2]).stat().st_mode & 0o777 == 0o755
    assert not (out / names[1]).read_bytes().endswith(b"# mine\n")
    third = run_cli("build", LOCKDOWN, "--out", str(out), "--force")
    assert [line.split()[0] for line in third.stdout.split("\n") if line][-3:] == ["unchanged"] * 3


def test_error_in_a_later_preset_writes_nothing_for_earlier_ones(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.toml", 'format = 1\n[profile]\nidentifier = "com.example.x"\n[choices]\nx = "y"\n')
    done = run_cli("build", LOCKDOWN, str(bad), "--out", str(tmp_path / "dist"))
    assert done.returncode == 4
    assert not (tmp_path / "dist").exists()


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    preset = write(tmp_path, "w.toml", 'format = 1\n[profile]\nidentifier = "com.example.x"\n'
                   '[settings."com.microsoft.Word"]\nNoSuchKey = 1\n')
    done = run_cli("build", str(preset), "--out", str(tmp_path / "a"))
    assert done.returncode == 0 and "warning: com.microsoft.Word:NoSuchKey is not a known key" in done.stderr
    assert "NoSuchKey is not" not in done.stdout  # results on stdout, warnings on stderr
    done = run_cli("build", str(preset), "--out", str(tmp_path / "b"), "--strict")
    assert done.returncode == 4 and "an error under --strict" in done.stderr
    assert not (tmp_path / "b").exists()


def test_shipped_presets_build_clean_under_strict(tmp_path: Path) -> None:
    done = run_cli("build", *SHIPPED, "--strict", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "warning:" not in done.stdout


def test_presets_and_catalog_listings() -> None:
    done = run_cli("presets")
    assert done.returncode == 0
    for name in SHIPPED:
        assert name in done.stdout
    done = run_cli("catalog")
    assert done.returncode == 0 and "com.microsoft.autoupdate2" in done.stdout
    done = run_cli("catalog", "com.microsoft.autoupdate2")
    assert done.returncode == 0 and "HowToCheck" in done.stdout and "AutomaticDownload" in done.stdout
    done = run_cli("catalog", "com.microsoft.Wrod")
    assert done.returncode == 3 and "did you mean com.microsoft.Word?" in done.stderr
    done = run_cli("catalog", "choices")
    assert done.returncode == 0 and "cloud-sign-in" in done.stdout and "disabled" in done.stdout


def test_version_and_module_entry_point() -> None:
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("profilegen 0.")


def test_profile_metadata_and_pinned_identifiers(tmp_path: Path) -> None:
    preset = write(tmp_path, "meta.toml", '''format = 1
[profile]
display_name = "Contoso Office"
identifier = "com.contoso.office"
organization = "Contoso"
description = "Managed by IT."
scope = "User"
removal_disallowed = true
uuid = "0d3c1f5e-8a4b-4c2d-9e6f-1a2b3c4d5e6f"
consent_text = { default = "Installs Office settings.", fr = "Installe les réglages d'Office." }
[profile.payloads."com.microsoft.Word"]
identifier = "MCXToProfile.legacy.word"
uuid = "11111111-2222-3333-4444-555555555555"
[settings."com.microsoft.Word"]
SendAllTelemetryEnabled = false
[settings."com.microsoft.Excel"]
SendAllTelemetryEnabled = false
''')
    assert run_cli("build", str(preset), "--out", str(tmp_path / "out")).returncode == 0
    profile = plistlib.loads((tmp_path / "out" / "meta.mobileconfig").read_bytes())
    assert profile["PayloadUUID"] == "0D3C1F5E-8A4B-4C2D-9E6F-1A2B3C4D5E6F"
    assert (profile["PayloadDisplayName"], profile["PayloadOrganization"], profile["PayloadDescription"],
            profile["PayloadScope"], profile["PayloadRemovalDisallowed"]) == (
        "Contoso Office", "Contoso", "Managed by IT.", "User", True)
    assert profile["ConsentText"] == {"default": "Installs Office settings.", "fr": "Installe les réglages d'Office."}
    by_domain = {next(iter(p["PayloadContent"])): p for p in profile["PayloadContent"]}
    word, excel = by_domain["com.microsoft.Word"], by_domain["com.microsoft.Excel"]
    assert (word["PayloadIdentifier"], word["PayloadUUID"]) == (
        "MCXToProfile.legacy.word", "11111111-2222-3333-4444-555555555555")
    assert excel["PayloadIdentifier"] == "com.contoso.office.com.microsoft.Excel"
    assert excel["PayloadOrganization"] == "Contoso" and excel["PayloadDisplayName"] == "Microsoft Excel"


def test_errors_in_a_shipped_preset_name_it_not_its_installed_path(tmp_path: Path) -> None:
    done = run_cli("build", "office-privacy-zero", "--set", "com.microsoft.office:DiagnosticDataTypePreference=Zero",
                   "--out", str(tmp_path / "d"))
    assert done.returncode == 4
    assert done.stderr == (
        "profilegen: error: shipped preset office-privacy-zero: com.microsoft.office:DiagnosticDataTypePreference = "
        '"Zero" (from --set) is not allowed; use one of "BasicDiagnosticData", "FullDiagnosticData", '
        '"ZeroDiagnosticData"\n')


def test_mau_version_checks_autoupdate_keys_by_autoupdate_versions(tmp_path: Path) -> None:
    preset = write(tmp_path, "mau.toml", 'format = 1\n[profile]\nidentifier = "com.example.mau"\n'
                   '[fleet]\nmau_version = "4.20"\n[choices]\nusage-telemetry = "off"\n')
    done = run_cli("build", str(preset), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert ("warning: com.microsoft.autoupdate2:SendAllTelemetryEnabled last works in Microsoft AutoUpdate 4.11; "
            "the fleet's oldest is 4.20") in done.stderr
    assert "com.microsoft.Word:SendAllTelemetryEnabled last works" not in done.stderr  # no Office version given
    bad = write(tmp_path, "bad.toml", 'format = 1\n[profile]\nidentifier = "com.example.mau"\n'
                '[fleet]\nmau_version = "four"\n')
    done = run_cli("build", str(bad), "--out", str(tmp_path / "out2"))
    assert done.returncode == 4 and "fleet.mau_version 'four' is not a version" in done.stderr
