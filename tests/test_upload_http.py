"""The transport's rules: https only (loopback aside), redaction, Retry-After, credentials from env."""

from __future__ import annotations

import base64
import email.utils
import pickle
import time
from urllib.parse import quote_plus

import pytest

from profilegen.errors import UsageError
from profilegen.upload.credentials import ClientCredentials, UserCredentials, intune_credentials, jamf_credentials
from profilegen.upload.http import Request, Response, _parse_retry_after, check_url, server_message
from profilegen.upload.secret import Redactor, Secret


@pytest.mark.parametrize("url", ["https://jamf.example.com", "http://127.0.0.1:8443", "http://localhost:1",
                                 "http://[::1]:9000", "https://graph.microsoft.us/"])
def test_allowed_urls(url: str) -> None:
    assert check_url(url, option="--url") == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [("http://jamf.example.com", "must use https"), ("ftp://127.0.0.1", "must use https"),
     ("jamf.example.com", "not a URL"), ("https://admin:pw@jamf.example.com", "user name or password"),
     ("http://127.0.0.2.example.com", "must use https")],
)
def test_refused_urls(url: str, fragment: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_url(url, option="--url")
    assert fragment in str(caught.value)
    assert "pw" not in str(caught.value)


def test_secret_never_shows_itself() -> None:
    secret = Secret("s3cr3t-value")
    for shown in (str(secret), repr(secret), f"{secret}", f"{secret!r}", str([secret]), str({"k": secret})):
        assert "s3cr3t-value" not in shown
    assert secret.reveal() == "s3cr3t-value"
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_requests_and_answers_do_not_show_their_bodies() -> None:
    request = Request("POST", "https://h/api/oauth/token", {"X": "1"}, b"client_secret=hunter22",
                      auth=Secret("Bearer tok-hunter22"))
    answer = Response(200, {}, b'{"access_token": "tok-hunter22"}', "https://h/api/oauth/token")
    assert "hunter22" not in repr(request) + str(request) + repr(answer)


def test_redactor_catches_encoded_forms() -> None:
    redact = Redactor()
    redact.add(Secret("p@ss w/rd+1"), Secret("user:p@ss w/rd+1"))
    for form in ("p@ss w/rd+1", quote_plus("p@ss w/rd+1"), "p%40ss%20w%2Frd%2B1",
                 base64.b64encode(b"user:p@ss w/rd+1").decode()):
        assert redact(f"before {form} after") == "before *** after"


def test_retry_after_seconds_and_dates() -> None:
    assert _parse_retry_after("12") == 12.0
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < (_parse_retry_after(later) or 0) <= 30
    assert _parse_retry_after("soon") is None
    assert _parse_retry_after(None) is None


def test_server_messages_from_each_service() -> None:
    def answer(body: bytes) -> Response:
        return Response(400, {}, body, "https://x")

    assert server_message(answer(b'{"error": {"code": "BadRequest", "message": "Bad payload"}}')) == "Bad payload"
    assert server_message(answer(b'{"error": "invalid_client", "error_description": "AADSTS7000215: no"}')) \
        == "AADSTS7000215: no invalid_client"
    assert server_message(answer(b"<html><body><h1>Conflict</h1><p>Error: Duplicate name</p></body></html>")) \
        == "Error: Duplicate name"


def test_jamf_credentials_prefer_the_api_client() -> None:
    env = {"PROFILEGEN_JAMF_CLIENT_ID": "id", "PROFILEGEN_JAMF_CLIENT_SECRET": "sec",
           "PROFILEGEN_JAMF_USERNAME": "u", "PROFILEGEN_JAMF_PASSWORD": "p"}
    creds = jamf_credentials(env)
    assert isinstance(creds, ClientCredentials) and creds.client_secret.reveal() == "sec"
    user = jamf_credentials({"PROFILEGEN_JAMF_USERNAME": "u", "PROFILEGEN_JAMF_PASSWORD": "pw-XYZZY"})
    assert isinstance(user, UserCredentials) and "XYZZY" not in repr(user)


def test_missing_credentials_name_the_variables() -> None:
    with pytest.raises(UsageError, match="PROFILEGEN_JAMF_CLIENT_ID and PROFILEGEN_JAMF_CLIENT_SECRET"):
        jamf_credentials({})
    with pytest.raises(UsageError, match="PROFILEGEN_JAMF_CLIENT_SECRET is not set"):
        jamf_credentials({"PROFILEGEN_JAMF_CLIENT_ID": "id"})
    with pytest.raises(UsageError, match="PROFILEGEN_INTUNE_CLIENT_ID"):
        intune_credentials({})
    assert isinstance(jamf_credentials({}, dry_run=True), ClientCredentials)
