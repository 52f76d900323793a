"""The suite's own inputs, written for these tests: profiles, manifests, a signed profile, an endpoint excerpt.

- ``tests/data/samples/*.mobileconfig``: profiles in the layout Microsoft's sample profiles use (tab-indented
  XML, one `com.apple.ManagedClient.preferences` payload with `Forced` settings, lower-case UUIDs), with
  settings of the shipped catalogue. ``BASIC`` puts two domains in one payload, as some of Microsoft's do.
- ``tests/data/manifests/``: a few manifests in ProfileManifests' plist format (`pfm_*` keys), laid out
  like that repository (``Manifests/ManagedPreferencesApplications/<domain>.plist``).
- :func:`sign_with_openssl`: a profile signed by the test PKI (tests/signing_pki.py), as `openssl smime` signs.
- :func:`document_excerpt`: sections of schemas/endpoints.toml written back in the layout of the markdown
  tables of Microsoft's article, for the parser the corpus tests use on the real article.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import REPO

SAMPLES = REPO / "tests" / "data" / "samples"
BASIC = SAMPLES / "office-basic-diagnostics.mobileconfig"
ZERO = SAMPLES / "office-zero-diagnostics.mobileconfig"
WORD = SAMPLES / "word-telemetry-off.mobileconfig"
PROFILES = sorted(SAMPLES.glob("*.mobileconfig"))

MANIFEST_ROOT = REPO / "tests" / "data" / "manifests"
MANIFESTS = MANIFEST_ROOT / "Manifests" / "ManagedPreferencesApplications"
MANIFEST_DOMAINS = sorted(path.stem for path in MANIFESTS.glob("*.plist"))
EDGE = "com.microsoft.Edge"


def sign_with_openssl(source: Path, target: Path, cert: Path, key: Path, chain: Path) -> Path:
    """DER CMS SignedData with the profile attached, made by openssl (not by profilegen)."""
    subprocess.run(
        ["openssl", "smime", "-sign", "-signer", str(cert), "-inkey", str(key), "-certfile", str(chain),
         "-nodetach", "-binary", "-outform", "der", "-md", "sha256", "-in", str(source), "-out", str(target)],
        check=True, capture_output=True,
    )
    return target


def _cell(text: str) -> str:
    return f"```{text}```  <br/> " if text.startswith("https://") else f"{text}  <br/> "


def document_excerpt(data: dict[str, Any], section_ids: list[str]) -> str:
    """The given sections of endpoints.toml as markdown in the article's layout: bold headings, tables."""
    lines = ["# Excerpt", "", "## Office for Mac default configuration", ""]
    for section in data["sections"]:
        if section["id"] not in section_ids:
            continue
        rows = [e for e in data["endpoints"] if e["section"] == section["id"]]
        with_apps = "apps-note" not in section
        columns = ["URL", *(["Apps"] if with_apps else []), "Type", "Description"]
        lines += [f" **{section['title']}**", "  ", section["intro"], "  ",
                  "|" + "|".join(f"**{c}**" for c in columns) + "|", "|" + "|".join(":-----" for _ in columns) + "|"]
        for row in rows:
            cells = [row["url"], *(["".join(row["apps"])] if with_apps else []), row["type"], row["description"]]
            lines.append("|" + "|".join(_cell(c) for c in cells) + "|")
        lines += ["   ", ""]
    lines += ["## Options for reducing network requests and traffic", ""]
    return "\n".join(lines)
