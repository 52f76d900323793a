"""A preset with Apple payloads goes to Jamf Pro and Intune whole (loopback servers), and a preset without
any loads none of the payload machinery."""

from __future__ import annotations

import base64
import json
import os
import plistlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import REPO, run_cli
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
from tests.test_preset_payloads import AGENT, PPPC, SYSEXT
from tests.test_startup import PROBE
from tests.upload_helpers import assert_no_secret

CREDENTIALS = {"PROFILEGEN_JAMF_CLIENT_ID": JAMF_CLIENT_ID, "PROFILEGEN_JAMF_CLIENT_SECRET": JAMF_CLIENT_SECRET,
               "PROFILEGEN_INTUNE_CLIENT_ID": INTUNE_CLIENT_ID,
               "PROFILEGEN_INTUNE_CLIENT_SECRET": INTUNE_CLIENT_SECRET}


@pytest.fixture
def jamf() -> Iterator[FakeJamf]:
    with running(FakeJamf) as server:
        yield server


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with running(FakeGraph) as server:
        yield server


@pytest.fixture
def preset(tmp_path: Path) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text(AGENT, encoding="utf-8")
    return path


def types_of(data: bytes) -> list[str]:
    return [p["PayloadType"] for p in plistlib.loads(data)["PayloadContent"]]


def test_upload_jamf_sends_every_payload(jamf: FakeJamf, preset: Path) -> None:
    done = run_cli("upload", "jamf", str(preset), "--url", jamf.url, env=CREDENTIALS)
    assert done.returncode == 0, done.stderr
    assert_no_secret(done.stdout, done.stderr)
    (create,) = jamf.requests("POST", "/JSSResource/osxconfigurationprofiles/id/0")
    general = ET.fromstring(create.body).find("general")
    assert general is not None
    sent = (general.findtext("payloads") or "").encode()
    assert types_of(sent)[1:3] == [PPPC, SYSEXT] and len(types_of(sent)) == 5


def test_upload_intune_custom_profile_carries_every_payload(graph: FakeGraph, preset: Path) -> None:
    base = ("--tenant", TENANT, "--authority-url", graph.url, "--graph-url", graph.url)
    done = run_cli("upload", "intune", str(preset), *base, env=CREDENTIALS)
    assert done.returncode == 0, done.stderr
    (custom,) = graph.configurations.values()
    assert types_of(base64.b64decode(custom["payload"]))[1:3] == [PPPC, SYSEXT]
    prefs = run_cli("upload", "intune", str(preset), "--preference-file", *base, env=CREDENTIALS)
    assert prefs.returncode == 4 and "an Intune preference file cannot carry" in prefs.stderr
    assert len(graph.configurations) == 1


def test_a_preset_without_payloads_loads_no_payload_machinery(tmp_path: Path) -> None:
    args = ["build", "office-telemetry-off", "--out", str(tmp_path / "dist")]
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          cwd=REPO, check=False, env={**os.environ, "PYTHONPATH": str(REPO)})
    report = json.loads(done.stderr.strip().splitlines()[-1])
    modules = set(report["modules"])
    assert done.returncode == 0 and (tmp_path / "dist" / "office-telemetry-off.mobileconfig").is_file()
    for heavy in ("yaml", "jsonschema_rs", "profilegen.catalog.payloads", "profilegen.preset_payloads",
                  "profilegen.payload_resolve", "profilegen.secrets"):
        assert heavy not in modules


def test_a_dry_run_never_reads_or_shows_a_preset_secret(tmp_path: Path) -> None:
    preset = tmp_path / "wifi.toml"
    preset.write_text('[profile]\nidentifier = "org.example.wifi"\n[[payloads]]\ntype = "com.apple.wifi.managed"\n'
                      'SSID_STR = "Office"\nEncryptionType = "WPA2"\nPassword = { env = "WIFI_SECRET" }\n',
                      encoding="utf-8")
    secret = "the office wifi secret"
    for command in (("upload", "jamf", str(preset), "--url", "https://jamf.example.com", "--dry-run"),
                    ("upload", "intune", str(preset), "--tenant", TENANT, "--dry-run")):
        unset = run_cli(*command, env=CREDENTIALS)  # not needed for a dry run: nothing is read
        assert unset.returncode == 0, unset.stderr
        done = run_cli(*command, env={**CREDENTIALS, "WIFI_SECRET": secret})
        assert done.returncode == 0 and secret not in done.stdout + done.stderr
        shown = done.stdout + done.stderr
        if "intune" in command:  # the profile travels as base64: look inside
            encoded = re.search(r'"payload": "([A-Za-z0-9+/=]+)"', shown)
            assert encoded is not None
            shown = base64.b64decode(encoded.group(1)).decode()
        assert "<key>Password</key>" in shown.replace("&lt;", "<").replace("&gt;", ">")
        assert secret not in shown and "***" in shown
