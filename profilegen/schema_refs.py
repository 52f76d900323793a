"""References in a domain schema resolve inside its own file: nothing is fetched, from disk or network.

A user catalogue is input from elsewhere, and a JSON Schema validator follows a ``"$ref"`` to any URI it
names (``http://...``, ``file:///etc/passwd``). ``check`` walks a schema when its file is loaded and
refuses every reference that is not a JSON pointer into the same document (``#...``); ``refuse`` is the
validator's retriever, so a reference that reached it some other way is refused there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from profilegen.errors import InputError

REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def external_reference(document: Any) -> tuple[str, str] | None:
    """(JSON pointer of the reference, its value) of the first reference that leaves the document.

    Iterative (no nesting depth can exhaust the stack); the pointer is spelt only for the reference found:
    a catalogue domain can have 100,000 keys."""
    Trail = tuple[Any, str | int] | None
    stack: list[tuple[Any, Trail]] = [(document, None)]
    while stack:
        node, trail = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in REFERENCES and isinstance(value, str) and not value.startswith("#"):
                    return _pointer((trail, key)), value
                if isinstance(value, dict | list):
                    stack.append((value, (trail, key)))
        else:
            stack.extend((item, (trail, index)) for index, item in enumerate(node) if isinstance(item, dict | list))
    return None


def _pointer(trail: Any) -> str:
    parts: list[str] = []
    while trail is not None:
        trail, part = trail
        parts.append(str(part).replace("~", "~0").replace("/", "~1"))
    return "".join(f"/{part}" for part in reversed(parts))


def may_refer(text: str) -> bool:
    """Whether the JSON text of a document can hold a reference at all: a key that reads "$ref" is spelt
    so in the text, or with a \\u escape. False lets a 100,000-key domain skip the walk."""
    return "\\u" in text or any(word in text for word in REFERENCES)


def check(document: Any, path: Path, text: str | None = None) -> None:
    """Refuse a schema with a reference outside itself, naming the file and where the reference is;
    ``text``: the JSON the document was read from, when at hand (a text without references is not walked)."""
    if text is not None and not may_refer(text):
        return
    found = external_reference(document)
    if found is not None:
        where, value = found
        raise InputError(
            f"{where} = {value[:80]!r} refers outside this file; profilegen resolves references "
            "inside the schema only and fetches nothing",
            path=path, hint='copy what it names into "$defs" and refer to it as "#/$defs/NAME"',
        )


def refuse(uri: str) -> NoReturn:
    """The validator's retriever: asked for a document, it fetches nothing."""
    raise ValueError(f"profilegen does not fetch {uri[:80]!r}: references resolve inside the schema only")
