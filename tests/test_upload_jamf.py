"""Jamf Pro uploads against a local server that speaks the Classic API and checks what it receives."""

from __future__ import annotations

import logging
import plistlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest

from profilegen.errors import ExitCode, InputError, RemoteError, ValidationError
from profilegen.upload.http import UncertainOutcome
from profilegen.upload.jamf import JamfTarget
from tests.mdm_servers import JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, FakeJamf, running
from tests.samples import BASIC
from tests.upload_helpers import (
    IDENTIFIER,
    Recorder,
    assert_no_secret,
    jamf_client,
    mcx_profile,
    shown_text,
    transport,
)

TARGET = JamfTarget(name="Office: telemetry off", category="Microsoft", site=None)


@pytest.fixture
def jamf() -> Iterator[FakeJamf]:
    with running(FakeJamf) as server:
        yield server


@pytest.fixture(autouse=True)
def no_secret_in_output(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every request at DEBUG
    yield
    out, err = capsys.readouterr()
    assert_no_secret(out, err, caplog.text)


def general_of(body: bytes) -> dict[str, str]:
    root = ET.fromstring(body)
    assert root.tag == "os_x_configuration_profile"
    general = root.find("general")
    assert general is not None
    return {c.tag: (c.findtext("name") or "") if len(c) else (c.text or "") for c in general}


def test_create_sends_our_plist_in_the_general_payloads(jamf: FakeJamf) -> None:
    data = mcx_profile()
    client, _ = jamf_client(jamf, transport())
    result = client.upload(data, TARGET, source="office.mobileconfig")
    assert (result.action, result.object_id) == ("created", "1")
    token = jamf.requests("POST", "/api/oauth/token")[0]
    assert token.body.decode().count("client_secret=") == 1
    assert [s.method for s in jamf.seen] == ["POST", "GET", "POST"]
    create = jamf.requests("POST", "/JSSResource/osxconfigurationprofiles/id/0")[0]
    assert create.headers["authorization"].startswith("Bearer tok-")
    general = general_of(create.body)
    assert general["name"] == "Office: telemetry off"
    assert general["category"] == "Microsoft"
    assert general["distribution_method"] == "Install Automatically"
    assert general["level"] == "computer"
    assert general["user_removable"] == "true"
    assert general["redeploy_on_update"] == "All"
    assert general["description"] == "Usage telemetry off."
    assert plistlib.loads(general["payloads"].encode()) == plistlib.loads(data)
    assert b"<scope" not in create.body


def test_second_upload_updates_in_place_with_jamfs_identifiers(jamf: FakeJamf) -> None:
    data = mcx_profile()
    client, tokens = jamf_client(jamf, transport())
    client.upload(data, TARGET, source="office.mobileconfig")
    stored = jamf.stored_plist(1)
    assert stored["PayloadUUID"] != plistlib.loads(data)["PayloadUUID"]  # Jamf rewrote it

    changed = mcx_profile({"com.microsoft.Word": {"SendAllTelemetryEnabled": True}})
    result = client.upload(changed, TARGET, source="office.mobileconfig")

    assert (result.action, result.object_id) == ("updated", "1")
    assert list(jamf.profiles) == [1]  # one profile, never two
    put = jamf.requests("PUT")[0]
    assert put.path == "/JSSResource/osxconfigurationprofiles/id/1"
    sent = plistlib.loads(general_of(put.body)["payloads"].encode())
    assert sent["PayloadUUID"] == stored["PayloadUUID"]
    assert sent["PayloadIdentifier"] == stored["PayloadIdentifier"]
    expected = plistlib.loads(changed)
    expected.update(PayloadUUID=stored["PayloadUUID"], PayloadIdentifier=stored["PayloadIdentifier"])
    assert sent == expected
    assert b"<scope" not in put.body
    assert "Pilot" in jamf.profiles[1]["scope"]  # the admin's scope is untouched
    assert tokens.fetches == 1  # the cached token served every request


def test_user_credentials_buy_a_bearer_token(jamf: FakeJamf) -> None:
    client, _ = jamf_client(jamf, transport(), user=True)
    client.upload(mcx_profile(), TARGET, source="p.mobileconfig")
    token = jamf.requests("POST", "/api/v1/auth/token")[0]
    assert token.headers["authorization"].startswith("Basic ")
    classic = [s for s in jamf.seen if s.path.startswith("/JSSResource")]
    assert classic and all(s.headers["authorization"].startswith("Bearer ") for s in classic)


def test_self_service_user_level_and_removal(jamf: FakeJamf) -> None:
    client, _ = jamf_client(jamf, transport())
    target = JamfTarget(name="X", site="Paris", distribution="self-service", level="user",
                        redeploy="newly-assigned")
    client.upload(mcx_profile(removal_disallowed=True), target, source="p.mobileconfig")
    general = general_of(jamf.requests("POST", "id/0")[0].body)
    assert general["site"] == "Paris" and "category" not in general
    assert general["distribution_method"] == "Make Available in Self Service"
    assert general["level"] == "user"
    assert general["user_removable"] == "false"
    assert general["redeploy_on_update"] == "Newly Assigned"


def test_a_profile_in_microsofts_sample_layout_uploads(jamf: FakeJamf) -> None:
    data = BASIC.read_bytes()
    client, _ = jamf_client(jamf, transport())
    client.upload(data, TARGET, source="sample")
    assert jamf.stored_plist(1)["PayloadContent"][0]["PayloadContent"] == \
        plistlib.loads(data)["PayloadContent"][0]["PayloadContent"]


# -- faults ------------------------------------------------------------------------------------------


def test_500_then_success_is_retried(jamf: FakeJamf) -> None:
    sleeps = Recorder()
    jamf.fail("GET", "/name/", status=500, body=b"<html><p>Internal error</p></html>")
    client, _ = jamf_client(jamf, transport(sleep=sleeps))
    assert client.upload(mcx_profile(), TARGET, source="p").action == "created"
    assert len(jamf.requests("GET")) == 2
    assert sleeps.delays == [0.5]


def test_500_on_create_looks_again_before_retrying(jamf: FakeJamf) -> None:
    jamf.fail("POST", "/id/0", status=500)
    client, _ = jamf_client(jamf, transport())
    assert client.upload(mcx_profile(), TARGET, source="p").action == "created"
    assert [s.method for s in jamf.seen if "JSSResource" in s.path] == ["GET", "POST", "GET", "POST"]
    assert list(jamf.profiles) == [1]


def test_429_honours_retry_after(jamf: FakeJamf) -> None:
    sleeps = Recorder()
    jamf.fail("POST", "/id/0", status=429, headers={"Retry-After": "7"})
    client, _ = jamf_client(jamf, transport(sleep=sleeps))
    assert client.upload(mcx_profile(), TARGET, source="p").action == "created"
    assert sleeps.delays == [7.0]
    assert len(jamf.requests("POST", "/id/0")) == 2


def test_token_expiry_mid_run_refreshes_once(jamf: FakeJamf) -> None:
    client, tokens = jamf_client(jamf, transport())
    client.upload(mcx_profile(), TARGET, source="p")
    jamf.expire_tokens()  # the server forgets the token the client still caches
    assert client.upload(mcx_profile(), TARGET, source="p").action == "updated"
    assert tokens.fetches == 2
    assert len(jamf.requests("POST", "/api/oauth/token")) == 2


def test_a_token_refused_twice_is_an_error(jamf: FakeJamf) -> None:
    jamf.fail("GET", "/name/", status=401, times=2, body=b"<html><p>Unauthorized</p></html>")
    client, tokens = jamf_client(jamf, transport())
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "HTTP 401" in str(caught.value) and "credentials" in str(caught.value)
    assert tokens.fetches == 2
    assert_no_secret(shown_text(caught.value))


def test_dropped_connection_is_retried(jamf: FakeJamf) -> None:
    jamf.fail("GET", "/name/", drop=True)
    client, _ = jamf_client(jamf, transport())
    assert client.upload(mcx_profile(), TARGET, source="p").action == "created"
    assert len(jamf.requests("GET")) == 2


def test_create_that_worked_but_lost_its_answer_is_not_repeated(jamf: FakeJamf) -> None:
    jamf.fail("POST", "/id/0", drop=True, after=True)  # created, then the connection drops
    client, _ = jamf_client(jamf, transport())
    result = client.upload(mcx_profile(), TARGET, source="p")
    assert result.action == "updated"  # found on the second look
    assert list(jamf.profiles) == [1]
    assert len(jamf.requests("POST", "/id/0")) == 1


def test_slow_answer_past_the_timeout_is_retried(jamf: FakeJamf) -> None:
    jamf.fail("GET", "/name/", delay=1.0)
    client, _ = jamf_client(jamf, transport(timeout=0.2))
    assert client.upload(mcx_profile(), TARGET, source="p").action == "created"
    assert len(jamf.requests("GET")) == 2


def test_always_slow_gives_up_with_the_timeout_named(jamf: FakeJamf) -> None:
    jamf.fail("GET", "/name/", delay=0.6, times=2)
    client, _ = jamf_client(jamf, transport(timeout=0.15, attempts=2))
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "no answer within 0.15 s (2 tries)" in str(caught.value)
    assert caught.value.exit_code == ExitCode.REMOTE


def test_create_failing_every_time_stops(jamf: FakeJamf) -> None:
    jamf.fail("POST", "/id/0", status=502, times=10)
    client, _ = jamf_client(jamf, transport(attempts=3))
    with pytest.raises(UncertainOutcome) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "HTTP 502" in str(caught.value)
    assert len(jamf.requests("POST", "/id/0")) == 3


def test_403_quotes_jamf_and_names_the_api_role(jamf: FakeJamf) -> None:
    jamf.fail("POST", "/id/0", status=403,
              body=b"<html><body><p>Error: You do not have permission to create this resource</p></body></html>")
    client, _ = jamf_client(jamf, transport())
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    text = str(caught.value)
    assert "HTTP 403" in text
    assert "You do not have permission to create this resource" in text
    assert "API role" in text and "macOS Configuration Profiles" in text


def test_wrong_client_secret_says_what_to_check(jamf: FakeJamf) -> None:
    from profilegen.upload.auth import AuthorizedSession, JamfClientCredentials
    from profilegen.upload.jamf import JamfClient
    from profilegen.upload.secret import Secret

    http = transport()
    wrong = "not-the-" + JAMF_CLIENT_SECRET
    tokens = JamfClientCredentials(jamf.url, JAMF_CLIENT_ID, Secret(wrong), http)
    client = JamfClient(jamf.url, AuthorizedSession(http, tokens))
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "PROFILEGEN_JAMF_CLIENT_SECRET" in str(caught.value)
    assert wrong not in shown_text(caught.value)
    assert_no_secret(shown_text(caught.value))


# -- refusals before anything is sent ------------------------------------------------------------


def test_signed_profile_is_refused_with_the_way_out(jamf: FakeJamf, signed_sample: Path) -> None:
    signed = signed_sample
    client, _ = jamf_client(jamf, transport())
    with pytest.raises(InputError) as caught:
        client.upload(signed.read_bytes(), TARGET, source=str(signed))
    plain = signed.with_name("office-basic-diagnostics.unsigned.mobileconfig")
    assert "signed" in str(caught.value) and f"profilegen unsign {signed} --out {plain}" in str(caught.value)
    assert jamf.seen == []


def test_custom_style_payloads_are_refused(jamf: FakeJamf) -> None:
    client, _ = jamf_client(jamf, transport())
    with pytest.raises(ValidationError) as caught:
        client.upload(mcx_profile(style="custom"), TARGET, source="custom.mobileconfig")
    assert "com.microsoft.Word" in str(caught.value) and "--style mcx" in str(caught.value)
    assert jamf.seen == []


def test_an_existing_profile_without_identifiers_is_not_overwritten(jamf: FakeJamf) -> None:
    client, _ = jamf_client(jamf, transport())
    client.upload(mcx_profile(), TARGET, source="p")
    jamf.profiles[1]["general"]["payloads"] = ""
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "second copy" in str(caught.value)
    assert jamf.requests("PUT") == []


# -- dry run ---------------------------------------------------------------------------------------


def test_dry_run_prints_every_request_and_sends_nothing(jamf: FakeJamf) -> None:
    out = StringIO()
    client, _ = jamf_client(jamf, transport(dry_run=out))
    result = client.upload(mcx_profile(), TARGET, source="p")
    text = out.getvalue()
    assert result.action == "dry-run"
    assert jamf.seen == []
    assert f"POST {jamf.url}/api/oauth/token" in text
    assert "client_secret=***" in text
    assert f"GET {jamf.url}/JSSResource/osxconfigurationprofiles/name/Office%3A%20telemetry%20off" in text
    assert f"POST {jamf.url}/JSSResource/osxconfigurationprofiles/id/0" in text
    assert "Authorization: Bearer ***" in text
    assert "<os_x_configuration_profile><general><name>Office: telemetry off</name>" in text
    assert f"&lt;string&gt;{IDENTIFIER}&lt;/string&gt;" in text  # the plist, escaped, in <payloads>
    assert_no_secret(text)
