"""Jamf Pro Classic API: macOS configuration profiles, found by name, created or updated in place.

Jamf rewrites the top-level PayloadUUID and PayloadIdentifier of a profile it stores. A Mac treats a
profile with another identifier as another profile, so an update that sent our own identifiers would
leave Macs with two copies. On update we therefore read the stored profile and put its identifiers back
into ours before the PUT. The scope is never sent, so an update leaves it as the admin set it.
"""

from __future__ import annotations

import plistlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from profilegen.errors import InputError, RemoteError, UsageError
from profilegen.upload.auth import AuthorizedSession
from profilegen.upload.checks import parse_profile, refuse_custom_payloads, refuse_signed
from profilegen.upload.http import Request, Response, UncertainOutcome
from profilegen.upload.result import UploadResult

KIND = "Jamf Pro configuration profile"
DISTRIBUTION = {"auto": "Install Automatically", "self-service": "Make Available in Self Service"}
REDEPLOY = {"all": "All", "newly-assigned": "Newly Assigned"}
HINTS = {
    401: "Jamf refused the token: check the API client (or user) credentials",
    403: "the API role (or user) lacks a privilege: it needs Create, Read and Update on "
    "macOS Configuration Profiles, and Read on Categories and Sites when --category or --site is given",
    404: "not found: check --url (the Jamf Pro server, without /JSSResource)",
    409: "Jamf refused the profile; its message says why (often: the name is already used, "
    "or a --category or --site that does not exist)",
}
_XML = {"Content-Type": "application/xml", "Accept": "application/xml"}


@dataclass(frozen=True)
class JamfTarget:
    name: str
    category: str | None = None
    site: str | None = None
    distribution: str = "auto"  # key of DISTRIBUTION
    level: str = "computer"  # "computer" | "user"
    redeploy: str = "all"  # key of REDEPLOY: who gets the new version after an update


@dataclass(frozen=True)
class ExistingProfile:
    object_id: str
    payload_uuid: str | None
    payload_identifier: str | None


def check_profile(data: bytes, source: str) -> dict[str, Any]:
    """Refuse what Jamf would break: signed profiles, custom-style payloads."""
    refuse_signed(data, source, "Jamf Pro")
    profile = parse_profile(data, source)
    refuse_custom_payloads(profile, source)
    return profile


def reinject(profile: dict[str, Any], existing: ExistingProfile) -> dict[str, Any]:
    """Our profile with the stored profile's top-level identifiers (see the module's docstring)."""
    updated = dict(profile)
    if existing.payload_uuid:
        updated["PayloadUUID"] = existing.payload_uuid
    if existing.payload_identifier:
        updated["PayloadIdentifier"] = existing.payload_identifier
    return updated


def profile_xml(target: JamfTarget, profile: dict[str, Any]) -> bytes:
    """The <os_x_configuration_profile> body; the plist travels as escaped text in <payloads>."""
    from profilegen.writable import text_problem

    description = str(profile.get("PayloadDescription", ""))
    for what, text in (("name", target.name), ("category", target.category or ""), ("site", target.site or ""),
                       ("description (PayloadDescription)", description)):
        if problem := text_problem(text):  # ElementTree would write it raw: XML no server can read
            raise UsageError(f"the Jamf Pro profile's {what} {problem}", hint="give another --name" if what == "name"
                             else None)
    root = ET.Element("os_x_configuration_profile")
    general = ET.SubElement(root, "general")
    ET.SubElement(general, "name").text = target.name
    ET.SubElement(general, "description").text = description
    if target.site:
        ET.SubElement(ET.SubElement(general, "site"), "name").text = target.site
    if target.category:
        ET.SubElement(ET.SubElement(general, "category"), "name").text = target.category
    ET.SubElement(general, "distribution_method").text = DISTRIBUTION[target.distribution]
    removable = not bool(profile.get("PayloadRemovalDisallowed", False))
    ET.SubElement(general, "user_removable").text = "true" if removable else "false"
    ET.SubElement(general, "level").text = target.level
    ET.SubElement(general, "redeploy_on_update").text = REDEPLOY[target.redeploy]
    plist_text = plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True).decode("utf-8")
    ET.SubElement(general, "payloads").text = plist_text
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def parse_answer(body: bytes, url: str) -> Any:
    """Jamf's XML answer, untrusted: the hardened parser of profiles (no DTD, no entity, in any encoding)."""
    from profilegen.inspect.xmlplist import parse_element

    try:
        return parse_element(body, url)
    except InputError as error:
        raise RemoteError(f"{url} answered with XML profilegen refuses: {error.message}",
                          hint="is --url a Jamf Pro server?") from None


