"""profilegen/signing/strict_der.py: the DER rules asn1crypto does not check, each refused, and what DER
allows (or what CAs get wrong harmlessly, which cryptography accepts too) let through."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from profilegen.errors import InputError
from profilegen.signing.carried import DamagedCertificate, from_der
from profilegen.signing.certs import CERTIFICATE_ERRORS, parse_certificate
from profilegen.signing.strict_der import NotDer, check_der
from profilegen.signing.verify import verify
from tests.fuzz_readers import identity, sign
from tests.signing_pki import DAY, NOW, SAMPLE_PROFILE


@pytest.mark.parametrize("der", [
    "3000", "0101ff", "010100", "020100", "02017f", "02020080", "0201ff", "020280ff", "0303000102", "030100",
    "0603551d13", "06062a864886f70d", "1303555320", "160461402e62", "0c03e282ac",
    "308180047e" + "00" * 0x7E, "a003020102", "9f1f0100", "3106020101020102", "03020380",
], ids=lambda der: der[:16])
def test_what_der_allows_passes(der: str) -> None:
    check_der(bytes.fromhex(der))


@pytest.mark.parametrize(("der", "words"), [
    ("3080020101 0000", "an indefinite length"),
    ("30810100", "a length not in its shortest form"),
    ("3082000100", "a length not in its shortest form"),
    ("3003020101 00", "after the element's end"),
    ("3004020101", "longer than what holds it"),
    ("300302020100", "longer than what holds it"),
    ("30", "cut short"),
    ("0101fe", "neither 00 nor FF"),
    ("01020000", "neither 00 nor FF"),
    ("0200", "fewest octets"),
    ("02020001", "fewest octets"),
    ("0202ff80", "fewest octets"),
    ("030108", "unused bits"),
    ("03020701", "unused bits are not zero"),
    ("0603551d93", "OBJECT IDENTIFIER"),
    ("0604558001 01".replace(" ", ""), "OBJECT IDENTIFIER"),
    ("0600", "OBJECT IDENTIFIER"),
    ("130255 40".replace(" ", ""), "PrintableString"),
    ("1602 61e9".replace(" ", ""), "IA5String"),
    ("2306 0401610401 62".replace(" ", ""), "in pieces"),
    ("1000", "not constructed"),
    ("bf800100", "tag not in its shortest form"),
    ("9f0100", "tag not in its shortest form"),
], ids=lambda value: value[:24])
def test_what_der_refuses_is_named(der: str, words: str) -> None:
    with pytest.raises(NotDer, match=words):
        check_der(bytes.fromhex(der.replace(" ", "")))


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    deep = b"\x30\x00"
    for _ in range(100):
        deep = b"\x30" + _length(len(deep)) + deep
    with pytest.raises(NotDer, match="nested too deep"):
        check_der(deep)


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    return bytes([0x81, size]) if size < 0x100 else bytes([0x82]) + size.to_bytes(2, "big")


def _certificate(**names: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names.get("cn", "Strict Signer"))])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(12345).not_valid_before(NOW - DAY).not_valid_after(NOW + DAY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))


def test_a_certificate_cryptography_makes_is_der() -> None:
    check_der(_certificate())
    assert from_der(_certificate()).subject == "CN=Strict Signer"


def test_a_key_usage_with_a_trailing_zero_bit_is_read_as_cryptography_reads_it() -> None:
    """Some CAs write KeyUsage with one unused bit too few (a zero bit kept at the end): not DER for a named
    bit list, but harmless, and cryptography reads it: so does profilegen."""
    der = _certificate()
    usage = bytes.fromhex("03020780")  # digitalSignature, 7 unused bits
    assert usage in der
    lenient = der.replace(usage, bytes.fromhex("03020680"))  # 6 unused bits: the seventh bit a kept zero
    assert parse_certificate(lenient).extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert from_der(lenient).signs


@pytest.mark.parametrize(("old", "new", "words"), [
    (bytes.fromhex("0603551d130101ff"), bytes.fromhex("0603551d130101fe"), "neither 00 nor FF"),  # critical flag
    (bytes.fromhex("0603551d13"), bytes.fromhex("0603551d93"), "OBJECT IDENTIFIER"),  # basicConstraints' id
    (bytes.fromhex("0404030205a0"), bytes.fromhex("0404030205a1"), "unused bits are not zero"),  # KeyUsage
], ids=["boolean", "oid", "key-usage"])
def test_a_certificate_asn1crypto_would_read_is_refused_in_a_signed_profile(old: bytes, new: bytes,
                                                                               words: str) -> None:
    """Each of these is read without complaint by asn1crypto alone, and refused by cryptography: so a
    signed profile carrying one is damaged, in one message naming what is wrong."""
    signed = sign(SAMPLE_PROFILE)
    certificate = identity().certificate.public_bytes(serialization.Encoding.DER)
    assert old in certificate
    damaged = signed.replace(certificate, certificate.replace(old, new, 1))
    with pytest.raises(CERTIFICATE_ERRORS):
        parse_certificate(certificate.replace(old, new, 1))
    with pytest.raises(DamagedCertificate, match=words):
        from_der(certificate.replace(old, new, 1))
    with pytest.raises(InputError, match=f"a certificate in the signature cannot be parsed \\(.*{words}"):
        verify(damaged)


@pytest.mark.parametrize("tag", [0xA8, 0xA9], ids=["instance-of", "real"])
def test_a_value_of_a_type_asn1crypto_cannot_show_is_damage_not_a_traceback(tag: int) -> None:
    """Found by the byte-flipping test of tests/test_signing_interop.py: the extensions' [3] made [9] (or
    [8]), which asn1crypto builds as a REAL (an INSTANCE OF), whose object has no ``.native``: an
    AttributeError escaped as a traceback."""
    signed = sign(SAMPLE_PROFILE)
    certificate = identity().certificate.public_bytes(serialization.Encoding.DER)
    extensions = certificate.index(bytes.fromhex("300c0603551d13")) - 4  # [3] { SEQUENCE { basicConstraints
    assert certificate[extensions] == 0xA3
    damaged = certificate[:extensions] + bytes([tag]) + certificate[extensions + 1:]
    with pytest.raises(DamagedCertificate, match="an element has a type no certificate holds"):
        from_der(damaged)
    with pytest.raises(InputError, match="a certificate in the signature cannot be parsed"):
        verify(signed.replace(certificate, damaged))
