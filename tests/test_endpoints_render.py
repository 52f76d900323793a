"""Each output format of the endpoint report, parsed back; the squid snippet checked by squid itself."""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from profilegen.catalog import Effect, Option
from profilegen.endpoints import Report, evaluate, load_endpoints, parse_endpoints
from profilegen.render.endpoints import (
    CSV_COLUMNS,
    render,
    render_csv,
    render_hosts,
    render_json,
    render_squid,
    render_table,
    squid_domains,
)

DATA = load_endpoints()
WXP = ("com.microsoft.Word", "com.microsoft.Excel", "com.microsoft.Powerpoint")
CLOUD_OFF = Option("cloud-sign-in", "disabled", "Disable cloud sign-in", silences=(
    "sign-in", "smart-lookup", "product-activation", "office-add-ins",
    "host:odc.officeapps.live.com", "host:*.firstpartyapps.oaspapps.com"),
    sets=tuple(Effect(d, "UseOnlineContent", 0) for d in WXP))
TELEMETRY_OFF = Option("usage-telemetry", "off", "Usage telemetry off",
                       sets=(Effect("com.microsoft.office", "SendAllTelemetryEnabled", False),))
SQUID = shutil.which("squid") or shutil.which("squid3") or next(
    (p for p in ("/usr/sbin/squid", "/usr/sbin/squid3") if Path(p).exists()), None)
needs_squid = pytest.mark.skipif(
    SQUID is None, reason="squid is not installed (apt-get install -y squid): snippet not checked by squid")


def lockdown(apps: str = "", license: str | None = "volume") -> Report:
    return evaluate(DATA, {"cloud-sign-in": CLOUD_OFF, "usage-telemetry": TELEMETRY_OFF}, apps=set(apps),
                    license=license, preset="lockdown", catalogue=[CLOUD_OFF, TELEMETRY_OFF])


# --- json, csv, table -------------------------------------------------------------------------------


def test_json_round_trips_every_row() -> None:
    report = lockdown()
    document = json.loads(render_json(report))
    assert document["preset"] == "lockdown" and document["license"] == "volume"
    assert len(document["endpoints"]) == len(report.rows)
    assert document["counts"] == report.counts()
    assert sum(document["counts"].values()) == len(report.rows)
    login = [e for e in document["endpoints"] if e["host"] == "login.live.com"]
    assert [(e["apps"], e["status"], e["by"]) for e in login] == [
        (["W", "X", "P"], "silenced", ["cloud-sign-in=disabled"]), (["O", "N"], "contacted", [])]
    assert login[0]["section_title"] == "Sign-in" and login[0]["silenceable_by"] == ["cloud-sign-in=disabled"]
    assert {e["url"] for e in document["left_out"]} >= {"https://ols.officeapps.live.com/"}
    nexus = next(e for e in document["endpoints"] if e["host"] == "nexus.officeapps.live.com")
    assert nexus["status"] == "contacted" and "always sent" in nexus["note"]


def test_json_only_keeps_the_statuses_asked_for() -> None:
    document = json.loads(render_json(lockdown(), only=["silenced", "unknown"]))
    assert {e["status"] for e in document["endpoints"]} == {"silenced", "unknown"}
    assert document["counts"]["contacted"] == 0 and document["only"] == ["silenced", "unknown"]


def test_csv_parses_back_with_one_line_per_row() -> None:
    report = lockdown()
    text = render_csv(report)
    records = list(csv.DictReader(io.StringIO(text)))
    assert tuple(records[0]) == CSV_COLUMNS
    assert len(records) == len(report.rows)
    for record, row in zip(records, report.rows, strict=True):
        assert record["url"] == row.endpoint.url and record["status"] == row.status
        assert record["apps"] == "".join(row.apps) and record["by"] == " ".join(row.by)
        assert record["description"] == row.endpoint.description
    assert "\r" not in text
    assert any('"' in line for line in text.splitlines())  # descriptions with commas and quotes are quoted


def test_table_shows_each_row_its_reason_and_the_totals() -> None:
    report = lockdown()
    text = render_table(report)
    assert "preset: lockdown   license: volume   apps: WPXON" in text
    for row in report.rows:
        endpoint = row.endpoint
        cells = [row.status, "".join(row.apps), endpoint.type, endpoint.section, re.escape(endpoint.url)]
        assert re.search(r"^" + r"\s+".join(cells) + "$", text, re.MULTILINE), row.endpoint.url
    counts = report.counts()
    assert f"{len(report.rows)} rows: {counts['contacted']} contacted, {counts['silenced']} silenced, " \
           f"{counts['unknown']} unknown" in text
    assert "8 subscription-only endpoints left out (license volume)" in text
    assert "silences the 'Sign-in' section" in text
    catalogue = render_table(evaluate(DATA, {}, catalogue=[CLOUD_OFF]))
    assert "preset: (none" in catalogue and "    silenced by: cloud-sign-in=disabled" in catalogue


