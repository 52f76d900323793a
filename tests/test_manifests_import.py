"""Importing a folder of manifests into a user catalogue: files written, report, bad manifests."""

from __future__ import annotations

import json
import plistlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from profilegen.catalog.manifests.importer import import_manifests
from profilegen.catalog.manifests.report import summary_lines, warning_lines
from profilegen.errors import InputError
from tests.conftest import PROFILEMANIFESTS
from tests.samples import MANIFEST_DOMAINS, MANIFEST_ROOT, MANIFESTS


def write_plist(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps(data))
    return path


def small_manifest(domain: str, *names: str, **top: Any) -> dict[str, Any]:
    subkeys = [{"pfm_name": name, "pfm_type": "boolean", "pfm_title": name} for name in names]
    return {"pfm_domain": domain, "pfm_title": domain, "pfm_description": "d", "pfm_subkeys": subkeys, **top}


def test_the_suite_s_manifests_import(tmp_path: Path) -> None:
    report = import_manifests(MANIFEST_ROOT, tmp_path / "catalog")

    written = sorted(path.name for path in (tmp_path / "catalog" / "domains").iterdir())
    assert written == [f"{domain}.json" for domain in MANIFEST_DOMAINS]
    assert report.domains == MANIFEST_DOMAINS
    assert (report.manifests, report.skipped_manifests) == (5, [])
    keys = sum(
        len(json.loads((tmp_path / "catalog" / "domains" / name).read_text())["properties"])
        for name in written
    )
    assert report.keys == keys == 15
    lines = summary_lines(report)
    assert lines[0] == (
        f"Imported 5 domains (15 keys, {report.nested_keys} nested) from 5 manifests into "
        f"{tmp_path / 'catalog' / 'domains'}"
    )
    assert "  30 x Payload* keys are profile metadata, not preferences" in lines  # six in each manifest
    assert "  1 x ProfileCreator layout control (pfm_segments), not a preference" in lines


@pytest.mark.corpus
def test_all_microsoft_manifests_import(tmp_path: Path) -> None:
    fixture_domains = sorted(path.stem for path in PROFILEMANIFESTS.glob("*.plist"))
    report = import_manifests(PROFILEMANIFESTS, tmp_path / "catalog")

    written = sorted(path.name for path in (tmp_path / "catalog" / "domains").iterdir())
    assert written == [f"{domain}.json" for domain in fixture_domains]
    assert report.domains == fixture_domains
    assert report.manifests == 17
    assert report.skipped_manifests == []
    keys = sum(
        len(json.loads((tmp_path / "catalog" / "domains" / name).read_text())["properties"])
        for name in written
    )
    assert report.keys == keys > 400
    word = json.loads((tmp_path / "catalog" / "domains" / "com.microsoft.Word.json").read_text())
    assert word["x-domain"] == "com.microsoft.Word"

    lines = summary_lines(report)
    assert lines[0] == (
        f"Imported 17 domains ({keys} keys, {report.nested_keys} nested) from 17 manifests into "
        f"{tmp_path / 'catalog' / 'domains'}"
    )
    payload_skips = sum(1 for skip in report.skipped_keys if skip.reason.startswith("Payload*"))
    assert payload_skips >= 17 * 5  # every manifest describes PayloadType, PayloadUUID, ...
    assert f"  {payload_skips} x Payload* keys are profile metadata, not preferences" in lines
    assert "Unknown manifest keys ignored: 1: pfm_documentation_reference (1)" in lines


def test_import_is_deterministic(tmp_path: Path) -> None:
    import_manifests(MANIFEST_ROOT, tmp_path / "one")
    import_manifests(MANIFEST_ROOT, tmp_path / "two")
    first = {p.name: p.read_bytes() for p in (tmp_path / "one" / "domains").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "two" / "domains").iterdir()}
    assert first == second

    import_manifests(MANIFEST_ROOT, tmp_path / "one")  # again, over the first import
    assert {p.name: p.read_bytes() for p in (tmp_path / "one" / "domains").iterdir()} == first
    text = first["com.microsoft.autoupdate2.json"].decode("utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "$id": ')


def test_malformed_manifests_are_skipped_and_the_rest_import(tmp_path: Path) -> None:
    source = tmp_path / "Manifests"
    apps = source / "ManagedPreferencesApplications"
    apps.mkdir(parents=True)
    shutil.copy(MANIFESTS / "com.microsoft.Word.plist", apps)
    shutil.copy(MANIFESTS / "com.microsoft.autoupdate2.plist", apps)
    (apps / "garbage.plist").write_text("this is not a plist", encoding="utf-8")
    write_plist(apps / "nodomain.plist", {"pfm_title": "Lost", "pfm_subkeys": []})

    report = import_manifests(source, tmp_path / "catalog")

    assert report.domains == ["com.microsoft.Word", "com.microsoft.autoupdate2"]
    skipped = {item.path.name: item.reason for item in report.skipped_manifests}
    assert set(skipped) == {"garbage.plist", "nodomain.plist"}
    assert skipped["garbage.plist"].startswith("not a property list")
    assert skipped["nodomain.plist"] == "not a ProfileManifests manifest: no pfm_domain"
    warnings = warning_lines(report)
    assert f"{apps / 'garbage.plist'}: skipped: not a property list" in warnings[0]
    assert (
        warnings[1] == f"{apps / 'nodomain.plist'}: skipped: not a ProfileManifests manifest: no pfm_domain"
    )
    assert "Manifests skipped: 2 (see the warnings above)" in summary_lines(report)
    assert sorted(p.name for p in (tmp_path / "catalog" / "domains").iterdir()) == [
        "com.microsoft.Word.json",
        "com.microsoft.autoupdate2.json",
    ]


def test_nothing_importable_is_an_input_error_naming_the_first_problem(tmp_path: Path) -> None:
    (tmp_path / "bad.plist").write_bytes(b"\x00\x01")
    with pytest.raises(InputError) as caught:
        import_manifests(tmp_path, tmp_path / "catalog")
    assert (
        f"no manifest imported from {tmp_path} (1 unreadable, first: {tmp_path / 'bad.plist'}"
        in caught.value.message
    )
    assert not (tmp_path / "catalog").exists()

    with pytest.raises(InputError, match="is not a folder"):
        import_manifests(tmp_path / "missing", tmp_path / "catalog")


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bomb.plist").write_text(
        '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaa">]>'
        "<plist><dict><key>pfm_domain</key><string>&a;</string></dict></plist>",
        encoding="utf-8",
    )
    write_plist(tmp_path / "ok.plist", small_manifest("org.example.ok", "K"))
    report = import_manifests(tmp_path, tmp_path / "catalog")
    assert report.domains == ["org.example.ok"]
    assert report.skipped_manifests[0].path.name == "bomb.plist"
    assert "entity" in report.skipped_manifests[0].reason.lower()


