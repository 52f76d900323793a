"""Writes that never leave a half-written file: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from profilegen.errors import OutputError


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


def write_bytes(target: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``target`` atomically; the previous file stays intact on any error."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).chmod(mode)
        Path(tmp_name).replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            Path(tmp_name).unlink()
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp_name).unlink()
        raise


def write_all(files: dict[Path, tuple[bytes, int]], *, force: bool) -> None:
    """Write a set of outputs: all are rendered before the first is written, each one atomically."""
    check_writable(files, force=force)
    for path, (data, mode) in files.items():
        write_bytes(path, data, mode=mode)
