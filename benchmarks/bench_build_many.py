"""Building 1,000 presets in one `build` call, per preset, against `plistlib.dumps` of the same profile.

Budget (issue 2): per preset at most 3x plistlib.dumps of the same profile dictionary.
Both sides run as processes, interleaved, so that the machine's speed (a shared VM's varies by a third
from minute to minute) hits them alike: a build of 1 preset and of N presets, each into an emptied
folder so that every output is a new file, and plistlib.dumps of the built profile 1 and N times.
Per preset = (N - 1 run) / (N - 1). The kernel's share (system CPU: creating and renaming 3 files a
preset) is reported apart, since it depends on the disk rather than on profilegen.
Run: python -m benchmarks.bench_build_many [--count N] [--rounds R] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import PYTHON, environment, interleaved
from profilegen.preset import shipped_presets

BUDGET = 3.0
# plistlib.dumps of one profile, argv[2] times
DUMPS = ("import plistlib, sys\n"
         "profile = plistlib.loads(open(sys.argv[1], 'rb').read())\n"
         "for _ in range(int(sys.argv[2])): plistlib.dumps(profile)")


def cpu_split(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
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
        out = work / "out"
        build = [PYTHON, "-m", "profilegen", "build", "--out", str(out)]
        subprocess.run([*build, presets[0]], cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)
        profile = str(shutil.copy(out / "p0000.mobileconfig", work))  # out/ is emptied before every build
        commands = {
            "build 1": [*build, presets[0]],
            "build N": [*build, *presets],
            "dumps 1": [PYTHON, "-c", DUMPS, profile, "1"],
            "dumps N": [PYTHON, "-c", DUMPS, profile, str(count)],
        }

        def empty_out() -> None:
            shutil.rmtree(out, ignore_errors=True)

        emptied = {"build 1": empty_out, "build N": empty_out}
        walls = interleaved(commands, work, args.rounds, env, prepare=emptied)
        split = {}
        for name in ("build 1", "build N"):
            empty_out()
            split[name] = cpu_split(commands[name], work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_preset = (walls["build N"] - walls["build 1"]) / (count - 1)
    per_dumps = (walls["dumps N"] - walls["dumps 1"]) / (count - 1)
    user, system = ((n - o) / (count - 1) for n, o in zip(split["build N"], split["build 1"], strict=True))
    ratio = per_preset / per_dumps
    print(f"{count} presets in one build, in {work.parent}: {walls['build N']:.2f} s; one preset: "
          f"{walls['build 1'] * 1000:.0f} ms (median wall times of {args.rounds} interleaved rounds)")
    print(f"plistlib.dumps of the same profile: {per_dumps * 1e6:.0f} us")
    print(f"per preset, start-up removed: {per_preset * 1e6:.0f} us wall = {ratio:.2f}x plistlib.dumps "
          f"(budget {BUDGET}x): {'ok' if ratio <= BUDGET else 'OVER'}")
    print(f"  one more run: user CPU {user * 1e6:.0f} us ({user / per_dumps:.2f}x), "
          f"system CPU, the kernel creating and renaming 3 files: {system * 1e6:.0f} us ({system / per_dumps:.2f}x)")


if __name__ == "__main__":
    main()
