"""questionary is imported by the wizard only once a terminal is known: not for `wizard --help`, not for a refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import REPO
from tests.test_startup import HEAVY, PROBE


def imported_without_terminal(args: list[str], cwd: Path) -> tuple[int, set[str], str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PROFILEGEN_CATALOG", None)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, env=env, check=False, timeout=30)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.returncode, {m.split(".")[0] for m in report["modules"]}, done.stdout + done.stderr


@pytest.mark.parametrize(("args", "code"), [(["wizard", "--help"], 0), (["wizard"], 2),
                                            (["wizard", "--from", "office-telemetry-off"], 2)])
def test_wizard_help_and_refusal_import_nothing_heavy(tmp_path: Path, args: list[str], code: int) -> None:
    exit_code, modules, output = imported_without_terminal(args, tmp_path)
    assert exit_code == code
    assert sorted(modules & set(HEAVY)) == []
    assert ("--from PRESET" in output) if "--help" in args else ("needs a terminal" in output)
