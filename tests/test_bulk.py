"""Trees are built with the collector paused and then frozen (profilegen.bulk): no cyclic garbage is frozen."""

from __future__ import annotations

import gc
import plistlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from profilegen.bulk import building
from profilegen.catalog.domains import load_domain_file
from profilegen.errors import InputError
from profilegen.inspect.model import extract
from profilegen.inspect.read import load_bytes

SETTINGS = {f"Key{i}": [i, f"v{i}", {"n": i / 3}] for i in range(300)}
PROFILE = {"PayloadContent": [], "PayloadIdentifier": "com.example.p", "PayloadType": "Configuration",
           "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1,
           "Settings": SETTINGS}
XML = plistlib.dumps(PROFILE)
FILES = {
    "clean XML (expat)": XML,
    "XML with a grammar break (lxml)": XML.replace(b"<integer>1</integer>", b"<integer>one</integer>", 1),
    "XML with a comment in a value (lxml)": XML.replace(b"<string>v1</string>", b"<string>v<!-- c -->1</string>"),
    "binary": plistlib.dumps(PROFILE, fmt=plistlib.FMT_BINARY),
}


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector on and nothing frozen, as in a fresh command; restored afterwards."""
    enabled = gc.isenabled()
    gc.enable()
    gc.unfreeze()
    gc.collect()
    yield
    gc.unfreeze()
    if not enabled:
        gc.disable()


@pytest.mark.parametrize("name", list(FILES))
def test_reading_a_profile_freezes_its_tree_and_leaves_no_cyclic_garbage(name: str, collector: None) -> None:
    document = load_bytes(FILES[name], name)
    assert gc.isenabled()
    assert document.root is not None and document.root.get("Settings") is not None
    assert gc.get_freeze_count() > 3 * 300  # the tree is out of the collector's walks
    gc.unfreeze()  # whatever the reader left unreachable in a cycle would now be found
    assert gc.collect() == 0
    assert (document.tree is None) == (name.endswith("(expat)") or name == "binary")


def test_a_refused_file_restores_the_collector(collector: None) -> None:
    with pytest.raises(InputError):
        load_bytes(b"<plist><dict><key>a</key>", "broken.plist")
    assert gc.isenabled()
    with pytest.raises(ValueError), building():
        raise ValueError("the body failed")
    assert gc.isenabled()


def test_reading_a_catalogue_domain_freezes_it(tmp_path: Path, collector: None) -> None:
    path = tmp_path / "com.example.big.json"
    properties = {f"Key{i}": {"type": "integer", "minimum": i} for i in range(500)}
    path.write_text('{"x-domain": "com.example.big", "properties": ' + str(properties).replace("'", '"') + "}")
    schema = load_domain_file(path)
    assert schema.keys["Key7"].minimum == 7
    assert gc.isenabled() and gc.get_freeze_count() > 500
    gc.unfreeze()
    assert gc.collect() == 0


def test_extracting_a_profile_freezes_its_settings_and_leaves_no_cyclic_garbage(collector: None) -> None:
    payload = {"PayloadType": "com.example.app", "PayloadIdentifier": "com.example.app",
               "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1, **SETTINGS}
    document = load_bytes(plistlib.dumps({**PROFILE, "PayloadContent": [payload]}), "p.mobileconfig")
    gc.unfreeze()
    assert gc.collect() == 0
    profile = extract(document)
    assert len(profile.settings) == 300 and gc.isenabled()
    assert gc.get_freeze_count() > 3 * 300  # the settings (and the tree again) are out of the collector's walks
    gc.unfreeze()
    assert gc.collect() == 0
    del profile, document  # and once let go, nothing is left in a cycle: it is all freed by reference counts
    assert gc.collect() == 0


def test_comparing_two_profiles_freezes_its_maps_and_leaves_no_cyclic_garbage(collector: None) -> None:
    from profilegen.inspect.diff import diff

    def profile(change: int) -> bytes:
        settings = {key: (value if i % 50 else [value, {"changed": change}]) for i, (key, value)
                    in enumerate(SETTINGS.items())}
        payload = {"PayloadType": "com.example.app", "PayloadIdentifier": "com.example.app",
                   "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1, **settings}
        return plistlib.dumps({**PROFILE, "PayloadContent": [payload]})

    a, b = (extract(load_bytes(profile(n), f"{n}.mobileconfig"), strict=True) for n in (0, 1))
    gc.unfreeze()
    assert gc.collect() == 0
    changes = diff(a, b)
    assert [change.key for change in changes] == sorted(f"Key{i}" for i in range(0, 300, 50))
    assert gc.isenabled()
    walked = [o for o in gc.get_objects() if isinstance(o, dict) and "Key49" in o]  # generations 0-2
    assert walked == []  # the two maps of every key are frozen: out of the collector's walks
    gc.unfreeze()
    assert gc.collect() == 0


class _Tree:
    """A stand-in tree whose freeing a weak reference sees."""


@pytest.fixture
def holding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The state profilegen.launch sets for a process that leaves by os._exit, undone after the test."""
    from profilegen import bulk

    monkeypatch.setattr(bulk._Held, "holding", False)
    monkeypatch.setattr(bulk._Held, "trees", [])
    monkeypatch.setattr(bulk._Held, "latest", [])


def test_trees_are_held_to_the_end_only_once_the_process_has_said_so(holding: None) -> None:
    import weakref

    from profilegen.bulk import hold_to_the_end, outlive, outlive_latest

    before = _Tree()
    seen = weakref.ref(before)
    outlive(before)
    outlive_latest(_Tree())
    del before
    assert seen() is None  # an embedding program (or a test) holds nothing
    hold_to_the_end()
    kept = _Tree()
    seen = weakref.ref(kept)
    outlive(kept)
    del kept
    assert seen() is not None


def test_the_latest_tree_is_let_go_before_the_next_is_read(holding: None) -> None:
    import weakref

    from profilegen.bulk import hold_to_the_end, outlive_latest

    hold_to_the_end()
    first, second = _Tree(), _Tree()
    seen_first, seen_second = weakref.ref(first), weakref.ref(second)
    outlive_latest(first)
    del first
    assert seen_first() is not None
    outlive_latest(None)  # as lint_path does before it reads the next file: one tree held at a time
    assert seen_first() is None
    outlive_latest(second)
    del second
    assert seen_second() is not None
