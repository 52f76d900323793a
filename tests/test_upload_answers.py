"""Hostile server answers: what Jamf or Graph send back never reaches the next URL unquoted.

Jamf's XML answers go through the hardened parser of profiles (no DTD, no entity, in any encoding), and
every value taken from an answer is quoted as one path segment.
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterator
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest

from profilegen.errors import RemoteError, UsageError
from profilegen.upload.intune import custom_configuration
from profilegen.upload.jamf import JamfTarget
from tests.mdm_servers import FakeGraph, FakeJamf, running
from tests.upload_helpers import IDENTIFIER, intune_client, jamf_client, mcx_profile, shown_text, transport

TARGET = JamfTarget(name="Office: telemetry off")
NAME_PATH = "/JSSResource/osxconfigurationprofiles/name/"
STORED = plistlib.dumps({"PayloadType": "Configuration", "PayloadUUID": "6B29FC40-CA47-1067-B31D-00DD010662DA",
                         "PayloadIdentifier": IDENTIFIER, "PayloadContent": []}).decode()


@pytest.fixture
def jamf() -> Iterator[FakeJamf]:
    with running(FakeJamf) as server:
        yield server


def _answer(object_id: str, payloads: str = STORED, doctype: str = "") -> str:
    return (f'<?xml version="1.0" encoding="{{encoding}}"?>{doctype}<os_x_configuration_profile><general>'
            f"<id>{object_id}</id><name>{TARGET.name}</name><payloads>{escape(payloads)}</payloads>"
            "</general></os_x_configuration_profile>")


def _lookup_answers(jamf: FakeJamf, body: bytes) -> None:
    jamf.fail("GET", NAME_PATH, status=200, body=body, times=4)


def _sent_after_lookup(jamf: FakeJamf) -> list[str]:
    return [f"{s.method} {s.raw_path}" for s in jamf.seen if s.method in ("PUT", "POST")
            and s.path.startswith("/JSSResource")]


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-16BE", "UTF-16LE", "UTF-8"])
def test_an_entity_in_any_encoding_is_refused_before_any_write(jamf: FakeJamf, encoding: str) -> None:
    doctype = '<!DOCTYPE os_x_configuration_profile [<!ENTITY e "999-FROM-ENTITY">]>'
    text = _answer("&e;", doctype=doctype).replace("{encoding}", encoding)
    body = text.encode("utf-16" if encoding == "UTF-16" else encoding.lower())  # UTF-16: with its BOM
    _lookup_answers(jamf, body)
    client, _ = jamf_client(jamf, transport())
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    message = caught.value.render()
    assert "answered with XML profilegen refuses" in message
    assert "entit" in message  # the DTD subset, or the entity reference, is named
    assert "999-FROM-ENTITY" not in shown_text(caught.value)
    assert _sent_after_lookup(jamf) == []


def test_an_id_that_is_not_a_number_never_reaches_a_url(jamf: FakeJamf) -> None:
    _lookup_answers(jamf, _answer("7/../../../api/v1/users").replace("{encoding}", "UTF-8").encode())
    client, _ = jamf_client(jamf, transport())
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "gives the id '7/../../../api/v1/users', not a number" in caught.value.render()
    assert _sent_after_lookup(jamf) == []


@pytest.mark.parametrize("payloads", ["<plist><dict><key>", "<plist version='1.0'><dict>&bogus;</dict></plist>",
                                      "\x00not xml", "<?xml version='1.0'?><!DOCTYPE p [<!ENTITY x 'y'>]><p/>"])
def test_a_malformed_stored_plist_is_a_message_not_a_traceback(jamf: FakeJamf, payloads: str) -> None:
    client, _ = jamf_client(jamf, transport())
    client.upload(mcx_profile(), TARGET, source="p")
    jamf.profiles[1]["general"]["payloads"] = payloads.replace("\x00", "")
    with pytest.raises(RemoteError) as caught:
        client.upload(mcx_profile(), TARGET, source="p")
    assert "has no readable PayloadUUID and PayloadIdentifier" in caught.value.render()
    assert jamf.requests("PUT") == []


def test_an_honest_update_still_goes_to_the_numeric_id(jamf: FakeJamf) -> None:
    client, _ = jamf_client(jamf, transport())
    client.upload(mcx_profile(), TARGET, source="p")
    result = client.upload(mcx_profile(), TARGET, source="p")
    assert result.action == "updated"
    assert _sent_after_lookup(jamf)[-1] == "PUT /JSSResource/osxconfigurationprofiles/id/1"


def test_a_graph_id_is_one_quoted_path_segment() -> None:
    hostile = "../../../users?$top=1#x y"
    with running(FakeGraph) as graph:
        client, _ = intune_client(graph, transport())
        configuration = custom_configuration(mcx_profile(), name="It's mine", file_stem="o", channel="device",
                                             source="p")
        graph.configurations[hostile] = {"id": hostile, "displayName": "It's mine",
                                         "@odata.type": configuration.odata_type,
                                         "deploymentChannel": "deviceChannel"}
        result = client.upload(configuration)
        assert result.action == "updated"
        (patch,) = graph.requests("PATCH")
        assert patch.raw_path == f"{graph.collection}/{quote(hostile, safe='')}"
        assert "/" not in patch.raw_path.removeprefix(graph.collection + "/")
        (lookup,) = graph.requests("GET")
        assert lookup.query["$filter"] == ["displayName eq 'It''s mine'"]


@pytest.mark.parametrize("target", [JamfTarget(name="Office\x1b]0;owned\x07"), JamfTarget(name="O", category="\x00"),
                                    JamfTarget(name="O", site="a\x0bb")])
def test_text_xml_cannot_carry_is_refused_before_sending(jamf: FakeJamf, target: JamfTarget) -> None:
    client, _ = jamf_client(jamf, transport())
    with pytest.raises(UsageError) as caught:
        client.upload(mcx_profile(), target, source="p")
    assert "which a plist cannot carry" in caught.value.render()
    assert jamf.requests("POST", "/JSSResource") == [] and jamf.requests("PUT") == []
