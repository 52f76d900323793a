"""A plist value tree that remembers where each value came from (its line in the XML source).

plistlib gives values only; findings need ``file:line`` and must see a key given twice in one ``<dict>``
(plistlib silently keeps the last), so the reader builds this tree and derives plain values from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from profilegen.errors import InputError
from profilegen.limits import MAX_DEPTH
from profilegen.plisttypes import plist_type_of

# Plist element names, as in the XML form; also the names `show` prints.
KINDS = ("dict", "array", "string", "integer", "real", "bool", "date", "data")
INVALID = "invalid"  # an element the reader could not read (a plist grammar break); its text is kept

MAX_NODES = 2_000_000  # a 10 MB XML file cannot hold more; a binary plist with shared references could


# Plain classes, not dataclasses: defining a dataclass compiles code (~0.5 ms each at every cold start).
class Entry:
    """One ``<key>`` of a dict and its value, in document order (duplicates kept).

    The key's line is kept as its distance to the value's (0 or 1 mostly: a cached small int), not as a
    number of its own: a line over 256 is a 32-byte object, and a big profile has one per key.
    """

    __slots__ = ("_gap", "key", "node")

    def __init__(self, key: str, line: int | None, node: Node) -> None:
        self.key = key
        self.node = node
        at = node.line
        # the gap (>= 0), or the line itself as ~line (< 0) when the value has no line or is far away
        self._gap = None if line is None else at - line if at is not None and 0 <= at - line <= 256 else ~line

    @property
    def line(self) -> int | None:
        gap = self._gap
        if gap is None:
            return None
        at = self.node.line
        return at - gap if gap >= 0 and at is not None else ~gap


class Node:
    """One plist value; ``value`` is the plain Python value (for a dict: the last value of each key wins).

    A scalar is a Node; a dict is a DictNode and an array an ArrayNode, the only ones with a slot for their
    children: a 100,000-key profile is mostly scalars, and two empty slots each are megabytes.
    """

    __slots__ = ("kind", "line", "value")

    entries: Sequence[Entry] = ()  # dict only, in document order
    items: Sequence[Node] = ()  # array only

    def __init__(self, kind: str, line: int | None, value: Any) -> None:
        self.kind = kind
        self.line = line
        self.value = value

    def get(self, key: str) -> Node | None:
        """The node of ``key`` in a dict (the last one, like plistlib), or None."""
        found = None
        for entry in self.entries:
            if entry.key == key:
                found = entry.node
        return found

    def key_line(self, key: str) -> int | None:
        """The line of ``<key>key</key>`` (the last one), else the dict's own line."""
        line = self.line
        for entry in self.entries:
            if entry.key == key:
                line = entry.line
        return line


class DictNode(Node):
    __slots__ = ("entries",)

    def __init__(self, line: int | None, value: dict[str, Any], entries: Sequence[Entry]) -> None:
        self.kind = "dict"
        self.line = line
        self.value = value
        self.entries = entries


class ArrayNode(Node):
    __slots__ = ("items",)

    def __init__(self, line: int | None, value: list[Any], items: Sequence[Node]) -> None:
        self.kind = "array"
        self.line = line
        self.value = value
        self.items = items


_TUPLED = 256


def kept(children: list[Any]) -> Sequence[Any]:
    """A container's children as a node keeps them: a small one's as a tuple (a list keeps room to grow, 32
    bytes a container, and most containers are small), a big one's in its own list: copying 100,000
    children into a tuple touches each once more (a reference count), long after it left the cache."""
    return tuple(children) if len(children) < _TUPLED else children


class _Budget:
    def __init__(self, path: str, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.count = 0

    def spend(self, depth: int) -> None:
        self.count += 1
        if self.count > self.limit:
            raise InputError(
                f"the plist expands to more than {self.limit:,} values (shared or circular references)",
                path=self.path,
                hint="this is not a configuration profile; do not deploy it",
            )
        if depth > MAX_DEPTH:
            raise InputError(
                f"the plist nests deeper than {MAX_DEPTH} levels", path=self.path, hint="not a profile"
            )


def from_python(value: object, path: str, *, limit: int = MAX_NODES) -> Node:
    """A tree without line numbers, for binary plists (plistlib already parsed them).

    Each reference in a binary plist takes at least one byte, so a caller passes the file size as
    ``limit``: a tree with more values than that is made of shared references (a "billion laughs").
    """
    budget = _Budget(path, limit)
    return _from_python(value, budget, 0)


def _from_python(value: object, budget: _Budget, depth: int) -> Node:
    # A container's plain value is plistlib's own when its children's values are theirs (str keys): a
    # second copy of every dict and list is megabytes in a big profile. (Nothing changes a plain value.)
    budget.spend(depth)
    if isinstance(value, dict):
        entries: list[Entry] = []
        same = type(value) is dict
        for key, item in value.items():
            child = _from_python(item, budget, depth + 1)
            entries.append(Entry(str(key), None, child))
            same = same and type(key) is str and child.value is item
        return DictNode(None, value if same else {e.key: e.node.value for e in entries}, kept(entries))
    if isinstance(value, list):
        items = kept([_from_python(item, budget, depth + 1) for item in value])
        same = type(value) is list and all(node.value is item for node, item in zip(items, value, strict=True))
        return ArrayNode(None, value if same else [node.value for node in items], items)
    if isinstance(value, bytearray):
        value = bytes(value)
    try:
        kind = plist_type_of(value)
    except TypeError:  # plistlib.UID: a keyed archive's reference, which show, diff and import cannot carry
        raise InputError(
            "the binary plist holds a keyed-archive reference (UID), which no configuration profile holds",
            path=budget.path,
            hint="this is an NSKeyedArchiver file, not a profile",
        ) from None
    return Node(kind, None, value)
