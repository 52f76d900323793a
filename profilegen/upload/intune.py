"""Microsoft Intune through Graph (beta): custom profiles and preference files, found by display name.

A configuration of the same display name is updated with PATCH; otherwise one is created with POST.
Two of the same name, or one of another type, is an error rather than a guess.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from profilegen.errors import InputError, RemoteError, UsageError
from profilegen.limits import INTUNE_MAX_BYTES
from profilegen.plisttypes import Settings
from profilegen.render import intune_plist
from profilegen.upload.auth import AuthorizedSession
from profilegen.upload.checks import refuse_for_intune
from profilegen.upload.http import Request, Response, UncertainOutcome
from profilegen.upload.result import UploadResult

CUSTOM = "#microsoft.graph.macOSCustomConfiguration"
PREFERENCE_FILE = "#microsoft.graph.macOSCustomAppConfiguration"
KINDS = {CUSTOM: "Intune custom configuration", PREFERENCE_FILE: "Intune preference file"}
CHANNELS = {"device": "deviceChannel", "user": "userChannel"}
HINTS = {
    401: "Graph refused the token: check the app registration's client ID and secret",
    403: "the app registration lacks the Microsoft Graph application permission "
    "DeviceManagementConfiguration.ReadWrite.All (with admin consent), or the tenant has no Intune license",
    404: "not found: check --graph-url",
}
_JSON = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass(frozen=True)
class Configuration:
    """What an Intune upload sends: the body without its identity, and how to find it again."""

    display_name: str
    odata_type: str
    fields: dict[str, Any]  # everything but @odata.type, displayName and deploymentChannel
    channel: str | None = None  # deploymentChannel (custom profiles only; fixed after creation)


def custom_configuration(
    data: bytes, *, name: str, file_stem: str, channel: str, source: str
) -> Configuration:
    refuse_for_intune(data, source)
    return Configuration(
        display_name=name,
        odata_type=CUSTOM,
        fields={
            "payloadName": name,
            "payloadFileName": f"{file_stem}.mobileconfig",
            "payload": base64.b64encode(data).decode("ascii"),
        },
        channel=CHANNELS[channel],
    )


def preference_files(settings: Settings, *, name: str, source: str) -> list[Configuration]:
    """One preference file per domain: bundleId = the domain, the bare key/value pairs base64-encoded."""
    configurations = []
    for domain in sorted(settings):
        xml = intune_plist.render(settings[domain], domain=domain)
        if len(xml) > INTUNE_MAX_BYTES:
            raise InputError(f"the preference file of {domain} is {len(xml):,} bytes; "
                             f"Intune takes at most {INTUNE_MAX_BYTES:,}", path=source)
        configurations.append(
            Configuration(
                display_name=f"{name} - {domain}",
                odata_type=PREFERENCE_FILE,
                fields={
                    "bundleId": domain,
                    "fileName": f"{domain}.plist",
                    "configurationXml": base64.b64encode(xml).decode("ascii"),
                },
            )
        )
    if not configurations:
        raise UsageError(f"{source}: no preference settings to upload as preference files")
    return configurations


def odata_string(value: str) -> str:
    """An OData string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


class IntuneClient:
    def __init__(self, graph_url: str, session: AuthorizedSession) -> None:
        self.collection = f"{graph_url}/beta/deviceManagement/deviceConfigurations"
        self.session = session
        self.transport = session.transport

    def find(self, display_name: str) -> list[dict[str, Any]]:
        expression = f"displayName eq {odata_string(display_name)}"
        url = f"{self.collection}?$filter={quote(expression, safe='')}"
        what = f"look up the configuration named {display_name!r}"
        response = self.session.send(Request("GET", url, _JSON), what=what)
        if response.dry_run:
            return []
        self.transport.expect(response, (200,), what=what, hints=HINTS)
        data = response.json()
        found = data.get("value") if isinstance(data, dict) else None
        if not isinstance(found, list):
            raise RemoteError(f"cannot {what}: Graph's answer has no value list")
        # The filter may ignore case; only the exact name counts.
        return [c for c in found if isinstance(c, dict) and c.get("displayName") == display_name]

    def upload(self, configuration: Configuration) -> UploadResult:
        policy = self.transport.retry
        for attempt in range(1, policy.attempts + 1):
            existing = self._existing(configuration)
            if existing is not None:
                return self._patch(existing, configuration)
            try:
                return self._create(configuration)
            except UncertainOutcome:
                if attempt == policy.attempts:
                    raise
                policy.sleep(policy.backoff * float(1 << (attempt - 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _existing(self, configuration: Configuration) -> dict[str, Any] | None:
        name = configuration.display_name
        found = self.find(name)
        if len(found) > 1:
            raise RemoteError(
                f"{len(found)} Intune configurations are named {name!r}; profilegen will not guess",
                hint="rename or delete all but one in Intune, or choose another --name",
            )
        if not found:
            return None
        current = found[0]
        if current.get("@odata.type") != configuration.odata_type:
            raise RemoteError(
                f"the Intune configuration {name!r} is a {current.get('@odata.type')}, "
                f"not a {configuration.odata_type}; Graph cannot change the type of a configuration",
                hint="choose another --name, or delete that configuration",
            )
        channel = current.get("deploymentChannel")
        if configuration.channel and channel and channel != configuration.channel:
            raise RemoteError(
                f"the Intune configuration {name!r} uses the {channel}; the deployment channel is "
                "fixed when a configuration is created",
                hint=f"use --channel {'user' if channel == 'userChannel' else 'device'}, "
                "or delete it to change channels",
            )
        return current

    def _create(self, configuration: Configuration) -> UploadResult:
        body: dict[str, Any] = {"@odata.type": configuration.odata_type,
                                "displayName": configuration.display_name, **configuration.fields}
        if configuration.channel:
            body["deploymentChannel"] = configuration.channel
        what = f"create the Intune configuration {configuration.display_name!r}"
        request = Request("POST", self.collection, _JSON, _dumps(body), idempotent=False)
        response = self.session.send(request, what=what)
        return self._result("created", response, what, configuration, lambda: _id_of(response))

    def _patch(self, current: dict[str, Any], configuration: Configuration) -> UploadResult:
        object_id = str(current.get("id", ""))
        if not object_id:
            raise RemoteError(
                f"the Intune configuration {configuration.display_name!r} has no id in Graph's answer"
            )
        body = {"@odata.type": configuration.odata_type, "displayName": configuration.display_name,
                **configuration.fields}
        what = f"update the Intune configuration {configuration.display_name!r}"
        url = f"{self.collection}/{quote(object_id, safe='')}"
        response = self.session.send(Request("PATCH", url, _JSON, _dumps(body)), what=what)
        return self._result("updated", response, what, configuration, lambda: object_id)

    def _result(self, action: str, response: Response, what: str, configuration: Configuration,
                object_id: Callable[[], str | None]) -> UploadResult:
        kind = KINDS[configuration.odata_type]
        if response.dry_run:
            return UploadResult("dry-run", kind, configuration.display_name, None)
        self.transport.expect(response, (200, 201, 204), what=what, hints=HINTS)
        return UploadResult(action, kind, configuration.display_name, object_id())


def _id_of(response: Response) -> str | None:
    data = response.json()
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value is not None else None


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
