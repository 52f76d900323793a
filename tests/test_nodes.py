"""Trees of binary plists (nodes.from_python): plistlib's own containers are the plain values when they can be."""

from __future__ import annotations

import plistlib

from profilegen.inspect.nodes import from_python
from profilegen.inspect.read import load_bytes

VALUE = {"PayloadContent": [{"Name": "n", "Data": b"\x00\x01", "Nested": {"List": [1, 2.5, True]}}],
         "PayloadIdentifier": "com.example.p", "PayloadType": "Configuration",
         "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1}


def test_a_binary_profile_reads_as_plistlib_reads_it() -> None:
    data = plistlib.dumps(VALUE, fmt=plistlib.FMT_BINARY)
    root = load_bytes(data, "p.mobileconfig").root
    assert root is not None and root.value == plistlib.loads(data) == VALUE
    content = root.get("PayloadContent")
    assert content is not None and content.value == VALUE["PayloadContent"] and content.items[0].kind == "dict"


def test_keys_and_values_plist_cannot_hold_are_read_as_before() -> None:
    read = from_python({1: "one", "data": bytearray(b"x"), "list": [bytearray(b"y"), "z"]}, "p.plist")
    assert read.value == {"1": "one", "data": b"x", "list": [b"y", "z"]}
    assert [type(item) for item in read.value["list"]] == [bytes, str]
    assert [entry.key for entry in read.entries] == ["1", "data", "list"]
