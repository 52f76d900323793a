"""The transport against real loopback servers: no proxy for plain http, none retried for a bad certificate.

A proxy on plain http would read the client secret in clear, so http (loopback only) goes direct whatever
HTTP_PROXY and ALL_PROXY say; https honours HTTPS_PROXY, ALL_PROXY and NO_PROXY. A certificate the client
refuses will not be trusted a second later: one connection, no retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from profilegen.errors import RemoteError, UsageError
from profilegen.upload.auth import JamfClientCredentials
from profilegen.upload.http import RetryPolicy, Transport
from profilegen.upload.jamf import JamfTarget
from profilegen.upload.secret import Secret
from tests.mdm_servers import JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, FakeJamf, running
from tests.net_servers import CountingTlsServer, RecordingProxy, TlsFiles, listening, make_tls_files
from tests.upload_helpers import Recorder, assert_no_secret, jamf_client, mcx_profile, shown_text, transport

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def jamf() -> Iterator[FakeJamf]:
    with running(FakeJamf) as server:
        yield server


def _tokens(url: str, http: Transport) -> JamfClientCredentials:
    return JamfClientCredentials(url, JAMF_CLIENT_ID, Secret(JAMF_CLIENT_SECRET), http)


def _transport(*, ca_bundle: Path | None = None, attempts: int = 4, sleep: Recorder | None = None) -> Transport:
    policy = RetryPolicy(attempts=attempts, backoff=0.5, sleep=sleep or Recorder())
    return Transport(timeout=5.0, retry=policy, ca_bundle=ca_bundle)


def test_plain_http_to_loopback_never_goes_through_a_proxy(monkeypatch: pytest.MonkeyPatch,
                                                          jamf: FakeJamf) -> None:
    with listening(RecordingProxy()) as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        client, _ = jamf_client(jamf, transport())
        result = client.upload(mcx_profile(), JamfTarget(name="Office"), source="p")
    assert result.action == "created"
    assert proxy.connections == 0  # the secret went to the loopback server alone
    assert_no_secret(*(r.decode("latin-1") for r in proxy.received))
    assert [s.path for s in jamf.requests("POST")][:1] == ["/api/oauth/token"]


def test_https_goes_through_the_https_proxy(monkeypatch: pytest.MonkeyPatch, tls_files: TlsFiles) -> None:
    with listening(RecordingProxy()) as proxy, listening(CountingTlsServer(tls_files)) as server:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # never used for https
        sleeps = Recorder()
        with pytest.raises(RemoteError) as caught:
            _tokens(server.url, _transport(ca_bundle=tls_files.ca, attempts=2, sleep=sleeps)).authorization()
    assert [r.split(b"\r\n")[0] for r in proxy.received] == [f"CONNECT 127.0.0.1:{server.port} HTTP/1.1".encode()] * 2
    assert server.connections == 0  # the proxy forwards nothing
    assert "the proxy (HTTPS_PROXY or ALL_PROXY) refused to connect to the server (2 tries)" in str(caught.value)
    assert_no_secret(shown_text(caught.value), *(r.decode("latin-1") for r in proxy.received))


def test_no_proxy_sends_https_directly(monkeypatch: pytest.MonkeyPatch, tls_files: TlsFiles) -> None:
    with listening(RecordingProxy()) as proxy, listening(CountingTlsServer(tls_files)) as server:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "example.org,127.0.0.1")
        with pytest.raises(RemoteError) as caught:
            _tokens(server.url, _transport(ca_bundle=tls_files.ca)).authorization()
    assert proxy.connections == 0
    assert server.handshakes == 1  # trusted through --ca-bundle, reached directly
    assert "HTTP 401" in str(caught.value)


def test_an_untrusted_certificate_is_not_retried(tls_files: TlsFiles) -> None:
    with listening(CountingTlsServer(tls_files)) as server:
        sleeps = Recorder()
        with pytest.raises(RemoteError) as caught:
            _tokens(server.url, _transport(attempts=4, sleep=sleeps)).authorization()  # no --ca-bundle
    assert server.connections == 1 and server.handshakes == 0
    assert sleeps.delays == []
    assert "the server's TLS certificate is not trusted (use --ca-bundle FILE for a private CA) (1 try)" \
        in str(caught.value)
    assert_no_secret(shown_text(caught.value))


def test_a_proxy_profilegen_cannot_use_is_a_usage_error_without_its_password(
        monkeypatch: pytest.MonkeyPatch, tls_files: TlsFiles) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "ftp://proxyuser:proxy-PASSWORD-91@127.0.0.1:9")
    with pytest.raises(UsageError) as caught:
        _tokens("https://127.0.0.1:9", _transport()).authorization()
    assert "the proxy named by HTTPS_PROXY or ALL_PROXY cannot be used" in str(caught.value)
    assert "proxy-PASSWORD-91" not in shown_text(caught.value)
