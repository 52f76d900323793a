"""ProfileManifests import time, and `build` start-up with a 300-domain user catalogue present or not.

1. Import: the 17 Microsoft manifests of the fixture (in process, median of runs), then a synthetic
   repository of ``--manifests`` manifests (the fixture's, copied under new domain names) through the
   real CLI, as a stand-in for the whole ProfileManifests repository (not available offline).
2. Start-up: cold `profilegen build` of a shipped preset with PROFILEGEN_CATALOG pointing at an empty
   catalogue and at one holding ``--domains`` imported domains (copies of the imported Edge domain, the
   largest); and a preset that uses one imported domain, with that catalogue. The catalogue is read
   lazily, so the three should be within noise of each other. Medians of interleaved runs.

Run: python benchmarks/bench_manifests.py [--rounds N] [--domains N] [--manifests N]
"""

from __future__ import annotations

import argparse
import plistlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import PYTHON, REPO, environment, wall
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

[settings."org.bench.app000"]
HomepageLocation = "https://intranet.example.org"
PasswordManagerEnabled = false
"""


def fixtures() -> Path:
    for candidate in (FIXTURES, REPO.parent.parent / "shared" / "fixtures" / "profilemanifests"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("shared/fixtures/profilemanifests not found beside the repository")


def time_fixture_import(source: Path, work: Path, runs: int) -> tuple[float, int]:
    times = []
    keys = 0
    for index in range(runs):
        start = time.perf_counter()
        report = import_manifests(source, work / f"fixture-{index}")
        times.append(time.perf_counter() - start)
        keys = report.keys
    return statistics.median(times), keys


def synthetic_repository(source: Path, target: Path, count: int) -> None:
    """``count`` manifests: the fixture's, cycled, each under a domain of its own."""
    manifests = sorted(source.glob("*.plist"))
    folder = target / "Manifests" / "ManagedPreferencesApplications"
    folder.mkdir(parents=True)
    for index in range(count):
        data = plistlib.loads(manifests[index % len(manifests)].read_bytes())
        data["pfm_domain"] = f"org.bench.manifest{index:03d}"
        (folder / f"org.bench.manifest{index:03d}.plist").write_bytes(plistlib.dumps(data))


def user_catalogue(source: Path, target: Path, count: int) -> None:
    """``count`` copies of the imported Edge domain under different domain names."""
    import_manifests(source / "com.microsoft.Edge.plist", target / "seed")
    edge = (target / "seed" / "domains" / "com.microsoft.Edge.json").read_text(encoding="utf-8")
    domains = target / "big" / "domains"
    domains.mkdir(parents=True)
    for index in range(count):
        name = f"org.bench.app{index:03d}"
        (domains / f"{name}.json").write_text(edge.replace("com.microsoft.Edge", name), encoding="utf-8")
    (target / "empty" / "domains").mkdir(parents=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--domains", type=int, default=300)
    parser.add_argument("--manifests", type=int, default=280)
    args = parser.parse_args()
    source = fixtures()
    work = Path(tempfile.mkdtemp(prefix="profilegen-bench-manifests-"))
    try:
        median, keys = time_fixture_import(source, work, runs=7)
        print(
            f"import of the {len(list(source.glob('*.plist')))} fixture manifests ({keys} keys), in process: "
            f"{median * 1000:.0f} ms (median of 7)"
        )

        synthetic_repository(source, work / "repo", args.manifests)
        env = environment()
        cli = [
            PYTHON,
            "-m",
            "profilegen",
            "catalog",
            "import-manifests",
            str(work / "repo"),
            "--into",
            str(work / "repo-catalogue"),
        ]
        runs = [wall(cli, work, env) for _ in range(3)]
        print(
            f"import of a synthetic {args.manifests}-manifest repository through the CLI: "
            f"{statistics.median(runs):.2f} s (median of 3; the real repository is not available offline)"
        )

        user_catalogue(source, work / "catalogues", args.domains)
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
            "build, empty user catalogue": (build, work / "catalogues" / "empty"),
            f"build, {args.domains}-domain user catalogue": (build, work / "catalogues" / "big"),
            f"build of an imported domain, {args.domains} present": (
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
                work / "catalogues" / "big",
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
