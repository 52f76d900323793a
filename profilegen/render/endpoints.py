"""Endpoint reports as text: a table, JSON, CSV, a host list and a squid ACL snippet. Pure functions."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

from profilegen.endpoints import (
    STATUSES,
    EndpointStatus,
    OptionLike,
    Report,
    evaluate,
    host_statuses,
    load_endpoints,
)

FORMATS = ("table", "json", "csv", "hosts", "squid")
CSV_COLUMNS = ("status", "url", "host", "apps", "type", "section", "licenses", "by", "reason",
               "silenceable_by", "description")
SQUID_ACL = "profilegen_office_silenced"
SQUID_KEEP = "profilegen_office_keep"
SQUID_MACS = "profilegen_office_macs"
# Domains that are Microsoft's own: a denied host outside them is a site other software uses too
MICROSOFT_DOMAINS = ("microsoft.com", "office.com", "office.net", "office365.com", "live.com", "live.net",
                     "microsoftonline.com", "msocdn.com", "oaspapps.com", "oappseperate.com", "officeapps.live.com",
                     "onenote.com", "onenote.net", "outlook.com", "sharepoint.com", "windows.net", "msn.com",
                     "skype.com", "bing.com", "bing.net", "virtualearth.net", "azurewebsites.net", "aka.ms",
                     "msedge.net", "azureedge.net", "onmicrosoft.com", "office365.us", "lync.com")
_INDENT = " " * 4


def check_only(only: Iterable[str]) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(only))
    for value in values:
        if value not in STATUSES:
            raise ValueError(value)
    return values


def selected(report: Report, only: Collection[str] = ()) -> list[EndpointStatus]:
    return [row for row in report.rows if not only or row.status in only]


# --- table ------------------------------------------------------------------------------------------


def render_table(report: Report, only: Collection[str] = ()) -> str:
    rows = selected(report, only)
    lines = [f"Office for Mac network endpoints, from {report.data.citation()}",
             f"preset: {report.preset or '(none: the whole catalogue, default configuration)'}"
             f"   license: {report.license or 'any'}   apps: {''.join(report.apps)}"]
    header = ("STATUS", "APPS", "TYPE", "SECTION", "URL")
    cells = [(row.status, "".join(row.apps), row.endpoint.type, row.endpoint.section, row.endpoint.url)
             for row in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header) - 1)]
    lines.append("")
    lines.append(_columns(header, widths))
    for row, line in zip(rows, cells, strict=True):
        lines.append(_columns(line, widths))
        if row.by:
            lines.extend(textwrap.wrap(row.reason, width=100, initial_indent=_INDENT,
                                       subsequent_indent=_INDENT))
        if report.preset is None and row.silenceable_by:
            lines.append("    silenced by: " + ", ".join(row.silenceable_by))
    counts = {status: sum(1 for row in rows if row.status == status) for status in STATUSES}
    lines.append("")
    lines.append(f"{len(rows)} rows: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES))
    if report.left_out:
        hosts = ", ".join(sorted({endpoint.host for endpoint in report.left_out}))
        lines.append(f"{len(report.left_out)} subscription-only endpoints left out "
                     f"(license {report.license}): {hosts}")
    return "\n".join(lines) + "\n"


def _columns(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join([*(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)), cells[-1]])


# --- json and csv -----------------------------------------------------------------------------------


def _record(row: EndpointStatus, report: Report) -> dict[str, Any]:
    endpoint = row.endpoint
    return {
        "url": endpoint.url,
        "host": endpoint.host,
        "apps": list(row.apps),
        "type": endpoint.type,
        "description": endpoint.description,
        "section": endpoint.section,
        "section_title": report.data.section(endpoint.section).title,
        "licenses": endpoint.licenses,
        "status": row.status,
        "by": list(row.by),
        "reason": row.reason,
        "silenceable_by": list(row.silenceable_by),
        "note": endpoint.note,
    }


def render_json(report: Report, only: Collection[str] = ()) -> str:
    rows = selected(report, only)
    document = {
        "source": {"title": report.data.title, "date": report.data.date, "url": report.data.source},
        "preset": report.preset,
        "license": report.license,
        "apps": list(report.apps),
        "only": list(only),
        "counts": {status: sum(1 for row in rows if row.status == status) for status in STATUSES},
        "endpoints": [_record(row, report) for row in rows],
        "left_out": [{"url": e.url, "section": e.section, "licenses": e.licenses} for e in report.left_out],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_csv(report: Report, only: Collection[str] = ()) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in selected(report, only):
        record = _record(row, report)
        writer.writerow([" ".join(record[c]) if c in ("by", "silenceable_by") else "".join(record[c])
                         if c == "apps" else record[c] for c in CSV_COLUMNS])
    return buffer.getvalue()


# --- host lists -------------------------------------------------------------------------------------


def render_hosts(report: Report, only: Collection[str] = ()) -> str:
    """One host pattern a line, sorted and deduplicated.

    A host listed more than once takes the most permissive status of its rows: contacted if any row is
    contacted (so an allow list keeps it), silenced only if every row is silenced.
    """
    hosts = sorted({item.host for item in host_statuses(report.rows) if not only or item.status in only})
    return "".join(f"{host}\n" for host in hosts)


# --- squid ------------------------------------------------------------------------------------------


def squid_covers(pattern: str, host: str) -> bool:
    """Whether squid's form of ``pattern`` matches every name ``host`` stands for."""
    if pattern.startswith("*.") and "*" not in pattern[2:]:
        base = pattern[2:].lower()
        return host.lower() == base or host.lower().endswith("." + base)
    if "*" in pattern:
        return bool(re.fullmatch(_squid_regex(pattern), host.lower()))
    return pattern.lower() == host.lower()


