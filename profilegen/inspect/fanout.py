"""Many files checked in several processes at once: `validate` of a repository's profiles uses the CPUs.

A CI job or pre-commit run over hundreds of profiles is CPU-bound Python, one file after another. From
``MIN_FILES_PER_JOB`` files per usable CPU up (or with ``--jobs N``), the files are dealt to the processes
for about equal work (their sizes, and signed ones kept together: see ``deal``); this process forks one
child per hand but its own, checks its own hand, then reads each child's findings back and puts every
file's findings in the files' order, so the output is the same bytes as a check in one process. Fork, not
multiprocessing: the child inherits the loaded modules and catalogue (no second start-up, no import of
concurrent.futures, which alone costs 30 ms), and it writes nothing but its findings (marshal'd fields,
file by file) to its pipe before ``os._exit``.

Whatever goes wrong in a child (an exception, a crash, the kernel's OOM killer) is not guessed at: its hand
is checked again here, in this process, where the same error then shows as it would without fan-out; when
no process can be forked (a process limit), the hands left are checked here too. Where there is no fork
(Windows) or one CPU, everything runs here.

macOS discourages fork without exec in a process that has started threads or Apple frameworks (which may
start them): multiprocessing spawns there for that reason. `validate` starts neither (no thread, no proxy or
Keychain lookup; expat, lxml, OpenSSL and asn1crypto only), and forks only while it is one Python thread
(a program that calls it with threads running gets one process); ``--jobs 1`` keeps everything in one
process all the same.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from profilegen.inspect.findings import Finding

MIN_FILES_PER_JOB = 64  # below this a child's fork, copy-on-write faults and pipe cost more than it saves
MAX_JOBS = 8  # chosen by CPU count (--jobs may ask for up to limits.MAX_REQUESTED_JOBS)


def usable_cpus(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The CPUs this process may use: the ones it may run on (a taskset's or container's cpuset, not the
    machine's count), fewer when a container's CPU quota allows less (a CI job's `--cpus 1` on a big host)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS has no affinity call
        count = os.cpu_count() or 1
    quota = cpu_quota(cgroup)
    return count if quota is None else max(1, min(count, quota))


def cpu_quota(cgroup: Path) -> int | None:
    """The CPUs a CFS quota allows, rounded up (cgroup v2 ``cpu.max``, v1 ``cpu.cfs_quota_us`` over
    ``cpu.cfs_period_us``); None without a quota, or off Linux."""
    try:
        quota, period = (cgroup / "cpu.max").read_text(encoding="ascii").split()[:2]
        return None if quota == "max" else -(-int(quota) // max(1, int(period)))
    except (OSError, ValueError):
        pass
    for folder in ("cpu", "cpu,cpuacct"):
        try:
            quota_us = int((cgroup / folder / "cpu.cfs_quota_us").read_text(encoding="ascii"))
            period_us = int((cgroup / folder / "cpu.cfs_period_us").read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        return -(-quota_us // period_us) if quota_us > 0 and period_us > 0 else None
    return None


def job_count(files: int, requested: int | None, cpus: int | None = None) -> int:
    """How many processes check ``files`` files: ``requested`` (--jobs) when given, else one per usable
    CPU while each gets MIN_FILES_PER_JOB files, at most MAX_JOBS; never more than there are files."""
    if not hasattr(os, "fork"):
        return 1
    if requested is None:
        if files < 2 * MIN_FILES_PER_JOB:
            return 1  # (the CPUs are not even counted)
        requested = min(usable_cpus() if cpus is None else cpus, files // MIN_FILES_PER_JOB, MAX_JOBS)
    return max(1, min(requested, files))


# What a file costs to check, in microseconds on a CI-class core (bench_validate_many): only the ratios
# matter. A signed one adds its CMS decoding, and the first signed file in a process adds the import of
# asn1crypto and cryptography, which is most of what a process pays for signatures: so signed files are
# kept together, in as few processes as their share of the work fills, rather than dealt to every one.
FILE_COST = 40.0
BYTE_COST = 0.065
SIGNED_COST = 200.0
SIGNING_IMPORT_COST = 35_000.0


def sniff(path: Path) -> tuple[int, bool]:
    """A file's size and whether it is signed (DER starts with 0x30): a stat, then for a regular file one
    byte read (opened without waiting, should a FIFO take its place); what is not a readable regular file
    counts as a small unsigned one (its check fails at once)."""
    try:
        if not stat.S_ISREG((status := path.stat()).st_mode):
            return 0, False
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return 0, False
    try:
        return status.st_size, os.read(descriptor, 1) == b"\x30"
    except OSError:
        return 0, False
    finally:
        os.close(descriptor)


def deal(files: Sequence[tuple[int, bool]], jobs: int) -> list[list[int]]:
    """The files (size, signed) dealt to ``jobs`` processes as indexes, for about equal work: the signed
    ones first, together, from the last process back; then each other file to the least loaded process."""
    import heapq  # (here, not at the top: a validate of one file imports this module and never deals)

    jobs = min(jobs, len(files))
    costs = [FILE_COST + BYTE_COST * size + (SIGNED_COST if signed else 0.0) for size, signed in files]
    signed = [index for index, (_size, is_signed) in enumerate(files) if is_signed]
    share = (sum(costs) + (SIGNING_IMPORT_COST if signed else 0.0)) / jobs
    hands: list[list[int]] = [[] for _ in range(jobs)]
    loads = [0.0] * jobs
    job = jobs - 1
    for index in signed:
        if loads[job] >= share and job > 0:
            job -= 1
        if not hands[job]:  # (a hand holds only signed files so far)
            loads[job] += SIGNING_IMPORT_COST
        hands[job].append(index)
        loads[job] += costs[index]
    least = [(load, job) for job, load in enumerate(loads)]
    heapq.heapify(least)
    for index, (_size, is_signed) in enumerate(files):
        if not is_signed:
            load, job = heapq.heappop(least)
            hands[job].append(index)
            heapq.heappush(least, (load + costs[index], job))
    return [sorted(hand) for hand in hands if hand]


def check_all(paths: Sequence[Path], check: Callable[[Path], list[Finding]], jobs: int) -> list[Finding]:
    """Every finding of ``check`` over ``paths``, in their order, from ``jobs`` processes."""
    if jobs <= 1 or len(paths) <= 1 or _threaded():
        return [item for path in paths for item in check(path)]
    hands = deal([sniff(path) for path in paths], jobs)
    sys.stdout.flush()  # nothing buffered here may be written twice
    sys.stderr.flush()
    found: dict[int, list[Finding]] = {}
    children: list[tuple[int, int, list[int]]] = []
    try:
        for hand in hands[1:]:
            try:
                children.append((*_fork([paths[index] for index in hand], check), hand))
            except OSError:  # no more processes or pipes (ulimit): the other hands are checked here
                break
        for index in hands[0]:
            found[index] = check(paths[index])
        while children:
            pid, pipe, hand = children[0]
            found.update(zip(hand, _collect(pid, pipe, [paths[index] for index in hand], check), strict=True))
            del children[0]
        for hand in hands[1:]:
            for index in hand:
                if index not in found:
                    found[index] = check(paths[index])
    finally:  # interrupted (Ctrl-C) or failed here: no child is left running or unreaped
        for pid, pipe, _hand in children:
            with contextlib.suppress(OSError):
                os.close(pipe)
            _stop(pid)
    return [item for index in range(len(paths)) for item in found[index]]


def _threaded() -> bool:
    """Another Python thread runs (an embedding program's): a fork would copy its locks mid-use, so none."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def _fork(hand: Sequence[Path], check: Callable[[Path], list[Finding]]) -> tuple[int, int]:
    import signal

    readable, writable = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(readable)
        os.close(writable)
        raise
    if pid == 0:  # the child: check, write the findings, leave without running any exit handler
        code = 1
        try:
            os.close(readable)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops it at once; the parent says so
            data = marshal.dumps([[tuple(f.as_json().values()) for f in check(path)] for path in hand])
            view = memoryview(data)
            while view:
                view = view[os.write(writable, view):]
            code = 0
        finally:
            os._exit(code)
    os.close(writable)
    return pid, readable


def _collect(pid: int, pipe: int, hand: Sequence[Path],
             check: Callable[[Path], list[Finding]]) -> list[list[Finding]]:
    """A child's findings, file by file; its hand checked again here when the child did not finish cleanly."""
    chunks = []
    while chunk := os.read(pipe, 1 << 16):
        chunks.append(chunk)
    os.close(pipe)
    _pid, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            sent = marshal.loads(b"".join(chunks))  # noqa: S302  # our own child's bytes, by a pipe only we hold
            found = [[Finding(*fields) for fields in file] for file in sent]
            if len(found) == len(hand):
                return found
        except (EOFError, ValueError, TypeError):
            pass
    return [check(path) for path in hand]


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
