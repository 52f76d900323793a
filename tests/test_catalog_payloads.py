"""`catalog payloads`, `catalog PAYLOADTYPE` and `catalog import-apple` (the user catalogue wins)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run_cli
from tests.test_apple_convert import PPPC_LIKE, checkout
from tests.test_payload_lint import TCC, identity, payload, profile, tcc


def test_payloads_lists_and_filters() -> None:
    every = run_cli("catalog", "payloads")
    assert every.returncode == 0, every.stderr
    assert every.stdout.startswith("104 payload type(s) for macOS (Apple's device-management b6202ca)")
    assert "com.apple.wifi.managed" in every.stdout and "com.apple.app.lock" not in every.stdout  # iOS only
    privacy = run_cli("catalog", "payloads", "privacy").stdout.splitlines()
    assert privacy[0].startswith("1 payload type(s)") and privacy[-1].split() == [TCC, "Privacy", "Preferences",
                                                                                  "Policy", "Control"]
    assert run_cli("catalog", "payloads", "zzz").stdout.strip() == "no payload type matches 'zzz'"


def test_payload_type_shows_its_keys_nested_and_indented() -> None:
    done = run_cli("catalog", TCC)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{TCC}: Privacy Preferences Policy Control"
    assert lines[1] == "  macOS 10.14+; several allowed"
    rows = {line.split()[0]: line for line in lines[5:]}
    assert rows["Services"].split()[:3] == ["Services", "dict", "yes"]
    authorization = next(line for line in lines if line.strip().startswith("Authorization"))
    assert authorization.startswith("    Authorization")
    assert "Allow | Deny" in authorization and "11.0+" in authorization
    assert "keys as Services.AddressBook" in rows["Calendar"]
    supervised = run_cli("catalog", "com.apple.applicationaccess").stdout
    row = next(line for line in supervised.splitlines() if line.startswith("forceClassroomAutomaticallyJoinClasses"))
    assert "yes" in row.split()
    assert "not on macOS" in next(line for line in supervised.splitlines() if line.startswith("allowSafari "))


def test_unknown_name_suggests_a_payload_type() -> None:
    done = run_cli("catalog", "com.apple.TCC.configuration-profile-polcy")
    assert done.returncode != 0
    assert f"did you mean {TCC}?" in done.stderr


def test_import_apple_writes_the_user_catalogue_which_wins(tmp_path: Path) -> None:
    newer = PPPC_LIKE.replace("com.example.policy", TCC).replace("title: Example Policy", "title: Newer PPPC")
    source = checkout(tmp_path, **{TCC: newer})
    catalog = tmp_path / "catalog"
    done = run_cli("catalog", "import-apple", str(source), "--into", str(catalog))
    assert done.returncode == 0, done.stderr
    assert f"payload types written to {catalog / 'payloads'}" in done.stdout
    wins = "shadows the shipped schema of 2 payload type(s) (the user catalogue wins)"
    assert f"{wins}: {TCC}, Configuration" in done.stdout
    written = json.loads((catalog / "payloads" / f"{TCC}.json").read_bytes())
    assert written["description"] == "Apple's prose."  # descriptions kept for the user's own view
    shown = run_cli("catalog", "--catalog", str(catalog), TCC).stdout
    assert shown.startswith(f"{TCC}: Newer PPPC") and "user catalogue" in shown and "Apple's words" in shown
    # validate now checks against the user's schema: its Services takes Camera and Files only
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Allowed=True)]))
    mine = run_cli("validate", "--catalog", str(catalog), str(path))
    assert "Services.SystemPolicyAllFiles is not a key" in mine.stdout
    assert run_cli("validate", str(path)).returncode == 0


def test_import_apple_refuses_what_is_not_a_checkout(tmp_path: Path) -> None:
    done = run_cli("catalog", "import-apple", str(tmp_path), "--into", str(tmp_path / "c"))
    assert done.returncode == 3 and "TopLevel.yaml" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "c").exists()


def test_import_apple_refuses_a_payload_type_that_is_a_path(tmp_path: Path) -> None:
    evil = PPPC_LIKE.replace("payloadtype: com.example.policy", "payloadtype: ../../evil")
    source = checkout(tmp_path, **{"evil": evil})
    done = run_cli("catalog", "import-apple", str(source), "--into", str(tmp_path / "c"))
    assert done.returncode == 3 and "the payloadtype '../../evil' cannot name an output file" in done.stderr
    assert not (tmp_path / "evil.json").exists() and not (tmp_path / "c").exists()


def test_validate_a_profile_with_no_apple_payload_reads_no_payload_schema(tmp_path: Path) -> None:
    path = profile(tmp_path, payload("com.microsoft.Word", UseOnlineContent=2))
    done = run_cli("validate", str(path), env={"PROFILEGEN_CATALOG": str(tmp_path / "none")})
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_user_payload_schema_with_an_outside_reference_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "catalog" / "payloads"
    folder.mkdir(parents=True)
    (folder / "com.apple.dock.json").write_text(json.dumps(
        {"x-payload-type": "com.apple.dock", "type": "object",
         "properties": {"tilesize": {"$ref": "file:///etc/passwd"}}}))
    path = profile(tmp_path, payload("com.apple.dock", tilesize=40))
    done = run_cli("validate", "--catalog", str(tmp_path / "catalog"), str(path))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "com.apple.dock.json" in done.stderr and "file:///etc/passwd" in done.stderr
