"""`profilegen endpoints` through the real command line: output, messages, exit codes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from profilegen.catalog import load_catalog
from profilegen.commands.endpoints import endpoints_csv
from profilegen.preset import load_preset
from profilegen.resolve import resolve
from tests.cli import run_cli

LOCKDOWN = "office-volume-license-lockdown"
SIGN_IN_HOSTS = {"login.windows.net", "login.microsoftonline.com", "login.live.com", "auth.gfx.ms",
                 "secure.aadcdn.microsoftonline-p.com", "ocws.officeapps.live.com",
                 "roaming.officeapps.live.com"}


def report(*args: str) -> dict[str, Any]:
    done = run_cli("endpoints", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_lockdown_silences_sign_in_for_word_excel_powerpoint_and_keeps_the_heartbeat() -> None:
    document = report(LOCKDOWN)
    assert document["preset"] == LOCKDOWN and document["license"] == "volume"
    sign_in = [e for e in document["endpoints"] if e["section"] == "sign-in"]
    assert {e["host"] for e in sign_in} == SIGN_IN_HOSTS
    for endpoint in sign_in:
        if endpoint["status"] == "silenced":
            assert endpoint["apps"] == ["W", "X", "P"] and endpoint["by"] == ["cloud-sign-in=disabled"]
        else:  # UseOnlineContent is not an Outlook or OneNote key
            assert endpoint["status"] == "contacted" and set(endpoint["apps"]) <= {"O", "N"}
    assert {e["host"] for e in sign_in if e["status"] == "silenced"} == SIGN_IN_HOSTS
    nexus = [e for e in document["endpoints"] if e["host"] == "nexus.officeapps.live.com"]
    assert [(e["status"], e["by"]) for e in nexus] == [("contacted", ["usage-telemetry=off"])]
    assert "cannot be disabled" in nexus[0]["reason"]
    watson = next(e for e in document["endpoints"] if e["host"] == "watson.microsoft.com")
    assert watson["status"] == "contacted" and "crash-reports-with-telemetry-off=on" in watson["by"]
    # A volume-license fleet: the product-activation endpoint does not apply.
    assert "https://ols.officeapps.live.com/" in {e["url"] for e in document["left_out"]}


def test_lockdown_for_word_only_marks_every_sign_in_endpoint_silenced() -> None:
    document = report(LOCKDOWN, "--app", "W")
    sign_in = [e for e in document["endpoints"] if e["section"] == "sign-in"]
    assert len(sign_in) == 7 and {e["status"] for e in sign_in} == {"silenced"}
    assert {tuple(e["apps"]) for e in document["endpoints"]} == {("W",)}


def test_without_a_preset_the_whole_catalogue_and_what_could_silence_it() -> None:
    done = run_cli("endpoints", "--format", "csv")
    assert done.returncode == 0, done.stderr
    records = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(records) == 78 and {r["status"] for r in records} == {"contacted"}
    login = next(r for r in records if r["host"] == "login.live.com")
    assert "cloud-sign-in=disabled" in login["silenceable_by"].split()
    smile = next(r for r in records if r["host"] == "sas.office.microsoft.com")
    assert "send-a-smile=off" in smile["silenceable_by"].split()
    assert len(report("--license", "volume")["endpoints"]) == 70


def test_license_option_overrides_the_presets_fleet() -> None:
    assert report(LOCKDOWN, "--license", "subscription")["left_out"] == []


def test_allow_list_and_block_list_as_host_lines() -> None:
    allow = run_cli("endpoints", LOCKDOWN, "--format", "hosts", "--only", "contacted")
    block = run_cli("endpoints", LOCKDOWN, "--format", "hosts", "--only", "silenced")
    assert allow.returncode == 0 and block.returncode == 0, allow.stderr + block.stderr
    allowed, blocked = allow.stdout.splitlines(), block.stdout.splitlines()
    assert "nexus.officeapps.live.com" in allowed and "login.microsoftonline.com" in allowed
    assert "wikipedia.firstpartyapps.oaspapps.com" in blocked and not set(allowed) & set(blocked)
    assert len(allowed) == len(set(allowed))


def test_squid_snippet_from_the_command_line() -> None:
    done = run_cli("endpoints", LOCKDOWN, "--format", "squid", "--app", "WXP")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "acl profilegen_office_silenced dstdomain login.microsoftonline.com" in lines
    assert "deny_info 403:ERR_ACCESS_DENIED profilegen_office_silenced" in lines
    assert not any("nexus.officeapps.live.com" in line for line in lines if not line.startswith("#"))


def test_table_is_the_default_format() -> None:
    done = run_cli("endpoints", LOCKDOWN, "--app", "x")
    assert done.returncode == 0, done.stderr
    assert "preset: office-volume-license-lockdown   license: volume   apps: X" in done.stdout
    assert "silences the 'Sign-in' section" in done.stdout


def test_bad_input_is_one_clear_line_and_a_documented_exit_code() -> None:
    bad_app = run_cli("endpoints", "--app", "WQ")
    assert bad_app.returncode == 2 and bad_app.stdout == ""
    assert bad_app.stderr.strip() == (
        "profilegen: error: --app 'WQ': 'Q' is not an app letter "
        "(use W (Word), P (PowerPoint), X (Excel), O (Outlook) or N (OneNote))")
    squid_only = run_cli("endpoints", LOCKDOWN, "--format", "squid", "--only", "silenced")
    assert squid_only.returncode == 2 and "--only does not apply to --format squid" in squid_only.stderr
    unknown_format = run_cli("endpoints", "--format", "xml")
    assert unknown_format.returncode == 2 and "xml" in unknown_format.stderr
    missing = run_cli("endpoints", "no-such-preset")
    assert missing.returncode == 3 and "no-such-preset" in missing.stderr
    assert "Traceback" not in missing.stderr + bad_app.stderr


def test_endpoints_csv_for_build() -> None:
    catalog = load_catalog()
    resolution = resolve(load_preset(LOCKDOWN), catalog)
    data = endpoints_csv(resolution, catalog)
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    command_line = run_cli("endpoints", LOCKDOWN, "--format", "csv").stdout
    assert records == list(csv.DictReader(io.StringIO(command_line)))
    login = [r for r in records if r["host"] == "login.live.com"]
    assert [(r["apps"], r["status"]) for r in login] == [("WXP", "silenced"), ("ON", "contacted")]
    assert {r["licenses"] for r in records} == {"all"}  # volume fleet: subscription-only rows left out
    without_catalogue = list(csv.DictReader(io.StringIO(endpoints_csv(resolution).decode("utf-8"))))
    # Without the catalogue, only the data's own rules say what could silence an endpoint.
    def blank(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{**row, "silenceable_by": ""} for row in rows]

    assert blank(records) == blank(without_catalogue)
    assert next(r for r in without_catalogue if r["host"] == "login.live.com")["silenceable_by"] == ""
    assert next(r for r in without_catalogue if r["host"] == "watson.microsoft.com")["silenceable_by"] == \
        "usage-telemetry=off"


ARTICLE = "https://learn.microsoft.com/en-us/microsoft-365/enterprise/network-requests-in-office-2016-for-mac"


def test_the_report_cites_the_public_article_and_no_file_users_lack() -> None:
    assert report(LOCKDOWN)["source"] == {"title": "Network requests in Office for Mac", "date": "2018-11-09",
                                          "url": ARTICLE}
    table = run_cli("endpoints", LOCKDOWN)
    assert table.stdout.splitlines()[0] == (
        f'Office for Mac network endpoints, from "Network requests in Office for Mac" (2018-11-09), {ARTICLE}')
    for form in ("table", "csv"):  # json above; hosts and squid carry no citation
        done = run_cli("endpoints", LOCKDOWN, "--format", form)
        assert done.returncode == 0, done.stderr
        assert "reference/" not in done.stdout and "fixtures/" not in done.stdout, form
