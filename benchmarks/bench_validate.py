"""Big profiles: cold `validate`, `show` and `diff` at 1k, 10k and 100k keys against `plistlib.loads`.

Goals (issue 18): each within 2x a process that only runs plistlib.loads on the same file(s), at every size;
flat cost per key (within 10% from 10k to 100k); peak memory (the child's own ru_maxrss) at most 3x
plistlib's. Every contender is a cold process, as a user runs it; medians of interleaved runs (common.py).
The settings are varied (booleans, ranged integers, enums, reals, patterned strings, arrays, dicts, dates,
data), and `validate` runs twice: on a domain the catalogue does not know, and with a user catalogue that
knows every key of that profile. Cost per key = (CPU time at N keys - CPU time at 10 keys) / N: start-up
taken out, and CPU rather than wall time, which a shared machine's load swings by more than the difference.
Every size runs in one batch: each round runs every contender at 10 keys and at each size (small sizes,
whose runs are cheap and whose noise is start-up's, more than once: REPEATS), so a 10k run, the 100k run
and the 10-key runs they are taken against ran moments apart under the same load. Every figure is paired
within its round (a command's run against its baseline's run of the same round) and printed as the median
with its interquartile range, wall and CPU ratios side by side; the growth per key is taken round by round
(this round's 100k cost per key over this round's 10k), so a load that drifts over the run cancels out.
--before DIR also times an earlier source tree (e.g. `git archive main | tar -x -C /tmp/before`) in the same
interleaved run, and prints its rows beside these.
Run from the repository root: python -m benchmarks.bench_validate [--quick] [--rounds N] [--before DIR]
(--rounds N: N rounds, each with one run at 100k keys and three at 10k and 1k)
"""

from __future__ import annotations

import argparse
import datetime
import json
import plistlib
import random
import shutil
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, REPO, Sample, interleaved_samples, quartiles

DOMAIN = "com.example.bench"
GOAL_TIME, GOAL_FLAT, GOAL_MEMORY = 2.0, 0.10, 3.0
LOADS = "import plistlib, sys\nfor name in sys.argv[1:]: plistlib.loads(open(name, 'rb').read())"
_MOMENT = datetime.datetime(2026, 1, 1, 12, 0, 0)
TYPES: list[tuple[dict[str, Any], Callable[[int], Any]]] = [
    ({"type": "boolean", "x-plist-type": "bool"}, lambda i: i % 2 == 0),
    ({"type": "integer", "minimum": 0, "maximum": 10**9, "x-plist-type": "integer"}, lambda i: i),
    ({"type": "string", "enum": ["Fast", "Slow", "Off"], "x-plist-type": "string"},
     lambda i: ("Fast", "Slow", "Off")[i % 3]),
    ({"type": "number", "x-plist-type": "real"}, lambda i: i / 7),
    ({"type": "string", "pattern": "^https://", "x-plist-type": "string"}, lambda i: f"https://h{i}.example.com/"),
    ({"type": "array", "items": {"type": "string"}, "x-plist-type": "array"}, lambda i: [f"a{i}", f"b{i}"]),
    ({"type": "object", "properties": {"Name": {"type": "string"}}, "x-plist-type": "dict"},
     lambda i: {"Name": f"n{i}", "Size": i}),
    ({"type": "string", "format": "date-time", "x-plist-type": "date"},
     lambda i: _MOMENT + datetime.timedelta(seconds=i)),
    ({"type": "string", "x-plist-type": "data"}, lambda i: i.to_bytes(4, "big")),
    ({"type": "string", "x-plist-type": "string"}, lambda i: f"Value number {i} & <more>"),
]


def profile(keys: int, variant: int) -> dict[str, Any]:
    """A one-payload mcx profile with ``keys`` varied settings; ``variant`` 1 changes every 50th value."""
    settings: dict[str, Any] = {}
    for i in range(keys):
        _, value = TYPES[i % len(TYPES)]
        settings[f"Key{i}"] = value(i + (1 if variant and i % 50 == 0 else 0))
    return {
        "PayloadContent": [{
            "PayloadContent": {DOMAIN: {"Forced": [{"mcx_preference_settings": settings}]}},
            "PayloadIdentifier": "com.example.bench.payload", "PayloadType": "com.apple.ManagedClient.preferences",
            "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1}],
        "PayloadDisplayName": "Benchmark", "PayloadIdentifier": "com.example.bench", "PayloadType": "Configuration",
        "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1,
    }


def catalogue(root: Path, keys: int) -> Path:
    """A user catalogue whose domain knows every key of the biggest profile."""
    properties = {f"Key{i}": TYPES[i % len(TYPES)][0] for i in range(keys)}
    (root / "domains").mkdir(parents=True)
    (root / "domains" / f"{DOMAIN}.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "x-domain": DOMAIN,
        "x-versioned-by": "office", "title": "bench", "properties": properties}))
    return root


