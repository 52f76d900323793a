"""Writes that never leave a half-written file: a temporary file beside the target, then a rename.

The temporary name is made from the process id and a counter (O_EXCL guards against a clash) rather
than by `tempfile`, whose import (random, hashlib) costs more than a whole build's own work.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from collections.abc import Iterable
from pathlib import Path

from profilegen.errors import OutputError

_COUNTER = itertools.count()


def check_writable(targets: Iterable[Path], *, force: bool) -> None:
    """Refuse before anything is written when an output exists and --force was not given."""
    if force:
        return
    existing = [str(t) for t in targets if t.exists()]
    if existing:
        raise OutputError(
            f"{existing[0]} exists" + (f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""),
            hint="use --force to overwrite, or choose another --out",
        )


def write_bytes(target: Path, data: bytes, *, mode: int = 0o644, make_parent: bool = True) -> None:
    """Write ``data`` to ``target`` atomically; the previous file stays intact on any error."""
    path = os.fspath(target)  # os functions on text: a build of thousands of presets makes many paths
    folder, name = os.path.split(path)
    tmp_name = os.path.join(folder, f".{name}.{os.getpid()}.{next(_COUNTER)}.tmp")
    try:
        if make_parent and folder:
            os.makedirs(folder, exist_ok=True)
        fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _write_error(target, exc) from None
    try:
        try:  # os.write, not a file object: it would ask whether the file is a terminal, and seek
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, mode)  # exactly ``mode``, whatever the umask
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise _write_error(target, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _file_in_the_way(target: Path) -> Path | None:
    """The nearest folder of ``target`` that exists as something other than a folder."""
    for folder in target.parents:
        if folder.exists() or folder.is_symlink():
            return None if folder.is_dir() else folder
    return None


def _write_error(target: Path, exc: OSError) -> OutputError:
    """The reason, and what to do about it (README: every error carries its fix)."""
    blocker = _file_in_the_way(target) if exc.errno in (errno.EEXIST, errno.ENOTDIR) else None
    if blocker is not None:
        return OutputError(f"cannot write {target}: {blocker} is a file, not a folder",
                           hint="remove it, or choose another output folder")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return OutputError(f"cannot write {target}: permission denied",
                           hint=f"make {target.parent} writable for this user, or choose another output folder")
    if exc.errno == errno.EROFS:
        return OutputError(f"cannot write {target}: the file system is read-only",
                           hint="choose an output folder on a writable disk")
    if exc.errno == errno.ENOSPC:
        return OutputError(f"cannot write {target}: {exc.strerror}", hint="free some space on that disk")
    return OutputError(f"cannot write {target}: {exc.strerror}", hint="check the output folder")


def is_unchanged(target: Path, data: bytes, mode: int) -> bool:
    """True when ``target`` already holds exactly ``data`` with permissions ``mode``."""
    try:
        with target.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if status.st_size != len(data) or status.st_mode & 0o7777 != mode:
                return False
            return handle.read() == data
    except OSError:
        return False


def write_all(files: dict[Path, tuple[bytes, int]], *, force: bool) -> set[Path]:
    """Write a set of outputs: all are rendered before the first is written, each one atomically.

    An output that already holds the same bytes and permissions is left as it is, modification time
    included, so that a rebuild which changes nothing changes no file (for make, rsync, upload-if-changed).
    Such an output needs no --force: only an existing file whose content would change does.
    Returns those unchanged paths.
    """
    unchanged = {path for path, (data, mode) in files.items() if is_unchanged(path, data, mode)}
    check_writable([path for path in files if path not in unchanged], force=force)
    folders: set[str] = set()
    for path, (data, mode) in files.items():
        if path in unchanged:
            continue
        folder = os.path.dirname(path)
        write_bytes(path, data, mode=mode, make_parent=folder not in folders)
        folders.add(folder)
    return unchanged
