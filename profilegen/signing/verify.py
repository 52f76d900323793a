"""Verify a signed profile: content digest, signature over the signed attributes, dates, chain to a CA.

cryptography has no CMS verify API, so the steps of RFC 5652 section 5.4 are done here: asn1crypto
parses the structure and its certificates (profilegen.signing.carried), the messageDigest attribute is
compared with a digest of the content, and the signature is checked over the DER of the signed attributes
re-tagged as a SET OF, with cryptography's rsa and ec keys. ``openssl cms -verify`` is the independent
check in the tests. Revocation (CRL, OCSP) is not checked.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from profilegen.errors import InputError
from profilegen.plisttypes import utc_text
from profilegen.signing import ASN1_DAMAGE
from profilegen.signing.carried import (
    HASHES,
    Carried,
    DamagedCertificate,
    Unsupported,
    UnsupportedParameters,
    carried,
    certificate_digest,
    check_signature,
    from_der,
)
from profilegen.signing.der import SignedProfile, damaged_certificate, parse_signed_data, same_name

REACHES_CA = "reaches CA"
DOES_NOT_REACH_CA = "does not reach CA"
NOT_CHECKED = "not checked"

_MAX_CHAIN = 8
_DATA_OID = "1.2.840.113549.1.7.1"


class VerifyReport:
    """What ``verify`` found. ``problems`` are failures (exit non-zero); ``notes`` are not. Filled in as
    the checks run (a plain class, not a dataclass: defining one compiles code, at every read of a signed
    profile)."""

    def __init__(self, content: bytes, certificate_count: int = 0) -> None:
        self.content = content
        self.certificate_count = certificate_count
        self.signer_subject = "(signer certificate not found)"
        self.signer_issuer = ""
        self.not_before: datetime.datetime | None = None
        self.not_after: datetime.datetime | None = None
        self.digest_algorithm = ""
        self.signature_algorithm = ""
        self.signing_time: datetime.datetime | None = None
        self.content_intact = False
        self.signature_valid = False
        self.chain = NOT_CHECKED
        self.chain_subjects: list[str] = []
        self.problems: list[str] = []
        self.notes: list[str] = []

    @property
    def ok(self) -> bool:
        return self.signature_valid and not self.problems

    @property
    def status(self) -> str:
        """One line for ``show`` and ``diff``."""
        if not self.content_intact and self.problems:
            return f"signature invalid: {self.problems[0]}"
        if not self.signature_valid:
            return "signature invalid" + (f": {self.problems[0]}" if self.problems else "")
        if self.problems:
            return "signature valid, but " + "; ".join(self.problems)
        return "verified"

    def lines(self) -> list[str]:
        """The human report printed by ``profilegen verify``."""
        out = [
            f"Signer:     {self.signer_subject}",
            f"Issuer:     {self.signer_issuer or '-'}",
            f"Valid from: {_when(self.not_before)}",
            f"Valid to:   {_when(self.not_after)}",
        ]
        if self.signing_time is not None:
            out.append(f"Signed at:  {_when(self.signing_time)}")
        out += [
            f"Digest:     {self.digest_algorithm or '-'}, signature {self.signature_algorithm or '-'}",
            f"Content:    {len(self.content)} bytes, "
            + ("matches the signed digest" if self.content_intact else "DOES NOT match the signed digest"),
            f"Signature:  {'valid' if self.signature_valid else 'INVALID'}",
            f"Chain:      {self.chain}"
            + (" (" + " <- ".join(self.chain_subjects) + ")" if self.chain == REACHES_CA else "")
            + (" (no --ca given)" if self.chain == NOT_CHECKED else ""),
        ]
        out += [f"Note:       {note}" for note in self.notes]
        if not self.ok:  # the failure is said once, by the error the command raises with ``status``
            return out
        if self.chain == NOT_CHECKED:
            out.append("Result:     signature intact; signer not trusted: without --ca the chain to a trusted "
                       "CA was not checked (anyone can make a certificate with this name)")
        else:
            out.append("Result:     verified: signature intact, and the chain reaches the CA given with --ca")
        return out


def _when(moment: datetime.datetime | None) -> str:
    return "-" if moment is None else utc_text(moment)


def load_ca(path: Path) -> list[Carried]:
    """Trust anchors for ``verify --ca``: every certificate in a PEM file (or one DER certificate), read
    by cryptography (which refuses a damaged one), then as the certificates of a signature are."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from profilegen.signing.certs import load_certificates

    certificates = load_certificates(path, "CA file")
    if not certificates:
        raise InputError("no certificate in the CA file", path=path)
    try:
        return [from_der(certificate.public_bytes(Encoding.DER)) for certificate in certificates]
    except DamagedCertificate as error:
        raise InputError(f"a damaged certificate in the CA file ({error})", path=path) from None


