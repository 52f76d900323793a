"""A profile dictionary as a .mobileconfig: XML plist, UTF-8 without BOM, keys sorted."""

from __future__ import annotations

import plistlib
from typing import Any


def render(profile: dict[str, Any]) -> bytes:
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)
