"""Certificates carried in a signed profile, read with asn1crypto and checked once.

asn1crypto has already decoded them with the CMS structure, so verification reads them there, and takes
from cryptography only the key operations (rsa, ec): reading them again through cryptography.x509 would
cost every `validate`, `show` and `diff` of a signed profile 40 ms more of imports. asn1crypto parses
lazily and leniently, so each certificate is decoded whole and checked against DER's rules when it is
first seen (profilegen.signing.strict_der): a damaged one is one ``DamagedCertificate`` (a ValueError)
with a reason, never a traceback later or a lenient reading.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from profilegen.record import Record
from profilegen.signing import ASN1_DAMAGE
from profilegen.signing.names import Attribute, display
from profilegen.signing.strict_der import check_der

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "secp521r1": ec.SECP521R1,
}
_VERSIONS = ("v1", "v2", "v3")
_READ_ERRORS: tuple[type[Exception], ...] = (*ASN1_DAMAGE, UnsupportedAlgorithm)  # (a key cryptography refuses)


class DamagedCertificate(ValueError):
    """A certificate whose fields cannot be read; the message says which and why."""


class Unsupported(Exception):
    """A signature made with an algorithm (or for a kind of key) profilegen does not check."""


class UnsupportedParameters(Unsupported):
    """A signature algorithm profilegen checks, with parameters (a hash, PSS settings) it does not."""


class Carried(Record):
    """One certificate, with what verification reads of it. Two are the same certificate when their DER is."""

    der: bytes
    subject_name: Any  # asn1crypto Name: compared with same_name (RFC 5280), shown as ``subject``
    issuer_name: Any
    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    key_kind: str  # "rsa", "ec secp256r1", "dsa", "ed25519"...: as messages name it
    public_key: PublicKey | None  # None: a key kind profilegen does not check signatures with
    is_ca: bool
    signs: bool  # its key usage allows digital signatures (true without a key usage extension)
    tbs: bytes  # what its issuer signed
    signature: bytes
    signature_algorithm: Any  # asn1crypto SignedDigestAlgorithm


def carried(certificate: Any) -> Carried:
    """The fields of an asn1crypto certificate, each parsed now. Raises DamagedCertificate."""
    return from_der(certificate.dump())


# A repository's profiles are mostly signed by one identity and its chain: each certificate is read once
# per run. Only successes are kept: a damaged certificate raises again, naming each file that carries it.
# Read from an asn1crypto object of its own, not the run's shared one (der._shared): a decode
# that fails part way can leave asn1crypto's object half read, and a second look would then find no fault.
@lru_cache(maxsize=64)
def from_der(der: bytes) -> Carried:
    """One DER certificate's fields, each parsed now. Raises DamagedCertificate."""
    try:
        return _read(asn1_x509.Certificate.load(der), der)
    except DamagedCertificate:
        raise
    except AttributeError:  # (ASN1_DAMAGE: a REAL or INSTANCE OF, which asn1crypto cannot give a value of)
        raise DamagedCertificate("an element has a type no certificate holds (a damaged tag)") from None
    except _READ_ERRORS as error:
        raise DamagedCertificate(_reason(error)) from None