def commands(work: Path, keys: int, unknown: Path, before: Path | None) -> dict[str, list[str]]:
    """Every contender at one size; each runs through `env PYTHONPATH=tree`, so all pay the same exec."""
    known = catalogue(work / f"known-{keys}", keys) if not (work / f"known-{keys}").exists() else work / f"known-{keys}"
    a, b = work / f"a-{keys}.mobileconfig", work / f"b-{keys}.mobileconfig"
    a.write_bytes(plistlib.dumps(profile(keys, 0)))
    b.write_bytes(plistlib.dumps(profile(keys, 1)))
    python = ["env", f"PYTHONPATH={REPO}", PYTHON]
    result = {"loads": [*python, "-c", LOADS, str(a)], "loads a b": [*python, "-c", LOADS, str(a), str(b)]}
    for tree, prefix in ((REPO, ""), (before, "before: ")):
        if tree is None:
            continue
        cli = ["env", f"PYTHONPATH={tree.resolve()}", PYTHON, "-m", "profilegen"]
        result.update({
            f"{prefix}validate": [*cli, "validate", "--catalog", str(unknown), str(a)],
            f"{prefix}validate known": [*cli, "validate", "--catalog", str(known), str(a)],
            f"{prefix}show": [*cli, "show", "--catalog", str(unknown), str(a)],
            f"{prefix}diff": [*cli, "diff", "--catalog", str(unknown), str(a), str(b)],
        })
    return result


SMALL = 10  # keys in the start-up runs, which every size's cost per key is taken against
REPEATS = {1_000: 3, 10_000: 3, 100_000: 1}  # runs per round: cheap at small sizes, whose noise is start-up's
BASE = {"validate": "loads", "validate known": "loads", "show": "loads", "diff": "loads a b"}


def _spread(values: list[float], scale: float = 1.0, form: str = "{:.2f}") -> str:
    """The median with its interquartile range, e.g. ``2.04 [1.98-2.11]``."""
    q1, q2, q3 = quartiles(values)
    return f"{form.format(q2 * scale)} [{form.format(q1 * scale)}-{form.format(q3 * scale)}]"


def _paired(runs: list[Sample], bases: list[Sample], field: int) -> list[float]:
    """Per-run ratios: run ``i`` of a command over run ``i`` of its baseline, which shared its load."""
    return [run[field] / base[field] for run, base in zip(runs, bases, strict=True)]


def batch(work: Path, sizes: list[int], unknown: Path, before: Path | None) -> dict[str, list[str]]:
    """Every run of one round, in order: for each repeat, every contender at 10 keys and at each size.
    One batch for all sizes, so a round's 10k and 100k runs are seconds apart, not a batch apart:
    a shared machine's load drifts over a run, and a growth taken across batches would measure the drift."""
    each = {keys: commands(work, keys, unknown, before) for keys in (SMALL, *sizes)}
    runs: dict[str, list[str]] = {}
    for repeat in range(max(REPEATS[keys] for keys in sizes)):
        for keys in (SMALL, *sizes):
            if keys == SMALL or repeat < REPEATS[keys]:
                runs.update({f"{name}@{keys}#{repeat}": command for name, command in each[keys].items()})
    return runs


def _samples(results: dict[str, list[Sample]], name: str, keys: int, sizes: list[int]) -> list[list[Sample]]:
    """The runs of ``name`` at ``keys``, round by round (the repeats of a round together)."""
    repeats = REPEATS[keys] if keys != SMALL else max(REPEATS[size] for size in sizes)
    return [list(round_runs) for round_runs in zip(*(results[f"{name}@{keys}#{r}"] for r in range(repeats)),
                                                   strict=True)]


