"""Running the real command line in a subprocess, as an admin or a CI job would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            input_text: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    environment.pop("PROFILEGEN_CATALOG", None) if env is None or "PROFILEGEN_CATALOG" not in env else None
    return subprocess.run([sys.executable, "-m", "profilegen", *args], capture_output=True, text=True,
                          cwd=cwd, env=environment, input=input_text, timeout=timeout, check=False)
