"""ProfileManifests import time, and `build` start-up with a user catalogue present or not.

1. Import: the 17 Microsoft manifests of the fixture (in process, median of runs); then, when
   PROFILEGEN_CORPUS names a ProfileManifests checkout (github.com/ProfileManifests/ProfileManifests), the
   whole repository through the real CLI. Without it that step is skipped and says so: copies of the 17
   fixture manifests under new names would time the copies, not the repository.
2. Start-up: cold `profilegen build` of a shipped preset with PROFILEGEN_CATALOG pointing at an empty
   catalogue and at the imported one (the whole repository's when given, else the fixture's); and a preset
   that uses one imported domain (Edge), with that catalogue. The catalogue is read lazily, so the three
   should be within noise of each other. Medians of interleaved runs.

Run: python -m benchmarks.bench_manifests [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import PYTHON, REPO, corpus, environment, wall
from profilegen.catalog.manifests.importer import import_manifests

FIXTURES = REPO.parent / "shared" / "fixtures" / "profilemanifests"
EDGE_PRESET = """\
format = 1

[profile]
display_name = "Edge"
identifier = "org.example.edge"
description = "One imported domain."
scope = "System"
removal_disallowed = false
payload_style = "mcx"

[settings."com.microsoft.Edge"]
HomepageLocation = "https://intranet.example.org"
PasswordManagerEnabled = false
"""


def fixtures() -> Path:
    """The corpus's Microsoft manifests: $PROFILEGEN_CORPUS (as for the corpus tests), else shared/ beside the repo."""
    corpus = os.environ.get("PROFILEGEN_CORPUS")
    explicit = [Path(corpus) / "fixtures" / "profilemanifests"] if corpus else []
    for candidate in (*explicit, FIXTURES, REPO.parent.parent / "shared" / "fixtures" / "profilemanifests"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("fixtures/profilemanifests of the corpus not found: set PROFILEGEN_CORPUS (see tests/conftest.py)")


def time_fixture_import(source: Path, work: Path, runs: int) -> tuple[float, int]:
    times = []
    keys = 0
    for index in range(runs):
        start = time.perf_counter()
        report = import_manifests(source, work / f"fixture-{index}")
        times.append(time.perf_counter() - start)
        keys = report.keys
    return statistics.median(times), keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    source = fixtures()
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-manifests-"))
    try:
        median, keys = time_fixture_import(source, work, runs=7)
        print(
            f"import of the {len(list(source.glob('*.plist')))} fixture manifests ({keys} keys), in process: "
            f"{median * 1000:.0f} ms (median of 7)"
        )

        env = environment()
        catalogue = work / "fixture-catalogue"
        import_manifests(source, catalogue)
        repository = corpus("importing the whole ProfileManifests repository")
        if repository is not None:
            catalogue = work / "repo-catalogue"
            cli = [PYTHON, "-m", "profilegen", "catalog", "import-manifests", str(repository), "--into", str(catalogue)]
            runs = []
            for _ in range(3):
                shutil.rmtree(catalogue, ignore_errors=True)
                runs.append(wall(cli, work, env))
            print(f"import of {repository} through the CLI: {statistics.median(runs):.2f} s (median of 3)")
        domains = len(list((catalogue / "domains").glob("*.json")))
        (work / "empty" / "domains").mkdir(parents=True)
        (work / "edge.toml").write_text(EDGE_PRESET, encoding="utf-8")
        build = [
            PYTHON,
            "-m",
            "profilegen",
            "build",
            "office-volume-license-lockdown",
            "--out",
            str(work / "dist"),
            "--force",
        ]
        contenders = {
            "build, empty user catalogue": (build, work / "empty"),
            f"build, {domains}-domain user catalogue": (build, catalogue),
            f"build of an imported domain, {domains} present": (
                [
                    PYTHON,
                    "-m",
                    "profilegen",
                    "build",
                    str(work / "edge.toml"),
                    "--out",
                    str(work / "dist-edge"),
                    "--force",
                ],
                catalogue,
            ),
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for command, catalogue in contenders.values():  # warm the file cache once
            wall(command, work, {**env, "PROFILEGEN_CATALOG": str(catalogue)})
        for _ in range(args.rounds):
            for name, (command, catalogue) in contenders.items():
                times[name].append(wall(command, work, {**env, "PROFILEGEN_CATALOG": str(catalogue)}))
        medians = {name: statistics.median(values) for name, values in times.items()}
        base = medians["build, empty user catalogue"]
        for name, value in medians.items():
            print(f"{name:45s} {value * 1000:7.1f} ms  {value / base:4.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
