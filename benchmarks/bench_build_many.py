"""Building 1,000 presets in one `build` call, per preset, against `plistlib.dumps` of the same profile.

Budget (issue 2): per preset at most 3x plistlib.dumps of the same profile dictionary.
Run: python benchmarks/bench_build_many.py [--count N]
"""

from __future__ import annotations

import argparse
import plistlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import PYTHON, environment, wall
from profilegen.atomic import write_bytes
from profilegen.catalog import load_catalog
from profilegen.pipeline import build_preset
from profilegen.preset import load_preset, shipped_presets
from profilegen.profile import build_profiles

BUDGET = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
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
        empty = wall([PYTHON, "-m", "profilegen", "build", presets[0], "--out", str(work / "one")], work, env)
        total = wall([PYTHON, "-m", "profilegen", "build", *presets, "--out", str(work / "all")], work, env)

        catalog = load_catalog()
        start = time.perf_counter()
        for path in presets:
            result = build_preset(load_preset(path), catalog)
        in_process = (time.perf_counter() - start) / count
        resolution = result.resolution
        (_, profile), = build_profiles(resolution, catalog)
        probe = work / "probe"
        probe.mkdir()
        start = time.perf_counter()
        for i in range(300):
            write_bytes(probe / f"f{i}", b"x" * 2048)
        file_cost = (time.perf_counter() - start) / 300
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(200):
                plistlib.dumps(profile)
            samples.append((time.perf_counter() - start) / 200)
        dumps = statistics.median(samples)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_preset = (total - empty) / (count - 1)
    print(f"{count} presets in one build: {total:.2f} s; one preset: {empty * 1000:.0f} ms (start-up)")
    print(f"per preset (start-up removed): {per_preset * 1e6:.0f} us")
    print(f"plistlib.dumps of the same profile: {dumps * 1e6:.0f} us")
    ratio = per_preset / dumps
    print(f"end to end: {ratio:.2f}x plistlib.dumps (budget {BUDGET}x): {'ok' if ratio <= BUDGET else 'OVER'}")
    print(f"  of which writing 3 files: {3 * file_cost * 1e6:.0f} us (one atomic write on this disk: "
          f"{file_cost * 1e6:.0f} us)")
    work_ratio = in_process / dumps
    print(f"build work alone (load, resolve, validate, render; in process): {in_process * 1e6:.0f} us per preset, "
          f"{work_ratio:.2f}x plistlib.dumps: {'ok' if work_ratio <= BUDGET else 'OVER'}")


if __name__ == "__main__":
    main()
