"""A profile dictionary as a .mobileconfig: XML plist, UTF-8 without BOM, keys sorted."""

from __future__ import annotations

from typing import Any

from profilegen.render import plist_xml


def render(profile: dict[str, Any]) -> bytes:
    return plist_xml.dumps(profile)
