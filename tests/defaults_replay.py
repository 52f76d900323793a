"""Runs a generated script with stand-ins for the macOS commands, and replays what `defaults` was asked.

The replay follows `defaults`' documented argument forms (FACTS section 6): a type flag and its value, or
an XML plist fragment for arrays and dicts.
"""

from __future__ import annotations

import datetime
import json
import os
import plistlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).parent / "tools" / "bin"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    calls: list[dict[str, Any]]


def run_script(script: Path, tmp: Path, *, env: dict[str, str] | None = None) -> Run:
    log = tmp / "defaults.log"
    log.unlink(missing_ok=True)
    environment = {
        "PATH": f"{TOOLS}:/usr/bin:/bin",
        "DEFAULTS_LOG": str(log),
        "HOME": str(tmp),
        **(env or {}),
    }
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=environment, cwd=tmp,
                          timeout=60, check=False)
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return Run(done.returncode, done.stdout, done.stderr, calls)


def decode_value(words: list[str]) -> Any:
    flag, *rest = words
    if flag in ("-bool", "-boolean"):
        assert len(rest) == 1
        return {"true": True, "yes": True, "false": False, "no": False}[rest[0].lower()]
    if flag in ("-int", "-integer"):
        return int(rest[0])
    if flag == "-float":
        return float(rest[0])
    if flag == "-string":
        assert len(rest) == 1
        return rest[0]
    if flag == "-date":
        return datetime.datetime.strptime(rest[0], "%Y-%m-%d %H:%M:%S +0000")
    if flag == "-data":
        return bytes.fromhex(rest[0])
    assert not rest, f"unexpected words after a plist fragment: {rest}"
    wrapped = f'<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">{flag}</plist>'
    return plistlib.loads(wrapped.encode("utf-8"))


def replay(calls: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """domain -> key -> value, as `defaults write` would leave them."""
    settings: dict[str, dict[str, Any]] = {}
    for call in calls:
        verb, domain, key, *value = call["argv"]
        if verb == "write":
            settings.setdefault(domain, {})[key] = decode_value(value)
        elif verb == "delete":
            settings.get(domain, {}).pop(key, None)
    return settings


def profile_settings(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """domain -> key -> value carried by a profile's preference payloads (mcx or custom style)."""
    found: dict[str, dict[str, Any]] = {}
    for payload in profile["PayloadContent"]:
        if payload["PayloadType"] == "com.apple.ManagedClient.preferences":
            for domain, body in payload["PayloadContent"].items():
                for entry in body["Forced"]:
                    found.setdefault(domain, {}).update(entry["mcx_preference_settings"])
        else:
            found.setdefault(payload["PayloadType"], {}).update(
                {k: v for k, v in payload.items() if not k.startswith("Payload")})
    return found


def environ_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in names}
