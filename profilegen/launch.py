"""The process entry point (the `profilegen` script and `python -m profilegen`), tuned for a short life.

Start-up creates some 100,000 objects (typer, click, our modules) that live until the process ends, and
CPython's cyclic garbage collector walks them again at every full collection and once more at exit, when
nothing is left to free: about a quarter of a small build's cost beyond `import typer`. So the collector is
off while they are imported, they are then frozen (gc.freeze: out of every later collection's reach), the
collector runs as usual for the command's own work, and what the command made is frozen again at exit,
where the interpreter's final collection would only walk it. Objects are still released by reference
counting as ever; only the walk is skipped.

The read commands' typer-free route (profilegen.quickpath) then leaves without the interpreter's teardown
at all, and the trees `show`, `diff` and `validate` read are held to the end (profilegen.bulk): after a
100,000-key profile, freeing its million objects one by one touches each of them once more, out of the
cache, for nothing. Those commands hold nothing the teardown would finish: no temporary file, no output
but stdout and stderr (written a line at a time and flushed: profilegen.echo). What the interpreter would
do first is done: atexit's handlers run (an embedding tool's, a coverage run's), then both streams are
flushed once more.
"""

import atexit
import gc
import os
import sys
from typing import NoReturn

from profilegen.bulk import building, hold_to_the_end


def main() -> None:
    """Run the command line with the collector spared the objects that start-up made: the read commands'
    usual command lines without typer (profilegen.quickpath), every other one with it."""
    with building():  # start-up's objects live until exit, as a tree built with profilegen.bulk does
        from profilegen.quickpath import run as run_quickly
    hold_to_the_end()  # the profiles shown or compared are then never freed one by one (profilegen.bulk)
    try:
        code = run_quickly(sys.argv[1:])
        if code is not None:
            leave(code)
        hold_to_the_end(False)  # typer's route ends by sys.exit, and a wizard session may be long
        with building():
            from profilegen.cli import main as run_command_line
        run_command_line()
    finally:
        gc.freeze()


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once atexit's handlers have run and stdout and stderr are flushed,
    skipping the interpreter's teardown (the module's docstring says why).
    A flush that fails (the reader of a pipe has gone, a full disk) exits 120, as the interpreter's own
    final flush would, but without its "Exception ignored" lines on a stderr that may be the broken one."""
    atexit._run_exitfuncs()  # what sys.exit would run first (a handler's error is printed, as there)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # ValueError: a stream the command closed
            code = 120
    os._exit(code)
