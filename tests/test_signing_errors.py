"""Every refusal of sign / verify / unsign: exit code, one clear message, nothing written, no secret shown."""

from __future__ import annotations

import contextlib
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.errors import ExitCode, InputError
from profilegen.signing import is_signed
from profilegen.signing.sign import require_profile
from tests.conftest import REPO
from tests.signing_pki import KEY_PASSPHRASE, P12_PASSWORD, SAMPLE_PROFILE, Pki, run_profilegen, shared_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return shared_pki(tmp_path_factory)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "in.mobileconfig"
    path.write_bytes(SAMPLE_PROFILE)
    return path


@pytest.fixture
def signed(pki: Pki, profile: Path, tmp_path: Path) -> Path:
    out = tmp_path / "signed.mobileconfig"
    result = run_profilegen("sign", profile, "-o", out, *pki.pem_args())
    assert result.returncode == 0, result.stderr
    return out


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    assert lines[0].startswith("profilegen: error: ")
    return lines[0]


def test_key_that_does_not_match_the_certificate(pki: Pki, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_profilegen("sign", profile, "-o", out, "--cert", pki.leaf, "--key", pki.other_key)
    assert result.returncode == ExitCode.SIGNING
    line = error_line(result)
    assert f"the private key in {pki.other_key} does not match the certificate in {pki.leaf}" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("which", "words"), [("expired", "expired on"), ("future", "is not valid until")]
)
def test_expired_or_not_yet_valid_certificate(
    pki: Pki, profile: Path, tmp_path: Path, which: str, words: str
) -> None:
    cert, key = (pki.expired, pki.expired_key) if which == "expired" else (pki.future, pki.future_key)
    out = tmp_path / "out"
    refused = run_profilegen("sign", profile, "-o", out, "--cert", cert, "--key", key, "--chain", pki.inter)
    assert refused.returncode == ExitCode.SIGNING
    line = error_line(refused)
    assert words in line and "--allow-expired" in line
    assert not out.exists()

    allowed = run_profilegen(
        "sign", profile, "-o", out, "--cert", cert, "--key", key, "--chain", pki.inter, "--allow-expired"
    )
    assert allowed.returncode == 0, allowed.stderr
    checked = run_profilegen("verify", out, "--ca", pki.ca)
    assert checked.returncode == ExitCode.SIGNING
    assert "Signature:  valid" in checked.stdout
    name = cert.stem.replace("-", " ").title()
    assert f"the signer's certificate (C=US, O=Profilegen Test, CN={name})" in error_line(checked)
    assert words in error_line(checked)
    assert words not in checked.stdout and "Result:" not in checked.stdout  # the failure is said once


def test_certificate_without_digital_signature_usage(pki: Pki, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_profilegen("sign", profile, "-o", out, "--cert", pki.no_sign, "--key", pki.no_sign_key)
    assert result.returncode == ExitCode.SIGNING
    assert "does not allow digital signatures" in error_line(result)
    assert "CN=Encryption Only" in result.stderr
    assert not out.exists()


def test_wrong_p12_password(pki: Pki, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_profilegen(
        "sign", profile, "-o", out, "--p12", pki.p12, "--password-env", "PG_PW", env={"PG_PW": "not-it"}
    )
    assert result.returncode == ExitCode.SIGNING
    line = error_line(result)
    assert f"{pki.p12}: wrong password for the PKCS#12 file" in line
    assert "not-it" not in result.stdout + result.stderr
    assert not out.exists()


def test_p12_password_variable_not_set_and_no_terminal(pki: Pki, profile: Path, tmp_path: Path) -> None:
    unset = run_profilegen(
        "sign", profile, "-o", tmp_path / "a", "--p12", pki.p12, "--password-env", "PG_NOPE"
    )
    assert unset.returncode == ExitCode.USAGE
    assert "the environment variable named by --password-env is not set" in error_line(unset)
    assert "PG_NOPE" not in unset.stdout + unset.stderr  # it could have been the password itself

    no_tty = run_profilegen("sign", profile, "-o", tmp_path / "b", "--p12", pki.p12)
    assert no_tty.returncode == ExitCode.SIGNING
    assert "needs a password and there is no terminal to ask on" in error_line(no_tty)
    assert "--password-env" in no_tty.stderr


@pytest.mark.parametrize("given", [P12_PASSWORD, "hunter2", "pass word", "Pässwort", "9lives", ""])
def test_the_password_itself_given_to_password_env_is_never_echoed(
        pki: Pki, profile: Path, tmp_path: Path, given: str) -> None:
    result = run_profilegen("sign", profile, "-o", tmp_path / "a", "--p12", pki.p12, "--password-env", given)
    assert result.returncode == ExitCode.USAGE, result.stderr
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown
    if given:
        assert given not in shown
    valid_name = given.isascii() and given.replace("_", "a").isalnum() and not given[:1].isdigit()
    expected = ("is not set" if valid_name else "takes the name of an environment variable")
    assert expected in error_line(result)
    assert not (tmp_path / "a").exists()


def test_not_a_pkcs12_file(pki: Pki, profile: Path, tmp_path: Path) -> None:
    result = run_profilegen("sign", profile, "-o", tmp_path / "a", "--p12", pki.leaf, "--password-env", "X",
                            env={"X": "x"})
    assert result.returncode == ExitCode.INPUT
    assert "not a PKCS#12 file" in error_line(result)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (plistlib.dumps({"AutoUpdate": True}), "top-level PayloadType is missing"),
        (plistlib.dumps({"PayloadType": "com.apple.ManagedClient.preferences"}), "PayloadType is "),
        (plistlib.dumps(["a", "list"]), "the top level is not a dictionary"),
        (b"#!/bin/sh\necho not a plist\n", "not a property list"),
        (b"", "not a property list"),
    ],
    ids=["preferences-plist", "a-payload", "array", "shell-script", "empty"],
)
def test_input_that_is_not_a_profile(
    pki: Pki, tmp_path: Path, content: bytes, words: str
) -> None:
    source, out = tmp_path / "in.plist", tmp_path / "out"
    source.write_bytes(content)
    result = run_profilegen("sign", source, "-o", out, *pki.pem_args())
    assert result.returncode == ExitCode.INPUT
    line = error_line(result)
    assert f"{source}: not a configuration profile" in line and words in line
    assert not out.exists()


