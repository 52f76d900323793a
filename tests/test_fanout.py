"""`validate` of many files in several processes (profilegen/inspect/fanout.py): the same bytes as in one.

The command runs for real (forked children, pipes, the entry point); its stdout, stderr and exit code with
``--jobs 1`` are the reference for every other job count. The failure paths fork for real too: a child
that dies or raises has its files checked again in the parent, a fork refused leaves the work to the
parent, Ctrl-C leaves no child behind.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from profilegen.inspect import fanout
from profilegen.inspect.findings import Finding, finding
from profilegen.inspect.lint import lint_path
from tests.cli import REPO

BROKEN = REPO / "tests" / "data" / "broken"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory, signed_sample: Path) -> list[Path]:
    """150 files: every broken sample, a signed one, a preset, a binary plist, a directory and a missing
    file, over and over under new names, so that each process gets some of each kind."""
    folder = tmp_path_factory.mktemp("fanout")
    kinds = [*sorted(BROKEN.iterdir()), REPO / "tests" / "data" / "valid.mobileconfig",
             REPO / "tests" / "data" / "preset-warnings.toml", signed_sample]
    binary = folder / "binary.mobileconfig"
    binary.write_bytes(plistlib.dumps(plistlib.loads((REPO / "tests" / "data" / "valid.mobileconfig").read_bytes()),
                                      fmt=plistlib.FMT_BINARY))
    files: list[Path] = []
    for index in range(150):
        if index % 37 == 5:
            files.append(folder / f"{index:03d}-missing.mobileconfig")
            continue
        if index % 41 == 7:
            (folder / f"{index:03d}-folder.mobileconfig").mkdir()
            files.append(folder / f"{index:03d}-folder.mobileconfig")
            continue
        source = binary if index % 29 == 3 else kinds[index % len(kinds)]
        target = folder / f"{index:03d}-{source.name}"
        shutil.copy(source, target)
        files.append(target)
    return files


def _validate(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    environment.pop("PROFILEGEN_CATALOG", None)
    return subprocess.run([sys.executable, "-m", "profilegen", "validate", *map(str, args)], capture_output=True,
                          env=environment, timeout=120, check=False)


@pytest.mark.parametrize("output", ["text", "json"])
def test_any_number_of_processes_writes_the_bytes_of_one(many: list[Path], output: str) -> None:
    alone = _validate("--jobs", "1", "--format", output, *many)
    assert alone.returncode == 1 and alone.stdout.count(b"[unreadable]" if output == "text" else b"unreadable") >= 8
    for jobs in (None, "2", "3", "7"):
        shared = _validate(*(["--jobs", jobs] if jobs else []), "--format", output, *many)
        assert (shared.stdout, shared.stderr, shared.returncode) == (alone.stdout, alone.stderr, alone.returncode), jobs
    options = ["--strict", "--macos-version", "13.0", "--office-version", "16.28",
               "--catalog", str(REPO / "tests" / "data" / "catalog")]
    strict = _validate("--jobs", "3", *options, *many)
    strict_alone = _validate("--jobs", "1", *options, *many)
    assert (strict.stdout, strict.stderr, strict.returncode) == (strict_alone.stdout, strict_alone.stderr, 1)


# The entry point, with os.fork counted in the first process (children leave by os._exit: no atexit there).
COUNTING = ("import atexit, os, sys\n"
            "real, forks = os.fork, []\n"
            "def counted():\n"
            "    pid = real()\n"
            "    if pid:\n"
            "        forks.append(pid)\n"
            "    return pid\n"
            "os.fork = counted\n"
            "atexit.register(lambda: open(os.environ['FORKS_OUT'], 'w').write(str(len(forks))))\n"
            "sys.argv[0] = 'profilegen'\n"
            "from profilegen.launch import main\n"
            "main()\n")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fan-out forks")
def test_the_command_forks_one_child_per_process_but_its_own(many: list[Path], tmp_path: Path) -> None:
    counted = tmp_path / "forks.txt"
    environment = {**os.environ, "PYTHONPATH": str(REPO), "FORKS_OUT": str(counted)}
    environment.pop("PROFILEGEN_CATALOG", None)

    def forks(*args: str | Path) -> int:
        subprocess.run([sys.executable, "-c", COUNTING, "validate", *map(str, args)], capture_output=True,
                       env=environment, timeout=120, check=False)
        return int(counted.read_text())

    assert forks("--jobs", "3", *many) == 2
    assert forks("--jobs", "1", *many) == 0
    assert forks(*many[:2 * fanout.MIN_FILES_PER_JOB - 1]) == 0  # too few files to share
    assert forks(*many) == min(fanout.usable_cpus(), len(many) // fanout.MIN_FILES_PER_JOB) - 1


def test_jobs_is_a_positive_number() -> None:
    refused = _validate("--jobs", "0", "a.mobileconfig")
    assert refused.returncode == 2 and b"--jobs" in refused.stderr and b"0" in refused.stderr
    assert _validate("--jobs", "two", "a.mobileconfig").returncode == 2
    too_many = _validate("--jobs", "65", "a.mobileconfig")
    assert too_many.returncode == 2 and b"64" in too_many.stderr  # a fork bomb asked for by a typo is refused


@pytest.mark.parametrize(("files", "expected"), [
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu.max": "150000 100000\n"}, 2),  # one and a half CPUs: two processes, each gets its time
    ({"cpu.max": "100000 100000\n"}, 1),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # cgroup v1, no quota
    ({"cpu,cpuacct/cpu.cfs_quota_us": "300000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 3),
    ({"cpu.max": "garbage"}, None),
    ({}, None),
])
def test_a_containers_cpu_quota_is_read(tmp_path: Path, files: dict[str, str], expected: int | None) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert fanout.cpu_quota(tmp_path) == expected
    cpus = fanout.usable_cpus(tmp_path)
    assert cpus >= 1 and (expected is None or cpus <= expected)


def test_how_many_processes() -> None:
    assert fanout.job_count(1000, None, 2) == 2
    assert fanout.job_count(1000, None, 64) == fanout.MAX_JOBS
    assert fanout.job_count(100, None, 8) == 100 // fanout.MIN_FILES_PER_JOB  # each gets enough files
    assert fanout.job_count(63, None, 8) == 1
    assert fanout.job_count(127, None, 8) == 1  # under two processes' worth, the CPUs are not counted
    assert fanout.job_count(5, 16, 2) == 5  # as asked, but never more processes than files
    assert fanout.job_count(500, 1, 8) == 1


def _every(hands: list[list[int]]) -> list[int]:
    return sorted(index for hand in hands for index in hand)


def test_files_are_dealt_for_equal_work_and_signed_ones_kept_together() -> None:
    plain = [(4000, False)] * 9
    hands = fanout.deal(plain, 3)
    assert sorted(len(hand) for hand in hands) == [3, 3, 3] and _every(hands) == list(range(9))
    big = fanout.deal([(4_000_000, False), *plain], 2)  # one big file: the small ones go to the other process
    assert [0] in big and _every(big) == list(range(10))
    # the signing stack is imported by a process only when it gets a signed file: one process takes them all
    mixed = [(4000, index % 7 == 0) for index in range(700)]
    hands = fanout.deal(mixed, 2)
    with_signed = [hand for hand in hands if any(mixed[index][1] for index in hand)]
    assert len(with_signed) == 1 and _every(hands) == list(range(700))
    assert all(hand == sorted(hand) for hand in hands)
    loads = [sum(fanout.FILE_COST + fanout.BYTE_COST * mixed[i][0] + fanout.SIGNED_COST * mixed[i][1] for i in hand)
             + fanout.SIGNING_IMPORT_COST * (hand in with_signed) for hand in hands]
    assert max(loads) / min(loads) < 1.05
    assert sorted(fanout.deal([(10, True)] * 3, 8)) == [[0], [1], [2]]  # never more processes than files


def test_a_file_is_sized_and_sniffed_without_blocking(tmp_path: Path, signed_sample: Path) -> None:
    assert fanout.sniff(signed_sample) == (signed_sample.stat().st_size, True)
    assert fanout.sniff(REPO / "tests" / "data" / "valid.mobileconfig")[1] is False
    assert fanout.sniff(tmp_path / "missing") == (0, False)
    assert fanout.sniff(tmp_path) == (0, False)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")  # no writer: an open that waited would hang here
        assert fanout.sniff(tmp_path / "fifo") == (0, False)


def _check(path: Path) -> list[Finding]:
    return lint_path(path)


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else -1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fan-out forks; without fork everything runs in one process")
def test_a_child_that_dies_or_raises_has_its_files_checked_again_here(many: list[Path], tmp_path: Path) -> None:
    alone = fanout.check_all(many, _check, 1)
    parent = os.getpid()

    def dying(path: Path) -> list[Finding]:
        if os.getpid() != parent:  # in a child: one crashes (no findings written), the other meets a bug
            (tmp_path / f"child-{os.getpid()}").touch()
            if len(list(tmp_path.iterdir())) == 1:
                os._exit(9)
            raise RuntimeError("a bug met in a child only")
        return _check(path)

    before = _open_descriptors()
    assert fanout.check_all(many, dying, 3) == alone
    assert len(list(tmp_path.iterdir())) == 2  # both children ran, and failed
    assert _open_descriptors() == before


def test_an_error_met_everywhere_is_raised_as_without_fan_out(many: list[Path]) -> None:
    def broken(path: Path) -> list[Finding]:
        if path == many[4]:
            raise RuntimeError("a bug")
        return _check(path)

    with pytest.raises(RuntimeError, match="a bug"):
        fanout.check_all(many, broken, 3)


def test_when_no_process_can_be_forked_the_work_is_done_here(many: list[Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    alone = fanout.check_all(many, _check, 1)

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    before = _open_descriptors()
    assert fanout.check_all(many, _check, 4) == alone
    assert _open_descriptors() == before


def test_no_fork_while_another_thread_runs(many: list[Path]) -> None:
    """A fork copies other threads' locks as they are: called with a thread running, it all runs here."""
    import threading

    def where(path: Path) -> list[Finding]:
        return [finding("key-type", str(os.getpid()), 1, "m", "")]

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert {f.file for f in fanout.check_all(many[:8], where, 3)} == {str(os.getpid())}
    finally:
        release.set()
        other.join()
    assert len({f.file for f in fanout.check_all(many[:8], where, 3)}) == 3  # alone again: three processes


