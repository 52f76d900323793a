"""The read side of hostile input (issue 13, defects 3, 4 and 12): every command reads through one bounded,
non-blocking reader and the parsers `show` uses; a damaged certificate and bytes after a signature are one
clear error; import says what becomes of a signature. Each input here broke a command before the fix."""

from __future__ import annotations

import contextlib
import os
import plistlib
import resource
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from profilegen.errors import ExitCode
from tests.cli import REPO
from tests.fuzz_readers import COMMANDS, Command, Harness, Outcome, identity_files, judge, sign
from tests.inspect_app import make_app as make_build_app

QUICK = 5  # seconds: a read that blocks (a FIFO without writer) is stopped here and fails the test


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(tmp_path_factory.mktemp("hostile"))


@contextlib.contextmanager
def deadline(seconds: int = QUICK) -> Iterator[None]:
    """Interrupt a blocked read: the code before the fix opened a FIFO and waited for a writer forever."""

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(harness: Harness, command: Command, target: Path) -> Outcome:
    harness.empty_out()
    with deadline():
        outcome = harness.invoke(command.argv(target, harness.out, harness.valid))
    assert not judge(command, outcome, b""), outcome
    return outcome


def only_error(outcome: Outcome) -> str:
    """The one line a refused run prints (validate reports the file as an `unreadable` finding instead)."""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("profilegen: error: "), outcome.stderr
    return lines[0]


def refusal(outcome: Outcome, command: Command) -> str:
    if command.name == "validate":
        assert outcome.code == 1
        return outcome.stdout
    if command.name == "diff":
        assert outcome.code == 2
    else:
        assert outcome.code == ExitCode.INPUT, outcome
    return only_error(outcome)


# -- defect 3: one reader, regular files only, bounded -------------------------------------------------


@pytest.fixture
def fifo(harness: Harness) -> Iterator[Path]:
    path = harness.root / "fifo" / "input.mobileconfig"
    path.parent.mkdir(exist_ok=True)
    os.mkfifo(path)
    yield path
    path.unlink()


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_a_fifo_is_refused_at_once_by_every_reading_command(harness: Harness, fifo: Path, command: Command) -> None:
    outcome = run(harness, command, fifo)
    said = refusal(outcome, command)
    assert f"{fifo}: " in said and "a named pipe (FIFO), not a regular file" in said


def test_a_fifo_as_any_signing_input_is_refused_at_once(harness: Harness, fifo: Path) -> None:
    cert, key = identity_files(harness.inputs)
    out = harness.out / "signed.mobileconfig"
    cases = {
        "profile": ["sign", str(fifo), "-o", str(out), "--cert", str(cert), "--key", str(key)],
        "--cert": ["sign", str(harness.valid), "-o", str(out), "--cert", str(fifo), "--key", str(key)],
        "--key": ["sign", str(harness.valid), "-o", str(out), "--cert", str(cert), "--key", str(fifo)],
        "--p12": ["sign", str(harness.valid), "-o", str(out), "--p12", str(fifo)],
        "--chain": ["sign", str(harness.valid), "-o", str(out), "--cert", str(cert), "--key", str(key),
                    "--chain", str(fifo)],
        "--ca": ["verify", str(harness.inputs / "signed.mobileconfig"), "--ca", str(fifo)],
    }
    (harness.inputs / "signed.mobileconfig").write_bytes(sign(harness.seeds["xml"]))
    for option, argv in cases.items():
        with deadline():
            outcome = harness.invoke(argv)
        assert outcome.code == ExitCode.INPUT, (option, outcome)
        assert f"{fifo}: a named pipe (FIFO), not a regular file" in only_error(outcome), option
        assert not out.exists()


def test_build_reads_its_signing_identity_through_the_same_reader(harness: Harness, fifo: Path) -> None:
    harness.app, app = make_build_app(), harness.app
    try:
        with deadline():
            outcome = harness.invoke(["build", "office-telemetry-off", "--out", str(harness.out), "--sign",
                                      "--p12", str(fifo)])
    finally:
        harness.app = app
    assert outcome.code == ExitCode.INPUT
    assert f"{fifo}: a named pipe (FIFO), not a regular file" in only_error(outcome)


