"""Read a checkout of Apple's device-management repository and convert every payload that applies to macOS.

The only module that imports PyYAML (safe loader; its C version when built), and only when asked: no
command that reads or builds profiles comes here.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilegen.catalog.apple.convert import ConversionError, convert_payload, on_macos, platforms
from profilegen.catalog.apple.overrides import OVERRIDES_FILE, Rule, apply_rules, load_rules
from profilegen.errors import InputError
from profilegen.inspect.read import read_file

PROFILES_DIR = Path("mdm") / "profiles"
TOP_LEVEL = "TopLevel"
COMMON = "CommonPayloadKeys"
TOP_LEVEL_TYPE = "Configuration"  # the profile's own PayloadType: its schema is TopLevel.yaml
INDEX_FILE = "_index.json"
_COMMIT = re.compile(r"\b([0-9a-f]{40})\b")


@dataclass
class Conversion:
    """What a checkout converts to: schemas by payload type, and the payload types that skip macOS."""

    commit: str | None
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)  # payload type -> Apple file names
    sources: dict[str, Path] = field(default_factory=dict)  # payload type -> its first Apple file
    other_platforms: dict[str, list[str]] = field(default_factory=dict)
    other_titles: dict[str, str] = field(default_factory=dict)
    yaml_files: int = 0
    macos_files: int = 0
    keys: int = 0
    unused_rules: list[str] = field(default_factory=list)

    def index(self) -> dict[str, Any]:
        """_index.json: every payload type Apple defines, titled; for the lazy catalogue and `catalog payloads`."""
        return {
            "x-apple-commit": self.commit,
            "macos": {name: self.schemas[name].get("title", name) for name in sorted(self.schemas, key=str.lower)},
            "other": {name: {"title": self.other_titles.get(name, name), "platforms": self.other_platforms[name]}
                      for name in sorted(self.other_platforms, key=str.lower)},
        }


def profiles_dir(checkout: Path) -> Path:
    """A checkout's mdm/profiles (or that folder itself)."""
    for candidate in (checkout / PROFILES_DIR, checkout):
        if (candidate / f"{TOP_LEVEL}.yaml").is_file():
            return candidate
    raise InputError(f"no {PROFILES_DIR}/{TOP_LEVEL}.yaml here", path=checkout,
                     hint="give a checkout of https://github.com/apple/device-management")


def find_commit(checkout: Path) -> str | None:
    """The commit of the checkout: git's answer, else a 40-digit hash in SOURCE.txt (a pinned copy)."""
    source = checkout / "SOURCE.txt"
    if source.is_file():
        match = _COMMIT.search(source.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
    if (checkout / ".git").exists():
        done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=False)
        if done.returncode == 0 and _COMMIT.fullmatch(done.stdout.strip()):
            return done.stdout.strip()
    return None


def read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = read_file(path)  # bounded: a regular file, at most inspect.read.MAX_BYTES
    try:
        document = yaml.load(data.decode("utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid YAML: {exc}", path=path) from None
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        raise InputError("not an Apple payload file (no 'payload' mapping)", path=path)
    return document


def count_keys(keys: Any, inside: frozenset[int] = frozenset()) -> int:
    """Key definitions, an alias counted where it is used, a recursive one once."""
    if not isinstance(keys, list) or id(keys) in inside:
        return 0
    inside = inside | {id(keys)}
    return sum(1 + count_keys(key.get("subkeys"), inside) for key in keys if isinstance(key, dict))


def _ordered(payload_type: str, group: list[tuple[Path, dict[str, Any]]]) -> list[tuple[Path, dict[str, Any]]]:
    """The file named after the payload type first (extensiblesso before extensiblesso(kerberos))."""
    return sorted(group, key=lambda item: (item[0].stem != payload_type, item[0].name))


def convert_checkout(checkout: Path, *, descriptions: bool = False, rules: list[Rule] | None = None,
                     overrides: Path | None = None) -> Conversion:
    """Every payload of a checkout that applies to macOS, as our JSON Schemas, rules applied."""
    folder = profiles_dir(checkout)
    if rules is None:
        from profilegen.paths import schemas_dir

        rules = load_rules(overrides or schemas_dir() / OVERRIDES_FILE)
    result = Conversion(find_commit(checkout))
    groups: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    common: dict[str, Any] | None = None
    for path in sorted(folder.glob("*.yaml")):
        document = read_yaml(path)
        result.yaml_files += 1
        result.keys += count_keys(document.get("payloadkeys"))
        payload_type = str(document["payload"].get("payloadtype", path.stem))
        if path.stem == COMMON:
            common = document
            continue
        if path.stem == TOP_LEVEL:
            payload_type = TOP_LEVEL_TYPE
        elif not on_macos(document["payload"]):
            result.other_platforms[payload_type] = platforms(document["payload"])
            result.other_titles[payload_type] = str(document.get("title", payload_type))
            continue
        else:
            result.macos_files += 1
        groups.setdefault(payload_type, []).append((path, document))
    used: set[str] = set()
    all_ids = {rule.id for rule in rules}
    for payload_type, unordered in groups.items():
        group = _ordered(payload_type, unordered)
        shared = None if payload_type == TOP_LEVEL_TYPE else common
        try:
            schema = convert_payload([doc for _, doc in group], shared, commit=result.commit,
                                     descriptions=descriptions)
        except ConversionError as exc:
            raise InputError(str(exc), path=group[0][0]) from None
        schema["x-payload-type"] = payload_type
        schema["x-apple-files"] = [path.name for path, _ in group]
        mine = [rule for rule in rules if rule.payload in ("*", payload_type)]
        unused = apply_rules(schema, mine)
        used |= {rule.id for rule in mine} - set(unused)
        result.schemas[payload_type] = schema
        result.files[payload_type] = [path.name for path, _ in group]
        result.sources[payload_type] = group[0][0]
    for payload_type in result.schemas:
        result.other_platforms.pop(payload_type, None)  # a variant file that skips macOS beside one that does not
    result.unused_rules = sorted(all_ids - used)
    return result
