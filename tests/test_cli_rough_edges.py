"""Rough edges of the command line, as a new user meets them: reruns, stderr, file errors, typos, types."""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

import pytest

from tests.cli import run_cli

LOCKDOWN = "office-volume-license-lockdown"


def test_the_readme_first_command_twice_succeeds_and_changes_nothing(tmp_path: Path) -> None:
    first = run_cli("build", LOCKDOWN, "--out", "dist/", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "dist").iterdir()}
    second = run_cli("build", LOCKDOWN, "--out", "dist/", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert [line.split()[0] for line in second.stdout.split()[-6::2]] == ["unchanged"] * 3
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "dist").iterdir()} == stamps
    # a file whose content would change still needs --force, and is kept without it
    (tmp_path / "dist" / f"{LOCKDOWN}.sh").write_text("mine")
    third = run_cli("build", LOCKDOWN, "--out", "dist/", cwd=tmp_path)
    assert third.returncode == 5 and f"{LOCKDOWN}.sh exists" in third.stderr and "--force" in third.stderr
    assert (tmp_path / "dist" / f"{LOCKDOWN}.sh").read_text() == "mine"


def test_warnings_go_to_stderr_and_results_to_stdout(tmp_path: Path) -> None:
    done = run_cli("build", "office-telemetry-off", "--office-version", "16.30", "--out", str(tmp_path))
    assert done.returncode == 0
    assert "warning: com.microsoft.Word:SendAllTelemetryEnabled last works in Office for Mac 16.27" in done.stderr
    assert "warning:" not in done.stdout and "SendAllTelemetryEnabled" in done.stdout


