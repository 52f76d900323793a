"""Identical small schemas of a catalogue domain read as one shared object.

A 100,000-key domain is mostly the same few property schemas written again and again
(``{"type": "boolean", "x-plist-type": "bool"}``): read as they are, they are 100,000 dicts (tens of MiB,
held beside the profile being checked). ``shared_objects()`` is a ``json.loads`` object hook that returns
the first dict read for each content instead of an equal one. Only dicts of scalars, lists of scalars and
dicts shared already are shared, matched on their exact content: keys in order, and each value's type
(``true`` is not ``1``, ``1`` is not ``1.0``, ``-0.0`` is not ``0.0``). A loaded domain is read-only:
nothing that receives its schemas may change them in place (copy first), or it changes every key sharing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SCALARS = frozenset((str, int, bool, type(None)))  # floats are matched on their exact bits (hex)


def shared_objects() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A fresh object hook for one ``json.loads`` (its table lives as long as the hook)."""
    seen: dict[Any, dict[str, Any]] = {}  # by (items, their types)
    seen_exact: dict[Any, dict[str, Any]] = {}  # by (key, type, value) parts
    shared: set[int] = set()  # ids of the dicts in ``seen``, which keeps them alive

    def exact(found: dict[str, Any]) -> dict[str, Any]:
        """Content holding floats, lists or dicts: matched part by part."""
        parts: list[Any] = []
        for key, value in found.items():
            kind = type(value)
            if kind in _SCALARS:
                parts.append((key, kind, value))
            elif kind is float:
                parts.append((key, kind, value.hex()))
            elif kind is list and all(type(item) in _SCALARS for item in value):
                parts.append((key, kind, tuple([(type(item), item) for item in value])))
            elif kind is dict and id(value) in shared:
                parts.append((key, kind, id(value)))
            else:
                return found  # something bigger: kept as it is (so is whatever holds it)
        first = seen_exact.setdefault(tuple(parts), found)
        if first is found:
            shared.add(id(found))
        return first

    def hook(found: dict[str, Any]) -> dict[str, Any]:
        kinds = tuple(map(type, found.values()))
        if float in kinds:
            return exact(found)
        try:  # the common case in one step: strings, integers, booleans (a list or dict does not hash)
            first = seen.setdefault((tuple(found.items()), kinds), found)
        except TypeError:
            return exact(found)
        if first is found:
            shared.add(id(found))
        return first

    return hook