@pytest.mark.parametrize(("content", "hint"), [
    (plistlib.dumps({"AutoUpdate": True}), "not a bare preferences plist"),
    (plistlib.dumps({"PayloadType": "com.apple.TCC.configuration-profile-policy", "PayloadContent": []}),
     "[profile.keys] PayloadType: remove that key"),
], ids=["preferences-plist", "profile-with-another-top-level-type"])
def test_the_hint_fits_what_was_given(pki: Pki, tmp_path: Path, content: bytes, hint: str) -> None:
    """A profile whose top-level type is wrong (as import keeps one) is not told it is a preferences plist."""
    source = tmp_path / "in.mobileconfig"
    source.write_bytes(content)
    result = run_profilegen("sign", source, "-o", tmp_path / "out", *pki.pem_args())
    assert result.returncode == ExitCode.INPUT
    assert hint in result.stderr and not (tmp_path / "out").exists()


def test_missing_input_file(pki: Pki, tmp_path: Path) -> None:
    result = run_profilegen("sign", tmp_path / "nope.mobileconfig", "-o", tmp_path / "out", *pki.pem_args())
    assert result.returncode == ExitCode.INPUT
    assert "nope.mobileconfig: no such file" in error_line(result)


def test_already_signed_is_refused_unless_resign(pki: Pki, signed: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    refused = run_profilegen("sign", signed, "-o", out, *pki.pem_args())
    assert refused.returncode == ExitCode.SIGNING
    assert "is signed already" in error_line(refused) and "--resign" in refused.stderr
    assert not out.exists()

    resigned = run_profilegen(
        "sign", signed, "-o", out, "--resign", "--cert", pki.ec_leaf, "--key", pki.ec_leaf_key,
        "--chain", pki.inter,
    )
    assert resigned.returncode == 0, resigned.stderr
    extracted = tmp_path / "extracted"
    check = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(out), "-CAfile", str(pki.ca),
         "-out", str(extracted)],
        capture_output=True, check=False,
    )
    assert check.returncode == 0
    assert extracted.read_bytes() == SAMPLE_PROFILE  # one signature, around the plain plist, not nested
    shown = run_profilegen("verify", out, "--ca", pki.ca)
    assert "CN=EC Signer" in shown.stdout and shown.returncode == 0


def test_tampered_content_fails_verification(pki: Pki, signed: Path, tmp_path: Path) -> None:
    data = bytearray(signed.read_bytes())
    at = data.find("Réglages".encode())
    data[at : at + 1] = b"r"  # same length: the structure stays valid, only the content changes
    tampered = tmp_path / "tampered.mobileconfig"
    tampered.write_bytes(bytes(data))
    extracted = tmp_path / "extracted"
    result = run_profilegen("verify", tampered, "--ca", pki.ca, "--extract", extracted)
    assert result.returncode == ExitCode.SIGNING
    assert f"Content:    {len(SAMPLE_PROFILE)} bytes, DOES NOT match the signed digest" in result.stdout
    assert "Signature:  INVALID" in result.stdout
    line = error_line(result)
    assert "signature invalid: the content does not match the signed digest" in line
    assert "it was altered after signing" in line
    assert (result.stdout + result.stderr).count("altered after signing") == 1  # said once, not three times
    assert "nothing extracted" in line
    assert not extracted.exists()
    # openssl agrees
    check = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(tampered), "-CAfile", str(pki.ca),
         "-out", str(tmp_path / "o")],
        capture_output=True, text=True, check=False,
    )
    assert check.returncode != 0 and "CMS Verification failure" in check.stderr