def test_out_pointing_at_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "dist").write_text("not a folder")
    done = run_cli("build", LOCKDOWN, "--out", str(tmp_path / "dist"))
    assert done.returncode == 5
    assert f"{tmp_path / 'dist'} is a file, not a folder" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "dist").read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_names_the_fix(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        done = run_cli("build", LOCKDOWN, "--out", str(out))
    finally:
        out.chmod(0o755)
    assert done.returncode == 5
    assert "permission denied" in done.stderr and f"make {out} writable for this user" in done.stderr


def test_permission_error_message_names_the_fix_even_as_root(tmp_path: Path) -> None:
    """Root ignores permissions, so the errno path is driven directly: the message a user without rights sees."""
    import errno

    from profilegen.atomic import _reason

    target = tmp_path / "x" / "p.mobileconfig"
    assert _reason(target, PermissionError(errno.EACCES, "Permission denied")) == (
        f"cannot write {target}: permission denied (make {tmp_path / 'x'} writable for this user, "
        "or choose another output folder)")
    text = _reason(tmp_path / "p", OSError(errno.EROFS, "Read-only file system"))
    assert "read-only" in text and "writable disk" in text


def test_an_uncatalogued_set_value_shows_its_type(tmp_path: Path) -> None:
    done = run_cli("build", "--identifier", "com.contoso.chrome", "--set", "com.google.Chrome:Ver=16.28",
                   "--set", 'com.google.Chrome:Name="16.28"', "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    rows = {line.split()[1]: line.split()[2] for line in done.stdout.splitlines() if line.startswith("com.google")}
    assert rows == {"Name": "string", "Ver": "real"}
    assert done.stdout.splitlines()[1].split() == ["domain", "key", "type", "value", "from"]
    profile = plistlib.loads((tmp_path / "chrome.mobileconfig").read_bytes())
    settings = profile["PayloadContent"][0]["PayloadContent"]["com.google.Chrome"]["Forced"][0][
        "mcx_preference_settings"]
    assert settings == {"Ver": 16.28, "Name": "16.28"}


def test_split_names_each_payload_once_and_keeps_pinned_payload_uuids(tmp_path: Path) -> None:
    pinned = "0D4C2E4A-7B7A-4C47-9C7E-3A1C2B7D9E10"
    preset = tmp_path / "pins.toml"
    preset.write_text('format = 1\n[profile]\nidentifier = "com.contoso.office"\n'
                      f'[profile.payloads."com.microsoft.office"]\nuuid = "{pinned}"\n'
                      '[choices]\ndiagnostic-data = "none"\nupdate-checks = "manual"\n')
    done = run_cli("build", str(preset), "--split", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    office = plistlib.loads((tmp_path / "out" / "pins.com.microsoft.office.mobileconfig").read_bytes())
    mau = plistlib.loads((tmp_path / "out" / "pins.com.microsoft.autoupdate2.mobileconfig").read_bytes())
    assert office["PayloadIdentifier"] == "com.contoso.office.com.microsoft.office"
    (payload,) = office["PayloadContent"]
    assert payload["PayloadIdentifier"] == "com.contoso.office.com.microsoft.office.preferences"
    assert payload["PayloadUUID"] == pinned
    (other,) = mau["PayloadContent"]
    assert other["PayloadIdentifier"] == "com.contoso.office.com.microsoft.autoupdate2.preferences"
    assert other["PayloadUUID"] not in (pinned, mau["PayloadUUID"])
    checked = run_cli("validate", *(str(p) for p in (tmp_path / "out").glob("*.mobileconfig")))
    assert checked.returncode == 0 and "duplicate-" not in checked.stdout


def test_a_string_where_a_boolean_belongs_is_shown_quoted(tmp_path: Path) -> None:
    preset = tmp_path / "q.toml"
    preset.write_text('format = 1\n[profile]\nidentifier = "com.contoso.q"\n'
                      '[settings."com.microsoft.errorreporting"]\nIsMerpEnabled = "false"\n')
    done = run_cli("build", str(preset), "--out", str(tmp_path / "out"))
    assert done.returncode == 4
    assert 'com.microsoft.errorreporting:IsMerpEnabled = "false" (from settings) is not allowed' in done.stderr
    assert "use true or false" in done.stderr


@pytest.mark.parametrize("text", ["yes", "no", "1", "0", "on"])
def test_set_takes_true_or_false_only_for_booleans(tmp_path: Path, text: str) -> None:
    done = run_cli("build", "office-telemetry-off", "--set", f"com.microsoft.errorreporting:IsMerpEnabled={text}",
                   "--out", str(tmp_path))
    assert done.returncode == 2 and not list(tmp_path.iterdir())
    assert f"'{text}' is not a boolean: write true or false" in done.stderr


def test_set_boolean_any_case_and_the_table_says_what_it_read(tmp_path: Path) -> None:
    done = run_cli("build", "office-telemetry-off", "--set", "com.microsoft.errorreporting:IsMerpEnabled=FALSE",
                   "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    row = next(line.split() for line in done.stdout.splitlines() if "IsMerpEnabled" in line)
    assert row == ["com.microsoft.errorreporting", "IsMerpEnabled", "bool", "false", "--set"]
    assert "--set com.microsoft.errorreporting:IsMerpEnabled=false overrides true" in done.stderr


def test_a_probable_typo_key_stops_the_build_unless_marked_meant(tmp_path: Path) -> None:
    preset = tmp_path / "typo.toml"
    preset.write_text('format = 1\n[profile]\nidentifier = "com.contoso.typo"\n'
                      '[settings."com.microsoft.autoupdate2"]\nChanelName = "Beta"\n')
    done = run_cli("build", str(preset), "--out", str(tmp_path / "out"))
    assert done.returncode == 4 and not (tmp_path / "out").exists()
    assert "com.microsoft.autoupdate2:ChanelName is not a key of com.microsoft.autoupdate2: did you mean " \
           "'ChannelName'?" in done.stderr
    assert '[allow_unknown] "com.microsoft.autoupdate2" = ["ChanelName"]' in done.stderr
    done = run_cli("build", "office-manual-updates", "--set", "com.microsoft.autoupdate2:ChanelName=Beta",
                   "--out", str(tmp_path / "out"))
    assert done.returncode == 4 and "did you mean 'ChannelName'?" in done.stderr
    preset.write_text(preset.read_text() + '[allow_unknown]\n"com.microsoft.autoupdate2" = ["ChanelName"]\n')
    done = run_cli("build", str(preset), "--strict", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "info: com.microsoft.autoupdate2:ChanelName is not in the catalogue; written as given" in done.stderr
    profile = plistlib.loads((tmp_path / "out" / "typo.mobileconfig").read_bytes())
    assert profile["PayloadContent"][0]["PayloadContent"]["com.microsoft.autoupdate2"]["Forced"][0][
        "mcx_preference_settings"] == {"ChanelName": "Beta"}
    checked = run_cli("validate", str(preset))
    assert checked.returncode == 0, checked.stdout


def test_an_empty_profile_is_one_rule_for_the_preset_and_its_built_file(tmp_path: Path) -> None:
    preset = tmp_path / "empty.toml"
    preset.write_text('format = 1\n[profile]\nidentifier = "com.contoso.empty"\n')
    as_preset = run_cli("validate", str(preset))
    built = run_cli("build", str(preset), "--out", str(tmp_path / "out"))
    assert built.returncode == 0 and "warning: the profile sets nothing" in built.stderr
    as_file = run_cli("validate", str(tmp_path / "out" / "empty.mobileconfig"))
    for report in (as_preset, as_file):
        assert report.returncode == 0 and "warning:" in report.stdout and "[empty-profile]" in report.stdout
    for path in (preset, tmp_path / "out" / "empty.mobileconfig"):
        assert run_cli("validate", "--strict", str(path)).returncode == 1
    strict = run_cli("build", str(preset), "--strict", "--out", str(tmp_path / "strict"))
    assert strict.returncode == 4 and "sets nothing" in strict.stderr and not (tmp_path / "strict").exists()
