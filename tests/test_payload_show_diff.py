"""`show` names Apple payloads by their title; `diff` compares them by type (and identifier), key by key."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run_cli
from tests.test_payload_lint import TCC, identity, payload, profile, tcc


def test_show_names_payloads_by_title(tmp_path: Path) -> None:
    path = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Allowed=True)]), payload("com.apple.app.lock"),
                   payload("com.example.custom", Key=1))
    table = run_cli("show", str(path))
    assert table.returncode == 0, table.stderr
    rows = {line.split()[1]: line for line in table.stdout.splitlines() if line[:1].isdigit()}
    assert "Privacy Preferences Policy Control" in rows[TCC]
    assert "App Lock" in rows["com.apple.app.lock"]
    (shown,) = json.loads(run_cli("show", "--format", "json", str(path)).stdout)["profiles"]
    assert [p["title"] for p in shown["payloads"]] == ["Privacy Preferences Policy Control", "App Lock", None]


def test_diff_compares_two_pppc_payloads_each_with_its_counterpart(tmp_path: Path) -> None:
    files = tcc(SystemPolicyAllFiles=[identity(Allowed=True)])
    events = {**tcc(AppleEvents=[identity(Allowed=True)]), "PayloadIdentifier": "com.example.profile.events"}
    old = profile(tmp_path, files, events)
    changed = {**events, "Services": {"AppleEvents": [identity(Allowed=False)]}}
    new = profile(tmp_path, files, changed)
    done = run_cli("diff", str(old), str(new))
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"~ {TCC} (com.example.profile.events): Services.AppleEvents[0].Allowed: true -> false"]


def test_diff_of_one_payload_is_blind_to_its_identifier(tmp_path: Path) -> None:
    old = profile(tmp_path, tcc(SystemPolicyAllFiles=[identity(Allowed=True)]))
    moved = {**tcc(SystemPolicyAllFiles=[identity(Allowed=True, Comment="x")]), "PayloadIdentifier": "other.id"}
    done = run_cli("diff", str(old), str(profile(tmp_path, moved)))
    assert done.stdout.splitlines() == [f'+ {TCC}: Services.SystemPolicyAllFiles[0].Comment = "x"']


def test_dates_before_the_year_1000_keep_four_digits(tmp_path: Path) -> None:
    """strftime's %Y does not pad on Linux: show (and the JSON the validator checks) wrote 999-01-01."""
    import datetime

    rule = payload("com.apple.systempolicy.rule", "rule", Requirement="anchor apple",
                   Expiration=datetime.datetime(999, 1, 1), OperationType="operation:execute")
    path = profile(tmp_path, rule)
    shown = run_cli("show", str(path))
    assert shown.returncode == 0
    (line,) = [line for line in shown.stdout.splitlines() if "Expiration" in line]
    assert "0999-01-01T00:00:00Z" in line
    assert run_cli("validate", str(path)).returncode == 0
