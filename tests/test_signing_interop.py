"""Signatures made by profilegen verify with openssl, and the other way round (the real openssl binary)."""

from __future__ import annotations

import plistlib
import subprocess
from pathlib import Path
from typing import Any

import pytest

from profilegen.signing import is_signed, signature_status
from profilegen.signing.identity import load_p12_identity
from profilegen.signing.sign import unsign
from profilegen.signing.verify import DOES_NOT_REACH_CA, NOT_CHECKED, REACHES_CA, load_ca, verify
from tests.conftest import MICROSOFT_PROFILES
from tests.signing_pki import P12_PASSWORD, SAMPLE_PROFILE, Pki, run_profilegen, shared_pki

MS_SIGNED = MICROSOFT_PROFILES / "Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate-signed.mobileconfig"
MS_UNSIGNED = MICROSOFT_PROFILES / "Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate.mobileconfig"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return shared_pki(tmp_path_factory)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "in.mobileconfig"
    path.write_bytes(SAMPLE_PROFILE)
    return path


def openssl_verify(signed: Path, ca: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(signed), "-CAfile", str(ca),
         "-out", str(out)],
        capture_output=True, text=True, check=False,
    )


def openssl_cms_print(signed: Path) -> str:
    return subprocess.run(
        ["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(signed)],
        capture_output=True, text=True, check=True,
    ).stdout


def openssl_extract_unverified(signed: Path, out: Path) -> bytes:
    """Content as openssl extracts it without checking the chain (for files signed by others)."""
    subprocess.run(
        ["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", str(signed), "-out", str(out)],
        check=True, capture_output=True,
    )
    return out.read_bytes()


@pytest.mark.parametrize("identity", ["rsa-pem", "ec-pem", "p12", "p12-legacy"])
def test_openssl_verifies_what_profilegen_signs(
    pki: Pki, profile: Path, tmp_path: Path, identity: str
) -> None:
    choices: dict[str, list[str | Path]] = {
        "rsa-pem": pki.pem_args(),
        "ec-pem": ["--cert", pki.ec_leaf, "--key", pki.ec_leaf_key, "--chain", pki.inter],
        "p12": ["--p12", pki.p12, "--password-env", "PG_PW"],
        "p12-legacy": ["--p12", pki.p12_legacy, "--password-env", "PG_PW"],
    }
    args = choices[identity]
    signed = tmp_path / "signed.mobileconfig"
    result = run_profilegen("sign", profile, "-o", signed, *args, env={"PG_PW": P12_PASSWORD})
    assert result.returncode == 0, result.stderr
    assert "Signed" in result.stdout and "CN=" in result.stdout

    extracted = tmp_path / "extracted.plist"
    check = openssl_verify(signed, pki.ca, extracted)
    assert check.returncode == 0, check.stderr
    assert "Verification successful" in check.stderr
    assert extracted.read_bytes() == SAMPLE_PROFILE  # CRLF, tab and UTF-8 untouched

    printed = openssl_cms_print(signed)
    assert "sha256" in printed and "sha1 " not in printed
    assert "CN=Profilegen Test Intermediate" in printed.split("signerInfos:")[0]  # chain included
    assert signed.read_bytes()[:1] == b"\x30" and is_signed(signed.read_bytes())


def test_binary_plist_profile_signs_and_round_trips(pki: Pki, tmp_path: Path) -> None:
    binary = plistlib.dumps(plistlib.loads(SAMPLE_PROFILE), fmt=plistlib.FMT_BINARY)
    source, signed, extracted = tmp_path / "b.mobileconfig", tmp_path / "b.signed", tmp_path / "b.out"
    source.write_bytes(binary)
    assert run_profilegen("sign", source, "-o", signed, *pki.pem_args()).returncode == 0
    assert openssl_verify(signed, pki.ca, extracted).returncode == 0
    assert extracted.read_bytes() == binary


def test_profile_built_from_a_shipped_preset_signs_and_verifies(pki: Pki, tmp_path: Path) -> None:
    from profilegen.pipeline import profile_bytes

    _name, built = profile_bytes("office-telemetry-off")
    source, signed, extracted = tmp_path / "p.mobileconfig", tmp_path / "p.signed", tmp_path / "p.out"
    source.write_bytes(built)
    assert run_profilegen("sign", source, "-o", signed, *pki.pem_args()).returncode == 0
    assert openssl_verify(signed, pki.ca, extracted).returncode == 0
    assert extracted.read_bytes() == built
    assert plistlib.loads(extracted.read_bytes())["PayloadContent"]  # a real profile, with payloads


@pytest.mark.parametrize(
    ("signer", "extra"),
    [("rsa", []), ("ec", []), ("rsa", ["-md", "sha384"]), ("rsa", ["-noattr"])],
    ids=["rsa", "ecdsa", "rsa-sha384", "rsa-no-signed-attributes"],
)
def test_profilegen_verifies_what_openssl_smime_signs(
    pki: Pki, profile: Path, tmp_path: Path, signer: str, extra: list[str]
) -> None:
    cert, key = (pki.leaf, pki.leaf_key) if signer == "rsa" else (pki.ec_leaf, pki.ec_leaf_key)
    signed = tmp_path / "openssl.mobileconfig"
    subprocess.run(
        ["openssl", "smime", "-sign", "-signer", str(cert), "-inkey", str(key), "-certfile", str(pki.inter),
         "-nodetach", "-binary", "-outform", "der", *extra, "-in", str(profile), "-out", str(signed)],
        check=True, capture_output=True,
    )
    extracted = tmp_path / "extracted.plist"
    result = run_profilegen("verify", signed, "--ca", pki.ca, "--extract", extracted)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature:  valid" in result.stdout
    assert "Chain:      reaches CA" in result.stdout
    assert "CN=Profile Signer" in result.stdout or "CN=EC Signer" in result.stdout
    assert "Result:     verified" in result.stdout
    assert extracted.read_bytes() == SAMPLE_PROFILE

    report = verify(signed.read_bytes(), load_ca(pki.ca))
    assert report.ok and report.chain == REACHES_CA
    assert report.chain_subjects[-1].endswith("CN=Profilegen Test Root CA")
    assert report.digest_algorithm == ("sha384" if "sha384" in extra else "sha256")


def test_profilegen_verifies_a_streamed_ber_signature(pki: Pki, profile: Path, tmp_path: Path) -> None:
    """`openssl cms -sign -stream` writes BER with indefinite lengths and a chunked content string."""
    signed = tmp_path / "streamed.mobileconfig"
    subprocess.run(
        ["openssl", "cms", "-sign", "-signer", str(pki.leaf), "-inkey", str(pki.leaf_key), "-certfile",
         str(pki.inter), "-nodetach", "-binary", "-stream", "-outform", "DER", "-in", str(profile),
         "-out", str(signed)],
        check=True, capture_output=True,
    )
    assert signed.read_bytes()[:2] == b"\x30\x80" and is_signed(signed.read_bytes())
    report = verify(signed.read_bytes(), load_ca(pki.ca))
    assert report.ok, report.problems
    assert report.content == SAMPLE_PROFILE


def test_unsign_gives_back_what_openssl_extracts(pki: Pki, profile: Path, tmp_path: Path) -> None:
    signed = tmp_path / "openssl.mobileconfig"
    subprocess.run(
        ["openssl", "smime", "-sign", "-signer", str(pki.leaf), "-inkey", str(pki.leaf_key), "-nodetach",
         "-binary", "-outform", "der", "-in", str(profile), "-out", str(signed)],
        check=True, capture_output=True,
    )
    plain = tmp_path / "plain.mobileconfig"
    result = run_profilegen("unsign", signed, "-o", plain)
    assert result.returncode == 0, result.stderr
    assert plain.read_bytes() == SAMPLE_PROFILE
    assert "not checked" in result.stdout


def test_p12_made_by_openssl_pkcs12_export_loads(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_PW_LOAD", P12_PASSWORD)
    for path in (pki.p12, pki.p12_legacy):  # OpenSSL 3 default (AES, PBKDF2) and -legacy (RC2/3DES)
        identity = load_p12_identity(path, password_env="PG_PW_LOAD")
        assert identity.certificate.subject.rfc4514_string().startswith("CN=Profile Signer")
        assert [c.subject.rfc4514_string() for c in identity.chain] == [
            "CN=Profilegen Test Intermediate,O=Profilegen Test,C=US"
        ]


# The signed Microsoft sample (pbowden-msft/MobileConfigs, 2018): what we find in it.

def _ms_settings(document: dict[str, Any]) -> list[dict[str, Any]]:
    payloads: list[dict[str, Any]] = document["PayloadContent"]
    return [{k: v for k, v in p.items() if not k.startswith("Payload")} for p in payloads]


@pytest.mark.corpus
def test_microsoft_signed_fixture_is_read_and_its_signature_checked(tmp_path: Path) -> None:
    data = MS_SIGNED.read_bytes()
    assert is_signed(data) and not is_signed(MS_UNSIGNED.read_bytes())
    report = verify(data)
    assert report.signer_subject == (
        "UID=7H74B88RKY, CN=Mac Developer: Paul Bowden (58ZPQ9VVEP), OU=S3QHE3AAM7, O=JetPaq LLC, C=US"
    )
    assert report.signer_issuer.endswith("CN=Apple Worldwide Developer Relations Certification Authority")
    assert report.not_after is not None and report.not_after.year == 2019
    assert report.digest_algorithm == "sha1" and report.signature_algorithm == "rsassa_pkcs1v15"
    assert report.content_intact and report.signature_valid  # the signature itself is good
    assert report.chain == NOT_CHECKED
    assert any("expired on 2019-11-15" in p for p in report.problems)  # but the certificate has expired
    assert any("SHA-1" in n for n in report.notes)
    assert signature_status(data).startswith("signature valid, but the signer's certificate")

    # The content is what openssl extracts (without checking the Apple chain, which we do not have).
    assert report.content == openssl_extract_unverified(MS_SIGNED, tmp_path / "o.plist") == unsign(data)


@pytest.mark.corpus
def test_microsoft_signed_fixture_content_against_its_unsigned_sibling() -> None:
    """The two files are not the same profile: the comparison records how they differ."""
    signed = plistlib.loads(unsign(MS_SIGNED.read_bytes()))
    unsigned = plistlib.loads(MS_UNSIGNED.read_bytes())
    # Both carry a TCC payload type at the top level instead of "Configuration" (a quirk of the sample).
    assert signed["PayloadType"] == unsigned["PayloadType"] == "com.apple.TCC.configuration-profile-policy"
    assert signed["PayloadIdentifier"] == unsigned["PayloadIdentifier"]
    inner_signed, inner_unsigned = signed["PayloadContent"][0], unsigned["PayloadContent"][0]
    assert inner_unsigned["PayloadDisplayName"] == "Unsigned " + inner_signed["PayloadDisplayName"]
    signed_events = _ms_settings(signed)[0]["Services"]["AppleEvents"]
    unsigned_events = _ms_settings(unsigned)[0]["Services"]["AppleEvents"]
    # The unsigned sibling grants the same two Apple-event rules plus two more (sshd-keygen-wrapper, Jamf).
    assert len(signed_events) == 2 and len(unsigned_events) == 4
    assert all(rule in unsigned_events for rule in signed_events)
    assert {r["Identifier"] for r in unsigned_events} - {r["Identifier"] for r in signed_events} == {
        "/usr/libexec/sshd-keygen-wrapper", "com.jamf.management.Jamf",
    }
    assert "payloadScope" in signed and "PayloadScope" in unsigned  # the signed copy has a mis-cased key


@pytest.mark.corpus
def test_microsoft_signed_fixture_through_the_cli(pki: Pki, tmp_path: Path) -> None:
    result = run_profilegen("verify", MS_SIGNED)
    assert result.returncode == 6
    assert "Signer:     UID=7H74B88RKY, CN=Mac Developer: Paul Bowden" in result.stdout
    assert "Signature:  valid" in result.stdout
    assert "Chain:      not checked" in result.stdout
    assert "expired on 2019-11-15" in result.stderr

    with_ca = run_profilegen("verify", MS_SIGNED, "--ca", pki.ca)
    assert with_ca.returncode == 6
    assert f"Chain:      {DOES_NOT_REACH_CA}" in with_ca.stdout
    assert "does not reach the CA given with --ca" in with_ca.stderr
    # The file carries the Apple WWDR intermediate; the walk stops there (Apple Root CA is not inside).
    apple_root = "C=US, O=Apple Inc., OU=Apple Certification Authority, CN=Apple Root CA"
    assert f"issued by {apple_root}" in with_ca.stderr

    plain = tmp_path / "ms.mobileconfig"
    assert run_profilegen("unsign", MS_SIGNED, "-o", plain).returncode == 0
    assert plain.read_bytes() == openssl_extract_unverified(MS_SIGNED, tmp_path / "o.plist")

    # Re-signing it is refused: its top-level PayloadType is not "Configuration".
    resigned = tmp_path / "ms.resigned"
    result = run_profilegen("sign", MS_SIGNED, "--resign", "-o", resigned, *pki.pem_args())
    assert result.returncode == 3
    assert "top-level PayloadType is 'com.apple.TCC.configuration-profile-policy'" in result.stderr
    assert not resigned.exists()


def test_damaged_signatures_give_a_report_or_one_clear_error(pki: Pki, profile: Path, tmp_path: Path) -> None:
    """Flip bytes all over a signed file: verify reports a failure or raises a ProfilegenError, never more."""
    from cryptography import x509
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from profilegen.errors import ProfilegenError
    from tests.test_hostile_read import flip_signer_version

    signed = tmp_path / "signed.mobileconfig"
    assert run_profilegen("sign", profile, "-o", signed, *pki.pem_args()).returncode == 0
    original = signed.read_bytes()
    anchors = load_ca(pki.ca)
    # Found about one run in four before certificates were parsed eagerly: the signer certificate's
    # version byte made 7 (x509.InvalidVersion, which is no ValueError, escaped as a traceback).
    leaf = x509.load_pem_x509_certificate(pki.leaf.read_bytes()).tbs_certificate_bytes
    version = next(i for i, (a, b) in enumerate(zip(original, flip_signer_version(original, leaf), strict=True))
                   if a != b)

    flip = st.tuples(st.integers(0, len(original) - 1), st.integers(1, 255))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(flip, min_size=1, max_size=3))
    @example([(version, 0x02 ^ 0x07)])
    def check(flips: list[tuple[int, int]]) -> None:
        data = bytearray(original)
        for index, mask in flips:
            data[index] ^= mask
        try:
            report = verify(bytes(data), anchors)
        except ProfilegenError:
            return
        assert not report.ok or report.content == SAMPLE_PROFILE

    check()


def test_a_certificate_with_a_damaged_version_is_one_clear_error(pki: Pki, profile: Path, tmp_path: Path) -> None:
    """Found by the byte-flipping test above: version 3 (an X.509 v4) made cryptography raise InvalidVersion."""
    signed = tmp_path / "signed.mobileconfig"
    assert run_profilegen("sign", profile, "-o", signed, *pki.pem_args()).returncode == 0
    data = signed.read_bytes()
    version = b"\xa0\x03\x02\x01\x02"  # [0] EXPLICIT INTEGER 2: X.509 v3, at the start of each certificate
    assert version in data
    damaged = tmp_path / "damaged.mobileconfig"
    damaged.write_bytes(data.replace(version, b"\xa0\x03\x02\x01\x03"))
    expected: list[tuple[str, int]] = [("verify", 3), ("show", 0), ("validate", 1)]
    for command, code in expected:
        done = run_profilegen(command, damaged)
        assert "Traceback" not in done.stderr and "InvalidVersion" not in done.stderr, done.stderr
        assert done.returncode == code, (command, done.returncode, done.stdout, done.stderr)
    refused = run_profilegen("verify", damaged)
    assert "damaged signed profile: a certificate in the signature cannot be parsed" in refused.stderr
