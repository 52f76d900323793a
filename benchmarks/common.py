"""Timing helpers: medians of interleaved runs, so that machine noise hits every contender alike."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def environment() -> dict[str, str]:
    """The source tree first on the path; bytecode caching on, as in an installed wheel (pip compiles it)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PROFILEGEN_CATALOG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def wall(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved(commands: Mapping[str, Sequence[str]], cwd: Path, rounds: int,
                env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall time of each command, the commands run in turn, ``rounds`` times."""
    env = env or environment()
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache once
        wall(command, cwd, env)
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(wall(command, cwd, env))
    return {name: statistics.median(values) for name, values in times.items()}


PYTHON = sys.executable