def test_tampered_signature_fails_verification(pki: Pki, signed: Path, tmp_path: Path) -> None:
    data = bytearray(signed.read_bytes())
    data[-10] ^= 0x01  # the RSA signature is the last element of the file
    tampered = tmp_path / "tampered.mobileconfig"
    tampered.write_bytes(bytes(data))
    result = run_profilegen("verify", tampered)
    assert result.returncode == ExitCode.SIGNING
    assert f"Content:    {len(SAMPLE_PROFILE)} bytes, matches the signed digest" in result.stdout
    assert "the signature does not verify with the signer's certificate" in error_line(result)


def test_chain_that_does_not_reach_the_given_ca(pki: Pki, signed: Path) -> None:
    result = run_profilegen("verify", signed, "--ca", pki.other_ca)
    assert result.returncode == ExitCode.SIGNING
    assert "Chain:      does not reach CA" in result.stdout
    assert "stops at C=US, O=Profilegen Test, CN=Profilegen Test Intermediate" in error_line(result)
    assert "does not reach the CA given with --ca" in error_line(result)


def test_verify_without_ca_says_chain_not_checked(signed: Path) -> None:
    result = run_profilegen("verify", signed)
    assert result.returncode == 0
    assert "Chain:      not checked (no --ca given)" in result.stdout
    assert "Result:     signature intact; signer not trusted: without --ca the chain" in result.stdout
    assert "verified" not in result.stdout


@pytest.mark.parametrize("command", ["verify", "unsign"])
def test_verify_and_unsign_refuse_unsigned_or_garbage(profile: Path, tmp_path: Path, command: str) -> None:
    extra = ["-o", str(tmp_path / "out")] if command == "unsign" else []
    plain = run_profilegen(command, profile, *extra)
    assert plain.returncode == ExitCode.INPUT
    assert f"{profile}: is not signed: it is a plain property list" in error_line(plain)
    garbage = tmp_path / "garbage.mobileconfig"
    garbage.write_bytes(b"\x30\x82\x01\x00" + bytes(range(256)))
    result = run_profilegen(command, garbage, *extra)
    assert result.returncode == ExitCode.INPUT
    assert "not a signed profile" in error_line(result)


def test_damaged_signed_file(signed: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.mobileconfig"
    truncated.write_bytes(signed.read_bytes()[:300])
    result = run_profilegen("verify", truncated)
    assert result.returncode == ExitCode.INPUT
    assert "damaged signed profile" in error_line(result)


def test_outputs_are_not_overwritten_without_force(
    pki: Pki, profile: Path, signed: Path, tmp_path: Path
) -> None:
    existing = tmp_path / "existing"
    existing.write_bytes(b"keep me")
    runs: list[list[str | Path]] = [
        ["sign", profile, "-o", existing, *pki.pem_args()],
        ["unsign", signed, "-o", existing],
        ["verify", signed, "--extract", existing],
    ]
    for args in runs:
        result = run_profilegen(*args)
        assert result.returncode == ExitCode.OUTPUT, args
        assert "use --force" in error_line(result)
        assert existing.read_bytes() == b"keep me"
    forced = run_profilegen("unsign", signed, "-o", existing, "--force")
    assert forced.returncode == 0 and existing.read_bytes() == SAMPLE_PROFILE


def test_identity_options_must_be_complete(pki: Pki, profile: Path, tmp_path: Path) -> None:
    none = run_profilegen("sign", profile, "-o", tmp_path / "a")
    assert none.returncode == ExitCode.USAGE
    assert "no signing identity" in error_line(none)
    both = run_profilegen("sign", profile, "-o", tmp_path / "a", "--p12", pki.p12, *pki.pem_args())
    assert both.returncode == ExitCode.USAGE
    assert "either --p12 or --cert and --key" in error_line(both)


def test_encrypted_pem_key_with_passphrase_from_the_environment(
    pki: Pki, profile: Path, tmp_path: Path
) -> None:
    args: list[str | Path] = [
        "--cert", pki.leaf, "--key", pki.leaf_key_encrypted, "--chain", pki.inter, "--password-env", "PG_KP"
    ]
    wrong = run_profilegen("sign", profile, "-o", tmp_path / "a", *args, env={"PG_KP": "wrong"})
    assert wrong.returncode == ExitCode.SIGNING
    assert "wrong passphrase for the private key" in error_line(wrong)
    right = run_profilegen("sign", profile, "-o", tmp_path / "b", *args, env={"PG_KP": KEY_PASSPHRASE})
    assert right.returncode == 0, right.stderr


def _key_body_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]


