"""Cold `validate`, `show` and `diff` of one small profile against `python -c "import typer"`.

Goal (issue 18): each within 1.3x of importing typer, as `build` is (bench_startup); `validate` of a profile
with 20 Apple payloads within 1.5x (issue 14). Small profiles of the usual kinds, built by profilegen:
an Office preference profile (also signed, as a repository of downloaded profiles holds them: RSA-2048,
an intermediate carried), one with one Apple payload, one with twenty. Medians of interleaved runs.
Run from the repository root: python -m benchmarks.bench_read_startup [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.bench_payloads import _payload, _profile, apple_payloads
from benchmarks.bench_validate_many import identity
from benchmarks.common import PYTHON, environment, interleaved_rss

GOAL, GOAL_APPLE = 1.3, 1.5


def _signed(content: bytes) -> bytes:
    from profilegen.signing.sign import sign

    return sign(content, identity())  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-"))
    try:
        cli = [PYTHON, "-m", "profilegen"]
        subprocess.run([*cli, "build", "office-volume-license-lockdown", "--out", str(work / "a")], cwd=work,
                       env=environment(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([*cli, "build", "office-volume-license-lockdown-current", "--out", str(work / "b")], cwd=work,
                       env=environment(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        office = next((work / "a").glob("*.mobileconfig"))
        other = next((work / "b").glob("*.mobileconfig"))
        signed = work / "signed.mobileconfig"
        signed.write_bytes(_signed(office.read_bytes()))
        one = _profile(work / "one-apple.mobileconfig", [_payload("com.apple.dock", 1, tilesize=48)])
        twenty = _profile(work / "twenty-apple.mobileconfig", apple_payloads())
        commands = {
            "import typer": [PYTHON, "-c", "import typer"],
            "validate office": [*cli, "validate", str(office)],
            "validate 1 apple": [*cli, "validate", str(one)],
            "validate signed": [*cli, "validate", str(signed)],
            "show office": [*cli, "show", str(office)],
            "diff office": [*cli, "diff", str(office), str(other)],
            "validate 20 apple": [*cli, "validate", str(twenty)],
        }
        medians = {name: found[0] for name, found in interleaved_rss(commands, work, rounds).items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = medians["import typer"]
    print(f"median wall time of {rounds} interleaved cold runs")
    for name, value in medians.items():
        goal = GOAL_APPLE if name == "validate 20 apple" else GOAL
        verdict = "" if name == "import typer" else f"(goal {goal}x): {'ok' if value / base <= goal else 'OVER'}"
        print(f"  {name:20s} {value * 1000:7.1f} ms  {value / base:4.2f}x {verdict}")


if __name__ == "__main__":
    main()
