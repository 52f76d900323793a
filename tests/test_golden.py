"""Golden files: the exact bytes each shipped preset builds to. A change to them must be deliberate:
regenerate with `PROFILEGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import run_cli

GOLDEN = Path(__file__).parent / "golden"
SHIPPED = ["office-volume-license-lockdown", "office-telemetry-off", "office-manual-updates", "office-privacy-zero",
           "office-telemetry-off-current", "office-volume-license-lockdown-current"]


@pytest.mark.parametrize("preset", SHIPPED)
def test_shipped_preset_builds_to_its_golden_files(preset: str, tmp_path: Path) -> None:
    done = run_cli("build", preset, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    built = {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())}
    assert sorted(built) == [f"{preset}.mobileconfig", f"{preset}.sh", f"{preset}.undo.sh"]
    if os.environ.get("PROFILEGEN_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for name, data in built.items():
            (GOLDEN / name).write_bytes(data)
    for name, data in built.items():
        golden = GOLDEN / name
        assert golden.exists(), f"no golden file {golden}: run with PROFILEGEN_UPDATE_GOLDEN=1"
        assert data == golden.read_bytes(), f"{name} differs from {golden}"
