"""Fuzz every command that reads a profile for longer than CI does, and report what was found.

    python -m benchmarks.fuzz_readers --count 5000 --seconds 300 [--seed 1] [--keep DIR]

Half the inputs are seeds (a built profile as XML, binary and DER-signed) with random byte edits; half are
hypothesis-generated plists shaped like profiles, with hostile keys and values. Every command of
tests/fuzz_readers.py runs on each input with the checks of tests/test_fuzz_readers.py (documented exit
code, no traceback, a few error lines at most, nothing written outside the output folder). Stops at
``--count`` inputs or ``--seconds``, whichever comes first; prints the inputs tried, the command runs,
and each distinct problem with how often it was seen. ``--keep`` saves one input per problem. Exit 1
when anything was found.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.fuzz_readers import Harness, Problem, encodings, hostile_profiles, mutate

BATCH = 25


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="stop after this many inputs")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop after this long")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--keep", type=Path, default=None, help="save one input per problem here")
    options = parser.parse_args(argv)
    count: int = options.count
    chosen: int = options.seed if options.seed is not None else int(time.time())
    rng = random.Random(chosen)
    stop = time.monotonic() + options.seconds
    found: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], Problem] = {}
    tried = {"mutated": 0, "generated": 0}

    def record(problems: list[Problem]) -> None:
        for problem in problems:
            # numbers (lines, offsets, sizes) vary from input to input: one entry per kind of failure
            key = (problem.command, problem.kind, re.sub(r"\d+", "N", problem.detail)[:160])
            found[key] += 1
            examples.setdefault(key, problem)

    def more() -> bool:
        return sum(tried.values()) < count and time.monotonic() < stop

    with tempfile.TemporaryDirectory(prefix="profilegen-fuzz-") as folder:
        harness = Harness(Path(folder))
        forms = sorted(harness.seeds)
        batch = 0
        while more():
            for _ in range(BATCH):
                if not more():
                    break
                tried["mutated"] += 1
                record(harness.check(mutate(harness.seeds[rng.choice(forms)], rng)))
            batch += 1

            @seed(chosen * 1000 + batch)
            @settings(max_examples=BATCH, deadline=None, database=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(hostile_profiles())
            def generated(profile: dict[str, Any]) -> None:
                if not more():
                    return
                tried["generated"] += 1
                for data in encodings(profile):
                    record(harness.check(data))

            generated()
        runs = harness.runs

    total = sum(tried.values())
    elapsed = options.seconds - max(0.0, stop - time.monotonic())
    print(f"seed {chosen}: {total} inputs ({tried['mutated']} mutated, {tried['generated']} generated), "
          f"{runs} command runs, {elapsed:.0f} s")
    if not found:
        print("found nothing: every run ended with a documented code, no traceback, nothing written outside")
        return 0
    print(f"found {len(found)} distinct problem(s):")
    for (command, kind, detail), count in found.most_common():
        print(f"  {count:5}x {command}: {kind}: {detail}")
    if options.keep is not None:
        options.keep.mkdir(parents=True, exist_ok=True)
        for number, problem in enumerate(examples.values()):
            (options.keep / f"{number:03}-{problem.command}.mobileconfig").write_bytes(problem.data)
        print(f"one input per problem saved in {options.keep}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
