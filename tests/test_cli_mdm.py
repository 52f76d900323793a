"""The export and upload commands, run as the user runs them: `python -m profilegen ...` in a subprocess."""

from __future__ import annotations

import base64
import json
import os
import plistlib
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from profilegen.errors import ExitCode
from tests.conftest import REPO
from tests.mdm_servers import (
    INTUNE_CLIENT_ID,
    INTUNE_CLIENT_SECRET,
    JAMF_CLIENT_ID,
    JAMF_CLIENT_SECRET,
    TENANT,
    FakeGraph,
    FakeJamf,
    running,
)
from tests.samples import BASIC
from tests.test_intune_plist import parse as parse_preference_file
from tests.test_jamf_schema import WORD, check_manifest
from tests.upload_helpers import assert_no_secret, mcx_profile

CREDENTIALS = {
    "PROFILEGEN_JAMF_CLIENT_ID": JAMF_CLIENT_ID,
    "PROFILEGEN_JAMF_CLIENT_SECRET": JAMF_CLIENT_SECRET,
    "PROFILEGEN_INTUNE_CLIENT_ID": INTUNE_CLIENT_ID,
    "PROFILEGEN_INTUNE_CLIENT_SECRET": INTUNE_CLIENT_SECRET,
}


def profilegen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEGEN_") or k == "PROFILEGEN_CORPUS"}
    result = subprocess.run(
        [sys.executable, "-m", "profilegen", *args], capture_output=True, text=True, cwd=REPO, check=False,
        env={**clean, **(env if env is not None else CREDENTIALS)}, timeout=60,
    )
    assert_no_secret(result.stdout, result.stderr)  # every upload test's whole output
    return result


@pytest.fixture
def jamf() -> Iterator[FakeJamf]:
    with running(FakeJamf) as server:
        yield server


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with running(FakeGraph) as server:
        yield server


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "office-telemetry-off.mobileconfig"
    path.write_bytes(mcx_profile())
    return path


