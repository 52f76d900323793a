"""The typer-free route of `validate`, `show` and `diff` (profilegen/quickpath.py) says what typer's says.

Each command line runs twice in a real process: through the entry point (which takes the quick route for
these) and through typer's command line directly; stdout, stderr and the exit code must be the same bytes.
The quick route's tables must match the typer commands' parameters, and whatever they do not cover must be
left to typer, which writes the usage messages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from profilegen import quickpath
from tests.cli import REPO
from tests.samples import BASIC, WORD, ZERO

BROKEN = REPO / "tests" / "data" / "broken"
CATALOG = REPO / "tests" / "data" / "catalog"

# The entry point, reporting afterwards (in a file, not to stderr) whether typer was imported.
QUICK = ("import atexit, os, sys\n"
         "atexit.register(lambda: open(os.environ['ROUTE_OUT'], 'w').write(str('typer' in sys.modules)))\n"
         "sys.argv[0] = 'profilegen'\n"
         "from profilegen.launch import main\n"
         "main()\n")
TYPER = "import sys\nsys.argv[0] = 'profilegen'\nfrom profilegen.cli import main\nmain()\n"


def _run(script: str, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "ROUTE_OUT": str(cwd / "route.txt"), **env}
    if "PROFILEGEN_CATALOG" not in env:
        environment.pop("PROFILEGEN_CATALOG", None)
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, cwd=cwd, env=environment,
                          timeout=60, check=False)


@pytest.fixture
def work(tmp_path: Path, signed_sample: Path) -> Path:
    """Inputs under short relative names, so that every message names them alike."""
    for source in (BASIC, ZERO, WORD, *sorted(BROKEN.iterdir())):
        shutil.copy(source, tmp_path / source.name)
    shutil.copy(signed_sample, tmp_path / "signed-sample.mobileconfig")
    shutil.copy(REPO / "tests" / "data" / "valid.mobileconfig", tmp_path / "valid.mobileconfig")
    shutil.copy(REPO / "tests" / "data" / "preset-warnings.toml", tmp_path / "preset-warnings.toml")
    shutil.copytree(CATALOG, tmp_path / "catalog")
    return tmp_path


LINES: list[tuple[list[str], dict[str, str]]] = [  # (validate exits 1 on errors, diff 1 on differences)
    (["validate", "valid.mobileconfig"], {}),
    (["validate", "key-type.mobileconfig", "value-allowed.mobileconfig", "plist-grammar.mobileconfig",
      "mcx-shape.mobileconfig", "duplicate-key.mobileconfig", "missing.mobileconfig"], {}),
    (["validate", "--format", "json", "unknown-key.mobileconfig", "deprecated-value.mobileconfig"], {}),
    (["validate", "--strict", "--office-version", "16.28", "catalog-versions.mobileconfig"], {}),
    (["validate", "--office-version=16.17", "--macos-version", "13.0", "--format=json",
      "catalog-versions.mobileconfig"], {}),
    (["validate", "--catalog", "catalog", "unknown-domain.mobileconfig", "preset-warnings.toml"], {}),
    (["validate", "unknown-domain.mobileconfig"], {"PROFILEGEN_CATALOG": "catalog"}),
    (["validate", "--jobs", "2", "key-type.mobileconfig", "duplicate-key.mobileconfig", "missing.mobileconfig"], {}),
    (["validate", "--jobs=1", "--format", "json", "valid.mobileconfig"], {}),
    (["validate", "signed-sample.mobileconfig", "office-basic-diagnostics.mobileconfig"], {}),
    (["show", "office-basic-diagnostics.mobileconfig", "word-telemetry-off.mobileconfig"], {}),
    (["show", "--format", "json", "signed-sample.mobileconfig"], {}),
    (["show", "--format=text", "mcx-shape.mobileconfig"], {}),
    (["show", "plist-grammar.mobileconfig"], {}),
    (["show", "missing.mobileconfig"], {}),
    (["diff", "office-basic-diagnostics.mobileconfig", "office-zero-diagnostics.mobileconfig"], {}),
    (["diff", "office-basic-diagnostics.mobileconfig", "office-basic-diagnostics.mobileconfig"], {}),
    (["diff", "--format", "json", "signed-sample.mobileconfig", "word-telemetry-off.mobileconfig"], {}),
    (["diff", "office-basic-diagnostics.mobileconfig", "missing.mobileconfig"], {}),
    (["diff", "office-telemetry-off", "office-zero-diagnostics.mobileconfig", "--catalog", "catalog"], {}),
]


@pytest.mark.parametrize(("args", "env"), LINES, ids=lambda value: " ".join(value) if isinstance(value, list) else "")
def test_both_routes_write_the_same_bytes_and_exit_alike(work: Path, args: list[str], env: dict[str, str]) -> None:
    quick = _run(QUICK, args, work, env)
    assert (work / "route.txt").read_text() == "False", "the quick route imported typer"
    typer_route = _run(TYPER, args, work, env)
    assert quick.stdout == typer_route.stdout
    assert quick.stderr == typer_route.stderr
    assert quick.returncode == typer_route.returncode
    assert quick.returncode in (0, 1, 2, 3)
    assert quick.stdout or quick.stderr or (args[0] == "diff" and args[1] == args[2] and quick.returncode == 0)


@pytest.mark.parametrize("args", [
    ["validate"], ["validate", "--help"], ["validate", "-h", "a.mobileconfig"], ["show", "--version", "a"],
    ["validate", "--format", "yaml", "a"], ["validate", "--bogus", "a"], ["validate", "a", "--catalog"],
    ["validate", "--catalog=", "a"], ["validate", "--strict", "--strict", "a"], ["validate", "--", "a"],
    ["validate", "--strict=yes", "a"], ["validate", "--office-version", "--strict", "a"], ["validate", "-", "a"],
    ["validate", ""], ["diff", "a"], ["diff", "a", "b", "c"], ["show", "--format", "table", "--format", "json", "a"],
    ["show", "--office-version", "16.28", "a"], ["import", "a", "--save", "b.toml"], ["build", "x"], [],
    ["--help"], ["validat", "a"], ["validate", "--jobs", "0", "a"], ["validate", "--jobs", "+2", "a"],
    ["validate", "--jobs", "65", "a"],
    ["validate", "--jobs", "\u0662", "a"], ["validate", "--jobs=", "a"], ["show", "--jobs", "2", "a"],
])
def test_every_other_command_line_is_left_to_typer(args: list[str]) -> None:
    assert quickpath.parse(args) is None


def test_left_to_typer_a_usage_error_is_clicks(work: Path) -> None:
    done = _run(QUICK, ["validate", "--format", "yaml", "valid.mobileconfig"], work, {})
    assert done.returncode == 2
    assert b"Invalid value for '--format'" in done.stderr
    assert (work / "route.txt").read_text() == "True"


def test_an_unreadable_file_is_left_to_click_which_refuses_it(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(work / "valid.mobileconfig")
    assert quickpath.parse(["validate", path]) is not None
    readable = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: p != path and readable(p, mode))  # (root reads all)
    assert quickpath.parse(["validate", path]) is None
    assert quickpath.parse(["validate", "--catalog", path, "missing.mobileconfig"]) is None
    assert quickpath.parse(["diff", path, "b"]) is not None  # diff's A and B are names or paths: click checks none


def test_shell_completion_and_other_encodings_are_left_to_typer(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert quickpath.parse(["validate", "valid.mobileconfig"]) is not None
    monkeypatch.setenv("_PROFILEGEN_COMPLETE", "bash_complete")
    assert quickpath.parse(["validate", "valid.mobileconfig"]) is None
    monkeypatch.delenv("_PROFILEGEN_COMPLETE")
    with monkeypatch.context() as windows:
        windows.setattr(os, "name", "nt")  # click expands wildcards there
        assert quickpath.parse(["validate", "valid.mobileconfig"]) is None
    done = _run(QUICK, ["validate", "valid.mobileconfig"], work, {"PYTHONIOENCODING": "latin-1"})
    assert (work / "route.txt").read_text() == "True"
    assert done.returncode == 0


def test_the_tables_are_the_typer_commands_parameters() -> None:
    """A new option of validate, show or diff must reach the quick route too (or this fails). (typer carries
    its own click: its parameters are told apart by their documented names, not by class.)"""
    import typer.main

    from profilegen.cli import app
    from profilegen.commands import register_all

    register_all(app)
    group = typer.main.get_command(app)
    for name, spec in quickpath.SPECS.items():
        command = group.commands[name]  # type: ignore[attr-defined]
        options = [p for p in command.params if p.param_type_name == "option"]
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        assert len(options) + len(arguments) == len(command.params), name
        assert sorted(spec.flags) == sorted(o.opts[0] for o in options if o.is_flag), name
        assert sorted(spec.valued) == sorted(o.opts[0] for o in options if not o.is_flag), name
        assert all(len(o.opts) == 1 and not o.secondary_opts for o in options), name  # no aliases to parse
        form = next(o for o in options if o.opts[0] == "--format")
        assert form.type.name == "choice"
        assert spec.formats == tuple(str(c) for c in form.type.choices), name
        assert str(getattr(form.default, "value", form.default)) == spec.formats[0], name  # the default first
        catalog = next(o for o in options if o.opts[0] == "--catalog")
        assert catalog.envvar == quickpath.CATALOG_ENV
        assert catalog.type.name == "path"
        counts = [a.nargs for a in arguments]
        fewest = sum(max(n, 1) for n in counts)
        assert (spec.fewest, spec.most) == (fewest, None if -1 in counts else fewest), name
        assert all(a.required for a in arguments), name
        assert spec.paths == all(a.type.name == "path" for a in arguments), name
