"""The output-path guard: every file name made from input is one plain name inside the output folder.

A preset's name, a preference domain read from a profile, a manifest's pfm_domain, a payload name:
each may come from a file someone else wrote. Joined to ``--out`` unchecked, ``../../x`` or ``/Library/x``
would write outside it. `inside` refuses anything but a plain name, with one message naming the input
and the fix; `atomic` checks the last part of every path it writes with the same rules (`name_problem`).
"""

from __future__ import annotations

import os
from pathlib import Path

from profilegen.errors import InputError
from profilegen.printable import is_safe, quoted

# The longest file name macOS (APFS, HFS+) and Linux (ext4, xfs, btrfs, tmpfs) take, in bytes of the
# file system's encoding. The temporary file of an atomic write has a short name of its own (atomic.py),
# so a name up to this length can be written.
NAME_MAX = 255


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be one plain file name, or None when it can."""
    if not name:
        return "it is empty"
    if name in (".", ".."):
        return "it names a folder"
    if "/" in name or "\\" in name:
        return "it holds a path separator"
    if not is_safe(name):
        return "it holds a control or bidirectional character"
    try:
        size = len(os.fsencode(name))
    except UnicodeError:
        return "it is not text the file system can store"
    if size > NAME_MAX:
        return f"it is {size} bytes long, more than the {NAME_MAX} a file name can have"
    return None


def inside(folder: Path, name: str, *, source: str | Path | None, what: str, fix: str) -> Path:
    """``folder / name``, after checking that ``name`` is a plain file name.

    ``source`` is the input the name came from, ``what`` the part of it the name is made of, quoted
    (``"the preference domain '../x'"``), ``fix`` how to change the input.
    """
    problem = name_problem(name)
    if problem is not None:
        raise InputError(f"{what} cannot name an output file in {quoted(os.fspath(folder))}: the name "
                         f"{quoted(name)} {problem.removeprefix('it ')}", path=source, hint=fix)
    return folder / name


def check_target(path: Path) -> None:
    """An output path given on the command line: its last part must be a file name (`name_problem`)."""
    from profilegen.errors import UsageError

    name = path.name
    problem = name_problem(name)
    if problem is not None:
        raise UsageError(f"cannot write {quoted(os.fspath(path))}: the file name {problem.removeprefix('it ')}",
                         hint="give the path of a file, with a name of up to 255 bytes")