def test_a_secret_file_that_is_a_fifo_is_refused_at_once(harness: Harness, fifo: Path) -> None:
    """A preset's `{ file = "PATH" }` secret goes through the same reader (it opened a FIFO and waited)."""
    preset = fifo.parent / "wifi.toml"
    preset.write_text('[profile]\nidentifier = "org.example.s"\n[[payloads]]\ntype = "com.apple.wifi.managed"\n'
                      f'SSID_STR = "Office"\nEncryptionType = "WPA2"\nPassword = {{ file = "{fifo.name}" }}\n',
                      encoding="utf-8")
    harness.empty_out()
    harness.app, app = make_build_app(), harness.app
    try:
        with deadline():
            outcome = harness.invoke(["build", str(preset), "--out", str(harness.out)])
    finally:
        harness.app = app
    assert outcome.code == ExitCode.INVALID
    assert f"cannot read the secret file {fifo.name}: a named pipe (FIFO), not a regular file" in only_error(outcome)
    assert not any(harness.out.iterdir())


def _limited(megabytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024 * 1024, megabytes * 1024 * 1024))


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "intune-plist", "/dev/zero.mobileconfig", "-o", "out"],
        ["upload", "jamf", "/dev/zero.mobileconfig", "--url", "https://127.0.0.1:9", "--dry-run"],
        ["verify", "/dev/zero"],
        ["sign", "profile.mobileconfig", "-o", "signed", "--p12", "/dev/zero"],
    ],
    ids=["export", "upload", "verify", "sign-p12"],
)
def test_an_endless_device_is_refused_unread(tmp_path: Path, argv: list[str]) -> None:
    """The real command line, memory-capped: reading /dev/zero to its end was a MemoryError traceback."""
    (tmp_path / "zero.mobileconfig").symlink_to("/dev/zero")
    argv = [word.replace("/dev/zero.mobileconfig", str(tmp_path / "zero.mobileconfig")) for word in argv]
    (tmp_path / "profile.mobileconfig").write_bytes(b"<plist/>")
    done = subprocess.run(
        [sys.executable, "-m", "profilegen", *argv], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)}, preexec_fn=lambda: _limited(1024), check=False,
    )
    assert done.returncode == ExitCode.INPUT, done.stderr
    assert done.stderr.count("\n") == 1 and "a device, not a regular file" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profile.mobileconfig", "zero.mobileconfig"]


def test_a_huge_profile_is_refused_before_it_is_read(harness: Harness) -> None:
    path = harness.root / "huge" / "input.mobileconfig"
    path.parent.mkdir(exist_ok=True)
    with path.open("wb") as handle:  # sparse: 300 MB that take no disk
        handle.truncate(300 * 1024 * 1024)
    for command in COMMANDS:
        outcome = run(harness, command, path)
        assert "314,572,800 bytes: larger than the 10,485,760 bytes profilegen reads" in refusal(outcome, command)
    path.unlink()


def _deep_binary_plist(levels: int) -> bytes:
    """A binary plist of arrays nested ``levels`` deep (plistlib's reader recursed into each)."""
    objects = [bytes([0xA1]) + struct.pack(">H", index + 1) for index in range(levels)] + [b"\x51x"]
    body, offsets = b"bplist00", []
    for item in objects:
        offsets.append(len(body))
        body += item
    table = len(body)
    body += b"".join(struct.pack(">H", offset) for offset in offsets)
    return body + b"\x00" * 6 + bytes([2, 2]) + struct.pack(">QQQ", len(objects), 0, table)


MCX = "com.apple.ManagedClient.preferences"


def _profile(content: object) -> bytes:
    payload = {"PayloadType": MCX, "PayloadIdentifier": "com.example.p", "PayloadUUID": "A" * 8,
               "PayloadContent": content}
    return plistlib.dumps({"PayloadType": "Configuration", "PayloadIdentifier": "com.example",
                           "PayloadUUID": "B" * 8, "PayloadContent": [payload]})