def _per_key(results: dict[str, list[Sample]], name: str, keys: int, sizes: list[int]) -> list[list[float]]:
    """CPU seconds per key, round by round: each run less the 10-key run of the same round and repeat."""
    small = _samples(results, name, SMALL, sizes)
    return [[(run[2] - start[2]) / keys for run, start in zip(runs, starts, strict=False)]
            for runs, starts in zip(_samples(results, name, keys, sizes), small, strict=True)]


def _growth(name: str, per_key: dict[int, list[list[float]]], goal: str) -> float:
    """Print and return the growth of the cost per key from 10k to 100k keys: per round (that round's
    100k run over the median of its 10k runs), then the median of the rounds, with a 90% bootstrap interval."""
    growths = [big[0] / statistics.median(small) - 1
               for big, small in zip(per_key[100_000], per_key[10_000], strict=True)]
    growth = statistics.median(growths)
    rng = random.Random(18)
    draws = sorted(statistics.median(rng.choices(growths, k=len(growths))) for _ in range(2000))
    print(f"{name:23s} cost per key from 10k to 100k keys: {growth:+.0%} (rounds {_spread(growths, 100, '{:+.0f}%')}"
          f", 90% interval {draws[100]:+.0%} to {draws[1899]:+.0%}; {goal})")
    return growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1k and 10k keys only")
    parser.add_argument("--rounds", type=int, default=7,
                        help=f"rounds; each runs every size, small ones more than once ({REPEATS})")
    parser.add_argument("--before", type=Path, help="an earlier source tree, timed in the same run")
    options = parser.parse_args()
    sizes = [1_000, 10_000] if options.quick else [1_000, 10_000, 100_000]
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        unknown = work / "unknown"
        (unknown / "domains").mkdir(parents=True)
        results = interleaved_samples(batch(work, sizes, unknown, options.before), work, options.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("cold runs, all sizes interleaved in one batch; each number is the median [interquartile range] over")
    print("the runs. Ratios and cost per key are taken per run against the run of the same round (same load).")
    print(f"rounds: {options.rounds}, each with {', '.join(f'{REPEATS[keys]} at {keys:,} keys' for keys in sizes)}")
    print(f"{'command':23s} {'keys':>7s} {'wall ms':>17s} {'wall ratio':>17s} {'CPU ratio':>17s} "
          f"{'CPU us/key':>20s} {'MiB':>5s} {'x mem':>6s}")
    verdicts = []
    contenders = dict(BASE)
    if options.before:
        contenders.update({f"before: {name}": base for name, base in BASE.items()})
    for name, base in contenders.items():
        per_key: dict[int, list[list[float]]] = {}
        for keys in sizes:
            runs = [run for round_runs in _samples(results, name, keys, sizes) for run in round_runs]
            bases = [run for round_runs in _samples(results, base, keys, sizes) for run in round_runs]
            walls, cpus = _paired(runs, bases, 0), _paired(runs, bases, 2)
            per_key[keys] = _per_key(results, name, keys, sizes)
            costs = [cost for round_costs in per_key[keys] for cost in round_costs]
            peak = quartiles([run[1] for run in runs])[1]
            memory = peak / quartiles([run[1] for run in bases])[1]
            ratio = quartiles(walls)[1]
            if not name.startswith("before: "):
                verdicts.append(ratio <= GOAL_TIME and memory <= GOAL_MEMORY)
            print(f"{name:23s} {keys:>7,} {_spread([run[0] for run in runs], 1000, '{:.0f}'):>17s} "
                  f"{_spread(walls):>17s} {_spread(cpus):>17s} {_spread(costs, 1e6):>20s} {peak:5.0f} {memory:5.2f}x")
        if 100_000 in per_key:
            growth = _growth(name, per_key, f"goal within {GOAL_FLAT:.0%}")
            if not name.startswith("before: "):
                verdicts.append(growth <= GOAL_FLAT)
    if 100_000 in sizes:  # the baselines' own growth: what this machine's caches do to any reader at 100k
        for base in dict.fromkeys(BASE.values()):
            _growth(base, {keys: _per_key(results, base, keys, sizes) for keys in (10_000, 100_000)},
                    "the baseline, for comparison")
    print(f"goals for this tree (wall time {GOAL_TIME}x, memory {GOAL_MEMORY}x, flat per key): "
          f"{'ok' if all(verdicts) else 'OVER'}")


if __name__ == "__main__":
    main()
