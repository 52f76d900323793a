"""The certificates inside a signed profile, read by profilegen/signing/carried.py (asn1crypto) rather than
cryptography.x509: the same names, dates and uses as cryptography reads, chains signed with RSA-PSS and
SHA-1 followed, signatures openssl makes with PSS checked, and keys profilegen does not check named."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.signing.carried import from_der
from profilegen.signing.certs import display_name
from tests.signing_pki import DAY, NOW, SAMPLE_PROFILE, Pki, key_pem, make_cert, pem, run_profilegen, shared_pki

_KEY = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return shared_pki(tmp_path_factory)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def cryptography_shows(name: x509.Name) -> str:
    """cryptography's own RFC 4514 text of each RDN, in certificate order: what verify showed before."""
    return ", ".join(rdn.rfc4514_string() for rdn in name.rdns) or "(empty name)"


# Text with every character RFC 4514 escapes, at either end too, and beyond ASCII.
_TEXT = st.text(alphabet=st.sampled_from([*' ,+"\\<>;#=\0aZ9-é漢', "\U0001f600"]), min_size=1, max_size=12)
_ASCII = st.text(alphabet=st.sampled_from(list(" ,+\\<>;#=aZ9.@")), min_size=1, max_size=12)
_ATTRIBUTE = st.one_of(
    st.tuples(st.sampled_from([NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME,
                               NameOID.LOCALITY_NAME, NameOID.STATE_OR_PROVINCE_NAME, NameOID.STREET_ADDRESS,
                               NameOID.USER_ID, NameOID.TITLE, NameOID.GIVEN_NAME]), _TEXT),
    st.tuples(st.sampled_from([NameOID.EMAIL_ADDRESS, NameOID.DOMAIN_COMPONENT]), _ASCII),
    st.tuples(st.just(NameOID.COUNTRY_NAME), st.sampled_from(["US", "DE", "JP"])),
)
_NAME = st.lists(st.lists(_ATTRIBUTE, min_size=1, max_size=3, unique_by=lambda pair: pair[0]), max_size=4)


@settings(max_examples=150, deadline=None)
@given(rdns=_NAME)
def test_a_name_in_a_signature_is_shown_as_cryptography_shows_it(rdns: list[list[tuple[x509.ObjectIdentifier, str]]]
                                                                  ) -> None:
    name = x509.Name([x509.RelativeDistinguishedName([x509.NameAttribute(oid, value) for oid, value in rdn])
                      for rdn in rdns])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(_KEY.public_key())
                   .serial_number(1).not_valid_before(NOW - DAY).not_valid_after(NOW + DAY)
                   .sign(_KEY, hashes.SHA256()))
    read = from_der(der(certificate))
    expected = cryptography_shows(certificate.subject)
    assert read.subject == expected
    assert read.issuer == expected
    assert display_name(certificate.subject) == expected


def test_a_certificate_in_a_signature_has_the_fields_cryptography_reads(pki: Pki) -> None:
    for path in (pki.ca, pki.inter, pki.leaf, pki.ec_leaf, pki.expired, pki.future, pki.no_sign, pki.other_ca):
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
        read = from_der(der(certificate))
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert (read.subject, read.issuer) == (cryptography_shows(certificate.subject),
                                               cryptography_shows(certificate.issuer)), path.name
        assert (read.not_before, read.not_after) == (certificate.not_valid_before_utc,
                                                     certificate.not_valid_after_utc), path.name
        assert (read.is_ca, read.signs) == (constraints.ca, usage.digital_signature), path.name
        assert read.public_key == certificate.public_key(), path.name


def _issue(name: str, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
           issuer: tuple[x509.Certificate, rsa.RSAPrivateKey], *, ca: bool, pss: bool = False) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer[0].subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - DAY).not_valid_after(NOW + 30 * DAY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    padding_ = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32) if pss else None
    return builder.sign(issuer[1], hashes.SHA256(), rsa_padding=padding_)


