"""Microsoft's own profiles (one signed): show, validate, import, rebuild and diff (corpus tests).

The same behaviours on the suite's own sample profiles: tests/test_inspect_samples.py.
"""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilegen.catalog import Catalog, load_catalog
from profilegen.inspect.diff import diff, load_side
from profilegen.inspect.importer import import_profile
from profilegen.inspect.lint import lint_path
from profilegen.inspect.model import extract
from profilegen.inspect.read import load, load_bytes
from profilegen.pipeline import PROFILE_SUFFIX, build_preset
from profilegen.preset import dumps_preset, load_preset
from profilegen.signing import is_signed
from profilegen.signing.sign import unsign
from tests.cli import run_cli
from tests.conftest import MICROSOFT_PROFILES, corpus_files
from tests.inspect_app import make_app

pytestmark = pytest.mark.corpus
PROFILES = corpus_files(MICROSOFT_PROFILES, "*.mobileconfig")
SIGNED = MICROSOFT_PROFILES / "Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate-signed.mobileconfig"
JAMF = MICROSOFT_PROFILES / "Jamf-MSUpdate_Jamf_Controller_for_Microsoft_AutoUpdate.mobileconfig"
BASIC = MICROSOFT_PROFILES / "16.28+_Telemetry-Basic-Only.mobileconfig"
runner = CliRunner()
app = make_app()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_there_are_twenty_fixtures_and_one_is_signed() -> None:
    assert len(PROFILES) == 20
    assert [p.name for p in PROFILES if load(p).signed] == [SIGNED.name]


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_show_lists_every_setting(path: Path) -> None:
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    settings = _plain_settings(plistlib.loads(unsign(data) if is_signed(data) else data))
    assert settings, "every fixture sets something"
    for domain, key, value in settings:
        row = next(line for line in result.stdout.splitlines() if line.startswith(domain) and f" {key} " in line)
        if isinstance(value, bool):
            assert (" true " if value else " false ") in row


def _plain_settings(profile: dict[str, object]) -> list[tuple[str, str, object]]:
    """The settings of a profile as plistlib reads it: an independent reading to compare `show` with."""
    found = []
    for payload in profile["PayloadContent"]:  # type: ignore[attr-defined]
        if payload["PayloadType"] == "com.apple.ManagedClient.preferences":
            for domain, modes in payload["PayloadContent"].items():
                for item in modes["Forced"]:
                    found += [(domain, k, v) for k, v in item["mcx_preference_settings"].items()]
        else:
            found += [(payload["PayloadType"], k, v) for k, v in payload.items() if not k.startswith("Payload")]
    return found


def test_show_json_of_the_signed_profile() -> None:
    result = runner.invoke(app, ["show", "--format", "json", str(SIGNED)])
    assert result.exit_code == 0
    (data,) = json.loads(result.stdout)["profiles"]
    assert data["form"] == "xml"
    # The signature itself is good; the Mac Developer certificate expired in 2019.
    assert data["signed"]["signature"].startswith("signature valid, but the signer's certificate")
    assert "expired on 2019-11-15" in data["signed"]["signature"]
    assert "Mac Developer: Paul Bowden (58ZPQ9VVEP)" in data["signed"]["subject"]
    assert data["signed"]["not_after"].startswith("2019-11-15")
    assert data["signed"]["digest"] == "sha1"
    assert data["payloads"][0]["type"] == "com.apple.TCC.configuration-profile-policy"
    (setting,) = data["settings"]
    assert setting["key"] == "Services" and setting["type"] == "dict"
    assert len(setting["value"]["AppleEvents"]) == 2  # the signed copy allows two senders, not four


def test_show_table_of_the_signed_profile() -> None:
    result = runner.invoke(app, ["show", str(SIGNED)])
    assert "signed (DER CMS), xml plist inside" in result.stdout
    assert "valid 2018-11-15 to 2019-11-15; digest sha1; signature valid, but the signer's" in result.stdout


def test_tampered_signed_profile_is_reported_invalid(tmp_path: Path) -> None:
    data = bytearray(SIGNED.read_bytes())
    at = data.index(b"<string>com.apple.Terminal</string>")
    data[at + 8: at + 11] = b"COM"  # change the signed content, keep its length
    tampered = tmp_path / "tampered.mobileconfig"
    tampered.write_bytes(bytes(data))
    shown = runner.invoke(app, ["show", "--format", "json", str(tampered)])
    assert json.loads(shown.stdout)["profiles"][0]["signed"]["signature"].startswith("signature invalid")
    compared = run_cli("diff", str(SIGNED), str(tampered))
    assert compared.returncode == 1  # the content differs, and the signature no longer covers it
    assert "; signature valid, but the signer's certificate" in compared.stderr
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


def _rules(path: Path, catalog: Catalog) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in lint_path(path, catalog, "16.30") if f.rule != "unknown-domain"]


