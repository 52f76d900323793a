"""The shipped presets with Apple payloads: Defender for Endpoint and the PPPC template. Golden bytes, and
every payload valid against Apple's schema (schemas/payloads/) as validate reads it."""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

import pytest

from profilegen.catalog import load_catalog
from profilegen.plisttypes import to_json
from tests.cli import run_cli
from tests.conftest import MICROSOFT_PROFILES
from tests.test_golden import GOLDEN

PRESETS = {"defender-endpoint-macos": 8, "pppc-own-app": 1}
DEFENDER_TEAM = "UBF8T346G9"


def build(preset: str, out: Path) -> dict[str, bytes]:
    done = run_cli("build", preset, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("preset", list(PRESETS))
def test_builds_to_its_golden_files(preset: str, tmp_path: Path) -> None:
    built = build(preset, tmp_path)
    assert sorted(built) == [f"{preset}.mobileconfig", f"{preset}.sh", f"{preset}.undo.sh"]
    if os.environ.get("PROFILEGEN_UPDATE_GOLDEN"):
        for name, data in built.items():
            (GOLDEN / name).write_bytes(data)
    for name, data in built.items():
        assert data == (GOLDEN / name).read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_payload_is_valid_against_apples_schema(preset: str, tmp_path: Path) -> None:
    profile = tmp_path / f"{preset}.mobileconfig"
    profile.write_bytes(build(preset, tmp_path / "dist")[profile.name])
    payloads = plistlib.loads(profile.read_bytes())["PayloadContent"]
    assert len(payloads) == PRESETS[preset]
    catalog = load_catalog().payloads
    for payload in payloads:
        if payload["PayloadType"] == "com.apple.ManagedClient.preferences":
            continue
        schema = catalog.schema(payload["PayloadType"])
        assert schema is not None, payload["PayloadType"]
        errors = [e.message for e in schema.validator().iter_errors(to_json(payload))]
        assert errors == [], (payload["PayloadIdentifier"], errors)
    checked = run_cli("validate", str(profile), "--macos-version", "13.0")
    assert checked.returncode == 0 and checked.stdout.strip() == "", checked.stdout
    assert "0 error(s), 0 warning(s), 0 note(s)" in checked.stderr


def test_defender_carries_what_microsofts_guide_lists(tmp_path: Path) -> None:
    payloads = plistlib.loads(build("defender-endpoint-macos", tmp_path)["defender-endpoint-macos.mobileconfig"])[
        "PayloadContent"]
    by_name = {p["PayloadIdentifier"].rsplit(".", 1)[-1]: p for p in payloads}
    assert by_name["system-extensions"]["AllowedSystemExtensions"] == {
        DEFENDER_TEAM: ["com.microsoft.wdav.epsext", "com.microsoft.wdav.netext"]}
    assert by_name["network-filter"]["FilterDataProviderBundleIdentifier"] == "com.microsoft.wdav.netext"
    fda = [e["Identifier"] for e in by_name["full-disk-access"]["Services"]["SystemPolicyAllFiles"]]
    assert fda == ["com.microsoft.wdav", "com.microsoft.wdav.epsext"]
    assert [r["RuleValue"] for r in by_name["background-services"]["Rules"]] == [
        "com.microsoft.fresno", "com.microsoft.dlp"]
    assert [n["BundleIdentifier"] for n in by_name["notifications"]["NotificationSettings"]] == [
        "com.microsoft.autoupdate2", "com.microsoft.wdav.tray"]
    assert by_name["accessibility"]["Services"]["Accessibility"][0]["Identifier"] == "com.microsoft.dlp.daemon"
    assert by_name["bluetooth"]["Services"]["BluetoothAlways"][0]["Identifier"] == "com.microsoft.dlp.agent"
    for payload in payloads:  # every code requirement names Microsoft's team
        for entries in payload.get("Services", {}).values():
            assert all(e["CodeRequirement"].endswith(f"certificate leaf[subject.OU] = {DEFENDER_TEAM}")
                       for e in entries)
    script = (tmp_path / "defender-endpoint-macos.sh").read_text()
    assert script.count("#   com.apple.") == 7 and "HowToCheck -string AutomaticDownload" in script


@pytest.mark.corpus
def test_defender_agrees_with_microsofts_own_profiles(tmp_path: Path) -> None:
    """Where Microsoft's Defender .mobileconfig files are among the fixtures, ours grants the same."""
    theirs = []
    for path in sorted(MICROSOFT_PROFILES.rglob("*.mobileconfig")):
        data = path.read_bytes()
        if b"com.microsoft.wdav" in data and not data.startswith(b"0"):
            theirs += [p for p in plistlib.loads(data)["PayloadContent"] if p["PayloadType"].startswith("com.apple.")]
    if not theirs:
        pytest.skip(f"no Defender profile of Microsoft's among {MICROSOFT_PROFILES}")
    ours = plistlib.loads(build("defender-endpoint-macos", tmp_path)["defender-endpoint-macos.mobileconfig"])
    granted = {(p["PayloadType"], e.get("Identifier")) for p in ours["PayloadContent"]
               for entries in p.get("Services", {}).values() for e in entries}
    for payload in theirs:
        for entries in payload.get("Services", {}).values():
            for entry in entries:
                assert (payload["PayloadType"], entry["Identifier"]) in granted
