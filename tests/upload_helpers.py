"""Shared pieces of the upload tests: a profile to send, clients wired to the local servers, secret checks."""

from __future__ import annotations

import plistlib
import traceback
import uuid
from io import StringIO
from typing import Any

from profilegen.upload.auth import AuthorizedSession, EntraClientCredentials, JamfClientCredentials, JamfUserToken
from profilegen.upload.http import RetryPolicy, Transport
from profilegen.upload.intune import IntuneClient
from profilegen.upload.jamf import JamfClient
from profilegen.upload.secret import Secret
from tests.mdm_servers import (
    INTUNE_CLIENT_ID,
    INTUNE_CLIENT_SECRET,
    JAMF_CLIENT_ID,
    JAMF_CLIENT_SECRET,
    JAMF_PASSWORD,
    JAMF_USER,
    SECRETS,
    TENANT,
    FakeGraph,
    FakeJamf,
)

IDENTIFIER = "org.example.office.telemetry-off"


def mcx_profile(settings: dict[str, dict[str, Any]] | None = None, *, style: str = "mcx",
                removal_disallowed: bool = False) -> bytes:
    """A profile as profilegen builds it: one payload per domain, stable identifiers."""
    settings = settings or {
        "com.microsoft.Word": {"SendAllTelemetryEnabled": False, "UseOnlineContent": 0},
        "com.microsoft.errorreporting": {"IsAttachFilesEnabled": False, "Note": "a < b & c"},
    }
    payloads = []
    for domain, values in settings.items():
        identifier = f"{IDENTIFIER}.{domain}"
        payload: dict[str, Any] = {
            "PayloadIdentifier": identifier,
            "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, identifier)).upper(),
            "PayloadVersion": 1,
        }
        if style == "mcx":
            payload["PayloadType"] = "com.apple.ManagedClient.preferences"
            payload["PayloadContent"] = {domain: {"Forced": [{"mcx_preference_settings": values}]}}
        else:
            payload["PayloadType"] = domain
            payload.update(values)
        payloads.append(payload)
    profile = {
        "PayloadContent": payloads,
        "PayloadDisplayName": "Office: telemetry off",
        "PayloadDescription": "Usage telemetry off.",
        "PayloadIdentifier": IDENTIFIER,
        "PayloadRemovalDisallowed": removal_disallowed,
        "PayloadScope": "System",
        "PayloadType": "Configuration",
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, IDENTIFIER)).upper(),
        "PayloadVersion": 1,
    }
    return plistlib.dumps(profile, sort_keys=True)


class Recorder:
    """Sleeps that return at once and remember how long they were asked to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def transport(*, timeout: float = 5.0, attempts: int = 4, dry_run: StringIO | None = None,
              sleep: Recorder | None = None) -> Transport:
    policy = RetryPolicy(attempts=attempts, backoff=0.5, max_delay=30.0, sleep=sleep or Recorder())
    return Transport(timeout=timeout, retry=policy, dry_run=dry_run)


def jamf_client(server: FakeJamf, http: Transport, *, user: bool = False) -> tuple[JamfClient, Any]:
    tokens: JamfClientCredentials | JamfUserToken
    if user:
        tokens = JamfUserToken(server.url, JAMF_USER, Secret(JAMF_PASSWORD), http)
    else:
        tokens = JamfClientCredentials(server.url, JAMF_CLIENT_ID, Secret(JAMF_CLIENT_SECRET), http)
    return JamfClient(server.url, AuthorizedSession(http, tokens)), tokens


def intune_client(server: FakeGraph, http: Transport,
                  secret: str = INTUNE_CLIENT_SECRET) -> tuple[IntuneClient, EntraClientCredentials]:
    tokens = EntraClientCredentials(server.url, TENANT, graph_url=server.url, client_id=INTUNE_CLIENT_ID,
                                    client_secret=Secret(secret), transport=http)
    return IntuneClient(server.url, AuthorizedSession(http, tokens)), tokens


def shown_text(error: BaseException) -> str:
    """Everything a user could see of an error: its message, its repr and its whole traceback."""
    return str(error) + repr(error) + "".join(traceback.format_exception(error))


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, "a secret leaked into the output"
