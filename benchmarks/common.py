"""Timing helpers: medians of interleaved runs, so that machine noise hits every contender alike."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
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


def cpu(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """User + system CPU seconds of the command: steadier than wall time on a shared machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(commands: Mapping[str, Sequence[str]], cwd: Path, rounds: int,
                env: dict[str, str] | None = None, *, measure: Callable[..., float] = wall,
                prepare: Mapping[str, Callable[[], None]] | None = None) -> dict[str, float]:
    """Median time (wall, or ``measure=cpu``) of each command, the commands run in turn, ``rounds`` times.

    ``prepare[name]``, when given, runs untimed before every run of that command (to clear its outputs, say).
    """
    env = env or environment()
    prepare = prepare or {}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm the file cache (and write the bytecode cache) once
        if name in prepare:
            prepare[name]()
        wall(command, cwd, env)
    for _ in range(rounds):
        for name, command in commands.items():
            if name in prepare:
                prepare[name]()
            times[name].append(measure(command, cwd, env))
    return {name: statistics.median(values) for name, values in times.items()}


PYTHON = sys.executable


def corpus(what: str) -> Path | None:
    """The real corpus a bench needs (``PROFILEGEN_CORPUS``), or None with a line saying where to point it.

    A bench never fakes a corpus by copying a few files over and over: the numbers would describe the copies.
    """
    value = os.environ.get("PROFILEGEN_CORPUS")
    if value and Path(value).is_dir():
        return Path(value)
    print(f"skipped: {what} needs a real corpus; set PROFILEGEN_CORPUS to its folder")
    return None


# Peak memory must come from a small parent: on Linux a child's ru_maxrss starts at its parent's resident
# size when forked (the bench process holds tens of MiB), so a tiny runner spawns the command and reports.
_RUNNER = """import os, sys, time
null = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""


def run_child(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident memory (MiB, the child's own ``ru_maxrss``) and CPU seconds (user +
    system: steadier than wall time on a shared machine) of one cold process."""
    report = subprocess.run([PYTHON, "-c", _RUNNER, *command], cwd=cwd, env=env, check=True,
                            capture_output=True, text=True).stdout.split()
    elapsed, peak, code, used = float(report[0]), int(report[1]), int(report[2]), float(report[3])
    if code not in (0, 1):  # 1: validate found errors, diff found differences
        raise subprocess.CalledProcessError(code, list(command))
    return elapsed, peak / 1024, used  # Linux reports KiB


Sample = tuple[float, float, float]  # wall seconds, peak MiB, CPU seconds of one cold run


def interleaved_samples(commands: Mapping[str, Sequence[str]], cwd: Path, rounds: int,
                        env: dict[str, str] | None = None) -> dict[str, list[Sample]]:
    """Every run of each command (wall, peak memory, CPU), the commands run in turn ``rounds`` times:
    sample ``i`` of every command comes from the same round, so a bench can pair them (same load)."""
    env = env or environment()
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache and the bytecode cache once
        run_child(command, cwd, env)
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(run_child(command, cwd, env))
    return samples


def interleaved_rss(commands: Mapping[str, Sequence[str]], cwd: Path, rounds: int,
                    env: dict[str, str] | None = None) -> dict[str, tuple[float, float, float]]:
    """Median wall time, peak memory (MiB) and CPU time of each command, the commands run in turn."""
    samples = interleaved_samples(commands, cwd, rounds, env)
    return {name: (statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs),
                   statistics.median(s[2] for s in runs))
            for name, runs in samples.items()}


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """First quartile, median and third quartile (the spread a median is printed with)."""
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3