@pytest.fixture(scope="module")
def odd_chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A root, an intermediate it signed with RSA-PSS, an RSA leaf the intermediate signed with SHA-1 (as
    older Apple intermediates did), and a leaf whose key is on a curve Macs do not use (secp256k1), as PEM
    files."""
    folder = tmp_path_factory.mktemp("odd-chain")
    root_key, inter_key, leaf_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048)
                                     for _ in range(3))
    root = make_cert("Odd Root", root_key, None, ca=True)
    inter = _issue("Odd PSS Intermediate", inter_key, (root, root_key), ca=True, pss=True)
    leaf = _sha1_issued("Odd SHA-1 Leaf", leaf_key, (inter, inter_key), folder)
    koblitz_key = ec.generate_private_key(ec.SECP256K1())
    koblitz = _issue("Koblitz Leaf", koblitz_key, (inter, inter_key), ca=False)
    files = {"root": root, "inter": inter, "leaf": leaf, "koblitz": koblitz}
    paths = {name: folder / f"{name}.pem" for name in files}
    for name, certificate in files.items():
        paths[name].write_bytes(pem(certificate))
    for name, key in (("leaf_key", leaf_key), ("koblitz_key", koblitz_key)):
        paths[name] = folder / f"{name}.key"
        paths[name].write_bytes(key_pem(key))
    paths["profile"] = folder / "in.mobileconfig"
    paths["profile"].write_bytes(SAMPLE_PROFILE)
    return paths


def _sha1_issued(name: str, key: rsa.RSAPrivateKey, issuer: tuple[x509.Certificate, rsa.RSAPrivateKey],
                 folder: Path) -> x509.Certificate:
    """Issued with SHA-1 by openssl (cryptography no longer signs with SHA-1)."""
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])).sign(key, hashes.SHA256()))
    files = {"request.csr": request.public_bytes(serialization.Encoding.PEM), "issuer.pem": pem(issuer[0]),
             "issuer.key": key_pem(issuer[1]), "extensions.cnf": b"basicConstraints=critical,CA:FALSE\n"}
    for file_name, data in files.items():
        (folder / file_name).write_bytes(data)
    subprocess.run(["openssl", "x509", "-req", "-sha1", "-days", "30", "-set_serial", "7", "-in", "request.csr",
                    "-CA", "issuer.pem", "-CAkey", "issuer.key", "-extfile", "extensions.cnf", "-out", "sha1.pem"],
                   cwd=folder, check=True, capture_output=True)
    certificate = x509.load_pem_x509_certificate((folder / "sha1.pem").read_bytes())
    assert certificate.signature_hash_algorithm is not None and certificate.signature_hash_algorithm.name == "sha1"
    return certificate


def openssl_sign(chain: dict[str, Path], signer: str, out: Path, *options: str) -> None:
    subprocess.run(["openssl", "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", str(chain["profile"]),
                    "-signer", str(chain[signer]), "-inkey", str(chain[f"{signer}_key"]),
                    "-certfile", str(chain["inter"]), "-out", str(out), *options], check=True, capture_output=True)


def test_a_chain_signed_with_pss_and_sha1_reaches_its_ca(odd_chain: dict[str, Path], tmp_path: Path) -> None:
    signed = tmp_path / "signed.mobileconfig"
    done = run_profilegen("sign", odd_chain["profile"], "-o", signed, "--cert", odd_chain["leaf"],
                          "--key", odd_chain["leaf_key"], "--chain", odd_chain["inter"])
    assert done.returncode == 0, done.stderr
    verified = run_profilegen("verify", signed, "--ca", odd_chain["root"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert ("Chain:      reaches CA (CN=Odd SHA-1 Leaf <- CN=Odd PSS Intermediate <- C=US, O=Profilegen Test, "
            "CN=Odd Root)") in verified.stdout
    # the intermediate's PSS signature altered: the chain no longer reaches the root, and verify says so
    data = signed.read_bytes()
    inter = der(x509.load_pem_x509_certificate(odd_chain["inter"].read_bytes()))
    at = data.index(inter) + len(inter) - 5
    damaged = tmp_path / "damaged.mobileconfig"
    damaged.write_bytes(data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1:])
    refused = run_profilegen("verify", damaged, "--ca", odd_chain["root"])
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "Chain:      does not reach CA" in refused.stdout
    stops = "it stops at CN=Odd PSS Intermediate, issued by C=US, O=Profilegen Test, CN=Odd Root"
    assert stops in refused.stdout + refused.stderr


def test_a_pss_signature_openssl_makes_verifies(odd_chain: dict[str, Path], tmp_path: Path) -> None:
    signed = tmp_path / "pss.mobileconfig"
    openssl_sign(odd_chain, "leaf", signed, "-md", "sha256", "-keyopt", "rsa_padding_mode:pss")
    verified = run_profilegen("verify", signed, "--ca", odd_chain["root"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Digest:     sha256, signature rsassa_pss" in verified.stdout
    assert "Signature:  valid" in verified.stdout


def test_a_key_profilegen_does_not_check_is_named(odd_chain: dict[str, Path], tmp_path: Path) -> None:
    signed = tmp_path / "koblitz.mobileconfig"
    openssl_sign(odd_chain, "koblitz", signed)
    refused = run_profilegen("verify", signed)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    said = "unsupported signature algorithm ecdsa for the signer's ec secp256k1 key"
    assert said in refused.stderr
    shown = run_profilegen("show", signed)
    assert shown.returncode == 0 and f"signature invalid: {said}" in shown.stdout


def test_a_ca_certificate_cryptography_reads_but_verification_cannot_is_named(pki: Pki, tmp_path: Path) -> None:
    """An EC key in X9.62's hybrid point form (04 made 06 or 07, by the parity of y): cryptography loads the
    certificate, but from_encoded_point makes no key of it, so the CA file is refused in one line."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = der(make_cert("Hybrid CA", key, None, ca=True))
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert certificate.count(point) == 1
    hybrid = certificate.replace(point, bytes([0x06 | point[-1] & 1]) + point[1:])
    x509.load_der_x509_certificate(hybrid).public_key()  # cryptography takes it
    ca = tmp_path / "hybrid-ca.der"
    ca.write_bytes(hybrid)
    signed = tmp_path / "signed.mobileconfig"
    profile = tmp_path / "in.mobileconfig"
    profile.write_bytes(SAMPLE_PROFILE)
    assert run_profilegen("sign", profile, "-o", signed, *pki.pem_args()).returncode == 0
    refused = run_profilegen("verify", signed, "--ca", ca)
    assert refused.returncode == 3 and "Traceback" not in refused.stderr
    assert f"{ca}: a damaged certificate in the CA file (Unsupported elliptic curve point type)" in refused.stderr