def test_findings_with_every_field_come_back_whole(many: list[Path]) -> None:
    """What a child sends is each finding's fields: a line of None, a message with newlines and quotes."""
    odd = [finding("unreadable", "x\n'y'", None, "two\nlines \u2603", ""), finding("key-type", "f", 7, "m", "fix")]
    assert fanout.check_all(many[:6], lambda path: odd if path == many[4] else [], 3) == odd


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups")
def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole foreground group: the command says nothing more, exits 130, and no child of
    it is left running."""
    big = plistlib.dumps({"PayloadContent": [{"PayloadType": "com.example.big", "PayloadIdentifier": "b.p",
                                              "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000001",
                                              "PayloadVersion": 1, **{f"Key{n}": n for n in range(2000)}}],
                          "PayloadIdentifier": "b", "PayloadType": "Configuration",
                          "PayloadUUID": "0A1B2C3D-0000-4000-8000-000000000000", "PayloadVersion": 1})
    files = []
    for index in range(200):
        files.append(tmp_path / f"{index}.mobileconfig")
        files[-1].write_bytes(big)
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "profilegen", "validate", "--jobs", "3", *map(str, files)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, start_new_session=True)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + (30 if children.parent.parent.exists() else 0.5)
    while time.monotonic() < deadline and not (children.exists() and len(children.read_text().split()) == 2):
        time.sleep(0.01)  # (forked one after the other: wait for both)
    forked = children.read_text().split() if children.exists() else []
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert out == b"" and b"Traceback" not in err
    if forked:  # (Linux shows them; elsewhere the exit code says enough)
        assert len(forked) == 2
        time.sleep(0.1)
        assert not [pid for pid in forked if Path(f"/proc/{pid}").exists()
                    and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
