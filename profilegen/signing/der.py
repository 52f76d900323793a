"""Parsing a signed profile's CMS structure (asn1crypto): content, certificates, signer infos."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509

from profilegen.errors import InputError, SigningError
from profilegen.record import Record
from profilegen.signing import ASN1_DAMAGE, is_signed, trailing_bytes, trailing_message


class SignedProfile(Record):
    """A parsed CMS SignedData. ``signed_data`` is the asn1crypto object (untyped library)."""

    content: bytes
    content_type: str
    signed_data: Any
    certificates: tuple[Any, ...]  # asn1crypto x509.Certificate, in file order


def _looks_like_plist(data: bytes) -> bool:
    head = data.lstrip()[:64]
    return data.startswith(b"bplist00") or head.startswith((b"<?xml", b"<plist", b"<!DOCTYPE plist"))


def parse_signed_data(data: bytes, source: Path | str | None = None, *, info: Any = None) -> SignedProfile:
    """Parse ``data`` as a DER (or BER) CMS ContentInfo of type signedData with attached content.

    ``info``: the asn1crypto ContentInfo of ``data``, when a caller has decoded it already and found no
    byte after it (profilegen.inspect.cms reading a signed profile), so that the file is decoded once.
    """
    if not is_signed(data):
        if _looks_like_plist(data):
            raise InputError("is not signed: it is a plain property list", path=source)
        raise InputError(
            "not a signed profile: expected DER CMS SignedData (a signed .mobileconfig)", path=source
        )
    try:
        extra = 0 if info is not None else trailing_bytes(data)
        if info is None:
            info = cms.ContentInfo.load(data)
        signed_data = info["content"]
        encap = signed_data["encap_content_info"]
        content_type = encap["content_type"].dotted
        raw = encap["content"].native  # bytes; constructed (BER, streamed) strings are joined
        content = raw if isinstance(raw, bytes) else None
        certificates = certificates_of(signed_data)
        _ = len(signed_data["signer_infos"])
    except ASN1_DAMAGE:
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


def certificates_of(signed_data: Any) -> tuple[Any, ...]:
    """The certificates of a SignedData, in file order (attribute and other certificates left out), one
    asn1crypto object per distinct certificate in a run (``_shared``)."""
    return tuple(_shared(choice.chosen.dump()) for choice in signed_data["certificates"] or ()
                 if choice.name == "certificate")


# A repository's profiles are mostly signed by one identity and its chain: each certificate is then parsed
# once per run, not once per file (its fields, once asn1crypto has read them, are kept).
# Only successes are kept: a damaged certificate raises again, naming each file that carries it.
@lru_cache(maxsize=64)
def _shared(der: bytes) -> Any:
    return asn1_x509.Certificate.load(der)


def same_name(a: Any, b: Any) -> bool:
    """Two asn1crypto Names are the same: equal DER at once, else RFC 5280's comparison (string prep:
    a millisecond a call, most of reading a signed profile)."""
    return bool(a.dump() == b.dump() or a == b)


def damaged_certificate(error: ValueError, source: Path | str | None = None) -> InputError:
    """The one error for a certificate in a signature that cannot be read (profilegen.signing.carried)."""
    return InputError(f"damaged signed profile: a certificate in the signature cannot be parsed ({error})",
                      path=source)
