"""A misshapen mcx payload's settings cannot be read: show, diff and import say so, one note line per part,
naming the payload and the path, at the line validate's mcx-shape finding gives."""

from __future__ import annotations

import json
import plistlib
import re
from pathlib import Path
from typing import Any

from tests.cli import run_cli

MCX = "com.apple.ManagedClient.preferences"
GOOD = {"com.example.good": {"Forced": [{"mcx_preference_settings": {"Shown": True}}]}}
BAD: dict[str, tuple[Any, str]] = {  # PayloadContent -> the path and problem of the note
    "content": (["not", "a", "dict"], "PayloadContent is a <array>, not a <dict>"),
    "domain": ({"com.example.a": "text"}, "PayloadContent.com.example.a is a <string>, not a <dict>"),
    "mode": ({"com.example.b": {"Often": [{"mcx_preference_settings": {"K": 1}}]}},
             "PayloadContent.com.example.b.Often is neither Forced nor Set-Once"),
    "array": ({"com.example.c": {"Forced": {"mcx_preference_settings": {"K": 1}}}},
              "PayloadContent.com.example.c.Forced is a <dict>, not an <array>"),
    "item": ({"com.example.d": {"Forced": ["text"]}},
             "PayloadContent.com.example.d.Forced[0] is a <string>, not a <dict>"),
    "settings": ({"com.example.e": {"Set-Once": [{"mcx_data_timestamp": 1}]}},
                 "PayloadContent.com.example.e.Set-Once[0] has no mcx_preference_settings"),
    "settings type": ({"com.example.f": {"Forced": [{"mcx_preference_settings": {"Ok": 1}},
                                                    {"mcx_preference_settings": [1]}]}},
                      "PayloadContent.com.example.f.Forced[1].mcx_preference_settings is a <array>, not a <dict>"),
}


def _profile(folder: Path) -> Path:
    payloads = [{"PayloadType": MCX, "PayloadIdentifier": f"org.example.m.{n}", "PayloadVersion": 1,
                 "PayloadUUID": f"A0000000-0000-4000-8000-{n:012d}", "PayloadContent": content}
                for n, content in enumerate([GOOD, *(content for content, _ in BAD.values())])]
    path = folder / "bad.mobileconfig"
    path.write_bytes(plistlib.dumps({"PayloadContent": payloads, "PayloadIdentifier": "org.example.m",
                                     "PayloadType": "Configuration", "PayloadVersion": 1,
                                     "PayloadUUID": "11111111-2222-4333-8444-555555555555"}))
    return path


def _notes(stderr: str, effect: str) -> list[tuple[int, int, str]]:
    pattern = re.compile(rf"^note: (?:.*?: )?payload (\d+) \({re.escape(MCX)}\), line (\d+): (.+): {effect} "
                         r"\(`profilegen validate .*` explains\)$")
    return [(int(m[1]), int(m[2]), m[3]) for m in map(pattern.match, stderr.splitlines()) if m]


def test_show_diff_and_import_name_each_unread_part_where_validate_does(tmp_path: Path) -> None:
    path = _profile(tmp_path)
    found = json.loads(run_cli("validate", str(path), "--format", "json").stdout)["findings"]
    shape_lines = {f["line"] for f in found if f["rule"] == "mcx-shape"}
    for fmt in ("table", "json", "text"):
        shown = run_cli("show", str(path), "--format", fmt)
        assert shown.returncode == 0, shown.stderr
        notes = _notes(shown.stderr, "not shown")
        assert [(payload, text) for payload, _line, text in notes] == [
            (n, text) for n, (_content, text) in enumerate(BAD.values(), start=2)], shown.stderr
        assert {line for _payload, line, _text in notes} <= shape_lines  # validate's lines for the same parts
        assert "Shown" in shown.stdout  # the well-shaped payload is shown as ever
    json.loads(run_cli("show", str(path), "--format", "json").stdout)  # stdout stays JSON
    compared = run_cli("diff", str(path), str(path))
    assert compared.returncode == 0, compared.stdout
    assert len(_notes(compared.stderr, "not compared")) == 2 * len(BAD)  # for each side
    imported = run_cli("import", str(path), "--save", str(tmp_path / "bad.toml"))
    assert imported.returncode == 0, imported.stderr
    assert len(_notes(imported.stderr, "not imported")) == len(BAD)


def test_a_well_shaped_profile_gets_no_note(tmp_path: Path) -> None:
    good = tmp_path / "good.mobileconfig"
    good.write_bytes(plistlib.dumps({"PayloadContent": [{
        "PayloadType": MCX, "PayloadIdentifier": "org.example.g.1", "PayloadVersion": 1,
        "PayloadUUID": "A0000000-0000-4000-8000-000000000001", "PayloadContent": GOOD}],
        "PayloadIdentifier": "org.example.g", "PayloadType": "Configuration", "PayloadVersion": 1,
        "PayloadUUID": "11111111-2222-4333-8444-555555555555"}))
    for command in (["show", str(good)], ["diff", str(good), str(good)]):
        done = run_cli(*command)
        assert done.returncode == 0 and "note:" not in done.stderr, done.stderr