def verify(
    data: bytes,
    ca: Sequence[Carried] | None = None,
    *,
    source: Path | str | None = None,
    now: datetime.datetime | None = None,
    info: Any = None,
) -> VerifyReport:
    """Check a signed profile. Raises InputError only when ``data`` is not a signed profile at all
    (or is too damaged to read); every other failure is in the report's ``problems``. ``info``: its
    ContentInfo, already decoded (see ``parse_signed_data``).
    """
    parsed = parse_signed_data(data, source, info=info)
    report = VerifyReport(content=parsed.content, certificate_count=len(parsed.certificates))
    try:
        _verify_parsed(parsed, report, ca, now or datetime.datetime.now(datetime.UTC), source)
    except ASN1_DAMAGE:
        # asn1crypto parses fields lazily: a damaged signer field or attribute shows here.
        raise InputError(
            "damaged signed profile: a certificate or signer field cannot be parsed", path=source
        ) from None
    return report


def _verify_parsed(
    parsed: SignedProfile,
    report: VerifyReport,
    ca: Sequence[Carried] | None,
    now: datetime.datetime,
    source: Path | str | None,
) -> None:
    if parsed.content_type != _DATA_OID:
        report.problems.append(f"the signed content type is {parsed.content_type}, not data (a plist)")
    signer_infos = list(parsed.signed_data["signer_infos"])
    if not signer_infos:
        report.problems.append("the file has no signer")
        return
    if len(signer_infos) > 1:
        report.notes.append(f"{len(signer_infos)} signers; only the first was checked")
    signer_info = signer_infos[0]
    report.digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
    report.signature_algorithm = signer_info["signature_algorithm"].signature_algo
    if report.digest_algorithm not in HASHES:
        report.problems.append(f"unsupported digest algorithm {report.digest_algorithm}")
        return
    if report.digest_algorithm == "sha1":
        report.notes.append(
            "signed with SHA-1, which is weak: re-sign with SHA-256 (profilegen sign --resign)"
        )

    signed_bytes = _check_signed_attributes(signer_info, parsed.content, report)
    try:  # all read: damage is refused
        pool = [carried(c) for c in parsed.certificates]
    except DamagedCertificate as error:
        raise damaged_certificate(error, source) from None
    signer = _find_signer(signer_info, parsed.certificates)
    if signer is None:
        report.problems.append(
            "the signer's certificate is not in the file, so the signature cannot be checked"
        )
        return
    certificate = pool[parsed.certificates.index(signer)]
    report.signer_subject = certificate.subject
    report.signer_issuer = certificate.issuer
    report.not_before = certificate.not_before
    report.not_after = certificate.not_after
    signature_ok = _check_signature(certificate, signer_info, signed_bytes, report)
    report.signature_valid = report.content_intact and signature_ok
    _check_dates(certificate, "the signer's certificate", now, report)
    _check_key_usage(certificate, report)
    if ca is not None:
        _check_chain(certificate, pool, list(ca), now, report)


