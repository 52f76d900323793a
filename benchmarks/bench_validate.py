"""`validate` of a profile with 1k, 10k and 100k keys against `plistlib.loads` of the same file.

Target (issue 4): at 10k keys, validate takes at most 4x plistlib.loads; time grows linearly with size.
Validate here is the whole job: read the file, parse it safely with lxml, check the plist grammar
(RELAX NG), run every rule, and check every value against a catalogue that knows every key (type,
JSON Schema). Run from the repository root: python -m benchmarks.bench_validate [--quick]
"""

from __future__ import annotations

import json
import plistlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from profilegen.catalog import load_catalog
from profilegen.inspect.lint import lint_path

DOMAIN = "com.example.bench"
TYPES: list[tuple[str, dict[str, Any], Callable[[int], Any]]] = [
    ("bool", {"type": "boolean"}, lambda i: i % 2 == 0),
    ("integer", {"type": "integer", "minimum": 0}, lambda i: i),
    ("string", {"type": "string", "enum": ["Fast", "Slow"]}, lambda i: "Fast" if i % 3 else "Slow"),
    ("real", {"type": "number"}, lambda i: i / 7),
]


def make(tmp: Path, keys: int) -> tuple[Path, Path]:
    """A one-payload mcx profile with ``keys`` settings, and a catalogue that knows each of them."""
    settings: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for i in range(keys):
        kind, schema, value = TYPES[i % len(TYPES)]
        settings[f"Key{i}"] = value(i)
        properties[f"Key{i}"] = {**schema, "x-plist-type": kind}
    profile = {
        "PayloadContent": [
            {
                "PayloadContent": {DOMAIN: {"Forced": [{"mcx_preference_settings": settings}]}},
                "PayloadIdentifier": "com.example.bench.payload",
                "PayloadType": "com.apple.ManagedClient.preferences",
                "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001",
                "PayloadVersion": 1,
            }
        ],
        "PayloadDisplayName": "Benchmark",
        "PayloadIdentifier": "com.example.bench",
        "PayloadType": "Configuration",
        "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000",
        "PayloadVersion": 1,
    }
    path = tmp / f"bench-{keys}.mobileconfig"
    path.write_bytes(plistlib.dumps(profile))
    root = tmp / f"catalog-{keys}"
    (root / "domains").mkdir(parents=True)
    (root / "domains" / f"{DOMAIN}.json").write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "x-domain": DOMAIN,
                "x-versioned-by": "office",
                "title": "bench",
                "properties": properties,
            }
        )
    )
    return path, root


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    print(f"{'keys':>8} {'bytes':>11} {'plistlib.loads':>15} {'validate':>10} {'ratio':>6} {'us/key':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for keys in sizes:
            path, root = make(Path(folder), keys)
            data = path.read_bytes()
            repeat = 7 if keys <= 10_000 else 3
            catalog = load_catalog(root=root)
            findings = lint_path(path, catalog)  # warm: grammar compiled, domain and validator loaded
            assert all(f.rule == "intune-size" for f in findings), findings[:3]  # 100k keys: over 1 MB
            loads = best(lambda data=data: plistlib.loads(data), repeat)  # type: ignore[misc]
            validate = best(lambda path=path, catalog=catalog: lint_path(path, catalog), repeat)  # type: ignore[misc]
            print(
                f"{keys:>8} {len(data):>11,} {loads * 1000:>12.1f} ms {validate * 1000:>7.1f} ms "
                f"{validate / loads:>5.2f}x {validate / keys * 1e6:>6.2f}"
            )


if __name__ == "__main__":
    main()
