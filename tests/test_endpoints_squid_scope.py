"""The squid snippet says whom it denies, offers the form limited to the Macs (`acl ... src`), and never
denies a host it lists as left out for the license."""

from __future__ import annotations

from pathlib import Path

from profilegen.catalog import Effect, Option
from profilegen.endpoints import evaluate, parse_endpoints
from profilegen.render.endpoints import render_squid, squid_covers
from tests.cli import run_cli

LOCKDOWN = "office-volume-license-lockdown"

LEFT_OUT = """
format = 1
source = "hand-made"
[apps]
W = { name = "Word", domains = ["com.microsoft.Word"] }
[[sections]]
id = "s"
title = "S"
intro = "I"
licenses = "all"
[[endpoints]]
url = "https://*.cdn.example.com/"
host = "*.cdn.example.com"
apps = ["W"]
type = "SS"
description = "wildcard, silenced"
section = "s"
licenses = "all"
[[endpoints]]
url = "https://sub.cdn.example.com/"
host = "sub.cdn.example.com"
apps = ["W"]
type = "SS"
description = "covered by the wildcard, subscription only"
section = "s"
licenses = "subscription"
[[endpoints]]
url = "https://both.example.org/"
host = "both.example.org"
apps = ["W"]
type = "SS"
description = "silenced in one row"
section = "s"
licenses = "all"
[[endpoints]]
url = "https://both.example.org/other"
host = "both.example.org"
apps = ["W"]
type = "SS"
description = "and left out in another"
section = "s"
licenses = "subscription"
"""


def denied(snippet: str, host: str) -> bool:
    """Whether the snippet's deny rule matches ``host`` (dstdomain and its !keep exemptions), as squid would."""
    def values(acl: str) -> list[str]:
        return [line.split()[-1] for line in snippet.splitlines() if line.startswith(f"acl {acl} dstdomain ")]

    def matches(acl: str) -> bool:
        return any(squid_covers("*" + v if v.startswith(".") else v, host) for v in values(acl))

    return matches("profilegen_office_silenced") and not matches("profilegen_office_keep")


def test_a_host_listed_as_left_out_is_never_denied(tmp_path: Path) -> None:
    data = parse_endpoints(LEFT_OUT, tmp_path / "endpoints.toml")
    off = Option("c", "off", "c off", silences=("s",), sets=(Effect("com.microsoft.Word", "K", 0),))
    report = evaluate(data, {"c": off}, preset="p", license="volume")
    snippet = render_squid(report)
    listed = snippet.split("left out for the license", 1)[1].split("\n# Denied", 1)[0]
    assert "sub.cdn.example.com" in listed and "both.example.org" in listed
    assert not denied(snippet, "sub.cdn.example.com") and not denied(snippet, "both.example.org")
    assert denied(snippet, "www.cdn.example.com")  # the wildcard still denies the rest


def test_the_header_says_every_client_and_names_the_sites_others_use(tmp_path: Path) -> None:
    done = run_cli("endpoints", LOCKDOWN, "--format", "squid")
    assert done.returncode == 0, done.stderr
    header = " ".join(line.lstrip("# ") for line in done.stdout.splitlines() if line.startswith("#"))
    assert "Denied to EVERY client of this proxy, not only the Macs" in header
    assert "*.wikipedia.org" in header and "upload.wikimedia.org" in header
    assert "ajax.microsoft.com" not in header.split("sites other software uses too")[1].split(".")[0]
    assert "--macs 10.20.0.0/16" in header
    assert "acl profilegen_office_macs" not in done.stdout.replace("'acl profilegen_office_macs", "")


def test_macs_limits_the_deny_to_their_addresses() -> None:
    done = run_cli("endpoints", LOCKDOWN, "--format", "squid", "--macs", "10.20.0.0/16", "--macs", "192.0.2.7")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "acl profilegen_office_macs src 10.20.0.0/16" in lines
    assert "acl profilegen_office_macs src 192.0.2.7/32" in lines
    denies = [line for line in lines if line.startswith("http_access deny")]
    assert denies and all(line.startswith("http_access deny profilegen_office_macs ") for line in denies)
    assert "EVERY client" not in done.stdout
    assert lines.index("acl profilegen_office_macs src 10.20.0.0/16") < lines.index(denies[0])


def test_bad_macs_are_usage_errors() -> None:
    done = run_cli("endpoints", LOCKDOWN, "--format", "squid", "--macs", "10.20.0.0/33")
    assert done.returncode == 2 and "--macs '10.20.0.0/33' is not an address or a network" in done.stderr
    done = run_cli("endpoints", LOCKDOWN, "--macs", "10.20.0.0/16")
    assert done.returncode == 2 and "--macs goes with --format squid" in done.stderr
