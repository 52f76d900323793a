"""Cold `profilegen build` of a preset with Apple payloads (the eight of Defender for Endpoint) and of one
without, against `python -c "import typer"` (and an earlier source tree for the one without).

Budgets (issue 15): the Defender preset builds within 1.4x of importing typer; a preset without Apple
payloads builds as fast as before (give the earlier tree with --before DIR, e.g.
`git archive <commit> | tar -x -C /tmp/before`). Medians of interleaved runs (common.py).
Run: python benchmarks/bench_preset_payloads.py [--rounds N] [--before DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.common import PYTHON, cpu, environment, interleaved

BUDGET = 1.4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--before", type=Path, help="an earlier source tree, to time the same build there")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        def build(preset: str, out: str) -> list[str]:
            return [PYTHON, "-m", "profilegen", "build", preset, "--out", str(work / out), "--force"]

        commands = {"import typer": [PYTHON, "-c", "import typer"],
                    "build defender (8 payloads)": build("defender-endpoint-macos", "defender"),
                    "build office (no Apple payload)": build("office-volume-license-lockdown", "office")}
        if args.before is not None:
            env = {**environment(), "PYTHONPATH": str(args.before.resolve())}
            commands["office, earlier tree"] = ["env", f"PYTHONPATH={env['PYTHONPATH']}",
                                                *build("office-volume-license-lockdown", "before")]
        results = {"wall": interleaved(commands, work, args.rounds),
                   "cpu": interleaved(commands, work, args.rounds, measure=cpu)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for kind, medians in results.items():
        base = medians["import typer"]
        print(f"median {kind} time of {args.rounds} interleaved runs")
        for name, value in medians.items():
            print(f"  {name:32s} {value * 1000:7.1f} ms  {value / base:4.2f}x")
        ratio = medians["build defender (8 payloads)"] / base
        print(f"  defender / import typer = {ratio:.2f}x (budget {BUDGET}x): {'ok' if ratio <= BUDGET else 'OVER'}")
        if "office, earlier tree" in medians:
            same = medians["build office (no Apple payload)"] / medians["office, earlier tree"]
            print(f"  office now / earlier tree = {same:.2f}x")


if __name__ == "__main__":
    main()
