"""Where the user catalogue lives: --catalog, then $PROFILEGEN_CATALOG, then the user data folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from profilegen.catalog.user import ENV_VAR, user_catalog_dir, user_catalog_dirs
from tests.conftest import REPO


def test_the_command_line_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert user_catalog_dir(tmp_path / "cli") == tmp_path / "cli"
    assert user_catalog_dir(None) == tmp_path / "env"


def test_the_default_is_the_platform_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # platformdirs' Linux rule
    monkeypatch.setattr(sys, "platform", "linux")
    assert user_catalog_dir(None) == tmp_path / "data" / "profilegen" / "catalog"


def test_catalogue_folders_to_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert user_catalog_dirs(None) == [tmp_path / "env"]
    assert user_catalog_dirs(tmp_path / "cli") == [tmp_path / "cli"]

    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert user_catalog_dirs(None) == []  # the default folder counts once an import created it
    (tmp_path / "data" / "profilegen" / "catalog" / "domains").mkdir(parents=True)
    assert user_catalog_dirs(None) == [tmp_path / "data" / "profilegen" / "catalog"]


def test_platformdirs_and_the_importer_are_imported_lazily() -> None:
    lazy = ("platformdirs", "profilegen.catalog.manifests", "jsonschema")
    code = (
        "import sys, profilegen.catalog.user, profilegen.commands.catalog_import; "
        f"print(sorted(m for m in sys.modules if m.startswith({lazy!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
