"""Hostile names and paths at the output end: nothing written outside --out, long names, symlinks, umask.

Issue 13, defects 1, 8 and 12. Every test feeds the CLI (a real subprocess) and looks at the disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from profilegen.outpath import NAME_MAX, name_problem
from tests.cli import REPO, run_cli
from tests.upload_helpers import mcx_profile

PRESET = REPO / "presets" / "office-telemetry-off.toml"


def tree(root: Path) -> set[str]:
    """Every entry under ``root``, as paths relative to it (folders included)."""
    return {str(path.relative_to(root)) for path in root.rglob("*")}


@pytest.mark.parametrize("style", ["mcx", "custom"])
@pytest.mark.parametrize("domain", ["../../escaped", "a/../../escaped", "sub/escaped", "ABSOLUTE"])
def test_export_intune_plist_writes_nothing_outside_out(tmp_path: Path, domain: str, style: str) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    if domain == "ABSOLUTE":  # `/Library/escaped` on a Mac; a folder of the test here
        domain = str(tmp_path / "Library" / "escaped")
    profile = work / "hostile.mobileconfig"
    profile.write_bytes(mcx_profile({domain: {"Key": 1}, "com.example.fine": {"Key": 2}}, style=style))
    before = tree(tmp_path)
    for force in ([], ["--force"]):
        done = subprocess.run([sys.executable, "-m", "profilegen", "export", "intune-plist", profile.name,
                               "--out", "out", *force], cwd=work, capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        assert done.returncode == 3, done.stderr
        assert tree(tmp_path) == before  # not even com.example.fine.plist: all or nothing
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert done.stderr.startswith(f"profilegen: error: {profile.name}: the preference domain '")
        assert "cannot name an output file in 'out'" in done.stderr
        assert "a domain is a bundle identifier such as com.microsoft.Word" in done.stderr
        assert done.stdout == ""


def test_export_intune_plist_refuses_a_domain_with_a_control_character(tmp_path: Path) -> None:
    profile = tmp_path / "hostile.mobileconfig"
    profile.write_bytes(mcx_profile({"com.example.\u202egpj": {"Key": 1}}))
    done = run_cli("export", "intune-plist", str(profile), "--out", str(tmp_path / "out"))
    assert done.returncode == 3
    assert "'com.example.\\u202egpj' cannot name an output file" in done.stderr
    assert "control or bidirectional character" in done.stderr
    assert "\u202e" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "problem"), [
    ("", "empty"), (".", "names a folder"), ("..", "names a folder"), ("a/b", "path separator"),
    ("/etc/passwd", "path separator"), ("a\\b", "path separator"), ("a\x00b", "control"),
    ("a\nb.sh", "control"), ("a\x1b[2J", "control"), ("a\x9bb", "control"), ("a\u2066b", "bidirectional"),
    ("é" * 128, "256 bytes long"), ("x" * 256, "256 bytes long"),
])
def test_the_guard_refuses_anything_but_a_plain_name(name: str, problem: str) -> None:
    found = name_problem(name)
    assert found is not None and problem in found


@pytest.mark.parametrize("name", ["a", "com.microsoft.Word.plist", "-x", "é" * 127, "x" * NAME_MAX, "a b"])
def test_the_guard_lets_plain_names_through(name: str) -> None:
    assert name_problem(name) is None


def test_a_preset_name_that_cannot_be_a_file_name_is_refused_before_writing(tmp_path: Path) -> None:
    long_name = tmp_path / ("p" * 245 + ".toml")  # the file exists; `<name>.mobileconfig` cannot
    long_name.write_bytes(PRESET.read_bytes())
    done = run_cli("build", str(long_name), "--out", str(tmp_path / "out"))
    assert done.returncode == 3, done.stderr
    assert f"the preset name '{'p' * 245}' cannot name an output file" in done.stderr
    assert "258 bytes long" in done.stderr and "rename the preset file" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_255_byte_output_name_is_written(tmp_path: Path) -> None:
    """The temporary name is short: it does not make a valid name too long (it did, below 255 - 20)."""
    name = "s" * (NAME_MAX - len(".json")) + ".json"
    done = run_cli("export", "jamf-schema", "com.microsoft.Word", "--out", str(tmp_path / name))
    assert done.returncode == 0, done.stderr
    assert os.listdir(tmp_path) == [name]
    stem = "p" * (NAME_MAX - len(".mobileconfig"))  # the longest output name of a build
    preset = tmp_path / "in" / f"{stem}.toml"
    preset.parent.mkdir()
    preset.write_bytes(PRESET.read_bytes())
    done = run_cli("build", str(preset), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp_path / "out")) == [f"{stem}.mobileconfig", f"{stem}.sh", f"{stem}.undo.sh"]


def test_an_output_name_too_long_given_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("export", "jamf-schema", "com.microsoft.Word", "--out", str(tmp_path / ("s" * 256)))
    assert done.returncode == 2
    assert "the file name is 256 bytes long, more than the 255 a file name can have" in done.stderr
    assert os.listdir(tmp_path) == []


def test_a_dangling_symlink_at_an_output_path_counts_as_existing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"  # does not exist: the link dangles
    (out / "office-telemetry-off.sh").symlink_to(victim)
    done = run_cli("build", str(PRESET), "--out", str(out))
    assert done.returncode == 5
    assert f"{out / 'office-telemetry-off.sh'} exists" in done.stderr and "use --force" in done.stderr
    assert os.listdir(out) == ["office-telemetry-off.sh"] and (out / "office-telemetry-off.sh").is_symlink()
    done = run_cli("build", str(PRESET), "--out", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert not (out / "office-telemetry-off.sh").is_symlink()  # replaced, not followed
    assert (out / "office-telemetry-off.sh").read_bytes().startswith(b"#!/bin/")
    assert not victim.exists()


def test_a_symlink_to_identical_bytes_is_replaced_not_reported_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", str(PRESET), "--out", str(out)).returncode == 0
    elsewhere = tmp_path / "elsewhere.sh"
    (out / "office-telemetry-off.sh").rename(elsewhere)
    (out / "office-telemetry-off.sh").symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    done = run_cli("build", str(PRESET), "--out", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert f"wrote {out / 'office-telemetry-off.sh'}" in done.stdout
    assert not (out / "office-telemetry-off.sh").is_symlink()
    assert elsewhere.read_bytes() == before


def test_signing_outputs_are_checked_too(tmp_path: Path) -> None:
    profile = tmp_path / "in.mobileconfig"
    profile.write_bytes(mcx_profile())
    for command in (["unsign", str(profile)], ["sign", str(profile)]):
        done = run_cli(*command, "--out", str(tmp_path / ("x" * 300)))
        assert done.returncode == 2, done.stderr
        assert "300 bytes long" in done.stderr
    assert os.listdir(tmp_path) == ["in.mobileconfig"]


def test_every_output_honours_a_umask_of_077(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PROFILEGEN_CATALOG", None)
    profile = tmp_path / "in" / "office.mobileconfig"
    profile.parent.mkdir()
    profile.write_bytes(mcx_profile())

    def run(*args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "profilegen", *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path, check=False, umask=0o077)
        assert done.returncode == 0, done.stderr

    run("build", str(PRESET), "--out", "build")
    run("build", str(PRESET), "--out", "build", "--force")  # unchanged: same bytes and the umask's modes
    run("export", "intune-plist", str(profile), "--out", "intune")
    run("export", "jamf-schema", "com.microsoft.Word", "--out", "jamf/word.json")
    run("import", str(profile), "--save", "imported.toml")
    modes = {str(path.relative_to(tmp_path)): path.stat().st_mode & 0o777
             for path in tmp_path.rglob("*") if path.is_file() and path.parent.name != "in"}
    assert modes == {
        "build/office-telemetry-off.mobileconfig": 0o600,
        "build/office-telemetry-off.sh": 0o700,
        "build/office-telemetry-off.undo.sh": 0o700,
        "intune/com.microsoft.Word.plist": 0o600,
        "intune/com.microsoft.errorreporting.plist": 0o600,
        "jamf/word.json": 0o600,
        "imported.toml": 0o600,
    }
    again = subprocess.run([sys.executable, "-m", "profilegen", "build", str(PRESET), "--out", "build", "--force"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
                           umask=0o077)
    assert again.stdout.count("unchanged build/") == 3, again.stdout


def test_the_default_umask_gives_the_usual_modes(tmp_path: Path) -> None:
    current = os.umask(0o022)
    os.umask(current)
    done = run_cli("build", str(PRESET), "--out", str(tmp_path))
    assert done.returncode == 0
    assert (tmp_path / "office-telemetry-off.sh").stat().st_mode & 0o777 == 0o777 & ~current
    assert (tmp_path / "office-telemetry-off.mobileconfig").stat().st_mode & 0o777 == 0o666 & ~current