MALFORMED = {
    "xml-not-well-formed": (b'<?xml version="1.0"?><plist><dict><key>a</key><string>x</dict></plist>',
                            "not well-formed XML: line 1"),
    "binary-3000-deep": (_deep_binary_plist(3000), "nested too deep"),
    "mcx-domain-a-string": (_profile({"com.example.app": "Forced"}), "com.example.app is a <string>"),
    "mcx-item-a-string": (_profile({"com.example.app": {"Forced": ["x"]}}), "holds a <string>, not a <dict>"),
    "mcx-settings-an-array": (_profile({"com.example.app": {"Forced": [{"mcx_preference_settings": ["k"]}]}}),
                              "mcx_preference_settings is a <array>"),
}
MDM_READERS = [c for c in COMMANDS if c.name in ("export", "upload-jamf", "upload-intune")]


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("command", MDM_READERS, ids=[c.name for c in MDM_READERS])
def test_export_and_upload_refuse_a_malformed_profile_in_one_line(
    harness: Harness, command: Command, case: str
) -> None:
    data, words = MALFORMED[case]
    if command.name == "upload-jamf" and case.startswith("mcx"):
        words = ""  # Jamf is sent the profile as it is; a malformed mcx payload is validate's to report
    target = harness.inputs / "input.mobileconfig"
    target.write_bytes(data)
    outcome = run(harness, command, target)
    if words:
        assert outcome.code == ExitCode.INPUT
        assert f"{target}: " in only_error(outcome) and words in only_error(outcome)
    assert not any(harness.out.iterdir())


def test_a_keyed_archive_reference_is_refused_by_every_command(harness: Harness) -> None:
    """Found by the fuzzer: a binary plist's UID went through to `show --format json`, `diff` and
    `import`, which cannot write one (TypeError)."""
    profile = {"PayloadType": "Configuration", "PayloadIdentifier": "com.example", "PayloadUUID": "B" * 8,
               "PayloadContent": [{"PayloadType": "com.example.app", "Key": plistlib.UID(3)}]}
    target = harness.inputs / "input.mobileconfig"
    target.write_bytes(plistlib.dumps(profile, fmt=plistlib.FMT_BINARY))
    for command in COMMANDS:
        said = refusal(run(harness, command, target), command)
        words = "is not signed" if command.name in ("verify", "unsign") else "keyed-archive reference (UID)"
        assert f"{target}" in said and words in said, command.name


# -- defect 4: a damaged certificate inside a signed profile ------------------------------------------


def flip_signer_version(signed: bytes, certificate_der: bytes) -> bytes:
    """The signed file with its signer certificate's version (v3, INTEGER 2) made 7, which no X.509 has."""
    start = signed.index(certificate_der)
    version = signed.index(bytes.fromhex("a003020102"), start) + 4
    damaged = bytearray(signed)
    damaged[version] = 0x07
    return bytes(damaged)


@pytest.fixture(scope="module")
def bad_version(harness: Harness) -> Path:
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.fuzz_readers import identity

    der = identity().certificate.public_bytes(Encoding.DER)
    path = harness.root / "bad-version" / "input.mobileconfig"
    path.parent.mkdir()
    path.write_bytes(flip_signer_version(harness.seeds["signed"], der))
    return path


DAMAGED = ("damaged signed profile: a certificate in the signature cannot be parsed (its version is 7, which no "
           "X.509 certificate has: v1 to v3 are 0 to 2)")


def test_a_damaged_certificate_is_one_clear_error_everywhere(harness: Harness, bad_version: Path) -> None:
    by_name = {c.name: c for c in COMMANDS}
    verified = run(harness, by_name["verify"], bad_version)
    assert verified.code == ExitCode.INPUT and only_error(verified).endswith(f"{bad_version}: {DAMAGED}")
    shown = run(harness, by_name["show"], bad_version)
    assert shown.code == 0 and f"signature invalid: {DAMAGED}" in shown.stdout
    validated = run(harness, by_name["validate"], bad_version)
    assert validated.code == 1 and "signature-invalid" in validated.stdout and DAMAGED in validated.stdout
    imported = run(harness, by_name["import"], bad_version)
    assert imported.code == ExitCode.SIGNING and "not imported" in only_error(imported)
    assert not any(harness.out.iterdir())
    compared = run(harness, by_name["diff"], bad_version)
    assert compared.code == 0 and f"signature invalid: {DAMAGED}" in compared.stderr


