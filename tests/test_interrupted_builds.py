"""Interrupted and failing many-preset builds (issue 13, defect 9): all outputs or none, no temporary left,
and a message that says which presets were written.

Real subprocesses: a real SIGINT (and SIGTERM) mid-write, a real file-size limit (RLIMIT_FSIZE: the
kernel refuses the write with EFBIG, as a full disk refuses it with ENOSPC) and an os.write that runs out
of space after a budget of bytes.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import REPO

PRESET = (REPO / "presets" / "office-telemetry-off.toml").read_text()
COUNT = 300  # presets: 900 files, enough for a signal to land while they are written


def make_presets(folder: Path, count: int = COUNT, *, marker: str = "") -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"p{index:03d}.toml"
        text = PRESET.replace('description = "', f'description = "{marker}', 1) if marker else PRESET
        path.write_text(text)
        paths.append(str(path))
    return paths


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PROFILEGEN_CATALOG", None)
    return env


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def interrupt_mid_write(args: list[str], out: Path, signum: int) -> tuple[subprocess.CompletedProcess[str], bool]:
    """Run a build; send ``signum`` as soon as a temporary file shows in ``out``. (result, sent)."""
    proc = subprocess.Popen([sys.executable, "-m", "profilegen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment())
    sent = False
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            names = os.listdir(out)
        except FileNotFoundError:
            continue
        if any(name.endswith(".tmp") for name in names):
            proc.send_signal(signum)
            sent = True
            break
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), sent


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_write_leaves_the_previous_outputs_and_no_temporary(tmp_path: Path, signum: int,
                                                                         code: int) -> None:
    presets = make_presets(tmp_path / "presets")
    out = tmp_path / "out"
    first = subprocess.run([sys.executable, "-m", "profilegen", "build", *presets, "--out", str(out)],
                           capture_output=True, text=True, env=environment(), check=False)
    assert first.returncode == 0, first.stderr
    old = snapshot(out)
    assert len(old) == 3 * COUNT
    make_presets(tmp_path / "presets", marker="changed ")  # every output changes
    interrupted = 0
    for _ in range(3):
        done, sent = interrupt_mid_write(["build", *presets, "--out", str(out), "--force"], out, signum)
        now = snapshot(out)
        assert not [name for name in now if name.endswith(".tmp")]
        assert len(now) == 3 * COUNT
        assert "Traceback" not in done.stderr
        if not sent:  # the build ended before a temporary showed: nothing to interrupt
            assert done.returncode == 0
            continue
        interrupted += 1
        assert done.returncode == code, done.stderr
        lines = done.stderr.splitlines()
        if lines[0] == "profilegen: error: interrupted: nothing written, every output is as it was":
            assert lines[1:] == [f"profilegen: error: not written: all {COUNT} presets"]
            assert now == old
            assert done.stdout == ""
        else:  # the signal came during the renames: they are finished first
            assert lines == ["profilegen: error: interrupted after every output was written",
                             f"profilegen: error: written: all {COUNT} presets"]
            assert all(b"changed " in data for name, data in now.items() if name.endswith(".mobileconfig"))
            return
    assert interrupted, "no signal landed while the files were written"


def test_an_interrupted_first_build_leaves_no_folder_and_no_file(tmp_path: Path) -> None:
    presets = make_presets(tmp_path / "presets")
    out = tmp_path / "new" / "out"
    for _ in range(3):
        done, sent = interrupt_mid_write(["build", *presets, "--out", str(out)], out, signal.SIGINT)
        if sent and done.stderr.startswith("profilegen: error: interrupted: nothing written"):
            assert done.returncode == 130
            assert not (tmp_path / "new").exists()  # the folders it made are gone again
            return
        subprocess.run(["rm", "-rf", str(tmp_path / "new")], check=True)
    pytest.skip("no signal landed before the renames in three tries")


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_file_too_large_for_the_disk_writes_no_preset(tmp_path: Path) -> None:
    presets = make_presets(tmp_path / "presets", 150)
    big = tmp_path / "presets" / "p999-big.toml"  # the last one: the first 450 files fit
    big.write_text(PRESET + '\n[settings."com.example.big"]\nBlob = "' + "x" * 100_000 + '"\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done = subprocess.run([sys.executable, "-m", "profilegen", "build", *presets, str(big), "--out", str(out)],
                          capture_output=True, text=True, env=environment(), check=False,
                          preexec_fn=_limit_file_size)
    assert done.returncode == 5, done.stderr
    assert done.stderr.splitlines() == [
        f"profilegen: error: cannot write {out / 'p999-big.mobileconfig'}: File too large; nothing written, "
        "every output is as it was",
        "profilegen: error: not written: all 151 presets",
    ]
    assert snapshot(out) == {"keep.txt": b"mine"}


DISK_FULL = """
import errno, os, sys
budget = [int(sys.argv[1])]
real_write = os.write
def write(fd, data):
    if budget[0] < len(data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    budget[0] -= len(data)
    return real_write(fd, data)
os.write = write
sys.argv = ["profilegen", *sys.argv[2:]]
from profilegen.cli import main
main()
"""


def test_a_full_disk_mid_build_keeps_every_previous_output(tmp_path: Path) -> None:
    presets = make_presets(tmp_path / "presets", 180)
    out = tmp_path / "out"
    first = subprocess.run([sys.executable, "-m", "profilegen", "build", *presets, "--out", str(out)],
                           capture_output=True, text=True, env=environment(), check=False)
    assert first.returncode == 0
    old = snapshot(out)
    make_presets(tmp_path / "presets", 180, marker="changed ")
    budget = sum(len(data) for data in old.values()) // 2  # the disk fills about half way through
    done = subprocess.run([sys.executable, "-c", DISK_FULL, str(budget), "build", *presets, "--out", str(out),
                           "--force"], capture_output=True, text=True, env=environment(), check=False)
    assert done.returncode == 5, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"profilegen: error: cannot write {out}/p")
    assert lines[0].endswith(": No space left on device; nothing written, every output is as it was")
    assert lines[1] == "profilegen: error: not written: all 180 presets"
    assert snapshot(out) == old  # not 75 of 180: none
    assert done.stdout == ""


def test_a_rename_that_fails_names_the_presets_written_partly_written_and_not(tmp_path: Path) -> None:
    presets = make_presets(tmp_path / "presets", 3)
    out = tmp_path / "out"
    (out / "p001.sh").mkdir(parents=True)  # rename() cannot put a file where a folder is
    done = subprocess.run([sys.executable, "-m", "profilegen", "build", *presets, "--out", str(out), "--force"],
                          capture_output=True, text=True, env=environment(), check=False)
    assert done.returncode == 5
    assert done.stderr.splitlines() == [
        f"profilegen: error: cannot write {out / 'p001.sh'}: Is a directory",
        "profilegen: error: written: 1 preset(s): p000",
        "profilegen: error: partly written: 1 preset(s): p001",
        "profilegen: error: not written: 1 preset(s): p002",
        "profilegen: error: a partly written preset has some outputs new, the others as they were: build it again",
    ]
    assert sorted(os.listdir(out)) == ["p000.mobileconfig", "p000.sh", "p000.undo.sh", "p001.mobileconfig",
                                       "p001.sh"]
    assert (out / "p001.sh").is_dir()


def test_outputs_that_differ_only_in_case_are_refused_before_writing(tmp_path: Path) -> None:
    from tests.upload_helpers import mcx_profile

    profile = tmp_path / "cases.mobileconfig"
    profile.write_bytes(mcx_profile({"com.example.App": {"A": 1}, "com.example.app": {"B": 2}}))
    done = subprocess.run([sys.executable, "-m", "profilegen", "export", "intune-plist", str(profile), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=environment(), check=False)
    assert done.returncode == 5
    assert "would be one file on a case-insensitive file system (macOS)" in done.stderr
    assert not (tmp_path / "out").exists()
