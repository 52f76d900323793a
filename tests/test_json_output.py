"""`--format json`: every command's output validates against its JSON Schema in schemas/output/, and says
what the text says."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource

from tests.cli import REPO, run_cli

OUTPUT = REPO / "schemas" / "output"
BASE = "https://profilegen.invalid/schemas/output/"


def _registry() -> Registry:
    resources = [(BASE + path.name, Resource.from_contents(json.loads(path.read_text())))
                 for path in sorted(OUTPUT.glob("*.json"))]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def checked(name: str, *args: str, code: int = 0, cwd: Path | None = None) -> Any:
    """Run the command, check its exit code, and validate stdout against schemas/output/<name>.json."""
    done = run_cli(*args, "--format", "json", cwd=cwd)
    assert done.returncode == code, done.stderr
    data = json.loads(done.stdout)
    schema = json.loads((OUTPUT / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema, registry=REGISTRY).iter_errors(data), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert data["version"] == 1
    return data


def test_every_schema_is_valid_and_names_itself() -> None:
    for path in OUTPUT.glob("*.json"):
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == BASE + path.name


def test_build_json_says_what_it_wrote_the_settings_and_the_warnings(tmp_path: Path) -> None:
    data = checked("build", "build", "office-telemetry-off", "--office-version", "16.30",
                   "--set", "com.google.Chrome:Ver=16.28", "--out", str(tmp_path))
    (preset,) = data["presets"]
    assert [o["status"] for o in preset["outputs"]] == ["written"] * 3
    assert {Path(o["path"]).name for o in preset["outputs"]} == {p.name for p in tmp_path.iterdir()}
    chrome = next(s for s in preset["settings"] if s["domain"] == "com.google.Chrome")
    assert chrome == {"domain": "com.google.Chrome", "key": "Ver", "type": "real", "value": 16.28, "from": "--set"}
    rules = {f["rule"] for f in preset["findings"]}
    assert {"unknown-domain", "key-retired"} <= rules
    again = checked("build", "build", "office-telemetry-off", "--office-version", "16.30",
                    "--set", "com.google.Chrome:Ver=16.28", "--out", str(tmp_path))
    assert [o["status"] for o in again["presets"][0]["outputs"]] == ["unchanged"] * 3


def test_presets_json() -> None:
    data = checked("presets", "presets")
    names = [p["name"] for p in data["presets"]]
    assert "office-volume-license-lockdown" in names
    shown = checked("preset", "presets", "show", "office-volume-license-lockdown")
    assert shown["preset"]["choices"]["cloud-sign-in"] == "disabled"


def test_catalog_json_shapes() -> None:
    domains = checked("catalog-domains", "catalog")
    assert any(d["domain"] == "com.microsoft.Word" and d["source"] == "profilegen" for d in domains["domains"])
    domain = checked("catalog-domain", "catalog", "com.microsoft.autoupdate2")
    assert "ChannelName" in [k["key"] for k in domain["keys"]]
    key = checked("catalog-key", "catalog", "com.microsoft.Word", "UseOnlineContent")["key"]
    assert key["values"][0] == {"value": 0, "meaning": "Off: no cloud sign-in, add-ins, Smart Lookup or online "
                                "activation", "deprecated": None}
    assert {"choice": "cloud-sign-in", "option": "disabled"}.items() <= key["set_by"][0].items()
    found = checked("catalog-search", "catalog", "search", "telemetry")
    assert found["query"] == "telemetry" and found["keys"]
    choices = checked("catalog-choices", "catalog", "choices")
    assert "cloud-sign-in" in [c["name"] for c in choices["choices"]]


def test_catalog_payload_type_json() -> None:
    """`catalog PAYLOADTYPE --format json`: the type's facts and its keys nested, a shared structure's keys once."""
    tcc = checked("catalog-payload", "catalog", "com.apple.TCC.configuration-profile-policy")
    assert (tcc["title"], tcc["macos"]["min"], tcc["user_channel"], tcc["device_channel"]) == (
        "Privacy Preferences Policy Control", "10.14", False, True)
    (services,) = [k for k in tcc["keys"] if k["key"] == "Services"]
    assert not any(k["key"].startswith("PayloadI") for k in tcc["keys"])  # the keys every payload has
    first, *others = [k for k in services["keys"] if k["structure"] == "Identity"]
    assert others and all(k["keys_as"] == first["path"] and k["keys"] == [] for k in others)
    identifier = next(k for k in first["keys"] if k["key"] == "Identifier")
    assert identifier["path"] == f"{first['path']}[].Identifier" and identifier["required"] is True
    authorization = next(k for k in first["keys"] if k["key"] == "Authorization")
    assert {"Allow", "Deny"} <= set(authorization["values"])
    scep = checked("catalog-payload", "catalog", "com.apple.security.scep")
    content = next(k for k in scep["keys"] if k["key"] == "PayloadContent")  # SCEP's own PayloadContent is kept
    challenge = next(k for k in content["keys"] if k["key"] == "Challenge")
    assert challenge["sensitive"] is True
    subject = next(k for k in content["keys"] if k["key"] == "Subject")
    assert subject["keys"][0]["key"] == "[]" and subject["keys"][0]["type"] == "array"


def test_every_shipped_payload_type_fits_the_catalog_payload_schema() -> None:
    from profilegen.catalog import load_catalog
    from profilegen.catalog.payload_view import payload_data

    payloads = load_catalog().payloads
    validator = Draft202012Validator(json.loads((OUTPUT / "catalog-payload.json").read_text()), registry=REGISTRY)
    kinds = list(payloads.types())
    assert len(kinds) > 90
    for kind in kinds:
        schema = payloads.schema(kind)
        assert schema is not None, kind
        errors = list(validator.iter_errors({"version": 1, **json.loads(json.dumps(payload_data(schema)))}))
        assert not errors, (kind, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:3]])


@pytest.fixture
def built(tmp_path: Path) -> Path:
    assert run_cli("build", "office-telemetry-off", "office-manual-updates", "--out", str(tmp_path)).returncode == 0
    return tmp_path


def test_show_validate_and_diff_json(built: Path) -> None:
    one = built / "office-telemetry-off.mobileconfig"
    two = built / "office-manual-updates.mobileconfig"
    shown = checked("show", "show", str(one))
    assert len(shown["profiles"]) == 1  # a list for one file too: one shape
    assert shown["profiles"][0]["metadata"]["PayloadIdentifier"] == plistlib.loads(one.read_bytes())[
        "PayloadIdentifier"]
    assert len(checked("show", "show", str(one), str(two))["profiles"]) == 2
    report = checked("validate", "validate", str(one), str(REPO / "presets" / "office-manual-updates.toml"))
    assert report["errors"] == 0 and len(report["files"]) == 2
    same = checked("diff", "diff", str(one), "office-telemetry-off")
    assert same["same"] is True and same["changes"] == []
    changed = checked("diff", "diff", str(one), str(two), code=1)
    kinds = {(c["kind"], c["key"]) for c in changed["changes"]}
    assert ("added", "HowToCheck") in kinds and ("removed", "SendAllTelemetryEnabled") in kinds
