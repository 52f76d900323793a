"""Certificate files (the signer's certificate and chain, a CA file for ``verify --ca``), read by cryptography
with every field checked, and named as admins read them. The certificates inside a signed profile are read
by profilegen.signing.carried, without cryptography.x509.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from profilegen.errors import InputError
from profilegen.inputfile import read_input
from profilegen.limits import CREDENTIAL_MAX_BYTES
from profilegen.signing.names import display

# What cryptography raises for a damaged certificate, from the load or lazily from any field: ValueError
# for most damage, but its own classes (not ValueError) for a bad version, a repeated extension or an
# unknown name type.
CERTIFICATE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    UnsupportedAlgorithm,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
)


def parse_certificate(der: bytes) -> x509.Certificate:
    """One DER certificate, every field parsed now (cryptography parses lazily, so damage would
    otherwise surface later as a traceback). Raises one of CERTIFICATE_ERRORS."""
    return checked(x509.load_der_x509_certificate(der))


def checked(certificate: x509.Certificate) -> x509.Certificate:
    _ = (certificate.subject, certificate.issuer, certificate.extensions, certificate.public_key())
    _ = (certificate.not_valid_before_utc, certificate.not_valid_after_utc, certificate.serial_number)
    return certificate


def load_certificates(path: Path, what: str = "certificate file") -> list[x509.Certificate]:
    """Every certificate in a PEM file (or one DER certificate)."""
    data = read_input(path, what=what, limit=CREDENTIAL_MAX_BYTES)
    try:
        if b"-----BEGIN" in data:
            return [checked(c) for c in x509.load_pem_x509_certificates(data)]
        return [parse_certificate(data)]
    except CERTIFICATE_ERRORS:
        raise InputError(
            "not a certificate, or a damaged one: expected PEM (-----BEGIN CERTIFICATE-----) or DER",
            path=path,
        ) from None


def display_name(name: x509.Name) -> str:
    """Openssl's order (C=US, O=..., CN=...), which is how admins read certificate names."""
    return display([(attribute.oid.dotted_string, attribute.value) for attribute in rdn] for rdn in name.rdns)
