"""Cost per key of big profiles counted, not timed: instructions and simulated cache misses (cachegrind).

Goal (issue 18): flat cost per key, within 10% from 10k to 100k keys. bench_validate times it in CPU
seconds, which a shared VM swings by 10-20% from one run to the next (plistlib.loads itself included).
Counts repeat exactly: this bench runs the same cold contenders as bench_validate (same profiles, same
catalogues) under `valgrind --tool=cachegrind --cache-sim=yes` at 10, 10k and 100k keys, and prints per key
(the 10-key run taken out, as start-up) the instructions executed and the last-level data-cache misses of a
simulated 32 MiB cache: the first is the work per key, the second what a working set bigger than the cache
costs, which is where a real machine's time per key grows. The baselines (plistlib.loads of the same file,
or of both for diff) are counted alike, for comparison. Needs valgrind; about 3.5 minutes on 2 cores.
Run from the repository root: python -m benchmarks.bench_per_key [--jobs N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench_validate import BASE, GOAL_FLAT, SMALL, commands
from benchmarks.common import REPO, environment

SIZES = (SMALL, 10_000, 100_000)
LAST_LEVEL = "--LL=33554432,16,64"  # 32 MiB, 16-way, 64-byte lines: a server part's L3 (this VM's is 32 MiB)
_COUNT = re.compile(r"^==\d+== (I\s+refs|LLd misses):\s+([\d,]+)", re.MULTILINE)


def counted(command: list[str], out: Path) -> tuple[int, int]:
    """Instructions and simulated last-level data misses of one cold run of ``command`` (bench_validate's
    `env PYTHONPATH=tree python ...`: the variable is set here instead, so valgrind counts Python, not env)."""
    assert command[0] == "env" and command[1].startswith("PYTHONPATH="), command
    env = {**environment(), "PYTHONPATH": command[1].removeprefix("PYTHONPATH=")}
    run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=yes", LAST_LEVEL,
                          f"--cachegrind-out-file={out}", *command[2:]], cwd=REPO, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if run.returncode not in (0, 1):  # 1: validate found errors, diff found differences
        raise SystemExit(f"{' '.join(command)} failed under valgrind ({run.returncode}):\n{run.stderr[-2000:]}")
    found = {name.split()[0]: int(value.replace(",", "")) for name, value in _COUNT.findall(run.stderr)}
    return found["I"], found["LLd"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2, help="runs under valgrind at once")
    jobs = parser.parse_args().jobs
    if shutil.which("valgrind") is None:
        print("skipped: bench_per_key needs valgrind (apt install valgrind)")
        return
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        unknown = work / "unknown"
        (unknown / "domains").mkdir(parents=True)
        runs = {(name, keys): command for keys in SIZES
                for name, command in commands(work, keys, unknown, None).items()}
        with ThreadPoolExecutor(jobs) as pool:  # each run is its own valgrind process
            counts = dict(zip(runs, pool.map(lambda n, command: counted(command, work / f"run-{n}.out"),
                                             range(len(runs)), runs.values()), strict=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("cold runs under cachegrind; per key = (count at N keys - count at 10 keys) / N")
    print(f"{'command':16s} {'instructions per key':>36s} {'simulated LL data misses per key':>40s}")
    verdicts = []
    for name in [*BASE, *dict.fromkeys(BASE.values())]:
        per_key = {keys: [(counts[name, keys][i] - counts[name, SMALL][i]) / keys for i in (0, 1)]
                   for keys in SIZES[1:]}
        growth = [per_key[100_000][i] / per_key[10_000][i] - 1 for i in (0, 1)]
        if name in BASE:
            verdicts.append(growth[0] <= GOAL_FLAT)
        print(f"{name:16s} {per_key[10_000][0]:>12,.0f} -> {per_key[100_000][0]:>9,.0f} ({growth[0]:+6.1%}) "
              f"{per_key[10_000][1]:>16.1f} -> {per_key[100_000][1]:>7.1f} ({growth[1]:+6.1%})")
    verdict = "ok" if all(verdicts) else "OVER"
    print(f"instructions per key flat within {GOAL_FLAT:.0%} from 10k to 100k keys: {verdict}")


if __name__ == "__main__":
    main()