def _squid_regex(pattern: str) -> str:
    return "^" + ".+".join(re.escape(part) for part in pattern.lower().split("*")) + "$"


def squid_domains(patterns: Iterable[str]) -> tuple[list[str], list[str]]:
    """Document host patterns as squid `dstdomain` values and `dstdom_regex` values.

    ``*.x.com`` becomes ``.x.com`` (which squid also matches against x.com itself); any other wildcard,
    such as ``*-contentstorage.osi.office.net``, becomes an anchored regular expression. Squid rejects
    a `dstdomain` value that another covers (``.x.com`` and ``a.x.com``), so covered values are dropped.
    """
    domains: set[str] = set()
    regexes: list[str] = []
    for pattern in patterns:
        if pattern.startswith("*.") and "*" not in pattern[2:]:
            domains.add("." + pattern[2:].lower())
        elif "*" in pattern:
            regexes.append(_squid_regex(pattern))
        else:
            domains.add(pattern.lower())
    wildcards = [d for d in domains if d.startswith(".")]
    kept = [d for d in domains if not any(
        w != d and (d.lstrip(".") == w[1:] or d.endswith(w)) for w in wildcards)]
    return sorted(kept, key=lambda d: (d.lstrip(".").split(".")[::-1], d)), sorted(set(regexes))


def _acl_lines(name: str, patterns: Iterable[str]) -> tuple[list[str], list[str]]:
    domains, regexes = squid_domains(patterns)
    lines = [f"acl {name} dstdomain {domain}" for domain in domains]
    lines += [f"acl {name}_re dstdom_regex -i {regex}" for regex in regexes]
    names = ([name] if domains else []) + ([f"{name}_re"] if regexes else [])
    return lines, names


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=100, initial_indent="# ", subsequent_indent="#   ",
                         break_on_hyphens=False)


def is_microsoft(host: str) -> bool:
    name = host.lower().lstrip("*.")
    return any(name == domain or name.endswith("." + domain) for domain in MICROSOFT_DOMAINS)


