"""Certificate names as admins read them: openssl's order (C=US, O=..., CN=...), values escaped as RFC 4514
says. One rule for both libraries that hold names here: cryptography's (the signer's identity) and
asn1crypto's (certificates read from a signed profile)."""

from __future__ import annotations

import binascii
from collections.abc import Iterable

# The short names RFC 4514 (and cryptography's rfc4514_string) use; any other attribute is its dotted OID.
SHORT_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.6": "C",
    "2.5.4.9": "STREET",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}
_SPECIAL = str.maketrans({"\\": "\\\\", '"': '\\"', "+": "\\+", ",": "\\,", ";": "\\;", "<": "\\<",
                          ">": "\\>", "\0": "\\00"})

Attribute = tuple[str, "str | bytes"]  # (dotted OID, value: text, or the raw bytes of a value that is not)


def display(rdns: Iterable[Iterable[Attribute]]) -> str:
    """The name's relative distinguished names in certificate order, joined by ", "; "(empty name)"."""
    return ", ".join("+".join(f"{SHORT_NAMES.get(oid, oid)}={escape(value)}" for oid, value in rdn)
                     for rdn in rdns) or "(empty name)"


def escape(value: str | bytes) -> str:
    """RFC 4514 section 2.4: special characters escaped; a value that is not text as # and its hex."""
    if not value:
        return ""
    if isinstance(value, bytes):
        return "#" + binascii.hexlify(value).decode("ascii")
    text = value.translate(_SPECIAL)
    if text[0] == "#" or (text[0] == " " and len(text) > 1):
        text = "\\" + text
    if text[-1] == " ":
        text = text[:-1] + "\\ "
    return text
