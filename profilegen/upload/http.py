"""The HTTP transport of every upload: timeouts, bounded retries, https only, redacted errors, dry runs.

Plain http is for loopback addresses only and never goes through a proxy; https honours HTTPS_PROXY,
ALL_PROXY and NO_PROXY. A refused certificate is reported at once, never retried.

One ``Transport`` per run. ``send`` returns the server's answer whatever its status, after retrying what
is safe to retry; ``expect`` turns an unwanted status into a ``RemoteError`` that quotes the server and
says what to check. Nothing here prints a secret: the Authorization header is always shown as ``***``,
and every text shown is passed through the run's ``Redactor``.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import httpx

from profilegen.errors import RemoteError, UsageError
from profilegen.upload.secret import REDACTED, Redactor, Secret

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_ANSWER_BYTES = 20 * 1024 * 1024
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


class UncertainOutcome(RemoteError):
    """A request that changes something failed after it may have reached the server.

    Retrying blindly could create a second object; the caller looks first, then decides.
    """


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first one included
    backoff: float = 1.0  # seconds before the second try; doubles each time
    max_delay: float = 60.0  # no wait is longer than this, Retry-After included
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True, repr=False)
class Request:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    idempotent: bool = True  # False for POST: see UncertainOutcome
    auth: Secret | None = None  # the whole Authorization header value, kept out of ``headers``
    shown_body: str | None = None  # what --dry-run prints when the body holds a secret

    def __repr__(self) -> str:  # the body and headers may hold credentials: never in a traceback
        return f"Request({self.method} {urlsplit(self.url).path})"


@dataclass(frozen=True, repr=False)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    url: str
    dry_run: bool = False

    def __repr__(self) -> str:  # a token answer's body is a credential
        return f"Response({self.status} {urlsplit(self.url).path})"

    def json(self) -> object:
        try:
            return json.loads(self.body)
        except ValueError:
            raise RemoteError(f"{self.url} answered with something that is not JSON") from None


def check_url(url: str, *, option: str) -> str:
    """https only, except loopback addresses (tests, local proxies); no credentials inside the URL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise UsageError(f"{option} {url!r} is not a URL", hint="give it as https://HOST")
    if parts.username or parts.password:
        raise UsageError(
            f"{option} must not carry a user name or password",
            hint="credentials come from the PROFILEGEN_* environment variables",
        )
    if parts.scheme == "https":
        return url.rstrip("/")
    if parts.scheme == "http" and _is_loopback(host):
        return url.rstrip("/")
    raise UsageError(f"{option} {url!r} must use https", hint="only loopback addresses may use http")


