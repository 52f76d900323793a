"""Time from starting `profilegen wizard` to its first question on screen, in a pseudo-terminal, against
`python -c "import typer, questionary"` run in a pseudo-terminal too.

Budget (issue 3): at most 1.5x, medians of interleaved runs.
Run: python -m benchmarks.bench_wizard [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pexpect

from benchmarks.common import PYTHON, environment

BUDGET = 1.5
FIRST_QUESTION = "Which Office license"


def _spawn(args: list[str], cwd: Path) -> pexpect.spawn:
    env = {**environment(), "TERM": "xterm"}
    return pexpect.spawn(PYTHON, args, cwd=str(cwd), env=env, dimensions=(40, 120), encoding="utf-8",
                         codec_errors="replace", timeout=60)


def import_time(cwd: Path) -> float:
    start = time.perf_counter()
    child = _spawn(["-c", "import typer, questionary"], cwd)
    child.expect(pexpect.EOF)
    elapsed = time.perf_counter() - start
    child.close()
    return elapsed


def wizard_time(cwd: Path) -> float:
    start = time.perf_counter()
    child = _spawn(["-m", "profilegen", "wizard"], cwd)
    child.expect(FIRST_QUESTION)
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 130:
        raise RuntimeError(f"the wizard exited with {child.exitstatus}, not 130, after Ctrl-C")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        import_time(work)  # warm the file cache once
        wizard_time(work)
        times: dict[str, list[float]] = {"import typer, questionary": [], "wizard: first question": []}
        for _ in range(rounds):
            times["import typer, questionary"].append(import_time(work))
            times["wizard: first question"].append(wizard_time(work))
        if any(work.iterdir()):
            raise RuntimeError("the cancelled wizard wrote files")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["import typer, questionary"]
    for name, value in medians.items():
        print(f"{name:28s} {value * 1000:7.1f} ms  {value / base:4.2f}x")
    ratio = medians["wizard: first question"] / base
    print(f"wizard first question / import typer, questionary = {ratio:.2f}x (budget {BUDGET}x): "
          f"{'ok' if ratio <= BUDGET else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
