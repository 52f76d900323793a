"""Cold `profilegen build <shipped preset>` and `profilegen --help` against `python -c "import typer"`.

Budget (issue 2): build within 1.3x of importing typer, median of interleaved runs. Two builds are timed:
a rebuild over its own earlier outputs, which are then unchanged and left alone, and a build into a
folder emptied before every run, which creates all three files.
Run: python benchmarks/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.common import PYTHON, cpu, interleaved

BUDGET = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        commands = {
            "import typer": [PYTHON, "-c", "import typer"],
            "profilegen --help": [PYTHON, "-m", "profilegen", "--help"],
            "profilegen build": [PYTHON, "-m", "profilegen", "build", "office-volume-license-lockdown",
                                 "--out", str(work / "dist"), "--force"],
            "build, new outputs": [PYTHON, "-m", "profilegen", "build", "office-volume-license-lockdown",
                                   "--out", str(work / "fresh")],
        }
        prepare = {"build, new outputs": lambda: shutil.rmtree(work / "fresh", ignore_errors=True)}
        results = {"wall": interleaved(commands, work, rounds, prepare=prepare),
                   "cpu": interleaved(commands, work, rounds, measure=cpu, prepare=prepare)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for kind, medians in results.items():
        base = medians["import typer"]
        print(f"median {kind} time of {rounds} interleaved runs")
        for name, value in medians.items():
            print(f"  {name:20s} {value * 1000:7.1f} ms  {value / base:4.2f}x")
        for name in ("profilegen build", "build, new outputs"):
            ratio = medians[name] / base
            print(f"  {name} / import typer = {ratio:.2f}x (budget {BUDGET}x): {'ok' if ratio <= BUDGET else 'OVER'}")


if __name__ == "__main__":
    main()