def test_manifests_of_one_domain_merge(tmp_path: Path) -> None:
    apple = tmp_path / "Manifests" / "ManagedPreferencesApple"
    write_plist(
        apple / "com.apple.MCX-TimeServer.plist", small_manifest("com.apple.MCX", "timeServer", "Shared")
    )
    write_plist(apple / "com.apple.MCX-Energy.plist", small_manifest("com.apple.MCX", "sleepDelay"))
    shared_other = small_manifest("com.apple.MCX", "Shared")
    shared_other["pfm_subkeys"][0]["pfm_type"] = "string"  # conflicts with the first definition
    write_plist(apple / "com.apple.MCX-Other.plist", shared_other)

    report = import_manifests(tmp_path, tmp_path / "catalog")

    document = json.loads((tmp_path / "catalog" / "domains" / "com.apple.MCX.json").read_text())
    assert sorted(document["properties"]) == ["Shared", "sleepDelay", "timeServer"]
    assert (
        document["properties"]["Shared"]["x-plist-type"] == "string"
    )  # path order: Energy, Other, TimeServer
    assert report.merged == {
        "com.apple.MCX": [
            "profilemanifests:com.apple.MCX-Energy.plist",
            "profilemanifests:com.apple.MCX-Other.plist",
            "profilemanifests:com.apple.MCX-TimeServer.plist",
        ]
    }
    assert document["x-sources"] == report.merged["com.apple.MCX"]
    conflict = [skip for skip in report.skipped_keys if skip.path == "Shared"]
    assert conflict[0].reason == (
        "also in profilemanifests:com.apple.MCX-TimeServer.plist; "
        "the definition in profilemanifests:com.apple.MCX-Other.plist is kept"
    )
    assert "Merged from profilemanifests:com.apple.MCX-Energy.plist, " in document["x-notes"]
    assert report.keys == 3


def test_shipped_domains_are_reported_as_shadowed(tmp_path: Path) -> None:
    report = import_manifests(
        MANIFEST_ROOT,
        tmp_path / "catalog",
        shipped_domains=["com.microsoft.Word", "com.microsoft.office", "org.other"],
    )
    assert report.shadowed == ["com.microsoft.Word", "com.microsoft.office"]
    assert "Shadowed by profilegen's own schemas (ours win): com.microsoft.Word, com.microsoft.office" in (
        summary_lines(report)
    )


def test_hidden_folders_and_non_plists_are_ignored_and_apple_payloads_noted(tmp_path: Path) -> None:
    write_plist(tmp_path / ".git" / "x.plist", small_manifest("org.hidden", "K"))
    (tmp_path / "index").write_text("not a manifest", encoding="utf-8")
    write_plist(
        tmp_path / "ManifestsApple" / "com.apple.screensaver.plist",
        small_manifest("com.apple.screensaver", "K"),
    )
    report = import_manifests(tmp_path, tmp_path / "catalog")
    assert report.domains == ["com.apple.screensaver"]
    document = json.loads((tmp_path / "catalog" / "domains" / "com.apple.screensaver.json").read_text())
    assert 'payload_style = "custom"' in document["x-notes"]


def test_a_single_manifest_file_imports(tmp_path: Path) -> None:
    report = import_manifests(MANIFESTS / "com.microsoft.Edge.plist", tmp_path / "catalog")
    assert report.domains == ["com.microsoft.Edge"]
    assert (tmp_path / "catalog" / "domains" / "com.microsoft.Edge.json").is_file()
    assert not [p for p in (tmp_path / "catalog" / "domains").iterdir() if p.name.startswith(".")]
