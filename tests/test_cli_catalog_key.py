"""`catalog DOMAIN KEY` shows one key whole; `catalog search TEXT` finds keys across the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run_cli


def test_one_key_whole_type_values_meanings_versions_sources_and_choices() -> None:
    done = run_cli("catalog", "com.microsoft.Word", "UseOnlineContent", env={"COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("com.microsoft.Word UseOnlineContent: Online content")
    assert "type         integer" in out
    assert "  0 = Off: no cloud sign-in, add-ins, Smart Lookup or online activation" in out
    assert "  2 = On: full function" in out
    assert "Office for Mac 15.25 or later" in out
    article = "https://learn.microsoft.com/en-us/microsoft-365/enterprise/network-requests-in-office-2016-for-mac"
    assert f"sources      {article}" in out
    assert "cloud-sign-in = 'disabled' sets 0" in out and "cloud-sign-in = 'enabled' sets 2" in out
    # Text wraps at COLUMNS; a URL cannot be broken, so a line that ends in one may be longer.
    assert max(len(line) for line in out.splitlines() if not line.rstrip().split(" ")[-1].startswith("https://")) <= 100


def test_a_disputed_key_shows_its_notes_default_and_every_source() -> None:
    done = run_cli("catalog", "com.microsoft.errorreporting", "IsAttachedEnabled")
    assert done.returncode == 0, done.stderr
    assert "default      true" in done.stdout
    assert "the sources disagree" in done.stdout.replace("\n             ", " ")
    assert "/Manifests/ManagedPreferencesApplications/com.microsoft.errorreporting.plist" in done.stdout
    assert "crash-report-attachments = 'never' sets false" in done.stdout


def test_deprecated_values_and_replacements_are_shown() -> None:
    done = run_cli("catalog", "com.microsoft.autoupdate2", "HowToCheck")
    assert done.returncode == 0
    assert "Manual = Manual (deprecated) (deprecated: Deprecated but still honoured" in done.stdout
    done = run_cli("catalog", "com.microsoft.Word", "SendAllTelemetryEnabled")
    assert "last works in 16.27" in done.stdout and "replaced by" in done.stdout


def test_an_unknown_key_or_domain_suggests_the_close_one() -> None:
    done = run_cli("catalog", "com.microsoft.autoupdate2", "ChanelName")
    assert done.returncode == 3 and "did you mean ChannelName?" in done.stderr and done.stdout == ""
    done = run_cli("catalog", "com.microsoft.autoupdate2", "channelname")
    assert done.returncode == 3 and "did you mean ChannelName?" in done.stderr
    done = run_cli("catalog", "com.microsoft.Wrod", "UseOnlineContent")
    assert done.returncode == 3 and "did you mean com.microsoft.Word?" in done.stderr


def test_search_finds_keys_by_name_first_then_by_words() -> None:
    done = run_cli("catalog", "search", "channel")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["domain", "key", "type", "title"]
    assert lines[2].split()[:2] == ["com.microsoft.autoupdate2", "ChannelName"]
    done = run_cli("catalog", "search", "SMART LOOKUP")
    assert done.returncode == 0 and "UseOnlineContent" in done.stdout
    done = run_cli("catalog", "search", "no-such-words-anywhere")
    assert done.returncode == 1 and "no key matches" in done.stderr and done.stdout == ""


def test_search_reaches_the_user_catalogue(tmp_path: Path) -> None:
    domains = tmp_path / "domains"
    domains.mkdir()
    (domains / "com.example.app.json").write_text(json.dumps({
        "title": "Example", "type": "object",
        "properties": {"FrobnicateLevel": {"type": "integer", "title": "How much to frobnicate"}}}))
    done = run_cli("catalog", "--catalog", str(tmp_path), "search", "frobnicat")
    assert done.returncode == 0, done.stderr
    assert "com.example.app" in done.stdout and "FrobnicateLevel" in done.stdout
    done = run_cli("catalog", "--catalog", str(tmp_path), "com.example.app", "FrobnicateLevel")
    assert done.returncode == 0 and "no choice: set it in [settings.\"com.example.app\"]" in done.stdout


def test_disputes_and_do_not_set_are_shown() -> None:
    done = run_cli("catalog", "com.microsoft.autoupdate2", "UpdateDeadline.FinalCountDown")
    assert done.returncode == 0, done.stderr
    assert "disputed     Microsoft's deadline page: MAU 4.51 or later; ProfileManifests" in done.stdout
    done = run_cli("catalog", "com.microsoft.autoupdate2", "LastUpdate")
    assert done.returncode == 0 and done.stdout.splitlines()[1].startswith("do not set   Microsoft's MAU page")