def certificate_refused(exc: BaseException) -> bool:
    """Whether a connection failed because the server's certificate was refused (the cause httpx wraps)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Transport:
    """Sends requests (or, in a dry run, prints them) for one upload."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        ca_bundle: Path | None = None,
        redactor: Redactor | None = None,
        dry_run: TextIO | None = None,
    ) -> None:
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.redact = redactor or Redactor()
        self.dry_run = dry_run
        self._ca_bundle = ca_bundle
        self._client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            try:
                context = ssl.create_default_context(cafile=str(self._ca_bundle) if self._ca_bundle else None)
            except (OSError, ssl.SSLError) as exc:
                raise UsageError(f"--ca-bundle {self._ca_bundle}: cannot load it ({exc})") from None
            context.check_hostname = True
            context.verify_mode = ssl.CERT_REQUIRED
            try:
                # The environment's proxies (HTTPS_PROXY, ALL_PROXY, NO_PROXY) for https only: plain http
                # goes to loopback addresses alone (check_url), directly, so no proxy ever reads a secret
                # sent in clear. The "http://" mount overrides HTTP_PROXY and ALL_PROXY for http URLs.
                self._client = httpx.Client(
                    verify=context, timeout=self.timeout, follow_redirects=False, trust_env=True,
                    mounts={"http://": None},
                )
            except (ValueError, ImportError):  # an unknown proxy scheme, or SOCKS without socksio
                raise UsageError(  # the proxy URL itself may hold a password: not shown
                    "the proxy named by HTTPS_PROXY or ALL_PROXY cannot be used",
                    hint="profilegen takes an http:// or https:// proxy; or list the host in NO_PROXY",
                ) from None
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending --------------------------------------------------------------------------------

    def send(self, request: Request, *, what: str) -> Response:
        """The server's answer; network failures and 429/5xx are retried within the policy."""
        if self.dry_run is not None:
            self._print(request)
            return Response(status=0, headers={}, body=b"", url=request.url, dry_run=True)
        policy = self.retry
        for attempt in range(1, policy.attempts + 1):
            last = attempt == policy.attempts
            try:
                response = self._once(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError) as exc:
                # Never reached the server: safe to retry whatever the method. An untrusted certificate
                # will not heal on retry: said at once.
                if last or certificate_refused(exc):
                    raise self._network_error(request, what, exc, attempt) from None
                policy.sleep(self._delay(attempt, None))
                continue
            except httpx.TransportError as exc:
                if not request.idempotent:
                    raise UncertainOutcome(
                        f"cannot {what}: {self._describe(exc)} after the request was sent",
                        hint=f"{request.method} {self._short(request.url)}",
                    ) from None
                if last:
                    raise self._network_error(request, what, exc, attempt) from None
                policy.sleep(self._delay(attempt, None))
                continue
            if not request.idempotent and response.status >= 500:
                message = server_message(response)
                raise UncertainOutcome(
                    self.redact(f"cannot {what}: HTTP {response.status} from {self._short(request.url)}"
                                + (f": {message}" if message else "")),
                    hint="the server failed; try again later",
                )
            retryable = response.status in _RETRY_STATUSES and (request.idempotent or response.status == 429)
            if not retryable or last:
                return response
            policy.sleep(self._delay(attempt, response.headers.get("retry-after")))
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, request: Request) -> Response:
        http = self._http()
        headers = dict(request.headers)
        if request.auth is not None:
            headers["Authorization"] = request.auth.reveal()
        built = http.build_request(request.method, request.url, headers=headers, content=request.body)
        answer = http.send(built, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise RemoteError(
                        f"{self._short(request.url)} answered with more than {MAX_ANSWER_BYTES} bytes"
                    )
                chunks.append(chunk)
        finally:
            answer.close()
        headers = {k.lower(): v for k, v in answer.headers.items()}
        return Response(status=answer.status_code, headers=headers, body=b"".join(chunks), url=request.url)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """The server's Retry-After when it gave one, else exponential backoff; capped either way."""
        wanted = _parse_retry_after(retry_after)
        delay = wanted if wanted is not None else self.retry.backoff * float(1 << (attempt - 1))
        return min(delay, self.retry.max_delay)

    def _network_error(self, request: Request, what: str, exc: Exception, attempts: int) -> RemoteError:
        return RemoteError(
            f"cannot {what}: {self._describe(exc)} ({attempts} {'try' if attempts == 1 else 'tries'})",
            hint=f"check that {self._host(request.url)} is reachable from here, or try again later",
        )

    def _describe(self, exc: Exception) -> str:
        if isinstance(exc, httpx.TimeoutException):
            return f"no answer within {self.timeout:g} s"
        if certificate_refused(exc):
            return "the server's TLS certificate is not trusted (use --ca-bundle FILE for a private CA)"
        if isinstance(exc, httpx.ProxyError):
            return "the proxy (HTTPS_PROXY or ALL_PROXY) refused to connect to the server"
        if isinstance(exc, httpx.ConnectError):
            return "connection refused or host unknown"
        return "the connection was dropped"

    # -- answers ------------------------------------------------------------------------------

    def expect(
        self, response: Response, ok: tuple[int, ...], *, what: str, hints: Mapping[int, str] | None = None
    ) -> Response:
        """``response`` if its status is one of ``ok`` (or it is a dry run), else a RemoteError."""
        if response.dry_run or response.status in ok:
            return response
        message = server_message(response)
        text = f"cannot {what}: HTTP {response.status} from {self._short(response.url)}"
        if message:
            text += f": {message}"
        hint = (hints or {}).get(response.status) or _DEFAULT_HINTS.get(response.status)
        if hint is None and response.status >= 500:
            hint = "the server failed; try again later"
        raise RemoteError(self.redact(text), hint=self.redact(hint) if hint else None)

    # -- dry run ------------------------------------------------------------------------------

    def _print(self, request: Request) -> None:
        assert self.dry_run is not None
        lines = [f"{request.method} {request.url}"]
        headers = dict(request.headers)
        if request.auth is not None:
            scheme = request.auth.reveal().split(" ", 1)[0]
            headers["Authorization"] = f"{scheme} {REDACTED}"
        for name, value in headers.items():
            hidden = name.lower() in _SENSITIVE_HEADERS and not value.endswith(REDACTED)
            lines.append(f"{name}: {REDACTED if hidden else value}")
        if request.shown_body is not None:
            lines += ["", request.shown_body]
        elif request.body:
            lines += ["", request.body.decode("utf-8", errors="replace")]
        self.dry_run.write(self.redact("\n".join(lines)) + "\n\n")

    @staticmethod
    def _host(url: str) -> str:
        return urlsplit(url).netloc

    def _short(self, url: str) -> str:
        parts = urlsplit(url)
        return self.redact(f"{parts.scheme}://{parts.netloc}{parts.path}")


_DEFAULT_HINTS = {
    400: "the server refused the request as sent; its message above says which field",
    401: "the credentials were refused: check the client ID and secret (or user name and password)",
    404: "the address was not found: check the server URL",
    413: "the profile is too large for the server",
}


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait: Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, float(when.timestamp()) - time.time())


def server_message(response: Response) -> str:
    """The server's own words: Graph/Entra JSON errors, Jamf's HTML or XML pages, else plain text."""
    text = response.body[:4096].decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            return _clean(str(error.get("message") or error.get("code") or ""))
        parts = [str(data[k]) for k in ("error_description", "error", "message", "httpStatus") if data.get(k)]
        if "errors" in data and isinstance(data["errors"], list):
            parts += [str(e.get("description", e)) for e in data["errors"] if isinstance(e, dict)]
        return _clean(" ".join(parts[:2]))
    # Jamf's Classic API answers errors with a small HTML page: the <p> elements carry the message.
    paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", text, flags=re.IGNORECASE | re.DOTALL)
    if paragraphs:
        return _clean(" ".join(paragraphs))
    return _clean(re.sub(r"<[^>]+>", " ", text))


def _clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= 300 else text[:297] + "..."