def render_squid(report: Report, macs: Sequence[str] = ()) -> str:
    """An ACL snippet for squid.conf that answers requests to the silenced hosts with 403 Forbidden.

    Include it before the rules that allow Office traffic. Hosts still contacted by some app or row, hosts
    whose status is unknown and hosts left out for the license are not denied. Where a denied wildcard covers
    such a host, that host is exempted (``!keep`` first, so that deny_info sees the denying ACL last).
    With ``macs`` (addresses or networks) the rules apply to those clients alone (``acl ... src``); without,
    to every client of the proxy, which the header says.
    """
    statuses = host_statuses(report.rows)
    left = sorted({endpoint.host for endpoint in report.left_out})
    silenced = [item.host for item in statuses if item.status == "silenced" and item.host not in left]
    others = [item for item in statuses if item.status != "silenced"]
    spared = {item.host for item in others} | set(left)
    keep = sorted({host for host in spared if any(squid_covers(p, host) for p in silenced)})
    lines = [
        "# profilegen: Office for Mac endpoints silenced by "
        + (f"preset {report.preset}" if report.preset else "no preset (nothing is silenced)")
        + f" (license: {report.license or 'any'}; apps: {''.join(report.apps)})",
        "# Denied with 403 Forbidden, not a dropped connection or a TCP reset: Office accepts a 40X",
        "# answer as 'not available' and moves on, while a dropped connection makes it retry.",
    ]
    unknown = sorted(item.host for item in others if item.status == "unknown")
    if unknown:
        lines += _comment("Not denied, status unknown (no source says whether they are still contacted): "
                          + " ".join(unknown))
    if left:
        lines += _comment(f"Not denied, left out for the license ({report.license}; the document lists them for "
                          "the other license only): " + " ".join(left))
    deny_lines, deny_names = _acl_lines(SQUID_ACL, silenced)
    if not deny_names:
        lines.append("# Nothing to deny.")
        return "\n".join(lines) + "\n"
    outside = sorted(host for host in silenced if not is_microsoft(host))
    if macs:
        lines += _comment("Denied only to the Macs' addresses (acl src): " + " ".join(macs))
    else:
        lines += _comment("Denied to EVERY client of this proxy, not only the Macs"
                          + (": among them sites other software uses too, " + " ".join(outside) if outside else "")
                          + ". To deny them to the Macs alone, give their addresses: profilegen endpoints ... "
                          "--format squid --macs 10.20.0.0/16, which adds 'acl " + SQUID_MACS + " src "
                          "10.20.0.0/16' and puts " + SQUID_MACS + " first in each http_access deny.")
    keep_lines, keep_names = _acl_lines(SQUID_KEEP, keep)
    if keep:
        lines += _comment("Not denied, although a denied wildcard covers them (still contacted, unknown or left "
                          "out): " + " ".join(keep))
    lines += [f"acl {SQUID_MACS} src {network}" for network in macs]
    lines += deny_lines + keep_lines
    clients = f"{SQUID_MACS} " if macs else ""
    exempt = "".join(f"!{name} " for name in keep_names)
    lines += [f"http_access deny {clients}{exempt}{name}" for name in deny_names]
    lines += [f"deny_info 403:ERR_ACCESS_DENIED {name}" for name in deny_names]
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str, only: Collection[str] = (), macs: Sequence[str] = ()) -> str:
    if fmt == "table":
        return render_table(report, only)
    if fmt == "json":
        return render_json(report, only)
    if fmt == "csv":
        return render_csv(report, only)
    if fmt == "hosts":
        return render_hosts(report, only)
    if fmt == "squid":
        return render_squid(report, macs)
    raise ValueError(fmt)


# --- for `build --endpoints` ------------------------------------------------------------------------


class _Fleet(Protocol):
    @property
    def license(self) -> str | None: ...


class _Preset(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def fleet(self) -> _Fleet: ...


class ResolutionLike(Protocol):
    """What the report needs of profilegen.resolve.Resolution."""

    @property
    def preset(self) -> _Preset: ...
    @property
    def chosen(self) -> Mapping[str, OptionLike]: ...


def endpoints_csv(resolution: ResolutionLike, catalogue: Iterable[OptionLike] = ()) -> bytes:
    """The endpoint report of a resolved preset as CSV (UTF-8), for `<name>.endpoints.csv`."""
    report = evaluate(load_endpoints(), resolution.chosen, license=resolution.preset.fleet.license,
                      catalogue=catalogue, preset=resolution.preset.name)
    return render_csv(report).encode("utf-8")
