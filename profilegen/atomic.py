"""Writes that never leave a half-written file or a stray temporary, whatever stops them.

A set of outputs is written in two steps: each file to a temporary file beside it, then, once every
one is complete, the renames. A failure or an interrupt (Ctrl-C, SIGTERM) during the first step removes
the temporaries and leaves every output as it was; the renames that follow are quick and can fail only
on something in the way (a folder with the output's name), which the error then lists. SIGINT and SIGTERM
are held while the files are written and acted on between two files, so no descriptor or temporary is
left behind.

Permissions honour the umask, as cp and compilers do: a file is created with 0o666 (a script 0o777) and
the kernel takes the umask away. Temporary names are short and random (``.profilegen-<12 hex>.tmp``,
O_EXCL), so an output name of up to NAME_MAX bytes can be written; they are not made by `tempfile`, whose
import costs more than a whole build's own work. An existing entry at an output path, a symlink (even
a dangling one) included, counts as existing; a symlink is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from profilegen.errors import Interrupted, OutputError
from profilegen.outpath import name_problem
from profilegen.printable import quoted

FILE_MODE = 0o666  # before the umask: what a profile, a preset, a plist or a JSON file is created with
SCRIPT_MODE = 0o777  # before the umask: a script
_TEMP_TRIES = 8
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class WriteFailed(OutputError):
    """A write failed: ``written`` were replaced, ``not_written`` are as they were (outputs left
    unchanged because they already held the right bytes are in neither)."""

    def __init__(self, message: str, *, written: Sequence[Path], not_written: Sequence[Path]) -> None:
        super().__init__(message)
        self.reason = message
        self.written = list(written)
        self.not_written = list(not_written)


class WriteInterrupted(Interrupted):
    """SIGINT or SIGTERM arrived during a write; ``written`` and ``not_written`` as for `WriteFailed`."""

    def __init__(self, message: str, *, signum: int, written: Sequence[Path],
                 not_written: Sequence[Path]) -> None:
        super().__init__(message)
        self.exit_code = 128 + signum  # 130 for Ctrl-C, 143 for SIGTERM, as a shell reports them
        self.signum = signum
        self.written = list(written)
        self.not_written = list(not_written)


@cache
def umask() -> int:
    """The process's umask, read once.

    On Linux from /proc/self/status, which changes nothing. Elsewhere (macOS) the only way is to set a
    umask and put the old one back; done once, at the first write, while the CLI runs one thread.
    """
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii",
                                                         errors="replace") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o077)
    os.umask(current)
    return current


def exists(path: Path) -> bool:
    """Whether anything is at ``path``, a dangling symlink included (`Path.exists` follows symlinks)."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def check_writable(targets: Iterable[Path], *, force: bool) -> None:
    """Refuse before anything is written when an output exists and --force was not given."""
    if force:
        return
    existing = [str(t) for t in targets if exists(t)]
    if existing:
        raise OutputError(
            f"{existing[0]} exists" + (f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""),
            hint="use --force to overwrite, or choose another --out",
        )


def is_unchanged(target: Path, data: bytes, mode: int) -> bool:
    """True when ``target`` is a regular file (not a symlink) holding ``data`` with the permissions a
    write would give it."""
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        status = os.fstat(fd)
        if (not stat.S_ISREG(status.st_mode) or status.st_size != len(data)
                or status.st_mode & 0o7777 != mode & ~umask()):
            return False
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(fd)


def write_bytes(target: Path, data: bytes, *, mode: int = FILE_MODE, make_parent: bool = True) -> None:
    """Write ``data`` to ``target`` atomically; the previous file stays intact on any error."""
    _write({target: (data, mode)}, make_parents=make_parent)


def write_all(files: Mapping[Path, tuple[bytes, int]], *, force: bool) -> set[Path]:
    """Write a set of outputs, all or none (see the module's docstring); each is rendered before.

    An output that already holds the same bytes and permissions is left as it is, modification time
    included, so that a rebuild which changes nothing changes no file (for make, rsync, upload-if-changed).
    Such an output needs no --force: only an existing file whose content would change does.
    Returns those unchanged paths.
    """
    _check_distinct(files)
    unchanged = {path for path, (data, mode) in files.items() if is_unchanged(path, data, mode)}
    check_writable([path for path in files if path not in unchanged], force=force)
    _write({path: item for path, item in files.items() if path not in unchanged}, make_parents=True)
    return unchanged


def _check_distinct(files: Iterable[Path]) -> None:
    """Two outputs whose names differ only in case or Unicode form are one file on macOS."""
    seen: dict[tuple[str, str], Path] = {}
    for path in files:
        folder, name = os.path.split(os.fspath(path))
        if not name.isascii():
            import unicodedata

            name = unicodedata.normalize("NFD", name)
        other = seen.setdefault((folder, name.casefold()), path)
        if other != path:
            raise OutputError(f"{quoted(str(other))} and {quoted(str(path))} would be one file on a "
                              "case-insensitive file system (macOS)", hint="give them names that differ")


