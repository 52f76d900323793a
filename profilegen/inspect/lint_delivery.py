"""The rules on how a profile reaches Macs: what Intune's custom profile and Jamf Pro take, and its signature."""

from __future__ import annotations

import datetime

from profilegen.inspect.lint_context import Context
from profilegen.limits import INTUNE_MAX_BYTES


def intune(context: Context) -> None:
    document = context.document
    if document.signed:
        context.add(
            "intune-xml",
            None,
            "the profile is signed (DER); Intune's custom profile takes XML only",
            "upload the unsigned XML profile to Intune",
        )
    elif document.form == "binary":
        context.add(
            "intune-xml",
            None,
            "the profile is a binary plist; Intune's custom profile takes XML only",
            "convert it: `plutil -convert xml1 FILE`",
        )
    if document.form == "xml":
        encoding = (document.encoding or "UTF-8").upper().replace("_", "-")
        if document.bom:
            context.add(
                "intune-encoding",
                1,
                "the file starts with a UTF-8 byte-order mark; Intune refuses it "
                '("Must be a well formed XML string")',
                "save it as UTF-8 without BOM",
            )
        elif encoding not in ("UTF-8", "UTF8"):
            context.add(
                "intune-encoding",
                1,
                f"the file is encoded as {document.encoding}; Intune wants UTF-8",
                "convert it: `plutil -convert xml1 FILE` writes UTF-8",
            )
    if document.size > INTUNE_MAX_BYTES:
        context.add(
            "intune-size",
            None,
            f"{document.size:,} bytes; Intune's custom profile takes at most {INTUNE_MAX_BYTES:,}",
            "split it (`profilegen build --split`) into smaller profiles",
        )


def jamf(context: Context) -> None:
    if context.document.signed:
        context.add(
            "jamf-signed",
            None,
            "a signed profile cannot be uploaded through Jamf Pro's API "
            "(signing is stripped or refused); the web UI takes it but can no longer edit it",
            "upload the unsigned profile through the API, or the signed one by hand",
        )
        return
    for payload in context.profile.payloads:
        if payload.style == "custom":
            context.add(
                "jamf-unsigned-custom",
                payload.line,
                f"payload {payload.index + 1} is custom-style (PayloadType {payload.payload_type}); "
                "Jamf Pro strips unknown payload types from unsigned profiles",
                "build it in the mcx style (`profilegen build --style mcx`), or sign it",
            )


def signature(context: Context) -> None:
    signer = context.document.signer
    if signer is None:
        return
    from profilegen.inspect.cms import INVALID_PREFIX  # signed files only: cms is not loaded for the rest

    if signer.status.startswith(INVALID_PREFIX):
        context.add(
            "signature-invalid",
            None,
            f"signed by {signer.subject}, but the {signer.status}",
            "the content changed after signing or the signature is damaged: rebuild and sign again",
        )
    now = datetime.datetime.now(datetime.UTC)
    if signer.not_after is not None and signer.not_after < now:
        context.add(
            "signer-expired",
            None,
            f"the signing certificate expired on {signer.not_after:%Y-%m-%d} ({signer.subject})",
            "re-sign with a current certificate",
        )
    if signer.digest_algorithm in ("sha1", "md5"):
        context.add(
            "weak-digest",
            None,
            f"the signature uses {signer.digest_algorithm.upper()}",
            "re-sign with SHA-256",
        )
