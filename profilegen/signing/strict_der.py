"""The DER rules a certificate must keep that asn1crypto, which reads BER leniently, does not check.

X.690's distinguished encoding, as cryptography's parser enforces it: every length definite and in its
shortest form, a constructed value made of whole elements and nothing after them, strings in one piece,
BOOLEAN as 00 or FF, INTEGER and OBJECT IDENTIFIER in their fewest octets, BIT STRING with at most 7
unused bits and those zero, PrintableString and IA5String within their character sets. Not the rules for
values whose DER form a CA may get wrong in harmless ways (the trailing zero bits of a named bit list such
as KeyUsage), which cryptography accepts too. A value wrapped in an OCTET or BIT STRING (an extension's
value, an RSA key) is DER of its own: the caller checks it apart (profilegen.signing.carried).
"""

from __future__ import annotations

_BOOLEAN, _INTEGER, _BIT_STRING, _OID, _PRINTABLE, _IA5 = 1, 2, 3, 6, 19, 22
_PRINTABLE_CHARACTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")
_MAX_DEPTH = 64


class NotDer(ValueError):
    """An encoding DER does not allow; the message says what and where (the byte offset)."""


def check_der(data: bytes) -> None:
    """``data`` is exactly one DER element that keeps the rules above; raises NotDer."""
    end = _element(data, 0, len(data), 0)
    if end != len(data):
        raise NotDer(f"{len(data) - end} byte(s) after the element's end")


def _element(data: bytes, at: int, limit: int, depth: int) -> int:
    """Check the element at ``at`` (which must end by ``limit``); return where it ends."""
    if depth > _MAX_DEPTH:
        raise NotDer("elements nested too deep")
    start = at
    if at + 2 > limit:
        raise NotDer(f"an element cut short at byte {start}")
    first = data[at]
    constructed, tag = first & 0x20, first & 0x1F
    at += 1
    if tag == 0x1F:  # high tag number: base 128, no leading 0x80, at least 31
        tag = 0
        while True:
            if at >= limit:
                raise NotDer(f"a tag cut short at byte {start}")
            octet = data[at]
            at += 1
            if tag == 0 and octet == 0x80:
                raise NotDer(f"a tag not in its shortest form at byte {start}")
            tag = tag * 128 + (octet & 0x7F)
            if not octet & 0x80:
                break
        if tag < 31:
            raise NotDer(f"a tag not in its shortest form at byte {start}")
        tag = -1  # (no universal rule below applies to it)
    elif first & 0xC0:
        tag = -1  # context, application or private class: the universal rules below do not apply
    if at >= limit:
        raise NotDer(f"a length cut short at byte {start}")
    length = data[at]
    at += 1
    if length == 0x80:
        raise NotDer(f"an indefinite length at byte {start}")
    if length > 0x80:
        count = length & 0x7F
        if at + count > limit:
            raise NotDer(f"a length cut short at byte {start}")
        length = int.from_bytes(data[at:at + count], "big")
        if data[at] == 0 or length < 0x80:
            raise NotDer(f"a length not in its shortest form at byte {start}")
        at += count
    end = at + length
    if end > limit:
        raise NotDer(f"an element longer than what holds it at byte {start}")
    if tag >= 0 and bool(constructed) != (tag in (16, 17)):
        raise NotDer(f"a {'value in pieces' if constructed else 'SEQUENCE or SET not constructed'} at byte "
                     f"{start}, which DER does not allow")
    if constructed:
        while at < end:
            at = _element(data, at, end, depth + 1)
    else:
        _primitive(tag, data[at:end], start)
    return end


def _primitive(tag: int, contents: bytes, start: int) -> None:
    if tag == _BOOLEAN:
        if contents not in (b"\x00", b"\xff"):
            raise NotDer(f"a BOOLEAN that is neither 00 nor FF at byte {start}")
    elif tag == _INTEGER:
        if not contents or (len(contents) > 1 and (contents[0], contents[1] & 0x80) in ((0, 0), (0xFF, 0x80))):
            raise NotDer(f"an INTEGER not in its fewest octets at byte {start}")
    elif tag == _BIT_STRING:
        if not contents or contents[0] > 7 or (len(contents) == 1 and contents[0]):
            raise NotDer(f"a BIT STRING with a wrong count of unused bits at byte {start}")
        if len(contents) > 1 and contents[-1] & ((1 << contents[0]) - 1):
            raise NotDer(f"a BIT STRING whose unused bits are not zero at byte {start}")
    elif tag == _OID:
        if not contents or contents[-1] & 0x80 or any(
            octet == 0x80 and (i == 0 or not contents[i - 1] & 0x80) for i, octet in enumerate(contents)
        ):
            raise NotDer(f"an OBJECT IDENTIFIER cut short or not in its fewest octets at byte {start}")
    elif tag == _PRINTABLE:
        if not _PRINTABLE_CHARACTERS.issuperset(contents):
            raise NotDer(f"a PrintableString with a character it may not hold at byte {start}")
    elif tag == _IA5 and not contents.isascii():
        raise NotDer(f"an IA5String with a character beyond ASCII at byte {start}")
