"""Identical small schemas of a catalogue domain read as one shared object.

A 100,000-key domain is mostly the same few property schemas written again and again
(``{"type": "boolean", "x-plist-type": "bool"}``): read as they are, they are 100,000 dicts (tens of MiB,
held beside the profile being checked). ``shared_objects()`` is a ``json.loads`` object hook that returns
the first dict read for each content instead of an equal one (profilegen.catalog.domains uses it for big
domains: ``SHARED_FROM``). Content is matched on its ``marshal`` bytes (twice as cheap as ``repr``), which
tell apart everything JSON can hold: keys in order, ``true`` from ``1``, ``1`` from ``1.0``, ``-0.0`` from
``0.0``, a string from a number. Equal bytes are equal content (``marshal.loads`` reads them back); the
bytes of equal content may differ (marshal marks objects referred to twice), which only leaves them apart.
A loaded domain is read-only: nothing that receives its schemas may change them in place (copy first), or
it changes every key that shares one.

Only a dict made of scalars, short lists of them and dicts already shared is compared: its bytes are few.
The dicts that hold the properties (the document itself) are not: spelling one out would copy the whole
file, and keep that copy as long as the table.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any

_SMALL = 64  # bigger objects (the properties, the document) are not compared: each is one of a kind


def shared_objects() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A fresh object hook for one ``json.loads`` (its table lives as long as the hook)."""
    table: dict[bytes, dict[str, Any]] = {}
    shared: set[int] = set()  # ids of the dicts in the table (which keeps them alive)

    def hook(found: dict[str, Any]) -> dict[str, Any]:
        if len(found) > _SMALL:
            return found
        for value in found.values():
            kind = type(value)
            if kind is dict:
                if id(value) not in shared:
                    return found
            elif kind is list:
                if len(value) > _SMALL:
                    return found
                for item in value:
                    kind = type(item)
                    if kind is list or (kind is dict and id(item) not in shared):
                        return found
        content = marshal.dumps(found)
        kept = table.get(content)
        if kept is None:
            kept = table[content] = found
            shared.add(id(found))
        return kept

    return hook
