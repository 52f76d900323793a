"""`catalog import-manifests` through typer, on a stand-in for the catalog group."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from profilegen.catalog.user import ENV_VAR
from profilegen.commands import catalog_import
from profilegen.errors import InputError
from tests.samples import MANIFEST_ROOT, MANIFESTS


def make_app() -> typer.Typer:
    app = typer.Typer(add_completion=False)
    catalog_app = typer.Typer()

    @catalog_app.callback(invoke_without_command=True)
    def catalog() -> None:
        """A stand-in for profilegen's `catalog` group."""

    catalog_import.attach(catalog_app)
    app.add_typer(catalog_app, name="catalog")
    return app


def test_import_into_a_catalogue(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        make_app(), ["catalog", "import-manifests", str(MANIFEST_ROOT), "--into", str(tmp_path / "cat")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 5 domains (")
    assert f"from 5 manifests into {tmp_path / 'cat' / 'domains'}" in result.stdout.splitlines()[0]
    assert "Payload* keys are profile metadata, not preferences" in result.stdout
    document = json.loads((tmp_path / "cat" / "domains" / "com.microsoft.Edge.json").read_text())
    assert document["x-imported-from"] == "ProfileManifests"
    assert result.stderr == ""


def test_the_environment_chooses_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    result = CliRunner().invoke(
        make_app(), ["catalog", "import-manifests", str(MANIFESTS / "com.microsoft.Word.plist")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env" / "domains" / "com.microsoft.Word.json").is_file()
    assert "--catalog" in CliRunner().invoke(make_app(), ["catalog", "import-manifests", "--help"]).stdout


def test_skipped_manifests_are_warnings_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "broken.plist").write_text("<plist><dict>", encoding="utf-8")
    (tmp_path / "src" / "ok.plist").write_bytes(
        plistlib.dumps(
            {
                "pfm_domain": "org.example.ok",
                "pfm_title": "OK",
                "pfm_description": "d",
                "pfm_subkeys": [{"pfm_name": "Enabled", "pfm_type": "boolean"}],
            }
        )
    )
    result = CliRunner().invoke(
        make_app(), ["catalog", "import-manifests", str(tmp_path / "src"), "--catalog", str(tmp_path / "cat")]
    )
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"profilegen: warning: {tmp_path / 'src' / 'broken.plist'}: skipped: not a property list"
    )
    assert result.stdout.splitlines()[0].startswith("Imported 1 domain (1 key, 0 nested) from 1 manifest")


def test_nothing_to_import_raises_the_input_error_the_cli_prints(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        make_app(), ["catalog", "import-manifests", str(tmp_path / "nope"), "--into", str(tmp_path / "cat")]
    )
    assert isinstance(result.exception, InputError)
    assert result.exception.exit_code == 3
    assert result.exception.render().startswith(f"{tmp_path / 'nope'} is not a folder")
