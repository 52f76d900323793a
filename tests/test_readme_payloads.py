"""The README's payload examples (PPPC, system extension, login items, notifications) build as shown."""

from __future__ import annotations

import plistlib
import re
from pathlib import Path

import pytest

from tests.cli import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLES = dict(re.findall(r"<!-- example: ([a-z-]+) -->\n```toml\n(.*?)```", README, flags=re.S))
TYPES = {"pppc": "com.apple.TCC.configuration-profile-policy", "system-extension": "com.apple.system-extension-policy",
         "login-items": "com.apple.servicemanagement", "notifications": "com.apple.notificationsettings"}


def test_the_readme_has_one_example_per_kind() -> None:
    assert sorted(EXAMPLES) == sorted(TYPES)


@pytest.mark.parametrize("kind", list(TYPES))
def test_example_builds_and_validates(kind: str, tmp_path: Path) -> None:
    preset = tmp_path / f"{kind}.toml"
    preset.write_text(EXAMPLES[kind], encoding="utf-8")
    done = run_cli("build", str(preset), "--out", str(tmp_path / "dist"), "--strict")
    assert done.returncode == 0, done.stderr
    built = tmp_path / "dist" / f"{kind}.mobileconfig"
    assert [p["PayloadType"] for p in plistlib.loads(built.read_bytes())["PayloadContent"]] == [TYPES[kind]]
    checked = run_cli("validate", str(built))
    assert checked.returncode == 0 and "0 error(s), 0 warning(s)" in checked.stderr, checked.stdout
