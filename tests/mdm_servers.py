"""Local Jamf Pro, Entra ID and Graph servers for the upload tests: real HTTP on 127.0.0.1.

They speak the documented endpoints (FACTS sections 4 and 5), check what they receive the way the real
services do (tokens, content types, bodies), keep state (profiles, configurations) and can be told to
fail: an error status, a dropped connection, a slow answer, a token that expires.
"""

from __future__ import annotations

import base64
import itertools
import json
import plistlib
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

JAMF_CLIENT_ID = "jamf-client-7c1e"
JAMF_CLIENT_SECRET = "jamf-SECRET-4f9b2d81c6"  # test secrets, grepped for in all output
JAMF_USER = "api-uploader"
JAMF_PASSWORD = "jamf-PASSWORD-e5a7c3"
INTUNE_CLIENT_ID = "0f6b3c2e-intune-client"
INTUNE_CLIENT_SECRET = "intune-SECRET~9d8c7b6a"
TENANT = "contoso.onmicrosoft.com"
SECRETS = (JAMF_CLIENT_SECRET, JAMF_PASSWORD, INTUNE_CLIENT_SECRET)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_path: str = ""  # as sent, percent-encoding kept


@dataclass
class Fault:
    method: str
    path: str  # a request whose path contains this
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False  # close the connection without an answer
    after: bool = False  # with drop: do the work first, then drop (the client cannot know it worked)
    delay: float = 0.0  # answer this late
    times: int = 1


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class FakeServer:
    """The HTTP plumbing: a thread, a request log, fault injection, bearer tokens."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self.tokens: dict[str, float] = {}  # token -> expiry (time.monotonic)
        self.token_lifetime = 1200
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                owner._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (timeout tests) is not an error here

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, method: str, path: str, **kw: Any) -> None:
        self.faults.append(Fault(method, path, **kw))

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def issue_token(self) -> str:
        token = f"tok-{uuid.uuid4().hex}"
        self.tokens[token] = time.monotonic() + self.token_lifetime
        return token

    def authorized(self, seen: Seen) -> bool:
        value = seen.headers.get("authorization", "")
        if not value.startswith("Bearer "):
            return False
        expiry = self.tokens.get(value[7:])
        return expiry is not None and expiry > time.monotonic()

    def requests(self, method: str | None = None, path: str = "") -> list[Seen]:
        return [s for s in self.seen if (method is None or s.method == method) and path in s.path]

    def next_id(self) -> int:
        return next(self._ids)

    def route(self, seen: Seen) -> Answer:
        raise NotImplementedError

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        seen = Seen(handler.command, unquote(parts.path), parse_qs(parts.query),
                    {k.lower(): v for k, v in handler.headers.items()}, body, parts.path)
        with self._lock:
            self.seen.append(seen)
            fault = next((f for f in self.faults if f.method == seen.method and f.path in seen.path), None)
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.drop:
            if fault.after:
                with self._lock:
                    self.route(seen)
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and not fault.delay:
            answer = Answer(fault.status, fault.body, "text/plain", fault.headers)
        else:
            with self._lock:
                answer = self.route(seen)
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.content_type)
        handler.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(answer.body)


def _json(status: int, data: object) -> Answer:
    return Answer(status, json.dumps(data).encode())


def _html(status: int, message: str) -> Answer:
    page = f"<html><head><title>Status page</title></head><body><h1>{message}</h1><p>{message}</p></body></html>"
    return Answer(status, page.encode(), "text/html")


class FakeJamf(FakeServer):
    """Jamf Pro: OAuth and user tokens, Classic API osxconfigurationprofiles (read, create, update)."""

    def __init__(self) -> None:
        super().__init__()
        self.profiles: dict[int, dict[str, Any]] = {}  # id -> {"general": {...}, "payloads": str, "scope": str}

    def route(self, seen: Seen) -> Answer:
        if seen.path == "/api/oauth/token" and seen.method == "POST":
            return self._oauth(seen)
        if seen.path == "/api/v1/auth/token" and seen.method == "POST":
            return self._user_token(seen)
        prefix = "/JSSResource/osxconfigurationprofiles/"
        if not seen.path.startswith(prefix):
            return _html(404, "Not Found")
        if not self.authorized(seen):
            return _html(401, "Unauthorized")
        kind, _, value = seen.path[len(prefix):].partition("/")
        if seen.method == "GET" and kind == "name":
            found = [i for i, p in self.profiles.items() if p["general"]["name"] == value]
            return self._xml(200, self._document(found[0])) if found else _html(
                404, "The server has not found anything matching the request URI")
        if seen.method == "POST" and kind == "id" and value == "0":
            return self._create(seen)
        if seen.method == "PUT" and kind == "id" and int(value) in self.profiles:
            return self._update(int(value), seen)
        return _html(404, "The server has not found anything matching the request URI")

    def _oauth(self, seen: Seen) -> Answer:
        assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
        form = parse_qs(seen.body.decode())
        if (form.get("grant_type") != ["client_credentials"] or form.get("client_id") != [JAMF_CLIENT_ID]
                or form.get("client_secret") != [JAMF_CLIENT_SECRET]):
            return _json(401, {"error": "invalid_client"})
        return _json(200, {"access_token": self.issue_token(), "scope": "api-role:1",
                           "token_type": "Bearer", "expires_in": self.token_lifetime})

    def _user_token(self, seen: Seen) -> Answer:
        expected = base64.b64encode(f"{JAMF_USER}:{JAMF_PASSWORD}".encode()).decode()
        if seen.headers.get("authorization") != f"Basic {expected}":
            return _json(401, {"httpStatus": 401, "errors": []})
        expires = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + self.token_lifetime))
        return _json(200, {"token": self.issue_token(), "expires": expires})

    @staticmethod
    def _xml(status: int, root: ET.Element) -> Answer:
        return Answer(status, ET.tostring(root, encoding="utf-8", xml_declaration=True), "application/xml")

    def _parse(self, seen: Seen) -> ET.Element:
        assert seen.headers["content-type"] in ("application/xml", "text/xml")
        root = ET.fromstring(seen.body)
        assert root.tag == "os_x_configuration_profile"
        return root

    @staticmethod
    def _general(root: ET.Element) -> dict[str, str]:
        element = root.find("general")
        assert element is not None, "no <general>"
        return {child.tag: (child.findtext("name") or "") if len(child) else (child.text or "")
                for child in element}

    def _create(self, seen: Seen) -> Answer:
        general = self._general(self._parse(seen))
        if any(p["general"]["name"] == general["name"] for p in self.profiles.values()):
            return _html(409, "Conflict: Error: Duplicate name")
        # Jamf stores the profile with its own identifiers (FACTS section 4).
        profile = plistlib.loads(general["payloads"].encode())
        new_uuid = str(uuid.uuid4()).upper()
        profile["PayloadUUID"] = new_uuid
        profile["PayloadIdentifier"] = new_uuid
        for payload in profile.get("PayloadContent", []):
            payload["PayloadUUID"] = str(uuid.uuid4()).upper()
            payload["PayloadEnabled"] = True
        general["payloads"] = plistlib.dumps(profile).decode()
        object_id = self.next_id()
        self.profiles[object_id] = {"general": general, "scope": "<scope><all_computers>false</all_computers>"
                                    "<computer_groups><computer_group><name>Pilot</name></computer_group>"
                                    "</computer_groups></scope>", "received": [seen.body]}
        root = ET.Element("os_x_configuration_profile")
        ET.SubElement(root, "id").text = str(object_id)
        return self._xml(201, root)

    def _update(self, object_id: int, seen: Seen) -> Answer:
        root = self._parse(seen)
        stored = self.profiles[object_id]
        stored["general"].update(self._general(root))
        if root.find("scope") is not None:
            stored["scope"] = ET.tostring(root.find("scope"), encoding="unicode")  # type: ignore[arg-type]
        stored["received"].append(seen.body)
        answer = ET.Element("os_x_configuration_profile")
        ET.SubElement(answer, "id").text = str(object_id)
        return self._xml(201, answer)

    def _document(self, object_id: int) -> ET.Element:
        stored = self.profiles[object_id]
        root = ET.Element("os_x_configuration_profile")
        general = ET.SubElement(root, "general")
        ET.SubElement(general, "id").text = str(object_id)
        for tag, value in stored["general"].items():
            ET.SubElement(general, tag).text = value
        root.append(ET.fromstring(stored["scope"]))
        return root

    def stored_plist(self, object_id: int) -> dict[str, Any]:
        result: dict[str, Any] = plistlib.loads(self.profiles[object_id]["general"]["payloads"].encode())
        return result


class FakeGraph(FakeServer):
    """Entra ID's token endpoint and Graph beta deviceConfigurations (filter, create, patch)."""

    collection = "/beta/deviceManagement/deviceConfigurations"

    def __init__(self) -> None:
        super().__init__()
        self.configurations: dict[str, dict[str, Any]] = {}

    def route(self, seen: Seen) -> Answer:
        if seen.path == f"/{TENANT}/oauth2/v2.0/token" and seen.method == "POST":
            return self._token(seen)
        if not seen.path.startswith(self.collection):
            return _json(404, {"error": {"code": "ResourceNotFound", "message": "Resource not found"}})
        if not self.authorized(seen):
            return _json(401, {"error": {"code": "InvalidAuthenticationToken",
                                         "message": "Access token has expired or is not yet valid."}})
        rest = seen.path[len(self.collection):].strip("/")
        if seen.method == "GET" and not rest:
            return self._filter(seen)
        if seen.method == "POST" and not rest:
            return self._create(seen)
        if seen.method == "PATCH" and rest in self.configurations:
            return self._patch(rest, seen)
        return _json(404, {"error": {"code": "ResourceNotFound", "message": f"{rest} not found"}})

    def _token(self, seen: Seen) -> Answer:
        form = parse_qs(seen.body.decode())
        if form.get("client_secret") != [INTUNE_CLIENT_SECRET] or form.get("client_id") != [INTUNE_CLIENT_ID]:
            return _json(401, {"error": "invalid_client",
                               "error_description": "AADSTS7000215: Invalid client secret provided."})
        assert form["grant_type"] == ["client_credentials"]
        assert form["scope"] == [f"{self.url}/.default"]
        return _json(200, {"token_type": "Bearer", "expires_in": self.token_lifetime,
                           "access_token": self.issue_token()})

    def _filter(self, seen: Seen) -> Answer:
        expression = seen.query["$filter"][0]
        assert expression.startswith("displayName eq '") and expression.endswith("'"), expression
        literal = expression[len("displayName eq '"):-1]
        assert "'" not in literal.replace("''", ""), "an unescaped quote ends the OData literal early"
        name = literal.replace("''", "'")
        found = [c for c in self.configurations.values() if c["displayName"].lower() == name.lower()]
        return _json(200, {"@odata.context": "...", "value": found})

    def _create(self, seen: Seen) -> Answer:
        assert seen.headers["content-type"] == "application/json"
        body = json.loads(seen.body)
        if body.get("@odata.type") not in ("#microsoft.graph.macOSCustomConfiguration",
                                           "#microsoft.graph.macOSCustomAppConfiguration"):
            return _json(400, {"error": {"code": "BadRequest", "message": "Unknown @odata.type"}})
        object_id = str(uuid.uuid4())
        body["id"] = object_id
        if body["@odata.type"].endswith("macOSCustomConfiguration"):
            body.setdefault("deploymentChannel", "deviceChannel")
        self.configurations[object_id] = body
        return _json(201, body)

    def _patch(self, object_id: str, seen: Seen) -> Answer:
        body = json.loads(seen.body)
        current = self.configurations[object_id]
        if body.get("@odata.type") != current["@odata.type"]:
            return _json(400, {"error": {"code": "BadRequest", "message": "@odata.type mismatch"}})
        if "deploymentChannel" in body and body["deploymentChannel"] != current.get("deploymentChannel"):
            return _json(400, {"error": {"code": "BadRequest", "message": "deploymentChannel is read-only"}})
        current.update(body)
        return Answer(204)


@contextmanager
def running(factory: Callable[[], FakeServer]) -> Iterator[Any]:
    server = factory().start()
    try:
        yield server
    finally:
        server.stop()
