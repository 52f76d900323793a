"""`profilegen --help` and `profilegen build` stay light: none of the heavy libraries is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import REPO

HEAVY = ("questionary", "prompt_toolkit", "lxml", "cryptography", "asn1crypto", "httpx", "httpcore",
         "jsonschema", "pydantic", "rich", "platformdirs", "yaml")

# At exit, as the process ends (the read commands leave by os._exit, after atexit's handlers: launch.leave).
PROBE = """
import atexit, json, runpy, sys
sys.argv = ["profilegen", *json.loads(sys.argv[1])]
atexit.register(lambda: print(json.dumps({"modules": sorted(sys.modules)}), file=sys.stderr))
runpy.run_module("profilegen", run_name="__main__")
"""


def imported(args: list[str], cwd: Path, *, full: bool = False) -> tuple[int, set[str]]:
    """The exit code and the modules a run imported: top-level packages, or every module when ``full``."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PROFILEGEN_CATALOG", None)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.returncode, set(report["modules"]) if full else {m.split(".")[0] for m in report["modules"]}


@pytest.mark.parametrize("args", [["--help"], ["build", "office-volume-license-lockdown", "--out", "dist"],
                                  ["build", "--help"]])
def test_start_up_path_imports_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    code, modules = imported(args, tmp_path)
    assert code == 0
    assert sorted(modules & set(HEAVY)) == []
    # a shipped preset is made of choices, whose values the catalogue's tests check: no validator needed
    assert "jsonschema_rs" not in modules
    # standard modules the build path does without, for their start-up cost (profilegen/render/plist_xml.py,
    # script.quote, plisttypes.base64_text, profilegen/record.py)
    assert sorted(modules & {"plistlib", "xml", "shlex", "base64", "dataclasses"}) == []


def test_raw_settings_are_checked_by_the_validator_only_when_in_doubt(tmp_path: Path) -> None:
    """A value that surely meets a type/enum/range schema is checked in Python; a wrong one goes to the
    conforming validator, which writes the message (profilegen/validation.py)."""
    preset = tmp_path / "raw.toml"
    preset.write_text('format = 1\n[profile]\nidentifier = "com.example.raw"\n'
                      '[settings."com.microsoft.autoupdate2"]\nChannelName = "Preview"\n')
    code, modules = imported(["build", str(preset), "--out", "dist"], tmp_path)
    assert code == 0
    assert "jsonschema_rs" not in modules
    preset.write_text(preset.read_text().replace('"Preview"', '"Nightly"'))
    code, modules = imported(["build", str(preset), "--out", "dist2"], tmp_path)
    assert code not in (0, None)
    assert "jsonschema_rs" in modules
    assert not (tmp_path / "dist2").exists()


# What reading an unsigned profile of preference settings, in a domain no catalogue knows, does without
# (issue 18: a cold read is mostly start-up): signatures, presets, the validator, version rules, Apple
# payload resolution, dataclasses (whose definitions compile code), the careful XML reader, and typer with
# its click (the usual command lines of the read commands take profilegen/quickpath.py).
NOT_FOR_PLAIN_READS = {"typer", "click", "profilegen.inspect.cms", "profilegen.inspect.presetlint",
                       "profilegen.validation",
                       "profilegen.versions", "profilegen.payload_resolve", "profilegen.preset_payloads",
                       "dataclasses", "lxml", "jsonschema_rs", "cryptography", "asn1crypto"}


@pytest.mark.parametrize("command", ["validate", "show", "diff"])
def test_reading_a_plain_profile_imports_only_what_it_needs(tmp_path: Path, command: str) -> None:
    import plistlib

    def profile(value: int) -> dict[str, object]:
        settings = {f"Key{i}": value + i for i in range(20)}
        return {"PayloadContent": [{"PayloadContent": {"com.example.unknown": {"Forced": [
                    {"mcx_preference_settings": settings}]}},
                "PayloadIdentifier": "com.example.p.payload", "PayloadType": "com.apple.ManagedClient.preferences",
                "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1}],
                "PayloadDisplayName": "Plain", "PayloadIdentifier": "com.example.p", "PayloadType": "Configuration",
                "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1}

    (tmp_path / "a.mobileconfig").write_bytes(plistlib.dumps(profile(0)))
    (tmp_path / "b.mobileconfig").write_bytes(plistlib.dumps(profile(1)))
    (tmp_path / "catalog" / "domains").mkdir(parents=True)
    files = ["a.mobileconfig", "b.mobileconfig"] if command == "diff" else ["a.mobileconfig"]
    code, modules = imported([command, "--catalog", "catalog", *files], tmp_path, full=True)
    assert code == (1 if command == "diff" else 0)  # diff: the two differ; validate: an info finding only
    assert "profilegen.inspect.read" in modules  # the probe saw the read path
    assert sorted(modules & NOT_FOR_PLAIN_READS) == []
    assert sorted(m for m in modules if m.split(".")[0] in NOT_FOR_PLAIN_READS) == []


LAUNCH_PROBE = """
import gc, json, sys
import profilegen.cli
seen = {}
def command_line():
    seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())
    raise SystemExit(3)
profilegen.cli.main = command_line
from profilegen.launch import main
try:
    main()
except SystemExit as exit:
    seen["code"] = exit.code
seen["frozen_after"] = gc.get_freeze_count()
print(json.dumps(seen))
"""


def test_the_entry_point_freezes_start_up_objects_and_collects_during_the_command(tmp_path: Path) -> None:
    """profilegen/launch.py: start-up's objects are frozen (no collection walks them again), the command
    runs with the collector on, its exit code passes through, and what it made is frozen before exit."""
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"profilegen": "profilegen.launch:main"}
    assert "profilegen.launch import main" in (REPO / "profilegen" / "__main__.py").read_text()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", LAUNCH_PROBE], capture_output=True, text=True, cwd=tmp_path,
                          env=env, check=True)
    seen = json.loads(done.stdout)
    assert seen["enabled"] is True
    assert seen["code"] == 3
    assert seen["frozen"] > 10_000  # typer, click and our modules
    assert seen["frozen_after"] >= seen["frozen"]


# Reading a signed profile needs asn1crypto (its CMS) and cryptography's rsa and ec keys, not cryptography's
# X.509 or key serialisation modules (profilegen/signing/carried.py), nor the signer's identity.
# Nor dataclasses (defining one compiles code: profilegen/record.py).
NOT_FOR_SIGNED_READS = ("cryptography.x509", "cryptography.hazmat.primitives.serialization",
                        "profilegen.signing.identity", "profilegen.signing.certs", "profilegen.signing.sign",
                        "dataclasses")


@pytest.mark.parametrize("command", ["validate", "show", "diff"])
def test_reading_a_signed_profile_imports_no_x509_module(tmp_path: Path, command: str) -> None:
    from tests.fuzz_readers import sign
    from tests.signing_pki import SAMPLE_PROFILE

    (tmp_path / "a.mobileconfig").write_bytes(sign(SAMPLE_PROFILE))
    (tmp_path / "b.mobileconfig").write_bytes(sign(SAMPLE_PROFILE.replace(b"Office", b"Word")))
    files = ["a.mobileconfig", "b.mobileconfig"] if command == "diff" else ["a.mobileconfig"]
    code, modules = imported([command, *files], tmp_path, full=True)
    assert code == (1 if command == "diff" else 0)  # diff: the display names differ
    assert "asn1crypto.cms" in modules and "cryptography.hazmat.primitives.asymmetric.rsa" in modules  # it verified
    assert sorted(m for m in modules if m.startswith(NOT_FOR_SIGNED_READS)) == []
