"""Intune "preference file" (macOSCustomAppConfiguration): bare ``<key>``/value pairs of one domain.

Intune wraps the pairs in its own ``<plist><dict>`` on the Mac, so the file carries neither an XML
declaration nor ``<plist>`` nor ``<dict>`` around them (FACTS section 5). Everything else is plist XML as
Apple writes it: typed values, escaped text, UTF-8 without a byte-order mark, keys sorted so the same
settings give the same bytes.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping

from profilegen.errors import ValidationError
from profilegen.plisttypes import PlistValue, base64_text, date_text

_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1
# Characters XML 1.0 cannot carry, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(settings: Mapping[str, PlistValue], *, domain: str = "") -> bytes:
    """The preference file for one domain's settings (key -> value), as UTF-8 bytes."""
    lines: list[str] = []
    for key in sorted(settings):
        _pair(lines, key, settings[key], depth=0, where=_where(domain, key))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _where(domain: str, key: str) -> str:
    return f"{domain}:{key}" if domain else key


def _pair(lines: list[str], key: str, value: PlistValue, *, depth: int, where: str) -> None:
    if not isinstance(key, str):
        raise ValidationError(f"{where}: dictionary key {key!r} is not a string", hint="plist keys are text")
    lines.append("\t" * depth + f"<key>{_text(key, where)}</key>")
    _value(lines, value, depth=depth, where=where)


def _value(lines: list[str], value: PlistValue, *, depth: int, where: str) -> None:
    pad = "\t" * depth
    if isinstance(value, bool):
        lines.append(pad + ("<true/>" if value else "<false/>"))
    elif isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise ValidationError(f"{where}: integer {value} does not fit a plist integer (64 bits)")
        lines.append(pad + f"<integer>{value}</integer>")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"{where}: {value} is not a finite real number", hint="use a finite value")
        lines.append(pad + f"<real>{value!r}</real>")
    elif isinstance(value, str):
        lines.append(pad + f"<string>{_text(value, where)}</string>")
    elif isinstance(value, bytes | bytearray):
        lines.append(pad + f"<data>{base64_text(bytes(value))}</data>")
    elif isinstance(value, datetime.datetime):
        lines.append(pad + f"<date>{_date(value)}</date>")
    elif isinstance(value, list | tuple):
        if not value:
            lines.append(pad + "<array/>")
            return
        lines.append(pad + "<array>")
        for item in value:
            _value(lines, item, depth=depth + 1, where=where)
        lines.append(pad + "</array>")
    elif isinstance(value, dict):
        if not value:
            lines.append(pad + "<dict/>")
            return
        lines.append(pad + "<dict>")
        for key in sorted(value):
            _pair(lines, key, value[key], depth=depth + 1, where=f"{where}.{key}")
        lines.append(pad + "</dict>")
    else:
        raise ValidationError(f"{where}: a {type(value).__name__} cannot be written to a plist")


def _text(value: str, where: str) -> str:
    bad = _NOT_XML.search(value)
    if bad:
        raise ValidationError(
            f"{where}: text holds the character U+{ord(bad.group()):04X}, which XML cannot carry",
            hint="remove the control character",
        )
    # A carriage return would be read back as a line feed: keep it as a character reference.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _date(value: datetime.datetime) -> str:
    """Plist dates are UTC, to the second; a naive datetime is taken as UTC (as plistlib does)."""
    return date_text(value)
