"""Cold `validate` with and without Apple payloads, against `import typer` (and an earlier source tree).

Budgets (issue 14): a validate or build that meets no Apple payload costs what it cost before (within 5%:
give the earlier tree with --before, e.g. `git archive <commit> | tar -x -C /tmp/before`); `validate` of a
profile with 20 Apple payloads within 1.5x of `import typer`. Medians of interleaved runs (common.py).
Run: python benchmarks/bench_payloads.py [--rounds N] [--before DIR]
"""

from __future__ import annotations

import argparse
import plistlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, REPO, cpu, interleaved

BUDGET_APPLE = 1.5
BUDGET_SAME = 1.05
_CODE = 'identifier "com.example.agent" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"'


def _payload(kind: str, index: int, **keys: Any) -> dict[str, Any]:
    return {"PayloadType": kind, "PayloadIdentifier": f"com.example.bench.{index}",
            "PayloadUUID": f"00000000-0000-4000-8000-{index:012d}", "PayloadVersion": 1, **keys}


def apple_payloads() -> list[dict[str, Any]]:
    """Twenty payloads of the kinds a Defender-style deployment carries (PPPC, extensions, notifications...)."""
    identity = {"Identifier": "com.example.agent", "IdentifierType": "bundleID", "CodeRequirement": _CODE,
                "Authorization": "Allow"}
    made: list[tuple[str, dict[str, Any]]] = [
        ("com.apple.TCC.configuration-profile-policy", {"Services": {"SystemPolicyAllFiles": [identity],
                                                                     "Accessibility": [identity]}}),
        ("com.apple.system-extension-policy", {"AllowedSystemExtensions": {"ABCDE12345": ["com.example.ext"]}}),
        ("com.apple.notificationsettings", {"NotificationSettings": [{"BundleIdentifier": "com.example.agent",
                                                                      "NotificationsEnabled": True}]}),
        ("com.apple.servicemanagement", {"Rules": [{"RuleType": "TeamIdentifier", "RuleValue": "ABCDE12345"}]}),
        ("com.apple.webcontent-filter", {"FilterType": "Plugin", "PluginBundleID": "com.example.agent",
                                         "FilterSockets": True}),
        ("com.apple.security.firewall", {"EnableFirewall": True}),
        ("com.apple.applicationaccess", {"allowCamera": True}),
        ("com.apple.loginwindow", {"SHOWFULLNAME": True}),
        ("com.apple.dock", {"tilesize": 48}),
        ("com.apple.screensaver", {"askForPassword": True, "askForPasswordDelay": 5, "moduleName": "Flurry"}),
        ("com.apple.SoftwareUpdate", {"AutomaticCheckEnabled": True}),
        ("com.apple.MCX.FileVault2", {"Enable": "On", "Defer": True}),
        ("com.apple.wifi.managed", {"SSID_STR": "Example", "EncryptionType": "WPA2", "AutoJoin": True}),
        ("com.apple.finder", {"ShowHardDrivesOnDesktop": True}),
    ]
    payloads = [_payload(kind, i, **keys) for i, (kind, keys) in enumerate(made, start=1)]
    for i in range(len(payloads) + 1, 21):  # six more PPPC payloads: several of one type
        payloads.append(_payload("com.apple.TCC.configuration-profile-policy", i,
                                 Services={"SystemPolicyAllFiles": [identity]}))
    return payloads


def _profile(path: Path, payloads: list[dict[str, Any]]) -> Path:
    path.write_bytes(plistlib.dumps({"PayloadType": "Configuration", "PayloadIdentifier": "com.example.bench",
                                     "PayloadUUID": "00000000-0000-4000-8000-999999999999", "PayloadVersion": 1,
                                     "PayloadDisplayName": "Bench", "PayloadContent": payloads}))
    return path


def _command(tree: Path, *args: str) -> list[str]:
    return ["env", f"PYTHONPATH={tree}", PYTHON, "-m", "profilegen", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--before", type=Path, help="an earlier source tree to compare with")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        apple = _profile(work / "apple.mobileconfig", apple_payloads())
        office = _profile(work / "office.mobileconfig", [_payload("com.microsoft.Word", 1, UseOnlineContent=2)])
        commands: dict[str, list[str]] = {
            "import typer": ["env", f"PYTHONPATH={REPO}", PYTHON, "-c", "import typer"],
            "validate office": _command(REPO, "validate", str(office)),
            "validate 20 apple": _command(REPO, "validate", str(apple)),
            "build": _command(REPO, "build", "office-volume-license-lockdown", "--out", str(work / "d"), "--force"),
        }
        if options.before:
            commands["before: validate office"] = _command(options.before, "validate", str(office))
            commands["before: build"] = _command(options.before, "build", "office-volume-license-lockdown", "--out",
                                                 str(work / "b"), "--force")
        results = {"wall": interleaved(commands, work, options.rounds),
                   "cpu": interleaved(commands, work, options.rounds, measure=cpu)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for kind, medians in results.items():
        base = medians["import typer"]
        print(f"median {kind} time of {options.rounds} interleaved runs")
        for name, value in medians.items():
            print(f"  {name:26s} {value * 1000:7.1f} ms  {value / base:4.2f}x")
        ratio = medians["validate 20 apple"] / base
        print(f"  validate 20 apple / import typer = {ratio:.2f}x (budget {BUDGET_APPLE}x): "
              f"{'ok' if ratio <= BUDGET_APPLE else 'OVER'}")
        for name in ("validate office", "build"):
            if f"before: {name}" in medians:
                same = medians[name] / medians[f"before: {name}"]
                verdict = "ok" if same <= BUDGET_SAME else "OVER"
                print(f"  {name} / before = {same:.3f} (budget {BUDGET_SAME}): {verdict}")


if __name__ == "__main__":
    main()