@pytest.mark.parametrize("tag", [0xA0, 0xA2, 0xA3], ids=["extended", "attribute-v2", "other"])
def test_a_certificate_of_another_kind_is_no_signer(harness: Harness, tag: int) -> None:
    """Found by probing CMS choices: show, validate, diff and import took an attribute (or extended, or
    other) certificate for an X.509 one and ended in AttributeError."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.fuzz_readers import identity

    signed = bytearray(harness.seeds["signed"])
    signed[signed.index(identity().certificate.public_bytes(Encoding.DER))] = tag
    target = harness.inputs / "input.mobileconfig"
    target.write_bytes(bytes(signed))
    outcomes = {command.name: run(harness, command, target) for command in COMMANDS}
    assert "signature invalid" in outcomes["show"].stdout
    assert outcomes["import"].code == ExitCode.SIGNING


def test_a_damaged_certificate_file_is_one_clear_error(harness: Harness) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.fuzz_readers import identity

    der = identity().certificate.public_bytes(Encoding.DER)
    damaged = harness.root / "damaged.der"
    damaged.write_bytes(flip_signer_version(der, der))
    (harness.inputs / "signed.mobileconfig").write_bytes(harness.seeds["signed"])
    _cert, key = identity_files(harness.inputs)
    for argv in (["verify", str(harness.inputs / "signed.mobileconfig"), "--ca", str(damaged)],
                 ["sign", str(harness.valid), "-o", str(harness.out / "s"), "--cert", str(damaged), "--key", str(key)]):
        outcome = harness.invoke(argv)
        assert outcome.crash is None, outcome.crash
        assert outcome.code == ExitCode.INPUT
        assert f"{damaged}: not a certificate, or a damaged one" in only_error(outcome)


# -- defect 12: bytes after the signature, importing signed profiles ----------------------------------


def test_bytes_after_the_signature_are_refused(harness: Harness) -> None:
    target = harness.inputs / "input.mobileconfig"
    target.write_bytes(harness.seeds["signed"] + b"appended\n")
    by_name = {c.name: c for c in COMMANDS}
    for name in ("verify", "unsign", "show", "import", "validate"):
        outcome = run(harness, by_name[name], target)
        assert "9 byte(s) after the end of the signature, which no signature covers" in refusal(
            outcome, by_name[name]
        ), name
        assert not any(harness.out.iterdir())


def test_import_refuses_a_tampered_signed_profile(harness: Harness) -> None:
    signed = harness.seeds["signed"]
    at = signed.index(b"<key>PayloadDisplayName</key>")
    target = harness.inputs / "input.mobileconfig"
    target.write_bytes(signed[:at] + b"<key>PayloadDisplayNamf</key>" + signed[at + 29 :])
    outcome = harness.invoke(["import", str(target), "--save", str(harness.out / "p.toml")])
    assert outcome.code == ExitCode.SIGNING
    line = only_error(outcome)
    assert "not imported: signed by" in line and "the content does not match the signed digest" in line
    assert "`profilegen unsign` it and import the plain profile" in line
    assert not any(harness.out.iterdir())


def test_import_of_a_signed_profile_says_the_signature_is_not_kept(harness: Harness) -> None:
    target = harness.inputs / "input.mobileconfig"
    target.write_bytes(harness.seeds["signed"])
    outcome = harness.invoke(["import", str(target), "--save", str(harness.out / "p.toml")])
    assert outcome.code == 0, outcome
    assert "note: the profile is signed by" in outcome.stderr
    assert "the preset does not keep the signature" in outcome.stderr
    assert (harness.out / "p.toml").is_file()
