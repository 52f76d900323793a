"""The signer's identity: certificate, private key and intermediates, from PEM files or a PKCS#12.

Passwords come from an environment variable named by the user or from a prompt without echo on a
terminal, never from the command line. No message here ever contains a password or key material:
errors name the file and say what to fix.
"""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from profilegen.errors import InputError, SigningError, UsageError
from profilegen.inputfile import read_input
from profilegen.limits import CREDENTIAL_MAX_BYTES
from profilegen.plisttypes import utc_text
from profilegen.signing.certs import display_name, load_certificates

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PasswordPrompt = Callable[[str], str]

@dataclass(frozen=True)
class SignerIdentity:
    """What signing needs. ``origin`` names the files it came from, for messages."""

    certificate: x509.Certificate
    private_key: SigningKey
    chain: tuple[x509.Certificate, ...] = ()
    origin: str = "the signing identity"


@dataclass
class _PasswordSource:
    """Where a password comes from; asked at most once, so a p12 and its key share one answer."""

    env_var: str | None
    prompt: PasswordPrompt | None
    _cached: bytes | None = field(default=None, repr=False)

    def get(self, what: str) -> bytes:
        if self._cached is not None:
            return self._cached
        if self.env_var is not None:
            # What --password-env was given is never shown: it may be the password itself, typed there
            # by mistake, and a message would carry it into CI logs.
            if not _is_variable_name(self.env_var):
                raise UsageError(
                    "--password-env takes the name of an environment variable (letters, digits and _), "
                    "not the password itself; what was given is not such a name (not shown)",
                    hint="export the password in a variable, e.g. P12_PASSWORD, and give --password-env P12_PASSWORD",
                )
            value = os.environ.get(self.env_var)
            if value is None:
                raise UsageError(
                    "the environment variable named by --password-env is not set "
                    "(its name is not shown, in case it is the password itself)",
                    hint="export it before running, e.g. from your CI secrets; "
                    "--password-env takes the variable's name, never the password",
                )
            self._cached = value.encode()
        elif self.prompt is not None:
            self._cached = self.prompt(f"Password for {what}: ").encode()
        else:
            raise SigningError(
                f"{what} needs a password and there is no terminal to ask on",
                hint="put it in an environment variable and name it with --password-env VAR",
            )
        return self._cached


def _is_variable_name(text: str) -> bool:
    """A portable environment variable name: ASCII letters, digits and _, not starting with a digit."""
    return bool(text) and text.isascii() and (text[0].isalpha() or text[0] == "_") \
        and text.replace("_", "a").isalnum()


def terminal_prompt() -> PasswordPrompt | None:
    """A no-echo prompt when stdin is a terminal, else None (so a CI run fails instead of hanging)."""
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass


def _as_signing_key(key: object, path: Path) -> SigningKey:
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return key
    raise SigningError(
        f"the private key is a {type(key).__name__.lstrip('_')}, which CMS profile signing does not support",
        path=path,
        hint="use an RSA or EC (ECDSA) key",
    )


