"""Big trees built without the cyclic garbage collector walking them while they grow.

A 100,000-key profile or catalogue is a million young objects: with the collector on, building it runs
full collections that walk every one of them, again and again (a quarter of the parse). The trees hold no
cycles, so ``building()`` pauses the collector while one is made and then freezes everything alive (later
collections skip it). The builder must leave no cyclic garbage behind, or it is frozen with the rest:
tests/test_bulk.py checks the readers leave none.

A read command's trees die with its process, and freeing a tree object by object touches every object once
more (for diff's two files 0.55 us a key at 100k keys, 0.25 at 10k: the freeing walks memory long out of the
cache). So `show` and `diff` hand their profiles (and `show` its rows) to ``outlive``, and `validate` each
file's tree to ``outlive_latest`` (which lets the one before go first: one tree held, however many files):
where the process leaves by os._exit (profilegen.launch), they are never freed one by one; anywhere else
(tests, an embedding program) nothing is held.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar


class _Held:
    """What ``outlive`` and ``outlive_latest`` keep, once ``hold_to_the_end`` has said they should."""

    holding: ClassVar[bool] = False
    trees: ClassVar[list[object]] = []
    latest: ClassVar[list[object]] = []


def hold_to_the_end(holding: bool = True) -> None:
    """From now on ``outlive`` holds what it is given (the caller ends the process by os._exit), or, with
    False, no longer: what it holds is then freed at the interpreter's teardown as ever."""
    _Held.holding = holding


def outlive(*trees: object) -> None:
    """Keep ``trees`` alive to the process's end (when ``hold_to_the_end`` was called), for os._exit to drop."""
    if _Held.holding:
        _Held.trees.extend(trees)


def outlive_latest(tree: object | None) -> None:
    """Let the tree held before go, then keep ``tree`` (None: nothing) as ``outlive`` would."""
    _Held.latest.clear()
    if _Held.holding and tree is not None:
        _Held.latest.append(tree)


@contextmanager
def building() -> Iterator[None]:
    """The collector paused while the body builds a tree, then everything alive frozen out of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()
