"""XML plists read with a hardened lxml parser into a line-numbered tree.

Files come from anywhere: no entity is expanded, no DTD loaded, nothing fetched from disk or network.
A DOCTYPE with an internal subset (where entities are declared: "billion laughs", external entities) is
refused before lxml sees the bytes; the tree is checked again after parsing.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any

from profilegen.bulk import building
from profilegen.errors import InputError
from profilegen.inspect.fastplist import date_value, fast_parse
from profilegen.inspect.nodes import INVALID, ArrayNode, DictNode, Entry, Node, kept
from profilegen.record import Record

_SCALARS = {"string", "integer", "real", "true", "false", "date", "data"}


class Issue(Record):
    """Something the converter had to skip: a plist grammar break found while reading."""

    line: int | None
    message: str


class XmlPlist:
    __slots__ = ("encoding", "issues", "repeats", "root", "tree")

    def __init__(self, root: Node | None, tree: Any, encoding: str | None, repeats: bool | None = None) -> None:
        self.root = root  # None when the document holds no value at all
        self.tree = tree  # the lxml ElementTree, for the grammar check; None when the fast reader found it clean
        self.encoding = encoding  # as declared in the XML declaration (or detected)
        self.repeats = repeats  # a <dict> gives a key twice: True, False, or None when the reader did not see
        self.issues: list[Issue] = []


def check_prolog(data: bytes, path: str) -> None:
    """Refuse a DOCTYPE with an internal subset (entity declarations) before any parser sees it."""
    head = _decode_head(data)
    start = head.find("<!DOCTYPE")
    if start < 0:
        if "<!ENTITY" in head:
            raise _unsafe(path, "an entity declaration")
        return
    quote = ""
    for char in head[start + len("<!DOCTYPE") :]:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "[":
            raise _unsafe(path, "a DOCTYPE with an internal subset (entity declarations)")
        elif char == ">":
            return
    raise _unsafe(path, "an unterminated DOCTYPE")


def _decode_head(data: bytes) -> str:
    """The prolog as text: enough of the file to hold any DOCTYPE (it must precede the root element)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and 0 in data[:2]):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("latin-1")  # byte-transparent; markup is ASCII in UTF-8 and Latin-1 alike
    root = _first_element(text)
    return text if root < 0 else text[:root]


def _first_element(text: str) -> int:
    """Index of the root element's ``<``: the first ``<`` followed by a name character."""
    index = text.find("<")
    while index >= 0:
        following = text[index + 1 : index + 2]
        if following.isalpha() or following in ("_", ":"):
            return index
        index = text.find("<", index + 1)
    return -1


def _unsafe(path: str, what: str) -> InputError:
    return InputError(
        f"refused: the XML contains {what}; profilegen never expands entities or loads DTDs",
        path=path,
        hint="a configuration profile needs no DOCTYPE subset; remove it, or get the file from its source",
    )


def parse(data: bytes, path: str) -> XmlPlist:
    """Parse ``data`` (an XML plist) safely into a line-numbered tree: a clean one with expat (fastplist),
    any other with lxml, keeping its tree for the grammar check."""
    check_prolog(data, path)
    with building():  # the tree lives as long as the command and holds no cycle (profilegen.bulk)
        fast = fast_parse(data)
        if fast is not None:
            return XmlPlist(root=fast[0], tree=None, encoding=fast[1], repeats=fast[2])
        return _parse_carefully(data, path)


def _parse_carefully(data: bytes, path: str) -> XmlPlist:
    root = parse_element(data, path)
    result = XmlPlist(root=None, tree=root.getroottree(), encoding=root.getroottree().docinfo.encoding)
    value_element = root
    if root.tag == "plist":
        children = [child for child in root if isinstance(child.tag, str)]
        if not children:
            result.issues.append(Issue(root.sourceline, "<plist> holds no value"))
            return result
        if len(children) > 1:
            result.issues.append(Issue(children[1].sourceline, "<plist> holds more than one value"))
        value_element = children[0]
    else:
        result.issues.append(Issue(root.sourceline, f"the root element is <{root.tag}>, not <plist>"))
    result.root = _convert(value_element, result.issues)
    return result


def parse_element(data: bytes, path: str) -> Any:
    """Any untrusted XML document (a plist, a server's answer), parsed safely: its lxml root element.

    The same guards whatever the encoding: the prolog check decodes UTF-16 before looking for a DTD.
    """
    from lxml import etree

    check_prolog(data, path)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = f"line {error.lineno}: " if error.lineno else ""
        raise InputError(f"not well-formed XML: {line}{error.msg}", path=path) from None
    if next(root.iter(etree.Entity), None) is not None:
        raise _unsafe(path, "an entity reference")
    return root


def _convert(element: Any, issues: list[Issue]) -> Node:
    tag = element.tag
    line = element.sourceline
    if tag == "dict":
        return _convert_dict(element, issues)
    if tag == "array":
        items = [_convert(child, issues) for child in element if isinstance(child.tag, str)]
        return ArrayNode(line, [item.value for item in items], kept(items))
    if tag in _SCALARS:
        if len(element):
            issues.append(Issue(line, f"<{tag}> holds elements; it takes text only"))
        return _convert_scalar(tag, element.text or "", line, issues)
    issues.append(Issue(line, f"<{tag}> is not a plist element"))
    return Node(INVALID, line, "")


def _convert_dict(element: Any, issues: list[Issue]) -> Node:
    entries: list[Entry] = []
    plain: dict[str, Any] = {}
    key: str | None = None
    key_line: int | None = None
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        if child.tag == "key":
            if key is not None:
                issues.append(Issue(key_line, f"<key>{key}</key> has no value"))
            key, key_line = child.text or "", child.sourceline
            continue
        value = _convert(child, issues)
        if key is None:
            issues.append(Issue(child.sourceline, f"<{child.tag}> in a <dict> has no <key> before it"))
            continue
        entries.append(Entry(key, key_line, value))
        plain[key] = value.value
        key = None
    if key is not None:
        issues.append(Issue(key_line, f"<key>{key}</key> has no value"))
    return DictNode(element.sourceline, plain, kept(entries))


def _convert_scalar(tag: str, text: str, line: int | None, issues: list[Issue]) -> Node:
    # The same readings as plistlib's XML parser, so both see the same values.
    if tag == "string":
        return Node("string", line, text)
    try:
        if tag == "integer":
            raw = text.strip()
            number = int(raw, 16) if raw[:2] in ("0x", "0X") else int(raw)
            return Node("integer", line, number)
        if tag == "real":
            return Node("real", line, float(text))
        if tag in ("true", "false"):
            if text.strip():
                issues.append(Issue(line, f"<{tag}/> takes no text"))
            return Node("bool", line, tag == "true")
        if tag == "date":
            moment = date_value(text.strip()) or datetime.datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%SZ")
            return Node("date", line, moment)
        return Node("data", line, base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, binascii.Error):
        issues.append(Issue(line, f"<{tag}>{text.strip()[:40]}</{tag}> is not a valid {tag}"))
        return Node(INVALID, line, text)