def _check_signed_attributes(signer_info: Any, content: bytes, report: VerifyReport) -> bytes:
    """Compare messageDigest with the content's digest; return the bytes the signature covers."""
    digest = hashlib.new(report.digest_algorithm, content).digest()
    attributes = signer_info["signed_attrs"]
    if not attributes:  # no signed attributes: the signature is over the content itself
        report.content_intact = True
        return content
    values: dict[str, Any] = {}
    for attribute in attributes:
        values[attribute["type"].native] = attribute["values"]
    message_digest = values.get("message_digest")
    if message_digest is None or len(message_digest) != 1:
        report.problems.append("the signed attributes have no messageDigest")
    elif message_digest[0].native != digest:
        report.problems.append("the content does not match the signed digest: it was altered after signing")
    else:
        report.content_intact = True
    content_type = values.get("content_type")
    if content_type is None or content_type[0].dotted != _DATA_OID:
        report.problems.append("the signed attributes do not name the content type as data")
    signing_time = values.get("signing_time")
    if signing_time is not None and len(signing_time) == 1:
        moment = signing_time[0].native
        if isinstance(moment, datetime.datetime):
            report.signing_time = moment.astimezone(datetime.UTC)
    # The signature covers the attributes' DER with the SET OF tag, not the [0] IMPLICIT one in the file.
    encoded: bytes = attributes.dump()
    return b"\x31" + encoded[1:]


def _find_signer(signer_info: Any, certificates: Sequence[Any]) -> Any | None:
    sid = signer_info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.serial_number == wanted["serial_number"].native
                and same_name(certificate.issuer, wanted["issuer"])
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def _check_signature(
    certificate: Carried, signer_info: Any, signed_bytes: bytes, report: VerifyReport
) -> bool:
    signature: bytes = signer_info["signature"].native
    algorithm = report.signature_algorithm
    try:
        if check_signature(certificate.public_key, signer_info["signature_algorithm"],
                           report.digest_algorithm, signature, signed_bytes):
            return True
    except UnsupportedParameters:
        report.problems.append(f"the {algorithm} signature cannot be checked (unsupported parameters)")
        return False
    except Unsupported:
        kind = certificate.key_kind
        report.problems.append(f"unsupported signature algorithm {algorithm} for the signer's {kind} key")
        return False
    report.problems.append(
        "the signature does not verify with the signer's certificate: the signed attributes or the "
        "signature were altered"
    )
    return False


def _check_dates(certificate: Carried, role: str, now: datetime.datetime, report: VerifyReport) -> None:
    if now > certificate.not_after:
        report.problems.append(f"{role} ({certificate.subject}) expired on {_when(certificate.not_after)}")
    elif now < certificate.not_before:
        since = _when(certificate.not_before)
        report.problems.append(f"{role} ({certificate.subject}) is not valid until {since}")


def _check_key_usage(certificate: Carried, report: VerifyReport) -> None:
    if not certificate.signs:
        report.problems.append("the signer's certificate does not allow digital signatures (key usage)")


def _issued_by(child: Carried, parent: Carried) -> bool:
    """Names chain and ``parent``'s key verifies ``child``'s signature (SHA-1 included, which older
    Apple intermediates, and the certificates they issued, still carry)."""
    if not same_name(child.issuer_name, parent.subject_name):
        return False
    try:
        return check_signature(parent.public_key, child.signature_algorithm, certificate_digest(child),
                               child.signature, child.tbs)
    except Unsupported:
        return False


def _check_chain(
    leaf: Carried,
    pool: list[Carried],
    anchors: list[Carried],
    now: datetime.datetime,
    report: VerifyReport,
) -> None:
    """Walk issuer links from the signer through the file's certificates to one of ``anchors``."""
    path = [leaf]
    current = leaf
    for _ in range(_MAX_CHAIN):
        if any(anchor.der == current.der for anchor in anchors):
            report.chain, report.chain_subjects = REACHES_CA, [c.subject for c in path]
            return
        anchor = next((a for a in anchors if a.is_ca and _issued_by(current, a)), None)
        if anchor is not None:
            path.append(anchor)
            _check_dates(anchor, "the CA certificate", now, report)
            report.chain, report.chain_subjects = REACHES_CA, [c.subject for c in path]
            return
        walked = {c.der for c in path}
        issuer = next((c for c in pool if c.der not in walked and c.is_ca and _issued_by(current, c)), None)
        if issuer is None:
            break
        _check_dates(issuer, "the intermediate certificate", now, report)
        path.append(issuer)
        current = issuer
    report.chain = DOES_NOT_REACH_CA
    report.chain_subjects = [c.subject for c in path]
    report.problems.append(
        f"the certificate chain does not reach the CA given with --ca (it stops at "
        f"{current.subject}, issued by {current.issuer})"
    )
