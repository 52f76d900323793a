"""`show` of a big profile: written in pieces, the same text as one piece; a reader that stops early is fine."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from profilegen.catalog import load_catalog
from profilegen.inspect.model import extract
from profilegen.inspect.read import load
from profilegen.inspect.show import table_view
from tests.conftest import REPO
from tests.inspect_app import make_app


def _profile(path: Path, keys: int) -> Path:
    settings = {f"Key{i}": (f"value {i}" if i % 2 else i) for i in range(keys)}
    path.write_bytes(plistlib.dumps({
        "PayloadContent": [{"PayloadContent": {"com.example.big": {"Forced": [{"mcx_preference_settings": settings}]}},
                            "PayloadIdentifier": "com.example.big.p",
                            "PayloadType": "com.apple.ManagedClient.preferences",
                            "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1}],
        "PayloadDisplayName": "Big", "PayloadIdentifier": "com.example.big", "PayloadType": "Configuration",
        "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1}))
    return path


def test_a_big_table_written_in_pieces_reads_as_one(tmp_path: Path) -> None:
    a, b = _profile(tmp_path / "a.mobileconfig", 2500), _profile(tmp_path / "b.mobileconfig", 3)
    result = CliRunner(env={"PROFILEGEN_CATALOG": None}).invoke(make_app(), ["show", str(a), str(b)])
    assert result.exit_code == 0, result.output
    titles = load_catalog().payloads.title
    views = ["\n".join(table_view(extract(load(path), strict=True), titles)) for path in (a, b)]
    assert result.stdout == "\n\n".join(views) + "\n"
    assert result.stdout.count("com.example.big  Key") == 2503


def test_a_reader_that_stops_early_ends_show_quietly(tmp_path: Path) -> None:
    big = _profile(tmp_path / "big.mobileconfig", 60_000)  # megabytes of table: more than a pipe holds
    process = subprocess.Popen([sys.executable, "-m", "profilegen", "show", str(big)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(str(big).encode())
    process.stdout.close()  # as `| head -1` does
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert errors == b""