def _read(certificate: Any, der: bytes) -> Carried:
    tbs = certificate["tbs_certificate"]
    version = tbs["version"].native
    if version not in _VERSIONS:
        raise DamagedCertificate(f"its version is {version}, which no X.509 certificate has: v1 to v3 are 0 to 2")
    # Every field decoded, and DER's rules kept (asn1crypto reads BER leniently): what cryptography's strict
    # parser refused is refused here too. Once per distinct certificate in a run (about 2 ms).
    check_der(der)
    _ = certificate.native
    public_key = certificate.public_key
    if public_key.algorithm in ("rsa", "rsassa_pss"):
        check_der(public_key["public_key"].contents[1:])  # (after the BIT STRING's unused-bits octet)
    seen: set[str] = set()
    for extension in tbs["extensions"] or ():
        oid = extension["extn_id"].dotted
        if oid in seen:
            raise DamagedCertificate(f"the extension {oid} appears twice")
        seen.add(oid)
        if extension["extn_id"].native != oid:  # a kind asn1crypto reads (and cryptography did): DER inside
            check_der(extension["extn_value"].contents)
    validity = tbs["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if not (isinstance(not_before, datetime.datetime) and isinstance(not_after, datetime.datetime)):
        raise DamagedCertificate("its validity dates are not dates")
    usage = certificate.key_usage_value
    constraints = certificate.basic_constraints_value
    return Carried(
        der=der,
        subject_name=certificate.subject,
        issuer_name=certificate.issuer,
        subject=display(_attributes(certificate.subject)),
        issuer=display(_attributes(certificate.issuer)),
        not_before=not_before.astimezone(datetime.UTC),
        not_after=not_after.astimezone(datetime.UTC),
        key_kind=_key_kind(public_key),
        public_key=_public_key(public_key),
        is_ca=bool(constraints is not None and constraints["ca"].native),
        signs=usage is None or "digital_signature" in usage.native,
        tbs=tbs.dump(),
        signature=certificate["signature_value"].native,
        signature_algorithm=certificate["signature_algorithm"],
    )


def _attributes(name: Any) -> list[list[Attribute]]:
    """A Name's attributes as (OID, value): text where the value is text, else its encoded bytes."""
    rdns: list[list[Attribute]] = []
    for rdn in name.chosen:
        attributes: list[Attribute] = []
        for attribute in rdn:
            value = attribute["value"].native
            attributes.append((attribute["type"].dotted,
                               value if isinstance(value, str) else attribute["value"].contents))
        rdns.append(attributes)
    return rdns


def _key_kind(info: Any) -> str:
    if info.algorithm != "ec":
        return str(info.algorithm)
    kind, curve = info.curve
    return f"ec {curve}" if kind == "named" else "ec (a curve given by its parameters)"


def _public_key(info: Any) -> PublicKey | None:
    """The certificate's key as cryptography's key object, built from its numbers (cryptography's DER
    key loader would import its serialisation modules too)."""
    algorithm = info.algorithm
    if algorithm in ("rsa", "rsassa_pss"):
        numbers = info["public_key"].parsed
        return rsa.RSAPublicNumbers(numbers["public_exponent"].native, numbers["modulus"].native).public_key()
    if algorithm == "ec":
        kind, curve = info.curve
        if kind != "named" or curve not in _CURVES:
            return None
        return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[curve](), info["public_key"].native)
    return None


def check_signature(
    key: PublicKey | None, algorithm: Any, digest: str, signature: bytes, data: bytes
) -> bool:
    """Whether ``signature`` over ``data`` verifies with ``key``. ``algorithm``: the asn1crypto
    SignedDigestAlgorithm; ``digest``: the hash, when the algorithm itself does not name it (CMS signer
    infos). Raises Unsupported for a key or algorithm profilegen does not check, UnsupportedParameters
    for parameters."""
    try:
        name = algorithm.signature_algo
    except ValueError as error:  # an algorithm asn1crypto does not know
        raise Unsupported(algorithm["algorithm"].dotted) from error
    try:
        if name == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = algorithm["parameters"]
            mgf = padding.MGF1(_hash(params["mask_gen_algorithm"]["parameters"]["algorithm"].native))
            pss = padding.PSS(mgf=mgf, salt_length=params["salt_length"].native)
            key.verify(signature, data, pss, _hash(params["hash_algorithm"]["algorithm"].native))
        elif name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), _hash(digest))
        elif name == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_hash(digest)))
        else:
            raise Unsupported(name)
    except InvalidSignature:
        return False
    except (UnsupportedAlgorithm, KeyError, ValueError, TypeError) as error:
        raise UnsupportedParameters(name) from error
    return True


def certificate_digest(certificate: Carried) -> str:
    """The hash a certificate's own signature names ("sha256"...); "" when it names none."""
    try:
        return str(certificate.signature_algorithm.hash_algo)
    except ValueError:  # rsassa_pss names its hash in its parameters (check_signature reads them)
        return ""


def _hash(name: str) -> hashes.HashAlgorithm:
    algorithm = HASHES.get(name)
    if algorithm is None:
        raise UnsupportedParameters(name)
    return algorithm()


def _reason(error: Exception) -> str:
    """The library's words, bounded and single-line (it may quote bytes from the file)."""
    text = " ".join(str(error).split())[:120]
    return text if text.isprintable() and text else type(error).__name__
