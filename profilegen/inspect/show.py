"""What `profilegen show` prints: a profile's form, signer, metadata, payloads and settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from profilegen.bulk import outlive
from profilegen.inspect.canon import as_text, type_name
from profilegen.inspect.model import Profile
from profilegen.plisttypes import display, to_json
from profilegen.printable import printable, printable_lines

# Top-level keys that identify a deployment rather than say what it does: left out of `--format text`.
IDENTITY_KEYS = ("PayloadUUID",)
Titles = Callable[[str], "str | None"]  # payload type -> Apple's title (PayloadCatalog.title)


def _title(titles: Titles | None, payload_type: str | None) -> str | None:
    return titles(payload_type) if titles is not None and payload_type else None


def describe(profile: Profile, titles: Titles | None = None) -> dict[str, Any]:
    """Everything `show` knows, as JSON-ready data."""
    document = profile.document
    signer = document.signer
    return {
        "file": document.path,
        "form": document.form,
        "bytes": document.size,
        "signed": None
        if signer is None
        else {
            "subject": signer.subject,
            "issuer": signer.issuer,
            "serial": str(signer.serial),
            "not_before": signer.not_before.isoformat() if signer.not_before else None,
            "not_after": signer.not_after.isoformat() if signer.not_after else None,
            "digest": signer.digest_algorithm,
            "signature": signer.status,
        },
        "metadata": {key: to_json(value) for key, value in profile.metadata.items()},
        "style": profile.style(),
        "payloads": [
            {
                "index": payload.index + 1,
                "type": payload.payload_type,
                "title": _title(titles, payload.payload_type),
                "style": payload.style,
                "identifier": payload.identifier,
                "uuid": payload.uuid,
                "display_name": payload.display_name,
                "domains": payload.domains,
            }
            for payload in profile.payloads
        ],
        "settings": [
            {
                "domain": s.domain,
                "key": s.key,
                "value": to_json(s.value),
                "type": type_name(s.value),
                "mode": s.mode,
                "payload": s.payload + 1,
                "line": s.line,
            }
            for s in profile.settings
        ],
    }


def table_view(profile: Profile, titles: Titles | None = None) -> list[str]:
    """The human view, line by line: header lines, then payloads, then one row per setting (a list, so a
    100,000-key profile is written out without one string of it all)."""
    from profilegen.render.table import table, table_lines

    document = profile.document
    form = f"signed (DER CMS), {document.form} plist inside" if document.signed else f"{document.form} plist"
    lines = [printable(f"{document.path}: {form}, {document.size:,} bytes")]
    signer = document.signer
    if signer is not None:
        valid = ""
        if signer.not_before and signer.not_after:
            valid = f", valid {signer.not_before:%Y-%m-%d} to {signer.not_after:%Y-%m-%d}"
        lines.append(printable(
            f"  signed by {signer.subject}{valid}; digest {signer.digest_algorithm}; "
            f"{signer.status}"
        ))
    for key, value in profile.metadata.items():
        lines.append(printable(f"  {key}: {display(value)}"))
    lines.append("")
    payload_rows = [
        [
            str(p.index + 1),
            p.payload_type or "?",
            _title(titles, p.payload_type) or "",
            p.style,
            p.identifier or "",
            p.uuid or "",
            ", ".join(p.domains),
        ]
        for p in profile.payloads
    ]
    lines.append(table(["#", "type", "title", "style", "identifier", "uuid", "domains"], payload_rows))
    lines.append("")
    setting_rows = [(origin.domain, key, display(value), type_name(value), origin.mode)
                    for origin in profile.origins for key, value in profile.pairs_of(origin)]
    outlive(setting_rows)  # (profilegen.bulk)
    if setting_rows:
        lines += table_lines(["domain", "key", "value", "type", "mode"], setting_rows)
    else:
        lines.append("(no settings)")
    return lines


def plain_text(profile: Profile) -> str:
    """A stable, sorted, line-per-fact view for `git diff` (textconv): no UUIDs, no formatting noise."""
    lines = []
    signer = profile.document.signer
    if signer is not None:
        lines.append(f"signed-by: {signer.subject}")
    for key in sorted(profile.metadata):
        if key not in IDENTITY_KEYS:
            lines.append(f"profile {key} = {as_text(profile.metadata[key])}")
    for payload in profile.payloads:
        if payload.style == "apple":
            lines.append(f"payload {payload.payload_type}")
    settings = sorted(profile.settings, key=lambda s: (s.domain, s.key))
    for s in settings:
        mode = " (Set-Once)" if s.mode == "Set-Once" else ""
        lines += [f"{s.domain} {path} = {text}{mode}" for path, text in flatten(s.key, s.value)]
    return printable_lines(lines)


def flatten(path: str, value: Any) -> list[tuple[str, str]]:
    """Nested values as one line per leaf (``key.sub[0].x``), so a line-based diff points at the leaf."""
    if isinstance(value, dict) and value:
        return [item for key in sorted(value) for item in flatten(f"{path}.{key}", value[key])]
    if isinstance(value, list) and value:
        return [item for index, entry in enumerate(value) for item in flatten(f"{path}[{index}]", entry)]
    return [(path, as_text(value))]