class JamfClient:
    def __init__(self, base_url: str, session: AuthorizedSession) -> None:
        self.base = f"{base_url}/JSSResource/osxconfigurationprofiles"
        self.session = session
        self.transport = session.transport

    def find(self, name: str) -> ExistingProfile | None:
        url = f"{self.base}/name/{quote(name, safe='')}"
        what = f"look up the profile named {name!r}"
        response = self.session.send(Request("GET", url, {"Accept": "application/xml"}), what=what)
        if response.dry_run or response.status == 404:
            return None
        self.transport.expect(response, (200,), what=what, hints=HINTS)
        root = parse_answer(response.body, url)
        object_id = (root.findtext("general/id") or root.findtext("id") or "").strip()
        if not object_id:
            raise RemoteError(f"cannot {what}: Jamf's answer has no <general><id>")
        if not object_id.isascii() or not object_id.isdigit():
            raise RemoteError(f"cannot {what}: Jamf's answer gives the id {object_id[:40]!r}, not a number")
        payloads = root.findtext("general/payloads") or ""
        uuid, identifier = _identifiers(payloads, url)
        if not (uuid and identifier):
            raise RemoteError(
                f"the profile {name!r} (id {object_id}) on Jamf Pro has no readable PayloadUUID and "
                "PayloadIdentifier; updating it would install a second copy on the Macs",
                hint="check it in Jamf Pro, or delete it and upload again",
            )
        return ExistingProfile(object_id, uuid, identifier)

    def upload(self, data: bytes, target: JamfTarget, *, source: str) -> UploadResult:
        """Create the profile, or update the one of that name; never a second one."""
        profile = check_profile(data, source)
        policy = self.transport.retry
        for attempt in range(1, policy.attempts + 1):
            existing = self.find(target.name)
            if existing is not None:
                return self._update(existing, profile, target)
            try:
                return self._create(profile, target)
            except UncertainOutcome:
                # It may have been created: look again before the next try.
                if attempt == policy.attempts:
                    raise
                policy.sleep(policy.backoff * float(1 << (attempt - 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _create(self, profile: dict[str, Any], target: JamfTarget) -> UploadResult:
        url = f"{self.base}/id/0"
        what = f"create the profile {target.name!r}"
        request = Request("POST", url, _XML, profile_xml(target, profile), idempotent=False)
        response = self.session.send(request, what=what)
        return self._result("created", response, url, what, target.name)

    def _update(self, existing: ExistingProfile, profile: dict[str, Any], target: JamfTarget) -> UploadResult:
        url = f"{self.base}/id/{quote(existing.object_id, safe='')}"
        what = f"update the profile {target.name!r} (id {existing.object_id})"
        body = profile_xml(target, reinject(profile, existing))
        response = self.session.send(Request("PUT", url, _XML, body), what=what)
        return self._result("updated", response, url, what, target.name)

    def _result(self, action: str, response: Response, url: str, what: str, name: str) -> UploadResult:
        if response.dry_run:
            return UploadResult("dry-run", KIND, name, None)
        self.transport.expect(response, (200, 201), what=what, hints=HINTS)
        object_id = (parse_answer(response.body, url).findtext("id") or "").strip() or None
        return UploadResult(action, KIND, name, object_id)


def _identifiers(payloads: str, url: str) -> tuple[str | None, str | None]:
    """The stored plist's top-level identifiers, read with the hardened plist reader; None when unreadable."""
    from profilegen.inspect.xmlplist import parse

    if not payloads.strip():
        return None, None
    try:
        node = parse(payloads.encode("utf-8"), url).root
    except InputError:
        return None, None
    stored = node.value if node is not None else None
    if not isinstance(stored, dict):
        return None, None
    uuid, identifier = stored.get("PayloadUUID"), stored.get("PayloadIdentifier")
    return (uuid if isinstance(uuid, str) else None, identifier if isinstance(identifier, str) else None)
