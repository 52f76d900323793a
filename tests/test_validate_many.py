"""`validate` of many files in one call: what is decoded or looked up once per call (a signed profile's CMS
structure, its certificates, Apple payload keys) gives every file the findings it gets alone (issue 18)."""

from __future__ import annotations

import json
import plistlib
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.samples import BASIC, sign_with_openssl
from tests.signing_pki import Pki, run_profilegen, shared_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return shared_pki(tmp_path_factory)


def _findings(*files: Path) -> dict[str, list[dict[str, Any]]]:
    """`validate --format json` of ``files`` in one call, the findings by file (rule, severity, line, message)."""
    result = run_profilegen("validate", "--format", "json", *files)
    assert result.returncode in (0, 1), result.stderr
    found: dict[str, list[dict[str, Any]]] = {str(f): [] for f in files}
    for item in json.loads(result.stdout)["findings"]:
        found[item["file"]].append(item)
    return found


def _rules(findings: list[dict[str, Any]]) -> set[str]:
    return {item["rule"] for item in findings}


def _openssl_verifies(signed: Path, ca: Path, tmp_path: Path) -> bool:
    run = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", str(signed), "-CAfile", str(ca),
                          "-out", str(tmp_path / "content.out")], capture_output=True, check=False)
    return run.returncode == 0


def _tamper_content(data: bytes) -> bytes:
    """The plist inside changed by one byte (a letter of the display name), the signature left as it was."""
    at = data.index(b"<string>") + len(b"<string>")
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