def test_upload_jamf_twice_creates_then_updates(jamf: FakeJamf, profile_file: Path) -> None:
    args = ("upload", "jamf", str(profile_file), "--url", jamf.url, "--name", "Office", "--category", "MS")
    first = profilegen(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "created Jamf Pro configuration profile 'Office' (id 1)"
    second = profilegen(*args)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "updated Jamf Pro configuration profile 'Office' (id 1)"
    assert list(jamf.profiles) == [1]


def test_upload_jamf_dry_run_sends_nothing(jamf: FakeJamf, profile_file: Path) -> None:
    result = profilegen("upload", "jamf", str(profile_file), "--url", jamf.url, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert jamf.seen == []
    assert f"POST {jamf.url}/JSSResource/osxconfigurationprofiles/id/0" in result.stdout
    assert "client_secret=***" in result.stdout
    assert "dry run:" in result.stderr


def test_upload_jamf_needs_https(profile_file: Path) -> None:
    result = profilegen("upload", "jamf", str(profile_file), "--url", "http://jamf.example.com")
    assert result.returncode == ExitCode.USAGE
    assert "profilegen: error: --url 'http://jamf.example.com' must use https" in result.stderr


def test_upload_jamf_refuses_a_signed_profile_and_the_suggested_unsign_works(
        jamf: FakeJamf, signed_sample: Path, tmp_path: Path) -> None:
    signed = tmp_path / "my profile.signed.mobileconfig"  # a space: the suggestion must be quoted
    signed.write_bytes(signed_sample.read_bytes())
    result = profilegen("upload", "jamf", str(signed), "--url", jamf.url)
    assert result.returncode == ExitCode.INPUT
    assert "signed" in result.stderr and "profilegen unsign" in result.stderr
    assert jamf.seen == []
    suggested = result.stderr.split("run `", 1)[1].split("`", 1)[0]
    assert suggested.startswith("profilegen unsign ")
    done = subprocess.run([sys.executable, "-m", *shlex.split(suggested)], capture_output=True, text=True,
                          cwd=REPO, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "my profile.unsigned.mobileconfig").read_bytes() == BASIC.read_bytes()
    again = profilegen("upload", "jamf", str(tmp_path / "my profile.unsigned.mobileconfig"), "--url", jamf.url)
    assert again.returncode == 0, again.stderr


def test_upload_without_credentials_names_the_variables(jamf: FakeJamf, profile_file: Path) -> None:
    result = profilegen("upload", "jamf", str(profile_file), "--url", jamf.url, env={})
    assert result.returncode == ExitCode.USAGE
    assert "PROFILEGEN_JAMF_CLIENT_ID" in result.stderr
    assert jamf.seen == []


def test_upload_jamf_server_refusal_exits_remote(jamf: FakeJamf, profile_file: Path) -> None:
    jamf.fail("GET", "/name/", status=403, body=b"<html><p>Forbidden</p></html>")
    result = profilegen("upload", "jamf", str(profile_file), "--url", jamf.url)
    assert result.returncode == ExitCode.REMOTE
    assert "HTTP 403" in result.stderr and "API role" in result.stderr
    assert "Traceback" not in result.stderr


def test_upload_intune_custom_and_preference_files(graph: FakeGraph, profile_file: Path) -> None:
    base = ("--tenant", TENANT, "--authority-url", graph.url, "--graph-url", graph.url)
    result = profilegen("upload", "intune", str(profile_file), "--name", "Office", *base)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("created Intune custom configuration 'Office'")
    (custom,) = graph.configurations.values()
    assert base64.b64decode(custom["payload"]) == profile_file.read_bytes()
    assert custom["payloadFileName"] == "office-telemetry-off.mobileconfig"

    prefs = profilegen("upload", "intune", str(profile_file), "--name", "Office", "--preference-file", *base)
    assert prefs.returncode == 0, prefs.stderr
    assert "created Intune preference file 'Office - com.microsoft.Word'" in prefs.stdout
    assert len(graph.configurations) == 3


def test_upload_intune_refuses_oversized(graph: FakeGraph, tmp_path: Path) -> None:
    big = tmp_path / "big.mobileconfig"
    big.write_bytes(mcx_profile({"com.example": {"Blob": "x" * 1_000_001}}))
    result = profilegen("upload", "intune", str(big), "--tenant", TENANT, "--authority-url", graph.url,
                        "--graph-url", graph.url)
    assert result.returncode == ExitCode.INPUT
    assert "at most 1,000,000" in result.stderr
    assert graph.seen == []


def test_export_intune_plist_from_a_profile(tmp_path: Path, profile_file: Path) -> None:
    out = tmp_path / "intune"
    result = profilegen("export", "intune-plist", str(profile_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["com.microsoft.Word.plist", "com.microsoft.errorreporting.plist"]
    settings = plistlib.loads(profile_file.read_bytes())["PayloadContent"][0]["PayloadContent"]
    word = settings["com.microsoft.Word"]["Forced"][0]["mcx_preference_settings"]
    assert parse_preference_file((out / "com.microsoft.Word.plist").read_bytes()) == word
    again = profilegen("export", "intune-plist", str(profile_file), "--out", str(out))
    assert again.returncode == 0 and f"unchanged {out / 'com.microsoft.Word.plist'}" in again.stdout  # same bytes
    (out / "com.microsoft.Word.plist").write_bytes(b"mine")
    again = profilegen("export", "intune-plist", str(profile_file), "--out", str(out))
    assert again.returncode == ExitCode.OUTPUT and "--force" in again.stderr
    assert (out / "com.microsoft.Word.plist").read_bytes() == b"mine"


def test_export_jamf_schema_from_a_catalogue(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalog" / "domains"
    catalogue.mkdir(parents=True)
    # A domain the shipped catalogue does not have (shipped domains win over user folders).
    document = {**WORD, "x-domain": "com.example.word", "$id": "urn:profilegen:domain:com.example.word"}
    (catalogue / "com.example.word.json").write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "word.json"
    result = profilegen("export", "jamf-schema", "com.example.word", "-o", str(out),
                        "--catalog", str(tmp_path / "catalog"))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    check_manifest(document)
    assert document["properties"]["UseOnlineContent"]["options"]["enum_titles"] == ["Off", "On"]
    assert document["title"] == "Microsoft Word (com.example.word)"
    assert "Token, Blobs" in result.stderr  # the data keys it left out


def test_export_jamf_schema_of_a_shipped_domain(tmp_path: Path) -> None:
    out = tmp_path / "autoupdate2.json"
    result = profilegen("export", "jamf-schema", "com.microsoft.autoupdate2", "-o", str(out))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    check_manifest(document)
    how = document["properties"]["HowToCheck"]
    assert how["type"] == "string" and "Manual" in how["enum"]
    assert len(how["options"]["enum_titles"]) == len(how["enum"])


def test_export_jamf_schema_unknown_domain(tmp_path: Path) -> None:
    result = profilegen("export", "jamf-schema", "com.example.nothing", "-o", str(tmp_path / "x.json"),
                        "--catalog", str(tmp_path))
    assert result.returncode == ExitCode.INPUT
    assert "unknown domain 'com.example.nothing'" in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_upload_jamf_a_shipped_preset(jamf: FakeJamf) -> None:
    result = profilegen("upload", "jamf", "office-telemetry-off", "--url", jamf.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "created Jamf Pro configuration profile 'Office for Mac: usage telemetry off (up to 16.27)'")
    stored = jamf.stored_plist(1)
    assert {p["PayloadType"] for p in stored["PayloadContent"]} == {"com.apple.ManagedClient.preferences"}
    word = next(p for p in stored["PayloadContent"] if "com.microsoft.Word" in p["PayloadContent"])
    settings = word["PayloadContent"]["com.microsoft.Word"]["Forced"][0]["mcx_preference_settings"]
    assert settings["SendAllTelemetryEnabled"] is False


def test_preset_to_intune_preference_files_and_export_agree(graph: FakeGraph, tmp_path: Path) -> None:
    out = tmp_path / "prefs"
    exported = profilegen("export", "intune-plist", "office-telemetry-off", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    uploaded = profilegen("upload", "intune", "office-telemetry-off", "--preference-file", "--name", "Office",
                          "--tenant", TENANT, "--authority-url", graph.url, "--graph-url", graph.url)
    assert uploaded.returncode == 0, uploaded.stderr
    sent = {c["fileName"]: base64.b64decode(c["configurationXml"]) for c in graph.configurations.values()}
    assert sent == {p.name: p.read_bytes() for p in out.iterdir()}
    word = parse_preference_file(sent["com.microsoft.Word.plist"])
    assert word["SendAllTelemetryEnabled"] is False
