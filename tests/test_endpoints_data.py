"""schemas/endpoints.toml against the document it comes from: every table row, every section, nothing drifts.

The document is parsed here on its own terms (its markdown tables), and the TOML with tomllib, so that
neither side depends on profilegen's loader. The comparisons with Microsoft's article are corpus tests; the
parser is checked without the corpus on an excerpt written by tests/samples.py in the article's layout.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from profilegen.endpoints import check_options, evaluate, load_endpoints, parse_endpoints
from profilegen.errors import InputError
from tests.conftest import REFERENCE, REPO
from tests.samples import document_excerpt

DOCUMENT = REFERENCE / "office-for-mac-network-requests.md"
DATA = REPO / "schemas" / "endpoints.toml"
ALL_APPS = ["W", "X", "P", "O", "N"]

# The endpoint section ids, one per bold heading of the document, in its order.
SECTION_IDS = {
    "Installation and updates": "installation-and-updates",
    "First app launch": "first-app-launch",
    "Sign-in": "sign-in",
    "Product activation": "product-activation",
    "What's New content": "whats-new",
    "Researcher": "researcher",
    "Smart Lookup": "smart-lookup",
    "PowerPoint Designer": "powerpoint-designer",
    "PowerPoint QuickStarter": "powerpoint-quickstarter",
    "Send a Smile/Frown": "send-a-smile",
    "Contact Support": "contact-support",
    "Save As PDF": "save-as-pdf",
    "Office Apps (aka add-ins)": "office-add-ins",
    "Safe Links": "safe-links",
    "Crash reporting": "crash-reporting",
}
# Counted by eye in the document, so that a parser bug on both sides cannot hide a missing row.
ROWS_PER_SECTION = {
    "installation-and-updates": 4, "first-app-launch": 25, "sign-in": 7, "product-activation": 1,
    "whats-new": 1, "researcher": 3, "smart-lookup": 5, "powerpoint-designer": 1,
    "powerpoint-quickstarter": 1, "send-a-smile": 1, "contact-support": 2, "save-as-pdf": 1,
    "office-add-ins": 23, "safe-links": 1, "crash-reporting": 2,
}


def _cell(text: str) -> str:
    return text.replace("<br/>", "").strip().strip("`").strip()


def parse_document(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(sections, rows) of the document's 'default configuration' part, from its markdown alone."""
    part = text.split("## Office for Mac default configuration", 1)[1].split("## Options for reducing", 1)[0]
    sections: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    columns: list[str] = []
    for line in part.splitlines():
        heading = re.fullmatch(r"\s*\*\*(.+?)\*\*\s*", line)
        if heading:
            sections.append({"title": heading.group(1), "intro": None, "columns": None})
            continue
        if not sections:
            continue
        current = sections[-1]
        if line.startswith("|"):
            cells = [_cell(c) for c in line.strip().strip("|").split("|")]
            if all(c.startswith("**") for c in cells):
                columns = [c.strip("*").lower() for c in cells]
                current["columns"] = columns
            elif not all(set(c) <= set(":-") for c in cells):
                assert len(cells) == len(columns), line
                rows.append({"section_title": current["title"], **dict(zip(columns, cells, strict=True))})
        elif line.strip() and current["intro"] is None and not line.lstrip().startswith((">", "-")):
            current["intro"] = line.strip()
    return sections, rows


