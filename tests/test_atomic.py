"""Atomic outputs: exact bytes and permissions, and no half-written or stray file on any failure."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from profilegen import atomic
from profilegen.errors import OutputError
from tests.cli import run_cli


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def strict_umask() -> Iterator[None]:
    previous = os.umask(0o077)
    atomic.umask.cache_clear()  # read once per process; this test changes it
    yield
    os.umask(previous)
    atomic.umask.cache_clear()


@pytest.mark.usefixtures("strict_umask")
def test_the_umask_is_honoured_as_cp_does(tmp_path: Path) -> None:
    atomic.write_bytes(tmp_path / "new" / "x.sh", b"#!/bin/bash\n", mode=atomic.SCRIPT_MODE)
    atomic.write_bytes(tmp_path / "new" / "x.plist", b"<plist/>", mode=atomic.FILE_MODE)
    assert listing(tmp_path / "new") == {"x.plist": b"<plist/>", "x.sh": b"#!/bin/bash\n"}
    assert (tmp_path / "new" / "x.sh").stat().st_mode & 0o7777 == 0o700
    assert (tmp_path / "new" / "x.plist").stat().st_mode & 0o7777 == 0o600
    assert atomic.umask() == 0o077


@pytest.mark.usefixtures("strict_umask")
def test_unchanged_compares_the_mode_the_umask_gives(tmp_path: Path) -> None:
    files = {tmp_path / "p.plist": (b"P", atomic.FILE_MODE)}
    assert atomic.write_all(files, force=False) == set()
    assert atomic.write_all(files, force=True) == {tmp_path / "p.plist"}
    (tmp_path / "p.plist").chmod(0o644)  # not what umask 077 gives: rewritten, with the umask's mode
    assert atomic.write_all(files, force=True) == set()
    assert (tmp_path / "p.plist").stat().st_mode & 0o777 == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "p.mobileconfig"
    target.write_bytes(b"old")

    def disk_full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OutputError, match=f"cannot write {target}: No space left on device"):
        atomic.write_bytes(target, b"new" * 1000)
    assert listing(tmp_path) == {"p.mobileconfig": b"old"}


def test_an_interrupt_mid_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "p.sh"
    target.write_bytes(b"old")

    def interrupted(fd: int, data: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(atomic.WriteInterrupted, match="interrupted: nothing written") as caught:
        atomic.write_bytes(target, b"new")
    assert caught.value.exit_code == 130
    assert listing(tmp_path) == {"p.sh": b"old"}


def test_a_directory_in_the_way_is_an_output_error_and_leaves_no_temporary(tmp_path: Path) -> None:
    (tmp_path / "p.sh").mkdir()  # rename() cannot replace a directory with a file, even as root
    with pytest.raises(OutputError, match="cannot write"):
        atomic.write_bytes(tmp_path / "p.sh", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["p.sh"]


def test_write_all_refuses_existing_outputs_without_force_before_writing_any(tmp_path: Path) -> None:
    (tmp_path / "b").write_bytes(b"mine")
    files = {tmp_path / "a": (b"A", 0o644), tmp_path / "b": (b"B", 0o644)}
    with pytest.raises(OutputError, match="exists"):
        atomic.write_all(files, force=False)
    assert listing(tmp_path) == {"b": b"mine"}


def test_write_all_with_force_reports_what_it_left_unchanged(tmp_path: Path) -> None:
    (tmp_path / "same").write_bytes(b"S")
    (tmp_path / "same").chmod(0o644)
    (tmp_path / "other").write_bytes(b"old")
    unchanged = atomic.write_all({tmp_path / "same": (b"S", 0o644), tmp_path / "other": (b"new", 0o644),
                                  tmp_path / "fresh": (b"F", 0o600)}, force=True)
    assert unchanged == {tmp_path / "same"}
    assert listing(tmp_path) == {"fresh": b"F", "other": b"new", "same": b"S"}
    assert (tmp_path / "fresh").stat().st_mode & 0o777 == 0o600


def test_build_into_a_file_instead_of_a_folder_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "dist").write_text("not a folder")
    done = run_cli("build", "office-volume-license-lockdown", "--out", str(tmp_path / "dist"))
    assert done.returncode == 5
    assert done.stderr.startswith("profilegen: error: cannot write ") and "Traceback" not in done.stderr
    assert (tmp_path / "dist").read_text() == "not a folder"
