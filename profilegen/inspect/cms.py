"""Signed profiles: DER CMS SignedData with the plist attached (``security cms -S``, ``openssl smime``)."""

from __future__ import annotations

import datetime
from typing import Any

from profilegen.errors import InputError
from profilegen.record import Record

INVALID_PREFIX = "signature invalid"


class Signer(Record):
    """The signer, as its embedded certificate describes it; ``status`` says whether the signature held."""

    subject: str
    issuer: str
    serial: int
    not_before: datetime.datetime | None
    not_after: datetime.datetime | None
    digest_algorithm: str
    status: str


def signature_status(signed_file: bytes, info: Any = None) -> str:
    """The single place the signature's status is decided, from the whole signed file (DER):
    "verified", "signature invalid: ..." or "signature valid, but ..." (profilegen.signing.verify).
    ``info``: the file's ContentInfo as ``unwrap`` decoded it, handed on so that it is decoded once."""
    from profilegen.signing import signature_status as verified_status

    return verified_status(signed_file, info=info)


def unwrap(data: bytes, path: str) -> tuple[bytes, Signer | None]:
    """The attached content of a CMS SignedData structure, and its signer."""
    from asn1crypto import cms

    from profilegen.signing import ASN1_DAMAGE, trailing_bytes, trailing_message

    try:
        extra = trailing_bytes(data)
        if extra:
            raise InputError(
                f"a signed profile (DER) with {trailing_message(extra)}",
                path=path,
                hint="get the file again from its source, or sign the profile again",
            )
        info = cms.ContentInfo.load(data)
        if info["content_type"].native != "signed_data":
            raise InputError(
                f"a CMS structure of type {info['content_type'].native}, not signed data",
                path=path,
                hint="a signed profile is CMS SignedData with the plist attached",
            )
        signed = info["content"]
        content = signed["encap_content_info"]["content"].native
        signer = _signer(signed, signature_status(data, info))
    except ASN1_DAMAGE as error:
        raise InputError(
            f"starts like a signed profile (DER) but cannot be decoded: {type(error).__name__}",
            path=path,
            hint="sign with `security cms -S` or `openssl smime -sign -nodetach -outform der`",
        ) from None
    if not isinstance(content, bytes) or not content:
        raise InputError(
            "the signature is detached: the profile itself is not in the file",
            path=path,
            hint="sign with -nodetach so the plist travels inside the signature",
        )
    return content, signer


def _signer(signed: Any, status: str) -> Signer | None:
    from profilegen.signing.der import certificates_of, same_name

    infos = signed["signer_infos"]
    if not len(infos):
        return None
    first = infos[0]
    sid = first["sid"]
    certificate = None
    for cert in certificates_of(signed):  # attribute, extended or other certificates are not a signer's
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.serial_number == wanted["serial_number"].native and same_name(cert.issuer, wanted["issuer"]):
                certificate = cert
        elif cert.key_identifier == sid.chosen.native:
            certificate = cert
    digest = str(first["digest_algorithm"]["algorithm"].native)
    if certificate is None:
        return Signer("(certificate not included)", "", 0, None, None, digest, status)
    validity = certificate["tbs_certificate"]["validity"]
    return Signer(
        subject=certificate.subject.human_friendly,
        issuer=certificate.issuer.human_friendly,
        serial=certificate.serial_number,
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
        digest_algorithm=digest,
        status=status,
    )
