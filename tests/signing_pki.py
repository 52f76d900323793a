"""A throwaway PKI for the signing tests: a root CA, an intermediate and leaves, made fresh in tmp_path.

No private key is ever committed: everything here is generated when the tests run.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.conftest import REPO

# Known secrets, so tests can grep every output for them.
P12_PASSWORD = "correct-horse-7Qz!battery"
KEY_PASSPHRASE = "staple-9Wv#passphrase"

NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Profilegen Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, digital_signature: bool, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def make_cert(
    common_name: str,
    key: Key,
    issuer: tuple[x509.Certificate, Key] | None,
    *,
    ca: bool = False,
    digital_signature: bool = True,
    not_before: datetime.datetime = NOW - DAY,
    not_after: datetime.datetime = NOW + 365 * DAY,
) -> x509.Certificate:
    subject = _name(common_name)
    issuer_name, signing_key = (subject, key) if issuer is None else (issuer[0].subject, issuer[1])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=digital_signature or ca, cert_sign=ca), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: Key, passphrase: str | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.NoEncryption()
        if passphrase is None
        else serialization.BestAvailableEncryption(passphrase.encode())
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


@dataclass(frozen=True)
class Pki:
    """Files of the test PKI. ``leaf`` is RSA; ``ec_leaf`` is ECDSA P-256; both issued by ``inter``."""

    root: Path
    ca: Path
    inter: Path
    leaf: Path
    leaf_key: Path
    leaf_key_encrypted: Path
    ec_leaf: Path
    ec_leaf_key: Path
    expired: Path
    expired_key: Path
    future: Path
    future_key: Path
    no_sign: Path
    no_sign_key: Path
    other_key: Path
    other_ca: Path
    p12: Path
    p12_legacy: Path

    def pem_args(self) -> list[str | Path]:
        return ["--cert", self.leaf, "--key", self.leaf_key, "--chain", self.inter]


def make_pki(root: Path) -> Pki:
    root.mkdir(parents=True, exist_ok=True)
    ca_key = rsa_key()
    ca_cert = make_cert("Profilegen Test Root CA", ca_key, None, ca=True)
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter_cert = make_cert("Profilegen Test Intermediate", inter_key, (ca_cert, ca_key), ca=True)
    issuer = (inter_cert, inter_key)

    def leaf(name: str, key: Key, **kwargs: object) -> tuple[Path, Path]:
        cert = make_cert(name, key, issuer, **kwargs)  # type: ignore[arg-type]
        slug = name.lower().replace(" ", "-")
        cert_path, key_path = root / f"{slug}.pem", root / f"{slug}.key"
        cert_path.write_bytes(pem(cert))
        key_path.write_bytes(key_pem(key))
        return cert_path, key_path

    files: dict[str, Path] = {}
    files["ca"] = root / "ca.pem"
    files["ca"].write_bytes(pem(ca_cert))
    files["inter"] = root / "inter.pem"
    files["inter"].write_bytes(pem(inter_cert))
    signer_key = rsa_key()
    files["leaf"], files["leaf_key"] = leaf("Profile Signer", signer_key)
    files["leaf_key_encrypted"] = root / "profile-signer.encrypted.key"
    files["leaf_key_encrypted"].write_bytes(key_pem(signer_key, KEY_PASSPHRASE))
    files["ec_leaf"], files["ec_leaf_key"] = leaf("EC Signer", ec.generate_private_key(ec.SECP256R1()))
    files["expired"], files["expired_key"] = leaf(
        "Expired Signer", rsa_key(), not_before=NOW - 400 * DAY, not_after=NOW - 30 * DAY
    )
    files["future"], files["future_key"] = leaf(
        "Future Signer", rsa_key(), not_before=NOW + 30 * DAY, not_after=NOW + 400 * DAY
    )
    files["no_sign"], files["no_sign_key"] = leaf("Encryption Only", rsa_key(), digital_signature=False)
    files["other_key"] = root / "other.key"
    files["other_key"].write_bytes(key_pem(rsa_key()))
    other_ca_key = ec.generate_private_key(ec.SECP256R1())
    files["other_ca"] = root / "other-ca.pem"
    files["other_ca"].write_bytes(pem(make_cert("Someone Else's CA", other_ca_key, None, ca=True)))
    files["p12"] = root / "identity.p12"
    files["p12_legacy"] = root / "identity-legacy.p12"
    for target, extra in ((files["p12"], []), (files["p12_legacy"], ["-legacy"])):
        subprocess.run(
            [
                "openssl", "pkcs12", "-export", *extra,
                "-in", str(files["leaf"]), "-inkey", str(files["leaf_key"]),
                "-certfile", str(files["inter"]), "-name", "Profile Signer",
                "-out", str(target), "-passout", "env:PG_TEST_P12_PASSWORD",
            ],
            check=True,
            env={"PG_TEST_P12_PASSWORD": P12_PASSWORD, "PATH": "/usr/bin:/bin:/usr/local/bin"},
            capture_output=True,
        )
    return Pki(root=root, **files)


_CACHE: dict[str, Pki] = {}


def shared_pki(factory: pytest.TempPathFactory) -> Pki:
    """One PKI per test session (key generation is the slow part)."""
    if "pki" not in _CACHE:
        _CACHE["pki"] = make_pki(factory.mktemp("pki"))
    return _CACHE["pki"]


# A profile with CRLF line endings, a tab and non-ASCII text: any canonicalisation would change it.
SAMPLE_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\r\n'
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\r\n'
    '<plist version="1.0">\r\n<dict>\r\n'
    "\t<key>PayloadContent</key>\r\n\t<array/>\r\n"
    "\t<key>PayloadDisplayName</key>\r\n\t<string>Café Réglages — Office</string>\r\n"
    "\t<key>PayloadIdentifier</key>\r\n\t<string>org.example.signing-test</string>\r\n"
    "\t<key>PayloadType</key>\r\n\t<string>Configuration</string>\r\n"
    "\t<key>PayloadUUID</key>\r\n\t<string>6B1E7B8A-3F0D-4C47-9A55-0D4B1E0C2A11</string>\r\n"
    "\t<key>PayloadVersion</key>\r\n\t<integer>1</integer>\r\n"
    "</dict>\r\n</plist>\r\n"
).encode()


def run_profilegen(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, as a user runs it (stdin not a terminal)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PG_TEST_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "profilegen", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        cwd=REPO,
    )
