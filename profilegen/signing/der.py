"""Parsing a signed profile's CMS structure (asn1crypto): content, certificates, signer infos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms
from cryptography import x509

from profilegen.errors import InputError, SigningError
from profilegen.signing import is_signed, trailing_bytes, trailing_message
from profilegen.signing.identity import CERTIFICATE_ERRORS, parse_certificate


@dataclass(frozen=True)
class SignedProfile:
    """A parsed CMS SignedData. ``signed_data`` is the asn1crypto object (untyped library)."""

    content: bytes
    content_type: str
    signed_data: Any
    certificates: tuple[Any, ...]  # asn1crypto x509.Certificate, in file order


def _looks_like_plist(data: bytes) -> bool:
    head = data.lstrip()[:64]
    return data.startswith(b"bplist00") or head.startswith((b"<?xml", b"<plist", b"<!DOCTYPE plist"))


def parse_signed_data(data: bytes, source: Path | str | None = None) -> SignedProfile:
    """Parse ``data`` as a DER (or BER) CMS ContentInfo of type signedData with attached content."""
    if not is_signed(data):
        if _looks_like_plist(data):
            raise InputError("is not signed: it is a plain property list", path=source)
        raise InputError(
            "not a signed profile: expected DER CMS SignedData (a signed .mobileconfig)", path=source
        )
    try:
        extra = trailing_bytes(data)
        info = cms.ContentInfo.load(data)
        signed_data = info["content"]
        encap = signed_data["encap_content_info"]
        content_type = encap["content_type"].dotted
        raw = encap["content"].native  # bytes; constructed (BER, streamed) strings are joined
        content = raw if isinstance(raw, bytes) else None
        certificates = tuple(
            choice.chosen for choice in signed_data["certificates"] if choice.name == "certificate"
        )
        _ = len(signed_data["signer_infos"])
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise InputError("damaged signed profile: its CMS structure cannot be parsed", path=source) from None
    if extra:
        raise InputError(f"damaged signed profile: {trailing_message(extra)}", path=source,
                         hint="get the file again from its source, or sign the profile again")
    if content is None:
        raise SigningError(
            "the signature is detached: the profile content is not inside the file",
            path=source,
            hint="sign with the content attached (openssl smime -nodetach, or profilegen sign)",
        )
    return SignedProfile(content, content_type, signed_data, certificates)


def same_name(a: Any, b: Any) -> bool:
    """Two asn1crypto Names are the same: equal DER at once, else RFC 5280's comparison (string prep:
    a millisecond a call, most of reading a signed profile)."""
    return bool(a.dump() == b.dump() or a == b)


def to_cryptography(certificate: Any, source: Path | str | None = None) -> x509.Certificate:
    """An asn1crypto certificate as a cryptography one (same DER), every field parsed: a damaged one
    (a flipped version byte, a repeated extension...) is an InputError naming the file."""
    try:
        return parse_certificate(certificate.dump())
    except CERTIFICATE_ERRORS as error:
        raise InputError(
            f"damaged signed profile: a certificate in the signature cannot be parsed ({_reason(error)})",
            path=source,
        ) from None


def _reason(error: Exception) -> str:
    """The library's words, bounded and single-line (it may quote bytes from the file)."""
    text = " ".join(str(error).split())[:120]
    return text if text.isprintable() and text else type(error).__name__