def _write(files: Mapping[Path, tuple[bytes, int]], *, make_parents: bool) -> None:
    for path in files:
        problem = name_problem(os.path.basename(os.fspath(path)))
        if problem is not None:
            raise OutputError(f"cannot write {quoted(str(path))}: the file name {problem.removeprefix('it ')}")
    targets = list(files)
    staged: list[str] = []
    created: list[str] = []
    current = targets[0] if targets else Path()
    with _signals_held() as received:
        try:
            for current, (data, mode) in files.items():
                if received:
                    raise _Stop(received[0])
                folder = os.path.dirname(os.fspath(current))
                if make_parents and folder:
                    _make_folder(folder, created)
                staged.append(_stage(current, folder, data, mode))
        except BaseException as exc:
            for name in staged:
                with contextlib.suppress(OSError):
                    os.unlink(name)
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    os.rmdir(folder)
            _raise_unwritten(exc, current, targets)
            raise
        done: list[Path] = []
        for index, (name, path) in enumerate(zip(staged, targets, strict=True)):
            try:
                os.replace(name, path)
            except OSError as exc:
                for rest in staged[index:]:
                    with contextlib.suppress(OSError):
                        os.unlink(rest)
                rest_targets = targets[index:]
                raise WriteFailed(_failed(path, exc, done, rest_targets), written=done,
                                  not_written=rest_targets) from None
            done.append(path)
    if received:
        raise WriteInterrupted("interrupted after every output was written", signum=received[0], written=done,
                               not_written=[])


class _Stop(Exception):
    """A signal held during the first step: stop before the next file."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_unwritten(exc: BaseException, path: Path, targets: list[Path]) -> None:
    """Nothing was written: say so as the error the caller reports (an OSError or a held signal)."""
    if isinstance(exc, _Stop):
        raise WriteInterrupted("interrupted: nothing written, every output is as it was", signum=exc.signum,
                               written=[], not_written=targets) from None
    if isinstance(exc, KeyboardInterrupt):  # outside the main thread, or before the handler was set
        raise WriteInterrupted("interrupted: nothing written, every output is as it was", signum=signal.SIGINT,
                               written=[], not_written=targets) from None
    if isinstance(exc, OSError):
        message = _reason(path, exc)
        if len(targets) > 1:
            message += "; nothing written, every output is as it was"
        raise WriteFailed(message, written=[], not_written=targets) from None


def _failed(path: Path, exc: OSError, done: list[Path], rest: list[Path]) -> str:
    lines = [_reason(path, exc)]
    if done:
        lines.append(f"written: {', '.join(map(str, done))}")
    if len(rest) > 1:
        lines.append(f"not written (as they were): {', '.join(map(str, rest))}")
    return "\n".join(lines)


def _file_in_the_way(target: Path) -> Path | None:
    """The nearest folder of ``target`` that exists as something other than a folder."""
    for folder in target.parents:
        if os.path.lexists(folder):
            return None if os.path.isdir(folder) else folder
    return None


def _reason(target: Path, exc: OSError) -> str:
    """Why ``target`` could not be written, and what to do about it (README: every error carries its fix)."""
    blocker = _file_in_the_way(target) if exc.errno in (errno.EEXIST, errno.ENOTDIR) else None
    if blocker is not None:
        return f"cannot write {target}: {blocker} is a file, not a folder (remove it, or choose another output folder)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"cannot write {target}: permission denied (make {target.parent} writable for this user, "
                "or choose another output folder)")
    if exc.errno == errno.EROFS:
        return f"cannot write {target}: the file system is read-only (choose an output folder on a writable disk)"
    return f"cannot write {target}: {exc.strerror or exc}"


def _make_folder(folder: str, created: list[str]) -> None:
    """``os.makedirs``, noting each folder it creates (removed again when nothing is written)."""
    if os.path.isdir(folder):
        return
    missing = []
    parent = folder
    while parent and not os.path.lexists(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    os.makedirs(folder, exist_ok=True)
    created.extend(reversed(missing))


def _stage(path: Path, folder: str, data: bytes, mode: int) -> str:
    """Write ``data`` to a new temporary file in ``folder``; its name."""
    for _ in range(_TEMP_TRIES):
        name = os.path.join(folder, f".profilegen-{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
        except FileExistsError:
            continue
        try:
            try:  # os.write, not a file object: it would ask whether the file is a terminal, and seek
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
        return name
    raise FileExistsError(17, f"no free temporary name beside {path}")


@contextlib.contextmanager
def _signals_held() -> Iterator[list[int]]:
    """SIGINT and SIGTERM noted instead of acted on, inside the block (main thread only)."""
    received: list[int] = []

    def note(signum: int, frame: object) -> None:
        received.append(signum)

    previous: dict[int, signal.Handlers | Callable[[int, Any], object] | int] = {}
    for signum in _SIGNALS:
        handler = signal.getsignal(signum)
        if handler is None:  # set outside Python: the default is the closest one can put back
            handler = signal.SIG_DFL
        if handler == signal.SIG_IGN:  # an ignored signal (nohup, a background job) stays ignored
            continue
        try:
            signal.signal(signum, note)
        except ValueError:  # not the main thread: signals go to the main thread anyway
            break
        previous[signum] = handler
    try:
        yield received
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
