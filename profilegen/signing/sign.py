"""Sign a profile into DER CMS SignedData, and take the plist back out.

The Binary option keeps the content byte for byte (without it, line endings are rewritten and the plist
changes); SHA-256; the signer's certificate and its intermediates travel inside the signature.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from profilegen.errors import InputError, SigningError
from profilegen.signing import is_signed
from profilegen.signing.identity import SignerIdentity, check_identity


def require_profile(content: bytes, source: Path | str | None = None) -> None:
    """Raise InputError unless ``content`` is a plist (XML or binary) whose PayloadType is Configuration."""
    if is_signed(content):
        raise InputError("is signed already; this step wants the plain profile", path=source)
    from profilegen.inspect.read import load_bytes  # the parsers `show` uses: bounded, no entities

    try:
        root = load_bytes(content, str(source or "the profile")).root
    except InputError as error:
        detail = error.message.removeprefix("not a profile: ")
        raise InputError(
            f"not a configuration profile, not a property list: {detail}", path=source, hint=error.hint
        ) from None
    document = root.value if root is not None else None
    if not isinstance(document, dict):
        raise InputError("not a configuration profile: the top level is not a dictionary", path=source)
    payload_type = document.get("PayloadType")
    if payload_type != "Configuration":
        found = "missing" if payload_type is None else repr(payload_type)
        raise InputError(
            f"not a configuration profile: top-level PayloadType is {found}, expected 'Configuration'",
            path=source,
            hint=("a profile's top-level PayloadType is Configuration, the only value macOS installs: fix it (a "
                  "preset keeps an imported one in [profile.keys] PayloadType: remove that key)"
                  if isinstance(document.get("PayloadContent"), list)
                  else "sign a .mobileconfig, not a bare preferences plist"),
        )


def sign(
    content: bytes,
    signer: SignerIdentity,
    *,
    allow_expired: bool = False,
    resign: bool = False,
    source: Path | str | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    """DER CMS SignedData over ``content`` (attached, unchanged), SHA-256, chain included.

    Refuses an already-signed input unless ``resign``, which unwraps it and signs the plist inside.
    """
    if is_signed(content):
        if not resign:
            raise SigningError(
                "is signed already", path=source, hint="pass --resign to replace its signature with yours"
            )
        content = unsign(content, source=source)
    require_profile(content, source)
    check_identity(signer, allow_expired=allow_expired, now=now or datetime.datetime.now(datetime.UTC))
    builder = pkcs7.PKCS7SignatureBuilder().set_data(content)
    builder = builder.add_signer(signer.certificate, signer.private_key, hashes.SHA256())
    for certificate in signer.chain:
        builder = builder.add_certificate(certificate)
    return builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])


def unsign(data: bytes, *, source: Path | str | None = None) -> bytes:
    """The content of a signed profile, as it was signed. The signature is not checked here."""
    from profilegen.signing.der import parse_signed_data

    return parse_signed_data(data, source).content
