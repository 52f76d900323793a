"""Intune uploads against a local Entra ID + Graph server that checks what it receives."""

from __future__ import annotations

import base64
import json
import logging
import plistlib
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest

from profilegen.errors import InputError, RemoteError, UsageError
from profilegen.upload.checks import settings_from_profile
from profilegen.upload.intune import Configuration, custom_configuration, preference_files
from tests.mdm_servers import INTUNE_CLIENT_SECRET, FakeGraph, running
from tests.samples import ZERO
from tests.test_intune_plist import parse as parse_preference_file
from tests.upload_helpers import Recorder, assert_no_secret, intune_client, mcx_profile, shown_text, transport

CUSTOM = "#microsoft.graph.macOSCustomConfiguration"
PREFS = "#microsoft.graph.macOSCustomAppConfiguration"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with running(FakeGraph) as server:
        yield server


@pytest.fixture(autouse=True)
def no_secret_in_output(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    out, err = capsys.readouterr()
    assert_no_secret(out, err, caplog.text)


def custom(data: bytes, name: str = "Office: telemetry off", channel: str = "device") -> Configuration:
    return custom_configuration(data, name=name, file_stem="office-telemetry-off", channel=channel, source="p")


def test_custom_profile_created_with_our_bytes(graph: FakeGraph) -> None:
    data = mcx_profile()
    client, _ = intune_client(graph, transport())
    result = client.upload(custom_configuration(data, name="Office", file_stem="office", channel="device",
                                                source="p"))
    assert result.action == "created" and result.object_id in graph.configurations
    token = graph.requests("POST", "/oauth2/v2.0/token")[0]
    assert "scope=" in token.body.decode()
    lookup = graph.requests("GET")[0]
    assert lookup.query["$filter"] == ["displayName eq 'Office'"]
    body = json.loads(graph.requests("POST", "/beta/deviceManagement/deviceConfigurations")[0].body)
    assert body["@odata.type"] == CUSTOM
    assert body["displayName"] == "Office" and body["payloadName"] == "Office"
    assert body["payloadFileName"] == "office.mobileconfig"
    assert body["deploymentChannel"] == "deviceChannel"
    assert base64.b64decode(body["payload"]) == data  # byte for byte


def test_same_upload_twice_patches_the_one_configuration(graph: FakeGraph) -> None:
    client, tokens = intune_client(graph, transport())
    client.upload(custom_configuration(mcx_profile(), name="Office", file_stem="o", channel="user", source="p"))
    changed = mcx_profile({"com.microsoft.Word": {"SendAllTelemetryEnabled": True}})
    result = client.upload(custom_configuration(changed, name="Office", file_stem="o", channel="user",
                                                source="p"))
    assert result.action == "updated"
    assert len(graph.configurations) == 1
    patch = graph.requests("PATCH")[0]
    body = json.loads(patch.body)
    assert body["@odata.type"] == CUSTOM and "deploymentChannel" not in body
    assert patch.path.endswith("/" + result.object_id)  # type: ignore[operator]
    (stored,) = graph.configurations.values()
    assert base64.b64decode(stored["payload"]) == changed
    assert stored["deploymentChannel"] == "userChannel"
    assert tokens.fetches == 1


def test_quotes_in_names_are_escaped_for_odata(graph: FakeGraph) -> None:
    client, _ = intune_client(graph, transport())
    name = "Bob's 'Office' profile"
    for _ in range(2):
        client.upload(custom_configuration(mcx_profile(), name=name, file_stem="o", channel="device", source="p"))
    assert len(graph.configurations) == 1
    assert graph.requests("GET")[0].query["$filter"] == ["displayName eq 'Bob''s ''Office'' profile'"]


def test_preference_files_one_per_domain(graph: FakeGraph) -> None:
    settings = settings_from_profile(mcx_profile(), "p")
    assert settings["com.microsoft.Word"] == {"SendAllTelemetryEnabled": False, "UseOnlineContent": 0}
    client, _ = intune_client(graph, transport())
    results = [client.upload(c) for c in preference_files(settings, name="Office", source="p")]
    assert [r.action for r in results] == ["created", "created"]
    bodies = {c["bundleId"]: c for c in graph.configurations.values()}
    assert set(bodies) == {"com.microsoft.Word", "com.microsoft.errorreporting"}
    word = bodies["com.microsoft.Word"]
    assert word["@odata.type"] == PREFS
    assert word["displayName"] == "Office - com.microsoft.Word"
    assert word["fileName"] == "com.microsoft.Word.plist"
    assert "deploymentChannel" not in word
    fragment = base64.b64decode(word["configurationXml"])
    assert not fragment.startswith((b"<?xml", b"<plist", b"<dict"))
    assert parse_preference_file(fragment) == settings["com.microsoft.Word"]
    # And again: patched, not duplicated.
    for configuration in preference_files(settings, name="Office", source="p"):
        assert client.upload(configuration).action == "updated"
    assert len(graph.configurations) == 2


def test_a_configuration_of_another_type_is_not_touched(graph: FakeGraph) -> None:
    client, _ = intune_client(graph, transport())
    client.upload(custom(mcx_profile(), name="Office - com.microsoft.Word"))
    with pytest.raises(RemoteError) as caught:
        client.upload(preference_files({"com.microsoft.Word": {"A": 1}}, name="Office", source="p")[0])
    assert "cannot change the type" in str(caught.value)
    assert graph.requests("PATCH") == []


def test_the_channel_cannot_change(graph: FakeGraph) -> None:
    client, _ = intune_client(graph, transport())
    client.upload(custom(mcx_profile(), channel="device"))
    with pytest.raises(RemoteError) as caught:
        client.upload(custom(mcx_profile(), channel="user"))
    assert "deviceChannel" in str(caught.value) and "--channel device" in str(caught.value)


def test_two_of_the_same_name_are_an_error(graph: FakeGraph) -> None:
    for object_id in ("a", "b"):
        graph.configurations[object_id] = {"id": object_id, "displayName": "Office", "@odata.type": CUSTOM}
    client, _ = intune_client(graph, transport())
    with pytest.raises(RemoteError) as caught:
        client.upload(custom(mcx_profile(), name="Office"))
    assert "2 Intune configurations are named 'Office'" in str(caught.value)


# -- faults --------------------------------------------------------------------------------------------


def test_429_on_create_honours_retry_after(graph: FakeGraph) -> None:
    sleeps = Recorder()
    graph.fail("POST", "/deviceConfigurations", status=429, headers={"Retry-After": "3"})
    client, _ = intune_client(graph, transport(sleep=sleeps))
    assert client.upload(custom(mcx_profile())).action == "created"
    assert sleeps.delays == [3.0]
    assert len(graph.configurations) == 1


def test_503_on_lookup_then_success(graph: FakeGraph) -> None:
    graph.fail("GET", "/deviceConfigurations", status=503, times=2)
    client, _ = intune_client(graph, transport())
    assert client.upload(custom(mcx_profile())).action == "created"
    assert len(graph.requests("GET")) == 3


def test_token_expiry_mid_run(graph: FakeGraph) -> None:
    client, tokens = intune_client(graph, transport())
    client.upload(custom(mcx_profile()))
    graph.expire_tokens()
    assert client.upload(custom(mcx_profile())).action == "updated"
    assert tokens.fetches == 2


def test_dropped_connection_on_create_does_not_duplicate(graph: FakeGraph) -> None:
    graph.fail("POST", "/deviceConfigurations", drop=True, after=True)
    client, _ = intune_client(graph, transport())
    assert client.upload(custom(mcx_profile())).action == "updated"
    assert len(graph.configurations) == 1


def test_slow_token_endpoint_past_the_timeout(graph: FakeGraph) -> None:
    graph.fail("POST", "/oauth2/v2.0/token", delay=0.8)
    client, _ = intune_client(graph, transport(timeout=0.2))
    assert client.upload(custom(mcx_profile())).action == "created"
    assert len(graph.requests("POST", "/oauth2/v2.0/token")) == 2


def test_403_names_the_graph_permission(graph: FakeGraph) -> None:
    graph.fail("GET", "/deviceConfigurations", status=403,
               body=json.dumps({"error": {"code": "Forbidden", "message": "Application is not authorized "
                                          "to perform this operation."}}).encode())
    client, _ = intune_client(graph, transport())
    with pytest.raises(RemoteError) as caught:
        client.upload(custom(mcx_profile()))
    text = str(caught.value)
    assert "HTTP 403" in text and "Application is not authorized to perform this operation." in text
    assert "DeviceManagementConfiguration.ReadWrite.All" in text


def test_bad_client_secret_quotes_entra(graph: FakeGraph) -> None:
    wrong = INTUNE_CLIENT_SECRET + "-old"
    client, _ = intune_client(graph, transport(), secret=wrong)
    with pytest.raises(RemoteError) as caught:
        client.upload(custom(mcx_profile()))
    shown = shown_text(caught.value)
    assert "AADSTS7000215: Invalid client secret provided." in shown
    assert "PROFILEGEN_INTUNE_CLIENT_SECRET" in shown
    assert wrong not in shown


# -- refusals --------------------------------------------------------------------------------------


def test_signed_profile_refused_before_sending(signed_sample: Path) -> None:
    signed = signed_sample
    with pytest.raises(InputError) as caught:
        custom(signed.read_bytes())
    assert "profilegen unsign" in str(caught.value)


def test_oversized_profile_refused_before_sending() -> None:
    big = mcx_profile({"com.example.big": {"Blob": "x" * 1_000_000}})
    with pytest.raises(InputError) as caught:
        custom(big)
    assert "at most 1,000,000" in str(caught.value)


def test_byte_order_mark_and_binary_plists_refused() -> None:
    with pytest.raises(InputError, match="byte-order mark"):
        custom(b"\xef\xbb\xbf" + mcx_profile())
    with pytest.raises(InputError, match="plutil -convert xml1"):
        custom(plistlib.dumps(plistlib.loads(mcx_profile()), fmt=plistlib.FMT_BINARY))


def test_preference_files_need_settings() -> None:
    with pytest.raises(UsageError):
        preference_files({}, name="x", source="p")


def test_a_profile_in_microsofts_sample_layout_gives_its_settings() -> None:
    settings = settings_from_profile(ZERO.read_bytes(), str(ZERO))
    assert settings == {"com.microsoft.office": {"DiagnosticDataTypePreference": "ZeroDiagnosticData",
                                                 "SendAllTelemetryEnabled": False}}


# -- dry run ------------------------------------------------------------------------------------------


def test_dry_run_shows_requests_redacted(graph: FakeGraph) -> None:
    out = StringIO()
    client, _ = intune_client(graph, transport(dry_run=out))
    data = mcx_profile()
    assert client.upload(custom(data)).action == "dry-run"
    text = out.getvalue()
    assert graph.seen == []
    assert "client_secret=***" in text and "scope=" in text
    assert "/beta/deviceManagement/deviceConfigurations?$filter=displayName%20eq%20%27Office" in text
    assert "Authorization: Bearer ***" in text
    assert base64.b64encode(data).decode() in text
    assert_no_secret(text)