def test_no_password_passphrase_or_key_material_is_ever_printed(
    pki: Pki, profile: Path, signed: Path, tmp_path: Path
) -> None:
    env = {"PG_PW": P12_PASSWORD, "PG_KP": KEY_PASSPHRASE, "PG_BAD": P12_PASSWORD + "x"}
    runs: list[list[str | Path]] = [
        ["sign", profile, "-o", tmp_path / "1", "--p12", pki.p12, "--password-env", "PG_PW"],
        ["sign", profile, "-o", tmp_path / "2", "--p12", pki.p12_legacy, "--password-env", "PG_PW"],
        ["sign", profile, "-o", tmp_path / "3", "--p12", pki.p12, "--password-env", "PG_BAD"],
        ["sign", profile, "-o", tmp_path / "4", "--cert", pki.leaf, "--key", pki.leaf_key_encrypted,
         "--password-env", "PG_KP"],
        ["sign", profile, "-o", tmp_path / "5", "--cert", pki.leaf, "--key", pki.leaf_key_encrypted,
         "--password-env", "PG_PW"],
        ["sign", profile, "-o", tmp_path / "6", "--cert", pki.leaf, "--key", pki.other_key],
        ["sign", profile, "-o", tmp_path / "7", "--cert", pki.leaf_key, "--key", pki.leaf_key],
        ["sign", signed, "-o", tmp_path / "8", "--p12", pki.p12, "--password-env", "PG_PW"],
        ["verify", tmp_path / "1"],
        ["unsign", tmp_path / "1", "-o", tmp_path / "9"],
    ]
    secrets = [P12_PASSWORD, KEY_PASSPHRASE, *_key_body_lines(pki.leaf_key), *_key_body_lines(pki.other_key)]
    codes = []
    for args in runs:
        result = run_profilegen(*args, env=env)
        codes.append(result.returncode)
        shown = result.stdout + result.stderr
        for secret in secrets:
            assert secret not in shown, (args, "a secret was printed")
        assert "PRIVATE KEY" not in shown and "Traceback" not in shown
    assert codes == [0, 0, 6, 0, 6, 6, 3, 6, 0, 0]


def test_password_is_asked_without_echo_on_a_terminal(pki: Pki, profile: Path, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "tty.mobileconfig"
    child = pexpect.spawn(
        sys.executable, ["-m", "profilegen", "sign", str(profile), "-o", str(out), "--p12", str(pki.p12)],
        cwd=str(REPO), encoding="utf-8", timeout=20,
    )
    child.expect("Password for identity.p12: ")
    child.sendline(P12_PASSWORD)
    child.expect(pexpect.EOF)
    transcript = (child.before or "")
    child.close()
    assert child.exitstatus == 0, transcript
    assert P12_PASSWORD not in transcript  # not echoed
    assert "Signed" in transcript and is_signed(out.read_bytes())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | st.binary(max_size=80).map(lambda b: b"<?xml version='1.0'?><plist>" + b))
def test_require_profile_raises_only_input_error(data: bytes) -> None:
    with contextlib.suppress(InputError):  # any other exception fails the test
        require_profile(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_is_signed_never_raises(data: bytes) -> None:
    assert is_signed(data) in (True, False)
    assert is_signed(SAMPLE_PROFILE) is False


def test_importing_the_cli_and_is_signed_loads_no_crypto() -> None:
    code = (
        "import sys, profilegen.cli; from profilegen.signing import is_signed; "
        "heavy = [m for m in ('cryptography', 'asn1crypto') if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"


def test_certificate_dates_keep_four_digit_years() -> None:
    """strftime writes the year 999 as "999" (glibc); sign's and verify's dates always have four digits.
    (cryptography builds no certificate dated before 1950, so the year is checked on the formatter.)"""
    import datetime

    from profilegen.plisttypes import utc_text

    assert utc_text(datetime.datetime(999, 12, 31, 23, 59, 58)) == "0999-12-31 23:59:58 UTC"
    aware = datetime.datetime(2026, 12, 2, 7, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert utc_text(aware) == "2026-12-02 05:00:00 UTC"
