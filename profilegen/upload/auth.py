"""Token providers: one small interface, a cached token until it expires, a fresh one after a 401.

- Jamf Pro API client (preferred): ``POST /api/oauth/token`` with client credentials (form).
- Jamf Pro user: ``POST /api/v1/auth/token`` with Basic auth; the Classic API then takes the Bearer token.
- Microsoft Entra ID: ``POST {authority}/{tenant}/oauth2/v2.0/token`` with client credentials and the
  Graph ``/.default`` scope.
"""

from __future__ import annotations

import base64
import datetime
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import ClassVar, Protocol
from urllib.parse import quote, urlencode

from profilegen.errors import RemoteError, UsageError
from profilegen.upload.http import Request, Response, Transport
from profilegen.upload.secret import REDACTED, Secret

_FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
_DRY_RUN_TOKEN = Secret("dry-run-token")


class TokenProvider(Protocol):
    def authorization(self) -> Secret:
        """The value of the Authorization header, e.g. ``Bearer eyJ...``."""

    def invalidate(self) -> None:
        """Forget the cached token: the server said it is no longer valid."""


class _CachedToken:
    """Fetches a token when there is none or it is about to expire; subclasses say how."""

    margin = 30.0  # seconds: renew this long before the server's expiry

    def __init__(self, transport: Transport, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.transport = transport
        self._clock = clock
        self._token: Secret | None = None
        self._expires = 0.0
        self.fetches = 0  # how many tokens were requested (the tests count them)

    def authorization(self) -> Secret:
        if self._token is None or self._clock() >= self._expires:
            token, lifetime = self._fetch()
            self.fetches += 1
            self.transport.redact.add(token)
            self._token = Secret(f"Bearer {token.reveal()}")
            self._expires = self._clock() + max(0.0, lifetime - min(self.margin, lifetime / 10))
        return self._token

    def invalidate(self) -> None:
        self._token = None

    def _fetch(self) -> tuple[Secret, float]:
        raise NotImplementedError

    def _post(self, request: Request, what: str, hints: Mapping[int, str]) -> Response | None:
        response = self.transport.send(request, what=what)
        if response.dry_run:
            return None
        return self.transport.expect(response, (200,), what=what, hints=hints)

    def _answer(self, response: Response, token_field: str, what: str) -> tuple[Secret, dict[str, object]]:
        data = response.json()
        if not isinstance(data, dict) or not isinstance(data.get(token_field), str):
            raise RemoteError(f"cannot {what}: the answer has no {token_field}")
        return Secret(data[token_field]), data


def _form(fields: dict[str, str], secret_field: str) -> tuple[bytes, str]:
    """The form body, and the same with the secret field shown as *** (for --dry-run)."""
    shown = {k: (REDACTED if k == secret_field else v) for k, v in fields.items()}
    return urlencode(fields).encode("ascii"), urlencode(shown, safe="*")


def _lifetime(value: object, default: float) -> float:
    return float(value) if isinstance(value, int | float) and value > 0 else default


class _ClientCredentials(_CachedToken):
    """The OAuth 2.0 client-credentials grant (RFC 6749 section 4.4), as Jamf Pro and Entra ID take it."""

    what: ClassVar[str]  # the subclasses say what is asked, and what to check when it is refused
    hints: ClassVar[dict[int, str]]

    def __init__(self, url: str, client_id: str, client_secret: Secret, transport: Transport, *,
                 extra: Mapping[str, str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(transport, clock=clock)
        self.url = url
        self.client_id = client_id
        self.client_secret = client_secret
        self.extra = dict(extra or {})
        transport.redact.add(client_secret)

    def _fetch(self) -> tuple[Secret, float]:
        body, shown = _form(
            {"grant_type": "client_credentials", "client_id": self.client_id,
             "client_secret": self.client_secret.reveal(), **self.extra},
            "client_secret",
        )
        response = self._post(Request("POST", self.url, _FORM, body, shown_body=shown), self.what, self.hints)
        if response is None:
            return _DRY_RUN_TOKEN, float("inf")
        token, data = self._answer(response, "access_token", self.what)
        return token, _lifetime(data.get("expires_in"), 300.0)


class JamfClientCredentials(_ClientCredentials):
    """A Jamf Pro API client (API Roles and Clients), preferred over a user account."""

    what = "get a Jamf Pro access token"
    hints: ClassVar[dict[int, str]] = {
        400: "check PROFILEGEN_JAMF_CLIENT_ID and PROFILEGEN_JAMF_CLIENT_SECRET",
        401: "Jamf refused the API client: check PROFILEGEN_JAMF_CLIENT_ID and "
        "PROFILEGEN_JAMF_CLIENT_SECRET, and that the client is enabled in Settings > API Roles and Clients",
    }

    def __init__(self, base_url: str, client_id: str, client_secret: Secret, transport: Transport,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(f"{base_url}/api/oauth/token", client_id, client_secret, transport, clock=clock)


class JamfUserToken(_CachedToken):
    """A Jamf Pro user account: Basic auth buys a Bearer token (Basic on the Classic API itself is off)."""

    what = "get a Jamf Pro token for the user"
    hints: ClassVar[dict[int, str]] = {
        401: "Jamf refused the user: check PROFILEGEN_JAMF_USERNAME and PROFILEGEN_JAMF_PASSWORD "
        "(single sign-on accounts cannot use the API; prefer an API client)",
    }

    def __init__(self, base_url: str, username: str, password: Secret, transport: Transport,
                 *, wall_clock: Callable[[], float] = time.time,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(transport, clock=clock)
        self.url = f"{base_url}/api/v1/auth/token"
        self.username = username
        self._basic = Secret(f"{username}:{password.reveal()}")
        self._wall_clock = wall_clock
        transport.redact.add(password, self._basic)

    def _fetch(self) -> tuple[Secret, float]:
        basic = Secret("Basic " + base64.b64encode(self._basic.reveal().encode("utf-8")).decode("ascii"))
        request = Request("POST", self.url, {"Accept": "application/json"}, None, auth=basic)
        response = self._post(request, self.what, self.hints)
        if response is None:
            return _DRY_RUN_TOKEN, float("inf")
        token, data = self._answer(response, "token", self.what)
        return token, self._seconds_until(data.get("expires"))

    def _seconds_until(self, expires: object) -> float:
        if not isinstance(expires, str):
            return 300.0
        try:
            when = datetime.datetime.fromisoformat(expires.replace("Z", "+00:00"))
        except ValueError:
            return 300.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        return max(0.0, when.timestamp() - self._wall_clock())


_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")


class EntraClientCredentials(_ClientCredentials):
    """An app registration in Microsoft Entra ID with a client secret (OAuth client credentials)."""

    what = "get a Microsoft Graph token from Entra ID"
    hints: ClassVar[dict[int, str]] = {
        400: "check --tenant, PROFILEGEN_INTUNE_CLIENT_ID and PROFILEGEN_INTUNE_CLIENT_SECRET "
        "(an expired client secret is refused too)",
        401: "Entra ID refused the client: check PROFILEGEN_INTUNE_CLIENT_ID and "
        "PROFILEGEN_INTUNE_CLIENT_SECRET",
    }

    def __init__(self, authority_url: str, tenant: str, *, graph_url: str, client_id: str,
                 client_secret: Secret, transport: Transport,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not _TENANT.match(tenant):
            raise UsageError(f"--tenant {tenant!r} is not a tenant ID or domain",
                             hint="use the directory (tenant) ID or e.g. contoso.onmicrosoft.com")
        super().__init__(f"{authority_url}/{quote(tenant, safe='')}/oauth2/v2.0/token", client_id, client_secret,
                         transport, extra={"scope": f"{graph_url}/.default"}, clock=clock)


class AuthorizedSession:
    """Sends with the provider's token; on a 401 it fetches a new token once and sends again."""

    def __init__(self, transport: Transport, tokens: TokenProvider) -> None:
        self.transport = transport
        self.tokens = tokens

    def send(self, request: Request, *, what: str) -> Response:
        response = self.transport.send(replace(request, auth=self.tokens.authorization()), what=what)
        if response.status == 401:
            self.tokens.invalidate()
            response = self.transport.send(replace(request, auth=self.tokens.authorization()), what=what)
        return response
