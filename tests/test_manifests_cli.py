"""The ProfileManifests import through the real command line, then a build that uses an imported domain."""

from __future__ import annotations

import json
import plistlib
import shutil
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.conftest import PROFILEMANIFESTS, REPO
from tests.defaults_replay import profile_settings
from tests.samples import MANIFEST_DOMAINS, MANIFEST_ROOT, MANIFESTS

SHIPPED = sorted(path.stem for path in (REPO / "schemas" / "domains").glob("*.json"))
EDGE_PRESET = """\
format = 1

[profile]
display_name = "Edge policies"
identifier = "org.example.edge"
description = "Edge settings from the imported ProfileManifests catalogue."
scope = "System"
removal_disallowed = false
payload_style = "mcx"

[settings."com.microsoft.Edge"]
HomepageLocation = "https://intranet.example.org"
PasswordManagerEnabled = {password}
AdsSettingForIntrusiveAdsSites = 2
"""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalogue")
    done = run_cli("catalog", "import-manifests", str(MANIFEST_ROOT), "--into", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


def write_preset(folder: Path, password: str) -> Path:
    path = folder / "edge.toml"
    path.write_text(EDGE_PRESET.format(password=password), encoding="utf-8")
    return path


def test_import_reports_domains_and_what_ours_shadow(tmp_path: Path) -> None:
    done = run_cli("catalog", "import-manifests", str(MANIFEST_ROOT), "--into", str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Imported 5 domains (15 keys, 4 nested) from 5 manifests into {tmp_path / 'domains'}"
    shadowed = [d for d in SHIPPED if d in MANIFEST_DOMAINS]
    assert {"com.microsoft.Word", "com.microsoft.autoupdate2", "com.microsoft.office"} <= set(shadowed)
    assert "com.microsoft.Edge" not in shadowed
    assert f"Shadowed by profilegen's own schemas (ours win): {', '.join(shadowed)}" in lines
    assert sorted(p.stem for p in (tmp_path / "domains").glob("*.json")) == MANIFEST_DOMAINS


@pytest.mark.corpus
def test_import_of_the_microsoft_manifests_reports_domains_and_what_ours_shadow(tmp_path: Path) -> None:
    done = run_cli("catalog", "import-manifests", str(PROFILEMANIFESTS), "--into", str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Imported 17 domains (")
    assert lines[0].endswith(f"from 17 manifests into {tmp_path / 'domains'}")
    shadowed = [d for d in SHIPPED if (PROFILEMANIFESTS / f"{d}.plist").exists()]
    assert shadowed, "the shipped catalogue defines Office domains the fixture also has"
    assert f"Shadowed by profilegen's own schemas (ours win): {', '.join(shadowed)}" in lines
    assert len(list((tmp_path / "domains").glob("*.json"))) == 17


def test_catalog_lists_imported_domains_beside_ours(catalogue: Path) -> None:
    done = run_cli("catalog", "--catalog", str(catalogue))
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()[2:]}
    assert rows["com.microsoft.Edge"].rstrip().endswith("ProfileManifests")
    assert rows["com.microsoft.Word"].rstrip().endswith("profilegen")  # ours win

    shown = run_cli("catalog", "--catalog", str(catalogue), "com.microsoft.Edge")
    assert shown.returncode == 0, shown.stderr
    assert "AdsSettingForIntrusiveAdsSites" in shown.stdout


def test_a_preset_using_an_imported_domain_builds(catalogue: Path, tmp_path: Path) -> None:
    preset = write_preset(tmp_path, "false")
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"), env={"PROFILEGEN_CATALOG": str(catalogue)})
    assert done.returncode == 0, done.stderr
    assert "not in the catalogue" not in done.stdout + done.stderr
    profile = plistlib.loads((tmp_path / "dist" / "edge.mobileconfig").read_bytes())
    assert profile_settings(profile)["com.microsoft.Edge"] == {
        "HomepageLocation": "https://intranet.example.org",
        "PasswordManagerEnabled": False,
        "AdsSettingForIntrusiveAdsSites": 2,
    }


def test_a_wrong_type_for_an_imported_key_is_an_error_naming_the_manifest(catalogue: Path, tmp_path: Path) -> None:
    preset = write_preset(tmp_path, '"no"')
    done = run_cli("build", str(preset), "--catalog", str(catalogue), "--out", str(tmp_path / "dist"))
    assert done.returncode == 4
    assert done.stderr.startswith(f"profilegen: error: {preset}: com.microsoft.Edge:PasswordManagerEnabled")
    assert "use true or false" in done.stderr
    assert f"ProfileManifests manifest {catalogue / 'domains' / 'com.microsoft.Edge.json'}" in done.stderr
    assert not (tmp_path / "dist").exists()

    out_of_range = write_preset(tmp_path, "false").read_text().replace("Sites = 2", "Sites = 7")
    preset.write_text(out_of_range, encoding="utf-8")
    done = run_cli("build", str(preset), "--catalog", str(catalogue), "--out", str(tmp_path / "dist"))
    assert done.returncode == 4
    assert "AdsSettingForIntrusiveAdsSites" in done.stderr and "one of 1, 2" in done.stderr


def test_broken_manifests_are_warned_about_and_skipped(tmp_path: Path) -> None:
    source = tmp_path / "Manifests"
    source.mkdir()
    shutil.copy(MANIFESTS / "com.microsoft.OneDrive.plist", source)
    (source / "broken.plist").write_text("<plist><dict><key>pfm_domain</key>", encoding="utf-8")
    done = run_cli("catalog", "import-manifests", str(source), "--into", str(tmp_path / "cat"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"profilegen: warning: {source / 'broken.plist'}: skipped: not a property list")
    assert done.stdout.startswith("Imported 1 domain (")
    assert (tmp_path / "cat" / "domains" / "com.microsoft.OneDrive.json").is_file()


def test_nothing_to_import_is_an_input_error(tmp_path: Path) -> None:
    done = run_cli("catalog", "import-manifests", str(tmp_path), "--into", str(tmp_path / "cat"))
    assert done.returncode == 3
    assert done.stderr.startswith(f"profilegen: error: no manifest imported from {tmp_path}")
    assert done.stdout == ""


def test_a_build_reads_only_the_imported_domains_it_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from profilegen.catalog import domains as catalog_module
    from profilegen.catalog.manifests.importer import import_manifests
    from profilegen.pipeline import build_preset
    from profilegen.preset import load_preset

    import_manifests(MANIFESTS / "com.microsoft.Edge.plist", tmp_path / "seed")
    document = json.loads((tmp_path / "seed" / "domains" / "com.microsoft.Edge.json").read_text(encoding="utf-8"))
    wanted = ("HomepageLocation", "PasswordManagerEnabled", "AdsSettingForIntrusiveAdsSites")
    document["properties"] = {name: document["properties"][name] for name in wanted}  # small files, quick test
    edge = json.dumps(document)
    domains = tmp_path / "big" / "domains"
    domains.mkdir(parents=True)
    for index in range(300):
        name = f"org.bench.app{index:03d}"
        (domains / f"{name}.json").write_text(edge.replace("com.microsoft.Edge", name), encoding="utf-8")
    preset = write_preset(tmp_path, "false")
    preset.write_text(preset.read_text().replace("com.microsoft.Edge", "org.bench.app123"), encoding="utf-8")

    parsed: list[str] = []
    real = catalog_module.load_domain_file

    def counting(path: Path) -> catalog_module.DomainSchema:
        parsed.append(path.name)
        return real(path)

    monkeypatch.setattr(catalog_module, "load_domain_file", counting)
    result = build_preset(load_preset(str(preset)), catalog_module.load_catalog([tmp_path / "big"]))
    assert parsed == ["org.bench.app123.json"]
    assert result.resolution.settings["org.bench.app123"]["PasswordManagerEnabled"] is False
