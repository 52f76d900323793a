"""A user catalogue's references resolve inside its own schema: nothing is fetched, from a server or a file.

A loopback HTTP server stands where an attacker's would: it must see no request at all.
"""

from __future__ import annotations

import json
import plistlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from profilegen.catalog import DomainSchema
from profilegen.errors import InputError
from profilegen.validation import violations
from tests.cli import run_cli
from tests.mdm_servers import FakeJamf, running

DOMAIN = "org.example.refs"


@pytest.fixture
def server() -> Iterator[FakeJamf]:
    with running(FakeJamf) as fake:  # any loopback HTTP server that records what it is asked
        yield fake


def _catalogue(tmp_path: Path, properties: dict[str, Any], **extra: Any) -> Path:
    folder = tmp_path / "catalog" / "domains"
    folder.mkdir(parents=True)
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                "title": "Refs", "properties": properties, **extra}
    (folder / f"{DOMAIN}.json").write_text(json.dumps(document))
    return tmp_path / "catalog"


def _preset(tmp_path: Path, settings: str) -> Path:
    path = tmp_path / "refs.toml"
    path.write_text(f'format = 1\n[profile]\nidentifier = "com.example.refs"\n[settings."{DOMAIN}"]\n{settings}')
    return path


@pytest.mark.parametrize("reference", ["{server}/x.json", "file:///etc/passwd", "other.json",
                                       "//127.0.0.1/x.json", "urn:x:y"])
def test_a_reference_outside_the_schema_is_refused_when_the_catalogue_is_loaded(
        tmp_path: Path, server: FakeJamf, reference: str) -> None:
    reference = reference.format(server=server.url)
    catalogue = _catalogue(tmp_path, {"Level": {"type": "object", "properties": {"N": {"$ref": reference}}}})
    done = run_cli("build", str(_preset(tmp_path, "Level = { N = 1 }\n")), "--catalog", str(catalogue),
                   "--out", str(tmp_path / "dist"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and "jsonschema_rs" not in done.stderr
    schema_file = catalogue / "domains" / f"{DOMAIN}.json"
    assert done.stderr.startswith(f"profilegen: error: {schema_file}: /properties/Level/properties/N/$ref = ")
    assert "refers outside this file" in done.stderr
    assert server.seen == []
    assert not (tmp_path / "dist").exists()


def test_validate_refuses_it_too(tmp_path: Path, server: FakeJamf) -> None:
    catalogue = _catalogue(tmp_path, {"N": {"$dynamicRef": f"{server.url}/meta.json"}})
    done = run_cli("validate", str(_preset(tmp_path, "N = 1\n")), "--catalog", str(catalogue))
    assert done.returncode != 0
    assert "refers outside this file" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert server.seen == []


def test_references_inside_the_schema_still_work(tmp_path: Path) -> None:
    catalogue = _catalogue(
        tmp_path,
        {"Mode": {"$ref": "#/$defs/mode"}, "Other": {"$ref": "#/properties/Mode"}},
        **{"$id": "http://127.0.0.1:9/base/", "$defs": {"mode": {"type": "string", "enum": ["a", "b"]}}},
    )
    done = run_cli("build", str(_preset(tmp_path, 'Mode = "a"\nOther = "b"\n')), "--catalog", str(catalogue),
                   "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    profile = plistlib.loads((tmp_path / "dist" / "refs.mobileconfig").read_bytes())
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadContent"][DOMAIN]["Forced"][0]["mcx_preference_settings"] == {"Mode": "a", "Other": "b"}
    refused = run_cli("build", str(_preset(tmp_path, 'Mode = "c"\n')), "--catalog", str(catalogue),
                      "--out", str(tmp_path / "dist2"))
    assert refused.returncode == 4 and f"{DOMAIN}:Mode = \"c\" (from settings) is not allowed" in refused.stderr


def test_the_validator_itself_fetches_nothing(tmp_path: Path, server: FakeJamf) -> None:
    # A schema that did not come through the loader's check: the validator's retriever refuses.
    schema = DomainSchema({"type": "object", "properties": {"N": {"$ref": f"{server.url}/x.json"}}},
                          tmp_path / "made-up.json")
    with pytest.raises(InputError) as caught:
        violations(schema, {"N": 1})
    message = caught.value.render()
    assert message.startswith(f"{tmp_path / 'made-up.json'}: the schema cannot be used: ")
    assert "profilegen does not fetch" in message
    assert server.seen == []


def test_a_broken_internal_pointer_is_a_message(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, {"N": {"$ref": "#/$defs/missing"}})
    done = run_cli("build", str(_preset(tmp_path, "N = 1\n")), "--catalog", str(catalogue),
                   "--out", str(tmp_path / "dist"))
    assert done.returncode == 3, done.stderr
    assert "the schema cannot be used" in done.stderr and "Traceback" not in done.stderr


def test_a_schema_nested_past_the_json_reader_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "catalog" / "domains"
    folder.mkdir(parents=True)
    (folder / f"{DOMAIN}.json").write_text('{"properties": {"N": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    done = run_cli("build", str(_preset(tmp_path, "N = 1\n")), "--catalog", str(tmp_path / "catalog"),
                   "--out", str(tmp_path / "dist"))
    assert done.returncode == 3, done.stderr
    assert "nests too deeply" in done.stderr and "Traceback" not in done.stderr
