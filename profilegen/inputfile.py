"""The one way profilegen reads an input file: regular files only, bounded, never blocking.

Every command that reads a profile, a signed profile, a certificate, a key or a PKCS#12 goes through
``read_input``. A FIFO or a device named as input would block the open or never end the read (``/dev/zero``),
so the path is checked with ``stat`` before it is opened, opened with ``O_NONBLOCK`` (a FIFO without writer
then opens at once instead of hanging) and checked again with ``fstat`` on the open descriptor, which is
the file that is then read, at most ``limit + 1`` bytes of it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from profilegen.errors import InputError
from profilegen.limits import PROFILE_MAX_BYTES

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1024 * 1024


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check(info: os.stat_result, path: Path, what: str, limit: int) -> None:
    kind = _kind(info.st_mode)
    if kind is not None:
        raise InputError(
            f"{kind}, not a regular file", path=path, hint=f"give the path of the {what} itself"
        )
    if info.st_size > limit:
        raise InputError(f"{info.st_size:,} bytes: larger than the {limit:,} bytes profilegen reads", path=path)


def read_input(path: Path | str, *, what: str = "file", limit: int = PROFILE_MAX_BYTES) -> bytes:
    """The bytes of ``path``; InputError (naming the file) for anything but a regular file of at most
    ``limit`` bytes. ``what`` names the file in hints ("profile", "PKCS#12 file").

    Plain ``os`` calls on the descriptor (no file object): `validate` reads a thousand files in one call.
    """
    target = path if isinstance(path, Path) else Path(path)
    try:
        _check(target.stat(), target, what, limit)  # refused unopened: opening a device can act
        descriptor = os.open(target, _FLAGS)
        try:
            _check(os.fstat(descriptor), target, what, limit)  # the file that is read, swapped or not
            chunks: list[bytes] = []
            size = 0
            while size <= limit:
                chunk = os.read(descriptor, min(_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise InputError("no such file", path=target) from None
    except NotADirectoryError:
        raise InputError("no such file (a part of the path is not a folder)", path=target) from None
    except PermissionError:
        raise InputError("permission denied", path=target) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=target) from None
    except ValueError:  # a NUL in the path
        raise InputError("not a valid file name", path=target) from None
    if size > limit:  # it grew while read
        raise InputError(f"larger than the {limit:,} bytes profilegen reads", path=target)
    return b"".join(chunks)
