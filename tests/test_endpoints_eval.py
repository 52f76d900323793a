"""What a set of chosen options does to the endpoints: contacted, silenced (by whom, why) or unknown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.catalog import Effect, Option
from profilegen.endpoints import (
    EndpointData,
    EndpointStatus,
    Report,
    evaluate,
    host_matches,
    host_statuses,
    load_endpoints,
    parse_endpoints,
)

DATA = load_endpoints()
WXP = ("com.microsoft.Word", "com.microsoft.Excel", "com.microsoft.Powerpoint")
SEVEN = (*WXP, "com.microsoft.Outlook", "com.microsoft.onenote.mac", "com.microsoft.autoupdate2",
         "com.microsoft.Office365ServiceV2")


def option(choice: str, name: str, *, silences: tuple[str, ...] = (),
           domains: tuple[str, ...] = ()) -> Option:
    return Option(choice=choice, name=name, title=f"{choice} {name}", silences=silences,
                  sets=tuple(Effect(domain, "Key", False) for domain in domains))


CLOUD_OFF = option("cloud-sign-in", "disabled", domains=WXP, silences=(
    "sign-in", "smart-lookup", "product-activation", "office-add-ins",
    "host:odc.officeapps.live.com", "host:*.firstpartyapps.oaspapps.com"))
TELEMETRY_OFF = option("usage-telemetry", "off", domains=SEVEN)
KEEP_CRASHES = option("crash-reports-with-telemetry-off", "on", domains=("com.microsoft.errorreporting",))
MANUAL_UPDATES = option("update-checks", "manual", domains=("com.microsoft.autoupdate2",))


def chosen(*options: Option) -> dict[str, Option]:
    return {o.choice: o for o in options}


def rows_of(report: Report, host: str, section: str | None = None) -> list[EndpointStatus]:
    return [r for r in report.rows
            if r.endpoint.host == host and (section is None or r.endpoint.section == section)]


def verdicts(report: Report, host: str, section: str | None = None) -> dict[str, str]:
    """app letters -> status, e.g. {"WXP": "silenced", "ON": "contacted"}."""
    return {"".join(r.apps): r.status for r in rows_of(report, host, section)}


def test_nothing_chosen_everything_contacted_by_default() -> None:
    report = evaluate(DATA, {})
    assert len(report.rows) == 78
    assert {r.status for r in report.rows} == {"contacted"}
    assert all(r.by == () and r.reason.startswith("Default configuration") for r in report.rows)


def test_a_section_silence_reaches_only_the_apps_whose_domains_the_option_sets() -> None:
    report = evaluate(DATA, chosen(CLOUD_OFF), preset="p")
    # UseOnlineContent is written for Word, Excel and PowerPoint: Outlook and OneNote still sign in.
    assert verdicts(report, "login.microsoftonline.com") == {"WXP": "silenced", "ON": "contacted"}
    silenced = rows_of(report, "login.microsoftonline.com")[0]
    assert silenced.by == ("cloud-sign-in=disabled",)
    assert "silences the 'Sign-in' section" in silenced.reason
    contacted = rows_of(report, "login.microsoftonline.com")[1]
    assert contacted.by == () and contacted.reason == "No chosen option is known to affect this endpoint."
    assert verdicts(report, "roaming.officeapps.live.com") == {"WXP": "silenced", "N": "contacted"}


def test_a_host_silence_matches_the_pattern_in_every_section() -> None:
    report = evaluate(DATA, chosen(CLOUD_OFF), preset="p")
    assert verdicts(report, "wikipedia.firstpartyapps.oaspapps.com", "first-app-launch") == {"W": "silenced"}
    first = rows_of(report, "wikipedia.firstpartyapps.oaspapps.com", "first-app-launch")[0]
    assert "silences host *.firstpartyapps.oaspapps.com" in first.reason
    assert verdicts(report, "odc.officeapps.live.com") == {"WXP": "silenced", "N": "contacted"}
    # Neighbours that no source names stay contacted, or unknown where the option touches their feature.
    assert verdicts(report, "templateservice.office.com") == {"WXP": "contacted"}
    assert verdicts(report, "cdn.odc.officeapps.live.com") == {"WXP": "unknown", "ON": "contacted"}


def test_an_option_in_a_shared_domain_reaches_every_app() -> None:
    smile = option("send-a-smile", "off", silences=("send-a-smile",), domains=("com.microsoft.office",))
    report = evaluate(DATA, chosen(smile), preset="p")
    assert verdicts(report, "sas.office.microsoft.com") == {"WXPON": "silenced"}
    no_sets = option("send-a-smile", "off", silences=("host:sas.office.microsoft.com",))
    assert verdicts(evaluate(DATA, chosen(no_sets)), "sas.office.microsoft.com") == {"WXPON": "silenced"}


def test_usage_telemetry_off_keeps_the_heartbeat_and_stops_crash_reports() -> None:
    report = evaluate(DATA, chosen(TELEMETRY_OFF), preset="p")
    nexus = rows_of(report, "nexus.officeapps.live.com")
    assert [(r.status, r.by) for r in nexus] == [("contacted", ("usage-telemetry=off",))]
    assert "Heartbeat" in nexus[0].reason and "cannot be disabled" in nexus[0].reason
    assert verdicts(report, "watson.microsoft.com") == {"WXPON": "silenced"}
    watson = rows_of(report, "watson.microsoft.com")[0]
    assert "all crash reporting for that process is disabled" in watson.reason
    # The same section's other endpoint: no source says, so unknown rather than a guess.
    assert verdicts(report, "officeci.azurewebsites.net") == {"WXPON": "unknown"}
    assert verdicts(report, "nexusrules.officeapps.live.com") == {"WXPON": "unknown"}


def test_crash_reports_kept_on_when_telemetry_is_off() -> None:
    report = evaluate(DATA, chosen(TELEMETRY_OFF, KEEP_CRASHES), preset="p")
    watson = rows_of(report, "watson.microsoft.com")
    assert [(r.status, r.by) for r in watson] == [("contacted", ("crash-reports-with-telemetry-off=on",))]
    assert "IsMerpEnabled" in watson[0].reason


def test_unknown_where_an_option_changes_related_behaviour_without_a_source() -> None:
    report = evaluate(DATA, chosen(MANUAL_UPDATES), preset="p")
    assert verdicts(report, "officecdn.microsoft.com", "installation-and-updates") == {"WXPON": "unknown"}
    assert verdicts(report, "officecdn.microsoft.com", "first-app-launch") == {"WXPON": "unknown"}
    assert verdicts(report, "go.microsoft.com") == {"WXPON": "unknown"}
    assert verdicts(report, "config.edge.skype.com") == {"WXPON": "contacted"}
    unknown = rows_of(report, "go.microsoft.com")[0]
    assert unknown.by == ("update-checks=manual",) and "no source says" in unknown.reason


def test_volume_license_leaves_out_what_the_document_calls_subscription_only() -> None:
    volume = evaluate(DATA, {}, license="volume")
    left = {(e.section, e.host) for e in volume.left_out}
    assert ("product-activation", "ols.officeapps.live.com") in left
    assert ("researcher", "www.bing.com") in left and ("safe-links", "*.oscs.protection.outlook.com") in left
    assert len(volume.left_out) == 8 and len(volume.rows) == 70
    # Smart Lookup's www.bing.com applies to volume licenses too: it stays.
    assert [r.endpoint.section for r in volume.rows if r.endpoint.host == "www.bing.com"] == ["smart-lookup"]
    assert len(evaluate(DATA, {}, license="subscription").rows) == 78
    with pytest.raises(ValueError, match="license"):
        evaluate(DATA, {}, license="retail")


def test_app_filter_keeps_the_part_of_each_endpoint_those_apps_use() -> None:
    word = evaluate(DATA, chosen(CLOUD_OFF), apps={"W"}, preset="p")
    assert all(r.apps == ("W",) for r in word.rows)
    assert {r.status for r in word.rows if r.endpoint.section == "sign-in"} == {"silenced"}
    outlook = evaluate(DATA, chosen(CLOUD_OFF), apps={"O"}, preset="p")
    assert {r.status for r in outlook.rows if r.endpoint.section == "sign-in"} == {"contacted"}
    assert not any(r.endpoint.host == "pptsgs.officeapps.live.com" for r in outlook.rows)


def test_catalogue_mode_says_which_options_could_silence_each_endpoint() -> None:
    report = evaluate(DATA, {}, catalogue=[CLOUD_OFF, TELEMETRY_OFF, KEEP_CRASHES])
    login = rows_of(report, "login.live.com")[0]
    assert login.status == "contacted" and login.silenceable_by == ("cloud-sign-in=disabled",)
    watson = rows_of(report, "watson.microsoft.com")[0]
    assert watson.silenceable_by == ("usage-telemetry=off",)
    assert rows_of(report, "nexus.officeapps.live.com")[0].silenceable_by == ()


def test_hosts_take_the_most_permissive_status_of_their_rows() -> None:
    report = evaluate(DATA, chosen(CLOUD_OFF), preset="p")
    statuses = {h.host: h.status for h in host_statuses(report.rows)}
    assert statuses["login.microsoftonline.com"] == "contacted"  # Outlook and OneNote
    assert statuses["wikipedia.firstpartyapps.oaspapps.com"] == "silenced"
    assert statuses["store.office.com"] == "contacted"  # add-ins row silenced for WXP; Outlook's contacted
    word = evaluate(DATA, chosen(CLOUD_OFF), apps={"W"}, preset="p")
    word_statuses = {h.host: h.status for h in host_statuses(word.rows)}
    assert word_statuses["login.microsoftonline.com"] == "silenced"
    assert word_statuses["store.office.com"] == "unknown"  # first-launch row: no source says


def test_host_patterns() -> None:
    assert host_matches("*.firstpartyapps.oaspapps.com", "wikipedia.firstpartyapps.oaspapps.com")
    assert not host_matches("*.firstpartyapps.oaspapps.com", "firstpartyapps.oaspapps.com")
    assert host_matches("*.office.net", "*-contentstorage.osi.office.net")
    assert host_matches("ODC.officeapps.live.com", "odc.officeapps.live.com")
    assert not host_matches("odc.officeapps.live.com", "cdn.odc.officeapps.live.com")


# --- rule semantics on a small hand-made catalogue ---------------------------------------------------

SMALL = """
format = 1
source = "hand-made"
[apps]
W = { name = "Word", domains = ["w.domain"] }
O = { name = "Outlook", domains = ["o.domain"] }
[[sections]]
id = "s"
title = "S"
intro = "I"
licenses = "all"
[[endpoints]]
url = "https://a.example/"
host = "a.example"
apps = ["W", "O"]
type = "ST"
description = "A"
section = "s"
licenses = "all"
[[endpoints]]
url = "https://b.example/"
host = "b.example"
apps = ["W"]
type = "ST"
description = "B"
section = "s"
licenses = "subscription"
[[rules]]
when = "t=off"
unless = ["k=on"]
targets = ["host:a.example"]
status = "silenced"
reason = "t off stops it."
[[rules]]
when = "k=on"
targets = ["host:a.example"]
status = "contacted"
reason = "k keeps it."
[[rules]]
when = "u=on"
targets = ["s"]
status = "unknown"
reason = "nobody says."
"""


@pytest.fixture
def small(tmp_path: Path) -> EndpointData:
    return parse_endpoints(SMALL, tmp_path / "endpoints.toml")


def test_unless_lifts_a_rule_only_for_the_apps_the_other_option_reaches(small: EndpointData) -> None:
    t_off = option("t", "off")
    assert verdicts(evaluate(small, chosen(t_off)), "a.example") == {"WO": "silenced"}
    k_word = option("k", "on", domains=("w.domain",))
    report = evaluate(small, chosen(t_off, k_word))
    assert verdicts(report, "a.example") == {"W": "contacted", "O": "silenced"}
    assert rows_of(report, "a.example")[0].reason == "k=on: k keeps it."


def test_precedence_silenced_over_unknown_over_contacted(small: EndpointData) -> None:
    u_on = option("u", "on")
    k_on = option("k", "on")
    assert verdicts(evaluate(small, chosen(u_on, k_on)), "a.example") == {"WO": "unknown"}
    silencer = option("v", "off", silences=("host:a.example",), domains=("o.domain",))
    report = evaluate(small, chosen(u_on, k_on, silencer))
    assert verdicts(report, "a.example") == {"W": "unknown", "O": "silenced"}
    silenced = rows_of(report, "a.example")[1]
    assert silenced.by == ("v=off",) and "silences host a.example" in silenced.reason


def test_options_not_named_by_any_rule_or_silence_leave_endpoints_contacted(small: EndpointData) -> None:
    report = evaluate(small, chosen(option("x", "y", domains=("w.domain",))), preset="p")
    assert {r.status for r in report.rows} == {"contacted"}


# --- invariants over any combination of the shipped catalogue's options ------------------------------


def _catalogue_choices() -> list[list[Option]]:
    from profilegen.catalog import load_catalog

    return [list(c.options.values()) for c in load_catalog().choices().values()]


CHOICES = _catalogue_choices()


@settings(max_examples=40, deadline=None)
@given(picks=st.lists(st.integers(min_value=0, max_value=10), min_size=len(CHOICES), max_size=len(CHOICES)),
       apps=st.sets(st.sampled_from("WPXON")), license=st.sampled_from([None, "volume", "subscription"]))
def test_every_endpoint_app_gets_exactly_one_verdict(picks: list[int], apps: set[str],
                                                     license: str | None) -> None:
    picked = {opts[0].choice: opts[i % len(opts)] for opts, i in zip(CHOICES, picks, strict=True) if i < 8}
    report = evaluate(DATA, picked, apps=apps, license=license, preset="p")
    wanted = apps or set("WPXON")
    left = {id(e) for e in report.left_out}
    for endpoint in DATA.endpoints:
        covered = [a for r in report.rows if r.endpoint is endpoint for a in r.apps]
        expected = [] if id(endpoint) in left else [a for a in endpoint.apps if a in wanted]
        assert sorted(covered) == sorted(expected)
    for row in report.rows:
        assert row.status in {"contacted", "silenced", "unknown"}
        assert row.reason
        if row.status != "contacted":
            assert row.by and all(label.split("=")[0] in picked for label in row.by)