# --- hosts --------------------------------------------------------------------------------------------


def test_hosts_lists_each_pattern_once() -> None:
    lines = render_hosts(lockdown()).splitlines()
    assert lines == sorted(set(lines))
    assert len(lines) == len({e.host for e in DATA.endpoints if e.licenses == "all"})
    assert "*.cdn.optimizely.com" in lines and all("/" not in line and " " not in line for line in lines)


def test_hosts_only_contacted_is_the_allow_list() -> None:
    contacted = set(render_hosts(lockdown(), only=["contacted"]).splitlines())
    silenced = set(render_hosts(lockdown(), only=["silenced"]).splitlines())
    unknown = set(render_hosts(lockdown(), only=["unknown"]).splitlines())
    assert not contacted & silenced and not contacted & unknown and not silenced & unknown
    assert contacted | silenced | unknown == set(render_hosts(lockdown()).splitlines())
    assert "nexus.officeapps.live.com" in contacted
    assert "login.microsoftonline.com" in contacted  # Outlook and OneNote still sign in
    assert "wikipedia.firstpartyapps.oaspapps.com" in silenced
    word_only = set(render_hosts(lockdown("W"), only=["silenced"]).splitlines())
    assert "login.microsoftonline.com" in word_only


# --- squid --------------------------------------------------------------------------------------------

SQUID_LINE = re.compile(
    r"^(#.*"
    r"|acl profilegen_office_(silenced|keep) dstdomain \.?[a-z0-9.-]+"
    r"|acl profilegen_office_(silenced|keep)_re dstdom_regex -i \^\S+\$"
    r"|http_access deny (!profilegen_office_keep(_re)? )*profilegen_office_silenced(_re)?"
    r"|deny_info 403:ERR_ACCESS_DENIED profilegen_office_silenced(_re)?)$")


def squid_values(snippet: str, kind: str = "dstdomain") -> list[str]:
    return [line.split()[-1] for line in snippet.splitlines()
            if line.startswith("acl ") and f" {kind} " in line]


def test_squid_snippet_lines_and_what_it_denies() -> None:
    snippet = render_squid(lockdown())
    for line in snippet.splitlines():
        assert SQUID_LINE.match(line), line
    assert "TCP_RESET" not in snippet
    denied = squid_values(snippet)
    assert "wikipedia.firstpartyapps.oaspapps.com" in denied and ".virtualearth.net" in denied
    assert ".wikipedia.org" in denied and "*.wikipedia.org" not in denied
    assert "login.microsoftonline.com" not in denied  # still contacted by Outlook and OneNote
    assert "nexus.officeapps.live.com" not in denied
    assert "deny_info 403:ERR_ACCESS_DENIED profilegen_office_silenced" in snippet.splitlines()
    word = render_squid(lockdown("W"))
    assert "login.microsoftonline.com" in squid_values(word)
    assert squid_values(word, "dstdom_regex") == [r"^.+\-contentstorage\.osi\.office\.net$"]


def test_squid_domain_form_drops_values_another_covers() -> None:
    domains, regexes = squid_domains(["*.x.com", "a.x.com", "x.com", ".b.x.com" and "*.b.x.com", "b.y.com",
                                      "B.Y.COM", "*-cs.osi.office.net"])
    assert domains == [".x.com", "b.y.com"]
    assert regexes == [r"^.+\-cs\.osi\.office\.net$"]
    assert re.match(regexes[0], "eu-cs.osi.office.net") and not re.match(regexes[0], "cs.osi.office.net")


def test_squid_snippet_without_anything_silenced_is_only_comments() -> None:
    snippet = render_squid(evaluate(DATA, {}))
    assert all(line.startswith("#") for line in snippet.splitlines())
    assert "# Nothing to deny." in snippet


KEEP = """
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
url = "https://keep.cdn.example.com/"
host = "keep.cdn.example.com"
apps = ["O"]
type = "SS"
description = "covered by the wildcard, still contacted"
section = "s"
licenses = "all"
"""


def keep_report(tmp_path: Path) -> Report:
    data = parse_endpoints(KEEP, tmp_path / "endpoints.toml")
    off = Option("c", "off", "c off", silences=("s",), sets=(Effect("com.microsoft.Word", "K", 0),))
    return evaluate(data, {"c": off}, preset="keep")


def test_squid_exempts_a_contacted_host_under_a_denied_wildcard(tmp_path: Path) -> None:
    snippet = render_squid(keep_report(tmp_path))
    assert "acl profilegen_office_silenced dstdomain .cdn.example.com" in snippet
    assert "acl profilegen_office_keep dstdomain keep.cdn.example.com" in snippet
    assert "http_access deny !profilegen_office_keep profilegen_office_silenced" in snippet


