"""Names derived from what an admin typed: a slug for files, an organization in reverse DNS, an identifier."""

from __future__ import annotations

import re
import unicodedata

from profilegen.forms import is_identifier

PLACEHOLDER_ORG = "com.example"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-': a preset name, a file name, one part of an identifier."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def reverse_dns(organization: str) -> str:
    """'example.com' -> 'com.example'; 'Example Corp' -> 'com.example-corp'; '' -> 'com.example'."""
    text = organization.strip()
    if re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", text):
        return ".".join(reversed([slug(part) or "x" for part in text.split(".")]))
    return "com." + (slug(text) or "example")


def default_identifier(organization: str, name: str) -> str:
    candidate = f"{reverse_dns(organization)}.{slug(name) or 'office'}"
    return candidate if is_identifier(candidate) else "com.example.office"


def is_placeholder(identifier: str) -> bool:
    """An identifier under com.example: fine to try, not to deploy (every such profile would replace another)."""
    return identifier == PLACEHOLDER_ORG or identifier.startswith(PLACEHOLDER_ORG + ".")
