"""show, validate, import, rebuild and diff on the suite's own profiles in Microsoft's sample layout, one signed."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilegen.catalog import Catalog, load_catalog
from profilegen.inspect.diff import diff
from profilegen.inspect.importer import import_profile
from profilegen.inspect.lint import lint_path
from profilegen.inspect.model import extract
from profilegen.inspect.read import load, load_bytes
from profilegen.pipeline import PROFILE_SUFFIX, build_preset
from profilegen.preset import dumps_preset, load_preset
from tests.cli import run_cli
from tests.inspect_app import make_app
from tests.samples import BASIC, PROFILES, WORD, ZERO

runner = CliRunner()
app = make_app()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _plain_settings(path: Path) -> list[tuple[str, str, object]]:
    """The settings as plistlib reads them: an independent reading to compare `show` with."""
    found = []
    for payload in plistlib.loads(path.read_bytes())["PayloadContent"]:
        for domain, modes in payload["PayloadContent"].items():
            for item in modes["Forced"]:
                found += [(domain, k, v) for k, v in item["mcx_preference_settings"].items()]
    return found


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_show_lists_every_setting(path: Path) -> None:
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0, result.output
    settings = _plain_settings(path)
    assert settings
    for domain, key, value in settings:
        row = next(line for line in result.stdout.splitlines() if line.startswith(domain) and f" {key} " in line)
        if isinstance(value, bool):
            assert (" true " if value else " false ") in row


def test_show_json_of_a_signed_profile(signed_sample: Path) -> None:
    result = runner.invoke(app, ["show", "--format", "json", str(signed_sample)])
    assert result.exit_code == 0, result.output
    (data,) = json.loads(result.stdout)["profiles"]
    assert data["form"] == "xml"
    assert "Common Name: Profile Signer" in data["signed"]["subject"]
    assert data["signed"]["digest"] == "sha256"
    assert data["signed"]["signature"] == "verified"
    shown = {(s["domain"], s["key"]): s["value"] for s in data["settings"]}
    assert shown == {(d, k): v for d, k, v in _plain_settings(BASIC)}


def test_tampered_signed_profile_is_reported_invalid(signed_sample: Path, tmp_path: Path) -> None:
    data = bytearray(signed_sample.read_bytes())
    at = data.index(b"BasicDiagnosticData")
    data[at: at + 5] = b"Basik"  # change the signed content, keep its length
    tampered = tmp_path / "tampered.mobileconfig"
    tampered.write_bytes(bytes(data))
    shown = runner.invoke(app, ["show", "--format", "json", str(tampered)])
    assert json.loads(shown.stdout)["profiles"][0]["signed"]["signature"].startswith("signature invalid")
    compared = run_cli("diff", str(signed_sample), str(tampered))
    assert compared.returncode == 1
    assert f"# {tampered}: signed by" in compared.stderr and "; signature invalid" in compared.stderr
    checked = runner.invoke(app, ["validate", "--format", "json", str(tampered)])
    assert checked.exit_code == 1
    assert "signature-invalid" in checked.stdout


def test_show_reads_a_binary_plist(tmp_path: Path) -> None:
    binary = tmp_path / "basic.mobileconfig"
    binary.write_bytes(plistlib.dumps(plistlib.loads(BASIC.read_bytes()), fmt=plistlib.FMT_BINARY))
    result = runner.invoke(app, ["show", "--format", "text", str(binary)])
    assert result.exit_code == 0
    assert 'com.microsoft.office DiagnosticDataTypePreference = "BasicDiagnosticData"' in result.stdout
    assert result.stdout == runner.invoke(app, ["show", "--format", "text", str(BASIC)]).stdout


def test_validate_findings_name_the_line(catalog: Catalog) -> None:
    basic = [(f.rule, f.line) for f in lint_path(BASIC, catalog, "16.30")]
    assert basic == [("mcx-one-domain", 23)]  # the second domain's first key
    retired = [f for f in lint_path(WORD, catalog, "16.30") if f.rule == "key-retired"]
    assert retired[0].line == 17
    assert retired[0].message.startswith(
        "com.microsoft.Word:SendAllTelemetryEnabled last works in Office for Mac 16.27; --office-version is 16.30")
    assert [f for f in lint_path(WORD, catalog, "16.16") if f.rule == "key-retired"] == []
    assert [f for f in lint_path(ZERO, catalog, "16.30") if f.severity != "info"] == []


def test_signed_profile_findings(signed_sample: Path, catalog: Catalog) -> None:
    rules = {f.rule for f in lint_path(signed_sample, catalog)}
    assert {"jamf-signed", "intune-xml", "mcx-one-domain"} <= rules
    assert not rules & {"signature-invalid", "signer-expired", "weak-digest"}


def test_import_recognises_the_shipped_choices(catalog: Catalog) -> None:
    imported = import_profile(extract(load(BASIC), strict=True), catalog, name="imported")
    assert imported.preset.choices == {"diagnostic-data": "required", "mau-data-collection": "required-data-only"}
    assert imported.preset.settings == {}


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_import_build_diff_has_no_difference(path: Path, catalog: Catalog, tmp_path: Path) -> None:
    original = extract(load(path), strict=True)
    imported = import_profile(original, catalog, name="imported")
    saved = tmp_path / "imported.toml"
    saved.write_text(dumps_preset(imported.preset))
    result = build_preset(load_preset(str(saved)), catalog)
    built = next(a.data for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))
    rebuilt = extract(load_bytes(built, "rebuilt"), strict=True)
    assert diff(original, rebuilt) == []
    # Identifiers and UUIDs pinned (upper-cased): the rebuild replaces the deployed profile.
    assert rebuilt.metadata["PayloadUUID"] == original.metadata["PayloadUUID"].upper()
    first = original.payloads[0]
    (pinned,) = [p for p in rebuilt.payloads if p.domains == first.domains[:1]]
    assert pinned.identifier == first.identifier
    assert pinned.uuid == (first.uuid or "").upper()


def test_import_and_diff_through_the_cli(tmp_path: Path) -> None:
    saved = tmp_path / "basic.toml"
    run = run_cli("import", str(BASIC), "--save", str(saved))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {saved}:")
    assert "payload 1 holds 2 domains; the rebuild gives com.microsoft.autoupdate2 payloads of their own" in run.stderr
    same = run_cli("diff", str(BASIC), str(saved))
    assert (same.returncode, same.stdout) == (0, "")
    again = run_cli("import", str(BASIC), "--save", str(saved))
    assert again.returncode == 0 and again.stdout.startswith(f"unchanged {saved}:")
    other = run_cli("import", str(ZERO), "--save", str(saved))
    assert other.returncode == 5 and "exists" in other.stderr


def test_diff_of_two_samples() -> None:
    result = runner.invoke(app, ["diff", str(BASIC), str(ZERO)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        '~ profile: PayloadDescription: "Office sends required diagnostic data only" -> '
        '"Office sends no diagnostic data"',
        '~ profile: PayloadDisplayName: "Required diagnostic data only" -> "No diagnostic data"',
        '~ profile: PayloadIdentifier: "com.example.samples.basic-diagnostics" -> '
        '"com.example.samples.zero-diagnostics"',
        '- com.microsoft.autoupdate2: AcknowledgedDataCollectionPolicy = "RequiredDataOnly"',
        '~ com.microsoft.office: DiagnosticDataTypePreference: "BasicDiagnosticData" -> "ZeroDiagnosticData"',
        "+ com.microsoft.office: SendAllTelemetryEnabled = false",
    ]
