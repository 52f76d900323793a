"""Starting without TOML: `new`, `presets show`, identity and fleet options on `build`, `build --set` alone."""

from __future__ import annotations

import plistlib
import tomllib
from pathlib import Path

from tests.cli import REPO, run_cli
from tests.defaults_replay import profile_settings


def test_new_from_a_shipped_preset_writes_a_commented_preset_that_builds(tmp_path: Path) -> None:
    done = run_cli("new", "my-org", "--from", "office-telemetry-off", "--org", "contoso.com",
                   "--set", "com.microsoft.autoupdate2:ChannelName=Preview", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote my-org.toml" in done.stdout
    text = (tmp_path / "my-org.toml").read_text()
    assert text.startswith("# Written by `profilegen new` from office-telemetry-off.")
    assert "# Update channel\nChannelName = \"Preview\"" in text  # the key's title from the catalogue
    assert "# Turn off usage telemetry\nusage-telemetry = \"off\"" in text
    data = tomllib.loads(text)
    assert data["profile"]["identifier"] == "com.contoso.my-org"
    assert data["profile"]["organization"] == "contoso.com"
    assert data["choices"]["usage-telemetry"] == "off"
    built = run_cli("build", "my-org.toml", "--strict", "--out", "dist", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    profile = plistlib.loads((tmp_path / "dist" / "my-org.mobileconfig").read_bytes())
    assert profile["PayloadIdentifier"] == "com.contoso.my-org"
    assert profile_settings(profile)["com.microsoft.autoupdate2"]["ChannelName"] == "Preview"
    assert profile_settings(profile)["com.microsoft.Word"]["SendAllTelemetryEnabled"] is False


def test_new_without_organization_says_the_identifier_is_a_placeholder_and_never_overwrites(tmp_path: Path) -> None:
    done = run_cli("new", "blank", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "placeholder (com.example.blank)" in done.stderr and "--org or --identifier" in done.stderr
    first = (tmp_path / "blank.toml").read_bytes()
    same = run_cli("new", "blank", cwd=tmp_path)  # the same preset again: nothing to overwrite
    assert same.returncode == 0 and "unchanged blank.toml" in same.stdout
    data = tomllib.loads(first.decode())
    assert data["profile"]["identifier"] == "com.example.blank" and "choices" not in data
    assert b'# [choices]' in first  # an example of what may follow, commented out
    again = run_cli("new", "blank", "--identifier", "com.contoso.blank", cwd=tmp_path)
    assert again.returncode == 5 and "blank.toml exists" in again.stderr and "--force" in again.stderr
    assert (tmp_path / "blank.toml").read_bytes() == first
    forced = run_cli("new", "blank", "--identifier", "com.contoso.blank", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "placeholder" not in forced.stderr
    assert tomllib.loads((tmp_path / "blank.toml").read_text())["profile"]["identifier"] == "com.contoso.blank"


def test_new_refuses_what_a_build_would_refuse_and_writes_nothing(tmp_path: Path) -> None:
    done = run_cli("new", "bad", "--set", "com.microsoft.autoupdate2:ChannelName=Nightly", cwd=tmp_path)
    assert done.returncode == 4 and "ChannelName" in done.stderr and "Nightly" in done.stderr
    done = run_cli("new", "bad", "--identifier", "not an id", cwd=tmp_path)
    assert done.returncode == 2 and "--identifier 'not an id' is not a valid identifier" in done.stderr
    done = run_cli("new", "bad", "--from", "no-such-preset", cwd=tmp_path)
    assert done.returncode == 3
    assert not list(tmp_path.iterdir())


def test_presets_show_prints_a_shipped_preset_as_written() -> None:
    shipped = (REPO / "presets" / "office-privacy-zero.toml").read_text()
    for args in (("presets", "show", "office-privacy-zero"), ("presets", "office-privacy-zero")):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
        assert done.stdout == shipped
    done = run_cli("presets", "show", "office-privacy-zer")
    assert done.returncode == 3 and "did you mean 'office-privacy-zero'?" in done.stderr
    listed = run_cli("presets")
    assert listed.returncode == 0 and "office-privacy-zero" in listed.stdout


def test_build_takes_the_identity_from_the_command_line(tmp_path: Path) -> None:
    done = run_cli("build", "office-telemetry-off", "--identifier", "com.contoso.telemetry", "--org", "Contoso",
                   "--display-name", "Contoso: telemetry off", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    profile = plistlib.loads((tmp_path / "office-telemetry-off.mobileconfig").read_bytes())
    assert profile["PayloadIdentifier"] == "com.contoso.telemetry"
    assert profile["PayloadOrganization"] == "Contoso"
    assert profile["PayloadDisplayName"] == "Contoso: telemetry off"
    assert {p["PayloadIdentifier"] for p in profile["PayloadContent"]} >= {"com.contoso.telemetry.com.microsoft.Word"}
    done = run_cli("build", "office-telemetry-off", "office-manual-updates", "--identifier", "com.contoso.x",
                   "--out", str(tmp_path / "two"))
    assert done.returncode == 2 and "one identifier" in done.stderr and not (tmp_path / "two").exists()
    done = run_cli("build", "office-telemetry-off", "--identifier", "a b", "--out", str(tmp_path / "bad"))
    assert done.returncode == 2 and "is not a valid identifier" in done.stderr


def test_build_checks_a_shipped_preset_against_the_fleet_given(tmp_path: Path) -> None:
    done = run_cli("build", "office-volume-license-lockdown", "--license", "subscription",
                   "--out", str(tmp_path))
    assert done.returncode == 4 and "needs a volume license" in done.stderr
    assert "fleet.license = 'subscription'" in done.stderr and not list(tmp_path.iterdir())
    done = run_cli("build", "office-telemetry-off", "--office-version", "16.30", "--strict", "--out", str(tmp_path))
    assert done.returncode == 4 and "16.27" in done.stderr  # per-app telemetry keys stop working after 16.27
    done = run_cli("build", "office-telemetry-off", "--office-version", "sixteen", "--out", str(tmp_path))
    assert done.returncode == 2 and "--office-version 'sixteen' is not a version" in done.stderr
    done = run_cli("build", "office-telemetry-off", "--license", "perpetual", "--out", str(tmp_path))
    assert done.returncode == 2 and "use volume or subscription" in done.stderr


def test_build_with_set_alone_starts_from_an_empty_preset(tmp_path: Path) -> None:
    done = run_cli("build", "--set", "com.microsoft.autoupdate2:ChannelName=Beta", "--out", str(tmp_path))
    assert done.returncode == 2 and "needs --identifier" in done.stderr and not list(tmp_path.iterdir())
    done = run_cli("build", "--out", str(tmp_path))
    assert done.returncode == 2 and "nothing to build" in done.stderr
    done = run_cli("build", "--identifier", "com.contoso.mau-beta", "--set",
                   "com.microsoft.autoupdate2:ChannelName=Beta", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mau-beta.mobileconfig", "mau-beta.sh", "mau-beta.undo.sh"]
    profile = plistlib.loads((tmp_path / "mau-beta.mobileconfig").read_bytes())
    assert profile["PayloadIdentifier"] == "com.contoso.mau-beta" and profile["PayloadDisplayName"] == "mau-beta"
    assert profile_settings(profile) == {"com.microsoft.autoupdate2": {"ChannelName": "Beta"}}
