"""The process entry point (the `profilegen` script and `python -m profilegen`), tuned for a short life.

Start-up creates some 100,000 objects (typer, click, our modules) that live until the process ends, and
CPython's cyclic garbage collector walks them again at every full collection and once more at exit, when
nothing is left to free: about a quarter of a small build's cost beyond `import typer`. So the collector is
off while they are imported, they are then frozen (gc.freeze: out of every later collection's reach), the
collector runs as usual for the command's own work, and what the command made is frozen again at exit,
where the interpreter's final collection would only walk it. Objects are still released by reference
counting as ever; only the walk is skipped.
"""

import gc
import sys

from profilegen.bulk import building


def main() -> None:
    """Run the command line with the collector spared the objects that start-up made: the read commands'
    usual command lines without typer (profilegen.quickpath), every other one with it."""
    with building():  # start-up's objects live until exit, as a tree built with profilegen.bulk does
        from profilegen.quickpath import run as run_quickly
    try:
        code = run_quickly(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        with building():
            from profilegen.cli import main as run_command_line
        run_command_line()
    finally:
        gc.freeze()
