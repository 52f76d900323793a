"""`profilegen sign`, `verify` and `unsign`. Only typer here; the work is imported inside each command.

The identity options live in profilegen/commands/options.py, shared with `build --sign`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from profilegen.commands.help import epilog
from profilegen.commands.options import (
    ALLOW_EXPIRED_OPTION,
    CERT_OPTION,
    CHAIN_OPTION,
    KEY_OPTION,
    P12_OPTION,
    PASSWORD_ENV_OPTION,
)

_SIGN_IN = typer.Argument(
    ..., metavar="PROFILE", help="The profile to sign (.mobileconfig, XML or binary plist)."
)
_SIGN_OUT = typer.Option(..., "--out", "-o", metavar="OUT", help="Where to write the signed profile (DER).")
_RESIGN = typer.Option(False, "--resign", help="Replace the signature of a signed profile.")
_FORCE = typer.Option(False, "--force", help="Overwrite the output if it exists.")


def sign(
    profile: Path = _SIGN_IN,
    *,
    out: Path = _SIGN_OUT,
    cert: Path | None = CERT_OPTION,
    key: Path | None = KEY_OPTION,
    chain: list[Path] = CHAIN_OPTION,
    p12: Path | None = P12_OPTION,
    password_env: str | None = PASSWORD_ENV_OPTION,
    allow_expired: bool = ALLOW_EXPIRED_OPTION,
    resign: bool = _RESIGN,
    force: bool = _FORCE,
) -> None:
    """Sign a profile: DER CMS SignedData, content byte for byte, SHA-256, chain included."""
    from profilegen import atomic
    from profilegen.inputfile import read_input
    from profilegen.outpath import check_target
    from profilegen.printable import printable
    from profilegen.signing.certs import display_name
    from profilegen.signing.identity import load_identity, terminal_prompt
    from profilegen.signing.sign import sign as sign_profile

    check_target(out)
    atomic.check_writable([out], force=force)
    content = read_input(profile, what="profile")
    identity = load_identity(
        cert=cert, key=key, chain=chain, p12=p12, password_env=password_env, prompt=terminal_prompt()
    )
    signed = sign_profile(content, identity, allow_expired=allow_expired, resign=resign, source=profile)
    atomic.write_bytes(out, signed)
    typer.echo(printable(
        f"Signed {profile} -> {out} as {display_name(identity.certificate.subject)} "
        f"(SHA-256, {1 + len(identity.chain)} certificate(s) included)"
    ))


_VERIFY_IN = typer.Argument(..., metavar="SIGNED", help="The signed profile to check.")
_CA = typer.Option(
    None, "--ca", help="Trust anchor(s), PEM: check that the chain reaches them.", metavar="CA.pem"
)
_EXTRACT = typer.Option(
    None, "--extract", help="Write the signed plist here when verification passes.", metavar="OUT"
)


def verify(
    signed: Path = _VERIFY_IN,
    *,
    ca: Path | None = _CA,
    extract: Path | None = _EXTRACT,
    force: bool = _FORCE,
) -> None:
    """Check a signed profile's signature, dates and chain; exit non-zero if anything fails."""
    from profilegen import atomic
    from profilegen.errors import SigningError
    from profilegen.inputfile import read_input
    from profilegen.outpath import check_target
    from profilegen.printable import printable
    from profilegen.signing.verify import load_ca
    from profilegen.signing.verify import verify as verify_profile

    if extract is not None:
        check_target(extract)
        atomic.check_writable([extract], force=force)
    data = read_input(signed, what="signed profile")
    anchors = load_ca(ca) if ca is not None else None
    report = verify_profile(data, anchors, source=signed)
    typer.echo(printable(f"File:       {signed}"))
    for line in report.lines():  # subjects and issuers come from the certificates: escaped
        typer.echo(printable(line))
    if not report.ok:
        raise SigningError(
            f"verification failed: {report.status}",
            path=signed,
            hint="nothing extracted" if extract is not None else None,
        )
    if extract is not None:
        atomic.write_bytes(extract, report.content)
        typer.echo(printable(f"Extracted the signed profile to {extract}"))


_UNSIGN_IN = typer.Argument(..., metavar="SIGNED", help="The signed profile.")
_UNSIGN_OUT = typer.Option(..., "--out", "-o", metavar="OUT", help="Where to write the plain profile.")


def unsign(signed: Path = _UNSIGN_IN, *, out: Path = _UNSIGN_OUT, force: bool = _FORCE) -> None:
    """Write the plain profile inside a signed one (the signature is not checked: use verify)."""
    from profilegen import atomic
    from profilegen.inputfile import read_input
    from profilegen.outpath import check_target
    from profilegen.printable import printable
    from profilegen.signing.sign import unsign as unsign_profile

    check_target(out)
    atomic.check_writable([out], force=force)
    data = read_input(signed, what="signed profile")
    content = unsign_profile(data, source=signed)
    atomic.write_bytes(out, content)
    typer.echo(printable(f"Wrote {out} ({len(content)} bytes; signature removed, not checked)"))


def register(app: typer.Typer) -> None:
    app.command("sign", epilog=epilog("sign"))(sign)
    app.command("verify", epilog=epilog("verify"))(verify)
    app.command("unsign", epilog=epilog("unsign"))(unsign)