def squid_conf(tmp_path: Path, snippet: str, port: int = 3128) -> Path:
    tmp_path.chmod(0o777)  # squid started as root drops to its own user, which writes cache.log here
    (tmp_path / "office.conf").write_text(snippet, encoding="utf-8")
    conf = tmp_path / "squid.conf"
    conf.write_text("\n".join([
        f"http_port 127.0.0.1:{port}",
        "pid_filename none",
        f"cache_log {tmp_path / 'cache.log'}",
        "access_log none",
        "cache deny all",
        "pinger_enable off",
        "shutdown_lifetime 0 seconds",
        f"include {tmp_path / 'office.conf'}",
        # Everything the snippet lets through ends here, never on the network: 404, not the snippet's 403.
        "acl everything src 127.0.0.0/8",
        "http_access deny everything",
        "deny_info 404:ERR_ACCESS_DENIED everything",
        "http_access deny all",
    ]) + "\n", encoding="utf-8")
    return conf


def squid_parse(conf: Path) -> subprocess.CompletedProcess[str]:
    assert SQUID is not None
    return subprocess.run([SQUID, "-k", "parse", "-f", str(conf)], capture_output=True, text=True, timeout=30,
                          check=False)


def complaints(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (done.stdout + done.stderr).splitlines()
            if re.search(r"WARNING|ERROR|FATAL|subdomain|Bungled", line)]


@needs_squid
@pytest.mark.parametrize("apps", ["", "W", "WXP", "O"])
def test_squid_accepts_the_snippet(tmp_path: Path, apps: str) -> None:
    done = squid_parse(squid_conf(tmp_path, render_squid(lockdown(apps))))
    assert done.returncode == 0, done.stderr
    assert complaints(done) == []


@needs_squid
def test_squid_accepts_the_empty_and_the_keep_snippets(tmp_path: Path) -> None:
    for snippet in (render_squid(evaluate(DATA, {})), render_squid(keep_report(tmp_path))):
        done = squid_parse(squid_conf(tmp_path, snippet))
        assert done.returncode == 0 and complaints(done) == [], done.stderr


@needs_squid
def test_squid_would_complain_about_overlapping_values(tmp_path: Path) -> None:
    """The check above can fail: squid flags a dstdomain value that another covers."""
    overlapping = "".join(f"acl profilegen_office_silenced dstdomain {v}\n" for v in (".x.com", "a.x.com"))
    done = squid_parse(squid_conf(tmp_path, overlapping))
    assert complaints(done), done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_squid(conf: Path, port: int) -> Iterator[None]:
    assert SQUID is not None
    process = subprocess.Popen([SQUID, "-N", "-f", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"squid did not start: {process.communicate()[1].decode(errors='replace')}")
                time.sleep(0.05)
        yield
    finally:
        # No cache, no pid file, no helpers: nothing to flush, and SIGTERM costs squid two seconds.
        process.kill()
        process.communicate(timeout=10)


def proxy_get(port: int, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", f"http://{host}/", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def proxy_connect(port: int, host: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.set_tunnel(host, 443)
    try:
        connection.connect()
    except OSError as error:
        return str(error)
    finally:
        connection.close()
    return "tunnel opened"


@needs_squid
def test_squid_answers_silenced_hosts_with_403_and_lets_the_rest_through(tmp_path: Path) -> None:
    port = free_port()
    conf = squid_conf(tmp_path, render_squid(lockdown("W")), port)
    with running_squid(conf, port):
        assert proxy_get(port, "wikipedia.firstpartyapps.oaspapps.com") == 403
        assert proxy_get(port, "en.wikipedia.org") == 403  # *.wikipedia.org
        assert proxy_get(port, "eu-contentstorage.osi.office.net") == 403  # *-contentstorage regex
        assert proxy_get(port, "login.microsoftonline.com") == 403  # Word only: sign-in silenced
        assert "403" in proxy_connect(port, "login.live.com")  # HTTPS through the proxy: CONNECT refused
        # Not denied by the snippet: reaches the test's catch-all (404), never the network.
        assert proxy_get(port, "nexus.officeapps.live.com") == 404
        assert proxy_get(port, "contentstorage.osi.office.net") == 404
        assert "404" in proxy_connect(port, "config.edge.skype.com")


def test_render_dispatches_every_format() -> None:
    report = lockdown()
    assert render(report, "json").startswith("{")
    assert render(report, "csv").startswith("status,url,")
    assert render(report, "squid").startswith("# profilegen:")
    with pytest.raises(ValueError, match="xml"):
        render(report, "xml")
