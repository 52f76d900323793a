"""Building 1,000 presets in one `build` call, per preset, against `plistlib.dumps` of the same profile.

Budget (issue 2): per preset at most 3x plistlib.dumps of the same profile dictionary.
Each run builds into an emptied folder, so every output is a new file: the kernel's cost of creating
files is reported apart (system CPU), since it depends on the disk, not on profilegen.
Run: python -m benchmarks.bench_build_many [--count N] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import plistlib
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import PYTHON, environment, wall
from profilegen.catalog import load_catalog
from profilegen.pipeline import build_preset
from profilegen.preset import load_preset, shipped_presets
from profilegen.profile import build_profiles

BUDGET = 3.0
REPEATS = 3


def run(command: list[str], cwd: Path, env: dict[str, str], out: Path) -> tuple[float, float, float]:
    """(wall, user CPU, system CPU) seconds of one build into an emptied ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = wall(command, cwd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to build (default: the temporary folder); e.g. /dev/shm for a RAM disk")
    args = parser.parse_args()
    count = args.count
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-", dir=args.dir))
    try:
        source = shipped_presets()["office-volume-license-lockdown"].read_text()
        folder = work / "presets"
        folder.mkdir()
        for i in range(count):
            (folder / f"p{i:04d}.toml").write_text(source.replace(
                'identifier = "org.profilegen.office.volume-license-lockdown"',
                f'identifier = "org.profilegen.bench.p{i:04d}"'))
        presets = sorted(str(p) for p in folder.iterdir())
        env = environment()
        one_command = [PYTHON, "-m", "profilegen", "build", presets[0], "--out", str(work / "out")]
        all_command = [PYTHON, "-m", "profilegen", "build", *presets, "--out", str(work / "out")]
        run(one_command, work, env, work / "out")  # warm the caches
        ones = [run(one_command, work, env, work / "out") for _ in range(REPEATS)]
        alls = [run(all_command, work, env, work / "out") for _ in range(REPEATS)]
        one = [statistics.median(column) for column in zip(*ones, strict=True)]
        total = [statistics.median(column) for column in zip(*alls, strict=True)]

        catalog = load_catalog()
        start = time.perf_counter()
        for path in presets:
            result = build_preset(load_preset(path), catalog)
        in_process = (time.perf_counter() - start) / count
        (_, profile), = build_profiles(result.resolution, catalog)
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(200):
                plistlib.dumps(profile)
            samples.append((time.perf_counter() - start) / 200)
        dumps = statistics.median(samples)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_wall, per_user, per_system = ((t - o) / (count - 1) for t, o in zip(total, one, strict=True))
    print(f"{count} presets in one build, in {work.parent} (median of {REPEATS}): {total[0]:.2f} s; "
          f"one preset: {one[0] * 1000:.0f} ms (start-up)")
    print(f"plistlib.dumps of the same profile: {dumps * 1e6:.0f} us")
    ratio = per_wall / dumps
    print(f"per preset, start-up removed: {per_wall * 1e6:.0f} us wall = {ratio:.2f}x plistlib.dumps "
          f"(budget {BUDGET}x): {'ok' if ratio <= BUDGET else 'OVER'}")
    print(f"  user CPU (profilegen's own work): {per_user * 1e6:.0f} us = {per_user / dumps:.2f}x")
    print(f"  system CPU (the kernel creating and renaming 3 files): {per_system * 1e6:.0f} us = "
          f"{per_system / dumps:.2f}x")
    work_ratio = in_process / dumps
    print(f"build work alone (load, resolve, validate, render; in process): {in_process * 1e6:.0f} us per preset, "
          f"{work_ratio:.2f}x plistlib.dumps: {'ok' if work_ratio <= BUDGET else 'OVER'}")


if __name__ == "__main__":
    main()
