"""`.GlobalPreferences`, Apple's global domain, builds like any other preference domain."""

from __future__ import annotations

import plistlib
from pathlib import Path

from tests.cli import run_cli

PRESET = """\
format = 1
[profile]
identifier = "com.example.global"
display_name = "Global"
[settings.".GlobalPreferences"]
AppleShowScrollBars = "Always"
"""


def test_global_preferences_builds_profile_and_script(tmp_path: Path) -> None:
    (tmp_path / "gp.toml").write_text(PRESET)
    done = run_cli("build", "gp.toml", "--out", "dist", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    profile = plistlib.loads((tmp_path / "dist" / "gp.mobileconfig").read_bytes())
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadContent"][".GlobalPreferences"]["Forced"][0]["mcx_preference_settings"] == {
        "AppleShowScrollBars": "Always"}
    assert payload["PayloadIdentifier"] == "com.example.global.GlobalPreferences"  # no empty component
    script = (tmp_path / "dist" / "gp.sh").read_text()
    assert "prefs write -g AppleShowScrollBars -string Always" in script  # `defaults` names it -g
    assert "prefs delete -g AppleShowScrollBars" in (tmp_path / "dist" / "gp.undo.sh").read_text()


def test_other_leading_dot_names_are_still_refused(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text(PRESET.replace(".GlobalPreferences", ".Hidden"))
    done = run_cli("build", "x.toml", "--out", "dist", cwd=tmp_path)
    assert done.returncode != 0 and "'.Hidden' is not a preference domain" in done.stderr
