"""Credentials come from the environment only, never from a preset or an option."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from profilegen.errors import UsageError
from profilegen.upload.secret import Secret

JAMF_CLIENT_ID = "PROFILEGEN_JAMF_CLIENT_ID"
JAMF_CLIENT_SECRET = "PROFILEGEN_JAMF_CLIENT_SECRET"  # noqa: S105 (a variable name, not a secret)
JAMF_USERNAME = "PROFILEGEN_JAMF_USERNAME"
JAMF_PASSWORD = "PROFILEGEN_JAMF_PASSWORD"  # noqa: S105
INTUNE_CLIENT_ID = "PROFILEGEN_INTUNE_CLIENT_ID"
INTUNE_CLIENT_SECRET = "PROFILEGEN_INTUNE_CLIENT_SECRET"  # noqa: S105


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: Secret


@dataclass(frozen=True)
class UserCredentials:
    username: str
    password: Secret


def jamf_credentials(env: Mapping[str, str], *, dry_run: bool = False) -> ClientCredentials | UserCredentials:
    """The API client if its variables are set (preferred), else the user account."""
    client_id, secret = env.get(JAMF_CLIENT_ID, ""), env.get(JAMF_CLIENT_SECRET, "")
    user, password = env.get(JAMF_USERNAME, ""), env.get(JAMF_PASSWORD, "")
    if client_id or secret:
        _both(JAMF_CLIENT_ID, client_id, JAMF_CLIENT_SECRET, secret, dry_run)
        return ClientCredentials(client_id or "CLIENT_ID", Secret(secret))
    if user or password:
        _both(JAMF_USERNAME, user, JAMF_PASSWORD, password, dry_run)
        return UserCredentials(user or "USERNAME", Secret(password))
    if dry_run:
        return ClientCredentials("CLIENT_ID", Secret(""))
    raise UsageError(
        f"no Jamf Pro credentials: set {JAMF_CLIENT_ID} and {JAMF_CLIENT_SECRET} (an API client, preferred) "
        f"or {JAMF_USERNAME} and {JAMF_PASSWORD}",
        hint="in CI, from the CI system's secret store",
    )


def intune_credentials(env: Mapping[str, str], *, dry_run: bool = False) -> ClientCredentials:
    client_id, secret = env.get(INTUNE_CLIENT_ID, ""), env.get(INTUNE_CLIENT_SECRET, "")
    if not (client_id or secret) and not dry_run:
        raise UsageError(
            f"no Intune credentials: set {INTUNE_CLIENT_ID} and {INTUNE_CLIENT_SECRET} "
            "(an Entra ID app registration with a client secret)",
            hint="in CI, from the CI system's secret store",
        )
    _both(INTUNE_CLIENT_ID, client_id, INTUNE_CLIENT_SECRET, secret, dry_run)
    return ClientCredentials(client_id or "CLIENT_ID", Secret(secret))


def _both(id_name: str, id_value: str, secret_name: str, secret_value: str, dry_run: bool) -> None:
    if dry_run:
        return
    missing = [name for name, value in ((id_name, id_value), (secret_name, secret_value)) if not value]
    if missing:
        raise UsageError(f"{missing[0]} is not set", hint=f"set both {id_name} and {secret_name}")
