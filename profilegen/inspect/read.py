"""Load any profile file safely: XML or binary plist, bare or inside a CMS signature, size-bounded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from profilegen.bulk import building
from profilegen.errors import InputError
from profilegen.inputfile import read_input
from profilegen.inspect.nodes import Node, from_python
from profilegen.inspect.xmlplist import Issue, parse
from profilegen.limits import PROFILE_MAX_BYTES, UTF8_BOM

if TYPE_CHECKING:
    from profilegen.inspect.cms import Signer

_LEADING_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")  # what bytes.lstrip() strips
MAX_BYTES = PROFILE_MAX_BYTES


class Document:
    """A profile file as read: its form, its signer and its line-numbered plist tree (a plain class, not a
    dataclass: defining one compiles code at every cold start)."""

    __slots__ = ("bom", "encoding", "form", "issues", "path", "repeats", "root", "signer", "size", "tree")

    # The plist's bytes are not kept: no check reads them once the tree is built, and at 100,000 keys they
    # are megabytes held beside it to the end of the command.
    def __init__(self, path: str, size: int, form: str, signer: Signer | None, root: Node | None,
                 encoding: str | None = None, bom: bool = False, issues: list[Issue] | None = None,
                 tree: Any = None, repeats: bool | None = None) -> None:
        self.path = path
        self.size = size  # bytes of the file as stored
        self.form = form  # "xml" | "binary"
        self.signer = signer  # set when the file is a CMS signature around the plist
        self.root = root
        self.encoding = encoding  # XML only: declared or detected encoding
        self.bom = bom  # the plist starts with a UTF-8 byte-order mark
        self.issues = [] if issues is None else issues  # plist grammar breaks met while reading
        self.tree = tree  # XML only: the lxml tree, for the grammar check
        # Whether some <dict> gives a key twice, when the reader saw (plistlib's dicts cannot; the fast XML
        # reader tells): False spares lint's duplicate-key walk over the whole tree. None: not known.
        self.repeats = repeats

    @property
    def signed(self) -> bool:
        return self.signer is not None


def read_file(path: Path | str, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a profile file: a regular file of at most ``limit`` bytes (profilegen.inputfile)."""
    return read_input(path, what="profile", limit=limit)


def load(path: Path | str, *, limit: int = MAX_BYTES) -> Document:
    """Read and parse one profile file."""
    return load_bytes(read_file(path, limit=limit), str(path))


def load_bytes(data: bytes, path: str) -> Document:
    """Parse the bytes of a profile file; ``path`` names it in messages."""
    if not data.strip():
        raise InputError("empty file", path=path, hint="a profile is an XML or binary plist")
    signer = None
    content = data
    if data[0] == 0x30:
        from profilegen.inspect.cms import unwrap  # signed files only (the unsigned read path skips its imports)

        content, signer = unwrap(data, path)
    if content.startswith(b"bplist00"):
        return _binary(content, path, len(data), signer)
    return _xml(content, path, len(data), signer)


def _binary(content: bytes, path: str, size: int, signer: Signer | None) -> Document:
    import plistlib  # binary plists only: XML ones are read by fastplist or xmlplist

    try:
        with building():  # (a circular binary plist is refused below; its few objects stay frozen)
            value = plistlib.loads(content, fmt=plistlib.FMT_BINARY)
    except (plistlib.InvalidFileException, ValueError, TypeError, IndexError, KeyError, OverflowError):
        raise InputError(
            "a damaged binary plist", path=path, hint="convert it with `plutil -convert xml1`"
        ) from None
    except RecursionError:
        raise InputError("a binary plist nested too deep to be a profile", path=path) from None
    with building():
        root = from_python(value, path, limit=len(content) + 16)
    return Document(path=path, size=size, form="binary", signer=signer, root=root, repeats=False)


def _xml(content: bytes, path: str, size: int, signer: Signer | None) -> Document:
    start = _LEADING_SPACE.match(content).end()  # type: ignore[union-attr]  # (no copy of the file)
    if not content.startswith((b"<", UTF8_BOM, b"\xff\xfe", b"\xfe\xff"), start):
        raise InputError(
            "not a profile: neither an XML plist, a binary plist nor a signed (DER) profile", path=path
        )
    parsed = parse(content, path)
    return Document(
        path=path,
        size=size,
        form="xml",
        signer=signer,
        root=parsed.root,
        encoding=parsed.encoding,
        bom=content.startswith(UTF8_BOM),
        issues=parsed.issues,
        tree=parsed.tree,
        repeats=parsed.repeats,
    )
