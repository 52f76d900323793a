"""Signing and verifying configuration profiles (DER CMS SignedData with the plist attached).

The package is split by job, and this module stays free of heavy imports so that ``show`` and ``diff``
can sniff a file cheaply:

- ``identity``: the signer's certificate, key and chain, from PEM files or a PKCS#12 (``load_identity``).
- ``certs``: certificate files parsed with every field checked (``load_certificates``), ``display_name``.
- ``names``: certificate names as admins read them (``display``), for both libraries' names.
- ``der``: the CMS structure of a signed file, parsed (``parse_signed_data``).
- ``carried``: the certificates inside a signed file, every field verification reads checked once, and
  signature checks with cryptography's rsa and ec keys (no cryptography.x509 on the read path).
- ``sign``: ``sign(content, signer)`` -> DER bytes, ``unsign(data)`` -> the plist, ``require_profile``.
- ``verify``: ``verify(data, ca)`` -> ``VerifyReport``; ``load_ca(path)``.

``cryptography`` and ``asn1crypto`` are imported by those submodules only, never at CLI start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from profilegen.signing.carried import Carried

# What asn1crypto raises for a damaged structure, on loading or lazily from any field: ValueError and its
# kin, and AttributeError from ``.native`` of the universal types it has no Python value for
# (ObjectDescriptor, INSTANCE OF, REAL: tags 7 to 9), which a flipped tag byte can put anywhere.
ASN1_DAMAGE: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, IndexError, OverflowError,
                                            AttributeError)

# DER of the OBJECT IDENTIFIER 1.2.840.113549.1.7.2 (pkcs7-signedData), tag and length included.
_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")


def is_signed(data: bytes) -> bool:
    """Cheap sniff: does ``data`` start like a CMS ContentInfo of type signedData?

    Looks at the outer SEQUENCE header (DER or BER indefinite length) and the content type that follows.
    It parses nothing else; ``verify`` and ``unsign`` do the real work.
    """
    if len(data) < 2 + len(_SIGNED_DATA_OID) or data[0] != 0x30:
        return False
    first = data[1]
    if first <= 0x80:  # short form, or 0x80: BER indefinite length
        offset = 2
    else:
        count = first & 0x7F
        if count > 4:
            return False
        offset = 2 + count
    return data[offset : offset + len(_SIGNED_DATA_OID)] == _SIGNED_DATA_OID


def trailing_bytes(data: bytes) -> int:
    """How many bytes follow the outer DER (or BER) structure of ``data``: 0 for a signed file as written.

    Bytes after the SignedData are covered by no signature, so a file carrying them is refused rather
    than reported "verified". Raises ValueError when the structure is cut short.
    """
    from asn1crypto import parser

    _class, _method, _tag, header, contents, trailer = parser.parse(data)
    return len(data) - len(header) - len(contents) - len(trailer)


def trailing_message(count: int) -> str:
    return f"{count:,} byte(s) after the end of the signature, which no signature covers"


def signature_status(data: bytes, ca: Sequence[Carried] | None = None, *, info: Any = None) -> str:
    """One line for ``show`` and ``diff``: "not signed", "verified", or "signature invalid: why".

    A valid signature whose certificate has expired (or whose chain misses ``ca``) is reported as
    "signature valid, but ..." so an admin can tell tampering from an old identity. ``info``: the file's
    asn1crypto ContentInfo when the caller has decoded it already (it is then not decoded again).
    """
    if not is_signed(data):
        return "not signed"
    from profilegen.errors import ProfilegenError
    from profilegen.signing.verify import verify

    try:
        report = verify(data, ca, info=info)
    except ProfilegenError as error:
        return f"signature invalid: {error.message}"
    return report.status
