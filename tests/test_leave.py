"""The read commands leave without the interpreter's teardown (profilegen/launch.py): output still whole,
atexit's handlers still run, and a reader that has gone is told as before, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.conftest import REPO
from tests.samples import BASIC

BROKEN = REPO / "tests" / "data" / "broken"


def _environment() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    environment.pop("PROFILEGEN_CATALOG", None)
    return environment


@pytest.mark.parametrize(("args", "code"), [
    (["validate", str(BROKEN / "duplicate-key.mobileconfig")], 1),
    (["show", "--format", "json", str(BASIC)], 1),
    (["diff", str(BASIC), str(BROKEN / "duplicate-key.mobileconfig")], 1),
    (["show", str(BASIC)], 0),  # show's table: the reader has what it wanted (`show | head`)
])
def test_a_reader_gone_before_the_last_flush_gets_the_commands_code_and_no_traceback(
        tmp_path: Path, args: list[str], code: int) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # gone before a byte is written: every write fails (echo flushes each line)
    try:
        run = subprocess.run([sys.executable, "-m", "profilegen", *args], stdout=writer, stderr=subprocess.PIPE,
                             cwd=tmp_path, env=_environment(), timeout=60, check=False)
    finally:
        os.close(writer)
    assert run.returncode == code
    assert b"Traceback" not in run.stderr and b"Exception ignored" not in run.stderr


def test_output_to_a_file_is_whole_and_atexit_handlers_run(tmp_path: Path) -> None:
    marker = tmp_path / "atexit.txt"
    probe = ("import atexit, pathlib, sys\n"
             f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('ran'))\n"
             "sys.argv = ['profilegen', *sys.argv[1:]]\n"
             "from profilegen.launch import main\n"
             "main()\n")
    out = tmp_path / "out.txt"
    with out.open("wb") as stdout:
        run = subprocess.run([sys.executable, "-c", probe, "show", "--format", "text", str(BASIC)], stdout=stdout,
                             stderr=subprocess.PIPE, env=_environment(), timeout=60, check=False)
    assert (run.returncode, run.stderr) == (0, b"")
    piped = run_cli("show", "--format", "text", str(BASIC))
    assert out.read_text(encoding="utf-8") == piped.stdout
    assert piped.stdout.endswith("\n") and "com.microsoft.office DiagnosticDataTypePreference" in piped.stdout
    assert marker.read_text() == "ran"