def test_validate_findings_make_sense(catalog: Catalog) -> None:
    # Microsoft's two-domain sample: the one rule it breaks, at the second domain's key.
    assert _rules(BASIC, catalog)[:1] == [("mcx-one-domain", 23)]
    # The Jamf controller: its top-level PayloadType is the payload's, and its scope is lower-case.
    assert ("payload-type", 112) in _rules(JAMF, catalog)
    assert ("scope-value", 118) in _rules(JAMF, catalog)
    signed = _rules(SIGNED, catalog)
    for expected in [
        ("payload-type", 75),
        ("unknown-top-level-key", 80),
        ("duplicate-identifier", 13),
        ("jamf-signed", None),
        ("intune-xml", None),
        ("signer-expired", None),
        ("weak-digest", None),
    ]:
        assert expected in signed


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_validate_has_no_error_on_microsofts_preference_samples(path: Path, catalog: Catalog) -> None:
    errors = [f for f in lint_path(path, catalog) if f.severity == "error"]
    if path.name.startswith("Jamf-"):
        assert errors, "the Jamf controller has a wrong top-level PayloadType"
    else:
        assert errors == []


def test_values_are_checked_against_the_shipped_catalogue(catalog: Catalog) -> None:
    word = MICROSOFT_PROFILES / "DisableTelemetry_Disable-Word-Telemetry.mobileconfig"
    findings = [f for f in lint_path(word, catalog, "16.30") if f.rule == "key-retired"]
    assert findings[0].line == 19
    assert findings[0].message.startswith(
        "com.microsoft.Word:SendAllTelemetryEnabled last works in Office for Mac 16.27; --office-version is 16.30"
        " (sources disagree: "
    )
    assert "GCC High" in findings[0].message  # the other claim, with its source
    retired = {f.message.split(" ")[0] for f in findings}
    assert "com.microsoft.Word:DiagnosticDataTypePreference" in retired  # the per-app form, pre-16.28
    assert [f for f in lint_path(word, catalog, "16.16") if f.rule == "key-retired"] == []


@pytest.mark.parametrize(
    ("name", "choices"),
    [
        ("16.28+_Telemetry-Basic-Only", {"diagnostic-data": "required", "mau-data-collection": "required-data-only"}),
        ("16.28+_Disable-VL-Privacy-Dialog", {"volume-license-privacy-dialog": "skip"}),
        ("16.28+_Force-Enable-Optional-Connected-Experiences", {"optional-connected-experiences": "on"}),
    ],
)
def test_import_recognises_the_shipped_choices(name: str, choices: dict[str, str], catalog: Catalog) -> None:
    profile = extract(load(MICROSOFT_PROFILES / f"{name}.mobileconfig"), strict=True)
    imported = import_profile(profile, catalog, name="imported")
    assert imported.preset.choices == choices
    assert imported.preset.settings == {}


def _identifier(path: Path) -> str | None:
    return "com.example.jamf.controller" if path.name.startswith("Jamf-") else None


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_import_build_diff_has_no_setting_difference(path: Path, catalog: Catalog, tmp_path: Path) -> None:
    original = extract(load(path), strict=True)
    imported = import_profile(original, catalog, name="imported", identifier=_identifier(path))
    saved = tmp_path / "imported.toml"
    saved.write_text(dumps_preset(imported.preset))
    result = build_preset(load_preset(str(saved)), catalog)
    built = next(a.data for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))
    rebuilt = extract(load_bytes(built, "rebuilt"), strict=True)
    changes = diff(original, rebuilt)
    assert [c for c in changes if c.area == "setting"] == []
    if not path.name.startswith("Jamf-"):
        assert changes == []
        # Identifiers and UUIDs pinned: the rebuild replaces the deployed profile.
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
    assert again.returncode == 0 and again.stdout.startswith(f"unchanged {saved}:")  # same bytes: no --force
    saved.write_text(saved.read_text() + "# mine\n")
    again = run_cli("import", str(BASIC), "--save", str(saved))
    assert again.returncode == 5 and "exists" in again.stderr and saved.read_text().endswith("# mine\n")


def test_diff_of_two_samples() -> None:
    zero = MICROSOFT_PROFILES / "16.28+_Telemetry-Zero-Exhaust.mobileconfig"
    result = runner.invoke(app, ["diff", str(BASIC), str(zero)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        '~ profile: PayloadDescription: "Send Basic Telemetry" -> "Zero Exhaust Telemetry"',
        '~ profile: PayloadDisplayName: "Send Basic Telemetry" -> "Zero Exhaust Telemetry"',
        '~ profile: PayloadIdentifier: "com.microsoft.office.send.basic" -> "com.microsoft.office.zero.exhaust"',
        '- com.microsoft.autoupdate2: AcknowledgedDataCollectionPolicy = "RequiredDataOnly"',
        '- com.microsoft.office: DiagnosticDataTypePreference = "BasicDiagnosticData"',
        "+ com.microsoft.office: SendAllTelemetryEnabled = false",
    ]


def test_diff_is_blind_to_signing_but_not_to_content(catalog: Catalog) -> None:
    changes = diff(load_side(str(JAMF), catalog), load_side(str(SIGNED), catalog))
    rendered = [c.render() for c in changes]
    assert rendered[:2] == [
        '~ profile: PayloadScope: "system" -> "System"',
        '+ profile: payloadScope = "system"',
    ]
    # The signed copy lost two of the four Apple-event rules: shown leaf by leaf.
    assert any(
        line.startswith("- com.apple.TCC.configuration-profile-policy: Services.AppleEvents[2].Identifier")
        for line in "\n".join(rendered).splitlines()
    )