def _load_pem_key(path: Path, password: _PasswordSource) -> SigningKey:
    data = read_input(path, what="private key", limit=CREDENTIAL_MAX_BYTES)
    if b"PRIVATE KEY-----" not in data:
        raise InputError("not a PEM private key (no -----BEGIN ... PRIVATE KEY----- block)", path=path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:  # encrypted: cryptography asks for a password
        try:
            key = serialization.load_pem_private_key(data, password=password.get(path.name))
        except ValueError:
            raise SigningError("wrong passphrase for the private key", path=path) from None
    except ValueError:
        raise InputError("cannot read the private key: malformed or unsupported PEM", path=path) from None
    except UnsupportedAlgorithm:
        raise InputError("cannot read the private key: unsupported algorithm", path=path) from None
    return _as_signing_key(key, path)


def load_pem_identity(
    cert: Path,
    key: Path,
    chain: Sequence[Path] = (),
    *,
    password_env: str | None = None,
    prompt: PasswordPrompt | None = None,
) -> SignerIdentity:
    """Certificate and key as PEM, intermediates from zero or more PEM files."""
    certificates = load_certificates(cert, "certificate")
    private_key = _load_pem_key(key, _PasswordSource(password_env, prompt))
    leaf = _pick_leaf(certificates, private_key, cert, key)
    extra = [c for c in certificates if c != leaf]
    for path in chain:
        extra.extend(load_certificates(path, "chain certificate file"))
    return SignerIdentity(leaf, private_key, tuple(_unique(extra)), origin=f"{cert} + {key}")


def load_p12_identity(
    p12: Path, *, password_env: str | None = None, prompt: PasswordPrompt | None = None
) -> SignerIdentity:
    """An identity exported from Keychain (or by ``openssl pkcs12 -export``): key, certificate, chain."""
    data = read_input(p12, what="PKCS#12 file", limit=CREDENTIAL_MAX_BYTES)
    _check_pkcs12_structure(data, p12)
    source = _PasswordSource(password_env, prompt)
    loaded = None
    if password_env is None:
        # An identity exported without a password opens without asking.
        for empty in (None, b""):
            try:
                loaded = pkcs12.load_key_and_certificates(data, empty)
                break
            except (ValueError, UnsupportedAlgorithm):
                continue
    if loaded is None:
        try:
            loaded = pkcs12.load_key_and_certificates(data, source.get(p12.name))
        except ValueError:
            raise SigningError(
                "wrong password for the PKCS#12 file",
                path=p12,
                hint="check the variable named by --password-env, or re-export the identity",
            ) from None
        except UnsupportedAlgorithm:
            raise SigningError(
                "the PKCS#12 file uses an encryption this system cannot open", path=p12
            ) from None
    private_key, certificate, additional = loaded
    if private_key is None:
        raise SigningError("the PKCS#12 file holds no private key", path=p12, hint="export the identity, "
                           "not only the certificate (Keychain Access: My Certificates > Export)")
    if certificate is None:
        raise SigningError("the PKCS#12 file holds no certificate for its private key", path=p12)
    key = _as_signing_key(private_key, p12)
    return SignerIdentity(certificate, key, tuple(_unique(list(additional))), origin=str(p12))


def load_identity(
    *,
    cert: Path | None = None,
    key: Path | None = None,
    chain: Sequence[Path] = (),
    p12: Path | None = None,
    password_env: str | None = None,
    prompt: PasswordPrompt | None = None,
) -> SignerIdentity:
    """The identity named by the CLI options (``--cert/--key/--chain`` or ``--p12``), checked for sense.

    ``sign`` and ``build --sign`` both call this: ``load_identity(..., prompt=terminal_prompt())``.
    """
    if p12 is not None:
        if cert is not None or key is not None:
            raise UsageError("give either --p12 or --cert and --key, not both")
        identity = load_p12_identity(p12, password_env=password_env, prompt=prompt)
        if chain:
            extra = [c for path in chain for c in load_certificates(path, "chain certificate file")]
            identity = SignerIdentity(
                identity.certificate,
                identity.private_key,
                tuple(_unique([*identity.chain, *extra])),
                identity.origin,
            )
        return identity
    if cert is None or key is None:
        raise UsageError(
            "no signing identity: give --cert CERT.pem and --key KEY.pem, or --p12 IDENTITY.p12"
        )
    return load_pem_identity(cert, key, chain, password_env=password_env, prompt=prompt)


def public_key_der(key: SigningKey | x509.Certificate) -> bytes:
    public = key.public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _pick_leaf(
    certificates: list[x509.Certificate], key: SigningKey, cert_path: Path, key_path: Path
) -> x509.Certificate:
    wanted = public_key_der(key)
    for certificate in certificates:
        if public_key_der(certificate) == wanted:
            return certificate
    raise SigningError(
        f"the private key in {key_path} does not match the certificate in {cert_path}",
        hint="pass the key that was generated with this certificate's request",
    )


def check_identity(identity: SignerIdentity, *, allow_expired: bool, now: datetime.datetime) -> None:
    """Refuse an identity that a Mac would not accept: mismatched key, no digital-signature use, dates."""
    leaf = identity.certificate
    if public_key_der(leaf) != public_key_der(identity.private_key):
        raise SigningError(f"the private key does not match the certificate ({identity.origin})")
    subject = display_name(leaf.subject)
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not usage.digital_signature:
        raise SigningError(
            f"the certificate {subject} does not allow digital signatures (its key usage lacks "
            "digitalSignature)",
            hint="use a signing identity such as Developer ID Installer/Application or an S/MIME or "
            "code-signing certificate from your CA",
        )
    if allow_expired:
        return
    for certificate, role in [(leaf, "certificate"), *((c, "chain certificate") for c in identity.chain)]:
        name = display_name(certificate.subject)
        if now > certificate.not_valid_after_utc:
            raise SigningError(
                f"the {role} {name} expired on {utc_text(certificate.not_valid_after_utc)}",
                hint="renew it, or pass --allow-expired to sign anyway (Macs will refuse the profile)",
            )
        if now < certificate.not_valid_before_utc:
            raise SigningError(
                f"the {role} {name} is not valid until {utc_text(certificate.not_valid_before_utc)}",
                hint="check the clock, or pass --allow-expired to sign anyway",
            )





def _unique(certificates: list[x509.Certificate]) -> list[x509.Certificate]:
    seen: list[x509.Certificate] = []
    for certificate in certificates:
        if certificate not in seen:
            seen.append(certificate)
    return seen


def _check_pkcs12_structure(data: bytes, path: Path) -> None:
    """Tell a file that is not PKCS#12 at all (input error) from a wrong password (signing error)."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=False)
        _ = pfx["version"].native
        _ = pfx["auth_safe"]["content_type"].native
    except (ValueError, TypeError):
        raise InputError(
            "not a PKCS#12 file (.p12/.pfx)", path=path, hint="export the identity from Keychain as .p12"
        ) from None