@pytest.fixture(scope="module")
def document() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return parse_document(DOCUMENT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


def test_the_parser_reads_back_an_excerpt_in_the_documents_layout(data: dict[str, Any]) -> None:
    wanted = ["installation-and-updates", "sign-in", "crash-reporting"]
    sections, rows = parse_document(document_excerpt(data, wanted))
    titles = {s["id"]: s["title"] for s in data["sections"]}
    assert [s["title"] for s in sections] == [titles[w] for w in wanted]
    expected = [e for e in data["endpoints"] if e["section"] in wanted]
    assert [(r["url"], r["type"], r["description"], SECTION_IDS[r["section_title"]]) for r in rows] == [
        (e["url"], e["type"], e["description"], e["section"]) for e in expected]
    no_apps_column = {s["id"] for s in data["sections"] if "apps-note" in s}
    assert [r.get("apps") for r in rows] == [None if e["section"] in no_apps_column else "".join(e["apps"])
                                             for e in expected]
    intros = {s["id"]: s["intro"] for s in data["sections"]}
    assert [s["intro"] for s in sections] == [intros[w] for w in wanted]


@pytest.mark.corpus
def test_the_document_parses_into_the_fifteen_sections_and_78_rows(document: Any) -> None:
    doc_sections, doc_rows = document
    assert [s["title"] for s in doc_sections] == list(SECTION_IDS)
    assert len(doc_rows) == sum(ROWS_PER_SECTION.values()) == 78


@pytest.mark.corpus
def test_sections_have_the_documents_titles_and_intros(data: dict[str, Any], document: Any) -> None:
    doc_sections, _ = document
    assert [s["id"] for s in data["sections"]] == list(SECTION_IDS.values())
    for ours, theirs in zip(data["sections"], doc_sections, strict=True):
        assert ours["title"] == theirs["title"]
        assert ours["intro"] == theirs["intro"], ours["id"]


@pytest.mark.corpus
def test_every_row_of_every_table_is_in_the_data_in_order(data: dict[str, Any], document: Any) -> None:
    ours = [(e["url"], e["type"], e["description"], e["section"]) for e in data["endpoints"]]
    theirs = [(r["url"], r["type"], r["description"], SECTION_IDS[r["section_title"]]) for r in document[1]]
    assert ours == theirs


def test_counts_per_section(data: dict[str, Any]) -> None:
    counted: dict[str, int] = {}
    for endpoint in data["endpoints"]:
        counted[endpoint["section"]] = counted.get(endpoint["section"], 0) + 1
    assert counted == ROWS_PER_SECTION
    assert [s["id"] for s in data["sections"]] == list(SECTION_IDS.values())


@pytest.mark.corpus
def test_every_section_of_the_document_has_rows(document: Any) -> None:
    assert {SECTION_IDS[r["section_title"]] for r in document[1]} == set(ROWS_PER_SECTION)


@pytest.mark.corpus
def test_apps_as_in_the_table_or_all_apps_with_a_note(data: dict[str, Any], document: Any) -> None:
    sections = {s["id"]: s for s in data["sections"]}
    for ours, theirs in zip(data["endpoints"], document[1], strict=True):
        if "apps" in theirs:
            assert "".join(ours["apps"]) == theirs["apps"], ours["url"]
        else:
            assert sorted(ours["apps"]) == sorted(ALL_APPS), ours["url"]
            assert "apps-note" in sections[ours["section"]], ours["section"]


def test_hosts_are_the_urls_without_scheme_and_path(data: dict[str, Any]) -> None:
    for endpoint in data["endpoints"]:
        assert endpoint["host"] == endpoint["url"].removeprefix("https://").split("/")[0]
    hosts = {e["host"] for e in data["endpoints"]}
    assert {"*.cdn.optimizely.com", "*-contentstorage.osi.office.net",
            "peoplegraph.firstpartyapps.oaspapps.com"} <= hosts


def test_a_url_in_several_sections_keeps_every_appearance(data: dict[str, Any]) -> None:
    def sections_of(url: str) -> list[str]:
        return [e["section"] for e in data["endpoints"] if e["url"] == url]

    assert sections_of("https://www.bing.com/") == ["researcher", "smart-lookup"]
    assert sections_of("https://acompli.helpshift.com/") == ["first-app-launch", "contact-support"]
    assert sections_of("https://site-cdn.onenote.net/") == ["first-app-launch", "first-app-launch"]
    assert sections_of("https://officecdn.microsoft.com/") == ["installation-and-updates", "first-app-launch"]


@pytest.mark.corpus
def test_licenses_follow_the_section_intros(data: dict[str, Any], document: Any) -> None:
    intros = {SECTION_IDS[s["title"]]: s["intro"] for s in document[0]}
    for endpoint in data["endpoints"]:
        intro = intros[endpoint["section"]]
        subscription_only = "Subscription only" in intro or "does NOT apply to Volume License" in intro
        assert endpoint["licenses"] == ("subscription" if subscription_only else "all"), endpoint["url"]
    assert sum(e["licenses"] == "subscription" for e in data["endpoints"]) == 8


def test_heartbeat_endpoint_carries_the_documents_rule(data: dict[str, Any]) -> None:
    nexus = next(e for e in data["endpoints"] if e["host"] == "nexus.officeapps.live.com")
    assert "always sent" in nexus["note"]
    rules = [r for r in data["rules"] if "host:nexus.officeapps.live.com" in r["targets"]
             and r["when"] == "usage-telemetry=off"]
    assert [r["status"] for r in rules] == ["contacted"]


def test_the_loader_reads_the_same_rows(data: dict[str, Any]) -> None:
    loaded = load_endpoints(DATA)
    assert [(e.url, e.section) for e in loaded.endpoints] == [(e["url"], e["section"]) for e in data["endpoints"]]
    assert evaluate(loaded, {}).counts() == {"contacted": 78, "silenced": 0, "unknown": 0}
    assert (loaded.title, loaded.date) == ("Network requests in Office for Mac", "2018-11-09")
    assert loaded.source.startswith("https://learn.microsoft.com/")


@pytest.mark.corpus
def test_the_loader_reads_the_documents_rows(document: Any) -> None:
    loaded = load_endpoints(DATA)
    assert [(e.url, e.section) for e in loaded.endpoints] == [
        (r["url"], SECTION_IDS[r["section_title"]]) for r in document[1]]


@pytest.mark.corpus
def test_the_cited_date_and_title_are_the_documents() -> None:
    front = DOCUMENT.read_text(encoding="utf-8").split("---", 2)[1]
    assert 'title: "Network requests in Office for Mac"' in front
    assert "ms.date: 11/9/2018" in front  # cited as 2018-11-09


def test_data_agrees_with_the_shipped_choices() -> None:
    from profilegen.catalog import load_catalog

    choices = load_catalog().choices()
    options = [option for choice in choices.values() for option in choice.options.values()]
    assert options, "schemas/choices.toml has no options"
    assert check_options(load_endpoints(DATA), options) == []
    silencing = {f"{o.choice}={o.name}" for o in options if o.silences}
    assert {"cloud-sign-in=disabled", "send-a-smile=off"} <= silencing


# --- bad data: one clear message naming the file, the key and the fix -------------------------------

MINIMAL = """
format = 1
source = "doc"
[[sections]]
id = "s"
title = "S"
intro = "I"
licenses = "all"
[[endpoints]]
url = "https://a.example/"
host = "a.example"
apps = ["W"]
type = "ST"
description = "A"
section = "s"
licenses = "all"
"""


@pytest.mark.parametrize(("change", "expected"), [
    (("type = \"ST\"", "type = \"XX\""), "endpoints[0].type is 'XX' (use one of ST, SS, CS)"),
    (("host = \"a.example\"", "host = \"b.example\""), "endpoints[0].host is 'b.example' but the url's host"),
    (("apps = [\"W\"]", "apps = [\"W\", \"Q\"]"), "endpoints[0].apps is ['W', 'Q']"),
    (("section = \"s\"", "section = \"t\""), "endpoints[0].section is 't' (use one of s)"),
    (("licenses = \"all\"\n[[endpoints]]", "licence = \"all\"\n[[endpoints]]"),
     "sections[0].licence is not a known key"),
    (("format = 1", "format = 2"), "format is 2 (this profilegen reads format = 1)"),
])
def test_bad_data_names_the_key_and_the_fix(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = tmp_path / "endpoints.toml"
    text = MINIMAL.replace(*change)
    assert text != MINIMAL
    with pytest.raises(InputError) as caught:
        parse_endpoints(text, path)
    assert expected in caught.value.render()
    assert caught.value.render().startswith(str(path))


def test_a_rule_must_name_an_existing_endpoint(tmp_path: Path) -> None:
    rule = '[[rules]]\nwhen = "{when}"\ntargets = ["{target}"]\nstatus = "unknown"\nreason = "r"\n'
    text = MINIMAL + rule.format(when="a=b", target="host:nowhere.example")
    with pytest.raises(InputError, match=r"rules\[0\]\.targets has 'host:nowhere.example', which names no"):
        parse_endpoints(text, tmp_path / "e.toml")
    bad_ref = MINIMAL + rule.format(when="usage telemetry", target="s")
    with pytest.raises(InputError, match=r"rules\[0\]\.when has 'usage telemetry' \(write choice=option"):
        parse_endpoints(bad_ref, tmp_path / "e.toml")


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the endpoints catalogue"):
        load_endpoints(tmp_path / "missing.toml")
