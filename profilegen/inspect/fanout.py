"""Many files checked in several processes at once: `validate` of a repository's profiles uses the CPUs.

A CI job or pre-commit run over hundreds of profiles is CPU-bound Python, one file after another. From
``MIN_FILES_PER_JOB`` files per usable CPU up (or with ``--jobs N``), the files are dealt to the processes
like cards; this process forks one child per hand but its own, checks its own hand, then reads each child's
findings back and puts every file's findings in the files' order, so the output is the same bytes as a
check in one process. Fork, not multiprocessing: the child inherits the loaded modules and catalogue (no
second start-up, no import of concurrent.futures, which alone costs 30 ms), and it writes nothing but its
findings (marshal'd fields, file by file) to its pipe before ``os._exit``.

Whatever goes wrong in a child (an exception, a crash, the kernel's OOM killer) is not guessed at: its hand
is checked again here, in this process, where the same error then shows as it would without fan-out; when
no process can be forked (a process limit), the hands left are checked here too. Where there is no fork
(Windows) or one CPU, everything runs here.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from profilegen.inspect.findings import Finding

MIN_FILES_PER_JOB = 64  # below this a child's fork, copy-on-write faults and pipe cost more than it saves
MAX_JOBS = 8


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS has no affinity call
        return os.cpu_count() or 1


def job_count(files: int, requested: int | None, cpus: int) -> int:
    """How many processes check ``files`` files: ``requested`` (--jobs) when given, else one per usable
    CPU while each gets MIN_FILES_PER_JOB files, at most MAX_JOBS; never more than there are files."""
    if not hasattr(os, "fork"):
        return 1
    wanted = requested if requested is not None else min(cpus, files // MIN_FILES_PER_JOB, MAX_JOBS)
    return max(1, min(wanted, files))


def deal(paths: Sequence[Path], jobs: int) -> list[Sequence[Path]]:
    """``paths`` dealt to ``jobs`` processes like cards (the n-th file to process n mod jobs): big and small
    files, signed and plain, spread evenly without a stat of each file before the work starts."""
    return [paths[job::jobs] for job in range(min(jobs, len(paths)))]


def check_all(paths: Sequence[Path], check: Callable[[Path], list[Finding]], jobs: int) -> list[Finding]:
    """Every finding of ``check`` over ``paths``, in their order, from ``jobs`` processes."""
    hands = deal(paths, jobs)
    if len(hands) <= 1:
        return [item for path in paths for item in check(path)]
    sys.stdout.flush()  # nothing buffered here may be written twice
    sys.stderr.flush()
    children: list[tuple[int, int, Sequence[Path]]] = []
    by_hand: list[list[list[Finding]]] = []
    try:
        for hand in hands[1:]:
            try:
                children.append(_fork(hand, check))
            except OSError:  # no more processes or pipes (ulimit): the other hands are checked here
                break
        by_hand.append([check(path) for path in hands[0]])
        while children:
            by_hand.append(_collect(*children[0], check))
            del children[0]
        by_hand += [[check(path) for path in hand] for hand in hands[len(by_hand):]]
    finally:  # interrupted (Ctrl-C) or failed here: no child is left running or unreaped
        for pid, pipe, _hand in children:
            with contextlib.suppress(OSError):
                os.close(pipe)
            _stop(pid)
    return [item for index in range(len(paths)) for item in by_hand[index % len(hands)][index // len(hands)]]


def _fork(hand: Sequence[Path], check: Callable[[Path], list[Finding]]) -> tuple[int, int, Sequence[Path]]:
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
    return pid, readable, hand


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
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
