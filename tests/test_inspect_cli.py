"""The show / validate / diff / import commands as users run them: exit codes, output, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.cli import run_cli
from tests.conftest import REPO
from tests.inspect_app import make_app
from tests.samples import BASIC

DATA = REPO / "tests" / "data"
BROKEN = DATA / "broken"
CATALOG = str(DATA / "catalog")
runner = CliRunner(env={"PROFILEGEN_CATALOG": None})
app = make_app()


def profilegen(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def test_validate_text_output_and_exit_code() -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            "--catalog",
            CATALOG,
            str(BROKEN / "duplicate-key.mobileconfig"),
            str(DATA / "valid.mobileconfig"),
        ],
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{BROKEN / 'duplicate-key.mobileconfig'}:19: error: key 'Enabled' appears twice in this <dict> "
        "(first on line 17); plistlib and macOS silently keep the last value [duplicate-key]"
    )
    assert "2 file(s): 1 error(s)" in result.stderr


def test_validate_json_output() -> None:
    result = runner.invoke(
        app, ["validate", "--catalog", CATALOG, "--format", "json", str(BROKEN / "scope-value.mobileconfig")]
    )
    assert result.exit_code == 0  # a warning only
    (item,) = json.loads(result.stdout)["findings"]
    assert item == {
        "severity": "warning",
        "rule": "scope-value",
        "file": str(BROKEN / "scope-value.mobileconfig"),
        "line": 39,
        "message": "PayloadScope 'system' is neither 'System' nor 'User'",
        "fix": "write 'System' (case matters)",
    }


def test_validate_strict_fails_on_warnings() -> None:
    path = str(BROKEN / "scope-value.mobileconfig")
    assert runner.invoke(app, ["validate", "--catalog", CATALOG, path]).exit_code == 0
    assert runner.invoke(app, ["validate", "--catalog", CATALOG, "--strict", path]).exit_code == 1


def test_validate_with_a_catalogue_and_office_version() -> None:
    path = str(BROKEN / "catalog-versions.mobileconfig")
    result = runner.invoke(app, ["validate", "--catalog", CATALOG, "--office-version", "16.30", path])
    assert result.exit_code == 0
    assert f"{path}:19: warning: com.example.app:OldKey last works in Office for Mac 16.27" in result.stdout
    assert "fix: use com.example.app:Enabled instead" in result.stdout


def test_validate_presets_and_profiles_together() -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            "--catalog",
            CATALOG,
            str(BROKEN / "preset-invalid.toml"),
            str(DATA / "valid.mobileconfig"),
        ],
    )
    assert result.exit_code == 1
    assert f"{BROKEN / 'preset-invalid.toml'}:9: error: com.example.app:Interval = 500" in result.stdout


def test_show_missing_file_is_an_input_error() -> None:
    run = profilegen("show", "missing.mobileconfig")
    assert (run.returncode, run.stdout) == (3, "")
    assert run.stderr == "profilegen: error: missing.mobileconfig: no such file\n"


def test_show_of_a_broken_profile_points_at_validate() -> None:
    run = profilegen("show", str(BROKEN / "plist-grammar.mobileconfig"))
    assert run.returncode == 3
    assert "line 18: <integer>12x</integer> is not a valid integer (run `profilegen validate`" in run.stderr


def test_diff_exit_codes(tmp_path: Path) -> None:
    assert profilegen("diff", str(BASIC), str(BASIC)).returncode == 0
    changed = tmp_path / "changed.mobileconfig"
    changed.write_bytes(BASIC.read_bytes().replace(b"BasicDiagnosticData", b"FullDiagnosticData"))
    run = profilegen("diff", str(BASIC), str(changed))
    assert run.returncode == 1
    assert run.stdout == (
        '~ com.microsoft.office: DiagnosticDataTypePreference: "BasicDiagnosticData" -> "FullDiagnosticData"\n'
    )
    trouble = profilegen("diff", str(BASIC), str(tmp_path / "missing.mobileconfig"))
    assert trouble.returncode == 2
    assert "missing.mobileconfig: no such file" in trouble.stderr
    bad_preset = profilegen("diff", "--catalog", CATALOG, str(BASIC), str(BROKEN / "preset-invalid.toml"))
    assert bad_preset.returncode == 2
    assert "com.example.app:Interval = 500" in bad_preset.stderr


def test_diff_is_blind_to_form_order_and_uuids(tmp_path: Path) -> None:
    import plistlib

    profile = plistlib.loads(BASIC.read_bytes())
    profile["PayloadUUID"] = "11111111-2222-4333-8444-555555555555"
    profile["PayloadContent"][0]["PayloadUUID"] = "66666666-2222-4333-8444-555555555555"
    binary = tmp_path / "binary.mobileconfig"
    binary.write_bytes(plistlib.dumps(profile, fmt=plistlib.FMT_BINARY, sort_keys=False))
    reordered = tmp_path / "reordered.mobileconfig"
    reordered.write_bytes(plistlib.dumps(dict(reversed(list(profile.items()))), sort_keys=False))
    assert runner.invoke(app, ["diff", str(BASIC), str(binary)]).exit_code == 0
    assert runner.invoke(app, ["diff", str(reordered), str(binary)]).exit_code == 0


def test_diff_lists_changes_by_domain_then_key_whatever_the_documents_order(tmp_path: Path) -> None:
    import plistlib

    def profile(zeta: dict[str, object], alpha: dict[str, object]) -> bytes:
        payloads = [
            {"PayloadType": "com.example.zeta", "PayloadIdentifier": "z", "PayloadUUID": "Z", "PayloadVersion": 1,
             **zeta},
            {"PayloadType": "com.apple.ManagedClient.preferences", "PayloadIdentifier": "a", "PayloadUUID": "A",
             "PayloadVersion": 1,
             "PayloadContent": {"com.example.alpha": {"Forced": [{"mcx_preference_settings": alpha}]}}},
        ]
        return plistlib.dumps({"PayloadContent": payloads, "PayloadIdentifier": "p", "PayloadType": "Configuration",
                               "PayloadUUID": "P", "PayloadVersion": 1}, sort_keys=False)

    old, new = tmp_path / "old.mobileconfig", tmp_path / "new.mobileconfig"
    old.write_bytes(profile({"Same": 1, "Mid": "x", "Gone": True}, {"Tail": 1, "Kept": [1], "Head": 2}))
    new.write_bytes(profile({"Zed": 0, "Mid": "y", "Same": 1, "Added": 3},
                            {"Head": 2, "Kept": [1, 2], "Tail": 1.0, "Early": "e"}))
    run = profilegen("diff", str(old), str(new))
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        '+ com.example.alpha: Early = "e"',
        "+ com.example.alpha: Kept[1] = 2",
        "~ com.example.alpha: Tail: 1 -> 1.0",
        "+ com.example.zeta: Added = 3",
        "- com.example.zeta: Gone = true",
        '~ com.example.zeta: Mid: "x" -> "y"',
        "+ com.example.zeta: Zed = 0",
    ]


def test_diff_a_preset_against_its_build(tmp_path: Path) -> None:
    preset = tmp_path / "p.toml"
    preset.write_text(
        'format = 1\n[profile]\ndisplay_name = "P"\nidentifier = "com.example.p"\n'
        '[settings."com.example.app"]\nEnabled = true\n'
    )
    out = tmp_path / "dist"
    build = runner.invoke(app, ["build", "--catalog", CATALOG, "--out", str(out), str(preset)])
    assert build.exit_code == 0, build.output
    built = out / "p.mobileconfig"
    assert runner.invoke(app, ["diff", "--catalog", CATALOG, str(preset), str(built)]).exit_code == 0
    preset.write_text(preset.read_text().replace("Enabled = true", "Enabled = false"))
    result = runner.invoke(app, ["diff", "--catalog", CATALOG, str(built), str(preset)])
    assert result.exit_code == 1
    assert result.stdout == "~ com.example.app: Enabled: true -> false\n"


def test_import_writes_a_preset_that_builds(tmp_path: Path) -> None:
    saved = tmp_path / "valid.toml"
    result = runner.invoke(
        app, ["import", "--catalog", CATALOG, str(DATA / "valid.mobileconfig"), "--save", str(saved)]
    )
    assert result.exit_code == 0, result.output
    # A user catalogue adds domains, not choices: Enabled stays a raw setting here.
    assert result.stdout == f"wrote {saved}: 0 choice(s), 1 raw setting(s), style mcx\n"
    assert saved.read_text() == (
        'format = 1\n\n[profile]\ndisplay_name = "Test"\nidentifier = "com.example.test"\nscope = "System"\n'
        'removal_disallowed = false\npayload_style = "mcx"\nuuid = "0A1B2C3D-0000-4000-8000-000000000000"\n\n'
        '[profile.payloads."com.example.app"]\nidentifier = "com.example.test.app"\n'
        'uuid = "0A1B2C3D-0000-4000-8000-000000000001"\n\n[settings."com.example.app"]\nEnabled = true\n'
    )
    assert (
        runner.invoke(app, ["diff", "--catalog", CATALOG, str(DATA / "valid.mobileconfig"), str(saved)]).exit_code == 0
    )


def test_import_refuses_a_save_path_that_is_not_toml(tmp_path: Path) -> None:
    run = profilegen("import", str(BASIC), "--save", str(tmp_path / "x.json"))
    assert run.returncode == 2 and "a preset file ends in .toml" in run.stderr
    assert not (tmp_path / "x.json").exists()


def test_show_text_is_a_git_textconv(tmp_path: Path) -> None:
    """`git diff` with the textconv from the README shows settings, not XML."""
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("config", "diff.mobileconfig.textconv", f"{sys.executable} -m profilegen show --format text")
    (repo / ".gitattributes").write_text("*.mobileconfig diff=mobileconfig\n")
    target = repo / "basic.mobileconfig"
    target.write_bytes(BASIC.read_bytes())
    git("add", ".")
    git("commit", "-qm", "one")
    target.write_bytes(BASIC.read_bytes().replace(b"BasicDiagnosticData", b"ZeroDiagnosticData"))
    out = subprocess.run(
        ["git", "-C", str(repo), "diff"],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    ).stdout
    changed = [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        '-com.microsoft.office DiagnosticDataTypePreference = "BasicDiagnosticData"',
        '+com.microsoft.office DiagnosticDataTypePreference = "ZeroDiagnosticData"',
    ]


def test_help_does_not_load_lxml_or_asn1crypto() -> None:
    code = (
        "import sys, runpy; sys.argv = ['profilegen', '--help']\n"
        "try:\n    runpy.run_module('profilegen', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('lxml', 'asn1crypto', 'profilegen.inspect') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, cwd=REPO
    )
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_pre_commit_hook_matches_profiles_and_presets_only() -> None:
    import re

    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "- id: profilegen-validate\n" in text
    assert "  entry: profilegen validate\n" in text
    assert "  require_serial: true\n" in text  # validate fans out over the CPUs itself (--jobs)
    (pattern,) = re.findall(r"^  files: (.+)$", text, flags=re.MULTILINE)
    files = re.compile(pattern)
    for name in ("a.mobileconfig", "profiles/Office.mobileconfig", "presets/office.toml", "it/presets/x.toml"):
        assert files.search(name), name
    for name in ("pyproject.toml", "config/app.toml", "presets/sub/x.toml", "a.mobileconfig.bak"):
        assert not files.search(name), name