@pytest.fixture(scope="module")
def signed_set(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Profiles signed by openssl with one identity (so their certificates are the same bytes), tampered
    copies, one signed by another leaf, one whose certificate is damaged."""
    folder = tmp_path_factory.mktemp("many")
    good = sign_with_openssl(BASIC, folder / "good.mobileconfig", pki.leaf, pki.leaf_key, pki.inter)
    second = folder / "second-source.mobileconfig"
    value = plistlib.loads(BASIC.read_bytes())
    value["PayloadDisplayName"] = "A second profile"
    second.write_bytes(plistlib.dumps(value))
    good2 = sign_with_openssl(second, folder / "good2.mobileconfig", pki.leaf, pki.leaf_key, pki.inter)
    other = sign_with_openssl(BASIC, folder / "other-signer.mobileconfig", pki.ec_leaf, pki.ec_leaf_key, pki.inter)
    tampered = folder / "tampered.mobileconfig"
    tampered.write_bytes(_tamper_content(good.read_bytes()))
    data = good.read_bytes()
    version = b"\xa0\x03\x02\x01\x02"  # a certificate's version (v3): made 8, which no parser takes
    assert version in data
    damaged = folder / "damaged-certificate.mobileconfig"
    damaged.write_bytes(data.replace(version, b"\xa0\x03\x02\x01\x07", 1))
    return {"good": good, "good2": good2, "other": other, "tampered": tampered, "damaged": damaged}


def test_signed_profiles_in_one_call_get_the_findings_each_gets_alone(signed_set: dict[str, Path]) -> None:
    files = list(signed_set.values())
    together = _findings(*files, *reversed(files))  # each file twice, in both orders
    for path in files:
        alone = _findings(path)[str(path)]
        assert together[str(path)] == alone + alone, path.name


def test_a_tampered_file_among_good_ones_fails_its_signature_check_as_openssl_does(
    signed_set: dict[str, Path], pki: Pki, tmp_path: Path
) -> None:
    found = _findings(signed_set["good"], signed_set["tampered"], signed_set["good2"])
    assert "signature-invalid" not in _rules(found[str(signed_set["good"])])
    assert "signature-invalid" not in _rules(found[str(signed_set["good2"])])
    invalid = [f for f in found[str(signed_set["tampered"])] if f["rule"] == "signature-invalid"]
    assert len(invalid) == 1 and invalid[0]["severity"] == "error"
    assert "altered after signing" in invalid[0]["message"] and "Profile Signer" in invalid[0]["message"]
    assert _openssl_verifies(signed_set["good"], pki.ca, tmp_path)
    assert not _openssl_verifies(signed_set["tampered"], pki.ca, tmp_path)
    result = run_profilegen("validate", signed_set["good"], signed_set["tampered"])
    assert result.returncode == 1
    assert run_profilegen("validate", signed_set["good"], signed_set["good2"]).returncode == 0


def test_a_damaged_certificate_is_reported_for_every_file_that_carries_it(signed_set: dict[str, Path]) -> None:
    damaged = signed_set["damaged"]
    found = _findings(damaged, signed_set["good"], damaged)[str(damaged)]
    assert len(found) == 2 * len(_findings(damaged)[str(damaged)])
    messages = [f["message"] for f in found if f["rule"] == "signature-invalid"]
    assert len(messages) == 2 and all("certificate in the signature cannot be parsed" in m for m in messages)


def test_show_names_each_signer_of_a_shared_certificate_run(signed_set: dict[str, Path]) -> None:
    result = run_profilegen("show", "--format", "json", signed_set["good"], signed_set["other"],
                            signed_set["tampered"])
    assert result.returncode == 0, result.stderr
    signers = [profile["signed"] for profile in json.loads(result.stdout)["profiles"]]
    assert [s["signature"] for s in signers][:2] == ["verified", "verified"]
    assert signers[2]["signature"].startswith("signature invalid: the content does not match")
    assert "Profile Signer" in signers[0]["subject"] and "EC Signer" in signers[1]["subject"]
    assert signers[0]["subject"] == signers[2]["subject"] and signers[0]["serial"] == signers[2]["serial"]


def _pppc(identifier: str, services: dict[str, Any]) -> dict[str, Any]:
    return {"PayloadType": "com.apple.TCC.configuration-profile-policy", "PayloadIdentifier": identifier,
            "PayloadUUID": "6B1E7B8A-3F0D-4C47-9A55-" + identifier[-12:].upper().rjust(12, "0"),
            "PayloadVersion": 1, "Services": services}


def _profile(path: Path, payloads: list[dict[str, Any]]) -> Path:
    path.write_bytes(plistlib.dumps({
        "PayloadType": "Configuration", "PayloadIdentifier": f"org.example.{path.stem}", "PayloadVersion": 1,
        "PayloadUUID": "0E5E7B8A-3F0D-4C47-9A55-0D4B1E0C2A11", "PayloadDisplayName": path.stem,
        "PayloadContent": payloads}))
    return path


def test_apple_payload_keys_looked_up_once_still_name_each_files_own_key(tmp_path: Path) -> None:
    rule = {"Identifier": "com.example.agent", "IdentifierType": "bundleID", "CodeRequirement": "identifier x",
            "Authorization": "Allow"}
    first = _profile(tmp_path / "first.mobileconfig", [
        _pppc("org.example.a000000000001", {"SystemPolicyAllFiles": [dict(rule, Colour="blue")]})])
    second = _profile(tmp_path / "second.mobileconfig", [
        _pppc("org.example.b000000000002", {"Accessibility": [rule, dict(rule, Shade=3)]}),
        _pppc("org.example.c000000000003", {"SystemPolicyAllFiles": [dict(rule, IdentifierType=7)]})])
    together = _findings(first, second, first)
    assert together[str(first)] == 2 * _findings(first)[str(first)]
    assert together[str(second)] == _findings(second)[str(second)]
    unknown = sorted(f["message"].split(" is not a key")[0].split(": ", 1)[1]
                     for f in together[str(first)] + together[str(second)] if f["rule"] == "payload-unknown-key")
    assert unknown == [
        "Services.Accessibility[1].Shade", "Services.SystemPolicyAllFiles[0].Colour",
        "Services.SystemPolicyAllFiles[0].Colour"]
    typed = [f for f in together[str(second)] if f["rule"] == "payload-value-type"]
    assert len(typed) == 1 and "payload 2 " in typed[0]["message"]
    assert "Services.SystemPolicyAllFiles[0].IdentifierType is a <integer>" in typed[0]["message"]
