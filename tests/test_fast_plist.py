"""The fast reader (expat) against the careful one (lxml + RELAX NG): the same tree, the same findings.

Each document below is a clean generated profile with one hostile or unusual change. For every one,
`validate` must report exactly what it reports when the fast reader is switched off; where the fast
reader takes a document, the careful reader must find no grammar break in it and build the same tree.
"""

from __future__ import annotations

import datetime
import json
import plistlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from profilegen.inspect import xmlplist
from profilegen.inspect.fastplist import fast_parse
from profilegen.inspect.grammar import grammar_errors
from profilegen.inspect.lint import lint_path
from profilegen.inspect.nodes import Node
from profilegen.inspect.read import load
from tests.inspect_app import make_app

SETTINGS: dict[str, Any] = {
    "Flag": True, "Off": False, "Count": 42, "Negative": -7, "Ratio": 0.25, "Name": "Fast & <loud>",
    "When": datetime.datetime(2026, 3, 4, 5, 6, 7), "Blob": b"\x00\x01binary", "List": ["a", 1, {"x": []}],
    "Empty": {}, "Unicode": "caf\u00e9 \u2603", "Spaces": "  padded  ",
}
BASE = plistlib.dumps({
    "PayloadContent": [{"PayloadContent": {"com.microsoft.Word": {"Forced": [{"mcx_preference_settings": SETTINGS}]}},
                        "PayloadIdentifier": "com.example.p", "PayloadType": "com.apple.ManagedClient.preferences",
                        "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001", "PayloadVersion": 1},
                       {"PayloadIdentifier": "com.example.dock", "PayloadType": "com.apple.dock",
                        "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000002", "PayloadVersion": 1, "tilesize": 48}],
    "PayloadDisplayName": "Fast", "PayloadIdentifier": "com.example", "PayloadType": "Configuration",
    "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1,
})
COUNT = b"<integer>42</integer>"
NAME = b"<string>Fast &amp; &lt;loud&gt;</string>"
CHANGES: dict[str, tuple[bytes, bytes]] = {
    "clean": (b"", b""),
    "integer plus hex": (COUNT, b"<integer>+0x1F</integer>"),
    "integer hex": (COUNT, b"<integer>0x1F</integer>"),
    "integer padded": (COUNT, b"<integer> 42 </integer>"),
    "integer spaced": (COUNT, b"<integer>4 2</integer>"),
    "integer underscore": (COUNT, b"<integer>4_2</integer>"),
    "integer arabic digits": (COUNT, "<integer>\u0664\u0662</integer>".encode()),
    "integer empty": (COUNT, b"<integer/>"),
    "real word": (b"<real>0.25</real>", b"<real>Infinity</real>"),
    "real bad": (b"<real>0.25</real>", b"<real>1e</real>"),
    "real nan": (b"<real>0.25</real>", b"<real>nan</real>"),
    "date short": (b"2026-03-04T05:06:07Z", b"2026-3-4T5:06:07Z"),
    "date impossible": (b"2026-03-04T05:06:07Z", b"2026-02-30T05:06:07Z"),
    "date leap second": (b"2026-03-04T05:06:07Z", b"2026-03-04T05:06:60Z"),
    "date padded": (b"<date>2026-03-04T05:06:07Z", b"<date> 2026-03-04T05:06:07Z "),
    "data bad": (b"AAFiaW5hcnk=", b"AAFiaW5hcnk"),
    "data nbsp": (b"AAFiaW5hcnk=", "AAFi\u00a0aW5hcnk=".encode()),
    "true with text": (b"<true/>", b"<true>yes</true>"),
    "true with space": (b"<true/>", b"<true> </true>"),
    "text in dict": (b"<key>Count</key>", b"stray<key>Count</key>"),
    "nbsp in dict": (b"<key>Count</key>", "\u00a0<key>Count</key>".encode()),
    "key in array": (b"<string>a</string>", b"<key>a</key>"),
    "duplicate key": (b"<key>Off</key>", b"<key>Flag</key>"),
    "key without value": (COUNT, b""),
    "value without key": (b"<key>Count</key>", b""),
    "unknown element": (COUNT, b"<number>42</number>"),
    "element in string": (NAME, b"<string>a<b/>c</string>"),
    "comment in string": (NAME, b"<string>a<!-- c -->b</string>"),
    "comment in key": (b"<key>Count</key>", b"<key>Co<!-- c -->unt</key>"),
    "comment in dict": (b"<key>Count</key>", b"<!-- note --><key>Count</key>"),
    "processing instruction": (NAME, b"<string>a<?pi x?>b</string>"),
    "cdata": (NAME, b"<string><![CDATA[Fast & <loud>]]></string>"),
    "character reference": (NAME, b"<string>&#x46;ast</string>"),
    "entity reference": (NAME, b"<string>&nbsp;</string>"),
    "attribute": (COUNT, b'<integer base="10">42</integer>'),
    "multi-line start tag": (b"<dict>\n\t<key>PayloadContent", b"<dict\n>\n\t<key>PayloadContent"),
    "multi-line key tag": (b"<key>Count</key>", b"<key\n\n>Count</key>"),
    "plist version": (b'<plist version="1.0">', b'<plist version="2.0">'),
    "plist no version": (b'<plist version="1.0">', b"<plist>"),
    "plist other attribute": (b'<plist version="1.0">', b'<plist version="1.0" lang="en">'),
    "root not plist": (b'<plist version="1.0">', b'<plist version="1.0"><wrapper>'),
    "two values": (b"</dict>\n</plist>", b"</dict>\n<string>more</string>\n</plist>"),
    "no doctype": (b"<!DOCTYPE", b"<!-- DOCTYPE"),
    "lowercase encoding": (b'encoding="UTF-8"', b'encoding="utf-8"'),
    "latin-1 encoding": (b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
    "no declaration": (b'<?xml version="1.0" encoding="UTF-8"?>\n', b""),
    "bom": (b"<?xml", b"\xef\xbb\xbf<?xml"),
    "not well-formed": (b"</dict>\n</plist>", b"</dict>\n</plis>"),
    "crlf": (b"\n", b"\r\n"),
    "deep": (COUNT, b"<array>" * 70 + b"<true/>" + b"</array>" * 70),
}


def variants() -> list[tuple[str, bytes]]:
    found = []
    for name, (old, new) in CHANGES.items():
        if name == "clean":
            found.append((name, BASE))
            continue
        assert old in BASE, name
        data = BASE.replace(old, new) if name == "crlf" else BASE.replace(old, new, 1)
        if name == "root not plist":
            data = data.replace(b"</plist>", b"</wrapper></plist>")
        found.append((name, data))
    found.append(("utf-16", BASE.replace(b"UTF-8", b"UTF-16").decode().encode("utf-16")))
    return found


def _shape(node: Node) -> Any:
    return (node.kind, node.line, repr(node.value), [(e.key, e.line, _shape(e.node)) for e in node.entries],
            [_shape(item) for item in node.items])


@pytest.mark.parametrize(("name", "data"), variants(), ids=[name for name, _ in variants()])
def test_fast_reader_loses_no_finding(name: str, data: bytes, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.mobileconfig"
    path.write_bytes(data)
    fast = [f.render() for f in lint_path(path)]
    monkeypatch.setattr(xmlplist, "fast_parse", lambda _data: None)
    careful = [f.render() for f in lint_path(path)]
    assert fast == careful
    taken = fast_parse(data)
    if taken is not None:  # the fast reader took it: the careful one sees a clean plist and the same tree
        parsed = xmlplist.parse(data, str(path))
        assert parsed.issues == [] and grammar_errors(parsed.tree) == []
        assert parsed.root is not None and _shape(taken[0]) == _shape(parsed.root)
        assert taken[1] == parsed.encoding
        # it says a <dict> repeats a key exactly when there is a duplicate-key finding (else lint skips the walk)
        assert taken[2] == any("[duplicate-key]" in line for line in careful)


def test_the_fast_reader_takes_clean_profiles_and_leaves_hostile_ones() -> None:
    taken = {name for name, data in variants() if fast_parse(data) is not None}
    assert {"clean", "comment in dict", "cdata", "crlf", "bom", "no declaration", "integer hex",
            "duplicate key"} <= taken
    assert not taken & {"integer plus hex", "text in dict", "nbsp in dict", "key in array", "plist version",
                        "entity reference", "comment in string", "deep", "utf-16", "latin-1 encoding",
                        "multi-line start tag"}


@pytest.mark.parametrize("reader", ["fast", "careful"])
def test_a_key_far_above_its_value_is_told_on_its_own_line(reader: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A key's line is kept as its distance to its value's line while that is short: a long one is kept whole."""
    data = BASE.replace(b"<key>Off</key>", b"<key>Flag</key>" + b"\n" * 300, 1)  # Flag twice, far from its value
    lines = data.split(b"\n")
    first, second = [number for number, line in enumerate(lines, start=1) if b"<key>Flag</key>" in line]
    path = tmp_path / "p.mobileconfig"
    path.write_bytes(data)
    if reader == "careful":
        monkeypatch.setattr(xmlplist, "fast_parse", lambda _data: None)
    assert (load(path).tree is None) == (reader == "fast")  # the careful reader keeps its lxml tree
    duplicate = [f for f in lint_path(path) if f.rule == "duplicate-key"]
    assert [(f.line, f.message.split(";")[0]) for f in duplicate] == [
        (second, f"key 'Flag' appears twice in this <dict> (first on line {first})")]
    shown = json.loads(CliRunner().invoke(make_app(), ["show", "--format", "json", str(path)]).stdout)
    flags = [s["line"] for s in shown["profiles"][0]["settings"] if s["key"] == "Flag"]
    assert flags == [first, second] and lines[second + 300].strip() == b"<false/>"


def test_more_keys_than_the_reader_keeps_once_read_as_the_careful_reader_reads_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from profilegen.inspect.fastplist import _KEPT_KEYS

    value: dict[str, Any] = {f"Key{i}": [{"Name": f"n{i}", "Size": i}] for i in range(_KEPT_KEYS + 100)}
    value["Last"] = {"Name": "end"}  # a repeated key met after the table is full
    data = plistlib.dumps(value)
    taken = fast_parse(data)
    assert taken is not None
    assert taken[0].value == plistlib.loads(data)
    monkeypatch.setattr(xmlplist, "fast_parse", lambda _data: None)
    careful = xmlplist.parse(data, "p.plist").root
    assert careful is not None and _shape(taken[0]) == _shape(careful)


def test_a_key_repeated_deep_in_an_array_is_found_after_the_fast_read(tmp_path: Path) -> None:
    """The fast reader tells lint whether any <dict> repeats a key, so that a clean file skips the walk: a
    repeat three containers down (a dict in an array in a dict) must still be seen and reported."""
    data = BASE.replace(b"<dict>\n\t\t\t\t\t\t\t\t\t\t<key>x</key>", b"<dict>\n<key>y</key><true/><key>y</key><false/>"
                        b"\n\t\t\t\t\t\t\t\t\t\t<key>x</key>", 1)
    assert data != BASE
    path = tmp_path / "p.mobileconfig"
    path.write_bytes(data)
    taken = fast_parse(data)
    assert taken is not None and taken[2] is True and load(path).repeats is True
    line = data.split(b"\n").index(b"<key>y</key><true/><key>y</key><false/>") + 1
    assert [(f.rule, f.line) for f in lint_path(path) if f.rule == "duplicate-key"] == [("duplicate-key", line)]
    clean = tmp_path / "clean.mobileconfig"
    clean.write_bytes(BASE)
    assert load(clean).repeats is False and not [f for f in lint_path(clean) if f.rule == "duplicate-key"]
